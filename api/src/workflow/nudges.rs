//! One nudge when someone has not answered in three days: a scouted professional who has
//! neither accepted nor declined, or an SME that has not moved an introduction towards a
//! meeting. Slow replies are the most common way a match is lost (DOMAIN.md).

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};

use super::parties::Parties;
use crate::{
    config::Settings,
    domain::matching::MatchStatus,
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::matches,
    error::ApiError,
};

/// Days without an answer before the nudge.
pub const NUDGE_AFTER_DAYS: i64 = 3;

/// Sends the nudges that are due at `now`; returns how many were queued. Safe to run in
/// several processes at once: a match is claimed by a conditional update before its email
/// is queued, in one transaction.
pub async fn run_once(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let due = matches::Entity::find()
        .filter(matches::Column::NudgedAt.is_null())
        .filter(matches::Column::Status.is_in([
            MatchStatus::Proposed.as_str(),
            MatchStatus::Introduced.as_str(),
        ]))
        .filter(matches::Column::UpdatedAt.lte(now - Duration::days(NUDGE_AFTER_DAYS)))
        .all(db)
        .await?;
    let mut sent = 0;
    for found in due {
        let public_url = settings.public_url.clone();
        let queued = db
            .transaction::<_, bool, ApiError>(move |txn| {
                Box::pin(async move {
                    let claimed = matches::Entity::update_many()
                        .col_expr(matches::Column::NudgedAt, Expr::value(now))
                        .filter(matches::Column::Id.eq(found.id))
                        .filter(matches::Column::NudgedAt.is_null())
                        .filter(matches::Column::Status.eq(found.status.as_str()))
                        .exec(txn)
                        .await?;
                    if claimed.rows_affected != 1 {
                        return Ok(false);
                    }
                    let parties = Parties::of_match(txn, &found).await?;
                    let (recipient, about) = if found.status == MatchStatus::Proposed.as_str() {
                        (&parties.professional, templates::NudgeAbout::Invitation)
                    } else {
                        (&parties.owner, templates::NudgeAbout::Introduction)
                    };
                    if recipient.erased_at.is_some() {
                        return Ok(false);
                    }
                    let days = u32::try_from((now - found.updated_at).num_days()).unwrap_or(3);
                    let rendered = templates::nudge(&templates::Nudge {
                        recipient_name: &recipient.display_name,
                        region_name: &parties.region.name,
                        need_title: &parties.need.title,
                        about,
                        days,
                        public_url: &public_url,
                        match_id: found.id,
                    });
                    let email = NewEmail::new(
                        kind::NUDGE,
                        &recipient.email,
                        &recipient.display_name,
                        rendered,
                    );
                    outbox::enqueue(
                        txn,
                        email
                            .to_user(recipient.id)
                            .in_region(found.region_id)
                            .about_match(found.id),
                    )
                    .await?;
                    Ok(true)
                })
            })
            .await
            .map_err(|error| anyhow::anyhow!("{error}"))?;
        sent += usize::from(queued);
    }
    Ok(sent)
}

/// Checks for due nudges every `every` until `shutdown` turns true.
pub fn spawn(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    every: StdDuration,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match run_once(&db, &settings, Utc::now()).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "nudges queued"),
                Err(error) => tracing::warn!(error = %error, "nudge check failed; will retry"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
            }
        }
    })
}
