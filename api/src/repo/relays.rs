//! The kind relay's rows: who is owed a relay for a need, the relays waiting for their
//! email, and each professional's choice to receive them.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TryInsertResult, sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    domain::enums::ApplicationStatus,
    entities::{application, matches, relay, relay_preference},
};

/// Why a need stopped taking people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cause {
    /// Its owner or a coordinator closed it.
    Closed,
    /// Its places were filled (as many contracts as its headcount).
    Filled,
}

impl Cause {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Closed => "closed",
            Self::Filled => "filled",
        }
    }
}

/// Records a relay for every applicant of `need_id` who is owed one: their application
/// still stands (submitted), the need has no match with them (a match, in any state,
/// means a coordinator already wrote to them about this need), and they have not turned
/// relays off. Someone already recorded for the need is left as they are (the pair is
/// the key), so recording again adds nobody. Returns how many were added.
pub async fn record(
    db: &impl ConnectionTrait,
    need_id: Uuid,
    cause: Cause,
    at: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let applicants: Vec<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::ProfessionalId)
        .filter(application::Column::NeedId.eq(need_id))
        .filter(application::Column::Status.eq(ApplicationStatus::Submitted.as_str()))
        .filter(
            application::Column::ProfessionalId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(matches::Column::ProfessionalId)
                    .from(matches::Entity)
                    .and_where(matches::Column::NeedId.eq(need_id))
                    .to_owned(),
            ),
        )
        .filter(
            application::Column::ProfessionalId.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(relay_preference::Column::UserId)
                    .from(relay_preference::Entity)
                    .and_where(relay_preference::Column::Enabled.eq(false))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db)
        .await
        .context("reading who is owed a relay")?;
    if applicants.is_empty() {
        return Ok(0);
    }
    let rows = applicants
        .into_iter()
        .map(|professional_id| relay::ActiveModel {
            need_id: Set(need_id),
            professional_id: Set(professional_id),
            cause: Set(cause.as_str().to_owned()),
            created_at: Set(at),
            queued_at: Set(None),
            outbox_id: Set(None),
            suggested: Set(0),
        });
    let inserted = relay::Entity::insert_many(rows)
        .on_conflict_do_nothing()
        .exec_without_returning(db)
        .await
        .context("recording relays")?;
    Ok(match inserted {
        TryInsertResult::Inserted(count) => count,
        TryInsertResult::Empty | TryInsertResult::Conflicted => 0,
    })
}

/// Relays whose email is not written yet, oldest first.
pub async fn waiting(db: &impl ConnectionTrait, limit: u64) -> anyhow::Result<Vec<relay::Model>> {
    relay::Entity::find()
        .filter(relay::Column::QueuedAt.is_null())
        .order_by_asc(relay::Column::CreatedAt)
        .order_by_asc(relay::Column::NeedId)
        .order_by_asc(relay::Column::ProfessionalId)
        .limit(limit)
        .all(db)
        .await
        .context("reading the relays waiting for their email")
}

/// Marks a waiting relay queued (with its email, if one was written); `false` when
/// another process got there first (the caller then rolls its email back).
pub async fn mark_queued(
    db: &impl ConnectionTrait,
    row: &relay::Model,
    outbox_id: Option<Uuid>,
    suggested: i32,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let done = relay::Entity::update_many()
        .col_expr(relay::Column::QueuedAt, Expr::value(at))
        .col_expr(relay::Column::OutboxId, Expr::value(outbox_id))
        .col_expr(relay::Column::Suggested, Expr::value(suggested))
        .filter(relay::Column::NeedId.eq(row.need_id))
        .filter(relay::Column::ProfessionalId.eq(row.professional_id))
        .filter(relay::Column::QueuedAt.is_null())
        .exec(db)
        .await
        .context("marking a relay queued")?;
    Ok(done.rows_affected == 1)
}

/// The relays recorded for a need.
pub async fn of_need(
    db: &impl ConnectionTrait,
    need_id: Uuid,
) -> anyhow::Result<Vec<relay::Model>> {
    relay::Entity::find()
        .filter(relay::Column::NeedId.eq(need_id))
        .all(db)
        .await
        .context("reading a need's relays")
}

/// The relays recorded for a professional, oldest first: for their export.
pub async fn of_professional(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Vec<relay::Model>> {
    relay::Entity::find()
        .filter(relay::Column::ProfessionalId.eq(professional_id))
        .order_by_asc(relay::Column::CreatedAt)
        .all(db)
        .await
        .context("reading a professional's relays")
}

/// Whether the professional receives relays (yes unless they said no).
pub async fn enabled(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<bool> {
    Ok(relay_preference::Entity::find_by_id(user_id)
        .one(db)
        .await
        .context("reading a relay preference")?
        .is_none_or(|row| row.enabled))
}

/// Sets whether the professional receives relays.
pub async fn set_enabled(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    enabled: bool,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    relay_preference::Entity::insert(relay_preference::ActiveModel {
        user_id: Set(user_id),
        enabled: Set(enabled),
        updated_at: Set(at),
    })
    .on_conflict(
        sea_orm::sea_query::OnConflict::column(relay_preference::Column::UserId)
            .update_columns([
                relay_preference::Column::Enabled,
                relay_preference::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await
    .context("storing a relay preference")?;
    Ok(())
}

/// How many of a need's matches are contracted (its places taken).
pub async fn contracted_count(db: &impl ConnectionTrait, need_id: Uuid) -> anyhow::Result<u64> {
    use sea_orm::PaginatorTrait;
    matches::Entity::find()
        .filter(matches::Column::NeedId.eq(need_id))
        .filter(
            matches::Column::Status.eq(crate::domain::matching::MatchStatus::Contracted.as_str()),
        )
        .count(db)
        .await
        .context("counting a need's contracts")
}
