//! The pages in a real Chromium, against the real server on a fresh database
//! (PostgreSQL or SQLite, from `MUSUBI_TEST_BACKEND`): each journey is what a person
//! does, every page it visits is screenshotted and checked with axe-core (see
//! `musubi_tests::browser`).
//!
//! One browser session per journey: starting Chromium is the slow part on a 2-core CI.
#![expect(
    clippy::unwrap_used,
    reason = "in a test, a panic is the failure report"
)]

mod alliance;
mod coordinator;
mod demo;
mod engagements;
mod meetings;
mod need_pool;
mod roles;

use musubi_tests::{TestApp, browser::Browser, cmo_need};

const PRO_PASSWORD: &str = "pro-password-123";

/// The key WebDriver sends for Tab and Enter.
const TAB: &str = "\u{E004}";
const ENTER: &str = "\u{E007}";

async fn lang(browser: &Browser) -> String {
    browser.attribute("html", "lang").await.unwrap_or_default()
}

async fn switch_language(browser: &Browser, to: &str, back_at: &str) {
    browser.click(".lang-switch a").await;
    browser.wait_for_path(back_at).await;
    assert_eq!(lang(browser).await, to);
}

#[tokio::test]
async fn a_visitor_reads_musubi_finds_a_need_registers_logs_in_where_a_page_sent_them_and_logs_out()
{
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let city = app.sme(region, "塩尻市役所").await;
    let need = app.post_need(&city, &cmo_need()).await;
    let mut browser = Browser::start("visitor_journey").await;
    let at = |path: &str| format!("{}{path}", app.address);

    // Japanese first (the browser prefers it); the switch offers English, and back.
    browser.goto(&at("/")).await;
    assert_eq!(lang(&browser).await, "ja");
    assert!(browser.text("h1").await.contains("むすぶ"));
    browser.visit("home-ja").await;
    switch_language(&browser, "en", "/").await;
    assert!(browser.text("h1").await.contains("professional skills"));
    browser.visit("home-en").await;

    // A page that needs a login sends the visitor to it, in their language.
    browser.goto(&at("/me")).await;
    browser.wait_for_path("/login?next=%2Fme").await;
    assert!(browser.text(".notice").await.contains("Please log in"));
    browser.visit("login-sent-here-en").await;
    switch_language(&browser, "ja", "/login?next=%2Fme").await;
    browser.visit("login-sent-here-ja").await;

    // A wrong password: the form again, the error beside it, the email kept.
    browser.fill("#email", &pro.email).await;
    browser.fill("#password", "not-the-password").await;
    browser.click("form.form button[type=submit]").await;
    browser.wait_for_path("/login").await;
    assert!(
        browser
            .text(".error-summary")
            .await
            .contains("正しくありません")
    );
    assert_eq!(
        browser.attribute("#email", "value").await.unwrap(),
        pro.email
    );
    browser.visit("login-wrong-password-ja").await;

    // The right one: back to the page that sent them, greeted by role.
    browser.fill("#password", PRO_PASSWORD).await;
    browser.click("form.form button[type=submit]").await;
    browser.wait_for_path("/me").await;
    assert!(
        browser
            .text("main")
            .await
            .contains("山田 花子 さん、ようこそ")
    );
    assert!(browser.text("main").await.contains("プロフェッショナル"));
    let cookies = browser.cookies().await;
    let session = cookies
        .iter()
        .find(|cookie| cookie["name"] == "musubi_session")
        .expect("a session cookie");
    assert_eq!(session["httpOnly"], true);
    assert_eq!(session["sameSite"], "Lax");
    browser.visit("me-ja").await;
    switch_language(&browser, "en", "/me").await;
    assert!(browser.text("main").await.contains("Welcome, 山田 花子"));
    browser.visit("me-en").await;

    // An unknown page is a page too, in either language.
    browser.goto(&at("/matches/no-such-match")).await;
    assert_eq!(browser.text("h1").await, "Page not found");
    browser.visit("not-found-en").await;
    switch_language(&browser, "ja", "/matches/no-such-match").await;
    assert_eq!(browser.text("h1").await, "ページが見つかりません");
    browser.visit("not-found-ja").await;

    // Logging out ends the session: the menu offers the login again, and /me asks
    // for it.
    browser.click(".site-nav form button").await;
    browser.wait_for_path("/").await;
    assert!(browser.exists(".site-nav a[href='/login']").await);
    browser.visit("logged-out-ja").await;
    browser.goto(&at("/me")).await;
    browser.wait_for_path("/login?next=%2Fme").await;

    // The open needs, then one of them, in both languages.
    browser.click(".site-nav a[href='/needs']").await;
    browser.wait_for_path("/needs").await;
    assert!(
        browser
            .text(".need-list")
            .await
            .contains("シティプロモーション")
    );
    browser.visit("needs-ja").await;
    browser.click(".need-card h3 a").await;
    browser.wait_for_path(&format!("/needs/{need}")).await;
    assert!(browser.text("h1").await.contains("シティプロモーション"));
    assert!(
        browser
            .text("main")
            .await
            .contains("デジタルマーケティング")
    );
    browser.visit("need-ja").await;
    switch_language(&browser, "en", &format!("/needs/{need}")).await;
    assert!(browser.text("main").await.contains("Digital marketing"));
    browser.visit("need-en").await;

    // A workshop registers with its organization: first with a password too short (the
    // error beside it, the rest kept), then rightly, and lands on its own page.
    browser.goto(&at("/register")).await;
    browser.visit("register-en").await;
    switch_language(&browser, "ja", "/register").await;
    browser.click("#role-sme").await;
    browser.fill("#display_name", "丸山 花子").await;
    browser.fill("#email", "maruyama@musubi.test").await;
    browser.fill("#password", "short").await;
    browser.fill("#org_name", "丸山漆器").await;
    browser.fill("#org_city", "塩尻市").await;
    browser.click("#org_kind option[value='sme']").await;
    browser
        .click(&format!("#org_region option[value='{region}']"))
        .await;
    browser
        .click("#org_industry option[value='manufacturing']")
        .await;
    browser.click("form.form button[type=submit]").await;
    browser.wait_for_path("/register").await;
    assert!(
        browser
            .text("#password-error")
            .await
            .contains("10〜128文字")
    );
    assert_eq!(
        browser.attribute("#org_name", "value").await.as_deref(),
        Some("丸山漆器")
    );
    browser.visit("register-errors-ja").await;
    browser.fill("#password", "丸山漆器のパスワード").await;
    browser.click("form.form button[type=submit]").await;
    browser.wait_for_path("/me").await;
    assert!(
        browser
            .text("main")
            .await
            .contains("丸山 花子 さん、ようこそ")
    );
    assert!(browser.text("main").await.contains("中小企業・自治体"));
    browser.visit("me-sme-ja").await;
    browser.click(".site-nav form button").await;
    browser.wait_for_path("/").await;

    // On a 360-pixel phone nothing scrolls sideways, and the keyboard reaches the
    // skip link first, which moves the focus to the main content.
    browser.resize(360, 740).await;
    for (path, label) in [
        ("/", "home-phone-ja"),
        ("/login", "login-phone-ja"),
        ("/register", "register-phone-ja"),
        ("/needs", "needs-phone-ja"),
    ] {
        browser.goto(&at(path)).await;
        assert!(
            !browser.scrolls_sideways().await,
            "{path} scrolls sideways at 360 px"
        );
        browser.visit(label).await;
    }
    switch_language(&browser, "en", "/needs").await;
    assert!(!browser.scrolls_sideways().await);
    browser.visit("needs-phone-en").await;
    browser.press(TAB).await;
    let focused = browser
        .execute(
            "return document.activeElement.className;",
            serde_json::json!([]),
        )
        .await;
    assert_eq!(focused, "skip-link");
    browser.press(ENTER).await;
    let focused = browser
        .execute("return document.activeElement.id;", serde_json::json!([]))
        .await;
    assert_eq!(focused, "main");

    let shots = std::fs::read_dir(browser.screenshots()).unwrap().count();
    assert_eq!(shots, 21, "a screenshot of every page visited");

    // The checker itself can fail: a field without a label and faint text are serious
    // violations.
    browser
        .goto("data:text/html;charset=utf-8,<!DOCTYPE html><html lang=en><title>t</title><main><p style='color:%23ccc'>faint</p><input></main>")
        .await;
    let violations = browser.accessibility_violations().await;
    assert!(
        violations.iter().any(|v| v.starts_with("label "))
            && violations.iter().any(|v| v.starts_with("color-contrast ")),
        "{violations:?}"
    );
    browser.quit().await;
}
