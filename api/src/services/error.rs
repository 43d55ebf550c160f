//! The services' error: what went wrong, in domain words.

use crate::{
    access::Denied,
    db::{self, UniqueRule},
    domain::error::{ConflictCode, FieldError, FieldErrors},
    repo::sessions::ResetRefusal,
};

/// Why a service call did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The object is not there for this actor.
    #[error("not found")]
    NotFound,
    /// The actor's role may never do this.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Credentials are missing or wrong.
    #[error("unauthorized")]
    Unauthorized,
    /// The request conflicts with the current state.
    #[error("conflict ({code}): {1}", code = .0.as_str())]
    Conflict(ConflictCode, String),
    /// Some fields are invalid.
    #[error("invalid fields")]
    Invalid(FieldErrors),
    /// A password-reset token that is unknown, expired or already used.
    #[error("invalid reset token: {}", .0.as_str())]
    InvalidResetToken(ResetRefusal),
    /// Too many attempts; allowed again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until the next attempt is allowed.
        retry_after: u64,
    },
    /// Storage or another dependency failed (a lost database connection included: the
    /// doors tell that case apart from the cause chain).
    #[error(transparent)]
    Failed(anyhow::Error),
}

/// The result of a service call.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A conflict of this kind.
    pub fn conflict(code: ConflictCode, detail: impl Into<String>) -> Self {
        Self::Conflict(code, detail.into())
    }

    /// One invalid field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<FieldErrors> for Error {
    fn from(errors: FieldErrors) -> Self {
        Self::Invalid(errors)
    }
}

impl From<Denied> for Error {
    fn from(denied: Denied) -> Self {
        match denied {
            Denied::Hidden => Self::NotFound,
            Denied::Forbidden(why) => Self::Forbidden(why),
        }
    }
}

impl From<anyhow::Error> for Error {
    /// A broken unique rule anywhere in the chain (under any context) is a conflict.
    fn from(error: anyhow::Error) -> Self {
        let rule = error.chain().find_map(|cause| {
            cause
                .downcast_ref::<sea_orm::DbErr>()
                .and_then(db::unique_violation)
        });
        match rule {
            Some(rule) => Self::Conflict(conflict_of(rule), detail_of(rule).to_owned()),
            None => Self::Failed(error),
        }
    }
}

impl From<sea_orm::DbErr> for Error {
    fn from(error: sea_orm::DbErr) -> Self {
        match db::unique_violation(&error) {
            Some(rule) => Self::Conflict(conflict_of(rule), detail_of(rule).to_owned()),
            None => Self::Failed(error.into()),
        }
    }
}

impl From<sea_orm::TransactionError<Error>> for Error {
    fn from(error: sea_orm::TransactionError<Error>) -> Self {
        match error {
            sea_orm::TransactionError::Connection(error) => error.into(),
            sea_orm::TransactionError::Transaction(error) => error,
        }
    }
}

/// The one mapping of a broken unique rule to the conflict a client is told.
fn conflict_of(rule: UniqueRule) -> ConflictCode {
    match rule {
        UniqueRule::UserEmail => ConflictCode::EmailTaken,
        UniqueRule::ApplicationPair => ConflictCode::AlreadyApplied,
        UniqueRule::MatchPair => ConflictCode::AlreadyMatched,
        UniqueRule::RegionName | UniqueRule::OrganizationOwner | UniqueRule::Other => {
            ConflictCode::Duplicate
        }
    }
}

fn detail_of(rule: UniqueRule) -> &'static str {
    match rule {
        UniqueRule::UserEmail => "an account with this email already exists",
        UniqueRule::ApplicationPair => "you have already applied to this need",
        UniqueRule::MatchPair => "this professional has already been matched with this need",
        UniqueRule::RegionName => "a region with this name already exists",
        UniqueRule::OrganizationOwner => "this account already has an organization",
        UniqueRule::Other => "this already exists",
    }
}
