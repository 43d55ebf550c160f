//! Sessions: logout revokes the token it is sent with, a password change or reset
//! revokes every token of the account; the reset link arrives over real SMTP, answers
//! the same for unknown emails, works once and expires.

use std::time::Duration;

use musubi_api::entities::password_reset;
use musubi_tests::{
    FAST_MAIL, TestApp, User, eventually,
    smtp::{Received, SmtpServer},
};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{Value, json};

use crate::{fields, json, problem};

async fn me_status(app: &TestApp, token: &str) -> u16 {
    app.get("/me", token).await.status().as_u16()
}

async fn app_with_smtp(smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.push(("MUSUBI_PUBLIC_URL", "https://musubi.example.jp"));
    TestApp::spawn_with(&vars).await
}

async fn request_reset(app: &TestApp, email: &str) -> (u16, Value, Option<String>) {
    let response = app
        .post_anonymous("/auth/password-reset", &json!({"email": email}))
        .await;
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, body) = json(response).await;
    (status, body, cache)
}

/// The `token` of the reset link in an email's plain text.
fn link_token(message: &Received) -> String {
    let parsed = message.parse();
    let text = parsed.body_text(0).expect("a text part").into_owned();
    let prefix = "https://musubi.example.jp/password-reset?token=";
    let start = text
        .find(prefix)
        .unwrap_or_else(|| panic!("no link in {text}"))
        + prefix.len();
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

async fn confirm(app: &TestApp, token: &str, new_password: &str) -> reqwest::Response {
    app.post_anonymous(
        "/auth/password-reset/confirm",
        &json!({"token": token, "new_password": new_password}),
    )
    .await
}

#[tokio::test]
async fn logout_revokes_the_token_it_is_sent_with_and_only_that_one() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let other_device = app.login(&pro.email, "pro-password-123").await;
    assert_eq!(me_status(&app, &pro.token).await, 200);

    let response = app.post("/auth/logout", &pro.token, &json!({})).await;
    assert_eq!(response.status(), 204);
    let body = problem(app.get("/me", &pro.token).await, 401).await;
    assert_eq!(body["code"], "unauthorized");
    // Every authenticated route refuses it, a second logout included.
    problem(app.get("/profiles/me", &pro.token).await, 401).await;
    problem(app.post("/auth/logout", &pro.token, &json!({})).await, 401).await;
    // The other device's token still works, and a new login works.
    assert_eq!(me_status(&app, &other_device).await, 200);
    let fresh = app.login(&pro.email, "pro-password-123").await;
    assert_eq!(me_status(&app, &fresh).await, 200);
    // Without a token, logout is a 401.
    problem(app.post_anonymous("/auth/logout", &json!({})).await, 401).await;
}

