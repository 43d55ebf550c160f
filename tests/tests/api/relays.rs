//! The kind relay: when a need closes, each applicant not introduced gets one email in
//! the need's voice, with up to three open needs ranked for them and why — over a real
//! SMTP server; nobody twice, nobody introduced, nobody who turned it off.

use std::{collections::HashSet, time::Duration};

use futures_util::{StreamExt, stream};
use musubi_api::{entities::relay, repo};
use musubi_tests::{FAST_MAIL, TestApp, User, cmo_need, marketer_profile, smtp::SmtpServer};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::json;

/// What a relay's subject says.
const RELAY_SUBJECT: &str = "ご応募のお礼と募集のご案内";
/// The closed need's title: no relay may name it.
const LOST_TITLE: &str = "漆器EC立ち上げCMO（締切済みの募集）";

async fn app_with(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    TestApp::spawn_with(&vars).await
}

fn need_titled(title: &str) -> Value {
    let mut need = cmo_need();
    need["title"] = json!(title);
    need
}

/// `count` professionals with the marketer's profile who apply to `need`.
async fn applicants(app: &TestApp, need: Uuid, count: usize, name: &str) -> Vec<User> {
    stream::iter(0..count)
        .map(|n| async move {
            let user = app
                .professional_with_profile(&format!("{name} {n}"), &marketer_profile())
                .await;
            let applied = app
                .post(
                    &format!("/needs/{need}/applications"),
                    &user.token,
                    &json!({"message": "漆器の販路づくりに力を貸したいです"}),
                )
                .await;
            assert_eq!(applied.status(), 201);
            user
        })
        .buffered(4)
        .collect()
        .await
}

fn text_of(message: &musubi_tests::smtp::Received) -> String {
    message
        .parse()
        .body_text(0)
        .expect("a text part")
        .into_owned()
}

fn html_of(message: &musubi_tests::smtp::Received) -> String {
    message
        .parse()
        .body_html(0)
        .expect("an HTML part")
        .into_owned()
}

