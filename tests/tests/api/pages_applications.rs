//! Applying through the pages, at the HTTP level: a professional applies with a
//! proposal on the need's page and finds it on `/me/applications` and through the JSON
//! API; a second application, or one without a profile, is refused on the need's page
//! in words (the proposal kept); an empty proposal is refused beside its field; the
//! application is withdrawn from the list; the forms refuse a request without their
//! token or from another site; an SME or a coordinator sees no form, a visitor a link
//! to log in; a need closed meanwhile takes nothing; user text is escaped.

use musubi_tests::{
    TestApp, User, cmo_need, marketer_profile,
    pages::{Page, PageClient},
};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::json;

const PRO_PASSWORD: &str = "pro-password-123";
const SME_PASSWORD: &str = "sme-password-123";
const FORM: &str = "<form class=\"form\" method=\"post\" action=\"/needs/";

fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
}

/// A page client logged in as `email`.
async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

struct World {
    app: TestApp,
    sme: User,
    region: Uuid,
    need: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "信州食品").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    World {
        app,
        sme,
        region,
        need,
    }
}

/// Sends the proposal form of the need's page as `browser`.
async fn apply(browser: &mut PageClient, need: Uuid, proposal: &str) -> Page {
    let page = browser.get(&format!("/needs/{need}")).await;
    assert_status(&page, StatusCode::OK, "the need");
    assert!(page.body.contains(FORM), "{}", page.body);
    let token = page.csrf_token().unwrap();
    browser
        .post_form(
            &format!("/needs/{need}/apply"),
            &[("csrf_token", &token), ("proposal", proposal)],
        )
        .await
}

/// The professional's applications through the JSON API.
async fn applications(app: &TestApp, user: &User) -> Vec<Value> {
    let (status, body) = json(app.get("/applications", &user.token).await).await;
    assert_eq!(status, 200, "{body}");
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_professional_applies_on_the_need_page_then_withdraws_from_their_list() {
    let w = world().await;
    let pro = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&w.app, &pro.email, PRO_PASSWORD).await;
    let me = browser.get("/me").await;
    assert!(
        me.body.contains("<a href=\"/me/applications\">"),
        "{}",
        me.body
    );
    let none = browser.get("/me/applications").await;
    assert_status(&none, StatusCode::OK, "no applications yet");
    assert!(none.body.contains("まだ応募していません。"));

    // An empty proposal is refused beside its field.
    let empty = apply(&mut browser, w.need, "   ").await;
    assert_status(
        &empty,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an empty proposal",
    );
    assert!(
        empty.body.contains(
            "<p class=\"field-error\" id=\"proposal-error\">提案を入力してください。</p>"
        ),
        "{}",
        empty.body
    );
    let long = "あ".repeat(4_001);
    let too_long = apply(&mut browser, w.need, &long).await;
    assert_status(
        &too_long,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a long proposal",
    );
    assert!(too_long.body.contains("4000文字以内で入力してください"));
    assert!(too_long.body.contains(&long), "the proposal is kept");
    assert!(applications(&w.app, &pro).await.is_empty());

    // The proposal is sent; user text is escaped wherever it is shown.
    let proposal = "<script>alert(1)</script> 販路開拓をお手伝いします";
    let applied = apply(&mut browser, w.need, proposal).await;
    assert_status(&applied, StatusCode::SEE_OTHER, "applying");
    assert_eq!(applied.location(), Some("/me/applications?done=applied"));
    let items = applications(&w.app, &pro).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["need_id"], w.need.to_string());
    assert_eq!(items[0]["status"], "submitted");
    assert_eq!(items[0]["message"], proposal);
    let id = items[0]["id"].as_str().unwrap().to_owned();

    let list = browser.get("/me/applications?done=applied").await;
    assert_status(&list, StatusCode::OK, "the list");
    assert!(list.body.contains("応募しました。"), "{}", list.body);
    assert!(list.body.contains(&format!("href=\"/needs/{}\"", w.need)));
    assert!(list.body.contains("応募中"));
    assert!(
        list.body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62; 販路開拓")
    );
    assert!(!list.body.contains("<script>alert"));
    let withdraw = format!("/me/applications/{id}/withdraw");
    assert!(list.body.contains(&format!("action=\"{withdraw}\"")));

    // A second application is refused on the need's page, in words, the text kept.
    let again = apply(&mut browser, w.need, "もう一度").await;
    assert_status(&again, StatusCode::CONFLICT, "applying again");
    assert!(
        again.body.contains("この募集にはすでに応募しています。"),
        "{}",
        again.body
    );
    assert!(again.body.contains(">もう一度</textarea>"));
    assert_eq!(applications(&w.app, &pro).await.len(), 1);

    // Withdrawing needs the token and this site.
    let token = list.csrf_token().unwrap();
    let no_token = browser.post_form(&withdraw, &[]).await;
    assert_status(
        &no_token,
        StatusCode::FORBIDDEN,
        "withdrawing without a token",
    );
    let foreign = browser
        .send(
            Method::POST,
            &withdraw,
            &[("csrf_token", &token)],
            Some("https://evil.example"),
        )
        .await;
    assert_status(
        &foreign,
        StatusCode::FORBIDDEN,
        "withdrawing from another site",
    );
    assert_eq!(applications(&w.app, &pro).await[0]["status"], "submitted");

    let withdrawn = browser
        .post_form(&withdraw, &[("csrf_token", &token)])
        .await;
    assert_status(&withdrawn, StatusCode::SEE_OTHER, "withdrawing");
    assert_eq!(
        withdrawn.location(),
        Some("/me/applications?done=withdrawn")
    );
    assert_eq!(applications(&w.app, &pro).await[0]["status"], "withdrawn");
    let list = browser.get("/me/applications?done=withdrawn").await;
    assert!(
        list.body.contains("応募を取り下げました。"),
        "{}",
        list.body
    );
    assert!(list.body.contains("取り下げ済み"));
    assert!(!list.body.contains(&format!("action=\"{withdraw}\"")));

    let twice = browser
        .post_form(&withdraw, &[("csrf_token", &token)])
        .await;
    assert_status(&twice, StatusCode::CONFLICT, "withdrawing twice");
    assert!(
        twice
            .body
            .contains("この応募はすでに取り下げられています。"),
        "{}",
        twice.body
    );
}