#[tokio::test]
async fn a_password_change_revokes_every_token_and_only_the_new_password_logs_in() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let second = app.login(&pro.email, "pro-password-123").await;

    // A wrong current password is a 422 naming it, and changes nothing.
    let wrong = problem(
        app.post(
            "/auth/password",
            &pro.token,
            &json!({"current_password": "not-my-password", "new_password": "新しいパスワード-2026"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&wrong), ["current_password"]);
    let short = problem(
        app.post(
            "/auth/password",
            &pro.token,
            &json!({"current_password": "pro-password-123", "new_password": "short"}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&short), ["new_password"]);
    assert_eq!(me_status(&app, &second).await, 200);

    let (status, body) = json(
        app.post(
            "/auth/password",
            &pro.token,
            &json!({"current_password": "pro-password-123", "new_password": "新しいパスワード-2026"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let new_token = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(body["token_type"], "Bearer");

    for old in [&pro.token, &second] {
        problem(app.get("/me", old).await, 401).await;
    }
    assert_eq!(me_status(&app, &new_token).await, 200);
    assert_eq!(
        app.try_login(&pro.email, "pro-password-123").await.status(),
        401
    );
    let after = app.login(&pro.email, "新しいパスワード-2026").await;
    assert_eq!(me_status(&app, &after).await, 200);
}

/// Each server process keeps a token's caller for a moment (`auth::callers`): a logout
/// or a password change made through one server is refused by another within that
/// moment plus a read — about a second; the bound asserted leaves room for a slow CI.
#[tokio::test]
async fn a_logout_and_a_password_change_reach_another_server_within_seconds() {
    let app = TestApp::spawn().await;
    let sibling = app.spawn_sibling().await;
    let pro = app.professional("山田 花子").await;
    let second = app.login(&pro.email, "pro-password-123").await;
    // The sibling has read and kept both tokens' callers.
    assert_eq!(me_status(&sibling, &pro.token).await, 200);
    assert_eq!(me_status(&sibling, &second).await, 200);

    let logout = app.post("/auth/logout", &pro.token, &json!({})).await;
    assert_eq!(logout.status(), 204);
    assert_eq!(
        me_status(&app, &pro.token).await,
        401,
        "at once where it was made"
    );
    let (sibling, token) = (&sibling, &pro.token);
    eventually(
        Duration::from_secs(3),
        "the sibling refuses the logged-out token",
        move || async move { me_status(sibling, token).await == 401 },
    )
    .await;
    assert_eq!(
        me_status(sibling, &second).await,
        200,
        "the other token still works"
    );

    let changed = app
        .post(
            "/auth/password",
            &second,
            &json!({"current_password": "pro-password-123", "new_password": "新しいパスワード-2026"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let second = &second;
    eventually(
        Duration::from_secs(3),
        "the sibling refuses the token of the old password",
        move || async move { me_status(sibling, second).await == 401 },
    )
    .await;
}

#[tokio::test]
async fn a_reset_answers_the_same_for_any_email_and_its_link_works_once() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp).await;
    let pro: User = app.professional("山田 花子").await;
    let other_token = app.login(&pro.email, "pro-password-123").await;

    let (status, known, cache) = request_reset(&app, &pro.email.to_uppercase()).await;
    let (unknown_status, unknown, _) = request_reset(&app, "nobody@musubi.test").await;
    assert_eq!((status, unknown_status), (202, 202));
    assert_eq!(known, unknown);
    assert_eq!(cache.as_deref(), Some("no-store"));

    let received = smtp.wait_for(1, Duration::from_secs(20)).await;
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_to, std::slice::from_ref(&pro.email));
    let message = received[0].parse();
    assert_eq!(
        message.subject(),
        Some("【Musubi】パスワード再設定のご案内")
    );
    let text = message.body_text(0).unwrap().into_owned();
    assert!(
        text.contains("山田 花子 様") && text.contains("30分") && text.contains("30 minutes"),
        "{text}"
    );
    let token = link_token(&received[0]);
    assert_eq!(token.len(), 64);
    // Only the token's hash is stored.
    let rows = password_reset::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].token_hash, token);

    // A bad new password is 422 and does not use up the link.
    let short = problem(confirm(&app, &token, "short").await, 422).await;
    assert_eq!(fields(&short), ["new_password"]);

    let (status, body) = json(confirm(&app, &token, "リセット後のパスワード").await).await;
    assert_eq!(status, 200, "{body}");
    let fresh = body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me_status(&app, &fresh).await, 200);
    for old in [&pro.token, &other_token] {
        problem(app.get("/me", old).await, 401).await;
    }
    assert_eq!(
        app.try_login(&pro.email, "pro-password-123").await.status(),
        401
    );
    app.login(&pro.email, "リセット後のパスワード").await;

    // Second use of the same link.
    let again = problem(
        confirm(&app, &token, "もう一度変えたいパスワード").await,
        400,
    )
    .await;
    assert_eq!(again["code"], "invalid_reset_token");
    assert!(
        again["detail"]
            .as_str()
            .unwrap()
            .contains("already been used"),
        "{again}"
    );
    // A made-up token.
    let unknown = problem(
        confirm(&app, &"0".repeat(64), "もう一度変えたいパスワード").await,
        400,
    )
    .await;
    assert_eq!(unknown["code"], "invalid_reset_token");
    // No email ever went to the unknown address.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(smtp.messages().len(), 1);
}

#[tokio::test]
async fn an_expired_reset_link_is_refused_and_changes_nothing() {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&smtp).await;
    let pro = app.professional("山田 花子").await;
    let (status, _, _) = request_reset(&app, &pro.email).await;
    assert_eq!(status, 202);
    let received = smtp.wait_for(1, Duration::from_secs(20)).await;
    let token = link_token(&received[0]);

    // Thirty minutes pass: move the stored expiry into the past.
    let row = password_reset::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut expired: password_reset::ActiveModel = row.clone().into();
    expired.expires_at = Set(row.created_at - chrono::Duration::seconds(1));
    expired.update(&app.db).await.unwrap();

    let body = problem(confirm(&app, &token, "リセット後のパスワード").await, 400).await;
    assert_eq!(body["code"], "invalid_reset_token");
    assert!(
        body["detail"].as_str().unwrap().contains("expired"),
        "{body}"
    );
    assert_eq!(me_status(&app, &pro.token).await, 200);
    app.login(&pro.email, "pro-password-123").await;
}

#[tokio::test]
async fn reset_requests_are_throttled_alike_for_known_and_unknown_emails() {
    let app = TestApp::spawn_with(&[("MUSUBI_THROTTLE_RESET_PER_ACCOUNT", "2")]).await;
    let pro = app.professional("山田 花子").await;
    for email in [pro.email.as_str(), "nobody@musubi.test"] {
        for _ in 0..2 {
            assert_eq!(request_reset(&app, email).await.0, 202);
        }
        let response = app
            .post_anonymous("/auth/password-reset", &json!({"email": email}))
            .await;
        assert!(response.headers().contains_key("retry-after"));
        let body = problem(response, 429).await;
        assert_eq!(body["code"], "too_many_requests");
    }
    let invalid = problem(
        app.post_anonymous("/auth/password-reset", &json!({"email": "not-an-email"}))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&invalid), ["email"]);
}
