//! `musubi demo`: the sample loads through the library against the test server's
//! database, the server lists and ranks it over HTTP, its introduction emails are
//! delivered as `.eml` files, and a second run duplicates nothing.

use std::time::{Duration, Instant};

use musubi_api::{demo, email::outbox};
use musubi_tests::TestApp;
use serde_json::Value;
use uuid::Uuid;

use crate::json;

async fn open_needs(app: &TestApp) -> Vec<Value> {
    let response = app
        .client
        .get(app.api("/needs?limit=100"))
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

async fn regions(app: &TestApp) -> Vec<Value> {
    let response = app.client.get(app.api("/regions")).send().await.unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200, "{body}");
    body.as_array().unwrap().clone()
}

/// The server follows the profile change feed, so it ranks the demo's profiles within
/// a poll or two of the load; wait for them rather than sleep a fixed time.
async fn scouted(app: &TestApp, token: &str, need: Uuid) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let response = app
            .get(
                &format!("/needs/{need}/candidates?scope=all&limit=5"),
                token,
            )
            .await;
        let (status, body) = json(response).await;
        assert_eq!(status, 200, "{body}");
        let items = body["items"].as_array().unwrap().clone();
        if items.len() == 5 || Instant::now() > deadline {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn the_demo_loads_ranks_and_delivers_its_introductions_and_a_second_run_adds_nothing() {
    let app = TestApp::spawn().await;

    let summary = demo::load(&app.db, app.settings.clone()).await.unwrap();

    assert!(!summary.already_loaded);
    assert_eq!(summary.regions.len(), 3);
    assert_eq!(summary.needs, 12);
    assert_eq!(summary.professionals, 300);
    assert_eq!(summary.introductions.len(), 2);
    assert_eq!(summary.matches_created, 3, "two introductions and a scout");
    assert_eq!(summary.top_candidates.len(), 5);
    let scores: Vec<f64> = summary.top_candidates.iter().map(|c| c.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");

    // Anyone sees the demo needs over HTTP.
    let needs = open_needs(&app).await;
    assert_eq!(needs.len(), 12);
    assert!(
        needs
            .iter()
            .any(|need| need["id"] == summary.cmo_need_id.to_string()
                && need["title"] == summary.cmo_need_title.as_str())
    );

    // The coordinator logs in with the printed password and scouts the CMO post: the
    // server ranks exactly what the demo printed.
    let coordinator = &summary.logins[0];
    assert!(coordinator.role.contains("coordinator"));
    let token = app.login(&coordinator.email, summary.password).await;
    let ranked = scouted(&app, &token, summary.cmo_need_id).await;
    let ranked_ids: Vec<String> = ranked
        .iter()
        .map(|item| item["professional_id"].as_str().unwrap().to_owned())
        .collect();
    let printed_ids: Vec<String> = summary
        .top_candidates
        .iter()
        .map(|c| c.professional_id.to_string())
        .collect();
    assert_eq!(ranked_ids, printed_ids);
    assert!(
        ranked
            .iter()
            .all(|item| item["score"].as_f64().unwrap() > 0.0)
    );

    // A demo professional logs in and sees their introduction.
    let professional = summary
        .logins
        .iter()
        .find(|login| login.role.contains("professional"))
        .unwrap();
    let token = app.login(&professional.email, summary.password).await;
    let (status, body) = json(app.get("/matches", &token).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"][0]["status"], "introduced", "{body}");

    // The introductions' emails were written to the outbox, two each, and are
    // delivered as .eml files in the mail folder.
    let mut matches = summary.introductions.clone();
    matches.push(summary.scout);
    let delivery = demo::deliver(
        &app.db,
        app.settings.clone(),
        Duration::from_secs(20),
        &matches,
    )
    .await
    .unwrap();
    assert_eq!(delivery.sent, 5, "{delivery:?}");
    assert_eq!(delivery.still_due, 0, "{delivery:?}");
    for id in &summary.introductions {
        let rows = outbox::for_match(&app.db, *id).await.unwrap();
        assert_eq!(rows.len(), 2, "{rows:?}");
        for row in rows {
            assert_eq!(row.kind, "introduction");
            assert_eq!(row.status, "sent");
            let file = app.mail_dir.join(format!("{}.eml", row.id));
            assert!(file.exists(), "{} is missing", file.display());
        }
    }
    let scout_rows = outbox::for_match(&app.db, summary.scout).await.unwrap();
    assert_eq!(scout_rows.len(), 1);
    assert_eq!(scout_rows[0].kind, "scout_invitation");

    // Running it again duplicates nothing and sends nothing.
    let again = demo::load(&app.db, app.settings.clone()).await.unwrap();
    assert!(again.already_loaded);
    assert_eq!(again.matches_created, 0);
    assert_eq!(again.introductions, summary.introductions);
    assert_eq!(again.scout, summary.scout);
    assert_eq!(again.applications, summary.applications);
    assert_eq!(again.professionals, 300);
    assert_eq!(regions(&app).await.len(), 3);
    assert_eq!(open_needs(&app).await.len(), 12);
    for id in &matches {
        let expected = if *id == summary.scout { 1 } else { 2 };
        assert_eq!(
            outbox::for_match(&app.db, *id).await.unwrap().len(),
            expected
        );
    }
}
