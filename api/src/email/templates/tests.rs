use chrono::{DateTime, TimeZone, Utc};

use super::*;

const MATCH: Uuid = Uuid::from_u128(0x0193_a5c6_0000_7000_8000_0000_0000_0001);

fn meeting(starts_at: DateTime<Utc>) -> MeetingNotice<'static> {
    MeetingNotice {
        recipient_name: "山田 花子",
        region_name: "塩尻市",
        need_title: "塩尻市 シティプロモーション CMO",
        with_name: "塩尻市役所 シティプロモーション課",
        starts_at,
        duration_minutes: 60,
        mode: MeetingMode::Online,
        location_or_url: "https://meet.example.jp/abc?x=1&y=2",
        previous_starts_at: None,
        reason: None,
        public_url: "https://musubi.example.jp/",
        match_id: MATCH,
    }
}

#[test]
fn meeting_times_are_shown_in_tokyo_with_the_japanese_weekday() {
    // 10:00 UTC is 19:00 in Tokyo, on a Friday.
    let starts_at = Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap();
    let (ja, en) = meeting_time(starts_at, 60);
    assert_eq!(ja, "2027年1月15日(金) 19:00–20:00 (JST)");
    assert_eq!(en, "Fri 15 Jan 2027, 19:00–20:00 JST");
    // 14:30 UTC is 23:30 in Tokyo: the end falls on Saturday.
    let late = Utc.with_ymd_and_hms(2027, 1, 15, 14, 30, 0).unwrap();
    assert_eq!(
        meeting_time(late, 90).0,
        "2027年1月15日(金) 23:30–2027年1月16日(土) 1:00 (JST)"
    );
}

#[test]
fn an_invitation_has_the_pinned_subject_and_english_under_the_japanese() {
    let rendered = meeting_invitation(&meeting(
        Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap(),
    ));
    assert_eq!(
        rendered.subject,
        "【Musubi】面談のご案内：塩尻市 シティプロモーション CMO"
    );
    let text = &rendered.text;
    assert!(
        text.starts_with("山田 花子 様\nDear 山田 花子,\n"),
        "{text}"
    );
    assert!(text.contains("カレンダーの招待状 (.ics) を添付しています。\nThe meeting for \"塩尻市 シティプロモーション CMO\" has been scheduled."), "{text}");
    assert!(
        text.contains(
            "■ 日時 (When): 2027年1月15日(金) 19:00–20:00 (JST) / Fri 15 Jan 2027, 19:00–20:00 JST"
        ),
        "{text}"
    );
    assert!(
        text.contains("■ 形式 (Format): オンライン / Online"),
        "{text}"
    );
    assert!(
        text.contains("https://musubi.example.jp/matches/0193a5c6-0000-7000-8000-000000000001"),
        "{text}"
    );
    assert!(text.contains("塩尻市 地域人事部コーディネーター"), "{text}");
    assert!(
        rendered.html.contains("<span lang=\"en\""),
        "{}",
        rendered.html
    );
    // The URL's & is escaped in the HTML and left alone in the text.
    assert!(
        rendered
            .html
            .contains("https://meet.example.jp/abc?x=1&amp;y=2")
    );
    assert!(text.contains("https://meet.example.jp/abc?x=1&y=2"));
}

#[test]
fn every_interpolated_value_is_escaped_in_html() {
    let hostile = "<script>alert('x')</script> & \"co\"";
    let rendered = introduction(&Introduction {
        recipient_name: hostile,
        region_name: hostile,
        need_title: hostile,
        counterpart: Counterpart::Professional {
            name: hostile,
            email: "a@example.jp",
            headline: hostile,
        },
        note: Some(hostile),
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    });
    assert!(!rendered.html.contains("<script>"), "{}", rendered.html);
    assert!(
        rendered
            .html
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;co&quot;")
    );
    assert!(
        rendered.text.contains(hostile),
        "text is not HTML and stays as written"
    );
}

#[test]
fn an_introduction_to_the_sme_gives_the_professionals_contact_and_headline() {
    let rendered = introduction(&Introduction {
        recipient_name: "塩尻漆器店 代表",
        region_name: "塩尻市",
        need_title: "ECサイト立ち上げのCMO",
        counterpart: Counterpart::Professional {
            name: "山田 花子",
            email: "hanako@example.jp",
            headline: "元大手メーカーのマーケター",
        },
        note: Some("週末の面談をご希望です。"),
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    });
    assert_eq!(
        rendered.subject,
        "【Musubi】ご紹介のお知らせ：ECサイト立ち上げのCMO"
    );
    for expected in [
        "■ お名前 (Name): 山田 花子",
        "■ メール (Email): hanako@example.jp",
        "■ プロフィール (Headline): 元大手メーカーのマーケター",
        "> 週末の面談をご希望です。",
        "Please contact them directly",
    ] {
        assert!(
            rendered.text.contains(expected),
            "missing {expected:?} in\n{}",
            rendered.text
        );
    }
}

#[test]
fn an_introduction_to_the_professional_names_the_organization() {
    let rendered = introduction(&Introduction {
        recipient_name: "山田 花子",
        region_name: "塩尻市",
        need_title: "ECサイト立ち上げのCMO",
        counterpart: Counterpart::Organization {
            name: "塩尻漆器店",
            contact_name: "木曽 太郎",
            email: "owner@urushi.example.jp",
        },
        note: None,
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    });
    assert!(rendered.text.contains("■ 団体 (Organization): 塩尻漆器店"));
    assert!(
        rendered
            .text
            .contains("■ メール (Email): owner@urushi.example.jp")
    );
    assert!(
        !rendered.text.contains("コーディネーターより"),
        "no empty note block"
    );
}

