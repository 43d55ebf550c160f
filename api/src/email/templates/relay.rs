//! `relay`: the kind relay. When a need stops taking people, each applicant who was not
//! introduced hears from it: thanks, no judgement, and a few open needs ranked for them,
//! each with one line why it fits. The email speaks for the organization of the need
//! but never names the need itself (the recipient knows which it was; the words should
//! turn them towards what is open, not back to what closed).

use super::{Block, Fact, Rendered, letter};

/// One open need suggested in a relay.
#[derive(Debug, Clone)]
pub struct Suggestion<'a> {
    /// Its title.
    pub title: &'a str,
    /// Who posted it.
    pub organization_name: &'a str,
    /// Why it fits, in Japanese.
    pub why_ja: &'a str,
    /// Why it fits, in English.
    pub why_en: &'a str,
    /// Its page.
    pub link: String,
}

/// What a relay says.
#[derive(Debug, Clone)]
pub struct Relay<'a> {
    /// The applicant's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The organization whose need closed (its voice).
    pub organization_name: &'a str,
    /// Up to three open needs, best first.
    pub suggestions: Vec<Suggestion<'a>>,
    /// Where the professional turns relays off (`/me/profile`).
    pub settings_link: String,
}

/// The relay itself.
pub fn relay(context: &Relay<'_>) -> Rendered {
    let organization = context.organization_name;
    let mut blocks = vec![
        Block::Para {
            ja: format!(
                "{organization}の募集にご応募いただき、心より御礼申し上げます。募集枠に限りがあり、今回はご一緒することが叶いませんでした。"
            ),
            en: format!(
                "{organization} thanks you warmly for applying. Its places were few, and this time it could not work with you."
            ),
        },
        Block::Para {
            ja: "これはご経験やお人柄への評価ではありません。募集の時期や枠の数によって、ご縁の形が変わることはよくあります。".to_owned(),
            en: "This is no judgement of your experience or of you: timing and the number of places decide much of who meets whom.".to_owned(),
        },
    ];
    if context.suggestions.is_empty() {
        blocks.push(Block::Para {
            ja: "いまご案内できる募集はありませんが、新しい募集はMusubiでご覧いただけます。"
                .to_owned(),
            en: "No open need fits just now; new ones appear in Musubi.".to_owned(),
        });
    } else {
        blocks.push(Block::Para {
            ja: "あなたのプロフィールと希望に合いそうな、いま募集中の案件をご案内します。"
                .to_owned(),
            en: "Here are open needs that fit your profile and wishes.".to_owned(),
        });
        for suggestion in &context.suggestions {
            blocks.push(Block::Facts(vec![Fact::new(
                "募集",
                "Need",
                format!("{}（{}）", suggestion.title, suggestion.organization_name),
            )]));
            blocks.push(Block::Para {
                ja: format!("合う理由：{}", suggestion.why_ja),
                en: format!("Why it fits: {}", suggestion.why_en),
            });
            blocks.push(Block::Link {
                ja: "募集を見る",
                en: "See the need",
                url: suggestion.link.clone(),
            });
        }
    }
    blocks.push(Block::Para {
        ja: "このご案内が不要な場合は、プロフィールの設定から止められます。".to_owned(),
        en: "You can turn these suggestions off in your profile settings.".to_owned(),
    });
    blocks.push(Block::Link {
        ja: "設定を変更する",
        en: "Change the setting",
        url: context.settings_link.clone(),
    });
    letter(
        format!("【Musubi】{organization}より、ご応募のお礼と募集のご案内"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}
