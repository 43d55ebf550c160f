//! Rules for free text. Lengths count characters, not bytes, so a Japanese title of 200
//! characters is as acceptable as an English one.

use crate::error::FieldError;

/// Collects the field errors of one request.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// Records an error.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Checks a text's length in characters; `min` of 1 also refuses blank text.
    pub fn text(&mut self, field: &str, value: &str, min: usize, max: usize) {
        let length = value.chars().count();
        if min > 0 && value.trim().is_empty() {
            self.add(field, "must not be empty");
        } else if length < min {
            self.add(field, format!("must be at least {min} characters"));
        } else if length > max {
            self.add(
                field,
                format!("must be at most {max} characters (got {length})"),
            );
        } else if value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            self.add(field, "must not contain control characters");
        }
    }

    /// Checks that a number lies in a range.
    pub fn range<T: PartialOrd + std::fmt::Display>(
        &mut self,
        field: &str,
        value: T,
        min: T,
        max: T,
    ) {
        if value < min || value > max {
            self.add(field, format!("must be between {min} and {max}"));
        }
    }

    /// Ok when nothing was recorded.
    pub fn finish(self) -> Result<(), crate::error::ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(crate::error::ApiError::Validation(self.0))
        }
    }
}

/// A lower-cased, trimmed email address with one `@` and a dot in its domain.
pub fn parse_email(raw: &str) -> Option<String> {
    let email = raw.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && local.len() <= 64
        && email.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    valid.then_some(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_length_counts_characters() {
        let mut errors = Errors::default();
        errors.text("title", &"漆".repeat(200), 1, 200);
        assert!(errors.0.is_empty());
        errors.text("title", &"漆".repeat(201), 1, 200);
        assert_eq!(errors.0[0].field, "title");
    }

    #[test]
    fn blank_text_is_empty() {
        let mut errors = Errors::default();
        errors.text("title", " \u{3000} ", 1, 10);
        assert_eq!(errors.0[0].message, "must not be empty");
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            parse_email(" Taro@Example.JP ").as_deref(),
            Some("taro@example.jp")
        );
        assert_eq!(parse_email("no-at-sign"), None);
        assert_eq!(parse_email("a@b"), None);
        assert_eq!(parse_email("a b@c.jp"), None);
    }
}
