//! The meeting emails: invitation, update, cancellation and the 24-hour reminder, with
//! the time shown in Asia/Tokyo.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Timelike, Utc};
use uuid::Uuid;

use super::{
    Rendered,
    layout::{Block, Fact},
    letter, match_link,
};
/// Online (the location is the call's URL) or on site (fieldwork or a visit,
/// フィールドワーク: the location is an address).
pub use crate::domain::meeting::MeetingMode;
use crate::email::in_tokyo;

/// The meeting emails: invitation, update, cancellation, reminder.
#[derive(Debug, Clone, Copy)]
pub struct MeetingNotice<'a> {
    /// The recipient's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// Who the recipient meets (the other side's name).
    pub with_name: &'a str,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Length.
    pub duration_minutes: u32,
    /// Online or on site.
    pub mode: MeetingMode,
    /// The URL (online) or address (on site).
    pub location_or_url: &'a str,
    /// For an update: the time it had before.
    pub previous_starts_at: Option<DateTime<Utc>>,
    /// For a cancellation: why, if given.
    pub reason: Option<&'a str>,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// A meeting was scheduled (carries a METHOD:REQUEST invitation).
pub fn meeting_invitation(context: &MeetingNotice<'_>) -> Rendered {
    let title = context.need_title;
    let lead = Block::Para {
        ja: format!(
            "「{title}」の面談の日程が決まりましたので、ご案内します。カレンダーの招待状 (.ics) を添付しています。"
        ),
        en: format!(
            "The meeting for \"{title}\" has been scheduled. A calendar invitation (.ics) is attached."
        ),
    };
    meeting_letter(
        format!("【Musubi】面談のご案内：{title}"),
        context,
        lead,
        false,
    )
}

/// A meeting was moved (same UID, higher SEQUENCE).
pub fn meeting_updated(context: &MeetingNotice<'_>) -> Rendered {
    let title = context.need_title;
    let lead = Block::Para {
        ja: format!(
            "「{title}」の面談の日時が変更になりました。新しい日時をご確認ください。更新したカレンダーの招待状を添付しています。"
        ),
        en: format!(
            "The meeting for \"{title}\" has been rescheduled. Please check the new time; an updated calendar invitation is attached."
        ),
    };
    meeting_letter(
        format!("【Musubi】面談日時の変更：{title}"),
        context,
        lead,
        false,
    )
}

/// A meeting was called off (carries a METHOD:CANCEL).
pub fn meeting_cancelled(context: &MeetingNotice<'_>) -> Rendered {
    let title = context.need_title;
    let lead = Block::Para {
        ja: format!(
            "「{title}」の次の面談は中止になりました。お手数ですが、カレンダーから削除してください。"
        ),
        en: format!(
            "The following meeting for \"{title}\" has been cancelled. Please remove it from your calendar."
        ),
    };
    meeting_letter(
        format!("【Musubi】面談中止のお知らせ：{title}"),
        context,
        lead,
        true,
    )
}

/// The reminder, sent 24 hours before the meeting.
pub fn meeting_reminder(context: &MeetingNotice<'_>) -> Rendered {
    let title = context.need_title;
    let lead = Block::Para {
        ja: format!("「{title}」の面談が近づいてまいりました。日時と場所をご確認ください。"),
        en: format!("Your meeting for \"{title}\" is coming up. Please check the time and place."),
    };
    meeting_letter(
        format!("【Musubi】面談のリマインド：{title}"),
        context,
        lead,
        false,
    )
}

fn meeting_letter(
    subject: String,
    context: &MeetingNotice<'_>,
    lead: Block,
    cancelled: bool,
) -> Rendered {
    let (when_ja, when_en) = meeting_time(context.starts_at, context.duration_minutes);
    let mut facts = vec![Fact::new("日時", "When", format!("{when_ja} / {when_en}"))];
    if let Some(previous) = context.previous_starts_at {
        let (was_ja, was_en) = meeting_time(previous, context.duration_minutes);
        facts.push(Fact::new("変更前", "Was", format!("{was_ja} / {was_en}")));
    }
    facts.push(Fact::new("お相手", "With", context.with_name));
    match context.mode {
        MeetingMode::Online => {
            facts.push(Fact::new("形式", "Format", "オンライン / Online"));
            facts.push(Fact::new("URL", "Link", context.location_or_url));
        }
        MeetingMode::Onsite => {
            facts.push(Fact::new("形式", "Format", "現地訪問 / On site"));
            facts.push(Fact::new("場所", "Place", context.location_or_url));
        }
    }
    let mut blocks = vec![lead, Block::Facts(facts)];
    if cancelled && let Some(reason) = context.reason {
        blocks.push(Block::Quote {
            ja_label: "理由",
            en_label: "Reason",
            text: reason.to_owned(),
        });
    }
    blocks.push(Block::Link {
        ja: "Musubiで詳細を見る",
        en: "Open in Musubi",
        url: match_link(context.public_url, context.match_id),
    });
    letter(subject, context.recipient_name, context.region_name, blocks)
}

const WEEKDAYS_JA: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A meeting's time in Asia/Tokyo, in Japanese (`2027年1月15日(金) 19:00–20:00 (JST)`)
/// and in English (`Fri 15 Jan 2027, 19:00–20:00 JST`). A meeting past midnight names
/// the second day too.
pub fn meeting_time(starts_at: DateTime<Utc>, duration_minutes: u32) -> (String, String) {
    let start = in_tokyo(starts_at);
    let end = in_tokyo(starts_at + Duration::minutes(i64::from(duration_minutes)));
    let clock = |at: NaiveDateTime| format!("{}:{:02}", at.hour(), at.minute());
    let date_ja = |at: NaiveDateTime| {
        format!(
            "{}年{}月{}日({})",
            at.year(),
            at.month(),
            at.day(),
            WEEKDAYS_JA[weekday(at)]
        )
    };
    let date_en = |at: NaiveDateTime| {
        let month = MONTHS_EN
            .get(at.month0() as usize)
            .copied()
            .unwrap_or_default();
        format!(
            "{} {} {month} {}",
            WEEKDAYS_EN[weekday(at)],
            at.day(),
            at.year()
        )
    };
    if start.date() == end.date() {
        (
            format!("{} {}–{} (JST)", date_ja(start), clock(start), clock(end)),
            format!("{}, {}–{} JST", date_en(start), clock(start), clock(end)),
        )
    } else {
        (
            format!(
                "{} {}–{} {} (JST)",
                date_ja(start),
                clock(start),
                date_ja(end),
                clock(end)
            ),
            format!(
                "{}, {} – {}, {} JST",
                date_en(start),
                clock(start),
                date_en(end),
                clock(end)
            ),
        )
    }
}

fn weekday(at: NaiveDateTime) -> usize {
    // 0 = Monday … 6 = Sunday, always below 7.
    at.weekday().num_days_from_monday() as usize % 7
}
