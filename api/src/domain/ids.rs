//! Typed ids of the main objects: a need's id cannot be passed where a match's is
//! expected. On the wire and in the database each is a plain UUID.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($($(#[$meta:meta])* $name:ident;)+) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )+};
}

typed_id! {
    /// An account (SME owner, professional or coordinator).
    UserId;
    /// A need (募集).
    NeedId;
    /// An application (応募).
    ApplicationId;
    /// A match (紹介).
    MatchId;
    /// A region (地域).
    RegionId;
    /// An organization (an SME or a municipality).
    OrganizationId;
    /// An email in the outbox.
    OutboxId;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_id_is_a_plain_uuid_on_the_wire() {
        let raw = Uuid::now_v7();
        let id = NeedId::from(raw);
        assert_eq!(serde_json::to_value(id).unwrap(), raw.to_string());
        let back: NeedId = serde_json::from_value(serde_json::json!(raw)).unwrap();
        assert_eq!(Uuid::from(back), raw);
        assert_eq!(id.to_string(), raw.to_string());
    }
}
