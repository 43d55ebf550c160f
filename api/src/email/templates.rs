//! The emails Musubi sends: one function per kind, each taking a small context and
//! returning the subject, the plain text and the HTML.
//!
//! Subjects are Japanese and start with `【Musubi】`; every paragraph of the body has an
//! English line under the Japanese; the wording is polite (です・ます) and signed by the
//! region's 地域人事部コーディネーター. Times are shown in Asia/Tokyo.

mod account;
mod engagement;
mod invitation;
mod layout;
mod meeting;
mod proposal;
mod relay;

pub use account::{PasswordReset, password_reset};
pub use engagement::{CheckIn, CheckInLinks, check_in};
pub use invitation::{AccountInvitation, account_invitation, invitation_link};
pub use layout::escape_html;
use layout::{Block, Fact, Letter};
pub use meeting::{
    MeetingMode, MeetingNotice, meeting_cancelled, meeting_invitation, meeting_reminder,
    meeting_time, meeting_updated,
};
pub use proposal::{
    MeetingProposal, OfferedTime, OwedBy, ReplyEscalation, TimesDeclined, meeting_proposal,
    meeting_times_declined, reply_escalation,
};
pub use relay::{Relay, Suggestion, relay};
use uuid::Uuid;

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject (Japanese).
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body; every interpolated value is escaped.
    pub html: String,
}

/// The link to a match in Musubi, where the recipient acts on it.
pub fn match_link(public_url: &str, match_id: Uuid) -> String {
    format!("{}/matches/{match_id}", public_url.trim_end_matches('/'))
}

/// Who the recipient of an introduction is being introduced to.
#[derive(Debug, Clone, Copy)]
pub enum Counterpart<'a> {
    /// Sent to the SME: the professional, with the headline of their profile.
    Professional {
        /// Their name.
        name: &'a str,
        /// Their email.
        email: &'a str,
        /// Their profile's headline.
        headline: &'a str,
    },
    /// Sent to the professional: the organization and the person to talk to there.
    Organization {
        /// The organization's name.
        name: &'a str,
        /// The contact person's name.
        contact_name: &'a str,
        /// The contact person's email.
        email: &'a str,
    },
}