#[test]
fn a_scout_invitation_shares_no_contact_of_the_organization() {
    let rendered = scout_invitation(&ScoutInvitation {
        recipient_name: "山田 花子",
        region_name: "塩尻市",
        need_title: "シティプロモーション CMO",
        organization_kind: "municipality",
        city: "塩尻市",
        note: None,
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    });
    assert_eq!(
        rendered.subject,
        "【Musubi】スカウトのご案内：シティプロモーション CMO"
    );
    assert!(rendered.text.contains("塩尻市の自治体が募集している"));
    assert!(rendered.text.contains("posted by a municipality in 塩尻市"));
    assert!(rendered.text.contains("not shared until you accept"));
    assert!(
        !rendered.text.contains('@'),
        "no address in a scout invitation: {}",
        rendered.text
    );
}

#[test]
fn updates_show_the_old_time_and_cancellations_the_reason() {
    let mut notice = meeting(Utc.with_ymd_and_hms(2027, 1, 16, 1, 0, 0).unwrap());
    notice.previous_starts_at = Some(Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap());
    notice.mode = MeetingMode::Onsite;
    notice.location_or_url = "長野県塩尻市大門七番町3-3";
    let updated = meeting_updated(&notice);
    assert_eq!(
        updated.subject,
        "【Musubi】面談日時の変更：塩尻市 シティプロモーション CMO"
    );
    assert!(
        updated
            .text
            .contains("■ 日時 (When): 2027年1月16日(土) 10:00–11:00 (JST)"),
        "{}",
        updated.text
    );
    assert!(
        updated
            .text
            .contains("■ 変更前 (Was): 2027年1月15日(金) 19:00–20:00 (JST)"),
        "{}",
        updated.text
    );
    assert!(
        updated
            .text
            .contains("■ 場所 (Place): 長野県塩尻市大門七番町3-3")
    );
    notice.reason = Some("先方のご都合により");
    let cancelled = meeting_cancelled(&notice);
    assert!(
        cancelled
            .subject
            .starts_with("【Musubi】面談中止のお知らせ")
    );
    assert!(cancelled.text.contains("> 先方のご都合により"));
    assert!(cancelled.text.contains("has been cancelled"));
}

#[test]
fn every_kind_has_a_musubi_subject_and_an_english_line() {
    let at = Utc.with_ymd_and_hms(2027, 1, 15, 10, 0, 0).unwrap();
    let closed = Closed {
        recipient_name: "山田 花子",
        region_name: "塩尻市",
        need_title: "CMO",
        reason: Some("日程が合わないため"),
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    };
    let nudge_context = Nudge {
        recipient_name: "山田 花子",
        region_name: "塩尻市",
        need_title: "CMO",
        about: NudgeAbout::Invitation,
        days: 3,
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    };
    let all = [
        (meeting_reminder(&meeting(at)), "Your meeting for"),
        (
            nudge(&nudge_context),
            "It has been 3 days since we invited you",
        ),
        (
            nudge(&Nudge {
                about: NudgeAbout::Introduction,
                ..nudge_context
            }),
            "It has been 3 days since the introduction",
        ),
        (declined(&closed), "because it was declined"),
        (cancelled(&closed), "has been cancelled"),
    ];
    for (rendered, english) in all {
        assert!(
            rendered.subject.starts_with("【Musubi】"),
            "{}",
            rendered.subject
        );
        assert!(
            rendered.text.contains(english),
            "missing {english:?} in\n{}",
            rendered.text
        );
        assert!(
            rendered.html.contains(&escape_html(english)),
            "missing {english:?} in the HTML"
        );
        assert!(rendered.text.contains("This is an automated message"));
    }
    assert_eq!(
        nudge(&nudge_context).subject,
        "【Musubi】ご返信のお願い：CMO"
    );
    assert!(declined(&closed).text.contains("> 日程が合わないため"));
}

#[test]
fn old_names_and_titles_with_line_breaks_add_no_line_to_an_email() {
    let plain = introduction(&Introduction {
        recipient_name: "塩尻漆器店 代表",
        region_name: "塩尻市",
        need_title: "ECサイト立ち上げのCMO",
        counterpart: Counterpart::Professional {
            name: "Eve",
            email: "eve@example.jp",
            headline: "マーケター",
        },
        note: Some("一行目\n二行目"),
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    });
    let odd = introduction(&Introduction {
        recipient_name: "塩尻漆器店\r\n代表",
        region_name: "塩尻市\u{2028}",
        need_title: "ECサイト立ち上げのCMO\r\nBcc: x@evil.test",
        counterpart: Counterpart::Professional {
            name: "Eve\r\nBcc: x@evil.test",
            email: "eve@example.jp",
            headline: "マーケター\u{202E}",
        },
        note: Some("一行目\r\n二行目\u{0}"),
        public_url: "https://musubi.example.jp",
        match_id: MATCH,
    });
    assert_eq!(
        odd.subject,
        "【Musubi】ご紹介のお知らせ：ECサイト立ち上げのCMO Bcc: x@evil.test"
    );
    assert_eq!(
        odd.text.lines().count(),
        plain.text.lines().count(),
        "{}",
        odd.text
    );
    assert!(
        odd.text.contains("■ お名前 (Name): Eve Bcc: x@evil.test"),
        "{}",
        odd.text
    );
    assert!(odd.text.contains("> 一行目\n> 二行目 \n"), "{}", odd.text);
    for rendered in [&odd.subject, &odd.text, &odd.html] {
        assert!(
            !rendered.chars().any(|c| c.is_control() && c != '\n'),
            "{rendered:?}"
        );
    }
}
