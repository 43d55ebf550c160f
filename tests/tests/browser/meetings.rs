//! The professional picks one of the proposed meeting times on the match page (issue 13,
//! done-when 5): the SME proposed three times; logged in, the professional sees them
//! on `/matches/{id}`, each with its button, chooses the second, and the page says the
//! meeting is scheduled at that time, the proposal gone.

use chrono::{DateTime, Duration, DurationRound, Utc};
use musubi_api::entities::meeting;
use musubi_tests::{TestApp, browser::Browser, cmo_need, marketer_profile};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::PRO_PASSWORD;

fn in_days(days: i64) -> DateTime<Utc> {
    (Utc::now() + Duration::days(days))
        .duration_trunc(Duration::hours(1))
        .unwrap()
}

#[tokio::test]
async fn the_professional_picks_a_proposed_time_on_the_match_page() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let applied = app
        .post(
            &format!("/needs/{need}/applications"),
            &pro.token,
            &json!({"message": "応募します"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    let made: serde_json::Value = app
        .post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": pro.id}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id: Uuid = made["id"].as_str().unwrap().parse().unwrap();
    let times = [in_days(3), in_days(4), in_days(5)];
    let proposed = app
        .post(
            &format!("/matches/{id}/meetings"),
            &sme.token,
            &json!({
                "proposals": times.iter().map(|t| t.to_rfc3339()).collect::<Vec<_>>(),
                "duration_minutes": 60, "mode": "online",
                "location_or_url": "https://meet.example.jp/abc",
            }),
        )
        .await;
    assert_eq!(proposed.status(), 201);

    let mut browser = Browser::start("meeting_time_journey").await;
    let at = |path: &str| format!("{}{path}", app.address);
    browser.goto(&at("/login")).await;
    browser.log_in(&pro.email, PRO_PASSWORD).await;
    browser.wait_for_path("/me").await;
    let page = format!("/matches/{id}");
    browser.goto(&at(&page)).await;
    let offered = browser.text("#proposal").await;
    let second = (times[1] + Duration::hours(9))
        .format("%Y-%m-%d %H:%M")
        .to_string();
    assert!(offered.contains(&second), "{offered}");
    assert!(browser.exists("#choose-time-0").await && browser.exists("#choose-time-2").await);
    assert!(browser.exists("#choose-none").await);
    browser
        .visit_in_both_languages("match-proposed-times")
        .await;

    browser.scroll_to("#choose-time-1").await;
    browser.click("#choose-time-1").await;
    browser
        .wait_for_path(&format!("{page}?done=time_chosen"))
        .await;
    assert!(
        browser
            .text("p.notice[role=status]")
            .await
            .contains("面談が確定しました")
    );
    assert!(
        !browser.exists("#proposal").await,
        "the proposal is answered"
    );
    assert!(browser.text("main").await.contains(&second));
    browser.visit("match-time-chosen").await;
    let scheduled = meeting::Entity::find()
        .filter(meeting::Column::MatchId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(scheduled.len(), 1);
    assert_eq!(scheduled[0].starts_at, times[1]);
    browser.quit().await;
}
