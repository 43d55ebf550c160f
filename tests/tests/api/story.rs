//! The whole story of issue 4 over HTTP, with a real SMTP server in the test: an SME posts
//! a need, three professionals apply, the coordinator ranks them, scouts a fourth who
//! accepts, approves an introduction, both sides get each other's contact by email, a
//! meeting is scheduled, rescheduled and held, the reminder goes out, the outcome is
//! `contracted`, and the region's report counts it.

use std::time::Duration;

use chrono::{Duration as Span, Utc};
use mail_parser::MimeHeaders;
use musubi_api::email::ics;
use musubi_tests::{
    FAST_MAIL, TestApp, User, cmo_need, marketer_profile,
    smtp::{Received, SmtpServer},
};
use serde_json::{Value, json};

use crate::json;

fn profile(headline: &str, level: u8, hometown: Option<&str>) -> Value {
    let mut profile = marketer_profile();
    profile["headline"] = json!(headline);
    profile["skills"][0]["level"] = json!(level);
    profile["ties"] = match hometown {
        Some(city) => json!([{"prefecture": "長野県", "city": city, "kind": "hometown"}]),
        None => json!([]),
    };
    profile
}

/// The calendar part of a message: (METHOD, UID, SEQUENCE).
fn invitation_of(message: &Received) -> Option<(String, String, u32)> {
    let parsed = message.parse();
    let part = parsed.parts.iter().find(|part| {
        part.content_type()
            .is_some_and(|ct| ct.ctype() == "text" && ct.subtype() == Some("calendar"))
    })?;
    let text = ics::unfold(part.text_contents()?);
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}:")).map(str::to_owned))
    };
    Some((
        field("METHOD")?,
        field("UID")?,
        field("SEQUENCE")?.parse().ok()?,
    ))
}

fn subject(message: &Received) -> String {
    message.parse().subject().unwrap_or_default().to_owned()
}

fn to(message: &Received) -> String {
    message.rcpt_to.join(",")
}

async fn wait_until(
    smtp: &SmtpServer,
    what: &str,
    accept: impl Fn(&[Received]) -> bool,
) -> Vec<Received> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let messages = smtp.messages();
        if accept(&messages) {
            return messages;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}; have {:?}",
            messages.iter().map(subject).collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn count(messages: &[Received], recipient: &User) -> usize {
    messages
        .iter()
        .filter(|m| to(m).contains(&recipient.email))
        .count()
}

