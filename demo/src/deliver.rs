//! Delivering the demo's mail: the service's own outbox worker, run until nothing is
//! due, so the introduction emails are on disk (or at the SMTP server) when the command
//! returns. Mail dated later (a meeting reminder) stays queued for the server.

use std::{path::PathBuf, sync::Arc, time::Duration};

use anyhow::Context;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use musubi_api::{
    config::Settings,
    email::{outbox::OutboxStatus, worker},
    entities::outbox,
    repo::now,
};

/// How delivery went.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Where `.eml` files went, or `None` when mail went over SMTP.
    pub mail_dir: Option<PathBuf>,
    /// Emails about the demo's matches that have been delivered (this run or before).
    pub sent: u64,
    /// Mail still due when the wait ended (0 unless delivery is failing or slow).
    pub still_due: u64,
    /// Mail dated later (reminders), left for the server's worker.
    pub scheduled: u64,
}

/// Runs an outbox worker until no mail is due or `within` has passed, then stops it.
/// `matches` are the demo's matches, whose delivered emails are counted.
pub async fn deliver(
    db: &DatabaseConnection,
    settings: Arc<Settings>,
    within: Duration,
    matches: &[Uuid],
) -> anyhow::Result<Delivery> {
    let (shutdown, stop) = tokio::sync::watch::channel(false);
    let handle = worker::spawn(db.clone(), settings.clone(), stop)?;
    worker::wake();
    let started = tokio::time::Instant::now();
    let mut still_due = due(db).await?;
    while still_due > 0 && started.elapsed() < within {
        tokio::time::sleep(Duration::from_millis(100)).await;
        still_due = due(db).await?;
    }
    // The worker finishes its sends in flight (each bounded by the send timeout) and
    // hands back what it had claimed but not started.
    let _ = shutdown.send(true);
    let grace = settings.mail.send_timeout + Duration::from_secs(5);
    if tokio::time::timeout(grace, handle).await.is_err() {
        tracing::warn!("the demo's mail worker did not stop in time");
    }

    let sent = outbox::Entity::find()
        .filter(outbox::Column::MatchId.is_in(matches.iter().copied()))
        .filter(outbox::Column::Status.eq(OutboxStatus::Sent.as_str()))
        .count(db)
        .await
        .context("counting the demo's delivered mail")?;
    let scheduled = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
        .filter(outbox::Column::NextAttemptAt.gt(now()))
        .count(db)
        .await
        .context("counting scheduled mail")?;
    let mail_dir = settings.smtp_url.is_none().then(|| {
        std::fs::canonicalize(&settings.mail_dir).unwrap_or_else(|_| settings.mail_dir.clone())
    });
    Ok(Delivery {
        mail_dir,
        sent,
        still_due,
        scheduled,
    })
}

/// Rows a worker would take now: pending and due, or being sent.
async fn due(db: &DatabaseConnection) -> anyhow::Result<u64> {
    outbox::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
                        .add(outbox::Column::NextAttemptAt.lte(now())),
                )
                .add(outbox::Column::Status.eq(OutboxStatus::Sending.as_str())),
        )
        .count(db)
        .await
        .context("counting due mail")
}
