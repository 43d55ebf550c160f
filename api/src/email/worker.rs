//! The delivery worker: claims due outbox rows under a lease, sends each with a timeout,
//! and records the outcome.
//!
//! Claiming is one atomic `UPDATE … RETURNING`: on PostgreSQL its subquery takes the rows
//! `FOR UPDATE SKIP LOCKED`, so concurrent workers (in this process or others) split the
//! due rows between them; SQLite runs one writer at a time, which gives the same
//! guarantee. A claimed row is `sending` until `locked_until`; only after that may
//! another worker take it over (its first worker crashed). A worker never starts a send
//! it could not finish within its lease, so two workers never send one row at once.
//!
//! A failed attempt goes back to `pending` after a capped exponential backoff with full
//! jitter, and to `dead` once the retry budget is spent.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use rand::Rng;
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Statement, sea_query::Expr,
};
use tokio::{sync::Notify, task::JoinHandle, time::Instant};
use uuid::Uuid;

use super::{
    outbox::OutboxStatus,
    transport::{Transport, build_message},
};
use crate::{config::Settings, entities::outbox, repo::now};

/// Sends in flight at once per worker: also the most emails a crash can cause to be
/// delivered twice.
pub const CONCURRENCY: usize = 4;

/// The longest `last_error` kept.
const MAX_ERROR_CHARS: usize = 1_000;

static WAKE: Notify = Notify::const_new();

/// Wakes this process's worker now rather than at its next poll. Call it after the
/// transaction that enqueued mail commits; without it the mail goes at the next poll.
pub fn wake() {
    WAKE.notify_one();
}

