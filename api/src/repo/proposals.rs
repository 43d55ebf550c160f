//! Proposed meeting times, the coordinators of a region, and the second nudges
//! (`reply_escalations`) that go to them.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set, TryInsertResult, sea_query::Expr,
};
use uuid::Uuid;

use super::{new_id, to_json};
use crate::{
    domain::{account::AccountRole, matching::MatchStatus, meeting::MeetingMode},
    entities::{matches, meeting_proposal, reply_escalation, user},
};

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalStatus {
    /// Waiting for the professional's answer.
    Pending,
    /// A time was chosen and the meeting scheduled.
    Confirmed,
    /// The professional asked for other times.
    Declined,
    /// A newer proposal, or a meeting scheduled directly, took its place.
    Replaced,
}

impl ProposalStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Declined => "declined",
            Self::Replaced => "replaced",
        }
    }
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal<'a> {
    /// The match.
    pub match_id: Uuid,
    /// The batch of its email's links.
    pub batch: Uuid,
    /// Who proposed.
    pub proposed_by: Uuid,
    /// Their role.
    pub proposer_role: AccountRole,
    /// The times, in the order given.
    pub times: &'a [DateTime<Utc>],
    /// Length.
    pub duration_minutes: i32,
    /// Online or on site.
    pub mode: MeetingMode,
    /// The link or the place.
    pub location_or_url: &'a str,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops being offered.
    pub expires_at: DateTime<Utc>,
}

/// Stores a pending proposal.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewProposal<'_>,
) -> anyhow::Result<meeting_proposal::Model> {
    meeting_proposal::ActiveModel {
        id: Set(new_id()),
        match_id: Set(new.match_id),
        batch: Set(new.batch),
        proposed_by: Set(new.proposed_by),
        proposer_role: Set(new.proposer_role.as_str().to_owned()),
        times: Set(to_json(&new.times)?),
        duration_minutes: Set(new.duration_minutes),
        mode: Set(new.mode.as_str().to_owned()),
        location_or_url: Set(new.location_or_url.to_owned()),
        status: Set(ProposalStatus::Pending.as_str().to_owned()),
        chosen_at: Set(None),
        created_at: Set(new.created_at),
        expires_at: Set(new.expires_at),
        settled_at: Set(None),
    }
    .insert(db)
    .await
    .context("storing a meeting proposal")
}

/// A proposal by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Option<meeting_proposal::Model>> {
    meeting_proposal::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up a meeting proposal")
}

/// The pending, unexpired proposal of each of some matches (the newest, should there be
/// more than one).
pub async fn pending_of(
    db: &impl ConnectionTrait,
    match_ids: &[Uuid],
    at: DateTime<Utc>,
) -> anyhow::Result<HashMap<Uuid, meeting_proposal::Model>> {
    let mut found = HashMap::new();
    if match_ids.is_empty() {
        return Ok(found);
    }
    let rows = meeting_proposal::Entity::find()
        .filter(meeting_proposal::Column::MatchId.is_in(match_ids.iter().copied()))
        .filter(meeting_proposal::Column::Status.eq(ProposalStatus::Pending.as_str()))
        .filter(meeting_proposal::Column::ExpiresAt.gt(at))
        .order_by_asc(meeting_proposal::Column::Id)
        .all(db)
        .await
        .context("reading pending meeting proposals")?;
    for row in rows {
        found.insert(row.match_id, row);
    }
    Ok(found)
}

/// Settles a pending proposal as `status` (with the chosen time, if any); false when it
/// was settled before (another request got there first).
pub async fn settle(
    db: &impl ConnectionTrait,
    id: Uuid,
    status: ProposalStatus,
    chosen_at: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let settled = meeting_proposal::Entity::update_many()
        .col_expr(
            meeting_proposal::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(meeting_proposal::Column::ChosenAt, Expr::value(chosen_at))
        .col_expr(meeting_proposal::Column::SettledAt, Expr::value(Some(at)))
        .filter(meeting_proposal::Column::Id.eq(id))
        .filter(meeting_proposal::Column::Status.eq(ProposalStatus::Pending.as_str()))
        .exec(db)
        .await
        .context("settling a meeting proposal")?;
    Ok(settled.rows_affected == 1)
}

/// Marks every pending proposal of a match replaced; how many there were.
pub async fn replace_pending(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    at: DateTime<Utc>,
) -> anyhow::Result<u64> {
    Ok(meeting_proposal::Entity::update_many()
        .col_expr(
            meeting_proposal::Column::Status,
            Expr::value(ProposalStatus::Replaced.as_str()),
        )
        .col_expr(meeting_proposal::Column::SettledAt, Expr::value(Some(at)))
        .filter(meeting_proposal::Column::MatchId.eq(match_id))
        .filter(meeting_proposal::Column::Status.eq(ProposalStatus::Pending.as_str()))
        .exec(db)
        .await
        .context("replacing meeting proposals")?
        .rows_affected)
}

/// The coordinators of a region who can still read email.
pub async fn coordinators_of(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<user::Model>> {
    user::Entity::find()
        .filter(user::Column::Role.eq(AccountRole::Coordinator.as_str()))
        .filter(user::Column::RegionId.eq(region_id))
        .filter(user::Column::ErasedAt.is_null())
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
        .context("listing a region's coordinators")
}

/// The matches whose answer has been owed since `until` (scouts not answered,
/// introductions not moved towards a meeting) and whose coordinators were not told yet.
pub async fn due_for_escalation(
    db: &impl ConnectionTrait,
    until: DateTime<Utc>,
) -> anyhow::Result<Vec<matches::Model>> {
    let escalated = reply_escalation::Entity::find()
        .select_only()
        .column(reply_escalation::Column::MatchId)
        .into_query();
    matches::Entity::find()
        .filter(matches::Column::Status.is_in([
            MatchStatus::Proposed.as_str(),
            MatchStatus::Introduced.as_str(),
        ]))
        .filter(matches::Column::UpdatedAt.lte(until))
        .filter(matches::Column::Id.not_in_subquery(escalated))
        .order_by_asc(matches::Column::Id)
        .all(db)
        .await
        .context("listing matches due for escalation")
}

/// Records the escalation of a match still in the status it was read in; false when it
/// moved on or another process recorded it first.
pub async fn claim_escalation(
    db: &impl ConnectionTrait,
    found: &matches::Model,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let still = matches::Entity::find_by_id(found.id)
        .filter(matches::Column::Status.eq(found.status.as_str()))
        .filter(matches::Column::UpdatedAt.eq(found.updated_at))
        .one(db)
        .await
        .context("re-reading a match to escalate")?;
    if still.is_none() {
        return Ok(false);
    }
    let inserted = reply_escalation::Entity::insert(reply_escalation::ActiveModel {
        match_id: Set(found.id),
        status: Set(found.status.clone()),
        escalated_at: Set(at),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await
    .context("recording an escalation")?;
    Ok(matches!(inserted, TryInsertResult::Inserted(_)))
}

/// When the coordinators were told about each of some matches.
pub async fn escalations_of(
    db: &impl ConnectionTrait,
    match_ids: &[Uuid],
) -> anyhow::Result<HashMap<Uuid, DateTime<Utc>>> {
    if match_ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(reply_escalation::Entity::find()
        .filter(reply_escalation::Column::MatchId.is_in(match_ids.iter().copied()))
        .all(db)
        .await
        .context("reading escalations")?
        .into_iter()
        .map(|row| (row.match_id, row.escalated_at))
        .collect())
}
