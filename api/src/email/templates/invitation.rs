//! `account_invitation`: a region's coordinators invite a professional they already know
//! (from the region's own lists) to make an account; nothing is made until they accept.

use super::{
    Rendered,
    layout::{Block, Fact, Letter},
};

/// What an invitation says.
#[derive(Debug, Clone, Copy)]
pub struct AccountInvitation<'a> {
    /// The invited person's name, as the coordinator's list spells it.
    pub recipient_name: &'a str,
    /// The inviting region, who signs.
    pub region_name: &'a str,
    /// The profile's one line, as the coordinator filled it in.
    pub headline: &'a str,
    /// `{MUSUBI_PUBLIC_URL}/invitations/{token}`.
    pub link: &'a str,
    /// How long the link works, in days.
    pub valid_days: u64,
}

/// The link to accept an invitation.
pub fn invitation_link(public_url: &str, token: &str) -> String {
    format!("{}/invitations/{token}", public_url.trim_end_matches('/'))
}

/// The invitation: who invites, what was filled in, and that nothing exists until they
/// consent.
pub fn account_invitation(context: &AccountInvitation<'_>) -> Rendered {
    let region = context.region_name;
    let days = context.valid_days;
    Letter {
        subject: format!("【Musubi】{region}の地域人事部からのご招待"),
        recipient_name: context.recipient_name,
        region_name: region,
        blocks: vec![
            Block::Para {
                ja: format!(
                    "{region}の地域人事部コーディネーターが、地域の企業と複業人材を結ぶMusubiへあなたをご招待します。"
                ),
                en: format!(
                    "The regional HR coordinators of {region} invite you to Musubi, which connects local businesses with professionals."
                ),
            },
            Block::Facts(vec![Fact::new(
                "プロフィール",
                "Headline",
                context.headline,
            )]),
            Block::Para {
                ja: "下のリンクから、コーディネーターが用意したプロフィールを確認・修正し、パスワードを設定して同意いただくと、アカウントが作られます。同意いただくまで、アカウントもプロフィールも作られず、企業に紹介されることもありません。".to_owned(),
                en: "With the link below you can review and edit the profile the coordinators prepared, choose a password and consent; only then is your account made. Until you consent, no account or profile exists and you are not shown to any business.".to_owned(),
            },
            Block::Link {
                ja: "招待を確認する",
                en: "Review the invitation",
                url: context.link.to_owned(),
            },
            Block::Para {
                ja: format!(
                    "リンクの有効期限は{days}日で、一度だけお使いいただけます。お心当たりのない場合は、このメールを破棄してください。"
                ),
                en: format!(
                    "The link works once, for {days} days. If this is not for you, ignore this email."
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
    fn the_invitation_names_the_region_and_carries_the_link() {
        let link = invitation_link("https://musubi.example/", "abc");
        assert_eq!(link, "https://musubi.example/invitations/abc");
        let rendered = account_invitation(&AccountInvitation {
            recipient_name: "山田 <花子>",
            region_name: "塩尻市",
            headline: "マーケター",
            link: &link,
            valid_days: 14,
        });
        assert!(rendered.subject.contains("塩尻市"));
        assert!(rendered.text.contains(&link));
        assert!(rendered.text.contains("14日") && rendered.text.contains("14 days"));
        assert!(rendered.html.contains("山田 &lt;花子&gt;"));
    }
}