#[tokio::test]
async fn from_a_posted_need_to_a_contract_with_every_email_on_the_way() {
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    let app = TestApp::spawn_with(&vars).await;

    // An SME (here the city itself) posts a need.
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let city = app.sme(region, "塩尻市役所 シティプロモーション課").await;
    let need = app.post_need(&city, &cmo_need()).await;

    // Three professionals apply.
    let strong = app
        .professional_with_profile(
            "山田 花子",
            &profile("EC立ち上げ3回のマーケター", 5, Some("塩尻市")),
        )
        .await;
    let middle = app
        .professional_with_profile("佐藤 一郎", &profile("広報とSNS運用", 3, None))
        .await;
    let weak = app
        .professional_with_profile("鈴木 次郎", &profile("営業企画", 1, None))
        .await;
    for (pro, message) in [
        (&strong, "塩尻出身です。週末と平日夜に伴走できます。"),
        (&middle, "SNSの運用経験があります。"),
        (&weak, "興味があります。"),
    ] {
        let response = app
            .post(
                &format!("/needs/{need}/applications"),
                &pro.token,
                &json!({"message": message}),
            )
            .await;
        assert_eq!(response.status(), 201);
    }

    // The coordinator ranks them.
    let (status, ranked) = json(
        app.get(&format!("/needs/{need}/candidates"), &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{ranked}");
    let order: Vec<String> = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["professional_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(order.len(), 3);
    assert_eq!(
        order[0],
        strong.id.to_string(),
        "the strongest applicant first: {ranked}"
    );
    let scores: Vec<f64> = ranked["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|pair| pair[0] >= pair[1]),
        "{scores:?}"
    );

    // ... scouts a fourth, who has not applied.
    let scouted = app
        .professional_with_profile(
            "高橋 美咲",
            &profile("自治体のシティプロモーション経験", 4, Some("松本市")),
        )
        .await;
    let (status, scouting) = json(
        app.get(
            &format!("/needs/{need}/candidates?scope=all&limit=50"),
            &coordinator.token,
        )
        .await,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        scouting["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["professional_id"] == scouted.id.to_string()),
        "{scouting}"
    );
    let (status, proposal) = json(app.post("/matches", &coordinator.token, &json!({"need_id": need, "professional_id": scouted.id, "note": "市のPR経験を活かせると思います"})).await).await;
    assert_eq!(
        (status, proposal["status"].as_str()),
        (201, Some("proposed")),
        "{proposal}"
    );
    let scout_match = proposal["id"].as_str().unwrap().to_owned();
    let messages = wait_until(&smtp, "the scout invitation", |m| {
        m.iter().any(|m| to(m).contains(&scouted.email))
    })
    .await;
    assert!(
        subject(
            messages
                .iter()
                .find(|m| to(m).contains(&scouted.email))
                .unwrap()
        )
        .starts_with("【Musubi】")
    );
    assert_eq!(
        count(&messages, &city),
        0,
        "the SME hears nothing of a scout before it is accepted"
    );

    // ... who accepts: now both sides get each other's contact.
    let (status, accepted) = json(
        app.post(
            &format!("/matches/{scout_match}/accept"),
            &scouted.token,
            &json!({}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, accepted["status"].as_str()),
        (200, Some("introduced")),
        "{accepted}"
    );

    // The coordinator approves the best applicant's introduction too.
    let (status, introduced) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": strong.id, "note": ""}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, introduced["status"].as_str()),
        (201, Some("introduced")),
        "{introduced}"
    );

    let messages = wait_until(&smtp, "four introductions", |m| {
        m.iter()
            .filter(|m| subject(m).contains("ご紹介のお知らせ"))
            .count()
            >= 4
    })
    .await;
    let to_city: Vec<&Received> = messages
        .iter()
        .filter(|m| to(m).contains(&city.email) && subject(m).contains("ご紹介のお知らせ"))
        .collect();
    assert_eq!(
        to_city.len(),
        2,
        "{:?}",
        to_city.iter().map(|m| subject(m)).collect::<Vec<_>>()
    );
    let city_text: String = to_city
        .iter()
        .map(|m| m.parse().body_text(0).unwrap_or_default().into_owned())
        .collect();
    assert!(
        city_text.contains(&scouted.email) && city_text.contains("高橋 美咲"),
        "{city_text}"
    );
    assert!(city_text.contains(&strong.email), "{city_text}");
    let to_scouted = messages
        .iter()
        .find(|m| to(m).contains(&scouted.email) && subject(m).contains("ご紹介のお知らせ"))
        .unwrap();
    assert!(
        to_scouted
            .parse()
            .body_text(0)
            .unwrap()
            .contains(&city.email),
        "the professional gets the SME's contact"
    );

    // A meeting is scheduled, then moved to tomorrow morning (inside 24 hours: the reminder is due).
    let first = (Utc::now() + Span::days(3)).to_rfc3339();
    let meeting = json!({"starts_at": first, "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/shiojiri-cmo"});
    let (status, scheduled) = json(
        app.post(
            &format!("/matches/{scout_match}/meetings"),
            &coordinator.token,
            &meeting,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, scheduled["status"].as_str()),
        (201, Some("meeting_scheduled")),
        "{scheduled}"
    );
    let moved = (Utc::now() + Span::hours(20)).to_rfc3339();
    let meeting = json!({"starts_at": moved, "duration_minutes": 90, "mode": "onsite", "location_or_url": "塩尻市役所 3階 会議室"});
    let (status, rescheduled) = json(
        app.post(
            &format!("/matches/{scout_match}/meetings"),
            &city.token,
            &meeting,
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, rescheduled["meeting"]["sequence"].as_i64()),
        (201, Some(1)),
        "{rescheduled}"
    );

    let messages = wait_until(&smtp, "invitations, updates and reminders", |m| {
        m.iter().filter(|m| invitation_of(m).is_some()).count() >= 6
            && m.iter()
                .filter(|m| subject(m).contains("リマインド"))
                .count()
                >= 3
    })
    .await;
    let invitations: Vec<(String, String, u32)> =
        messages.iter().filter_map(invitation_of).collect();
    let uid = &invitations[0].1;
    assert!(
        invitations
            .iter()
            .all(|(method, id, _)| method == "REQUEST" && id == uid),
        "{invitations:?}"
    );
    let sequences: Vec<u32> = invitations
        .iter()
        .map(|(_, _, sequence)| *sequence)
        .collect();
    assert_eq!(
        sequences.iter().filter(|s| **s == 0).count(),
        3,
        "{sequences:?}"
    );
    assert_eq!(
        sequences.iter().filter(|s| **s == 1).count(),
        3,
        "{sequences:?}"
    );
    let to_scouted: Vec<String> = messages
        .iter()
        .filter(|m| to(m).contains(&scouted.email))
        .map(subject)
        .collect();
    assert_eq!(
        to_scouted.len(),
        5,
        "scout, introduction, invitation, update, one reminder: {to_scouted:?}"
    );
    for person in [&scouted, &city, &coordinator] {
        assert_eq!(
            messages
                .iter()
                .filter(|m| to(m).contains(&person.email) && subject(m).contains("リマインド"))
                .count(),
            1,
            "one reminder for {}",
            person.email
        );
    }

    // The meeting is held; the outcome is a contract.
    let (status, met) = json(
        app.post(
            &format!("/matches/{scout_match}/outcome"),
            &coordinator.token,
            &json!({"result": "met", "note": "前向き"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, met["status"].as_str()),
        (200, Some("met")),
        "{met}"
    );
    let (status, contracted) = json(
        app.post(
            &format!("/matches/{scout_match}/outcome"),
            &coordinator.token,
            &json!({"result": "contracted", "note": "3か月契約"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, contracted["status"].as_str()),
        (200, Some("contracted")),
        "{contracted}"
    );
    let history: Vec<&str> = contracted["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to"].as_str().unwrap())
        .collect();
    assert_eq!(
        history,
        [
            "proposed",
            "introduced",
            "meeting_scheduled",
            "meeting_scheduled",
            "met",
            "contracted"
        ]
    );

    // The report counts it.
    let (status, report) = json(
        app.get(&format!("/regions/{region}/report"), &coordinator.token)
            .await,
    )
    .await;
    assert_eq!(status, 200, "{report}");
    let total = &report["total"];
    assert_eq!(
        (
            total["needs"].as_u64(),
            total["applications"].as_u64(),
            total["introductions"].as_u64(),
            total["meetings"].as_u64(),
            total["contracts"].as_u64()
        ),
        (Some(1), Some(3), Some(2), Some(1), Some(1)),
        "{report}"
    );

    // Every message decodes with a Japanese subject and none was sent twice.
    let messages = smtp.messages();
    let mut ids: Vec<String> = messages.iter().map(Received::message_id).collect();
    assert!(
        messages
            .iter()
            .all(|m| subject(m).starts_with("【Musubi】"))
    );
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), messages.len());
    let _ = (middle, weak);
}
