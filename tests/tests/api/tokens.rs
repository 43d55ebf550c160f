//! Every token that is not exactly right is a 401.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use musubi_tests::{JWT_SECRET, TestApp};
use serde_json::{Value, json};

use crate::problem;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sub: uuid::Uuid) -> Value {
    json!({"iss": "musubi", "aud": "musubi-api", "sub": sub, "iat": now(), "nbf": now(), "exp": now() + 600})
}

fn sign(claims: &Value, algorithm: Algorithm, secret: &str) -> String {
    encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get("/me", token).await.status().as_u16()
}

#[tokio::test]
async fn a_correctly_forged_token_is_accepted_so_the_rejections_below_mean_something() {
    let app = TestApp::spawn().await;
    let pro = app.professional("検証用").await;
    assert_eq!(
        me_status(&app, &sign(&claims(pro.id), Algorithm::HS256, JWT_SECRET)).await,
        200
    );
}

#[tokio::test]
async fn tampered_expired_premature_and_misaddressed_tokens_are_401() {
    let app = TestApp::spawn().await;
    let pro = app.professional("検証用").await;
    let other = app.professional("別人").await;

    // Tampered: the payload swapped for another user's, the signature kept.
    let mut parts: Vec<String> = pro.token.split('.').map(str::to_owned).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(other.id)).unwrap());
    let tampered = parts.join(".");

    let mut expired = claims(pro.id);
    expired["exp"] = json!(now() - 120);
    expired["iat"] = json!(now() - 3720);
    expired["nbf"] = json!(now() - 3720);
    let mut premature = claims(pro.id);
    premature["nbf"] = json!(now() + 600);
    let mut wrong_audience = claims(pro.id);
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = claims(pro.id);
    wrong_issuer["iss"] = json!("evil");
    let mut no_nbf = claims(pro.id);
    no_nbf.as_object_mut().unwrap().remove("nbf");
    let mut no_iat = claims(pro.id);
    no_iat.as_object_mut().unwrap().remove("iat");

    let alg_none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(pro.id)).unwrap())
    );

    let cases = [
        ("tampered", tampered),
        ("expired", sign(&expired, Algorithm::HS256, JWT_SECRET)),
        (
            "not yet valid",
            sign(&premature, Algorithm::HS256, JWT_SECRET),
        ),
        (
            "wrong audience",
            sign(&wrong_audience, Algorithm::HS256, JWT_SECRET),
        ),
        (
            "wrong issuer",
            sign(&wrong_issuer, Algorithm::HS256, JWT_SECRET),
        ),
        ("missing nbf", sign(&no_nbf, Algorithm::HS256, JWT_SECRET)),
        ("missing iat", sign(&no_iat, Algorithm::HS256, JWT_SECRET)),
        ("alg none", alg_none),
        (
            "other algorithm",
            sign(&claims(pro.id), Algorithm::HS512, JWT_SECRET),
        ),
        (
            "other secret",
            sign(
                &claims(pro.id),
                Algorithm::HS256,
                "another-secret-another-secret-0123456789",
            ),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (case, token) in cases {
        let response = app.get("/me", &token).await;
        assert_eq!(
            response
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok()),
            Some("Bearer"),
            "{case}"
        );
        let body = problem(response, 401).await;
        assert_eq!(body["code"], "unauthorized", "{case}");
    }
}

#[tokio::test]
async fn a_missing_or_malformed_authorization_header_is_401() {
    let app = TestApp::spawn().await;
    problem(app.client.get(app.api("/me")).send().await.unwrap(), 401).await;
    let response = app
        .client
        .get(app.api("/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    problem(response, 401).await;
}