/// Starts a worker that delivers until `shutdown` turns true (or its sender is dropped).
/// On shutdown it finishes the sends in flight and hands back the rows it had claimed but
/// not started. Fails at once if the transport cannot be set up (a bad `MUSUBI_SMTP_URL`,
/// an unwritable `MUSUBI_MAIL_DIR`).
pub fn spawn(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<()>> {
    let transport = Transport::from_settings(&settings)?;
    let worker = Worker {
        db,
        settings,
        transport,
        id: worker_id(),
        shutdown,
    };
    Ok(tokio::spawn(worker.run()))
}

/// `pid1234-1a2b3c4d`: which process, and which worker in it, holds a lease.
fn worker_id() -> String {
    let unique = Uuid::new_v4().simple().to_string();
    format!(
        "pid{}-{}",
        std::process::id(),
        unique.get(..8).unwrap_or(&unique)
    )
}

struct Worker {
    db: DatabaseConnection,
    settings: Arc<Settings>,
    transport: Transport,
    id: String,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

/// How a send ended.
enum Outcome {
    Sent,
    Failed(anyhow::Error),
    /// Will never work (a malformed address): no retries.
    Hopeless(anyhow::Error),
    /// Not attempted (shutdown, or too little lease left): back to `pending` as it was.
    Released,
}

impl Worker {
    async fn run(mut self) {
        tracing::info!(worker = %self.id, transport = self.transport.kind(), "outbox worker started");
        let mail = &self.settings.mail;
        let (poll, batch) = (mail.poll_interval, mail.batch_size);
        loop {
            if self.stopping() {
                break;
            }
            let pause = match self.claim().await {
                Ok((rows, deadline)) => {
                    let full = rows.len() >= batch as usize;
                    if !rows.is_empty() {
                        self.deliver_all(rows, deadline).await;
                    }
                    // A full batch suggests more is due: go straight on.
                    if full { None } else { Some(poll) }
                }
                Err(error) => {
                    tracing::warn!(worker = %self.id, error = format!("{error:#}"), "cannot claim outbox rows; will retry");
                    Some(poll.saturating_mul(10).min(Duration::from_secs(10)))
                }
            };
            if let Some(pause) = pause {
                tokio::select! {
                    () = tokio::time::sleep(pause) => {}
                    () = WAKE.notified() => {}
                    changed = self.shutdown.changed() => if changed.is_err() { break },
                }
            }
        }
        tracing::info!(worker = %self.id, "outbox worker stopped");
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow() || self.shutdown.has_changed().is_err()
    }

    /// Claims up to a batch of due rows. The deadline is when this worker's lease on them
    /// ends, measured on the monotonic clock from before the claim (so never late).
    async fn claim(&self) -> anyhow::Result<(Vec<outbox::Model>, Instant)> {
        let deadline = Instant::now() + self.settings.mail.lease;
        let at = now();
        // A cheap read first: an idle worker must not take SQLite's write lock every poll.
        let any_due = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(due(at))
            .limit(1)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await
            .context("looking for due email")?;
        if any_due.is_none() {
            return Ok((Vec::new(), deadline));
        }
        let statement =
            claim_statement(self.db.get_database_backend(), &self.id, at, &self.settings);
        let rows = outbox::Entity::find()
            .from_raw_sql(statement)
            .all(&self.db)
            .await
            .context("claiming due email")?;
        Ok((rows, deadline))
    }

    async fn deliver_all(&self, rows: Vec<outbox::Model>, deadline: Instant) {
        futures_util::stream::iter(rows)
            .for_each_concurrent(CONCURRENCY, |row| async move {
                let outcome = self.deliver(&row, deadline).await;
                if let Err(error) = self.record(&row, outcome).await {
                    // The row stays `sending` and is taken over when its lease ends.
                    tracing::warn!(worker = %self.id, outbox_id = %row.id, error = format!("{error:#}"), "cannot record a delivery outcome");
                }
            })
            .await;
    }

    async fn deliver(&self, row: &outbox::Model, deadline: Instant) -> Outcome {
        let timeout = self.settings.mail.send_timeout;
        // Start only a send that ends, timeout and all, well inside the lease.
        if self.stopping() || Instant::now() + timeout + timeout / 2 > deadline {
            return Outcome::Released;
        }
        let message = match build_message(row, &self.settings.mail_from) {
            Ok(message) => message,
            Err(error) => return Outcome::Hopeless(error),
        };
        let started = Instant::now();
        match tokio::time::timeout(timeout, self.transport.send(row.id, message)).await {
            Ok(Ok(())) => {
                tracing::info!(
                    worker = %self.id,
                    outbox_id = %row.id,
                    kind = %row.kind,
                    attempt = row.attempts + 1,
                    elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                    "email sent"
                );
                Outcome::Sent
            }
            Ok(Err(error)) => Outcome::Failed(error),
            Err(_) => Outcome::Failed(anyhow::anyhow!(
                "the send did not finish within {} ms",
                timeout.as_millis()
            )),
        }
    }

    /// Writes the outcome, only while this worker still holds the row.
    async fn record(&self, row: &outbox::Model, outcome: Outcome) -> anyhow::Result<()> {
        let at = now();
        let mail = &self.settings.mail;
        let update = outbox::Entity::update_many()
            .col_expr(
                outbox::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(outbox::Column::UpdatedAt, Expr::value(at))
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::Status.eq(OutboxStatus::Sending.as_str()))
            .filter(outbox::Column::LockedBy.eq(self.id.as_str()));
        let update = match outcome {
            // `locked_by` stays on a sent row: it records which worker sent it.
            Outcome::Sent => update
                .col_expr(
                    outbox::Column::Status,
                    Expr::value(OutboxStatus::Sent.as_str()),
                )
                .col_expr(outbox::Column::SentAt, Expr::value(Some(at))),
            Outcome::Released => update
                .col_expr(
                    outbox::Column::Status,
                    Expr::value(OutboxStatus::Pending.as_str()),
                )
                .col_expr(
                    outbox::Column::LockedBy,
                    Expr::value(Option::<String>::None),
                ),
            Outcome::Failed(error) => {
                let attempts = row.attempts.saturating_add(1);
                let give_up = attempts >= row.max_attempts;
                let failures = u32::try_from(attempts).unwrap_or(u32::MAX);
                let delay = retry_delay(
                    failures,
                    mail.retry_base,
                    mail.retry_cap,
                    &mut rand::thread_rng(),
                );
                let next = at + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
                tracing::warn!(
                    worker = %self.id,
                    outbox_id = %row.id,
                    kind = %row.kind,
                    attempts,
                    max_attempts = row.max_attempts,
                    retry_in_ms = if give_up { 0 } else { u64::try_from(delay.as_millis()).unwrap_or(u64::MAX) },
                    error = format!("{error:#}"),
                    "email delivery failed{}",
                    if give_up { "; giving up" } else { "; will retry" }
                );
                let update = update
                    .col_expr(
                        outbox::Column::LockedBy,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(outbox::Column::Attempts, Expr::value(attempts))
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(Some(truncate(&format!("{error:#}")))),
                    );
                if give_up {
                    update.col_expr(
                        outbox::Column::Status,
                        Expr::value(OutboxStatus::Dead.as_str()),
                    )
                } else {
                    update
                        .col_expr(
                            outbox::Column::Status,
                            Expr::value(OutboxStatus::Pending.as_str()),
                        )
                        .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
                }
            }
            Outcome::Hopeless(error) => {
                tracing::warn!(worker = %self.id, outbox_id = %row.id, kind = %row.kind, error = format!("{error:#}"), "email cannot be built; giving up");
                update
                    .col_expr(
                        outbox::Column::Status,
                        Expr::value(OutboxStatus::Dead.as_str()),
                    )
                    .col_expr(
                        outbox::Column::LockedBy,
                        Expr::value(Option::<String>::None),
                    )
                    .col_expr(
                        outbox::Column::Attempts,
                        Expr::value(row.attempts.saturating_add(1)),
                    )
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(Some(truncate(&format!("{error:#}")))),
                    )
            }
        };
        let result = update
            .exec(&self.db)
            .await
            .context("recording a delivery outcome")?;
        if result.rows_affected == 0 {
            tracing::warn!(worker = %self.id, outbox_id = %row.id, "lost the lease on an outbox row before recording its outcome");
        }
        Ok(())
    }
}

/// Rows a worker may claim: pending and due, or `sending` under a lease that has ended.
fn due(at: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(
            Condition::all()
                .add(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
                .add(outbox::Column::NextAttemptAt.lte(at)),
        )
        .add(
            Condition::all()
                .add(outbox::Column::Status.eq(OutboxStatus::Sending.as_str()))
                .add(outbox::Column::LockedUntil.lt(at)),
        )
}

/// The claim: one statement that marks a batch of due rows as this worker's and returns
/// them. Written per backend because of `FOR UPDATE SKIP LOCKED`, which PostgreSQL needs
/// so concurrent workers skip each other's rows instead of waiting or double-claiming,
/// and which SQLite (one writer at a time) neither has nor needs. Timestamps are bound
/// from here, never taken from the database clock, so both backends compare them alike.
fn claim_statement(
    backend: DatabaseBackend,
    worker: &str,
    at: DateTime<Utc>,
    settings: &Settings,
) -> Statement {
    let mail = &settings.mail;
    let locked_until = at + chrono::Duration::from_std(mail.lease).unwrap_or(chrono::Duration::MAX);
    let max_attempts = i32::try_from(mail.max_attempts).unwrap_or(i32::MAX);
    let limit = i64::from(mail.batch_size);
    match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "UPDATE outbox SET status = 'sending', locked_by = $1, locked_until = $2, max_attempts = $3, updated_at = $4 \
             WHERE id IN (SELECT id FROM outbox \
                 WHERE (status = 'pending' AND next_attempt_at <= $4) OR (status = 'sending' AND locked_until < $4) \
                 ORDER BY next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED) \
             RETURNING *",
            [
                worker.into(),
                locked_until.into(),
                max_attempts.into(),
                at.into(),
                limit.into(),
            ],
        ),
        _ => Statement::from_sql_and_values(
            backend,
            "UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, max_attempts = ?, updated_at = ? \
             WHERE id IN (SELECT id FROM outbox \
                 WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?) \
                 ORDER BY next_attempt_at LIMIT ?) \
             RETURNING *",
            [
                worker.into(),
                locked_until.into(),
                max_attempts.into(),
                at.into(),
                at.into(),
                at.into(),
                limit.into(),
            ],
        ),
    }
}

