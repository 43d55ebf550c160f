//! After the contract: the SME answers its first monthly check-in 相談したい, and the
//! region's coordinator finds the engagement at risk on her desk, opens it from there and
//! sees why on the match page (with the check-ins, and the forms to extend or complete
//! it); both pages in Japanese and English, screenshotted and checked with axe-core.

use musubi_tests::{TestApp, browser::Browser, cmo_need, engagements::contract, marketer_profile};
use serde_json::json;

#[tokio::test]
async fn the_coordinator_sees_an_engagement_at_risk_on_her_desk() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let (match_id, id) = contract(&app, &coordinator, need, &pro).await;
    // A month on, the check-ins go out; the SME would like to talk.
    let month = chrono::Utc::now() + chrono::Duration::days(32);
    let run = musubi_api::services::engagements::run_once(&app.db, &app.settings, month)
        .await
        .unwrap();
    assert_eq!(run.emails, 2);
    let response = app
        .post(
            &format!("/engagements/{id}/check-ins"),
            &sme.token,
            &json!({"answer": "consult", "comment": "進め方を相談したいです"}),
        )
        .await;
    assert_eq!(response.status(), 200);

    let mut browser = Browser::start("engagement_at_risk").await;
    let at = |path: &str| format!("{}{path}", app.address);
    browser.goto(&at("/login")).await;
    browser
        .log_in(&coordinator.email, "coordinator-password")
        .await;
    browser.wait_for_path("/me").await;
    browser.goto(&at("/region")).await;
    browser.wait_for_path("/region").await;
    assert!(browser.exists("#desk-at-risk").await);
    let listed = browser.text("ul[aria-labelledby='desk-at-risk']").await;
    assert!(
        listed.contains("シティプロモーション") && listed.contains("相談したい"),
        "{listed}"
    );
    browser.visit_in_both_languages("desk-at-risk").await;

    // From the desk to the engagement on the match page.
    browser
        .click(&format!(
            "ul[aria-labelledby='desk-at-risk'] a[href='/matches/{match_id}']"
        ))
        .await;
    browser.wait_for_path(&format!("/matches/{match_id}")).await;
    let risk = browser.text(".engagement-risk").await;
    assert!(risk.contains("相談したい"), "{risk}");
    let check_ins = browser.text(".check-ins").await;
    assert!(check_ins.contains("進め方を相談したいです"), "{check_ins}");
    assert!(browser.exists("form[action$='/engagement/complete']").await);
    assert!(browser.exists("form[action$='/engagement/extend']").await);
    browser
        .visit_in_both_languages("match-engagement-at-risk")
        .await;
    browser.quit().await;
}
