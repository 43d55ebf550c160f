//! The one layout every email shares, rendered twice from the same blocks: as plain text
//! and as HTML. Each block carries its Japanese and its English, so no kind of email can
//! forget the English line, and every interpolated value goes through [`escape_html`].

use std::fmt::Write as _;

use super::Rendered;
use crate::domain::text::{MultiLine, SingleLine};

/// A stored value as one line of an email. Names and titles written before the text rules
/// may hold line breaks or other controls; here they cannot add lines or hide text.
fn line(text: &str) -> String {
    SingleLine::neutralise(text)
}

/// A piece of an email body.
pub(super) enum Block {
    /// A paragraph: Japanese, then the English line under it.
    Para { ja: String, en: String },
    /// Labelled values (`■ 日時 (When): …`).
    Facts(Vec<Fact>),
    /// A quoted free text, such as the coordinator's note.
    Quote {
        ja_label: &'static str,
        en_label: &'static str,
        text: String,
    },
    /// A link with its label.
    Link {
        ja: &'static str,
        en: &'static str,
        url: String,
    },
}

/// One labelled value.
pub(super) struct Fact {
    pub ja: &'static str,
    pub en: &'static str,
    pub value: String,
}

impl Fact {
    pub(super) fn new(ja: &'static str, en: &'static str, value: impl Into<String>) -> Self {
        Self {
            ja,
            en,
            value: value.into(),
        }
    }
}

/// A whole email: who it is for, what it says, who signs it.
pub(super) struct Letter<'a> {
    pub subject: String,
    pub recipient_name: &'a str,
    pub region_name: &'a str,
    pub blocks: Vec<Block>,
}

impl Letter<'_> {
    pub(super) fn render(self) -> Rendered {
        Rendered {
            text: self.text(),
            html: self.html(),
            subject: line(&self.subject),
        }
    }

    fn text(&self) -> String {
        let mut out = String::new();
        let name = line(self.recipient_name);
        let _ = writeln!(out, "{name} 様");
        let _ = writeln!(out, "Dear {name},");
        for block in &self.blocks {
            out.push('\n');
            match block {
                Block::Para { ja, en } => {
                    let _ = writeln!(out, "{}", line(ja));
                    let _ = writeln!(out, "{}", line(en));
                }
                Block::Facts(facts) => {
                    for fact in facts {
                        let _ = writeln!(out, "■ {} ({}): {}", fact.ja, fact.en, line(&fact.value));
                    }
                }
                Block::Quote {
                    ja_label,
                    en_label,
                    text,
                } => {
                    let _ = writeln!(out, "▼ {ja_label} ({en_label})");
                    for quoted in MultiLine::neutralise(text).lines() {
                        let _ = writeln!(out, "> {quoted}");
                    }
                }
                Block::Link { ja, en, url } => {
                    let _ = writeln!(out, "▼ {ja} ({en})");
                    let _ = writeln!(out, "{}", line(url));
                }
            }
        }
        out.push('\n');
        out.push_str("--\n");
        let region = line(self.region_name);
        let _ = writeln!(out, "{region} 地域人事部コーディネーター");
        let _ = writeln!(out, "Regional HR coordinators of {region}, via Musubi");
        out.push_str("このメールは送信専用です。ご連絡はMusubiからお願いします。\n");
        out.push_str("This is an automated message; please reply through Musubi.\n");
        out
    }

    fn html(&self) -> String {
        let mut out = String::new();
        out.push_str("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n");
        let _ = writeln!(out, "<title>{}</title>", escape_html(&line(&self.subject)));
        out.push_str(
            "</head>\n<body style=\"font-family: sans-serif; line-height: 1.7; color: #222;\">\n",
        );
        let name = escape_html(&line(self.recipient_name));
        let _ = writeln!(
            out,
            "<p>{name} 様<br>\n<span lang=\"en\" style=\"color: #555;\">Dear {name},</span></p>"
        );
        for block in &self.blocks {
            match block {
                Block::Para { ja, en } => {
                    let _ = writeln!(
                        out,
                        "<p>{}<br>\n<span lang=\"en\" style=\"color: #555;\">{}</span></p>",
                        escape_html(&line(ja)),
                        escape_html(&line(en))
                    );
                }
                Block::Facts(facts) => {
                    out.push_str("<table style=\"border-collapse: collapse;\">\n");
                    for fact in facts {
                        let _ = writeln!(
                            out,
                            "<tr><th style=\"text-align: left; padding: 2px 12px 2px 0; white-space: nowrap;\">{} <span lang=\"en\" style=\"color: #555; font-weight: normal;\">({})</span></th><td>{}</td></tr>",
                            escape_html(fact.ja),
                            escape_html(fact.en),
                            escape_html(&line(&fact.value))
                        );
                    }
                    out.push_str("</table>\n");
                }
                Block::Quote {
                    ja_label,
                    en_label,
                    text,
                } => {
                    let lines: Vec<String> = MultiLine::neutralise(text)
                        .lines()
                        .map(escape_html)
                        .collect();
                    let _ = writeln!(
                        out,
                        "<p>{} <span lang=\"en\" style=\"color: #555;\">({})</span></p>\n<blockquote style=\"border-left: 3px solid #ccc; margin: 0; padding-left: 12px;\">{}</blockquote>",
                        escape_html(ja_label),
                        escape_html(en_label),
                        lines.join("<br>\n")
                    );
                }
                Block::Link { ja, en, url } => {
                    let url = escape_html(&line(url));
                    let _ = writeln!(
                        out,
                        "<p><a href=\"{url}\">{} <span lang=\"en\">({})</span></a><br>\n<span style=\"color: #555;\">{url}</span></p>",
                        escape_html(ja),
                        escape_html(en)
                    );
                }
            }
        }
        let region = escape_html(&line(self.region_name));
        let _ = writeln!(
            out,
            "<hr>\n<p style=\"color: #555; font-size: 90%;\">{region} 地域人事部コーディネーター<br>\n<span lang=\"en\">Regional HR coordinators of {region}, via Musubi</span><br>\nこのメールは送信専用です。ご連絡はMusubiからお願いします。<br>\n<span lang=\"en\">This is an automated message; please reply through Musubi.</span></p>"
        );
        out.push_str("</body>\n</html>\n");
        out
    }
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
