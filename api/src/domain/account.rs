//! Accounts: the three kinds of user.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What an account is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// An SME or municipality that posts needs.
    Sme,
    /// A 複業 professional.
    Professional,
    /// A regional coordinator (created by the operator only).
    Coordinator,
}

impl AccountRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sme => "sme",
            Self::Professional => "professional",
            Self::Coordinator => "coordinator",
        }
    }

    /// Parses the stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sme" => Some(Self::Sme),
            "professional" => Some(Self::Professional),
            "coordinator" => Some(Self::Coordinator),
            _ => None,
        }
    }
}