/// The most a retry may wait after `failures` failed attempts: `base · 2^(failures-1)`,
/// never above `cap`.
pub fn backoff_ceiling(failures: u32, base: Duration, cap: Duration) -> Duration {
    let factor = 1u32
        .checked_shl(failures.saturating_sub(1))
        .unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(cap).min(cap)
}

/// The wait before the next attempt: uniform between zero and the ceiling ("full
/// jitter"), so workers that failed together do not retry together.
pub fn retry_delay(failures: u32, base: Duration, cap: Duration, rng: &mut impl Rng) -> Duration {
    let ceiling =
        u64::try_from(backoff_ceiling(failures, base, cap).as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(rng.gen_range(0..=ceiling))
}

fn truncate(text: &str) -> String {
    text.chars().take(MAX_ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use rand::{SeedableRng, rngs::StdRng};

    use super::*;

    const BASE: Duration = Duration::from_secs(5);
    const CAP: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn the_ceiling_doubles_from_the_base_until_the_cap() {
        let ceilings: Vec<u64> = (1..=10)
            .map(|n| backoff_ceiling(n, BASE, CAP).as_secs())
            .collect();
        assert_eq!(ceilings, [5, 10, 20, 40, 80, 160, 320, 640, 900, 900]);
        assert_eq!(backoff_ceiling(0, BASE, CAP), BASE);
        // Absurd attempt counts neither overflow nor pass the cap.
        assert_eq!(backoff_ceiling(1_000, BASE, CAP), CAP);
        assert_eq!(backoff_ceiling(u32::MAX, Duration::MAX, CAP), CAP);
    }

    #[test]
    fn a_retry_never_waits_beyond_the_cap_and_waits_longer_as_failures_grow() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut means = Vec::new();
        for failures in 1..=12 {
            let ceiling = backoff_ceiling(failures, BASE, CAP);
            let delays: Vec<Duration> = (0..2_000)
                .map(|_| retry_delay(failures, BASE, CAP, &mut rng))
                .collect();
            assert!(
                delays
                    .iter()
                    .all(|delay| *delay <= ceiling && *delay <= CAP),
                "failures {failures}"
            );
            let mean = delays.iter().sum::<Duration>() / 2_000;
            // Full jitter: the mean sits near half the ceiling.
            assert!(
                mean > ceiling.mul_f64(0.4) && mean < ceiling.mul_f64(0.6),
                "failures {failures}: mean {mean:?} of {ceiling:?}"
            );
            means.push(mean);
        }
        assert!(
            means.windows(2).take(7).all(|pair| pair[1] > pair[0]),
            "{means:?}"
        );
    }

    #[test]
    fn error_text_is_bounded() {
        assert_eq!(
            truncate(&"あ".repeat(5_000)).chars().count(),
            MAX_ERROR_CHARS
        );
    }
}
