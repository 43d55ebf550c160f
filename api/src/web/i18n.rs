//! Languages and the message catalogue: every string a page shows comes from
//! `messages/ja.txt` or `messages/en.txt`, by key.
//!
//! The language is the visitor's choice (the switch on every page sets a cookie), else
//! the first of Japanese and English their browser's `Accept-Language` prefers, else
//! Japanese. A catalogue file is lines of `key = text`; `{name}` in a text is a
//! placeholder filled by [`Messages::msg_with`]. The tests below fail when a key is in one
//! language and not the other, or a page uses a key neither has.

use std::{collections::HashMap, sync::LazyLock};

use actix_web::{HttpRequest, http::header};

/// The cookie that remembers the visitor's choice.
pub const LANG_COOKIE: &str = "musubi_lang";

/// A language the pages are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 日本語, the default.
    Ja,
    /// English.
    En,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Self; 2] = [Self::Ja, Self::En];

    /// The BCP 47 tag, for `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }

    /// Reads a tag (`ja`, `en-GB`, `JA-jp`); `None` for any other language.
    pub fn parse(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "ja" => Some(Self::Ja),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The other language, which the switch offers.
    pub fn other(self) -> Self {
        match self {
            Self::Ja => Self::En,
            Self::En => Self::Ja,
        }
    }

    /// The language of a request: the switch's cookie, then `Accept-Language`, then
    /// Japanese.
    pub fn of(request: &HttpRequest) -> Self {
        request
            .cookie(LANG_COOKIE)
            .and_then(|cookie| Self::parse(cookie.value()))
            .or_else(|| {
                request
                    .headers()
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|value| value.to_str().ok())
                    .and_then(Self::from_accept_language)
            })
            .unwrap_or(Self::Ja)
    }

    /// The language an `Accept-Language` value prefers most among ours (ties go to the
    /// one listed first), if it names one of them with a weight above zero.
    pub fn from_accept_language(value: &str) -> Option<Self> {
        let mut best: Option<(Self, u16)> = None;
        for item in value.split(',') {
            let mut parts = item.split(';');
            let Some(lang) = parts.next().and_then(Self::parse) else {
                continue;
            };
            let weight = parts
                .find_map(|part| part.trim().strip_prefix("q="))
                .map_or(Some(1000), quality)
                .unwrap_or(0);
            if weight > 0 && best.is_none_or(|(_, top)| weight > top) {
                best = Some((lang, weight));
            }
        }
        best.map(|(lang, _)| lang)
    }

    /// This language's messages.
    pub fn messages(self) -> &'static Messages {
        match self {
            Self::Ja => &JA,
            Self::En => &EN,
        }
    }
}

/// An HTTP quality value (`0.8`) in thousandths, `None` when malformed.
fn quality(text: &str) -> Option<u16> {
    let value: f32 = text.trim().parse().ok()?;
    (0.0..=1.0)
        .contains(&value)
        .then(|| (value * 1000.0).round() as u16)
}

/// One language's catalogue.
#[derive(Debug)]
pub struct Messages {
    lang: Lang,
    texts: HashMap<&'static str, &'static str>,
}

static JA: LazyLock<Messages> =
    LazyLock::new(|| Messages::parse(Lang::Ja, include_str!("messages/ja.txt")));
static EN: LazyLock<Messages> =
    LazyLock::new(|| Messages::parse(Lang::En, include_str!("messages/en.txt")));

impl Messages {
    fn parse(lang: Lang, source: &'static str) -> Self {
        let texts = entries(source)
            .filter_map(|entry| match entry {
                Ok(pair) => Some(pair),
                Err(line) => {
                    tracing::error!(
                        lang = lang.code(),
                        line,
                        "a catalogue line is not `key = text`"
                    );
                    None
                }
            })
            .collect();
        Self { lang, texts }
    }

    /// The text of `key`. A key missing here is a bug the tests catch; should one slip
    /// through, the page shows the key rather than failing.
    pub fn msg<'a>(&'a self, key: &'a str) -> &'a str {
        match self.texts.get(key) {
            Some(text) => text,
            None => {
                tracing::error!(lang = self.lang.code(), key, "no such message");
                key
            }
        }
    }

    /// The text of `key` with each `{name}` replaced by its value.
    pub fn msg_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        values
            .iter()
            .fold(self.msg(key).to_owned(), |text, (name, value)| {
                text.replace(&format!("{{{name}}}"), value)
            })
    }
}

/// The `key = text` pairs of a catalogue file; `Err` carries a line that is neither a
/// pair, a comment nor blank.
fn entries(
    source: &'static str,
) -> impl Iterator<Item = Result<(&'static str, &'static str), &'static str>> {
    source
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| match line.split_once('=') {
            Some((key, text)) if is_key(key.trim()) && !text.trim().is_empty() => {
                Ok((key.trim(), text.trim()))
            }
            _ => Err(line),
        })
}

fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || b"._".contains(&byte))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;

    fn keys(source: &'static str) -> Vec<&'static str> {
        entries(source).map(|entry| entry.unwrap().0).collect()
    }

    const SOURCES: [(Lang, &str); 2] = [
        (Lang::Ja, include_str!("messages/ja.txt")),
        (Lang::En, include_str!("messages/en.txt")),
    ];

    #[test]
    fn every_line_of_both_catalogues_is_a_key_and_a_text_and_no_key_repeats() {
        for (lang, source) in SOURCES {
            let mut seen = HashSet::new();
            for entry in entries(source) {
                let (key, _) = entry
                    .unwrap_or_else(|line| panic!("{}: not `key = text`: {line}", lang.code()));
                assert!(seen.insert(key), "{}: {key} is defined twice", lang.code());
            }
        }
    }

    #[test]
    fn both_languages_have_every_key_with_the_same_placeholders() {
        let ja: BTreeSet<_> = keys(SOURCES[0].1).into_iter().collect();
        let en: BTreeSet<_> = keys(SOURCES[1].1).into_iter().collect();
        let only_ja: Vec<_> = ja.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&ja).collect();
        assert!(
            only_ja.is_empty() && only_en.is_empty(),
            "missing in en.txt: {only_ja:?}; missing in ja.txt: {only_en:?}"
        );
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                .collect()
        };
        for key in ja {
            assert_eq!(
                placeholders(Lang::Ja.messages().msg(key)),
                placeholders(Lang::En.messages().msg(key)),
                "{key} has other placeholders in ja.txt than in en.txt"
            );
        }
    }

    /// Every `msg("…")` and `msg_with("…"` of the web layer's code and templates.
    fn used_keys() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let mut files = vec![root];
        let mut used = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let is_source = path
                .extension()
                .is_some_and(|ext| ext == "rs" || ext == "html");
            if !is_source {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for call in ["msg(\"", "msg_with(\""] {
                for (at, _) in text.match_indices(call) {
                    let rest = &text[at + call.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key != "…" {
                        used.push((path.display().to_string(), key.to_owned()));
                    }
                }
            }
        }
        used
    }

    #[test]
    fn every_key_the_pages_use_is_in_the_catalogue() {
        let used = used_keys();
        assert!(
            used.len() > 20,
            "found only {} uses; is the scan broken?",
            used.len()
        );
        for (file, key) in used {
            for lang in Lang::ALL {
                assert!(
                    lang.messages().texts.contains_key(key.as_str()),
                    "{file} uses {key}, which messages/{}.txt lacks",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn every_key_of_the_catalogue_is_used_somewhere() {
        // A key is used when the web layer names it: in a `msg` call, or as a literal
        // a page picks at run time (an error page's status, a role).
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/web");
        let mut sources = String::new();
        let mut files = vec![root];
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path
                .extension()
                .is_some_and(|ext| ext == "rs" || ext == "html")
            {
                sources.push_str(&std::fs::read_to_string(&path).unwrap());
            }
        }
        for key in keys(SOURCES[0].1) {
            assert!(
                sources.contains(&format!("\"{key}\"")),
                "{key} is in the catalogue but no page uses it"
            );
        }
    }

    #[test]
    fn the_switch_then_accept_language_then_japanese_choose() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,ja;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr, ja;q=0.5, en;q=0.4"),
            Some(Lang::Ja)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.3, ja;q=0.7"),
            Some(Lang::Ja)
        );
        assert_eq!(Lang::from_accept_language("en;q=0, de"), None);
        assert_eq!(Lang::from_accept_language("ja-JP"), Some(Lang::Ja));
        assert_eq!(Lang::from_accept_language("*"), None);
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::ACCEPT_LANGUAGE, "en-US"))
            .to_http_request();
        assert_eq!(Lang::of(&request), Lang::En);
        let request = actix_web::test::TestRequest::default()
            .insert_header((header::ACCEPT_LANGUAGE, "en-US"))
            .cookie(actix_web::cookie::Cookie::new(LANG_COOKIE, "ja"))
            .to_http_request();
        assert_eq!(Lang::of(&request), Lang::Ja);
        let request = actix_web::test::TestRequest::default().to_http_request();
        assert_eq!(Lang::of(&request), Lang::Ja);
    }

    #[test]
    fn placeholders_are_filled_and_a_missing_key_shows_itself() {
        let en = Lang::En.messages();
        let missing = "no.such.key";
        assert_eq!(en.msg(missing), missing);
        assert!(
            en.msg_with("login.throttled", &[("seconds", "42")])
                .contains("42")
        );
    }
}
