//! Throttling: login per account and per address, registration per address (which makes
//! the "email taken" answer useless as an oracle), password-reset requests; a sliding
//! window that lets the owner back in once it has passed.

use std::time::Duration;

use musubi_tests::TestApp;
use serde_json::{Value, json};

use crate::{json, problem};

fn retry_after(response: &reqwest::Response) -> u64 {
    response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After in {:?}", response.headers()))
}

fn professional(email: &str) -> Value {
    json!({"email": email, "password": "pro-password-123", "display_name": "山田 花子", "role": "professional"})
}

#[tokio::test]
async fn the_eleventh_wrong_password_in_a_window_is_429_and_the_right_one_works_after_it() {
    let app = TestApp::spawn_with(&[
        ("MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT", "10"),
        // Short, yet long enough for ten password checks on a loaded machine.
        ("MUSUBI_THROTTLE_LOGIN_WINDOW_SECONDS", "10"),
    ])
    .await;
    let pro = app.professional("山田 花子").await;
    let other = app.professional("別人").await;

    for attempt in 1..=10 {
        let response = app.try_login(&pro.email, "wrong-password-000").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let eleventh = app.try_login(&pro.email, "wrong-password-000").await;
    let wait = retry_after(&eleventh);
    assert!((1..=10).contains(&wait), "Retry-After {wait}");
    let body = problem(eleventh, 429).await;
    assert_eq!(body["code"], "too_many_requests");

    // Within the window even the right password is refused: guessing cannot continue.
    let right = app.try_login(&pro.email, "pro-password-123").await;
    assert_eq!(right.status(), 429);
    // Another account from the same address is not affected by this account's limit.
    assert_eq!(
        app.try_login(&other.email, "pro-password-123")
            .await
            .status(),
        200
    );

    // Once the oldest failure has left the window (what Retry-After said), it works.
    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(200)).await;
    let (status, body) = json(app.try_login(&pro.email, "pro-password-123").await).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["access_token"].is_string());
}

#[tokio::test]
async fn successful_logins_do_not_count_and_an_unknown_email_is_throttled_alike() {
    let app = TestApp::spawn_with(&[("MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT", "3")]).await;
    let pro = app.professional("山田 花子").await;
    for _ in 0..6 {
        assert_eq!(
            app.try_login(&pro.email, "pro-password-123").await.status(),
            200
        );
    }
    // An unknown email gets the same answers as a known one: 401s, then 429.
    for email in [pro.email.as_str(), "nobody@musubi.test"] {
        for _ in 0..3 {
            assert_eq!(
                app.try_login(email, "wrong-password-000").await.status(),
                401
            );
        }
        problem(app.try_login(email, "wrong-password-000").await, 429).await;
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_per_address_across_accounts() {
    let app = TestApp::spawn_with(&[("MUSUBI_THROTTLE_LOGIN_PER_ADDRESS", "5")]).await;
    let pro = app.professional("山田 花子").await;
    for n in 0..5 {
        let email = format!("guess{n}@musubi.test");
        assert_eq!(
            app.try_login(&email, "wrong-password-000").await.status(),
            401
        );
    }
    let response = app.try_login("guess9@musubi.test", "x-password-00").await;
    assert!(retry_after(&response) >= 1);
    problem(response, 429).await;
    // The address is throttled for every account, a real one included.
    problem(app.try_login(&pro.email, "pro-password-123").await, 429).await;
}

#[tokio::test]
async fn registration_is_throttled_per_address_and_a_taken_email_stays_409_within_the_limit() {
    let app = TestApp::spawn_with(&[
        ("MUSUBI_THROTTLE_REGISTER_PER_ADDRESS", "4"),
        ("MUSUBI_THROTTLE_REGISTER_WINDOW_SECONDS", "10"),
    ])
    .await;
    let first = app.try_register(&professional("first@musubi.test")).await;
    assert_eq!(first.status(), 201);
    // A taken email answers 409 (documented: the contract gives a new account its token,
    // so it cannot look like a new one) and counts like any attempt.
    let taken = problem(
        app.try_register(&professional("FIRST@musubi.test")).await,
        409,
    )
    .await;
    assert_eq!(taken["code"], "email_taken");
    for n in 0..2 {
        let response = app
            .try_register(&professional(&format!("more{n}@musubi.test")))
            .await;
        assert_eq!(response.status(), 201);
    }
    // The fifth attempt from this address: 429 for a new email and a taken one alike, so
    // an address cannot probe more than a few emails a window.
    let mut wait = 0;
    for email in ["fresh@musubi.test", "first@musubi.test"] {
        let response = app.try_register(&professional(email)).await;
        wait = wait.max(retry_after(&response));
        let body = problem(response, 429).await;
        assert_eq!(body["code"], "too_many_requests");
    }
    // A validation failure is not counted and still names its field.
    let mut invalid = professional("bad@musubi.test");
    invalid["password"] = json!("short");
    assert_eq!(app.try_register(&invalid).await.status(), 422);

    tokio::time::sleep(Duration::from_secs(wait) + Duration::from_millis(200)).await;
    assert_eq!(
        app.try_register(&professional("fresh@musubi.test"))
            .await
            .status(),
        201
    );
}

#[tokio::test]
async fn the_openapi_document_lists_429_with_retry_after_on_the_throttled_endpoints() {
    let app = TestApp::spawn().await;
    let (_, document) = json(
        app.client
            .get(app.api("/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/register",
        "/api/v1/auth/password-reset",
    ] {
        let response = &document["paths"][path]["post"]["responses"]["429"];
        assert!(
            response["headers"]["Retry-After"].is_object(),
            "{path}: {response}"
        );
    }
    let register = document["paths"]["/api/v1/auth/register"]["post"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        register.contains("409") && register.contains("throttled"),
        "{register}"
    );
}
