//! The pieces of a form as its templates draw them (`field.html`, `select.html`): a
//! labelled field with its hint, the value the visitor typed, and the error beside it;
//! and the summary of a form's errors, each a link to its field.

use std::collections::BTreeMap;

/// A text input.
#[derive(Debug, Clone)]
pub struct TextField {
    /// Its `id` and `name`.
    pub id: &'static str,
    /// Its label.
    pub label: String,
    /// `text`, `email`, `password`, `search`.
    pub kind: &'static str,
    /// Its `autocomplete` token (`off` when none fits).
    pub autocomplete: &'static str,
    /// What was typed (never a password).
    pub value: String,
    /// A line under the label.
    pub hint: Option<String>,
    /// What is wrong with it.
    pub error: Option<String>,
    /// Whether it must be filled.
    pub required: bool,
}

impl TextField {
    /// A field with nothing typed yet.
    pub fn new(id: &'static str, label: &str, kind: &'static str) -> Self {
        Self {
            id,
            label: label.to_owned(),
            kind,
            autocomplete: "off",
            value: String::new(),
            hint: None,
            error: None,
            required: false,
        }
    }

    /// With its `autocomplete` token.
    pub fn autocomplete(mut self, token: &'static str) -> Self {
        self.autocomplete = token;
        self
    }

    /// With what was typed.
    pub fn value(mut self, value: &str) -> Self {
        self.value = value.to_owned();
        self
    }

    /// With a hint.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_owned());
        self
    }

    /// Marked as required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// With the error `errors` holds for it, if any.
    pub fn error(mut self, errors: &Errors) -> Self {
        self.error = errors.of(self.id).map(str::to_owned);
        self
    }

    /// The ids of its hint and error, for `aria-describedby`.
    pub fn described_by(&self) -> Option<String> {
        described_by(self.id, self.hint.is_some(), self.error.is_some())
    }
}

/// One choice of a [`SelectField`].
#[derive(Debug, Clone)]
pub struct Choice {
    /// The value sent.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

/// A `<select>`.
#[derive(Debug, Clone)]
pub struct SelectField {
    /// Its `id` and `name`.
    pub id: &'static str,
    /// Its label.
    pub label: String,
    /// The first choice, sending an empty value (「指定しない」, 「選んでください」).
    pub empty: String,
    /// The choices.
    pub choices: Vec<Choice>,
    /// A line under the label.
    pub hint: Option<String>,
    /// What is wrong with it.
    pub error: Option<String>,
}

impl SelectField {
    /// A select of `(value, label)` pairs with `chosen` selected.
    pub fn new(
        id: &'static str,
        label: &str,
        empty: &str,
        choices: impl IntoIterator<Item = (String, String)>,
        chosen: &str,
    ) -> Self {
        Self {
            id,
            label: label.to_owned(),
            empty: empty.to_owned(),
            choices: choices
                .into_iter()
                .map(|(value, label)| Choice {
                    selected: !chosen.is_empty() && value == chosen,
                    value,
                    label,
                })
                .collect(),
            hint: None,
            error: None,
        }
    }

    /// With a hint.
    pub fn hint(mut self, hint: &str) -> Self {
        self.hint = Some(hint.to_owned());
        self
    }

    /// With the error `errors` holds for it, if any.
    pub fn error(mut self, errors: &Errors) -> Self {
        self.error = errors.of(self.id).map(str::to_owned);
        self
    }

    /// The ids of its hint and error, for `aria-describedby`.
    pub fn described_by(&self) -> Option<String> {
        described_by(self.id, self.hint.is_some(), self.error.is_some())
    }
}

fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    match (hint, error) {
        (false, false) => None,
        (true, false) => Some(format!("{id}-hint")),
        (false, true) => Some(format!("{id}-error")),
        (true, true) => Some(format!("{id}-hint {id}-error")),
    }
}

/// The errors of a form by field id, in the visitor's language; the first error of a
/// field is the one shown.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    by_field: BTreeMap<&'static str, String>,
    /// The order fields were found wrong in, for the summary.
    order: Vec<&'static str>,
}

impl Errors {
    /// Records what is wrong with `field` (unless something already is).
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if !self.by_field.contains_key(field) {
            self.by_field.insert(field, message.into());
            self.order.push(field);
        }
    }

    /// What is wrong with `field`.
    pub fn of(&self, field: &str) -> Option<&str> {
        self.by_field.get(field).map(String::as_str)
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.by_field.is_empty()
    }

    /// `(field id, message)` in the order found, for the summary's links.
    pub fn summary(&self) -> Vec<(&'static str, &str)> {
        self.order
            .iter()
            .filter_map(|field| self.of(field).map(|message| (*field, message)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fields_first_error_is_kept_and_described_beside_it() {
        let mut errors = Errors::default();
        errors.add("email", "first");
        errors.add("email", "second");
        errors.add("password", "short");
        assert_eq!(errors.of("email"), Some("first"));
        assert_eq!(
            errors.summary(),
            [("email", "first"), ("password", "short")]
        );
        let field = TextField::new("email", "Email", "email")
            .hint("we never share it")
            .error(&errors);
        assert_eq!(
            field.described_by().as_deref(),
            Some("email-hint email-error")
        );
        let select = SelectField::new(
            "role",
            "Role",
            "-",
            [
                ("a".to_owned(), "A".to_owned()),
                ("b".to_owned(), "B".to_owned()),
            ],
            "b",
        );
        assert!(!select.choices[0].selected && select.choices[1].selected);
        assert_eq!(select.described_by(), None);
    }
}
