//! Reply windows: the match page and the coordinator's desk say whose answer a match
//! waits for and since when; an answer owed for a week is put to the region's
//! coordinators by a second nudge (once per match), not to the side that is quiet. The
//! clock is the test's (`nudges::run_once` with a chosen `now`).

use chrono::{Duration, Utc};
use musubi_api::entities::{matches, outbox};
use musubi_tests::{TestApp, User, cmo_need, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::json;
use uuid::Uuid;

use crate::json;

struct Region {
    app: TestApp,
    coordinator: User,
    sme: User,
    applicant: User,
    scouted: User,
    introduced: Uuid,
    proposed: Uuid,
}

/// A region with an introduction (the SME owes the next step) and a scout (the
/// professional owes an answer).
async fn region() -> Region {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let applicant = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let response = app
        .post(
            &format!("/needs/{need}/applications"),
            &applicant.token,
            &json!({"message": "応募します"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let scouted = app
        .professional_with_profile("高橋 美咲", &marketer_profile())
        .await;
    let mut ids = Vec::new();
    for who in [&applicant, &scouted] {
        let (status, body) = json(
            app.post(
                "/matches",
                &coordinator.token,
                &json!({"need_id": need, "professional_id": who.id}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().unwrap().parse().unwrap());
    }
    Region {
        app,
        coordinator,
        sme,
        applicant,
        scouted,
        introduced: ids[0],
        proposed: ids[1],
    }
}

fn settings(app: &TestApp) -> musubi_api::config::Settings {
    musubi_api::config::Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(app.database_url.clone()),
        "MUSUBI_JWT_SECRET" => Some(musubi_tests::JWT_SECRET.to_owned()),
        _ => None,
    })
    .unwrap()
}

/// The outbox rows of a kind: (recipient address, match).
async fn sent_of_kind(app: &TestApp, kind: &str) -> Vec<(String, Option<Uuid>)> {
    let mut rows: Vec<(String, Option<Uuid>)> = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq(kind))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| (row.to_address, row.match_id))
        .collect();
    rows.sort();
    rows
}

#[tokio::test]
async fn after_a_week_without_an_answer_the_coordinators_are_told_once_per_match() {
    let r = region().await;
    let settings = settings(&r.app);
    let run = |at| {
        let (db, settings) = (&r.app.db, &settings);
        async move {
            musubi_api::services::nudges::run_once(db, settings, at)
                .await
                .unwrap()
        }
    };
    let now = Utc::now();
    assert_eq!(run(now).await, 0, "nothing is due yet");
    // Day 4: the first nudge goes to whoever owes the answer.
    assert_eq!(run(now + Duration::days(4)).await, 2);
    let mut first = vec![
        (r.sme.email.clone(), Some(r.introduced)),
        (r.scouted.email.clone(), Some(r.proposed)),
    ];
    first.sort();
    assert_eq!(sent_of_kind(&r.app, "nudge").await, first);
    assert!(sent_of_kind(&r.app, "reply_escalation").await.is_empty());
    // Day 6: not a week yet.
    assert_eq!(run(now + Duration::days(6)).await, 0);
    assert!(sent_of_kind(&r.app, "reply_escalation").await.is_empty());
    // Day 8: the second nudge, to the region's coordinator, for each match.
    assert_eq!(run(now + Duration::days(8)).await, 2);
    let mut second = vec![
        (r.coordinator.email.clone(), Some(r.introduced)),
        (r.coordinator.email.clone(), Some(r.proposed)),
    ];
    second.sort();
    assert_eq!(sent_of_kind(&r.app, "reply_escalation").await, second);
    // Once per match, and never to the quiet side again.
    assert_eq!(run(now + Duration::days(9)).await, 0);
    assert_eq!(run(now + Duration::days(30)).await, 0);
    assert_eq!(sent_of_kind(&r.app, "reply_escalation").await, second);
    assert_eq!(sent_of_kind(&r.app, "nudge").await, first);
    let escalation = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("reply_escalation"))
        .filter(outbox::Column::MatchId.eq(r.proposed))
        .one(&r.app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        escalation.text_body.contains("高橋 美咲") && escalation.text_body.contains("8日間"),
        "{}",
        escalation.text_body
    );
}

#[tokio::test]
async fn a_match_that_moved_on_is_not_put_to_the_coordinators() {
    let r = region().await;
    let settings = settings(&r.app);
    // The scouted professional accepts on day 2: the match is an introduction now, and
    // the SME's week starts then (the match's last change).
    let accepted = r
        .app
        .post(
            &format!("/matches/{}/accept", r.proposed),
            &r.scouted.token,
            &json!({}),
        )
        .await;
    assert_eq!(accepted.status(), 200);
    // The introduction gets a meeting: nothing is owed any more.
    let starts_at = (Utc::now() + Duration::days(20)).to_rfc3339();
    let (status, body) = json(
        r.app
            .post(
                &format!("/matches/{}/meetings", r.introduced),
                &r.sme.token,
                &json!({"starts_at": starts_at, "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let sent = musubi_api::services::nudges::run_once(
        &r.app.db,
        &settings,
        Utc::now() + Duration::days(8),
    )
    .await
    .unwrap();
    // The accepted scout (now an introduction, quiet for 8 days) is due; the match with
    // a meeting is not.
    assert_eq!(sent, 2, "a nudge and an escalation for the accepted scout");
    assert_eq!(
        sent_of_kind(&r.app, "reply_escalation").await,
        [(r.coordinator.email.clone(), Some(r.proposed))]
    );
}

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// Moves a match's last change `days` into the past.
async fn age(app: &TestApp, id: Uuid, days: i64) {
    matches::Entity::update_many()
        .col_expr(
            matches::Column::UpdatedAt,
            Expr::value(Utc::now() - Duration::days(days) - Duration::hours(1)),
        )
        .filter(matches::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
}

/// The text of the element with `id="{id}"` (to its closing tag).
fn element<'a>(body: &'a str, id: &str) -> &'a str {
    let start = body
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</").unwrap_or(rest.len())]
}

#[tokio::test]
async fn the_match_page_and_the_desk_show_who_owes_an_answer_and_since_when() {
    let r = region().await;
    age(&r.app, r.proposed, 4).await;
    let mut coordinator = logged_in(&r.app, &r.coordinator.email, "coordinator-password").await;

    let scout = coordinator.get(&format!("/matches/{}", r.proposed)).await;
    assert_eq!(scout.status, StatusCode::OK);
    let line = element(&scout.body, "awaiting");
    assert!(
        line.contains("プロフェッショナルの回答待ち") && line.contains("4日"),
        "{line}"
    );
    assert!(
        line.contains("awaiting-late"),
        "past the first nudge: {line}"
    );
    let introduction = coordinator.get(&format!("/matches/{}", r.introduced)).await;
    let line = element(&introduction.body, "awaiting");
    assert!(
        line.contains("募集元の回答待ち") && line.contains("0日") && !line.contains("late"),
        "{line}"
    );

    // The SME sees the same on its side.
    let mut sme = logged_in(&r.app, &r.sme.email, "sme-password-123").await;
    let own = sme.get(&format!("/matches/{}", r.introduced)).await;
    assert!(element(&own.body, "awaiting").contains("募集元の回答待ち"));

    // The desk: each scout and introduction says whose answer it waits for.
    let desk = coordinator.get("/region").await;
    assert_eq!(desk.status, StatusCode::OK);
    let scouts = &desk.body[desk.body.find("id=\"desk-scouts\"").unwrap()..];
    let scouts = &scouts[..scouts.find("</ul>").unwrap()];
    assert!(
        scouts.contains("owes owes-late")
            && scouts.contains("プロフェッショナルの回答待ち（4日前から）"),
        "{scouts}"
    );
    let introductions = &desk.body[desk.body.find("id=\"desk-introductions\"").unwrap()..];
    let introductions = &introductions[..introductions.find("</ul>").unwrap()];
    assert!(
        introductions.contains("募集元の回答待ち（今日から）")
            && !introductions.contains("owes-late"),
        "{introductions}"
    );

    // Times proposed: the professional owes the answer now.
    let starts = (Utc::now() + Duration::days(5)).to_rfc3339();
    let (status, body) = json(
        r.app
            .post(
                &format!("/matches/{}/meetings", r.introduced),
                &r.sme.token,
                &json!({"proposals": [starts], "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
            )
            .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let introduction = coordinator.get(&format!("/matches/{}", r.introduced)).await;
    assert!(element(&introduction.body, "awaiting").contains("プロフェッショナルの回答待ち"));
    let _ = &r.applicant;
}