#[tokio::test]
async fn applying_without_a_profile_or_a_token_is_refused_and_others_see_no_form() {
    let w = world().await;
    let pro = w.app.professional("佐藤 健").await;
    let mut browser = logged_in(&w.app, &pro.email, PRO_PASSWORD).await;
    let refused = apply(&mut browser, w.need, "はじめまして").await;
    assert_status(&refused, StatusCode::CONFLICT, "applying without a profile");
    assert!(
        refused
            .body
            .contains("応募する前に、プロフィールを書いてください。"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(">はじめまして</textarea>"));

    // The form needs its token, and this site.
    let action = format!("/needs/{}/apply", w.need);
    let token = browser
        .get(&format!("/needs/{}", w.need))
        .await
        .csrf_token()
        .unwrap();
    let no_token = browser.post_form(&action, &[("proposal", "x")]).await;
    assert_status(&no_token, StatusCode::FORBIDDEN, "no token");
    let foreign = browser
        .send(
            Method::POST,
            &action,
            &[("csrf_token", &token), ("proposal", "x")],
            Some("https://evil.example"),
        )
        .await;
    assert_status(&foreign, StatusCode::FORBIDDEN, "another site");
    assert!(applications(&w.app, &pro).await.is_empty());

    // An SME sees no form, and may not apply or list applications here.
    let mut sme = logged_in(&w.app, &w.sme.email, SME_PASSWORD).await;
    let page = sme.get(&format!("/needs/{}", w.need)).await;
    assert_status(&page, StatusCode::OK, "the SME's need");
    assert!(!page.body.contains(FORM), "{}", page.body);
    assert!(!page.body.contains("name=\"proposal\""));
    let token = page.csrf_token().unwrap();
    let forbidden = sme
        .post_form(&action, &[("csrf_token", &token), ("proposal", "x")])
        .await;
    assert_status(&forbidden, StatusCode::FORBIDDEN, "an SME applying");
    let list = sme.get("/me/applications").await;
    assert_status(&list, StatusCode::FORBIDDEN, "an SME's applications");

    // A coordinator sees no form either, and no list of applications here.
    let coordinator = w.app.coordinator(w.region).await;
    let mut coordinator = logged_in(&w.app, &coordinator.email, "coordinator-password").await;
    let page = coordinator.get(&format!("/needs/{}", w.need)).await;
    assert_status(&page, StatusCode::OK, "the coordinator's need");
    assert!(!page.body.contains(FORM), "{}", page.body);
    let list = coordinator.get("/me/applications").await;
    assert_status(&list, StatusCode::FORBIDDEN, "a coordinator's applications");

    // A visitor is offered to log in and come back.
    let mut visitor = PageClient::new(&w.app.address);
    let page = visitor.get(&format!("/needs/{}", w.need)).await;
    assert!(!page.body.contains(FORM));
    assert!(
        page.body
            .contains(&format!("href=\"/login?next=%2Fneeds%2F{}\"", w.need)),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn a_need_closed_while_the_form_was_open_takes_no_application() {
    let w = world().await;
    let pro = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let mut browser = logged_in(&w.app, &pro.email, PRO_PASSWORD).await;
    let page = browser.get(&format!("/needs/{}", w.need)).await;
    assert!(page.body.contains(FORM), "{}", page.body);
    let token = page.csrf_token().unwrap();
    let closed = w
        .app
        .post(
            &format!("/needs/{}/close", w.need),
            &w.sme.token,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let refused = browser
        .post_form(
            &format!("/needs/{}/apply", w.need),
            &[("csrf_token", &token), ("proposal", "よろしくお願いします")],
        )
        .await;
    // A closed need is hidden from professionals (as the JSON API hides it): the 404
    // page, and nothing applied.
    assert_status(&refused, StatusCode::NOT_FOUND, "applying to a closed need");
    assert!(applications(&w.app, &pro).await.is_empty());
}
