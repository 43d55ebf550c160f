//! The emails of proposed meeting times: the times offered to the professional (one
//! one-click link each, and one for "none of these work"), the proposer told that
//! other times are wanted, and the coordinators told that an answer is long overdue.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    Rendered,
    layout::{Block, Fact},
    letter, match_link,
    meeting::meeting_time,
};
use crate::domain::meeting::MeetingMode;
pub use crate::domain::proposal::OwedBy;

const OPTION_JA: [&str; 3] = ["候補1", "候補2", "候補3"];
const OPTION_EN: [&str; 3] = ["Option 1", "Option 2", "Option 3"];

/// One proposed time and the link that confirms it.
#[derive(Debug, Clone)]
pub struct OfferedTime {
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// The one-click link.
    pub url: String,
}

/// `meeting_proposal`: the times proposed, to the professional.
#[derive(Debug, Clone)]
pub struct MeetingProposal<'a> {
    /// The recipient's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// Who proposes (the organization's name).
    pub with_name: &'a str,
    /// The times, in the order given (at most three).
    pub times: Vec<OfferedTime>,
    /// Length.
    pub duration_minutes: u32,
    /// Online or on site.
    pub mode: MeetingMode,
    /// The URL (online) or address (on site).
    pub location_or_url: &'a str,
    /// The link that asks for other times.
    pub none_url: String,
    /// When the links stop working.
    pub answer_by: DateTime<Utc>,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// The proposed times, each with a link that confirms it without logging in.
