//! Hand-written queries beside the generated entities. Every function takes
//! `&impl ConnectionTrait`, so it composes inside a transaction.

pub mod action_links;
pub mod applications;
pub mod convert;
pub mod engagements;
pub mod invitations;
pub mod matches;
pub mod needs;
pub mod page;
pub mod profiles;
pub mod proposals;
pub mod regions;
pub mod relays;
pub mod reply_speed;
pub mod reports;
pub mod sessions;
pub mod sharing;
pub mod users;
pub mod web_sessions;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// A new time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Now, to the microsecond (what both databases store).
pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

/// Reads a JSON column into a typed value; a row that does not parse is a bug worth a 500.
pub fn from_json<T: serde::de::DeserializeOwned>(
    value: &serde_json::Value,
    column: &str,
) -> anyhow::Result<T> {
    serde_json::from_value(value.clone())
        .map_err(|error| anyhow::anyhow!("column {column} holds unexpected JSON: {error}"))
}

/// Writes a value into a JSON column.
pub fn to_json<T: serde::Serialize>(value: &T) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::to_value(value)?)
}

/// Whose rows a list shows (decided by [`crate::access::audience`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A professional's own.
    Professional(Uuid),
    /// Those on an SME owner's needs.
    Owner(Uuid),
    /// Those of a region's needs.
    Region(Uuid),
}
