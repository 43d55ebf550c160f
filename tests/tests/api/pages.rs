//! The pages at the HTTP level: security headers, cookie flags, sessions (new id at
//! login, ended by logout, password change, erasure and idleness), CSRF refusals, the
//! return to the page a visitor was sent from, languages, and error pages that are
//! pages while the JSON API's errors stay problem+json.

use musubi_api::entities::web_session;
use musubi_tests::{
    TestApp,
    pages::{Page, PageClient},
};
use reqwest::{Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::json;

use crate::problem;

const PRO_PASSWORD: &str = "pro-password-123";

fn assert_page_headers(page: &Page, what: &str) {
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{what}: CSP {csp:?}");
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{what}: {csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert_eq!(
        page.header("x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin"),
        "{what}"
    );
    assert_eq!(page.header("x-frame-options"), Some("DENY"), "{what}");
}

fn assert_html(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}: {}", page.body);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8"),
        "{what}"
    );
    assert!(page.body.starts_with("<!DOCTYPE html>"), "{what}");
    assert_page_headers(page, what);
}

/// The value of the session cookie a response set.
fn session_set_by(page: &Page) -> Option<String> {
    page.cookie("musubi_session")
        .filter(|cookie| !cookie.is_removal())
        .map(|cookie| cookie.value.clone())
}

#[tokio::test]
async fn every_page_and_error_page_is_html_with_the_security_headers() {
    let app = TestApp::spawn().await;
    let mut browser = PageClient::new(&app.address);
    for path in ["/", "/login"] {
        let page = browser.get(path).await;
        assert_html(&page, StatusCode::OK, path);
        assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
        // No inline script or style: the policy would block them, so none may be needed.
        assert!(
            !page.body.contains("<script>") && !page.body.contains("style="),
            "{path}"
        );
    }
    let missing = browser.get("/no-such-page").await;
    assert_html(&missing, StatusCode::NOT_FOUND, "404");
    assert!(
        missing.body.contains("ページが見つかりません"),
        "{}",
        missing.body
    );
    // Any state-changing method from another site is refused before routing.
    let foreign = browser
        .send(Method::DELETE, "/", &[], Some("https://evil.example"))
        .await;
    assert_html(&foreign, StatusCode::FORBIDDEN, "DELETE from another site");

    // The stylesheet is served from its content-hashed path, cacheable for a year.
    let home = browser.get("/").await;
    let start = home.body.find("/static/site.").unwrap();
    let css_path = &home.body[start..start + home.body[start..].find('"').unwrap()];
    let css = browser.get(css_path).await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        browser.get("/static/site.000000000000.css").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_json_apis_errors_stay_problem_json_without_page_headers() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/nowhere", "/api/nowhere", "/api"] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert!(
            response.headers().get("content-security-policy").is_none(),
            "{path}"
        );
        let body = problem(response, 404).await;
        assert_eq!(body["code"], "no_route", "{path}");
    }
    let response = app
        .client
        .post(format!("{}/health", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(problem(response, 405).await["code"], "method_not_allowed");
}

#[tokio::test]
async fn login_sets_a_new_http_only_lax_session_and_returns_to_the_page_it_was_sent_from() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);

    // A page that needs a login sends the visitor to it, remembering the page.
    let me = browser.get("/me").await;
    assert_eq!(me.status, StatusCode::SEE_OTHER);
    assert_eq!(me.location(), Some("/login?next=%2Fme"));

    // A session id planted before the login (fixation) is never adopted.
    let planted = "a".repeat(64);
    browser
        .jar
        .insert("musubi_session".to_owned(), planted.clone());
    let form = browser.get("/login?next=%2Fme").await;
    let anonymous = form.cookie("musubi_form").expect("a pre-session cookie");
    assert!(anonymous.has("HttpOnly") && anonymous.has("SameSite=Lax"));
    let logged_in = browser.login(&pro.email, PRO_PASSWORD, Some("/me")).await;
    assert_eq!(
        logged_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        logged_in.body
    );
    assert_eq!(logged_in.location(), Some("/me"));
    let cookie = logged_in.cookie("musubi_session").unwrap();
    assert!(cookie.has("HttpOnly"), "{cookie:?}");
    assert!(cookie.has("SameSite=Lax"), "{cookie:?}");
    assert!(cookie.has("Path=/"), "{cookie:?}");
    assert!(!cookie.has("Secure"), "plain http: {cookie:?}");
    assert_ne!(cookie.value, planted);
    assert_eq!(cookie.value.len(), 64);
    // The pre-session is over.
    assert!(logged_in.cookie("musubi_form").unwrap().is_removal());

    let me = browser.get("/me").await;
    assert_html(&me, StatusCode::OK, "/me");
    assert!(me.body.contains("山田 花子 さん、ようこそ"), "{}", me.body);
    assert!(me.body.contains("プロフェッショナル"), "{}", me.body);

    // Logging in again (from a logged-in page's token) gives another id, and the first
    // stops working.
    let first = browser.session().unwrap().to_owned();
    let token = me.csrf_token().unwrap();
    let again = browser
        .post_form(
            "/login",
            &[
                ("csrf_token", token.as_str()),
                ("email", pro.email.as_str()),
                ("password", PRO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.location(), Some("/me"));
    let second = session_set_by(&again).unwrap();
    assert_ne!(first, second);
    let mut thief = PageClient::new(&app.address);
    thief.jar.insert("musubi_session".to_owned(), first);
    assert_eq!(thief.get("/me").await.status, StatusCode::SEE_OTHER);

    // Only the database's hash of the id is stored.
    let stored: Vec<String> = web_session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.id_hash)
        .collect();
    assert_eq!(stored.len(), 1);
    assert!(!stored.contains(&second));
}

