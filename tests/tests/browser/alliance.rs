//! The professional's side of the alliance: on their profile page they let another
//! region find them, see that region's coordinator can, and withdraw it.

use musubi_tests::{TestApp, browser::Browser, cmo_need, marketer_profile};
use serde_json::Value;

use crate::PRO_PASSWORD;

#[tokio::test]
async fn a_professional_lets_another_region_find_them_on_their_profile_page_and_withdraws() {
    let app = TestApp::spawn().await;
    app.create_region("塩尻市", "長野県", "塩尻市").await;
    let tottori = app.create_region("鳥取県", "鳥取県", "鳥取市").await;
    let coordinator = app.coordinator(tottori).await;
    let sme = app.sme(tottori, "因州和紙工房").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("佐藤 結", &marketer_profile())
        .await;
    let scouted_by_tottori = || async {
        let path = format!("/needs/{need}/candidates?scope=all&limit=100");
        let page: Value = app
            .get(&path, &coordinator.token)
            .await
            .json()
            .await
            .unwrap();
        let id = pro.id.to_string();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|item| item["professional_id"] == id.as_str())
    };
    assert!(
        !scouted_by_tottori().await,
        "born in 長野, not found by 鳥取"
    );

    let mut browser = Browser::start("alliance_journey").await;
    browser.goto(&format!("{}/login", app.address)).await;
    browser.log_in(&pro.email, PRO_PASSWORD).await;
    browser.wait_for_path("/me").await;
    browser.goto(&format!("{}/me/profile", app.address)).await;
    assert!(browser.text("#sharing-now").await.contains("塩尻市"));
    assert!(!browser.text("#sharing-now").await.contains("鳥取県"));
    browser.scroll_to("#sharing").await;
    browser.visit_in_both_languages("profile-sharing").await;

    // A list without a region: the error beside the regions, nothing saved.
    browser.tick("mode", "list").await;
    browser.click("#sharing-save").await;
    browser.wait_for_path("/me/profile/sharing").await;
    assert!(
        browser
            .text("#sharing-regions-error")
            .await
            .contains("一つ以上")
    );
    browser.visit("profile-sharing-error").await;

    // 鳥取 chosen: its coordinator finds them.
    browser.tick("region", &tottori.to_string()).await;
    browser.click("#sharing-save").await;
    browser
        .wait_for_path_where("the profile page, saved", |path| {
            path == "/me/profile?done=sharing"
        })
        .await;
    assert!(browser.text("#sharing-now").await.contains("鳥取県"));
    browser.scroll_to("#sharing").await;
    browser.visit("profile-sharing-list").await;
    assert!(scouted_by_tottori().await, "found by 鳥取 once consented");

    // Withdrawn: out of 鳥取's list at once; the record of the display stays.
    browser.click("#sharing-withdraw").await;
    browser
        .wait_for_path_where("the profile page, withdrawn", |path| {
            path == "/me/profile?done=withdrawn"
        })
        .await;
    assert!(browser.text(".notice").await.contains("取り消しました"));
    assert!(!browser.text("#sharing-now").await.contains("鳥取県"));
    assert!(!browser.exists("#sharing-withdraw").await);
    browser.visit("profile-sharing-withdrawn").await;
    assert!(!scouted_by_tottori().await, "gone from 鳥取's list");
    let export: Value = app
        .get("/profiles/me/export", &pro.token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(export["provisions"].as_array().unwrap().len(), 1);
    // …and so does their data page.
    browser.goto(&format!("{}/me/data", app.address)).await;
    assert!(browser.text("#provisions").await.contains("鳥取県"));
    browser.visit_in_both_languages("data-provisions").await;
    browser.quit().await;
}
