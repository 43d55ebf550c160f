//! Invitations of imported professionals: stored in batches, found by the hash of their
//! link's token, claimed once.

use std::collections::HashSet;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use super::{new_id, now};
use crate::entities::{invitation, user};

/// Rows written by one `INSERT`: far below SQLite's and PostgreSQL's bound-parameter
/// limits (12 columns a row).
const BATCH: usize = 500;

/// Emails looked up by one `IN (…)`.
const LOOKUP_BATCH: usize = 1_000;

/// The stored status of an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationStatus {
    /// Sent, waiting for the person.
    Pending,
    /// The person made their account.
    Accepted,
    /// A visit found it past its expiry.
    Expired,
}

impl InvitationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Expired => "expired",
        }
    }
}

/// Why an invitation's link cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationRefusal {
    /// No such token.
    Unknown,
    /// Past its expiry.
    Expired,
    /// Accepted before.
    Used,
}

impl InvitationRefusal {
    /// The words for a problem's detail.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "is not valid",
            Self::Expired => "has expired",
            Self::Used => "has already been used",
        }
    }
}

/// An invitation to store.
#[derive(Debug, Clone)]
pub struct NewInvitation {
    /// Hex SHA-256 of the link's token.
    pub token_hash: String,
    /// The inviting region.
    pub region_id: Uuid,
    /// The importing coordinator.
    pub invited_by: Uuid,
    /// Lower-cased email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// The profile (the API's profile JSON).
    pub profile: serde_json::Value,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// Stores invitations in batches; returns their ids in order.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    invitations: Vec<NewInvitation>,
) -> anyhow::Result<Vec<Uuid>> {
    let at = now();
    let mut ids = Vec::with_capacity(invitations.len());
    let mut rows = Vec::with_capacity(invitations.len());
    for new in invitations {
        let id = new_id();
        ids.push(id);
        rows.push(invitation::ActiveModel {
            id: Set(id),
            token_hash: Set(new.token_hash),
            region_id: Set(new.region_id),
            invited_by: Set(Some(new.invited_by)),
            email: Set(new.email),
            display_name: Set(new.display_name),
            profile: Set(new.profile),
            status: Set(InvitationStatus::Pending.as_str().to_owned()),
            created_at: Set(at),
            expires_at: Set(new.expires_at),
            accepted_at: Set(None),
            user_id: Set(None),
        });
    }
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<_> = rows.by_ref().take(BATCH).collect();
        invitation::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await
            .context("storing invitations")?;
    }
    Ok(ids)
}

/// Which of `emails` (lower-cased) already belong to an account, erased or not: the
/// unique rule on `users.email` holds for both.
pub async fn emails_with_accounts(
    db: &impl ConnectionTrait,
    emails: &[String],
) -> anyhow::Result<HashSet<String>> {
    let mut found = HashSet::new();
    for chunk in emails.chunks(LOOKUP_BATCH) {
        let rows: Vec<String> = user::Entity::find()
            .select_only()
            .column(user::Column::Email)
            .filter(user::Column::Email.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await
            .context("looking up accounts by email")?;
        found.extend(rows);
    }
    Ok(found)
}

/// Which of `emails` have an invitation still pending (not accepted, not expired), in any
/// region: a second one would only send a second email.
pub async fn emails_with_pending_invitations(
    db: &impl ConnectionTrait,
    emails: &[String],
) -> anyhow::Result<HashSet<String>> {
    let at = now();
    let mut found = HashSet::new();
    for chunk in emails.chunks(LOOKUP_BATCH) {
        let rows: Vec<String> = invitation::Entity::find()
            .select_only()
            .column(invitation::Column::Email)
            .filter(invitation::Column::Email.is_in(chunk.iter().cloned()))
            .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
            .filter(invitation::Column::ExpiresAt.gt(at))
            .into_tuple()
            .all(db)
            .await
            .context("looking up pending invitations by email")?;
        found.extend(rows);
    }
    Ok(found)
}

/// The invitation of a token hash, if it can still be accepted; an expired one found
/// pending is marked `expired` on the way.
pub async fn usable(
    db: &impl ConnectionTrait,
    token_hash: &str,
) -> anyhow::Result<Result<invitation::Model, InvitationRefusal>> {
    let Some(row) = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token_hash))
        .one(db)
        .await
        .context("looking up an invitation")?
    else {
        return Ok(Err(InvitationRefusal::Unknown));
    };
    let pending = InvitationStatus::Pending.as_str();
    Ok(if row.status == InvitationStatus::Accepted.as_str() {
        Err(InvitationRefusal::Used)
    } else if row.status != pending || row.expires_at <= now() {
        if row.status == pending {
            invitation::Entity::update_many()
                .col_expr(
                    invitation::Column::Status,
                    Expr::value(InvitationStatus::Expired.as_str()),
                )
                .filter(invitation::Column::Id.eq(row.id))
                .filter(invitation::Column::Status.eq(pending))
                .exec(db)
                .await
                .context("marking an invitation expired")?;
        }
        Err(InvitationRefusal::Expired)
    } else {
        Ok(row)
    })
}

/// Marks a pending invitation accepted by `user_id`, once: of two concurrent uses exactly
/// one gets `true`.
pub async fn claim(db: &impl ConnectionTrait, id: Uuid, user_id: Uuid) -> anyhow::Result<bool> {
    let at = now();
    let claimed = invitation::Entity::update_many()
        .col_expr(
            invitation::Column::Status,
            Expr::value(InvitationStatus::Accepted.as_str()),
        )
        .col_expr(invitation::Column::AcceptedAt, Expr::value(at))
        .col_expr(invitation::Column::UserId, Expr::value(user_id))
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::Status.eq(InvitationStatus::Pending.as_str()))
        .filter(invitation::Column::ExpiresAt.gt(at))
        .exec(db)
        .await
        .context("accepting an invitation")?
        .rows_affected;
    Ok(claimed == 1)
}

/// Removes every invitation never accepted whose link expired before `cutoff`, with the
/// name, email and profile it holds; how many.
pub async fn forget_unaccepted(
    db: &impl ConnectionTrait,
    cutoff: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let removed = invitation::Entity::delete_many()
        .filter(invitation::Column::Status.ne(InvitationStatus::Accepted.as_str()))
        .filter(invitation::Column::ExpiresAt.lt(cutoff))
        .exec(db)
        .await
        .context("forgetting expired invitations")?;
    Ok(removed.rows_affected)
}
