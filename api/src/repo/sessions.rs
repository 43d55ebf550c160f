//! Token revocation and password-reset links.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use super::now;
use crate::{
    auth::jwt::Claims,
    email::outbox::{OutboxStatus, kind},
    entities::{outbox, password_reset, revoked_token, user},
};

/// What authentication needs to know of a token's user.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Stored role.
    pub role: String,
    /// Coordinators' region.
    pub region_id: Option<Uuid>,
    /// The user's current token version.
    pub token_version: i32,
    /// Whether the account is erased.
    pub erased: bool,
    /// Whether the token's id is on the revocation list.
    pub revoked: bool,
}

impl Caller {
    /// Whether a token with these claims still speaks for this user.
    pub fn is_valid_for(&self, claims: &Claims) -> bool {
        !self.erased && !self.revoked && self.token_version == claims.ver
    }
}

/// Loads a token's user and whether the token id is revoked, in one query (a primary-key
/// lookup with an `EXISTS` on another primary key): authentication stays one round trip.
pub async fn caller(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    jti: Option<Uuid>,
) -> anyhow::Result<Option<Caller>> {
    let revoked = match jti {
        Some(jti) => Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from(revoked_token::Entity)
                .and_where(revoked_token::Column::Jti.eq(jti))
                .to_owned(),
        ),
        None => Expr::val(false),
    };
    let row = user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::Role)
        .column(user::Column::RegionId)
        .column(user::Column::TokenVersion)
        .column(user::Column::ErasedAt)
        .expr_as(revoked, "revoked")
        .into_tuple::<(String, Option<Uuid>, i32, Option<DateTime<Utc>>, bool)>()
        .one(db)
        .await
        .context("loading the caller of a token")?;
    Ok(row.map(
        |(role, region_id, token_version, erased_at, revoked)| Caller {
            role,
            region_id,
            token_version,
            erased: erased_at.is_some(),
            revoked,
        },
    ))
}

/// Revokes one token until its expiry (logout), and forgets revocations of tokens that
/// have expired anyway. A token without an id (issued before ids existed) cannot be
/// listed, so every token of its user is revoked instead.
pub async fn revoke(db: &impl ConnectionTrait, claims: &Claims) -> anyhow::Result<()> {
    let Some(jti) = claims.jti else {
        bump_token_version(db, claims.sub).await?;
        return Ok(());
    };
    let expires_at = i64::try_from(claims.exp)
        .ok()
        .and_then(|exp| DateTime::from_timestamp(exp, 0))
        .unwrap_or_else(now);
    revoked_token::Entity::insert(revoked_token::ActiveModel {
        jti: Set(jti),
        user_id: Set(claims.sub),
        expires_at: Set(expires_at),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await
    .context("revoking a token")?;
    revoked_token::Entity::delete_many()
        .filter(revoked_token::Column::ExpiresAt.lt(now()))
        .exec(db)
        .await
        .context("forgetting expired revocations")?;
    Ok(())
}

/// Revokes every token of a user issued so far; returns the new version for a new token.
pub async fn bump_token_version(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<i32> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TokenVersion,
            Expr::col(user::Column::TokenVersion).add(1),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await
        .context("revoking a user's tokens")?;
    user::Entity::find_by_id(user_id)
        .select_only()
        .column(user::Column::TokenVersion)
        .into_tuple::<i32>()
        .one(db)
        .await
        .context("reading a user's token version")?
        .context("the user is gone")
}

/// Sets a user's password hash and revokes all their tokens; returns the new version.
pub async fn set_password(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    password_hash: String,
) -> anyhow::Result<i32> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await
        .context("setting a password")?;
    bump_token_version(db, user_id).await
}

/// Stores a new reset link by the hash of its token.
pub async fn insert_reset(
    db: &impl ConnectionTrait,
    token_hash: String,
    user_id: Uuid,
    valid_for: std::time::Duration,
) -> anyhow::Result<()> {
    let created_at = now();
    let expires_at = created_at
        + chrono::Duration::from_std(valid_for).context("a reset lifetime out of range")?;
    password_reset::ActiveModel {
        token_hash: Set(token_hash),
        user_id: Set(user_id),
        created_at: Set(created_at),
        expires_at: Set(expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await
    .context("storing a password-reset link")?;
    Ok(())
}

/// Why a reset token cannot be used; each reads after "this password-reset link".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetRefusal {
    /// No such token.
    Unknown,
    /// Past its 30 minutes.
    Expired,
    /// Used before (or retired by another reset).
    Used,
}

impl ResetRefusal {
    /// The words for the problem's detail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "is not valid",
            Self::Expired => "has expired",
            Self::Used => "has already been used",
        }
    }
}

async fn usable_reset(
    db: &impl ConnectionTrait,
    token_hash: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<Result<password_reset::Model, ResetRefusal>> {
    let Some(row) = password_reset::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await
        .context("looking up a password-reset link")?
    else {
        return Ok(Err(ResetRefusal::Unknown));
    };
    Ok(if row.used_at.is_some() {
        Err(ResetRefusal::Used)
    } else if row.expires_at <= at {
        Err(ResetRefusal::Expired)
    } else {
        Ok(row)
    })
}

/// Whether a reset token could be used now, without using it.
pub async fn peek_reset(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> anyhow::Result<Result<(), ResetRefusal>> {
    Ok(usable_reset(db, token_hash, now()).await?.map(|_| ()))
}

/// Marks a reset token used, once: of two concurrent uses exactly one gets the user id.
pub async fn use_reset(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> anyhow::Result<Result<Uuid, ResetRefusal>> {
    let at = now();
    let row = match usable_reset(db, token_hash, at).await? {
        Ok(row) => row,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let claimed = password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(at))
        .filter(password_reset::Column::TokenHash.eq(token_hash))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(at))
        .exec(db)
        .await
        .context("using a password-reset link")?
        .rows_affected;
    Ok(if claimed == 1 {
        Ok(row.user_id)
    } else {
        Err(ResetRefusal::Used)
    })
}

/// After a reset: every other link of the user stops working, and the reset emails'
/// bodies (which hold links) are blanked, or cancelled if not sent yet.
pub async fn retire_resets(db: &impl ConnectionTrait, user_id: Uuid) -> anyhow::Result<()> {
    let at = now();
    password_reset::Entity::update_many()
        .col_expr(password_reset::Column::UsedAt, Expr::value(at))
        .filter(password_reset::Column::UserId.eq(user_id))
        .filter(password_reset::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("retiring a user's reset links")?;
    outbox::Entity::update_many()
        .col_expr(
            outbox::Column::Status,
            Expr::value(OutboxStatus::Cancelled.as_str()),
        )
        .col_expr(outbox::Column::UpdatedAt, Expr::value(at))
        .filter(outbox::Column::RecipientUserId.eq(user_id))
        .filter(outbox::Column::Kind.eq(kind::PASSWORD_RESET))
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending.as_str()))
        .exec(db)
        .await
        .context("cancelling unsent reset emails")?;
    outbox::Entity::update_many()
        .col_expr(outbox::Column::TextBody, Expr::value(""))
        .col_expr(outbox::Column::HtmlBody, Expr::value(""))
        .col_expr(outbox::Column::UpdatedAt, Expr::value(at))
        .filter(outbox::Column::RecipientUserId.eq(user_id))
        .filter(outbox::Column::Kind.eq(kind::PASSWORD_RESET))
        .filter(outbox::Column::Status.ne(OutboxStatus::Sending.as_str()))
        .exec(db)
        .await
        .context("blanking sent reset emails")?;
    Ok(())
}
