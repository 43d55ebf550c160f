//! The delivery worker: claims due outbox rows under a lease, sends several at once with
//! a timeout each, and records the outcome.
//!
//! Claiming is one atomic `UPDATE … RETURNING`: on PostgreSQL its subquery takes the rows
//! `FOR UPDATE SKIP LOCKED`, so concurrent workers (in this process or others) split the
//! due rows between them; SQLite runs one writer at a time, which gives the same
//! guarantee. A claimed row is `sending` until `locked_until`, and the worker extends that
//! lease every quarter of it while it holds the row; only after the lease has ended may
//! another worker take the row over (its first worker crashed). A worker never starts a
//! send it could not finish within its lease, so two workers never send one row at once.
//!
//! # What is sent twice, and when
//!
//! An outbox row is handed to the SMTP server twice only when the outcome of the first
//! attempt is unknown: the send timed out after the message was written (the server may
//! have queued it), or the process died between the server's acceptance and the row being
//! marked `sent`. Every attempt carries the same `Message-ID` (`<outbox id@musubi>`) and
//! `Date`, so the receiving side can drop the repeat.
//!
//! A known outcome is never lost to a database outage: the worker retries writing it
//! until the database answers again, however long that takes, and keeps its lease alive
//! meanwhile. Because the lease cannot be extended while the database is down, a worker
//! takes over other workers' expired rows only after it has itself reached the database
//! without an error for one whole lease: a live holder renews its rows and records its
//! outcomes within that time, so a database restart never makes a second worker resend a
//! row whose send succeeded.
//!
//! # Failures
//!
//! Any error or panic while building or sending one message fails that row alone: it
//! goes back to `pending` after a capped exponential backoff with full jitter, with the
//! error recorded, and to `dead` once its retry budget (48 hours from the first failure
//! by default; optionally also an attempt cap) is spent. A supervisor restarts the worker
//! task itself if it ever ends, which [`Health`] reports to `/ready` and `/metrics`.
//!
//! Sends run on up to `MUSUBI_MAIL_CONCURRENCY` connections at once, and a finished send
//! frees its slot for the next row at once, so one hanging SMTP session delays only its
//! own message.

use std::{
    any::Any,
    collections::VecDeque,
    panic::AssertUnwindSafe,
    sync::{Arc, Mutex},
    time::Duration,
};

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::FutureExt;
use rand::Rng;
use sea_orm::{
    ColumnTrait, Condition, DatabaseBackend, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect, Statement, sea_query::Expr,
};
use tokio::{
    sync::{Notify, watch},
    task::JoinSet,
    time::Instant,
};
use uuid::Uuid;

use super::{
    outbox::OutboxStatus,
    transport::{Transport, build_message},
};
use crate::{config::Settings, entities::outbox, repo::now};

/// Sends in flight at once per worker by default (`MUSUBI_MAIL_CONCURRENCY`): also the
/// most emails a crash can cause to be delivered twice.
pub const CONCURRENCY: usize = 4;

/// The longest `last_error` kept.
const MAX_ERROR_CHARS: usize = 1_000;

/// The longest pause between two tries to record an outcome while the database is away.
const LONGEST_RECORD_PAUSE: Duration = Duration::from_secs(5);

static WAKE: Notify = Notify::const_new();

/// Wakes this process's worker now rather than at its next poll. Call it after the
/// transaction that enqueued mail commits; without it the mail goes at the next poll.
pub fn wake() {
    WAKE.notify_one();
}