/// `introduction`: both sides of a match receive one, each with the other's contact.
#[derive(Debug, Clone, Copy)]
pub struct Introduction<'a> {
    /// The recipient's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// The other side.
    pub counterpart: Counterpart<'a>,
    /// The coordinator's note, if any.
    pub note: Option<&'a str>,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// An introduction: the other side's name and email (and, for the SME, the professional's
/// headline; for the professional, the organization).
pub fn introduction(context: &Introduction<'_>) -> Rendered {
    let title = context.need_title;
    let (para, facts) = match context.counterpart {
        Counterpart::Professional {
            name,
            email,
            headline,
        } => (
            Block::Para {
                ja: format!(
                    "「{title}」について、地域人事部のコーディネーターから複業人材の方をご紹介します。ご本人へ直接ご連絡のうえ、最初の面談の日程をご相談ください。"
                ),
                en: format!(
                    "Your regional coordinator introduces a professional for \"{title}\". Please contact them directly to arrange a first meeting."
                ),
            },
            vec![
                Fact::new("お名前", "Name", name),
                Fact::new("メール", "Email", email),
                Fact::new("プロフィール", "Headline", headline),
            ],
        ),
        Counterpart::Organization {
            name,
            contact_name,
            email,
        } => (
            Block::Para {
                ja: format!(
                    "「{title}」について、募集元の{name}様をご紹介します。ご担当者様からご連絡がありますので、面談の日程をご相談ください。"
                ),
                en: format!(
                    "Your regional coordinator introduces you to {name} for \"{title}\". Their contact person will get in touch to arrange a first meeting."
                ),
            },
            vec![
                Fact::new("団体", "Organization", name),
                Fact::new("ご担当者", "Contact", contact_name),
                Fact::new("メール", "Email", email),
            ],
        ),
    };
    let mut blocks = vec![para, Block::Facts(facts)];
    push_note(&mut blocks, context.note);
    blocks.push(Block::Link {
        ja: "Musubiで詳細を見る",
        en: "Open in Musubi",
        url: match_link(context.public_url, context.match_id),
    });
    letter(
        format!("【Musubi】ご紹介のお知らせ：{title}"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}

/// `scout_invitation`: a coordinator proposes a need to a professional who did not apply.
#[derive(Debug, Clone, Copy)]
pub struct ScoutInvitation<'a> {
    /// The professional's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// `sme` or `municipality`.
    pub organization_kind: &'a str,
    /// The organization's city.
    pub city: &'a str,
    /// The coordinator's note, if any.
    pub note: Option<&'a str>,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match (status `proposed`).
    pub match_id: Uuid,
}

/// A scout invitation. It names the kind and city of the organization only: no contact is
/// shared before the professional accepts.
pub fn scout_invitation(context: &ScoutInvitation<'_>) -> Rendered {
    let title = context.need_title;
    let (kind_ja, kind_en) = organization_kind(context.organization_kind);
    let city = context.city;
    let mut blocks = vec![
        Block::Para {
            ja: format!("{city}の{kind_ja}が募集している「{title}」に、地域人事部のコーディネーターがあなたをおすすめしたいと考えています。"),
            en: format!("A regional coordinator would like to recommend you for \"{title}\", posted by a {kind_en} in {city}."),
        },
        Block::Para {
            ja: "ご興味があれば、下のリンクから承諾してください。承諾いただくまで、先方にお名前や連絡先はお伝えしません。".to_owned(),
            en: "If you are interested, please accept through the link below. Your name and contact details are not shared until you accept.".to_owned(),
        },
    ];
    push_note(&mut blocks, context.note);
    blocks.push(Block::Link {
        ja: "承諾・辞退はこちら",
        en: "Accept or decline",
        url: match_link(context.public_url, context.match_id),
    });
    letter(
        format!("【Musubi】スカウトのご案内：{title}"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}

/// What a nudge asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NudgeAbout {
    /// A scouted professional has not accepted or declined the invitation.
    Invitation,
    /// An SME has not followed up an introduction.
    Introduction,
}

/// `nudge`: one reminder when someone has not answered in a few days.
#[derive(Debug, Clone, Copy)]
pub struct Nudge<'a> {
    /// The recipient's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// What is waiting for an answer.
    pub about: NudgeAbout,
    /// Days since the first email.
    pub days: u32,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// A gentle reminder: slow replies are the most common way a match is lost.
pub fn nudge(context: &Nudge<'_>) -> Rendered {
    let (title, days) = (context.need_title, context.days);
    let para = match context.about {
        NudgeAbout::Invitation => Block::Para {
            ja: format!(
                "「{title}」のスカウトのご案内から{days}日が経ちました。ご興味があれば承諾を、難しい場合は辞退をお知らせいただけますと幸いです。"
            ),
            en: format!(
                "It has been {days} days since we invited you to \"{title}\". Please accept or decline when you have a moment."
            ),
        },
        NudgeAbout::Introduction => Block::Para {
            ja: format!(
                "「{title}」でのご紹介から{days}日が経ちました。お相手へのご連絡や面談日程のご相談はお済みでしょうか。"
            ),
            en: format!(
                "It has been {days} days since the introduction for \"{title}\". Have you been in touch to arrange a meeting?"
            ),
        },
    };
    let blocks = vec![
        para,
        Block::Link {
            ja: "Musubiで確認する",
            en: "Open in Musubi",
            url: match_link(context.public_url, context.match_id),
        },
    ];
    letter(
        format!("【Musubi】ご返信のお願い：{title}"),
        context.recipient_name,
        context.region_name,
        blocks,
    )
}

/// `declined` and `cancelled`: a match ended before it came to anything.
#[derive(Debug, Clone, Copy)]
pub struct Closed<'a> {
    /// The recipient's name.
    pub recipient_name: &'a str,
    /// The region whose coordinators sign.
    pub region_name: &'a str,
    /// The need's title.
    pub need_title: &'a str,
    /// The reason given, if any.
    pub reason: Option<&'a str>,
    /// `MUSUBI_PUBLIC_URL`.
    pub public_url: &'a str,
    /// The match.
    pub match_id: Uuid,
}

/// One side declined. Kindly worded: most matches end this way.
pub fn declined(context: &Closed<'_>) -> Rendered {
    let title = context.need_title;
    closed_letter(
        format!("【Musubi】ご辞退のお知らせ：{title}"),
        context,
        Block::Para {
            ja: format!(
                "「{title}」のご紹介は、辞退のご連絡があったため終了となりました。ご検討いただきありがとうございました。"
            ),
            en: format!(
                "The introduction for \"{title}\" has ended because it was declined. Thank you for your time."
            ),
        },
    )
}

/// The match was cancelled (by a coordinator, or because one side left).
pub fn cancelled(context: &Closed<'_>) -> Rendered {
    let title = context.need_title;
    closed_letter(
        format!("【Musubi】ご紹介中止のお知らせ：{title}"),
        context,
        Block::Para {
            ja: format!(
                "「{title}」のご紹介は中止となりました。ご迷惑をおかけし申し訳ございません。"
            ),
            en: format!(
                "The introduction for \"{title}\" has been cancelled. We apologise for the inconvenience."
            ),
        },
    )
}

fn closed_letter(subject: String, context: &Closed<'_>, lead: Block) -> Rendered {
    let mut blocks = vec![lead];
    if let Some(reason) = context.reason.filter(|reason| !reason.trim().is_empty()) {
        blocks.push(Block::Quote {
            ja_label: "理由",
            en_label: "Reason",
            text: reason.to_owned(),
        });
    }
    blocks.push(Block::Para {
        ja: "また別の機会にご縁をおつなぎできれば幸いです。".to_owned(),
        en: "We hope to introduce you to another opportunity soon.".to_owned(),
    });
    blocks.push(Block::Link {
        ja: "Musubiで詳細を見る",
        en: "Open in Musubi",
        url: match_link(context.public_url, context.match_id),
    });
    letter(subject, context.recipient_name, context.region_name, blocks)
}

fn letter(
    subject: String,
    recipient_name: &str,
    region_name: &str,
    blocks: Vec<Block>,
) -> Rendered {
    Letter {
        subject,
        recipient_name,
        region_name,
        blocks,
    }
    .render()
}

fn push_note(blocks: &mut Vec<Block>, note: Option<&str>) {
    if let Some(note) = note.filter(|note| !note.trim().is_empty()) {
        blocks.push(Block::Quote {
            ja_label: "コーディネーターより",
            en_label: "From your coordinator",
            text: note.to_owned(),
        });
    }
}

fn organization_kind(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "municipality" => ("自治体", "municipality"),
        _ => ("企業", "company"),
    }
}

#[cfg(test)]
mod tests;