pub fn meeting_proposal(context: &MeetingProposal<'_>) -> Rendered {
    let title = context.need_title;
    let answer_by = crate::email::in_tokyo(context.answer_by);
    let by_ja = answer_by.format("%Y年%-m月%-d日 %H:%M (JST)").to_string();
    let by_en = answer_by.format("%Y-%m-%d %H:%M JST").to_string();
    let mut blocks = vec![
        Block::Para {
            ja: format!(
                "「{title}」の面談について、{}様から候補日時のご提案がありました。ご都合のよい日時のリンクを押すと、その日時で確定し、全員にカレンダーの招待状をお送りします（ログインは不要です）。",
                context.with_name
            ),
            en: format!(
                "{} has proposed times for the meeting about \"{title}\". Follow the link of the time that suits you: it confirms that time and sends everyone a calendar invitation (no login needed).",
                context.with_name
            ),
        },
        Block::Facts(vec![
            Fact::new("お相手", "With", context.with_name),
            Fact::new(
                "所要時間",
                "Length",
                format!(
                    "{}分 / {} min",
                    context.duration_minutes, context.duration_minutes
                ),
            ),
            match context.mode {
                MeetingMode::Online => Fact::new("形式", "Format", "オンライン / Online"),
                MeetingMode::Onsite => Fact::new("形式", "Format", "現地訪問 / On site"),
            },
            match context.mode {
                MeetingMode::Online => Fact::new("URL", "Link", context.location_or_url),
                MeetingMode::Onsite => Fact::new("場所", "Place", context.location_or_url),
            },
        ]),
    ];
    for (index, offered) in context.times.iter().enumerate().take(OPTION_JA.len()) {
        let (when_ja, when_en) = meeting_time(offered.starts_at, context.duration_minutes);
        blocks.push(Block::Facts(vec![Fact::new(
            OPTION_JA[index],
            OPTION_EN[index],
            format!("{when_ja} / {when_en}"),
        )]));
        blocks.push(Block::Link {
            ja: "この日時で確定する",
            en: "Confirm this time",
            url: offered.url.clone(),
        });
    }
    blocks.push(Block::Link {
        ja: "どの日時も都合が合わない（別の候補を依頼する）",
        en: "None of these work (ask for other times)",
        url: context.none_url.clone(),
    });
    blocks.push(Block::Para {
        ja: format!(
            "リンクは一度だけ使えます。{by_ja}まで有効です。Musubiの紹介ページからも選べます。"
        ),
        en: format!(
            "The links work once, until {by_en}. You can also choose on the match page in Musubi."
        ),
    });
    blocks.push(Block::Link {
        ja: "Musubiで詳細を見る",
        en: "Open in Musubi",
        url: match_link(context.public_url, context.match_id),
    });
    letter(
        format!("【Musubi】面談日時のご提案：{title}"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}

/// `meeting_times_declined`: none of the proposed times suits the professional.
#[derive(Debug, Clone, Copy)]
pub struct TimesDeclined<'a> {
    /// The recipient's name (the proposer).
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// The professional's name.
    pub with_name: &'a str,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// Asks the proposer for other times.
pub fn meeting_times_declined(context: &TimesDeclined<'_>) -> Rendered {
    let title = context.need_title;
    let blocks = vec![
        Block::Para {
            ja: format!(
                "「{title}」の面談について、{}様からご提案のどの日時も都合が合わないとのご連絡がありました。お手数ですが、別の候補日時をご提案ください。",
                context.with_name
            ),
            en: format!(
                "{} let us know that none of the proposed times for the meeting about \"{title}\" work. Please propose other times.",
                context.with_name
            ),
        },
        Block::Link {
            ja: "Musubiで別の候補を提案する",
            en: "Propose other times in Musubi",
            url: match_link(context.public_url, context.match_id),
        },
    ];
    letter(
        format!("【Musubi】別の候補日時のお願い：{title}"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}

/// `reply_escalation`: the second nudge, to the region's coordinators.
#[derive(Debug, Clone, Copy)]
pub struct ReplyEscalation<'a> {
    /// The coordinator's name.
    pub recipient_name: &'a str,
    /// The region.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// Who has not answered.
    pub owed_by: OwedBy,
    /// Their name (the professional's or the organization's).
    pub who: &'a str,
    /// Days without an answer.
    pub days: u32,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// Tells the coordinators an answer is a week overdue, so they can step in.
pub fn reply_escalation(context: &ReplyEscalation<'_>) -> Rendered {
    let (title, days, who) = (context.need_title, context.days, context.who);
    let (ja, en) = match context.owed_by {
        OwedBy::Professional => (
            format!(
                "「{title}」で、{who}様からのお返事が{days}日間ありません。3日目にお送りした催促にもお返事がないため、お声がけをお願いします。"
            ),
            format!(
                "{who} has not answered about \"{title}\" for {days} days, despite the reminder on day 3. Please get in touch with them."
            ),
        ),
        OwedBy::Organization => (
            format!(
                "「{title}」のご紹介から{days}日間、{who}様から面談日程のご連絡がありません。3日目の催促にも動きがないため、お声がけをお願いします。"
            ),
            format!(
                "{who} has not moved the introduction for \"{title}\" towards a meeting for {days} days, despite the reminder on day 3. Please get in touch with them."
            ),
        ),
    };
    let blocks = vec![
        Block::Para { ja, en },
        Block::Link {
            ja: "Musubiで確認する",
            en: "Open in Musubi",
            url: match_link(context.public_url, context.match_id),
        },
    ];
    letter(
        format!("【Musubi】返信が滞っているご紹介：{title}"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_proposal_lists_each_time_with_its_own_link_and_the_none_link() {
        let urls = [
            "https://musubi.example.jp/meetings/choose/aaa",
            "https://musubi.example.jp/meetings/choose/bbb",
        ];
        let rendered = meeting_proposal(&MeetingProposal {
            recipient_name: "山田 花子",
            region_name: "塩尻市",
            need_title: "CMO <募集>",
            with_name: "丸山漆器",
            times: vec![
                OfferedTime {
                    starts_at: at("2027-01-15T19:00:00+09:00"),
                    url: urls[0].to_owned(),
                },
                OfferedTime {
                    starts_at: at("2027-01-16T10:00:00+09:00"),
                    url: urls[1].to_owned(),
                },
            ],
            duration_minutes: 60,
            mode: MeetingMode::Online,
            location_or_url: "https://meet.example.jp/abc",
            none_url: "https://musubi.example.jp/meetings/choose/ccc".to_owned(),
            answer_by: at("2027-01-16T10:00:00+09:00"),
            public_url: "https://musubi.example.jp",
            match_id: Uuid::nil(),
        });
        assert_eq!(rendered.subject, "【Musubi】面談日時のご提案：CMO <募集>");
        let text = &rendered.text;
        let first = text.find("2027年1月15日(金) 19:00–20:00 (JST)").unwrap();
        let first_link = text.find(urls[0]).unwrap();
        let second = text.find("2027年1月16日(土) 10:00–11:00 (JST)").unwrap();
        let second_link = text.find(urls[1]).unwrap();
        assert!(
            first < first_link && first_link < second && second < second_link,
            "each time, then its link: {text}"
        );
        assert!(text.contains("None of these work") && text.contains("/choose/ccc"));
        assert!(text.contains("2027-01-16 10:00 JST"), "{text}");
        assert!(rendered.html.contains("CMO &lt;募集&gt;"));
        assert!(rendered.html.contains(&format!("href=\"{}\"", urls[1])));
    }
}
