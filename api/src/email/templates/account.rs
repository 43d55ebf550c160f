//! Emails about the account itself rather than a region's work, so they are signed by
//! Musubi, not by a region's coordinators.

use super::{Rendered, escape_html};

/// `password_reset`: the link to choose a new password.
#[derive(Debug, Clone, Copy)]
pub struct PasswordReset<'a> {
    /// The account's display name.
    pub recipient_name: &'a str,
    /// The link (`{MUSUBI_PUBLIC_URL}/password-reset?token=…`).
    pub link: &'a str,
    /// How long it works, in minutes.
    pub valid_minutes: u64,
}

/// Someone (we hope the owner) asked to reset the password.
pub fn password_reset(context: &PasswordReset<'_>) -> Rendered {
    let name = context.recipient_name;
    let link = context.link;
    let minutes = context.valid_minutes;
    let paragraphs = [
        (
            "パスワード再設定のご依頼を受け付けました。下のリンクから新しいパスワードを設定してください。".to_owned(),
            "We received a request to reset your password. Choose a new one with the link below.".to_owned(),
        ),
        (
            format!("リンクの有効期限は{minutes}分で、一度だけお使いいただけます。再設定すると、ログイン中のすべての端末からログアウトされます。"),
            format!("The link works once, for {minutes} minutes. Resetting signs you out everywhere you are logged in."),
        ),
        (
            "お心当たりのない場合は、このメールを破棄してください。パスワードは変更されません。".to_owned(),
            "If you did not ask for this, ignore this email: your password stays as it is.".to_owned(),
        ),
    ];
    let mut text = format!("{name} 様\nDear {name},\n");
    for (ja, en) in &paragraphs[..2] {
        text.push_str(&format!("\n{ja}\n{en}\n"));
    }
    text.push_str(&format!(
        "\n▼ パスワードを再設定する (Reset your password)\n{link}\n"
    ));
    let (ja, en) = &paragraphs[2];
    text.push_str(&format!("\n{ja}\n{en}\n"));
    text.push_str(
        "\n--\nMusubi (結び)\nこのメールは送信専用です。\nThis is an automated message.\n",
    );

    let mut html =
        String::from("<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<title>【Musubi】パスワード再設定のご案内</title>\n</head>\n<body style=\"font-family: sans-serif; line-height: 1.7; color: #222;\">\n");
    let name = escape_html(name);
    html.push_str(&format!(
        "<p>{name} 様<br>\n<span lang=\"en\" style=\"color: #555;\">Dear {name},</span></p>\n"
    ));
    let paragraph = |(ja, en): &(String, String)| {
        format!(
            "<p>{}<br>\n<span lang=\"en\" style=\"color: #555;\">{}</span></p>\n",
            escape_html(ja),
            escape_html(en)
        )
    };
    for pair in &paragraphs[..2] {
        html.push_str(&paragraph(pair));
    }
    let link = escape_html(link);
    html.push_str(&format!(
        "<p><a href=\"{link}\">パスワードを再設定する <span lang=\"en\">(Reset your password)</span></a><br>\n<span style=\"color: #555;\">{link}</span></p>\n"
    ));
    html.push_str(&paragraph(&paragraphs[2]));
    html.push_str("<hr>\n<p style=\"color: #555; font-size: 90%;\">Musubi (結び)<br>\nこのメールは送信専用です。<br>\n<span lang=\"en\">This is an automated message.</span></p>\n</body>\n</html>\n");
    Rendered {
        subject: "【Musubi】パスワード再設定のご案内".to_owned(),
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reset_email_has_both_languages_the_link_and_escapes_the_name() {
        let rendered = password_reset(&PasswordReset {
            recipient_name: "山田 <花子>",
            link: "https://musubi.example/password-reset?token=abc&x=1",
            valid_minutes: 30,
        });
        assert!(rendered.subject.starts_with("【Musubi】"));
        assert!(rendered.text.contains("30分") && rendered.text.contains("30 minutes"));
        assert!(
            rendered
                .text
                .contains("https://musubi.example/password-reset?token=abc&x=1")
        );
        assert!(rendered.html.contains("山田 &lt;花子&gt;"));
        assert!(rendered.html.contains("token=abc&amp;x=1"));
    }
}
