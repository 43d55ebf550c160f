//! The 仕様書 that knows its pool: while an SME writes her need, the form counts the
//! professionals it would reach, and the count follows the budget as she raises it.

use std::time::Duration;

use futures_util::{StreamExt, stream};
use musubi_tests::{TestApp, browser::Browser, marketer_profile};
use serde_json::json;

/// Waits (up to 15 s) until the element's text is `wanted`.
async fn wait_for_text(browser: &Browser, css: &str, wanted: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let text = text_now(browser, css).await;
        if text == wanted {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{css} says {text:?}, not {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The element's text as the page has it now ("" when absent), read in one script: htmx
/// may swap the preview between a lookup and a read, which would fail a two-step read.
async fn text_now(browser: &Browser, css: &str) -> String {
    browser
        .execute(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';",
            json!([css]),
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn an_sme_sees_her_needs_pool_grow_as_she_raises_the_budget() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    // Six ask ¥20,000 a month, twenty ask ¥80,000.
    let fees = std::iter::repeat_n(20_000, 6).chain(std::iter::repeat_n(80_000, 20));
    stream::iter(fees.enumerate())
        .map(|(n, fee)| {
            let app = &app;
            async move {
                let mut profile = marketer_profile();
                profile["min_compensation_jpy"] = json!(fee);
                app.professional_with_profile(&format!("人材 {n}"), &profile)
                    .await
            }
        })
        .buffered(4)
        .collect::<Vec<_>>()
        .await;

    let mut browser = Browser::start("need_pool").await;
    browser.goto(&format!("{}/login", app.address)).await;
    browser.log_in(&sme.email, "sme-password-123").await;
    browser.wait_for_path("/me").await;
    browser.goto(&format!("{}/needs/new", app.address)).await;
    // Nothing written yet constrains nobody: all twenty-six, counted in fives.
    wait_for_text(&browser, "#pool-eligible", "25人以上").await;
    browser.scroll_to("#pool-preview").await;
    browser.visit("need-pool-blank").await;

    browser.fill("#title", "漆器のECサイト立ち上げ").await;
    browser.tick("pay", "paid").await;
    browser.fill("#pay_min", "30000").await;
    browser.fill("#pay_max", "50000").await;
    wait_for_text(&browser, "#pool-eligible", "5人以上").await;
    let limits = text_now(&browser, ".pool-limits").await;
    assert!(
        limits.contains("予算の上限を月8万円にすると候補が20人以上増えます"),
        "{limits}"
    );
    browser.scroll_to("#pool-preview").await;
    browser.visit("need-pool-tight-budget").await;

    // She raises the budget as suggested.
    browser.fill("#pay_max", "80000").await;
    wait_for_text(&browser, "#pool-eligible", "25人以上").await;
    assert!(!text_now(&browser, ".pool-limits").await.contains("予算"));
    browser.scroll_to("#pool-preview").await;
    browser.visit("need-pool-raised-budget").await;
    browser.quit().await;
}
