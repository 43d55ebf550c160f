//! Bad input of every shape gets a problem+json answer naming what is wrong.

use musubi_tests::{TestApp, cmo_need};
use serde_json::json;

use crate::{fields, problem};

#[tokio::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.api("/auth/register"))
        .header("content-type", "application/json")
        .body(r#"{"email": "a@b.jp", "password": "#)
        .send()
        .await
        .unwrap();
    let body = problem(response, 400).await;
    assert_eq!(body["code"], "bad_request");
}

#[tokio::test]
async fn a_body_over_64_kib_is_413() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let mut need = cmo_need();
    need["description"] = json!("あ".repeat(30_000)); // 90,000 bytes of UTF-8
    let body = problem(app.post("/needs", &sme.token, &need).await, 413).await;
    assert_eq!(body["code"], "payload_too_large");

    // Also when the client streams it without a Content-Length.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(b"{\"title\":\"".to_vec()),
        Ok(vec![b'a'; 70_000]),
        Ok(b"\"}".to_vec()),
    ];
    let stream = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let response = app
        .authed(reqwest::Method::POST, "/needs", &sme.token)
        .header("content-type", "application/json")
        .body(stream)
        .send()
        .await
        .unwrap();
    problem(response, 413).await;
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.api("/auth/login"))
        .header("content-type", "text/plain")
        .body("email=a")
        .send()
        .await
        .unwrap();
    problem(response, 415).await;
}

#[tokio::test]
async fn unknown_fields_and_bad_enums_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let body = json!({"email": "a@musubi.test", "password": "pro-password-123", "display_name": "A", "role": "professional", "is_admin": true});
    let problem_body = problem(
        app.client
            .post(app.api("/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&problem_body), ["is_admin"]);

    let pro = app.professional("山田").await;
    let mut profile = musubi_tests::marketer_profile();
    profile["ties"][0]["kind"] = json!("ancestral");
    let problem_body = problem(app.put("/profiles/me", &pro.token, &profile).await, 422).await;
    assert_eq!(fields(&problem_body), ["ties[0].kind"]);
}

#[tokio::test]
async fn an_id_that_is_not_a_uuid_is_404() {
    let app = TestApp::spawn().await;
    let body = problem(
        app.client
            .get(app.api("/needs/not-a-uuid"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_eq!(body["code"], "not_found");
}
