//! One-click links: an emailed link that gives one answer without a login — a meeting
//! time chosen from the proposals, a monthly check-in answered. The token is 256 random
//! bits sent only in the link; the database keeps its SHA-256 with what it is bound to
//! (one match, one person, one choice) and when it expires. Links sent in one email
//! share a batch: the first one used uses them all, so a second click, another choice of
//! the same email, a changed byte or an old link each find nothing to do, and the page
//! that opened says so kindly.
//!
//! A link's page claims it inside the transaction that carries out its answer
//! ([`redeem`]), so a failure afterwards leaves the link usable.

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

use super::Result;
use crate::{
    auth::reset,
    repo::{
        self,
        action_links::{self, LinkRefusal, NewLink},
    },
};

/// What a link does when followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms one proposed meeting time.
    MeetingTime,
    /// Answers a monthly check-in of an engagement.
    CheckIn,
}

impl Purpose {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MeetingTime => "meeting_time",
            Self::CheckIn => "check_in",
        }
    }

    /// The page that carries out the answer; the token follows it.
    pub fn path(self) -> &'static str {
        match self {
            Self::MeetingTime => "/meetings/choose",
            Self::CheckIn => "/check-ins/answer",
        }
    }
}

/// One link to send: who may answer what.
#[derive(Debug, Clone)]
pub struct Grant<C> {
    /// What it does.
    pub purpose: Purpose,
    /// The links of one email (use [`new_batch`]).
    pub batch: Uuid,
    /// The match it acts on.
    pub match_id: Uuid,
    /// Whose answer it is.
    pub user_id: Uuid,
    /// The answer it gives.
    pub choice: C,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A followed link that may be acted on: what it was granted for.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed<C> {
    /// The match it acts on.
    pub match_id: Uuid,
    /// Whose answer it is.
    pub user_id: Uuid,
    /// The answer it gives.
    pub choice: C,
}

/// A new batch id for the links of one email.
pub fn new_batch() -> Uuid {
    repo::new_id()
}

/// Stores a link and returns its full URL (`{public_url}{purpose path}/{token}`), for the
/// email only.
pub async fn issue<C: Serialize>(
    db: &impl sea_orm::ConnectionTrait,
    public_url: &str,
    grant: &Grant<C>,
    now: DateTime<Utc>,
) -> Result<String> {
    let token = reset::new_token();
    action_links::insert(
        db,
        NewLink {
            token_hash: reset::hash(&token),
            purpose: grant.purpose.as_str(),
            batch: grant.batch,
            match_id: grant.match_id,
            user_id: grant.user_id,
            choice: repo::to_json(&grant.choice)?,
            created_at: now,
            expires_at: grant.expires_at,
        },
    )
    .await?;
    Ok(format!(
        "{}{}/{token}",
        public_url.trim_end_matches('/'),
        grant.purpose.path()
    ))
}

/// What a link would do, without using it (for a page that asks before acting).
pub async fn peek<C: DeserializeOwned>(
    db: &impl sea_orm::ConnectionTrait,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Followed<C>, LinkRefusal>> {
    let found = action_links::peek(db, &reset::hash(token), now).await?;
    followed(purpose, found)
}

/// Uses a link (and the rest of its email's links) and returns what it grants; call it
/// in the transaction that carries the answer out. A link of another purpose is unknown.
pub async fn redeem<C: DeserializeOwned>(
    db: &impl sea_orm::ConnectionTrait,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<Followed<C>, LinkRefusal>> {
    if let Err(refusal) = followed::<serde_json::Value>(
        purpose,
        action_links::peek(db, &reset::hash(token), now).await?,
    )? {
        return Ok(Err(refusal));
    }
    let claimed = action_links::claim(db, &reset::hash(token), now).await?;
    followed(purpose, claimed)
}

/// Retires a match's unused links of one purpose: the question was settled otherwise.
pub async fn retire(
    db: &impl sea_orm::ConnectionTrait,
    match_id: Uuid,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<()> {
    action_links::retire(db, match_id, purpose.as_str(), now).await?;
    Ok(())
}

fn followed<C: DeserializeOwned>(
    purpose: Purpose,
    found: std::result::Result<crate::entities::action_link::Model, LinkRefusal>,
) -> Result<std::result::Result<Followed<C>, LinkRefusal>> {
    let row = match found {
        Ok(row) if row.purpose == purpose.as_str() => row,
        Ok(_) => return Ok(Err(LinkRefusal::Unknown)),
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(Followed {
        match_id: row.match_id,
        user_id: row.user_id,
        choice: repo::from_json(&row.choice, "action_links.choice")?,
    }))
}
