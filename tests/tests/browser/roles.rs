//! Each role's journey, end to end in one story: an SME registers and writes its need
//! as a 仕様書; a professional registers, writes a profile, finds the need among their
//! recommendations and applies with a proposal; the SME sees the applicant ranked,
//! pseudonymously; the region's coordinator introduces them from the candidates page;
//! both open the link in their introduction email and see each other's contact; the SME
//! schedules the meeting; the professional downloads its `.ics`.

use musubi_tests::{TestApp, browser::Browser};
use serde_json::json;

const SME_EMAIL: &str = "maruyama@musubi.test";
const SME_PASSWORD: &str = "丸山漆器のパスワード";
const PRO_EMAIL: &str = "yamada@musubi.test";
const PRO_NAME: &str = "山田 太郎";
const PRO_PASSWORD: &str = "塩尻が好きなマーケター";
const TITLE: &str = "漆器のECサイト立ち上げ マーケティング責任者";

#[tokio::test]
async fn an_sme_writes_a_need_a_professional_applies_a_coordinator_introduces_them_and_they_meet() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let mut browser = Browser::start("roles_journey").await;
    let at = |path: &str| format!("{}{path}", app.address);

    // The workshop registers with its organization and writes its first 仕様書.
    browser.goto(&at("/register")).await;
    browser.click("#role-sme").await;
    browser.fill("#display_name", "丸山 花子").await;
    browser.fill("#email", SME_EMAIL).await;
    browser.fill("#password", SME_PASSWORD).await;
    browser.fill("#org_name", "丸山漆器").await;
    browser.fill("#org_city", "塩尻市").await;
    browser.choose("org_kind", "sme").await;
    browser.choose("org_region", &region.to_string()).await;
    browser.choose("org_industry", "manufacturing").await;
    browser.submit("form.form").await;
    browser.wait_for_path("/me").await;
    browser.click("main a[href='/needs/new']").await;
    browser.wait_for_path("/needs/new").await;
    browser.visit_in_both_languages("need-new").await;
    browser.fill("#title", TITLE).await;
    browser
        .fill(
            "#description",
            "創業百年の漆器店です。百貨店の販路が細り、自社ECを始めたい。",
        )
        .await;
    browser.fill("#goal", "6か月で自社ECの月商100万円").await;
    browser.choose("role", "cmo").await;
    browser.choose("style", "hands_on").await;
    browser.choose("skill_0", "digital_marketing").await;
    browser.choose("level_0", "3").await;
    browser.click("#must_0").await;
    browser.fill("#hours_min", "16").await;
    browser.fill("#hours_max", "32").await;
    browser.fill("#duration_months", "6").await;
    browser.choose("work_style", "remote").await;
    browser.fill("#visits", "0").await;
    browser.tick("meeting_slots", "weekday_evening").await;
    browser.tick("meeting_slots", "weekend").await;
    browser.tick("pay", "paid").await;
    browser.fill("#pay_min", "５０，０００").await;
    browser.fill("#pay_max", "100000").await;
    browser.fill("#headcount", "1").await;
    browser.set_value("#apply_by", "2030-01-31").await;
    browser.tick("themes", "traditional_craft").await;
    browser.submit("#need-form").await;
    let need_path = browser
        .wait_for_path_where("the new need's page", |path| {
            path.starts_with("/needs/") && path != "/needs/new"
        })
        .await;
    assert!(browser.text("h1").await.contains(TITLE));
    browser.visit_in_both_languages("need-owner").await;
    browser.log_out().await;

    // A marketer from Shiojiri registers, writes a profile, finds the need among the
    // needs ranked for them, and applies with a proposal.
    browser.goto(&at("/register")).await;
    browser.click("#role-professional").await;
    browser.fill("#display_name", PRO_NAME).await;
    browser.fill("#email", PRO_EMAIL).await;
    browser.fill("#password", PRO_PASSWORD).await;
    browser.submit("form.form").await;
    browser.wait_for_path("/me").await;
    browser.click("main a[href='/me/profile']").await;
    browser.wait_for_path("/me/profile").await;
    browser.visit_in_both_languages("profile-new").await;
    browser
        .fill(
            "#headline",
            "元メーカーのマーケター。週末に地方企業のEC支援",
        )
        .await;
    browser
        .fill("#motivation", "生まれ育った塩尻の伝統工芸を次の世代へ")
        .await;
    browser.choose("skill_0", "digital_marketing").await;
    browser.choose("level_0", "4").await;
    browser.fill("#years_0", "8").await;
    browser.choose("role_0", "cmo").await;
    browser.tick("industry", "manufacturing").await;
    browser.tick("theme", "traditional_craft").await;
    browser.choose("style", "either").await;
    browser.fill("#hours_per_month", "24").await;
    browser.fill("#max_onsite_visits_per_month", "1").await;
    browser.fill("#max_engagements", "1").await;
    browser.choose("work_style", "remote").await;
    browser.choose("home_prefecture", "東京都").await;
    browser.fill("#home_city", "世田谷区").await;
    browser.choose("tie_kind_0", "hometown").await;
    browser.choose("tie_prefecture_0", "長野県").await;
    browser.fill("#tie_city_0", "塩尻市").await;
    browser.tick("meeting_slot", "weekday_evening").await;
    browser.tick("meeting_slot", "weekend").await;
    browser.fill("#min_compensation_jpy", "30000").await;
    browser
        .click("form.profile-form > button[type=submit]")
        .await;
    browser.wait_for_path("/me/profile?done=saved").await;
    assert!(
        browser
            .exists(".notice a[href='/me/recommendations']")
            .await,
        "the profile was not saved: {}",
        browser.text("main").await
    );
    browser.click(".notice a[href='/me/recommendations']").await;
    browser.wait_for_path("/me/recommendations").await;
    assert!(browser.text("main").await.contains(TITLE));
    browser.visit_in_both_languages("recommendations").await;
    browser.click(&format!("main a[href='{need_path}']")).await;
    browser.wait_for_path(&need_path).await;
    browser
        .fill(
            "#proposal",
            "ECの立ち上げを3回経験しました。月16時間、オンラインで伴走します。",
        )
        .await;
    browser
        .submit(&format!("form[action='{need_path}/apply']"))
        .await;
    browser.wait_for_path("/me/applications?done=applied").await;
    assert!(browser.text("main").await.contains(TITLE));
    browser.visit_in_both_languages("applied").await;
    browser.log_out().await;

    // The workshop sees its applicant ranked, with the factors as bars, and nowhere in
    // the page, not even its source, the applicant's name or email.
    let candidates = format!("{need_path}/candidates");
    browser.goto(&at(&candidates)).await;
    browser.log_in(SME_EMAIL, SME_PASSWORD).await;
    browser.wait_for_path(&candidates).await;
    assert!(browser.exists(".candidate").await);
    let page = browser.source().await;
    assert!(!page.contains(PRO_NAME) && !page.contains(PRO_EMAIL));
    browser.visit_in_both_languages("candidates-sme").await;
    browser.log_out().await;

    // The coordinator introduces them from the same page, with a note.
    browser.goto(&at(&candidates)).await;
    browser
        .log_in(&coordinator.email, "coordinator-password")
        .await;
    browser.wait_for_path(&candidates).await;
    browser
        .visit_in_both_languages("candidates-coordinator")
        .await;
    browser
        .fill(
            ".candidate form textarea[name='note']",
            "ECの立ち上げ経験が豊富な方です。まずはオンラインでお話しください。",
        )
        .await;
    browser.submit(".candidate form").await;
    let match_path = browser
        .wait_for_path_where("the new match", |path| path.starts_with("/matches/"))
        .await;
    browser
        .visit_in_both_languages("introduced-coordinator")
        .await;
    // Her desk's mail that did not go out: none.
    browser.goto(&at("/me")).await;
    browser.click("main a[href='/region/outbox']").await;
    browser.wait_for_path("/region/outbox").await;
    browser.visit_in_both_languages("outbox-coordinator").await;
    browser.log_out().await;

    // Each side opens the link in their email, logs in, and sees the other's contact.
    let pro_link = app.link_in_mail(PRO_EMAIL, "/matches/").await;
    let sme_link = app.link_in_mail(SME_EMAIL, "/matches/").await;
    assert_eq!(pro_link, match_path);
    assert_eq!(sme_link, match_path);
    browser.goto(&at(&pro_link)).await;
    browser.log_in(PRO_EMAIL, PRO_PASSWORD).await;
    browser.wait_for_path(&match_path).await;
    assert!(browser.text("main").await.contains(SME_EMAIL));
    browser.visit_in_both_languages("match-professional").await;
    browser.log_out().await;
    browser.goto(&at(&sme_link)).await;
    browser.log_in(SME_EMAIL, SME_PASSWORD).await;
    browser.wait_for_path(&match_path).await;
    assert!(browser.text("main").await.contains(PRO_EMAIL));

    // The workshop schedules the meeting online.
    browser.set_value("#date", "2030-01-15").await;
    browser.set_value("#time", "19:00").await;
    browser.click("#mode-online").await;
    browser
        .fill("#location_or_url", "https://meet.example.jp/abc-defg")
        .await;
    browser
        .submit(&format!("form[action='{match_path}/meeting']"))
        .await;
    browser
        .wait_for_path(&format!("{match_path}?done=scheduled"))
        .await;
    let main = browser.text("main").await;
    assert!(main.contains("2030-01-15 19:00"), "{main}");
    browser.visit_in_both_languages("meeting-sme").await;
    browser.log_out().await;

    // The professional downloads the meeting's calendar file.
    browser.goto(&at(&match_path)).await;
    browser.log_in(PRO_EMAIL, PRO_PASSWORD).await;
    browser.wait_for_path(&match_path).await;
    let ics = format!("{match_path}/meeting.ics");
    assert!(browser.exists(&format!("a[href='{ics}']")).await);
    let download = browser
        .execute(
            "const request = new XMLHttpRequest(); request.open('GET', arguments[0], false); \
             request.send(); return [request.status, request.getResponseHeader('Content-Type'), \
             request.responseText];",
            json!([ics]),
        )
        .await;
    assert_eq!(download[0], 200, "{download}");
    assert!(
        download[1]
            .as_str()
            .is_some_and(|kind| kind.starts_with("text/calendar")),
        "{download}"
    );
    let calendar = download[2].as_str().unwrap_or_default();
    assert!(
        calendar.contains("BEGIN:VCALENDAR") && calendar.contains("DTSTART"),
        "{download}"
    );
    browser
        .visit_in_both_languages("meeting-professional")
        .await;
    browser.quit().await;
}
