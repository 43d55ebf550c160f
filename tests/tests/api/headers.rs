//! Every response says `X-Content-Type-Options: nosniff`; every response to a request
//! with credentials (and every `/auth/` answer, which carries tokens) says
//! `Cache-Control: no-store`. Sampled over every route family, errors included. And the
//! embedded database file is private (0600).

use musubi_tests::conformance::RequestBuilder;
use musubi_tests::{Backend, TestApp, cmo_need, marketer_profile};
use reqwest::Method;
use serde_json::json;

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

async fn check(label: &str, request: RequestBuilder, status: u16, private: bool) {
    let response = request.send().await.unwrap();
    assert_eq!(response.status().as_u16(), status, "{label}");
    assert_eq!(
        header(&response, "x-content-type-options").as_deref(),
        Some("nosniff"),
        "{label}"
    );
    if private {
        assert_eq!(
            header(&response, "cache-control").as_deref(),
            Some("no-store"),
            "{label}"
        );
    }
}

#[tokio::test]
async fn every_route_family_sends_nosniff_and_authenticated_answers_are_not_stored() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "塩尻市役所").await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let need = app.post_need(&sme, &cmo_need()).await;

    let authed = |method: Method, path: &str, token: &str| app.authed(method, path, token);
    let anonymous = |method: Method, path: &str| app.client.request(method, app.api(path));
    let root = |path: &str| app.client.get(format!("{}{path}", app.address));

    let private_cases: Vec<(&str, RequestBuilder, u16)> = vec![
        ("auth: me", authed(Method::GET, "/me", &pro.token), 200),
        (
            "auth: login",
            anonymous(Method::POST, "/auth/login")
                .json(&json!({"email": pro.email, "password": "pro-password-123"})),
            200,
        ),
        (
            "auth: reset request",
            anonymous(Method::POST, "/auth/password-reset").json(&json!({"email": pro.email})),
            202,
        ),
        (
            "needs: list",
            authed(Method::GET, "/needs", &sme.token),
            200,
        ),
        (
            "needs: one",
            authed(Method::GET, &format!("/needs/{need}"), &sme.token),
            200,
        ),
        (
            "profiles: mine",
            authed(Method::GET, "/profiles/me", &pro.token),
            200,
        ),
        (
            "profiles: export",
            authed(Method::GET, "/profiles/me/export", &pro.token),
            200,
        ),
        (
            "applications: apply",
            authed(
                Method::POST,
                &format!("/needs/{need}/applications"),
                &pro.token,
            )
            .json(&json!({"message": "塩尻の魅力を伝えるお手伝いをしたいです。"})),
            201,
        ),
        (
            "applications: list",
            authed(Method::GET, "/applications", &sme.token),
            200,
        ),
        (
            "candidates",
            authed(
                Method::GET,
                &format!("/needs/{need}/candidates?scope=all"),
                &coordinator.token,
            ),
            200,
        ),
        (
            "matches",
            authed(Method::GET, "/matches", &coordinator.token),
            200,
        ),
        (
            "outbox",
            authed(Method::GET, "/outbox", &coordinator.token),
            200,
        ),
        (
            "regions",
            authed(Method::GET, "/regions", &coordinator.token),
            200,
        ),
        (
            "regions: weights",
            authed(
                Method::GET,
                &format!("/regions/{region}/weights"),
                &coordinator.token,
            ),
            200,
        ),
        (
            "reports",
            authed(
                Method::GET,
                &format!("/regions/{region}/report"),
                &coordinator.token,
            ),
            200,
        ),
        (
            "taxonomy",
            authed(Method::GET, "/taxonomy", &pro.token),
            200,
        ),
        (
            "openapi",
            authed(Method::GET, "/openapi.json", &pro.token),
            200,
        ),
        (
            "health",
            app.client
                .get(format!("{}/health", app.address))
                .bearer_auth(&pro.token),
            200,
        ),
        (
            "errors: no route",
            authed(Method::GET, "/no-such-thing", &pro.token),
            404,
        ),
        (
            "errors: forbidden",
            authed(Method::GET, "/outbox", &pro.token),
            403,
        ),
        (
            "errors: validation",
            authed(Method::GET, "/needs?limit=1000", &pro.token),
            422,
        ),
        (
            "errors: bad token",
            authed(Method::GET, "/me", "not.a.token"),
            401,
        ),
        (
            "errors: media type",
            authed(Method::POST, "/needs", &sme.token)
                .header("content-type", "text/plain")
                .body("募集"),
            415,
        ),
    ];
    for (label, request, status) in private_cases {
        check(label, request, status, true).await;
    }

    let public_cases: Vec<(&str, RequestBuilder, u16)> = vec![
        ("health", root("/health"), 200),
        ("ready", root("/ready"), 200),
        ("metrics", root("/metrics"), 200),
        ("openapi", anonymous(Method::GET, "/openapi.json"), 200),
        ("taxonomy", anonymous(Method::GET, "/taxonomy"), 200),
        ("regions", anonymous(Method::GET, "/regions"), 200),
        ("needs", anonymous(Method::GET, "/needs"), 200),
        ("errors: no route", anonymous(Method::GET, "/nowhere"), 404),
        ("errors: root no route", root("/nowhere"), 404),
        ("errors: no token", anonymous(Method::GET, "/me"), 401),
        (
            "errors: malformed body",
            anonymous(Method::POST, "/auth/login")
                .header("content-type", "application/json")
                .body("{not json"),
            400,
        ),
    ];
    for (label, request, status) in public_cases {
        check(label, request, status, false).await;
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_embedded_database_and_its_wal_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let app = TestApp::spawn().await;
    if app.backend != Backend::Sqlite {
        // The PostgreSQL run checks the same open path on a SQLite database of its own
        // in the service's unit tests (`db::tests`); nothing to see on this backend.
        return;
    }
    // A write, so the WAL is in use.
    app.professional("山田 花子").await;
    let path = musubi_api::config::sqlite_path(&app.database_url).unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.clone().into_os_string();
        name.push(suffix);
        let mode = std::fs::metadata(&name)
            .unwrap_or_else(|error| panic!("{name:?}: {error}"))
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name:?}");
    }
}
