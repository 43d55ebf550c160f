//! One-click links: stored by the SHA-256 of their token, used once per batch.

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::action_link;

/// Why a link does nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkRefusal {
    /// No such token (mistyped, changed, or never sent).
    Unknown,
    /// Past its expiry.
    Expired,
    /// It, or another link of its email, was used before.
    Used,
}

impl LinkRefusal {
    /// The words for a problem's detail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "is not valid",
            Self::Expired => "has expired",
            Self::Used => "has already been used",
        }
    }
}

/// A link to store.
#[derive(Debug, Clone)]
pub struct NewLink {
    /// Hex SHA-256 of the token.
    pub token_hash: String,
    /// What answering does.
    pub purpose: &'static str,
    /// The links of one email.
    pub batch: Uuid,
    /// The match it acts on.
    pub match_id: Uuid,
    /// Whose answer it is.
    pub user_id: Uuid,
    /// The answer it gives.
    pub choice: serde_json::Value,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// Stores a link.
pub async fn insert(db: &impl ConnectionTrait, link: NewLink) -> anyhow::Result<()> {
    action_link::ActiveModel {
        token_hash: Set(link.token_hash),
        purpose: Set(link.purpose.to_owned()),
        batch: Set(link.batch),
        match_id: Set(link.match_id),
        user_id: Set(link.user_id),
        choice: Set(link.choice),
        created_at: Set(link.created_at),
        expires_at: Set(link.expires_at),
        used_at: Set(None),
    }
    .insert(db)
    .await
    .context("storing a one-click link")?;
    Ok(())
}

/// The link a token hash names, if it could be used at `at`, without using it.
pub async fn peek(
    db: &impl ConnectionTrait,
    token_hash: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<Result<action_link::Model, LinkRefusal>> {
    let Some(row) = action_link::Entity::find_by_id(token_hash.to_owned())
        .one(db)
        .await
        .context("looking up a one-click link")?
    else {
        return Ok(Err(LinkRefusal::Unknown));
    };
    Ok(if row.used_at.is_some() {
        Err(LinkRefusal::Used)
    } else if row.expires_at <= at {
        Err(LinkRefusal::Expired)
    } else {
        Ok(row)
    })
}

/// Uses a link and every other link of its batch, once: of two concurrent uses (of the
/// same link or of two links of one email) exactly one gets the row. One statement
/// marks the whole batch, so the second waits for the first and then finds nothing left.
pub async fn claim(
    db: &impl ConnectionTrait,
    token_hash: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<Result<action_link::Model, LinkRefusal>> {
    let row = match peek(db, token_hash, at).await? {
        Ok(row) => row,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let batch_size = action_link::Entity::find()
        .filter(action_link::Column::Batch.eq(row.batch))
        .count(db)
        .await
        .context("counting the links of an email")?;
    let claimed = action_link::Entity::update_many()
        .col_expr(action_link::Column::UsedAt, Expr::value(at))
        .filter(action_link::Column::Batch.eq(row.batch))
        .filter(action_link::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("using a one-click link")?
        .rows_affected;
    Ok(if claimed == batch_size {
        Ok(row)
    } else {
        Err(LinkRefusal::Used)
    })
}

/// Retires every unused link of a match for one purpose (the question they answer is
/// settled another way, say on the page).
pub async fn retire(
    db: &impl ConnectionTrait,
    match_id: Uuid,
    purpose: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<u64> {
    Ok(action_link::Entity::update_many()
        .col_expr(action_link::Column::UsedAt, Expr::value(at))
        .filter(action_link::Column::MatchId.eq(match_id))
        .filter(action_link::Column::Purpose.eq(purpose))
        .filter(action_link::Column::UsedAt.is_null())
        .exec(db)
        .await
        .context("retiring one-click links")?
        .rows_affected)
}
