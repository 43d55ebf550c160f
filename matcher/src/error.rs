//! The matcher's one error type, with a [`kind`](Error::kind) callers can match on.

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Factor weights were negative, not finite, or all zero.
    InvalidWeights {
        /// Why, in English.
        reason: String,
    },
    /// A taxonomy key (skill, theme, industry) is not known.
    UnknownKey {
        /// Which vocabulary: `skill`, `theme`, `industry`, `prefecture`.
        vocabulary: &'static str,
        /// The key as given.
        key: String,
    },
    /// An input value is out of its range.
    InvalidInput {
        /// The field, in the API's naming (`hours_per_month.min`).
        field: String,
        /// Why, in English.
        reason: String,
    },
}

/// An error from the matcher.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.describe())]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    /// Makes an error of this kind.
    pub fn new(kind: ErrorKind) -> Self {
        Self { kind }
    }

    /// What went wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    fn describe(&self) -> String {
        match &self.kind {
            ErrorKind::InvalidWeights { reason } => format!("invalid weights: {reason}"),
            ErrorKind::UnknownKey { vocabulary, key } => format!("unknown {vocabulary}: {key}"),
            ErrorKind::InvalidInput { field, reason } => format!("invalid {field}: {reason}"),
        }
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Self::new(kind)
    }
}

/// The matcher's result type.
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_message_names_the_vocabulary_and_key() {
        let error = Error::new(ErrorKind::UnknownKey {
            vocabulary: "skill",
            key: "マーケ".into(),
        });
        assert_eq!(error.to_string(), "unknown skill: マーケ");
        assert!(matches!(
            error.kind(),
            ErrorKind::UnknownKey {
                vocabulary: "skill",
                ..
            }
        ));
    }
}
