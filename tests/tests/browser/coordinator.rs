//! The coordinator's day, through the demo's 塩尻 region: she logs in and opens her
//! desk, opens the city's CMO post from it, ranks everyone, scouts one professional,
//! introduces an applicant, schedules their meeting and records the contract.

use musubi_tests::{
    browser::Browser,
    demo::{Demo, loaded_and_delivered},
};
use serde_json::json;

/// The professional id of the first candidate on the page with a form — one who did
/// not apply (no "applied" tag) when `scout`.
async fn first_open_candidate(browser: &Browser, scout: bool) -> String {
    let found = browser
        .execute(
            "for (const row of document.querySelectorAll('.candidate')) { \
               const form = row.querySelector('form.match-form'); \
               if (form && !(arguments[0] && row.querySelector('.tags'))) { \
                 return form.querySelector(\"input[name='professional_id']\").value; } } \
             return null;",
            json!([scout]),
        )
        .await;
    match found.as_str() {
        Some(id) => id.to_owned(),
        None => panic!(
            "no candidate to act on (scout: {scout}) at {}: {}",
            browser.path().await,
            browser.text("main").await
        ),
    }
}

/// Sends the candidate's match form with a note and returns the match page it leads to.
async fn match_with(browser: &Browser, professional: &str, note: &str) -> String {
    let form =
        format!("form.match-form:has(input[name='professional_id'][value='{professional}'])");
    browser
        .fill(&format!("{form} textarea[name='note']"), note)
        .await;
    browser.submit(&form).await;
    browser
        .wait_for_path_where("the new match", |path| path.starts_with("/matches/"))
        .await
}

/// Records an outcome of the meeting on the match page the browser is on.
async fn record(browser: &Browser, match_path: &str, result: &str) {
    browser.choose("result", result).await;
    browser
        .submit(&format!("form[action='{match_path}/outcome']"))
        .await;
    browser
        .wait_for_path(&format!("{match_path}?done=outcome"))
        .await;
}

#[tokio::test]
async fn a_coordinator_works_her_region_from_the_desk_through_a_contract() {
    let Demo { app, summary, .. } = loaded_and_delivered().await;
    let coordinator = &summary.logins[0];
    assert!(coordinator.role.contains("coordinator"), "{coordinator:?}");
    let mut browser = Browser::start("coordinator_journey").await;
    let at = |path: &str| format!("{}{path}", app.address);

    browser.goto(&at("/login")).await;
    browser.log_in(&coordinator.email, summary.password).await;
    browser.wait_for_path("/me").await;

    // The city's CMO post: everyone in the region's pool, ranked, then one scouted.
    let candidates = format!("/needs/{}/candidates", summary.cmo_need_id);
    browser.goto(&at(&candidates)).await;
    browser.wait_for_path(&candidates).await;
    browser.tick("scope", "all").await;
    browser.submit("form.filters").await;
    browser
        .wait_for_path_where("everyone ranked", |path| {
            path.starts_with(&candidates) && path.contains("scope=all")
        })
        .await;
    browser.visit_in_both_languages("cmo-everyone").await;
    let scouted = first_open_candidate(&browser, true).await;
    let scout = match_with(
        &browser,
        &scouted,
        "市のSNS発信を一緒に立て直していただけないでしょうか。まずはオンラインでお話を伺えれば幸いです。",
    )
    .await;
    let status = browser.text("dl.facts dd").await;
    assert!(
        status.contains("スカウト") || status.contains("Scouted"),
        "{status}"
    );
    browser.visit_in_both_languages("scouted").await;

    // An applicant of the same post, introduced with a note.
    browser
        .goto(&at(&format!("{candidates}?scope=applicants")))
        .await;
    browser
        .wait_for_path(&format!("{candidates}?scope=applicants"))
        .await;
    let applicant = first_open_candidate(&browser, false).await;
    assert_ne!(applicant, scouted);
    let introduced = match_with(
        &browser,
        &applicant,
        "ふるさと納税の発信に詳しい方です。まずはオンラインで30分ほどお話しください。",
    )
    .await;
    assert_ne!(introduced, scout);

    // Their meeting, scheduled by the coordinator; then what came of it: a contract.
    browser.set_value("#date", "2030-02-05").await;
    browser.set_value("#time", "18:30").await;
    browser.click("#mode-online").await;
    browser
        .fill("#location_or_url", "https://meet.example.jp/shiojiri-cmo")
        .await;
    browser
        .submit(&format!("form[action='{introduced}/meeting']"))
        .await;
    browser
        .wait_for_path(&format!("{introduced}?done=scheduled"))
        .await;
    assert!(browser.text("main").await.contains("2030-02-05 18:30"));
    record(&browser, &introduced, "met").await;
    record(&browser, &introduced, "contracted").await;
    let status = browser.text("dl.facts dd").await;
    assert!(status == "契約" || status == "Working together", "{status}");
    assert!(
        !browser
            .exists(&format!("form[action='{introduced}/outcome']"))
            .await
    );
    browser.visit_in_both_languages("contracted").await;
    browser.quit().await;
}
