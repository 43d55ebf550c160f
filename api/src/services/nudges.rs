//! One nudge when someone has not answered in three days: a scouted professional who has
//! neither accepted nor declined, or an SME that has not moved an introduction towards a
//! meeting. Slow replies are the most common way a match is lost (DOMAIN.md).
//!
//! A rule of matches, run by the clock instead of a request: it lives with the other
//! match services (it reads the parties and writes to the outbox like them) rather than
//! in `email/`, which only renders, queues and delivers what the services decide.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

use super::{
    Result,
    matches::{Mail, Parties},
};
use crate::{
    config::Settings,
    domain::matching::MatchStatus,
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::matches,
    repo,
};

/// Days without an answer before the nudge.
pub const NUDGE_AFTER_DAYS: i64 = 3;

/// Sends the nudges that are due at `now`, then the second nudges to the coordinators
/// ([`super::reply_windows::escalate_due`]); returns how many matches were nudged. Safe
/// to run in several processes at once: a match is claimed by a conditional update
/// before its email is queued, in one transaction.
#[tracing::instrument(skip_all)]
pub async fn run_once(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mail = Mail::from(settings);
    let due = repo::matches::due_for_nudge(db, now - Duration::days(NUDGE_AFTER_DAYS)).await?;
    let mut sent = 0;
    for found in due {
        let queued = db
            .transaction_async(async |txn| nudge(txn, mail, &found, now).await)
            .await
            .map_err(super::Error::from)?;
        sent += usize::from(queued);
    }
    sent += super::reply_windows::escalate_due(db, mail, now).await?;
    Ok(sent)
}

/// Claims one match and queues its nudge; false when another process got there first
/// or the one to nudge erased their data.
async fn nudge(
    txn: &sea_orm::DatabaseTransaction,
    mail: Mail<'_>,
    found: &matches::Model,
    now: DateTime<Utc>,
) -> Result<bool> {
    // Times were proposed: the SME has answered, and the professional's answer is asked
    // for by the proposal's own email (the match stays due for when it expires).
    if found.status()? == MatchStatus::Introduced
        && !repo::proposals::pending_of(txn, &[found.id], now)
            .await?
            .is_empty()
    {
        return Ok(false);
    }
    if !repo::matches::claim_nudge(txn, found, now).await? {
        return Ok(false);
    }
    let parties = Parties::of_match(txn, found).await?;
    let (recipient, about) = if found.status()? == MatchStatus::Proposed {
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
        public_url: mail.public_url,
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
}

/// Checks for unanswered matches now and every `every` after, until `shutdown`.
pub fn spawn(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    every: StdDuration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    super::periodic::spawn("nudges queued", every, shutdown, move || {
        let (db, settings) = (db.clone(), settings.clone());
        async move { Ok(run_once(&db, &settings, Utc::now()).await? as u64) }
    })
}