#[tokio::test]
async fn a_login_returns_only_to_this_sites_pages() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    for (next, lands) in [
        ("https://evil.example/", "/me"),
        ("//evil.example/me", "/me"),
        ("/api/v1/me", "/me"),
        ("/login?next=%2Fme", "/me"),
        ("/logout", "/me"),
        (
            "/matches/01936b2e?tab=contact",
            "/matches/01936b2e?tab=contact",
        ),
    ] {
        let mut browser = PageClient::new(&app.address);
        let answer = browser.login(&pro.email, PRO_PASSWORD, Some(next)).await;
        assert_eq!(answer.location(), Some(lands), "next={next}");
    }
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_with_the_email_kept_and_no_session() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    let wrong = browser.login(&pro.email, "not-the-password", None).await;
    assert_html(&wrong, StatusCode::UNPROCESSABLE_ENTITY, "wrong password");
    assert!(
        wrong
            .body
            .contains("メールアドレスまたはパスワードが正しくありません")
    );
    assert!(wrong.body.contains(&format!("value=\"{}\"", pro.email)));
    assert!(!wrong.body.contains("not-the-password"));
    assert!(session_set_by(&wrong).is_none());

    let empty = browser.login("", "", None).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("id=\"email-error\""), "{}", empty.body);
    assert!(
        empty.body.contains("id=\"password-error\""),
        "{}",
        empty.body
    );
    assert!(empty.body.contains("aria-invalid=\"true\""));
}

#[tokio::test]
async fn the_page_login_and_the_json_login_share_one_throttle() {
    let app = TestApp::spawn_with(&[("MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT", "2")]).await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    for _ in 0..2 {
        let wrong = browser.login(&pro.email, "not-the-password", None).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Past the limit even the right password waits, on the page…
    let throttled = browser.login(&pro.email, PRO_PASSWORD, None).await;
    assert_html(&throttled, StatusCode::TOO_MANY_REQUESTS, "throttled");
    assert!(throttled.header("retry-after").is_some());
    assert!(
        throttled.body.contains("秒後にもう一度お試しください"),
        "{}",
        throttled.body
    );
    assert!(session_set_by(&throttled).is_none());
    // …and in the JSON API.
    let response = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"email": pro.email, "password": PRO_PASSWORD}))
        .send()
        .await
        .unwrap();
    problem(response, 429).await;
}

