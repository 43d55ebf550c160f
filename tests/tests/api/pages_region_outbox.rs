//! `/region/outbox` at the HTTP level: the region's coordinator sees a dead email with
//! its error and sends it again (it goes out); another region's coordinator sees none of
//! it and cannot retry it; an SME gets the 403 page; the retry form needs its token.

use musubi_api::entities::outbox;
use musubi_tests::{TestApp, cmo_need, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use sea_orm::EntityTrait;
use serde_json::json;
use std::time::{Duration, Instant};

use crate::json;

const ERROR: &str = "550 5.1.1 <yamada@musubi.test>: mailbox unavailable";

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

#[tokio::test]
async fn a_coordinator_sees_a_dead_email_with_its_error_and_sends_it_again() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let elsewhere = app.create_region("上田市", "長野県", "上田市").await;
    let coordinator = app.coordinator(region).await;
    let stranger = app.coordinator(elsewhere).await;
    let sme = app.sme(region, "信州食品").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let (status, body) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": pro.id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // The scout invitation: once the worker has sent it, it is made dead.
    let row = app.kill_email_to(&pro.email, ERROR).await;

    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    let me = desk.get("/me").await;
    assert!(me.body.contains("href=\"/region/outbox\""), "{}", me.body);
    let page = desk.get("/region/outbox").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&row.subject), "{}", page.body);
    assert!(page.body.contains("mailbox unavailable"));
    let retry = format!("/region/outbox/{}/retry", row.id);
    assert!(page.body.contains(&format!("action=\"{retry}\"")));

    // Another region's coordinator sees none of it and cannot send it.
    let mut other = logged_in(&app, &stranger.email, "coordinator-password").await;
    let theirs = other.get("/region/outbox").await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(!theirs.body.contains(&row.subject));
    let token = theirs.csrf_token().unwrap();
    let refused = other.post_form(&retry, &[("csrf_token", &token)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // An SME has no desk; a form without its token is refused.
    let mut owner = logged_in(&app, &sme.email, "sme-password-123").await;
    assert_eq!(
        owner.get("/region/outbox").await.status,
        StatusCode::FORBIDDEN
    );
    let forged = desk.post_form(&retry, &[("csrf_token", "forged")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let still = outbox::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, "dead");

    // The coordinator sends it again: back in the queue, and out again.
    let token = page.csrf_token().unwrap();
    let sent = desk.post_form(&retry, &[("csrf_token", &token)]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), Some("/region/outbox?done=retried"));
    let after = desk.get("/region/outbox?done=retried").await;
    assert!(!after.body.contains(&row.subject), "{}", after.body);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let now = outbox::Entity::find_by_id(row.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        if now.status == "sent" {
            break;
        }
        assert!(Instant::now() < deadline, "still {}", now.status);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A second retry of a sent email is refused in words.
    let again = desk.post_form(&retry, &[("csrf_token", &token)]).await;
    assert_eq!(again.location(), Some("/region/outbox?done=not_dead"));
}
