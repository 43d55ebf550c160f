//! The pages' sessions, stored by the hash of their id. When a session has expired is
//! the web layer's rule; these queries only store, find and delete.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QuerySelect, RelationDef,
    Set,
    sea_query::{Expr, ExprTrait as _},
};
use uuid::Uuid;

use crate::entities::{user, web_session};

/// A session to store.
#[derive(Debug)]
pub struct NewSession<'a> {
    /// Hex SHA-256 of the id in the cookie.
    pub id_hash: &'a str,
    /// Whose session.
    pub user_id: Uuid,
    /// The secret the session's CSRF tokens are checked against.
    pub csrf_secret: &'a str,
    /// The login's instant (also the first `last_seen_at`).
    pub at: DateTime<Utc>,
}

/// Stores a new session.
pub async fn insert(db: &impl ConnectionTrait, new: NewSession<'_>) -> anyhow::Result<()> {
    web_session::Entity::insert(web_session::ActiveModel {
        id_hash: Set(new.id_hash.to_owned()),
        user_id: Set(new.user_id),
        csrf_secret: Set(new.csrf_secret.to_owned()),
        created_at: Set(new.at),
        last_seen_at: Set(new.at),
    })
    .exec_without_returning(db)
    .await
    .context("storing a web session")?;
    Ok(())
}

/// A stored session with what the pages need of its (not erased) user.
#[derive(Debug, Clone)]
pub struct Found {
    /// Whose session.
    pub user_id: Uuid,
    /// The user's stored role.
    pub role: String,
    /// Coordinators' region.
    pub region_id: Option<Uuid>,
    /// The user's display name.
    pub display_name: String,
    /// The session's CSRF secret.
    pub csrf_secret: String,
    /// When the session began.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to within the touch interval).
    pub last_seen_at: DateTime<Utc>,
}

fn to_user() -> RelationDef {
    web_session::Entity::belongs_to(user::Entity)
        .from(web_session::Column::UserId)
        .to(user::Column::Id)
        .into()
}

/// The session with this id hash and its user, in one query; `None` when there is no
/// such session or its user is erased.
pub async fn find(db: &impl ConnectionTrait, id_hash: &str) -> anyhow::Result<Option<Found>> {
    type Row = (
        Uuid,
        String,
        Option<Uuid>,
        String,
        String,
        DateTime<Utc>,
        DateTime<Utc>,
    );
    let row: Option<Row> = web_session::Entity::find_by_id(id_hash.to_owned())
        .select_only()
        .column(web_session::Column::UserId)
        .column(user::Column::Role)
        .column(user::Column::RegionId)
        .column(user::Column::DisplayName)
        .column(web_session::Column::CsrfSecret)
        .column(web_session::Column::CreatedAt)
        .column(web_session::Column::LastSeenAt)
        .join(JoinType::InnerJoin, to_user())
        .filter(user::Column::ErasedAt.is_null())
        .into_tuple()
        .one(db)
        .await
        .context("loading a web session")?;
    Ok(row.map(
        |(user_id, role, region_id, display_name, csrf_secret, created_at, last_seen_at)| Found {
            user_id,
            role,
            region_id,
            display_name,
            csrf_secret,
            created_at,
            last_seen_at,
        },
    ))
}

/// Records that a session was used now.
pub async fn touch(
    db: &impl ConnectionTrait,
    id_hash: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<()> {
    web_session::Entity::update_many()
        .col_expr(web_session::Column::LastSeenAt, Expr::value(at))
        .filter(web_session::Column::IdHash.eq(id_hash))
        .exec(db)
        .await
        .context("touching a web session")?;
    Ok(())
}

/// Ends one session (logout, expiry).
pub async fn end(db: &impl ConnectionTrait, id_hash: &str) -> anyhow::Result<()> {
    web_session::Entity::delete_by_id(id_hash.to_owned())
        .exec(db)
        .await
        .context("ending a web session")?;
    Ok(())
}

/// Ends every session of a user: their password changed, or their account is erased.
pub async fn end_all_for_user(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<()> {
    web_session::Entity::delete_many()
        .filter(web_session::Column::UserId.eq(user_id))
        .exec(db)
        .await
        .context("ending a user's web sessions")?;
    Ok(())
}

/// Forgets sessions unused since `idle_before` or begun before `begun_before`: they
/// cannot be used any more, and nobody would log out of them.
pub async fn sweep(
    db: &impl ConnectionTrait,
    idle_before: DateTime<Utc>,
    begun_before: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let result = web_session::Entity::delete_many()
        .filter(
            web_session::Column::LastSeenAt
                .lt(idle_before)
                .or(web_session::Column::CreatedAt.lt(begun_before)),
        )
        .exec(db)
        .await
        .context("forgetting expired web sessions")?;
    Ok(result.rows_affected)
}
