//! What can be wrong with a request, in domain words: invalid fields, and the stable
//! codes of the conflicts a client acts on.

use serde::Serialize;
use utoipa::ToSchema;

/// One invalid input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `hours_per_month.min`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// Makes a field error.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every invalid field of one request (never empty when returned as an error).
pub type FieldErrors = Vec<FieldError>;

/// A request that conflicts with the current state (409), by kind. The code is part of
/// the contract: clients branch on it, so a kind is never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConflictCode {
    /// An account with this email exists.
    EmailTaken,
    /// The SME account has no organization to post a need for.
    NoOrganization,
    /// The need no longer accepts applications or introductions.
    NeedClosed,
    /// The professional has not written a profile yet.
    ProfileMissing,
    /// One application per need and professional.
    AlreadyApplied,
    /// The application was withdrawn before.
    AlreadyWithdrawn,
    /// One match per need and professional.
    AlreadyMatched,
    /// The match's current state does not allow this step.
    IllegalTransition,
    /// Another request with the same `Idempotency-Key` is still being processed.
    IdempotencyKeyInUse,
    /// The account an idempotent registration made was erased since.
    AccountGone,
    /// Only dead mail is re-queued.
    OutboxNotDead,
    /// A unique rule the request broke that has no kind of its own.
    Duplicate,
}

impl ConflictCode {
    /// The stable snake_case code (problem+json `code`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EmailTaken => "email_taken",
            Self::NoOrganization => "no_organization",
            Self::NeedClosed => "need_closed",
            Self::ProfileMissing => "profile_missing",
            Self::AlreadyApplied => "already_applied",
            Self::AlreadyWithdrawn => "already_withdrawn",
            Self::AlreadyMatched => "already_matched",
            Self::IllegalTransition => "illegal_transition",
            Self::IdempotencyKeyInUse => "idempotency_key_in_use",
            Self::AccountGone => "account_gone",
            Self::OutboxNotDead => "outbox_not_dead",
            Self::Duplicate => "duplicate",
        }
    }

    /// Every kind, for tests and documentation.
    pub const ALL: [Self; 12] = [
        Self::EmailTaken,
        Self::NoOrganization,
        Self::NeedClosed,
        Self::ProfileMissing,
        Self::AlreadyApplied,
        Self::AlreadyWithdrawn,
        Self::AlreadyMatched,
        Self::IllegalTransition,
        Self::IdempotencyKeyInUse,
        Self::AccountGone,
        Self::OutboxNotDead,
        Self::Duplicate,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_conflict_code_serialises_as_its_code() {
        for code in ConflictCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}
