//! iCalendar invitations (RFC 5545, with the iTIP methods of RFC 5546) for introduction
//! meetings.
//!
//! One meeting keeps one `UID` for its whole life; every change raises its `SEQUENCE`, so
//! calendar software replaces the old entry instead of adding a second one. Times are
//! written in Asia/Tokyo with the zone defined inline (`VTIMEZONE`), because Japanese
//! participants read them that way and Japan has no daylight saving to get wrong.
//!
//! The output obeys the details clients are strict about: CRLF line ends, TEXT escaping
//! (`\\`, `\;`, `\,`, `\n`), and lines folded at 75 octets without splitting a UTF-8
//! character (a Japanese summary is three octets a character).

use chrono::{DateTime, Duration, Utc};

use super::in_tokyo;

/// Our product identifier (`PRODID`).
pub const PRODID: &str = "-//Musubi//Musubi introduction meetings//JA";

/// The zone that times are written in.
pub const TZID: &str = "Asia/Tokyo";

/// A person on the invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    /// Display name (`CN`).
    pub name: String,
    /// Email address (the `mailto:` URI).
    pub email: String,
}

impl Party {
    /// A party from a name and an address.
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            email: email.into(),
        }
    }
}

/// One introduction meeting, as the invitation describes it.
#[derive(Debug, Clone)]
pub struct Meeting {
    /// Stable for the meeting's whole life, e.g. `{meeting id}@musubi`.
    pub uid: String,
    /// The meeting's revision: 0 when first scheduled, one more on every reschedule and on
    /// the cancellation. Calendar software ignores an update whose sequence is not higher.
    pub sequence: u32,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Length.
    pub duration_minutes: u32,
    /// Title (`SUMMARY`).
    pub summary: String,
    /// Free text (`DESCRIPTION`).
    pub description: String,
    /// The address for on-site meetings, the URL for online ones.
    pub location: String,
    /// Who sends the invitation (the coordinator or the SME).
    pub organizer: Party,
    /// Who is invited.
    pub attendees: Vec<Party>,
    /// When this version of the invitation was made (`DTSTAMP`).
    pub stamp: DateTime<Utc>,
}

/// The iTIP method of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new or updated invitation.
    Request,
    /// The meeting is off.
    Cancel,
}

impl Method {
    /// The `METHOD` value (also the `method=` parameter of the MIME part).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
        }
    }
}

/// A `METHOD:REQUEST` invitation: new, or an update of an earlier one with the same UID.
pub fn request(meeting: &Meeting) -> String {
    document(meeting, Method::Request)
}

/// A `METHOD:CANCEL` notice for a meeting sent earlier. Give it the same UID and a
/// higher sequence than the last request.
pub fn cancel(meeting: &Meeting) -> String {
    document(meeting, Method::Cancel)
}

