//! Rules for free text. Lengths count characters, not bytes, so a Japanese title of 200
//! characters is as acceptable as an English one.
//!
//! Text is of two kinds, each with one rule, so that what is stored can later go into an
//! email as it is:
//!
//! - a [`SingleLine`] (names, titles, places, a headline) holds no control character at
//!   all: no CR, LF or TAB, no other C0 or C1 control, no DEL, no U+2028/U+2029 line or
//!   paragraph separator, no bidirectional override or isolate (U+202A–U+202E,
//!   U+2066–U+2069, which make text read differently from what it is). It may become a
//!   mailbox name, a `Subject:` or one line of a body.
//! - a [`MultiLine`] (descriptions, proposals, notes, reasons) keeps its line breaks (LF
//!   or CR LF) and refuses everything else a single line refuses.
//!
//! An [`EmailAddress`] is one the mail sender can deliver to. Rows stored before these
//! rules are made harmless when mail is built, with [`SingleLine::neutralise`] and
//! [`MultiLine::neutralise`].

use std::{fmt, net::IpAddr};

use super::error::{FieldError, FieldErrors};

/// Characters no stored text may hold besides the line breaks a [`MultiLine`] keeps:
/// the Unicode controls (C0, DEL, C1), the line and paragraph separators, and the
/// bidirectional embeddings, overrides and isolates.
fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

fn code_point(c: char) -> String {
    format!("U+{:04X}", u32::from(c))
}

/// Checks a text's length in characters; `min` of 1 also refuses blank text.
fn check_length(value: &str, min: usize, max: usize) -> Result<(), String> {
    let length = value.chars().count();
    if min > 0 && value.trim().is_empty() {
        Err("must not be empty".to_owned())
    } else if length < min {
        Err(format!("must be at least {min} characters"))
    } else if length > max {
        Err(format!("must be at most {max} characters (got {length})"))
    } else {
        Ok(())
    }
}

/// One line of text: no control characters, no line breaks, no bidirectional controls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleLine(String);

impl SingleLine {
    /// Parses one line of `min`–`max` characters; the error is the message for the field.
    pub fn parse(value: &str, min: usize, max: usize) -> Result<Self, String> {
        check_length(value, min, max)?;
        match value.chars().find(|c| is_forbidden(*c)) {
            Some(c) => Err(format!(
                "must be a single line without control characters (found {})",
                code_point(c)
            )),
            None => Ok(Self(value.to_owned())),
        }
    }

