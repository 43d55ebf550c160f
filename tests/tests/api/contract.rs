//! The OpenAPI document tells the truth (issue 16, finding 5): response schemas that real
//! responses satisfy, every status an operation can answer, limits as enforced, 405 with
//! `Allow`. Every response of every end-to-end test is also checked by the harness
//! (`musubi_tests::conformance`); these tests pin the rules and show the check can fail.

use musubi_tests::{TestApp, cmo_need, conformance, marketer_profile};
use reqwest::{Method, header::HeaderMap};
use serde_json::{Value, json};

use crate::{json, problem};

fn document() -> Value {
    musubi_api::startup::openapi().unwrap()
}

fn problem_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/problem+json".parse().unwrap());
    headers
}

fn json_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    headers
}

#[test]
fn an_undocumented_status_names_the_operation_and_what_to_document() {
    let body = br#"{"type":"https://musubi.dev/problems/x","title":"x","status":418,"detail":"x","code":"x"}"#;
    let report = conformance::check(
        &Method::POST,
        "/api/v1/needs",
        418,
        &problem_headers(),
        body,
    )
    .unwrap_err();
    assert!(report.contains("POST /api/v1/needs"), "{report}");
    assert!(report.contains("create_need"), "{report}");
    assert!(report.contains("418"), "{report}");
    assert!(report.contains("(status = 418"), "{report}");
}

#[test]
fn a_body_outside_its_schema_names_the_field() {
    // A need without its organization, and a status outside the enum.
    let body = json!({"id": uuid::Uuid::new_v4(), "status": "archived", "title": "x"});
    let report = conformance::check(
        &Method::GET,
        &format!("/api/v1/needs/{}", uuid::Uuid::new_v4()),
        200,
        &json_headers(),
        body.to_string().as_bytes(),
    )
    .unwrap_err();
    assert!(report.contains("GET /api/v1/needs/{id}"), "{report}");
    assert!(report.contains("NeedView"), "{report}");
    assert!(report.contains("organization"), "{report}");
    assert!(report.contains("/status"), "{report}");
    // An unknown path must be a 404 problem; a 200 there is reported.
    let report = conformance::check(&Method::GET, "/api/v1/nothing", 200, &json_headers(), b"{}")
        .unwrap_err();
    assert!(
        report.contains("no path of the OpenAPI document"),
        "{report}"
    );
}

#[test]
fn a_problem_for_an_undocumented_content_type_is_reported() {
    let report = conformance::check(
        &Method::GET,
        "/api/v1/needs",
        422,
        &json_headers(),
        br#"{"type":"t","title":"t","status":422,"detail":"d","code":"c"}"#,
    )
    .unwrap_err();
    assert!(report.contains("application/json"), "{report}");
    assert!(report.contains("application/problem+json"), "{report}");
}

#[test]
fn views_are_plain_objects_that_allow_their_own_fields() {
    let document = document();
    for name in ["NeedView", "ProfileView"] {
        let schema = &document["components"]["schemas"][name];
        assert!(schema["allOf"].is_null(), "{name}: {schema}");
        assert_ne!(schema["additionalProperties"], false, "{name}");
        for field in ["created_at", "updated_at", "hours_per_month", "skills"] {
            assert!(schema["properties"][field].is_object(), "{name}.{field}");
        }
    }
    let need = &document["components"]["schemas"]["NeedView"];
    for field in ["id", "status", "organization", "title", "hours_per_month"] {
        assert!(
            need["required"]
                .as_array()
                .unwrap()
                .contains(&Value::from(field)),
            "NeedView.{field} required"
        );
    }
    // The input still refuses unknown fields, as the server does.
    assert_eq!(
        document["components"]["schemas"]["NeedInput"]["additionalProperties"],
        false
    );
    assert_eq!(
        document["components"]["schemas"]["NeedInput"]["properties"]["headcount"]["maximum"],
        50
    );
}