fn document(meeting: &Meeting, method: Method) -> String {
    let mut out = String::with_capacity(2048);
    let mut line = |text: String| fold(&text, &mut out);
    line("BEGIN:VCALENDAR".into());
    line(format!("PRODID:{PRODID}"));
    line("VERSION:2.0".into());
    line("CALSCALE:GREGORIAN".into());
    line(format!("METHOD:{}", method.as_str()));
    // Japan has kept +09:00 all year since 1951; one STANDARD rule describes it fully.
    line("BEGIN:VTIMEZONE".into());
    line(format!("TZID:{TZID}"));
    line("BEGIN:STANDARD".into());
    line("DTSTART:19700101T000000".into());
    line("TZOFFSETFROM:+0900".into());
    line("TZOFFSETTO:+0900".into());
    line("TZNAME:JST".into());
    line("END:STANDARD".into());
    line("END:VTIMEZONE".into());
    line("BEGIN:VEVENT".into());
    line(format!("UID:{}", escape_text(&meeting.uid)));
    line(format!("SEQUENCE:{}", meeting.sequence));
    line(format!(
        "DTSTAMP:{}",
        meeting.stamp.format("%Y%m%dT%H%M%SZ")
    ));
    let ends_at = meeting.starts_at + Duration::minutes(i64::from(meeting.duration_minutes));
    line(format!(
        "DTSTART;TZID={TZID}:{}",
        in_tokyo(meeting.starts_at).format("%Y%m%dT%H%M%S")
    ));
    line(format!(
        "DTEND;TZID={TZID}:{}",
        in_tokyo(ends_at).format("%Y%m%dT%H%M%S")
    ));
    line(format!("SUMMARY:{}", escape_text(&meeting.summary)));
    line(format!("DESCRIPTION:{}", escape_text(&meeting.description)));
    if !meeting.location.trim().is_empty() {
        line(format!("LOCATION:{}", escape_text(&meeting.location)));
    }
    line(format!(
        "ORGANIZER;CN={}:mailto:{}",
        param_value(&meeting.organizer.name),
        uri_text(&meeting.organizer.email)
    ));
    for attendee in &meeting.attendees {
        let reply = match method {
            Method::Request => ";PARTSTAT=NEEDS-ACTION;RSVP=TRUE",
            Method::Cancel => "",
        };
        line(format!(
            "ATTENDEE;CN={};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT{reply}:mailto:{}",
            param_value(&attendee.name),
            uri_text(&attendee.email)
        ));
    }
    line(
        match method {
            Method::Request => "STATUS:CONFIRMED",
            Method::Cancel => "STATUS:CANCELLED",
        }
        .into(),
    );
    line("TRANSP:OPAQUE".into());
    line("END:VEVENT".into());
    line("END:VCALENDAR".into());
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks;
/// other control characters are dropped, as TEXT may not hold them.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (`CN=`): quoted, since names hold spaces, commas and colons;
/// a quoted value may not contain `"` or control characters, so those are dropped.
fn param_value(text: &str) -> String {
    let clean: String = text
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// An address inside a `mailto:` URI, without anything that could break the line.
fn uri_text(address: &str) -> String {
    address
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect()
}

/// Appends one content line, folded (RFC 5545 §3.1): no physical line is longer than 75
/// octets, a continuation starts with one space (which counts towards its 75), and a cut
/// never falls inside a UTF-8 character.
pub fn fold(line: &str, out: &mut String) {
    const FIRST: usize = 75;
    const CONTINUATION: usize = 74;
    let mut rest = line;
    let mut limit = FIRST;
    while rest.len() > limit {
        let mut cut = limit;
        // A UTF-8 character is at most 4 octets, so this stops within 3 steps.
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n ");
        rest = &rest[cut..];
        limit = CONTINUATION;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// Undoes [`fold`]: for tests and for reading a document back.
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn meeting() -> Meeting {
        Meeting {
            uid: "0193a5c6-0000-7000-8000-000000000001@musubi".to_owned(),
            sequence: 1,
            starts_at: Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap(),
            duration_minutes: 60,
            summary: "【面談】塩尻市 シティプロモーション CMO（マーケティング責任者）: 山田 花子 さんとのオンライン面談".to_owned(),
            description: "議題: 仕様書の確認, 稼働時間; 報酬\n2行目 \\ バックスラッシュ".to_owned(),
            location: "https://meet.example.jp/abc-defg-hij".to_owned(),
            organizer: Party::new("塩尻市 地域人事部, コーディネーター", "coordinator@shiojiri.example.jp"),
            attendees: vec![
                Party::new("山田 花子", "hanako@example.jp"),
                Party::new("塩尻漆器店 \"代表\"", "owner@urushi.example.jp"),
            ],
            stamp: Utc.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap(),
        }
    }

    #[test]
    fn folding_keeps_lines_within_75_octets_and_never_splits_a_character() {
        let line = format!("SUMMARY:{}", "塩尻の漆器をECで全国へ、".repeat(12));
        let mut out = String::new();
        fold(&line, &mut out);
        assert!(out.ends_with("\r\n"));
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert!(physical.len() > 5, "{physical:?}");
        for (index, piece) in physical.iter().enumerate() {
            assert!(piece.len() <= 75, "line {index} has {} octets", piece.len());
            assert_eq!(
                index > 0,
                piece.starts_with(' '),
                "continuations start with one space"
            );
        }
        // Each piece is a &str, so no character was cut; and nothing was lost.
        assert_eq!(unfold(&out).trim_end_matches("\r\n"), line);
    }

    #[test]
    fn a_short_line_is_not_folded() {
        let mut out = String::new();
        fold(&"A".repeat(75), &mut out);
        assert_eq!(out, format!("{}\r\n", "A".repeat(75)));
        let mut out = String::new();
        fold(&"A".repeat(76), &mut out);
        assert_eq!(out, format!("{}\r\n A\r\n", "A".repeat(75)));
    }

    #[test]
    fn text_escaping_covers_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("a,b;c\\d\ne\r\nf\rg"),
            "a\\,b\\;c\\\\d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("ベル\u{7}を鳴らす"), "ベルを鳴らす");
        assert_eq!(
            escape_text("https://x.example/a:b"),
            "https://x.example/a:b"
        );
    }

    #[test]
    fn a_request_has_crlf_lines_the_itip_fields_and_tokyo_times() {
        let text = request(&meeting());
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(text.split("\r\n").all(|line| line.len() <= 75));
        let unfolded = unfold(&text);
        for expected in [
            "METHOD:REQUEST",
            "VERSION:2.0",
            "UID:0193a5c6-0000-7000-8000-000000000001@musubi",
            "SEQUENCE:1",
            "DTSTAMP:20270102T030405Z",
            "DTSTART;TZID=Asia/Tokyo:20270115T190000",
            "DTEND;TZID=Asia/Tokyo:20270115T200000",
            "STATUS:CONFIRMED",
            "ORGANIZER;CN=\"塩尻市 地域人事部, コーディネーター\":mailto:coordinator@shiojiri.example.jp",
            "ATTENDEE;CN=\"山田 花子\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:hanako@example.jp",
            "ATTENDEE;CN=\"塩尻漆器店 代表\";",
            "DESCRIPTION:議題: 仕様書の確認\\, 稼働時間\\; 報酬\\n2行目 \\\\ バックスラッシュ",
        ] {
            assert!(
                unfolded.contains(expected),
                "missing {expected:?} in\n{unfolded}"
            );
        }
    }

    #[test]
    fn a_cancel_keeps_the_uid_and_says_cancelled() {
        let mut cancelled = meeting();
        cancelled.sequence = 2;
        let text = unfold(&cancel(&cancelled));
        assert!(text.contains("METHOD:CANCEL\r\n"));
        assert!(text.contains("STATUS:CANCELLED\r\n"));
        assert!(text.contains("SEQUENCE:2\r\n"));
        assert!(text.contains("UID:0193a5c6-0000-7000-8000-000000000001@musubi\r\n"));
        assert!(!text.contains("RSVP"));
    }

    #[test]
    fn the_icalendar_parser_reads_the_invitation_back() {
        let text = request(&meeting());
        let unfolded = icalendar::parser::unfold(&text);
        let calendar = icalendar::parser::read_calendar(&unfolded).unwrap();
        let prop = |props: &[icalendar::parser::Property<'_>], name: &str| {
            props
                .iter()
                .find(|p| p.name == name)
                .map(|p| p.val.as_str().to_owned())
        };
        assert_eq!(
            prop(&calendar.properties, "METHOD").as_deref(),
            Some("REQUEST")
        );
        assert_eq!(
            prop(&calendar.properties, "VERSION").as_deref(),
            Some("2.0")
        );
        let names: Vec<&str> = calendar
            .components
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["VTIMEZONE", "VEVENT"]);
        let event = &calendar.components[1];
        assert_eq!(prop(&event.properties, "SEQUENCE").as_deref(), Some("1"));
        assert_eq!(
            prop(&event.properties, "UID").as_deref(),
            Some("0193a5c6-0000-7000-8000-000000000001@musubi")
        );
        let attendees = event
            .properties
            .iter()
            .filter(|p| p.name == "ATTENDEE")
            .count();
        assert_eq!(attendees, 2);

        // And the typed model agrees, with the summary unescaped and unfolded intact.
        let typed: icalendar::Calendar = text.parse().unwrap();
        let event = typed.components.iter().find_map(|c| c.as_event()).unwrap();
        use icalendar::Component;
        assert_eq!(event.get_summary(), Some(meeting().summary.as_str()));
        assert_eq!(
            event.get_description(),
            Some(meeting().description.as_str())
        );
        assert_eq!(
            event.get_uid(),
            Some("0193a5c6-0000-7000-8000-000000000001@musubi")
        );
        assert!(event.get_start().is_some() && event.get_end().is_some());
    }
}
