//! The kind relay's setting on the profile page: on by default, turned off (and on
//! again) with its checkbox, as the JSON API reads it; other roles get the 403 page.

use musubi_tests::{
    TestApp, marketer_profile,
    pages::{Page, PageClient},
};
use reqwest::StatusCode;
use serde_json::Value;

use crate::json;

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

fn checked(page: &Page) -> bool {
    let at = page
        .body
        .find("id=\"relays-on\"")
        .expect("the relay checkbox");
    let tag_end = page.body[at..].find('>').expect("the tag's end") + at;
    page.body[at..tag_end].contains("checked")
}

#[tokio::test]
async fn a_professional_turns_the_kind_relay_off_and_on_from_the_profile_page() {
    let app = TestApp::spawn().await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&app, &pro.email, "pro-password-123").await;
    let page = browser.get("/me/profile").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(checked(&page), "on by default");
    let token = page.csrf_token().expect("a token");

    let answer = browser
        .post_form("/me/profile/relays", &[("csrf_token", &token)])
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let (_, setting): (u16, Value) = json(app.get("/profiles/me/relays", &pro.token).await).await;
    assert_eq!(setting["enabled"], false);
    let page = browser.get("/me/profile?done=relays").await;
    assert!(!checked(&page));

    let answer = browser
        .post_form(
            "/me/profile/relays",
            &[("csrf_token", &token), ("relays", "on")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    let (_, setting): (u16, Value) = json(app.get("/profiles/me/relays", &pro.token).await).await;
    assert_eq!(setting["enabled"], true);

    // Without the form's token nothing changes.
    let refused = browser.post_form("/me/profile/relays", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let (_, setting): (u16, Value) = json(app.get("/profiles/me/relays", &pro.token).await).await;
    assert_eq!(setting["enabled"], true);
}

#[tokio::test]
async fn an_sme_may_not_set_relays_from_a_page() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let mut browser = logged_in(&app, &sme.email, "sme-password-123").await;
    let page = browser.get("/needs/new").await;
    let token = page.csrf_token().expect("a token");
    let answer = browser
        .post_form("/me/profile/relays", &[("csrf_token", &token)])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Her need form shows its pool.
    assert!(page.body.contains("id=\"pool-eligible\""), "{}", page.body);
}
