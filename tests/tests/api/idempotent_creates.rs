//! Every POST that creates takes an `Idempotency-Key`: a client whose response was lost
//! (the request completed, the answer never reached it) retries with the same key and
//! body and gets the first answer again, and nothing is created twice. The same key with
//! another body is refused.

use musubi_tests::{TestApp, cmo_need, marketer_profile};
use serde_json::{Value, json};

use crate::{fields, json, problem};

/// Sends `body` to `path` with a key and, like a client whose connection dropped, never
/// reads the answer.
async fn lost(app: &TestApp, path: &str, token: Option<&str>, key: &str, body: &Value) {
    let mut request = app
        .client
        .post(app.api(path))
        .header("Idempotency-Key", key)
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    drop(response);
}

/// The retry: the same key and body, read this time.
async fn retried(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.api(path))
        .header("Idempotency-Key", key)
        .json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

fn replayed(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get("Idempotent-Replayed")
        .is_some_and(|value| value == "true")
}

#[tokio::test]
async fn a_retried_need_with_the_same_key_is_created_once() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = cmo_need();

    lost(&app, "/needs", Some(&sme.token), "need-1", &need).await;
    let response = retried(&app, "/needs", Some(&sme.token), "need-1", &need).await;
    assert!(replayed(&response), "the retry is answered from the first");
    let (status, first) = json(response).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["title"], need["title"]);
    let again = retried(&app, "/needs", Some(&sme.token), "need-1", &need).await;
    let (status, second) = json(again).await;
    assert_eq!((status, &second["id"]), (201, &first["id"]));

    let (status, mine) = json(app.get("/needs?mine=true", &sme.token).await).await;
    assert_eq!(status, 200);
    assert_eq!(
        mine["items"].as_array().map(Vec::len),
        Some(1),
        "exactly one need: {mine}"
    );

    // The key with another body is refused, and creates nothing.
    let mut other = need.clone();
    other["title"] = json!("別の募集 (another need)");
    let refused = retried(&app, "/needs", Some(&sme.token), "need-1", &other).await;
    let body = problem(refused, 422).await;
    assert_eq!(fields(&body), ["Idempotency-Key"]);
    // A new key is a new need; no key at all behaves as before.
    let fresh = retried(&app, "/needs", Some(&sme.token), "need-2", &other).await;
    assert_eq!(fresh.status(), 201);
    assert!(!replayed(&fresh));
    let plain = app.post("/needs", &sme.token, &other).await;
    assert_eq!(plain.status(), 201);
    let (_, mine) = json(app.get("/needs?mine=true", &sme.token).await).await;
    assert_eq!(mine["items"].as_array().map(Vec::len), Some(3), "{mine}");

    // Keys belong to their caller: another SME's same key is its own.
    let other_sme = app.sme(region, "塩尻精密").await;
    let theirs = retried(&app, "/needs", Some(&other_sme.token), "need-1", &need).await;
    assert_eq!(theirs.status(), 201);
    assert!(!replayed(&theirs));
}

#[tokio::test]
async fn a_retried_application_with_the_same_key_is_submitted_once() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("佐藤 花子", &marketer_profile())
        .await;
    let path = format!("/needs/{need}/applications");
    let body = json!({"message": "塩尻の力になりたいです。ECの立ち上げ経験があります。"});

    lost(&app, &path, Some(&pro.token), "apply-1", &body).await;
    let response = retried(&app, &path, Some(&pro.token), "apply-1", &body).await;
    assert!(replayed(&response));
    let (status, first) = json(response).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["message"], body["message"]);

    let (status, list) = json(
        app.get(&format!("/applications?need_id={need}"), &pro.token)
            .await,
    )
    .await;
    assert_eq!(status, 200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "exactly one application: {list}");
    assert_eq!(items[0]["id"], first["id"]);

    let other = json!({"message": "別の提案です"});
    let refused = retried(&app, &path, Some(&pro.token), "apply-1", &other).await;
    assert_eq!(fields(&problem(refused, 422).await), ["Idempotency-Key"]);
    // Without the key, a second application is the conflict it always was.
    problem(app.post(&path, &pro.token, &body).await, 409).await;
}

#[tokio::test]
async fn a_retried_registration_with_the_same_key_makes_one_account() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let body = json!({
        "email": "yamada@example.jp", "password": "yamada-password-1", "display_name": "山田 太郎",
        "role": "sme",
        "organization": {"name": "山田製作所", "kind": "sme", "region_id": region, "industry": "manufacturing", "city": "塩尻市"}
    });

    lost(&app, "/auth/register", None, "register-1", &body).await;
    let response = retried(&app, "/auth/register", None, "register-1", &body).await;
    assert!(replayed(&response));
    let (status, first) = json(response).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["user"]["email"], "yamada@example.jp");
    assert_eq!(first["user"]["display_name"], "山田 太郎");
    assert!(first["user"]["organization_id"].is_string(), "{first}");
    // The replay carries a working token of the one account.
    let token = first["access_token"].as_str().unwrap();
    let (status, me) = json(app.get("/me", token).await).await;
    assert_eq!((status, &me["id"]), (200, &first["user"]["id"]));

    // The same key with another body (here: another password) is refused, not replayed.
    let mut other = body.clone();
    other["password"] = json!("another-password-2");
    let refused = retried(&app, "/auth/register", None, "register-1", &other).await;
    assert_eq!(fields(&problem(refused, 422).await), ["Idempotency-Key"]);
    // Without a key, the email is taken as before.
    let taken = app
        .client
        .post(app.api("/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    problem(taken, 409).await;
    // One account, with its one organization.
    let token = app.login("yamada@example.jp", "yamada-password-1").await;
    let (_, me) = json(app.get("/me", &token).await).await;
    assert_eq!(me["organization_id"], first["user"]["organization_id"]);
}