pub(super) fn stopping(shutdown: &watch::Receiver<bool>) -> bool {
    *shutdown.borrow() || shutdown.has_changed().is_err()
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

pub use super::supervisor::{Health, spawn, spawn_supervised};

pub(super) struct Worker {
    db: DatabaseConnection,
    settings: Arc<Settings>,
    transport: Transport,
    id: String,
    shutdown: watch::Receiver<bool>,
    /// Until when the last lease renewal holds every row this worker held when it began.
    renewed_until: Mutex<Option<Instant>>,
}

/// A claimed row and when its lease, as claimed, ends (on the monotonic clock, measured
/// from before the claim, so never late).
struct Claimed {
    row: outbox::Model,
    deadline: Instant,
}

/// How a send ended.
enum Outcome {
    Sent,
    /// Failed (an SMTP error, a timeout, a message that cannot be built, a panic):
    /// retried after a backoff until the budget is spent.
    Failed(anyhow::Error),
    /// Not attempted (shutdown, or too little lease left): back to `pending` as it was.
    Released,
}

/// The worker loop: keeps up to `concurrency` deliveries running, each in its own task,
/// claims more as slots free up, and renews the lease on what it holds.
pub(super) async fn run(worker: Arc<Worker>, health: Arc<Health>) {
    let mail = &worker.settings.mail;
    tracing::info!(worker = %worker.id, transport = worker.transport.kind(), concurrency = mail.concurrency, "outbox worker started");
    let (poll, lease) = (mail.poll_interval, mail.lease);
    let renew_every = lease / 4;
    // While renewals fail (the database is away), try again soon: the sooner a lease is
    // renewed once the database answers, the safer the rows this worker holds.
    let renew_retry = renew_every.min(Duration::from_secs(1));
    let mut shutdown = worker.shutdown.clone();
    let mut deliveries: JoinSet<()> = JoinSet::new();
    let mut queue: VecDeque<Claimed> = VecDeque::new();
    let mut next_claim = Instant::now();
    let mut next_renewal = Instant::now() + renew_every;
    // Since when every query of this worker has succeeded (see the module docs).
    let mut healthy_since: Option<Instant> = None;
    loop {
        health.turn();
        if mail.faults.take_worker_panic() {
            panic!("injected fault: the outbox worker panics outside any row");
        }
        if worker.stopping() {
            break;
        }
        while deliveries.len() < mail.concurrency
            && let Some(claimed) = queue.pop_front()
        {
            deliveries.spawn(worker.clone().deliver(claimed));
        }
        let started = Instant::now();
        if started >= next_renewal {
            if deliveries.is_empty() && queue.is_empty() {
                next_renewal = started + renew_every;
            } else {
                match worker.renew().await {
                    Ok(()) => {
                        healthy_since.get_or_insert(started);
                        next_renewal = started + renew_every;
                    }
                    Err(error) => {
                        healthy_since = None;
                        tracing::warn!(worker = %worker.id, error = format!("{error:#}"), "cannot extend the lease on claimed email; will retry");
                        next_renewal = Instant::now() + renew_retry;
                    }
                }
            }
        }
        if queue.len() < mail.concurrency && Instant::now() >= next_claim {
            let started = Instant::now();
            let take_over = healthy_since.is_some_and(|since| since.elapsed() >= lease);
            match worker.claim(take_over).await {
                Ok(rows) => {
                    healthy_since.get_or_insert(started);
                    // A full batch suggests more is due: go straight on.
                    let full = rows.len() >= mail.batch_size as usize;
                    let deadline = started + lease;
                    queue.extend(rows.into_iter().map(|row| Claimed { row, deadline }));
                    next_claim = if full { started } else { started + poll };
                }
                Err(error) => {
                    healthy_since = None;
                    tracing::warn!(worker = %worker.id, error = format!("{error:#}"), "cannot claim outbox rows; will retry");
                    next_claim =
                        Instant::now() + poll.saturating_mul(10).min(Duration::from_secs(10));
                }
            }
            if !queue.is_empty() && deliveries.len() < mail.concurrency {
                continue;
            }
        }
        let wake_at = if queue.len() < mail.concurrency {
            next_claim.min(next_renewal)
        } else {
            next_renewal
        };
        tokio::select! {
            Some(joined) = deliveries.join_next(), if !deliveries.is_empty() => {
                if let Err(error) = joined {
                    // Only recording could panic here (sending is caught): the row stays
                    // `sending` and is taken over after its lease.
                    tracing::error!(worker = %worker.id, error = %error, "an email delivery task failed");
                }
            }
            () = tokio::time::sleep_until(wake_at) => {}
            () = WAKE.notified() => next_claim = Instant::now(),
            changed = shutdown.changed() => if changed.is_err() { break },
        }
    }
    // Hand back what was claimed but not started, and let the sends in flight finish.
    for claimed in queue.drain(..) {
        deliveries.spawn(worker.clone().release(claimed));
    }
    while deliveries.join_next().await.is_some() {}
    tracing::info!(worker = %worker.id, "outbox worker stopped");
}

impl Worker {
    /// A worker with a fresh id: rows an earlier run held are not its own.
    pub(super) fn new(
        db: DatabaseConnection,
        settings: Arc<Settings>,
        transport: Transport,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        Self {
            db,
            settings,
            transport,
            id: worker_id(),
            shutdown,
            renewed_until: Mutex::new(None),
        }
    }

    /// Its id, for logs.
    pub(super) fn id(&self) -> &str {
        &self.id
    }

    fn stopping(&self) -> bool {
        stopping(&self.shutdown)
    }

    /// How long one database call may take before it counts as failed: the pool's own
    /// wait for a connection, and as long again for the query.
    fn db_bound(&self) -> Duration {
        self.settings
            .db_timeout
            .saturating_mul(2)
            .max(Duration::from_secs(1))
    }

    /// Claims up to a batch of due rows: pending ones, and when `take_over`, `sending`
    /// ones of other workers whose lease has ended.
    async fn claim(&self, take_over: bool) -> anyhow::Result<Vec<outbox::Model>> {
        tokio::time::timeout(self.db_bound(), self.claim_now(take_over))
            .await
            .context("claiming due email took too long")?
    }

    async fn claim_now(&self, take_over: bool) -> anyhow::Result<Vec<outbox::Model>> {
        let at = now();
        // A cheap read first: an idle worker must not take SQLite's write lock every poll.
        let mut due = Condition::any().add(
            Condition::all()
                .add(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
                .add(outbox::Column::NextAttemptAt.lte(at)),
        );
        if take_over {
            due = due.add(
                Condition::all()
                    .add(outbox::Column::Status.eq(OutboxStatus::Sending.as_str()))
                    .add(outbox::Column::LockedUntil.lt(at))
                    .add(outbox::Column::LockedBy.ne(self.id.as_str())),
            );
        }
        let any_due = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Id)
            .filter(due)
            .limit(1)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await
            .context("looking for due email")?;
        if any_due.is_none() {
            return Ok(Vec::new());
        }
        let statement = claim_statement(
            self.db.get_database_backend(),
            &self.id,
            at,
            take_over,
            &self.settings,
        );
        outbox::Entity::find()
            .from_raw_sql(statement)
            .all(&self.db)
            .await
            .context("claiming due email")
    }

    /// Extends the lease on every row this worker holds.
    async fn renew(&self) -> anyhow::Result<()> {
        let started = Instant::now();
        let lease = self.settings.mail.lease;
        let until = now() + chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let update = outbox::Entity::update_many()
            .col_expr(outbox::Column::LockedUntil, Expr::value(Some(until)))
            .filter(outbox::Column::LockedBy.eq(self.id.as_str()))
            .filter(outbox::Column::Status.eq(OutboxStatus::Sending.as_str()))
            .exec(&self.db);
        tokio::time::timeout(self.db_bound(), update)
            .await
            .context("extending the lease took too long")?
            .context("extending the lease")?;
        *self
            .renewed_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(started + lease);
        Ok(())
    }

    /// When this worker's hold on a row claimed with `deadline` ends: the later of the
    /// claim's lease and the last renewal's.
    fn lease_ends(&self, deadline: Instant) -> Instant {
        let renewed = *self
            .renewed_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        renewed.map_or(deadline, |renewed| renewed.max(deadline))
    }

    /// One row, start to end: a panic while building or sending fails the row like any
    /// other error, then the outcome is recorded, however long the database takes.
    async fn deliver(self: Arc<Self>, claimed: Claimed) {
        let outcome = AssertUnwindSafe(self.attempt(&claimed))
            .catch_unwind()
            .await
            .unwrap_or_else(|panic| {
                Outcome::Failed(anyhow::anyhow!(
                    "panicked while building or sending the message: {}",
                    panic_text(panic.as_ref())
                ))
            });
        self.record_until_done(&claimed.row, outcome).await;
    }

    async fn release(self: Arc<Self>, claimed: Claimed) {
        self.record_until_done(&claimed.row, Outcome::Released)
            .await;
    }

    async fn attempt(&self, claimed: &Claimed) -> Outcome {
        let row = &claimed.row;
        let timeout = self.settings.mail.send_timeout;
        // Start only a send that ends, timeout and all, well inside the lease.
        if self.stopping()
            || Instant::now() + timeout + timeout / 2 > self.lease_ends(claimed.deadline)
        {
            return Outcome::Released;
        }
        if self
            .settings
            .mail
            .faults
            .panics_building_for(&row.to_address)
        {
            panic!(
                "injected fault: building the message to {} panics",
                row.to_address
            );
        }
        let message = match build_message(row, &self.settings.mail_from) {
            Ok(message) => message,
            Err(error) => return Outcome::Failed(error.context("cannot build the message")),
        };
        let started = Instant::now();
        // A send cut off here drops its SMTP connection with it (see `transport`).
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
                "the send did not finish within {} ms (it may have been delivered; a retry carries the same Message-ID)",
                timeout.as_millis()
            )),
        }
    }

    /// Records an outcome, retrying until the database takes it: an outcome that is known
    /// must never be lost (a lost `sent` would send the email again). The lease renewals
    /// keep the row this worker's meanwhile.
    async fn record_until_done(&self, row: &outbox::Model, outcome: Outcome) {
        let mut pause = Duration::from_millis(100);
        let mut failures = 0u32;
        loop {
            let recorded = tokio::time::timeout(self.db_bound(), self.record(row, &outcome))
                .await
                .unwrap_or_else(|_| {
                    Err(anyhow::anyhow!(
                        "recording a delivery outcome took too long"
                    ))
                });
            match recorded {
                Ok(()) => {
                    if failures > 0 {
                        tracing::info!(worker = %self.id, outbox_id = %row.id, tries = failures + 1, "recorded a delivery outcome once the database answered again");
                    }
                    return;
                }
                Err(error) => {
                    failures += 1;
                    if failures == 1 || failures.is_multiple_of(20) {
                        tracing::warn!(worker = %self.id, outbox_id = %row.id, failures, error = format!("{error:#}"), "cannot record a delivery outcome; will retry until the database answers");
                    }
                }
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_RECORD_PAUSE);
        }
    }

    /// Writes the outcome, only while this worker still holds the row.
    async fn record(&self, row: &outbox::Model, outcome: &Outcome) -> anyhow::Result<()> {
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
                let budget =
                    chrono::Duration::from_std(mail.retry_budget).unwrap_or(chrono::Duration::MAX);
                // The budget runs from the first failure.
                let retry_until = row
                    .retry_until
                    .unwrap_or_else(|| at.checked_add_signed(budget).unwrap_or(at));
                let capped = row.max_attempts > 0 && attempts >= row.max_attempts;
                let give_up = capped || at >= retry_until;
                let failures = u32::try_from(attempts).unwrap_or(u32::MAX);
                let delay = retry_delay(
                    failures,
                    mail.retry_base,
                    mail.retry_cap,
                    &mut rand::thread_rng(),
                );
                // The last try falls at the end of the budget, not after it.
                let next = (at
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX))
                .min(retry_until);
                tracing::warn!(
                    worker = %self.id,
                    outbox_id = %row.id,
                    kind = %row.kind,
                    attempts,
                    retry_until = %retry_until,
                    retry_in_ms = if give_up { 0 } else { u64::try_from((next - at).num_milliseconds()).unwrap_or_default() },
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
                    .col_expr(outbox::Column::RetryUntil, Expr::value(Some(retry_until)))
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

/// What a panic said, when it said it with a string.
pub(super) fn panic_text(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The claim: one statement that marks a batch of due rows as this worker's and returns
/// them. Written per backend because of `FOR UPDATE SKIP LOCKED`, which PostgreSQL needs
/// so concurrent workers skip each other's rows instead of waiting or double-claiming,
/// and which SQLite (one writer at a time) neither has nor needs. Timestamps are bound
/// from here, never taken from the database clock, so both backends compare them alike.
/// With `take_over`, `sending` rows of other workers whose lease has ended are due too.
fn claim_statement(
    backend: DatabaseBackend,
    worker: &str,
    at: DateTime<Utc>,
    take_over: bool,
    settings: &Settings,
) -> Statement {
    let mail = &settings.mail;
    let locked_until = at + chrono::Duration::from_std(mail.lease).unwrap_or(chrono::Duration::MAX);
    // 0: no attempt cap, only the time budget.
    let max_attempts = mail
        .max_attempts
        .map_or(0, |cap| i32::try_from(cap).unwrap_or(i32::MAX));
    let limit = i64::from(mail.batch_size);
    let abandoned = if take_over {
        " OR (status = 'sending' AND locked_until < $4 AND locked_by <> $1)"
    } else {
        ""
    };
    let postgres = format!(
        "UPDATE outbox SET status = 'sending', locked_by = $1, locked_until = $2, max_attempts = $3, updated_at = $4 \
         WHERE id IN (SELECT id FROM outbox \
             WHERE (status = 'pending' AND next_attempt_at <= $4){abandoned} \
             ORDER BY next_attempt_at LIMIT $5 FOR UPDATE SKIP LOCKED) \
         RETURNING *"
    );
    match backend {
        DatabaseBackend::Postgres => Statement::from_sql_and_values(
            backend,
            postgres,
            [
                worker.into(),
                locked_until.into(),
                max_attempts.into(),
                at.into(),
                limit.into(),
            ],
        ),
        // SQLite numbers its parameters the same way (`?NNN`), and has no row locks to skip.
        _ => Statement::from_sql_and_values(
            backend,
            postgres
                .replace(" FOR UPDATE SKIP LOCKED", "")
                .replace('$', "?"),
            [
                worker.into(),
                locked_until.into(),
                max_attempts.into(),
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
