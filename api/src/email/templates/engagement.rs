//! `check_in`: the monthly question to each side of an engagement, answered with one
//! click (順調 / 相談したい / 終了したい) without logging in.

use super::{
    Rendered,
    layout::{Block, Fact, Letter},
};

/// The three one-click answers of one check-in email (one batch: the first used uses all).
#[derive(Debug, Clone)]
pub struct CheckInLinks {
    /// 順調.
    pub fine: String,
    /// 相談したい.
    pub consult: String,
    /// 終了したい.
    pub end: String,
}

/// What a check-in email says.
#[derive(Debug, Clone, Copy)]
pub struct CheckIn<'a> {
    /// The recipient's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// Which month of the engagement this asks about (1, 2, …).
    pub round: u32,
    /// The agreed last day, as shown (`2027-03-31`).
    pub ends_on: &'a str,
    /// The answers.
    pub links: &'a CheckInLinks,
    /// How long the links work, in days.
    pub valid_days: u32,
}

/// The monthly check-in: how is it going? Support after the match decides whether an
/// engagement succeeds (DOMAIN.md), so the question is short and answered in one click.
pub fn check_in(context: &CheckIn<'_>) -> Rendered {
    let (title, round, days) = (context.need_title, context.round, context.valid_days);
    Letter {
        subject: format!("【Musubi】{round}か月目のご様子伺い：{title}"),
        recipient_name: context.recipient_name,
        region_name: context.region_name,
        blocks: vec![
            Block::Para {
                ja: format!(
                    "「{title}」の取り組みが始まって{round}か月が経ちました。その後のご様子はいかがでしょうか。下のいずれかを一度クリックしてお知らせください（ログインは不要です）。"
                ),
                en: format!(
                    "Month {round} of \"{title}\" is done. How is it going? Click one of the answers below once (no login needed)."
                ),
            },
            Block::Facts(vec![Fact::new(
                "終了予定日",
                "Agreed end",
                context.ends_on,
            )]),
            Block::Link {
                ja: "順調です",
                en: "It is going well",
                url: context.links.fine.clone(),
            },
            Block::Link {
                ja: "相談したいことがあります",
                en: "I would like to talk something over",
                url: context.links.consult.clone(),
            },
            Block::Link {
                ja: "終了したいと考えています",
                en: "I would like to end it",
                url: context.links.end.clone(),
            },
            Block::Para {
                ja: format!(
                    "リンクの有効期限は{days}日で、どれか一つを一度だけお使いいただけます。開いたページでコメントも書き添えられます。相談したい・終了したいとのお答えは、地域人事部のコーディネーターにすぐ伝わります。"
                ),
                en: format!(
                    "The links work for {days} days; one of them, once. The page that opens lets you add a comment. Your coordinator hears at once if you would like to talk or to end it."
                ),
            },
        ],
    }
    .render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_in_carries_its_three_answers() {
        let links = CheckInLinks {
            fine: "https://m.example/check-ins/answer/a".to_owned(),
            consult: "https://m.example/check-ins/answer/b".to_owned(),
            end: "https://m.example/check-ins/answer/c".to_owned(),
        };
        let rendered = check_in(&CheckIn {
            recipient_name: "山田",
            region_name: "塩尻",
            need_title: "EC立ち上げ",
            round: 2,
            ends_on: "2027-03-31",
            links: &links,
            valid_days: 28,
        });
        assert!(rendered.subject.contains("2か月目"));
        for link in [&links.fine, &links.consult, &links.end] {
            assert!(rendered.text.contains(link.as_str()));
            assert!(rendered.html.contains(link.as_str()));
        }
    }
}
