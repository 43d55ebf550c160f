//! Engagements, their history and their monthly check-ins.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{Audience, new_id};
use crate::{
    domain::{
        account::AccountRole,
        engagement::{CheckInAnswer, EngagementStatus, RiskReason},
    },
    entities::{action_link, check_in, engagement, engagement_event, matches},
};

/// An engagement to open.
#[derive(Debug, Clone)]
pub struct NewEngagement {
    /// The contracted match.
    pub match_id: Uuid,
    /// Its region.
    pub region_id: Uuid,
    /// Its professional.
    pub professional_id: Uuid,
    /// The first day.
    pub starts_on: NaiveDate,
    /// The agreed length.
    pub months: i32,
    /// The last day.
    pub ends_on: NaiveDate,
    /// The agreed hours a month.
    pub hours_per_month: i32,
}

/// Opens an engagement; a second one for the same match breaks a unique rule.
pub async fn insert(
    db: &impl ConnectionTrait,
    new: NewEngagement,
    at: DateTime<Utc>,
) -> anyhow::Result<engagement::Model> {
    engagement::ActiveModel {
        id: Set(new_id()),
        match_id: Set(new.match_id),
        region_id: Set(new.region_id),
        professional_id: Set(new.professional_id),
        status: Set(EngagementStatus::Active.as_str().to_owned()),
        starts_on: Set(new.starts_on),
        months: Set(new.months),
        ends_on: Set(new.ends_on),
        hours_per_month: Set(new.hours_per_month),
        check_in_round: Set(0),
        at_risk_since: Set(None),
        at_risk_reason: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        completed_at: Set(None),
    }
    .insert(db)
    .await
    .context("opening an engagement")
}

/// Appends a history row; `actor` is `None` for the clock.
pub async fn record_event(
    db: &impl ConnectionTrait,
    engagement_id: Uuid,
    kind: &str,
    actor: Option<(Uuid, AccountRole)>,
    detail: serde_json::Value,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    engagement_event::ActiveModel {
        id: Set(new_id()),
        engagement_id: Set(engagement_id),
        kind: Set(kind.to_owned()),
        actor_id: Set(actor.map(|(id, _)| id)),
        actor_role: Set(actor.map_or("system", |(_, role)| role.as_str()).to_owned()),
        detail: Set(detail),
        created_at: Set(at),
    }
    .insert(db)
    .await
    .context("recording an engagement event")?;
    Ok(())
}

/// An engagement by id.
pub async fn by_id(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Option<engagement::Model>> {
    engagement::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up an engagement")
}

/// The engagement of a match, if it was contracted.
pub async fn of_match(
    db: &impl ConnectionTrait,
    match_id: Uuid,
) -> anyhow::Result<Option<engagement::Model>> {
    engagement::Entity::find()
        .filter(engagement::Column::MatchId.eq(match_id))
        .one(db)
        .await
        .context("looking up the engagement of a match")
}

/// The engagements the audience sees, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    audience: Audience,
    status: Option<EngagementStatus>,
    at_risk: Option<bool>,
) -> anyhow::Result<Vec<engagement::Model>> {
    let mut query = engagement::Entity::find();
    query = match audience {
        Audience::Professional(id) => query.filter(engagement::Column::ProfessionalId.eq(id)),
        Audience::Region(id) => query.filter(engagement::Column::RegionId.eq(id)),
        Audience::Owner(owner_id) => query.filter(
            engagement::Column::MatchId.in_subquery(
                matches::Entity::find()
                    .select_only()
                    .column(matches::Column::Id)
                    .filter(
                        matches::Column::NeedId.in_subquery(super::needs::ids_owned_by(owner_id)),
                    )
                    .into_query(),
            ),
        ),
    };
    if let Some(status) = status {
        query = query.filter(engagement::Column::Status.eq(status.as_str()));
    }
    match at_risk {
        Some(true) => query = query.filter(engagement::Column::AtRiskSince.is_not_null()),
        Some(false) => query = query.filter(engagement::Column::AtRiskSince.is_null()),
        None => {}
    }
    query
        .order_by_desc(engagement::Column::Id)
        .all(db)
        .await
        .context("listing engagements")
}

/// The history of an engagement, oldest first.
pub async fn history(
    db: &impl ConnectionTrait,
    engagement_id: Uuid,
) -> anyhow::Result<Vec<engagement_event::Model>> {
    engagement_event::Entity::find()
        .filter(engagement_event::Column::EngagementId.eq(engagement_id))
        .order_by_asc(engagement_event::Column::CreatedAt)
        .order_by_asc(engagement_event::Column::Id)
        .all(db)
        .await
        .context("reading the history of an engagement")
}

/// The check-ins of an engagement, oldest round first.
pub async fn check_ins(
    db: &impl ConnectionTrait,
    engagement_id: Uuid,
) -> anyhow::Result<Vec<check_in::Model>> {
    check_in::Entity::find()
        .filter(check_in::Column::EngagementId.eq(engagement_id))
        .order_by_asc(check_in::Column::Round)
        .order_by_asc(check_in::Column::SentAt)
        .order_by_asc(check_in::Column::Id)
        .all(db)
        .await
        .context("reading the check-ins of an engagement")
}

