//! Reply windows: who owes the next answer of a match, and since when — shown on the
//! match page and the coordinator's desk — and the second nudge: an answer owed for
//! [`ESCALATE_AFTER_DAYS`] days is put to the region's coordinators (once per match),
//! since a third email to the quiet side rarely helps and a call from the coordinator
//! does.
//!
//! Who owes what:
//! - `proposed` (a scout): the professional, since the scout;
//! - `introduced` with times proposed: the professional, since the proposal;
//! - `introduced` otherwise: the SME, to move towards a meeting, since the introduction
//!   (or the last change of the match).
//!
//! Nothing is owed in any other state.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

pub use crate::domain::proposal::OwedBy;

use super::{
    Result,
    matches::{Mail, MatchRecord, Parties},
};
use crate::{
    domain::matching::MatchStatus,
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::{matches, meeting_proposal},
    repo,
};

/// Days an answer may be owed before the coordinators are told.
pub const ESCALATE_AFTER_DAYS: i64 = 7;

/// An answer owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Owed {
    /// Whose answer it is.
    pub by: OwedBy,
    /// Since when.
    pub since: DateTime<Utc>,
}

/// Who owes the next answer of a match in `status`, changed last at `updated_at`, with
/// the times proposed for it, if any.
pub fn owed_by(
    status: MatchStatus,
    updated_at: DateTime<Utc>,
    proposal: Option<&meeting_proposal::Model>,
) -> Option<Owed> {
    match (status, proposal) {
        (MatchStatus::Proposed, _) => Some(Owed {
            by: OwedBy::Professional,
            since: updated_at,
        }),
        (MatchStatus::Introduced, Some(proposal)) => Some(Owed {
            by: OwedBy::Professional,
            since: proposal.created_at,
        }),
        (MatchStatus::Introduced, None) => Some(Owed {
            by: OwedBy::Organization,
            since: updated_at,
        }),
        _ => None,
    }
}

/// Who owes the next answer of a match.
pub fn owed(record: &MatchRecord) -> Option<Owed> {
    owed_by(
        record.status,
        record.row.updated_at,
        record.proposal.as_ref(),
    )
}

/// Tells the region's coordinators about every match whose answer has been owed for
/// [`ESCALATE_AFTER_DAYS`] days at `now`; returns how many matches. One per match, safe
/// to run in several processes at once (the escalation is recorded under the match's
/// key in the transaction that queues its emails).
#[tracing::instrument(skip_all)]
pub async fn escalate_due(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let until = now - Duration::days(ESCALATE_AFTER_DAYS);
    let due = repo::proposals::due_for_escalation(db, until).await?;
    let mut sent = 0;
    for found in due {
        let queued = db
            .transaction_async(async |txn| escalate(txn, mail, &found, until, now).await)
            .await
            .map_err(super::Error::from)?;
        sent += usize::from(queued);
    }
    Ok(sent)
}

/// Escalates one match if its answer is still owed since before `until`.
async fn escalate(
    txn: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let proposal = repo::proposals::pending_of(txn, &[found.id], now)
        .await?
        .remove(&found.id);
    let Some(owed) = owed_by(found.status()?, found.updated_at, proposal.as_ref()) else {
        return Ok(false);
    };
    if owed.since > until {
        return Ok(false);
    }
    if !repo::proposals::claim_escalation(txn, found, now).await? {
        return Ok(false);
    }
    let parties = Parties::of_match(txn, found).await?;
    if parties.professional.erased_at.is_some() {
        return Ok(false);
    }
    let who = match owed.by {
        OwedBy::Professional => parties.professional.display_name.as_str(),
        OwedBy::Organization => parties.organization.name.as_str(),
    };
    let days = u32::try_from((now - owed.since).num_days()).unwrap_or(7);
    for coordinator in repo::proposals::coordinators_of(txn, found.region_id).await? {
        let rendered = templates::reply_escalation(&templates::ReplyEscalation {
            recipient_name: &coordinator.display_name,
            region_name: &parties.region.name,
            need_title: &parties.need.title,
            owed_by: owed.by,
            who,
            days,
            public_url: mail.public_url,
            match_id: found.id,
        });
        let email = NewEmail::new(
            kind::REPLY_ESCALATION,
            &coordinator.email,
            &coordinator.display_name,
            rendered,
        );
        outbox::enqueue(
            txn,
            email
                .to_user(coordinator.id)
                .in_region(found.region_id)
                .about_match(found.id),
        )
        .await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_that_owes_the_answer_is_named() {
        let then = Utc::now();
        let owed = |status| owed_by(status, then, None).map(|owed| owed.by);
        assert_eq!(owed(MatchStatus::Proposed), Some(OwedBy::Professional));
        assert_eq!(owed(MatchStatus::Introduced), Some(OwedBy::Organization));
        assert_eq!(owed(MatchStatus::MeetingScheduled), None);
        assert_eq!(owed(MatchStatus::Contracted), None);
    }
}