#[tokio::test]
async fn a_form_without_its_token_or_from_another_site_is_refused_with_a_page() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    browser.accept_language = Some("en".to_owned());
    let form = browser.get("/login").await;
    let token = form.csrf_token().unwrap();
    let login = [("email", pro.email.as_str()), ("password", PRO_PASSWORD)];

    let no_token = browser.post_form("/login", &login).await;
    assert_html(&no_token, StatusCode::FORBIDDEN, "no token");
    assert!(
        no_token.body.contains("This form has expired"),
        "{}",
        no_token.body
    );
    assert_eq!(no_token.lang(), Some("en"));

    fn with<'a>(login: &[(&'a str, &'a str)], token: &'a str) -> Vec<(&'a str, &'a str)> {
        let mut fields = login.to_vec();
        fields.push(("csrf_token", token));
        fields
    }
    let zeros = "0".repeat(64);
    let wrong_token = browser.post_form("/login", &with(&login, &zeros)).await;
    assert_eq!(wrong_token.status, StatusCode::FORBIDDEN);

    // The right token from another site's page is still refused, by its Origin…
    let foreign = browser
        .send(
            Method::POST,
            "/login",
            &with(&login, &token),
            Some("https://evil.example"),
        )
        .await;
    assert_html(&foreign, StatusCode::FORBIDDEN, "foreign Origin");
    let opaque = browser
        .send(Method::POST, "/login", &with(&login, &token), Some("null"))
        .await;
    assert_eq!(opaque.status, StatusCode::FORBIDDEN);
    // …and the token is bound to this browser's pre-session cookie.
    let mut other = PageClient::new(&app.address);
    other.get("/login").await;
    let stolen = other.post_form("/login", &with(&login, &token)).await;
    assert_eq!(stolen.status, StatusCode::FORBIDDEN);
    for refused in [&no_token, &wrong_token, &foreign, &opaque, &stolen] {
        assert!(session_set_by(refused).is_none());
    }

    let accepted = browser.post_form("/login", &with(&login, &token)).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);

    // A logged-in user's forms carry their session's token: logout without it, or with
    // a foreign Origin, is refused and the session goes on.
    let me = browser.get("/me").await;
    let session_token = me.csrf_token().unwrap();
    assert_ne!(session_token, token);
    let forged = browser.post_form("/logout", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let forged = browser
        .send(
            Method::POST,
            "/logout",
            &[("csrf_token", session_token.as_str())],
            Some("https://evil.example"),
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session_for_good() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    browser.login(&pro.email, PRO_PASSWORD, None).await;
    let id = browser.session().unwrap().to_owned();
    let me = browser.get("/me").await;
    let token = me.csrf_token().unwrap();
    let out = browser
        .post_form("/logout", &[("csrf_token", &token)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), Some("/"));
    assert!(out.cookie("musubi_session").unwrap().is_removal());
    assert!(browser.session().is_none());
    // The old id, replayed, is no session at all.
    let mut replay = PageClient::new(&app.address);
    replay.jar.insert("musubi_session".to_owned(), id);
    assert_eq!(replay.get("/me").await.status, StatusCode::SEE_OTHER);
    let rows = web_session::Entity::find().all(&app.db).await.unwrap();
    assert!(rows.is_empty());
}

#[tokio::test]
async fn a_password_change_or_an_erasure_ends_every_page_session_of_the_user() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut laptop = PageClient::new(&app.address);
    let mut phone = PageClient::new(&app.address);
    laptop.login(&pro.email, PRO_PASSWORD, None).await;
    phone.login(&pro.email, PRO_PASSWORD, None).await;
    let other = app.professional("佐藤 太郎").await;
    let mut bystander = PageClient::new(&app.address);
    bystander.login(&other.email, PRO_PASSWORD, None).await;

    let changed = app
        .post(
            "/auth/password",
            &pro.token,
            &json!({"current_password": PRO_PASSWORD, "new_password": "a-new-password-456"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    let token: serde_json::Value = changed.json().await.unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    for browser in [&mut laptop, &mut phone] {
        assert_eq!(browser.get("/me").await.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(bystander.get("/me").await.status, StatusCode::OK);

    let mut again = PageClient::new(&app.address);
    again.login(&pro.email, "a-new-password-456", None).await;
    assert_eq!(again.get("/me").await.status, StatusCode::OK);
    let erased = app.delete("/profiles/me", &token).await;
    assert_eq!(erased.status(), 204);
    assert_eq!(again.get("/me").await.status, StatusCode::SEE_OTHER);
    assert_eq!(bystander.get("/me").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_idle_session_ends() {
    let app = TestApp::spawn_with(&[
        ("MUSUBI_SESSION_IDLE_SECONDS", "1"),
        ("MUSUBI_SESSION_ABSOLUTE_SECONDS", "60"),
    ])
    .await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    browser.login(&pro.email, PRO_PASSWORD, None).await;
    assert_eq!(browser.get("/me").await.status, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1_300)).await;
    let me = browser.get("/me").await;
    assert_eq!(me.status, StatusCode::SEE_OTHER);
    assert_eq!(me.location(), Some("/login?next=%2Fme"));
}

#[tokio::test]
async fn under_https_the_cookies_are_secure_and_host_only() {
    let app = TestApp::spawn_with(&[("MUSUBI_PUBLIC_URL", "https://musubi.example")]).await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    let form = browser.get("/login").await;
    let anonymous = form.cookie("__Host-musubi_form").unwrap();
    assert!(anonymous.has("Secure") && anonymous.has("HttpOnly"));
    let token = form.csrf_token().unwrap();
    // The public origin is this site too (behind a TLS proxy).
    let logged_in = browser
        .send(
            Method::POST,
            "/login",
            &[
                ("csrf_token", token.as_str()),
                ("email", pro.email.as_str()),
                ("password", PRO_PASSWORD),
            ],
            Some("https://musubi.example"),
        )
        .await;
    assert_eq!(
        logged_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        logged_in.body
    );
    let cookie = logged_in.cookie("__Host-musubi_session").unwrap();
    assert!(cookie.has("Secure") && cookie.has("HttpOnly") && cookie.has("SameSite=Lax"));
    assert!(cookie.has("Path=/") && !cookie.attributes.iter().any(|a| a.starts_with("Domain")));
}

#[tokio::test]
async fn the_language_is_the_switch_then_accept_language_then_japanese() {
    let app = TestApp::spawn().await;
    let mut browser = PageClient::new(&app.address);
    let home = browser.get("/").await;
    assert_eq!(home.lang(), Some("ja"));
    assert!(
        home.body.contains("href=\"/lang/en?next=%2F\""),
        "{}",
        home.body
    );

    browser.accept_language = Some("en-GB,en;q=0.9".to_owned());
    assert_eq!(browser.get("/").await.lang(), Some("en"));

    let switched = browser.get("/lang/ja?next=%2Flogin").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location(), Some("/login"));
    let cookie = switched.cookie("musubi_lang").unwrap();
    assert_eq!(cookie.value, "ja");
    assert!(cookie.has("HttpOnly") && cookie.has("SameSite=Lax"));
    let login = browser.get("/login").await;
    assert_eq!(login.lang(), Some("ja"));
    assert!(login.body.contains("ログイン"));

    // The switch never sends anyone off the site.
    let away = browser
        .get("/lang/en?next=https%3A%2F%2Fevil.example")
        .await;
    assert_eq!(away.location(), Some("/"));
    assert_eq!(browser.get("/lang/fr").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn user_text_on_a_page_is_escaped() {
    let app = TestApp::spawn().await;
    let name = "<script>alert(1)</script>";
    let pro = app.professional(name).await;
    let mut browser = PageClient::new(&app.address);
    browser.login(&pro.email, PRO_PASSWORD, None).await;
    let me = browser.get("/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert!(!me.body.contains(name), "{}", me.body);
    assert!(me.body.contains("alert(1)"), "{}", me.body);
}

#[tokio::test]
async fn the_web_session_migration_is_reversible() {
    use musubi_migrations::{Migrator, MigratorTrait};
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let mut browser = PageClient::new(&app.address);
    browser.login(&pro.email, PRO_PASSWORD, None).await;
    // Down to before this migration (and any after it), then up again.
    let names: Vec<String> = Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    let at = names
        .iter()
        .position(|name| name == "m20261203_160600_create_web_session")
        .unwrap();
    let steps = u32::try_from(names.len() - at).unwrap();
    Migrator::down(&app.db, Some(steps)).await.unwrap();
    assert!(web_session::Entity::find().all(&app.db).await.is_err());
    Migrator::up(&app.db, None).await.unwrap();
    assert!(
        web_session::Entity::find()
            .all(&app.db)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_head_of_a_page_answers_as_its_get_without_the_body() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let at = |path: &str| format!("{}{path}", app.address);

    let head = client.head(at("/needs")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    let kind = head.headers()[reqwest::header::CONTENT_TYPE]
        .to_str()
        .unwrap();
    assert!(kind.starts_with("text/html"), "{kind}");
    let length: usize = head.headers()[reqwest::header::CONTENT_LENGTH]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let get = client.get(at("/needs")).send().await.unwrap();
    assert_eq!(get.text().await.unwrap().len(), length, "the GET's length");
    assert!(head.bytes().await.unwrap().is_empty());

    // A page that needs a login sends HEAD there too; an unknown page is the 404.
    let me = client.head(at("/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::SEE_OTHER);
    assert_eq!(me.headers()["location"], "/login?next=%2Fme");
    let nowhere = client.head(at("/nowhere")).send().await.unwrap();
    assert_eq!(nowhere.status(), StatusCode::NOT_FOUND);

    // The JSON API keeps its methods.
    let api = client.head(at("/api/v1/needs")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::METHOD_NOT_ALLOWED);
}