#[test]
fn every_operation_documents_the_errors_of_its_kind() {
    let document = document();
    let without_database = [
        "/health",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/taxonomy",
    ];
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let lists = |status: &str| responses.contains_key(status);
            let name = format!("{method} {path}");
            let authenticated = operation["security"].as_array().is_some_and(|s| {
                s.iter()
                    .any(|r| r.as_object().is_some_and(|r| !r.is_empty()))
            });
            if authenticated {
                assert!(lists("401"), "{name}: 401");
            }
            if operation["requestBody"].is_object() {
                for status in ["400", "413", "415", "422"] {
                    assert!(lists(status), "{name}: {status}");
                }
            }
            let query = operation["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["in"] == "query"));
            if query {
                assert!(lists("422"), "{name}: 422");
            }
            if path.contains("{id}") {
                assert!(lists("404"), "{name}: 404");
            }
            if path.starts_with("/api/v1/auth/") {
                assert!(lists("429"), "{name}: 429");
            }
            if !without_database.contains(&path.as_str()) {
                assert!(lists("503"), "{name}: 503");
                assert!(
                    responses["503"]["headers"]["Retry-After"].is_object(),
                    "{name}: 503 Retry-After"
                );
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{name}: {status} is problem+json"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked >= 38, "{checked}");
}

#[tokio::test]
async fn limits_are_documented_as_enforced() {
    let app = TestApp::spawn().await;
    let document = document();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["name"] == "limit" {
                    assert_eq!(parameter["schema"]["minimum"], 1, "{method} {path}");
                    assert_eq!(parameter["schema"]["maximum"], 100, "{method} {path}");
                }
            }
        }
    }
    // And the server enforces exactly that.
    for (limit, status) in [("0", 422), ("101", 422), ("1", 200), ("100", 200)] {
        let response = app
            .client
            .get(app.api(&format!("/needs?limit={limit}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "limit={limit}");
    }
}

#[tokio::test]
async fn a_known_path_with_another_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let id = uuid::Uuid::new_v4();
    for (method, path, allow) in [
        (Method::DELETE, "/api/v1/needs".to_owned(), "GET, POST"),
        (Method::PUT, format!("/api/v1/needs/{id}"), "GET, PATCH"),
        (Method::GET, "/api/v1/auth/login".to_owned(), "POST"),
        (Method::POST, "/health".to_owned(), "GET"),
    ] {
        // The harness checks the 405 and its Allow against the document as well.
        let response = app
            .client
            .request(method.clone(), format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["allow"].to_str().unwrap(),
            allow,
            "{method} {path}"
        );
        let body = problem(response, 405).await;
        assert_eq!(body["code"], "method_not_allowed");
    }
    // An unknown path is still 404.
    let response = app.client.delete(app.api("/nowhere")).send().await.unwrap();
    assert_eq!(problem(response, 404).await["code"], "no_route");
}

#[tokio::test]
async fn decline_and_cancel_take_an_optional_body_and_refuse_a_broken_one() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "株式会社テスト").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let mut matches = Vec::new();
    for name in ["山田 花子", "佐藤 太郎", "鈴木 一郎"] {
        let professional = app
            .professional_with_profile(name, &marketer_profile())
            .await;
        let (status, created) = json(
            app.post(
                "/matches",
                &coordinator.token,
                &json!({"need_id": need, "professional_id": professional.id}),
            )
            .await,
        )
        .await;
        assert_eq!(status, 201, "{created}");
        matches.push(created["id"].as_str().unwrap().to_owned());
    }
    let path = |id: &str| app.api(&format!("/matches/{id}/cancel"));
    // A broken body is refused, not ignored.
    let bad_json = app
        .authed(
            Method::POST,
            &format!("/matches/{}/cancel", matches[0]),
            &coordinator.token,
        )
        .header("content-type", "application/json")
        .body("{\"reason\": ")
        .send()
        .await
        .unwrap();
    problem(bad_json, 400).await;
    let wrong_type = app
        .authed(
            Method::POST,
            &format!("/matches/{}/cancel", matches[0]),
            &coordinator.token,
        )
        .header("content-type", "text/plain")
        .body("because")
        .send()
        .await
        .unwrap();
    problem(wrong_type, 415).await;
    let unknown_field = app
        .post(
            &format!("/matches/{}/cancel", matches[0]),
            &coordinator.token,
            &json!({"why": "x"}),
        )
        .await;
    problem(unknown_field, 422).await;
    // No body, `null`, and a reason are all accepted.
    let none = app
        .client
        .post(path(&matches[0]))
        .bearer_auth(&coordinator.token)
        .send()
        .await
        .unwrap();
    let (status, cancelled) = json(none).await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (200, Some("cancelled"))
    );
    let null = app
        .post(
            &format!("/matches/{}/cancel", matches[1]),
            &coordinator.token,
            &Value::Null,
        )
        .await;
    assert_eq!(null.status(), 200);
    let reason = app
        .post(
            &format!("/matches/{}/cancel", matches[2]),
            &coordinator.token,
            &json!({"reason": "予算が確保できませんでした"}),
        )
        .await;
    assert_eq!(reason.status(), 200);
}