    /// Makes any stored text safe as one line (a header, a subject, a line of a body):
    /// each run of forbidden characters becomes one space. For rows older than the rule.
    pub fn neutralise(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut in_run = false;
        for c in text.chars() {
            if is_forbidden(c) {
                if !in_run {
                    out.push(' ');
                }
                in_run = true;
            } else {
                out.push(c);
                in_run = false;
            }
        }
        out
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<SingleLine> for String {
    fn from(line: SingleLine) -> Self {
        line.0
    }
}

/// Text of several lines: line breaks (LF or CR LF) kept, every other control refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiLine(String);

impl MultiLine {
    /// Parses text of `min`–`max` characters; the error is the message for the field.
    pub fn parse(value: &str, min: usize, max: usize) -> Result<Self, String> {
        check_length(value, min, max)?;
        let mut chars = value.chars().peekable();
        while let Some(c) = chars.next() {
            let line_break = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
            if is_forbidden(c) && !line_break {
                return Err(format!(
                    "must not contain control characters other than line breaks (found {})",
                    code_point(c)
                ));
            }
        }
        Ok(Self(value.to_owned()))
    }

    /// Makes any stored text safe as the body of an email: line breaks (LF, CR LF, a lone
    /// CR) become LF, each run of other forbidden characters one space.
    pub fn neutralise(text: &str) -> String {
        let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        normalised
            .split('\n')
            .map(SingleLine::neutralise)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<MultiLine> for String {
    fn from(text: MultiLine) -> Self {
        text.0
    }
}

/// An email address the mail sender can deliver to, trimmed and lower-cased as accounts
/// have always been stored.
///
/// It is what lettre's [`lettre::Address`] parses (the sender's own rule), narrowed to
/// what any relay takes: ASCII only (a non-ASCII envelope needs SMTPUTF8, which the
/// sender refuses when the relay does not offer it, so full-width `ａ@example.jp` is out),
/// no spaces, quotes or angle brackets, and a domain name with a dot — no address literal
/// like `[127.0.0.1]` and no bare IP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(lettre::Address);

impl EmailAddress {
    /// Parses an address; the error is the message for the field.
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        const SHAPE: &str = "must be an email address like name@example.jp";
        let email = raw.trim().to_lowercase();
        if !email.is_ascii() {
            return Err(
                "must be an email address in ASCII (half-width) characters, like name@example.jp",
            );
        }
        if email.len() > 254
            || email
                .chars()
                .any(|c| c.is_ascii_whitespace() || c.is_ascii_control() || c == '"')
        {
            return Err(SHAPE);
        }
        let address: lettre::Address = email.parse().map_err(|_| SHAPE)?;
        let domain = address.domain();
        if domain.starts_with('[') || domain.parse::<IpAddr>().is_ok() {
            return Err("must be an email address at a domain name, not an IP address");
        }
        let valid = address.user().len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.');
        if valid { Ok(Self(address)) } else { Err(SHAPE) }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        self.0.as_ref()
    }

    /// The address as the mail sender takes it.
    pub fn to_lettre(&self) -> lettre::Address {
        self.0.clone()
    }
}

impl From<EmailAddress> for String {
    fn from(email: EmailAddress) -> Self {
        email.as_str().to_owned()
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Collects the field errors of one request.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// Records an error.
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    /// Checks a one-line text field ([`SingleLine`]) of `min`–`max` characters; `min` of
    /// 1 also refuses blank text.
    pub fn line(&mut self, field: &str, value: &str, min: usize, max: usize) -> Option<SingleLine> {
        SingleLine::parse(value, min, max)
            .map_err(|message| self.add(field, message))
            .ok()
    }

    /// Checks a text field that may hold line breaks ([`MultiLine`]).
    pub fn lines(&mut self, field: &str, value: &str, min: usize, max: usize) -> Option<MultiLine> {
        MultiLine::parse(value, min, max)
            .map_err(|message| self.add(field, message))
            .ok()
    }

    /// Checks an email address ([`EmailAddress`]).
    pub fn email(&mut self, field: &str, value: &str) -> Option<EmailAddress> {
        EmailAddress::parse(value)
            .map_err(|message| self.add(field, message))
            .ok()
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

    /// Ok when nothing was recorded; otherwise every error recorded (each door renders
    /// them its own way: the JSON API as a 422).
    pub fn finish(self) -> Result<(), FieldErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// The key an account is looked up by at log-in: the address lower-cased and trimmed as
/// it was stored, with one `@` and a dot in its domain. Looser than [`EmailAddress`] on
/// purpose, so an account registered before that rule can still log in.
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
        errors.line("title", &"漆".repeat(200), 1, 200);
        assert!(errors.0.is_empty());
        errors.line("title", &"漆".repeat(201), 1, 200);
        assert_eq!(errors.0[0].field, "title");
    }

    #[test]
    fn blank_text_is_empty() {
        let mut errors = Errors::default();
        errors.line("title", " \u{3000} ", 1, 10);
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

    /// Every character a single line refuses: C0 (with TAB, LF, CR), DEL, C1, the line
    /// and paragraph separators, the bidirectional embeddings, overrides and isolates.
    fn forbidden_in_a_line() -> Vec<char> {
        let mut all: Vec<char> = (0x00..=0x1F)
            .chain(0x7F..=0x9F)
            .filter_map(char::from_u32)
            .collect();
        all.extend(['\u{2028}', '\u{2029}']);
        all.extend(
            (0x202A..=0x202E)
                .chain(0x2066..=0x2069)
                .filter_map(char::from_u32),
        );
        all
    }

    #[test]
    fn a_single_line_refuses_every_control_character() {
        for c in forbidden_in_a_line() {
            let error = SingleLine::parse(&format!("山田{c}花子"), 1, 100).unwrap_err();
            assert!(
                error.contains(&format!("U+{:04X}", u32::from(c))),
                "{error}"
            );
        }
        assert_eq!(
            SingleLine::parse("山田 花子（塩尻市）", 1, 100)
                .unwrap()
                .as_str(),
            "山田 花子（塩尻市）"
        );
    }

    #[test]
    fn a_multi_line_text_keeps_line_breaks_only() {
        assert!(MultiLine::parse("一行目\n二行目\r\n三行目\n", 1, 100).is_ok());
        for c in forbidden_in_a_line() {
            if c == '\n' {
                continue;
            }
            assert!(
                MultiLine::parse(&format!("一行目{c}二行目"), 1, 100).is_err(),
                "U+{:04X} accepted",
                u32::from(c)
            );
        }
    }

    #[test]
    fn neutralising_makes_old_text_one_line_or_clean_lines() {
        assert_eq!(
            SingleLine::neutralise("Eve\r\nBcc: x@evil.test"),
            "Eve Bcc: x@evil.test"
        );
        assert_eq!(SingleLine::neutralise("a\u{202E}b\tc"), "a b c");
        assert_eq!(MultiLine::neutralise("a\r\nb\rc\u{0}d\n"), "a\nb\nc d\n");
    }

    #[test]
    fn an_email_address_is_what_the_sender_can_send() {
        assert_eq!(
            EmailAddress::parse(" Taro@Example.JP ").unwrap().as_str(),
            "taro@example.jp"
        );
        assert_eq!(
            EmailAddress::parse("hanako.yamada+musubi@mail.example.co.jp")
                .unwrap()
                .as_str(),
            "hanako.yamada+musubi@mail.example.co.jp"
        );
        for refused in [
            "<odd@example.jp>",
            "a@[127.0.0.1]",
            "ａ@example.jp",
            "a@127.0.0.1",
            "a@b",
            "a b@c.jp",
            "\"a b\"@example.jp",
            "a@example.jp\r\nBcc: x@evil.test",
            "a\u{0}@example.jp",
            "no-at-sign",
            "山田@example.jp",
            "a@例え.jp",
        ] {
            assert!(
                EmailAddress::parse(refused).is_err(),
                "{refused:?} accepted"
            );
        }
    }

    #[test]
    fn every_accepted_address_is_one_lettre_can_send_to() {
        let address = EmailAddress::parse("x@example.jp").unwrap();
        let mailbox = lettre::message::Mailbox::new(None, address.to_lettre());
        assert_eq!(mailbox.to_string(), "x@example.jp");
    }
}
