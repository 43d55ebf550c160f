//! A need titled `<script>alert(1)</script>` renders as text on every page that shows
//! it, to each of the people who see it: the list and the need itself,
//! the owner's edit form, candidates and home, the professional's recommendations,
//! applications and home, and the match page and list of both sides.

use musubi_tests::{TestApp, cmo_need, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::json;

const TITLE: &str = "<script>alert(1)</script>";
/// The title as the templates escape it (numeric references), or as `&lt;`.
const ESCAPED: [&str; 2] = [
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
];

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

/// Every page in `paths` answers 200 and shows the title, escaped and never as markup.
async fn assert_escaped(browser: &mut PageClient, who: &str, paths: &[String]) {
    for path in paths {
        let page = browser.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{who} {path}: {}", page.body);
        assert!(
            ESCAPED.iter().any(|escaped| page.body.contains(escaped)),
            "{who} {path} does not show the title: {}",
            page.body
        );
        assert!(
            !page.body.contains(TITLE),
            "{who} {path} holds the title as markup"
        );
    }
}

#[tokio::test]
async fn a_need_titled_with_a_script_renders_as_text_on_every_page_that_shows_it() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "信州食品").await;
    let mut spec = cmo_need();
    spec["title"] = json!(TITLE);
    let need = app.post_need(&sme, &spec).await;
    // One professional applies and is introduced; another only sees it recommended.
    let applicant = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let reader = app
        .professional_with_profile("高橋 美咲", &marketer_profile())
        .await;
    let (status, body) = json(
        app.post(
            &format!("/needs/{need}/applications"),
            &applicant.token,
            &json!({"message": "応募します"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": need, "professional_id": applicant.id}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let matched: Uuid = body["id"].as_str().unwrap().parse().unwrap();
    let need_page = format!("/needs/{need}");
    let match_page = format!("/matches/{matched}");

    let mut visitor = PageClient::new(&app.address);
    assert_escaped(
        &mut visitor,
        "a visitor",
        &["/needs".to_owned(), need_page.clone()],
    )
    .await;

    let mut owner = logged_in(&app, &sme.email, "sme-password-123").await;
    assert_escaped(
        &mut owner,
        "the owner",
        &[
            "/me".to_owned(),
            need_page.clone(),
            format!("{need_page}/edit"),
            format!("{need_page}/candidates"),
            "/matches".to_owned(),
            match_page.clone(),
        ],
    )
    .await;

    let mut introduced = logged_in(&app, &applicant.email, "pro-password-123").await;
    assert_escaped(
        &mut introduced,
        "the introduced professional",
        &[
            "/me/applications".to_owned(),
            "/matches".to_owned(),
            match_page.clone(),
        ],
    )
    .await;

    let mut other = logged_in(&app, &reader.email, "pro-password-123").await;
    assert_escaped(
        &mut other,
        "another professional",
        &["/me/recommendations".to_owned(), need_page.clone()],
    )
    .await;

    let mut desk = logged_in(&app, &coordinator.email, "coordinator-password").await;
    assert_escaped(
        &mut desk,
        "the coordinator",
        &[
            "/me".to_owned(),
            format!("{need_page}/candidates?scope=all"),
            match_page,
        ],
    )
    .await;
}
