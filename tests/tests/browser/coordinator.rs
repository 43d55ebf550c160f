//! The coordinator's day, through the demo's 塩尻 region: she logs in and opens her
//! desk, opens the city's CMO post from it, ranks everyone, scouts one professional,
//! introduces an applicant, schedules their meeting and records the contract; opens
//! the region-wide suggestion and approves one of its pairs; then changes the region's
//! weights after seeing what they would do to the CMO post, and
//! opens the monthly report's chart and downloads its CSV.

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

/// The motivation weight the form shows, as a number.
async fn motivation(browser: &Browser) -> f64 {
    browser
        .attribute("#motivation_fit", "value")
        .await
        .and_then(|value| value.parse::<f64>().ok())
        .unwrap_or_default()
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

    // Her desk: the region's open needs, the CMO post among them, and what waits.
    browser.click("main a[href='/region']").await;
    browser.wait_for_path("/region").await;
    browser.visit_in_both_languages("desk").await;
    let candidates = format!("/needs/{}/candidates", summary.cmo_need_id);
    assert!(
        browser
            .text("#desk-needs-table")
            .await
            .contains(&summary.cmo_need_title)
    );

    // The city's CMO post: everyone in the region's pool, ranked, then one scouted.
    browser
        .click(&format!("#desk-needs-table a[href='{candidates}']"))
        .await;
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

    // The region-wide suggestion, in both modes; she approves its first pair, which
    // leaves the list as a match of its own.
    browser.goto(&at("/region")).await;
    browser.click("main a[href='/region/assignment']").await;
    browser.wait_for_path("/region/assignment").await;
    browser.tick("mode", "stable").await;
    browser.submit("form.assignment-filters").await;
    browser
        .wait_for_path_where("the stable suggestion", |path| path.contains("mode=stable"))
        .await;
    browser.visit_in_both_languages("suggestion-stable").await;
    let need = browser
        .attribute("form.match-form input[name='need_id']", "value")
        .await
        .unwrap();
    let suggested = browser
        .attribute("form.match-form input[name='professional_id']", "value")
        .await
        .unwrap();
    let form = format!(
        "form.match-form:has(input[name='need_id'][value='{need}']):has(input[name='professional_id'][value='{suggested}'])"
    );
    browser.submit(&form).await;
    browser
        .wait_for_path_where("the approved pair", |path| path.contains("done=approved"))
        .await;
    assert!(browser.exists(".notice").await);
    assert!(
        !browser.exists(&form).await,
        "the approved pair is still offered"
    );
    browser.visit_in_both_languages("suggestion-approved").await;
    browser.scroll_to(".assignment-audit").await;
    browser.screenshot("suggestion-pairs").await;

    // The weights: motivation counts for much more; first the preview for the CMO post,
    // then saved.
    browser.goto(&at("/region/weights")).await;
    browser.wait_for_path("/region/weights").await;
    browser.visit_in_both_languages("weights").await;
    let before = motivation(&browser).await;
    browser.fill("#motivation_fit", "60").await;
    browser
        .choose("need", &summary.cmo_need_id.to_string())
        .await;
    browser
        .click("form.weights-form button[value='preview']")
        .await;
    browser
        .wait_for_path_where("the preview", |path| path.starts_with("/region/weights"))
        .await;
    assert!(
        browser
            .exists(".weights-preview .preview-table tbody tr")
            .await,
        "{}",
        browser.text("main").await
    );
    assert!(browser.text(".weights-preview").await.contains("→"));
    browser.visit("weights-preview").await;
    browser.scroll_to(".weights-preview").await;
    browser.screenshot("weights-preview-table").await;
    browser
        .click("form.weights-form button[value='save']")
        .await;
    browser.wait_for_path("/region/weights?done=saved").await;
    // Saved as a share of the seven: larger than before.
    let after = motivation(&browser).await;
    assert!(after > before, "{before} → {after}");

    // The month's funnel as a chart, and the same figures as a spreadsheet.
    browser.goto(&at("/region")).await;
    browser.click("main a[href='/region/report']").await;
    browser.wait_for_path("/region/report").await;
    assert!(browser.exists("svg.report-chart rect").await);
    browser.visit_in_both_languages("report").await;
    let download = browser
        .execute(
            "return fetch(arguments[0]).then(response => response.arrayBuffer().then(body => \
             [response.status, response.headers.get('Content-Type'), \
              Array.from(new Uint8Array(body).slice(0, 3)), new TextDecoder().decode(body)]));",
            json!(["/region/report.csv"]),
        )
        .await;
    assert_eq!(download[0], 200, "{download}");
    assert!(
        download[1]
            .as_str()
            .is_some_and(|kind| kind.starts_with("text/csv")),
        "{download}"
    );
    assert_eq!(download[2], json!([0xEF, 0xBB, 0xBF]), "a BOM for Excel");
    let mut rows = csv::Reader::from_reader(download[3].as_str().unwrap_or_default().as_bytes());
    assert!(rows.records().count() >= 1, "{download}");
    browser.quit().await;
}

/// A spreadsheet of professionals the region knows, as a coordinator keeps it.
const SHEET: &str = "氏名,メール,見出し,月間稼働時間,働き方,都道府県,市区町村,スキル,自己紹介\r\n\
    髙橋 美咲,misaki@musubi.test,酒蔵の広報を手伝います,16,リモート,長野県,松本市,広報戦略,漆器と日本酒が好きです\r\n\
    渡辺 健,,見出し,16,現地,長野県,,,\r\n";

#[tokio::test]
async fn a_coordinator_invites_from_a_spreadsheet_and_the_invited_professional_consents() {
    let app = musubi_tests::TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let mut browser = Browser::start("invitation_journey").await;
    let at = |path: &str| format!("{}{path}", app.address);
    let sheet = app.mail_dir.with_file_name("professionals.csv");
    std::fs::write(&sheet, SHEET).unwrap();

    // The coordinator uploads the sheet: one row invited, one rejected with its reason.
    browser.goto(&at("/login?next=%2Fregion")).await;
    browser
        .log_in(&coordinator.email, "coordinator-password")
        .await;
    browser.wait_for_path("/region").await;
    browser.click("main a[href='/region/import']").await;
    browser.wait_for_path("/region/import").await;
    browser.visit_in_both_languages("import").await;
    browser.upload("#file", &sheet).await;
    browser.submit("form[action='/region/import']").await;
    browser.wait_for(".import-report").await;
    let report = browser.text(".import-report").await;
    assert!(
        report.contains("渡辺 健") || report.contains("3"),
        "{report}"
    );
    browser.visit("import-report").await;
    browser.log_out().await;

    // The invited professional opens the link in her email, reviews the profile filled
    // from the row, consents and is at home.
    let link = app
        .link_in_mail("misaki@musubi.test", "/invitations/")
        .await;
    browser.goto(&at(&link)).await;
    browser.wait_for_path(&link).await;
    assert_eq!(
        browser.attribute("#headline", "value").await.as_deref(),
        Some("酒蔵の広報を手伝います")
    );
    browser.visit_in_both_languages("invitation").await;
    browser.fill("#password", "松本の酒蔵が好きです").await;
    browser
        .fill("#password_again", "松本の酒蔵が好きです")
        .await;
    browser.click("#consent").await;
    browser.submit(&format!("form[action='{link}']")).await;
    browser
        .wait_for_path_where("her home", |path| path.starts_with("/me"))
        .await;
    assert!(browser.text("main").await.contains("髙橋 美咲"));
    browser.visit("invited-home").await;
    browser.quit().await;
}