#[tokio::test]
async fn closing_a_need_relays_each_applicant_not_introduced_once_with_open_needs_and_why() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let lost = app.post_need(&sme, &need_titled(LOST_TITLE)).await;
    let other_sme = app.sme(region, "塩尻ワイナリー").await;
    let mut open_titles = Vec::new();
    for title in [
        "ワイナリーのEC担当（CMO）",
        "市の関係人口を増やすPR責任者",
        "木曽漆器の海外向けブランディング",
        "ぶどう農家の直販サイトづくり",
    ] {
        app.post_need(&other_sme, &need_titled(title)).await;
        open_titles.push(title);
    }

    // Ten applicants, two of them introduced; an eleventh turned relays off.
    let applied = applicants(&app, lost, 10, "応募者").await;
    let quiet = applicants(&app, lost, 1, "お知らせ不要").await.remove(0);
    let (status, setting) = json(
        app.put(
            "/profiles/me/relays",
            &quiet.token,
            &json!({"enabled": false}),
        )
        .await,
    )
    .await;
    assert_eq!((status, setting["enabled"].as_bool()), (200, Some(false)));
    let (status, setting) = json(app.get("/profiles/me/relays", &applied[0].token).await).await;
    assert_eq!((status, setting["enabled"].as_bool()), (200, Some(true)));
    for introduced in &applied[..2] {
        let body = json!({"need_id": lost, "professional_id": introduced.id});
        let (status, created) = json(app.post("/matches", &coordinator.token, &body).await).await;
        assert_eq!(status, 201, "{created}");
    }
    let introductions = 4;
    smtp.wait_for(introductions, Duration::from_secs(30)).await;

    let (status, _) = json(
        app.post(&format!("/needs/{lost}/close"), &sme.token, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let received = smtp
        .wait_for(introductions + 8, Duration::from_secs(30))
        .await;
    let relays: Vec<_> = received
        .iter()
        .filter(|message| {
            message
                .parse()
                .subject()
                .is_some_and(|subject| subject.contains(RELAY_SUBJECT))
        })
        .collect();
    assert_eq!(relays.len(), 8, "one relay per applicant not introduced");
    let to: HashSet<String> = relays
        .iter()
        .flat_map(|message| message.rcpt_to.clone())
        .collect();
    let owed: HashSet<String> = applied[2..].iter().map(|user| user.email.clone()).collect();
    assert_eq!(to, owed, "nobody introduced, nobody who turned relays off");

    for message in &relays {
        let (text, html) = (text_of(message), html_of(message));
        assert!(!text.contains(LOST_TITLE) && !html.contains(LOST_TITLE));
        assert!(
            !text.contains(&lost.to_string()),
            "no link to the lost need"
        );
        assert!(text.contains("丸山漆器"), "in the need's voice: {text}");
        // The needs it suggests are the recipient's own top three, each with a reason
        // the ranking gives.
        let recipient = applied
            .iter()
            .find(|user| message.rcpt_to.contains(&user.email))
            .expect("a recipient");
        let (status, page) = json(
            app.get("/profiles/me/recommendations?limit=3", &recipient.token)
                .await,
        )
        .await;
        assert_eq!(status, 200);
        let items = page["items"].as_array().expect("items");
        assert!(!items.is_empty() && items.len() <= 3);
        assert_eq!(text.matches("合う理由：").count(), items.len(), "{text}");
        for item in items {
            let title = item["title"].as_str().expect("a title");
            assert!(open_titles.contains(&title));
            assert!(text.contains(title), "{title} suggested in {text}");
            assert!(text.contains(&format!(
                "/needs/{}",
                item["need_id"].as_str().expect("an id")
            )));
            let reasons: Vec<&str> = item["factors"]
                .as_array()
                .into_iter()
                .chain(item["preference_factors"].as_array())
                .flatten()
                .flat_map(|part| part["reasons"].as_array().into_iter().flatten())
                .filter_map(Value::as_str)
                .collect();
            assert!(
                reasons
                    .iter()
                    .any(|reason| text.contains(&format!("合う理由：{reason}"))),
                "a reason of {title} in {text}"
            );
        }
        assert!(text.contains("ありがとう") || text.contains("御礼"));
    }

    // Closing again relays nobody again.
    let (status, _) = json(
        app.post(&format!("/needs/{lost}/close"), &sme.token, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(smtp.messages().len(), introductions + 8);
    let recorded = relay::Entity::find()
        .filter(relay::Column::NeedId.eq(lost))
        .all(&app.db)
        .await
        .expect("relays");
    assert_eq!(recorded.len(), 8);
    assert!(
        recorded
            .iter()
            .all(|row| row.queued_at.is_some() && row.suggested >= 1)
    );
    assert!(
        repo::relays::waiting(&app.db, 10)
            .await
            .expect("waiting")
            .is_empty()
    );

    // Each relay is in its recipient's export, and only theirs.
    let export = |user: &User| {
        let token = user.token.clone();
        let app = &app;
        async move {
            let (status, export) = json(app.get("/profiles/me/export", &token).await).await;
            assert_eq!(status, 200, "{export}");
            export["relays"].as_array().expect("relays").clone()
        }
    };
    let mine = export(&applied[2]).await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["need_id"], json!(lost));
    assert_eq!(mine[0]["need_title"], LOST_TITLE);
    assert_eq!(mine[0]["cause"], "closed");
    assert!(
        mine[0]["suggested"]
            .as_i64()
            .is_some_and(|n| (1..=3).contains(&n))
    );
    assert!(mine[0]["emailed_at"].is_string(), "{mine:?}");
    assert_eq!(
        export(&applied[0]).await,
        Vec::<Value>::new(),
        "introduced: no relay"
    );
    assert_eq!(
        export(&quiet).await,
        Vec::<Value>::new(),
        "turned off: no relay"
    );
}

#[tokio::test]
async fn only_professionals_set_relays() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let response = app
        .put(
            "/profiles/me/relays",
            &sme.token,
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn filling_a_needs_last_place_relays_the_other_applicants() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &need_titled(LOST_TITLE)).await;
    let other_sme = app.sme(region, "塩尻ワイナリー").await;
    app.post_need(&other_sme, &need_titled("ワイナリーのEC担当（CMO）"))
        .await;
    let applied = applicants(&app, need, 3, "応募者").await;

    let body = json!({"need_id": need, "professional_id": applied[0].id});
    let (status, created) = json(app.post("/matches", &coordinator.token, &body).await).await;
    assert_eq!(status, 201, "{created}");
    let path = format!("/matches/{}", created["id"].as_str().expect("an id"));
    let meeting = json!({"starts_at": "2030-01-01T19:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"});
    let (status, scheduled) = json(
        app.post(&format!("{path}/meetings"), &coordinator.token, &meeting)
            .await,
    )
    .await;
    assert!(status == 200 || status == 201, "{scheduled}");
    for result in ["met", "contracted"] {
        let (status, answer) = json(
            app.post(
                &format!("{path}/outcome"),
                &coordinator.token,
                &json!({"result": result}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        if result == "met" {
            // Met is not a place taken: nobody is relayed yet.
            let recorded = relay::Entity::find()
                .filter(relay::Column::NeedId.eq(need))
                .all(&app.db)
                .await
                .expect("relays");
            assert!(recorded.is_empty());
        }
    }
    // The one place (headcount 1) is taken: the other two are relayed, once each.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let recorded = loop {
        let recorded = relay::Entity::find()
            .filter(relay::Column::NeedId.eq(need))
            .all(&app.db)
            .await
            .expect("relays");
        if recorded.len() == 2 && recorded.iter().all(|row| row.outbox_id.is_some()) {
            break recorded;
        }
        assert!(tokio::time::Instant::now() < deadline, "{recorded:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let to: HashSet<Uuid> = recorded.iter().map(|row| row.professional_id).collect();
    assert_eq!(to, HashSet::from([applied[1].id, applied[2].id]));
    assert!(recorded.iter().all(|row| row.cause == "filled"));
}