/// A check-in by id.
pub async fn check_in(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> anyhow::Result<Option<check_in::Model>> {
    check_in::Entity::find_by_id(id)
        .one(db)
        .await
        .context("looking up a check-in")
}

/// Saves an engagement's terms, state and flags as given, if it is still in the state
/// `from` it was read in: whether it was (of two racing requests only one moves it).
pub async fn update(
    db: &impl ConnectionTrait,
    changed: &engagement::Model,
    from: EngagementStatus,
) -> anyhow::Result<bool> {
    let moved = engagement::Entity::update_many()
        .col_expr(
            engagement::Column::Status,
            Expr::value(changed.status.clone()),
        )
        .col_expr(engagement::Column::StartsOn, Expr::value(changed.starts_on))
        .col_expr(engagement::Column::Months, Expr::value(changed.months))
        .col_expr(engagement::Column::EndsOn, Expr::value(changed.ends_on))
        .col_expr(
            engagement::Column::HoursPerMonth,
            Expr::value(changed.hours_per_month),
        )
        .col_expr(
            engagement::Column::UpdatedAt,
            Expr::value(changed.updated_at),
        )
        .col_expr(
            engagement::Column::CompletedAt,
            Expr::value(changed.completed_at),
        )
        .filter(engagement::Column::Id.eq(changed.id))
        .filter(engagement::Column::Status.eq(from.as_str()))
        .exec(db)
        .await
        .context("updating an engagement")?;
    Ok(moved.rows_affected == 1)
}

/// Every active engagement, oldest first (the clock decides which check-ins are due).
pub async fn active(db: &impl ConnectionTrait) -> anyhow::Result<Vec<engagement::Model>> {
    engagement::Entity::find()
        .filter(engagement::Column::Status.eq(EngagementStatus::Active.as_str()))
        .order_by_asc(engagement::Column::Id)
        .all(db)
        .await
        .context("listing active engagements")
}

/// Marks round `round` of an engagement sent, unless it (or a later one) was already:
/// whether this caller got it (so of several processes only one sends the emails).
pub async fn claim_round(
    db: &impl ConnectionTrait,
    engagement_id: Uuid,
    round: i32,
) -> anyhow::Result<bool> {
    let claimed = engagement::Entity::update_many()
        .col_expr(engagement::Column::CheckInRound, Expr::value(round))
        .filter(engagement::Column::Id.eq(engagement_id))
        .filter(engagement::Column::CheckInRound.lt(round))
        .filter(engagement::Column::Status.eq(EngagementStatus::Active.as_str()))
        .exec(db)
        .await
        .context("claiming a check-in round")?;
    Ok(claimed.rows_affected == 1)
}

/// Stores a check-in sent to one side.
pub async fn insert_check_in(
    db: &impl ConnectionTrait,
    engagement_id: Uuid,
    round: i32,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> anyhow::Result<check_in::Model> {
    check_in::ActiveModel {
        id: Set(new_id()),
        engagement_id: Set(engagement_id),
        round: Set(round),
        user_id: Set(user_id),
        sent_at: Set(at),
        answer: Set(None),
        answered_at: Set(None),
        comment: Set(None),
        answered_by: Set(None),
    }
    .insert(db)
    .await
    .context("storing a check-in")
}

/// Records an answer to a check-in not answered yet: whether this caller's answer is the
/// one kept. `answered_by` is the hash of the link used, if one was.
pub async fn answer_check_in(
    db: &impl ConnectionTrait,
    id: Uuid,
    answer: CheckInAnswer,
    comment: Option<&str>,
    answered_by: Option<&str>,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let answered = check_in::Entity::update_many()
        .col_expr(check_in::Column::Answer, Expr::value(answer.as_str()))
        .col_expr(check_in::Column::AnsweredAt, Expr::value(at))
        .col_expr(check_in::Column::Comment, Expr::value(comment))
        .col_expr(check_in::Column::AnsweredBy, Expr::value(answered_by))
        .filter(check_in::Column::Id.eq(id))
        .filter(check_in::Column::Answer.is_null())
        .exec(db)
        .await
        .context("answering a check-in")?;
    Ok(answered.rows_affected == 1)
}

/// The check-in a used link answered, by the link's hash.
pub async fn answered_by_link(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> anyhow::Result<Option<check_in::Model>> {
    check_in::Entity::find()
        .filter(check_in::Column::AnsweredBy.eq(token_hash))
        .one(db)
        .await
        .context("looking up a check-in by its link")
}

/// Sets the comment of a check-in answered by a link, once.
pub async fn add_comment(
    db: &impl ConnectionTrait,
    id: Uuid,
    comment: &str,
) -> anyhow::Result<bool> {
    let added = check_in::Entity::update_many()
        .col_expr(check_in::Column::Comment, Expr::value(comment))
        .filter(check_in::Column::Id.eq(id))
        .filter(check_in::Column::Comment.is_null())
        .exec(db)
        .await
        .context("adding a check-in comment")?;
    Ok(added.rows_affected == 1)
}

/// Puts an engagement on the coordinator's desk (unless it is already there).
pub async fn mark_at_risk(
    db: &impl ConnectionTrait,
    id: Uuid,
    reason: RiskReason,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let marked = engagement::Entity::update_many()
        .col_expr(engagement::Column::AtRiskSince, Expr::value(at))
        .col_expr(
            engagement::Column::AtRiskReason,
            Expr::value(reason.as_str()),
        )
        .filter(engagement::Column::Id.eq(id))
        .filter(engagement::Column::AtRiskSince.is_null())
        .filter(engagement::Column::Status.eq(EngagementStatus::Active.as_str()))
        .exec(db)
        .await
        .context("marking an engagement at risk")?;
    Ok(marked.rows_affected == 1)
}

/// Takes an engagement off the desk (both sides answered 順調 since, or it ended).
pub async fn clear_at_risk(db: &impl ConnectionTrait, id: Uuid) -> anyhow::Result<()> {
    engagement::Entity::update_many()
        .col_expr(
            engagement::Column::AtRiskSince,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            engagement::Column::AtRiskReason,
            Expr::value(Option::<String>::None),
        )
        .filter(engagement::Column::Id.eq(id))
        .exec(db)
        .await
        .context("clearing an engagement's risk")?;
    Ok(())
}

/// Check-ins of active engagements sent at or before `until` and not answered, on
/// engagements not yet at risk.
pub async fn unanswered_since(
    db: &impl ConnectionTrait,
    until: DateTime<Utc>,
) -> anyhow::Result<Vec<check_in::Model>> {
    check_in::Entity::find()
        .filter(check_in::Column::Answer.is_null())
        .filter(check_in::Column::SentAt.lte(until))
        .filter(
            check_in::Column::EngagementId.in_subquery(
                engagement::Entity::find()
                    .select_only()
                    .column(engagement::Column::Id)
                    .filter(engagement::Column::Status.eq(EngagementStatus::Active.as_str()))
                    .filter(engagement::Column::AtRiskSince.is_null())
                    .into_query(),
            ),
        )
        .all(db)
        .await
        .context("listing unanswered check-ins")
}

/// `SELECT match_id FROM engagements WHERE status = 'completed'`, for `NOT IN (…)`
/// filters: a contracted match whose engagement is completed no longer holds a place.
pub fn completed_match_ids() -> sea_orm::sea_query::SelectStatement {
    engagement::Entity::find()
        .select_only()
        .column(engagement::Column::MatchId)
        .filter(engagement::Column::Status.eq(EngagementStatus::Completed.as_str()))
        .into_query()
}

/// A region's engagement figures: `(started, at_risk, completed, extended)`: opened,
/// active and on the desk now, completed, extended at least once.
pub async fn region_counts(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<(u64, u64, u64, u64)> {
    let rows = engagement::Entity::find()
        .filter(engagement::Column::RegionId.eq(region_id))
        .all(db)
        .await
        .context("reading a region's engagements")?;
    let started = rows.len() as u64;
    let active = EngagementStatus::Active.as_str();
    let at_risk = rows
        .iter()
        .filter(|row| row.status == active && row.at_risk_since.is_some())
        .count() as u64;
    let completed = rows
        .iter()
        .filter(|row| row.status == EngagementStatus::Completed.as_str())
        .count() as u64;
    let extended: Vec<Uuid> = engagement_event::Entity::find()
        .select_only()
        .column(engagement_event::Column::EngagementId)
        .distinct()
        .filter(engagement_event::Column::Kind.eq("extended"))
        .filter(engagement_event::Column::EngagementId.is_in(rows.iter().map(|row| row.id)))
        .into_tuple()
        .all(db)
        .await
        .context("counting a region's extensions")?;
    Ok((started, at_risk, completed, extended.len() as u64))
}

/// The match a one-click link was sent about, whatever became of the link.
pub async fn link_match(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> anyhow::Result<Option<Uuid>> {
    Ok(action_link::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await
        .context("looking up a one-click link")?
        .map(|link| link.match_id))
}

/// Retires one person's unused check-in links of a match (they answered on the page).
pub async fn retire_links_of(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    user_id: Uuid,
    at: DateTime<Utc>,
) -> anyhow::Result<u64> {
    Ok(action_link::Entity::update_many()
        .col_expr(action_link::Column::UsedAt, Expr::value(at))
        .filter(action_link::Column::MatchId.eq(match_id))
        .filter(action_link::Column::UserId.eq(user_id))
        .filter(action_link::Column::Purpose.eq("check_in"))
        .filter(action_link::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("retiring check-in links")?
        .rows_affected)
}
