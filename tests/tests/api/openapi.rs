//! The OpenAPI document covers every route, and every documented route is served.

use musubi_tests::TestApp;
use serde_json::Value;

use crate::json;

/// The contract of this issue (API.md), as (method, path template).
const CONTRACT: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/ready"),
    ("get", "/metrics"),
    ("get", "/api/v1/openapi.json"),
    ("post", "/api/v1/auth/register"),
    ("post", "/api/v1/auth/login"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/regions"),
    ("get", "/api/v1/regions/{id}"),
    ("get", "/api/v1/taxonomy"),
    ("post", "/api/v1/needs"),
    ("get", "/api/v1/needs"),
    ("get", "/api/v1/needs/{id}"),
    ("patch", "/api/v1/needs/{id}"),
    ("post", "/api/v1/needs/{id}/close"),
    ("put", "/api/v1/profiles/me"),
    ("get", "/api/v1/profiles/me"),
    ("delete", "/api/v1/profiles/me"),
    ("get", "/api/v1/profiles/me/export"),
    ("get", "/api/v1/profiles/{id}"),
    ("post", "/api/v1/needs/{id}/applications"),
    ("get", "/api/v1/applications"),
    ("post", "/api/v1/applications/{id}/withdraw"),
    ("get", "/api/v1/needs/{id}/candidates"),
    ("get", "/api/v1/profiles/me/recommendations"),
    ("get", "/api/v1/regions/{id}/weights"),
    ("put", "/api/v1/regions/{id}/weights"),
    ("get", "/api/v1/regions/{id}/report"),
    ("get", "/api/v1/regions/{id}/assignment"),
    ("post", "/api/v1/matches"),
    ("get", "/api/v1/matches"),
    ("get", "/api/v1/matches/{id}"),
    ("post", "/api/v1/matches/{id}/accept"),
    ("post", "/api/v1/matches/{id}/decline"),
    ("post", "/api/v1/matches/{id}/cancel"),
    ("post", "/api/v1/matches/{id}/meetings"),
    ("post", "/api/v1/matches/{id}/meetings/cancel"),
    ("post", "/api/v1/matches/{id}/outcome"),
    ("get", "/api/v1/outbox"),
];

async fn document(app: &TestApp) -> Value {
    let (status, document) = json(
        app.client
            .get(app.api("/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    document
}

#[tokio::test]
async fn every_route_of_the_contract_is_documented_with_responses() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        document["openapi"]
    );
    for (method, path) in CONTRACT {
        let operation = &document["paths"][path][method];
        assert!(
            operation.is_object(),
            "{method} {path} is missing from the OpenAPI document"
        );
        assert!(
            operation["responses"]
                .as_object()
                .is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
    }
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let paths = document["paths"].as_object().unwrap();
    assert!(paths.len() >= 18);
    for (path, item) in paths {
        let concrete = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .client
                .request(method.clone(), format!("{}{concrete}", app.address))
                .send()
                .await
                .unwrap();
            let status = response.status();
            let body = response.text().await.unwrap();
            assert!(
                !body.contains("\"no_route\""),
                "{method} {path} is documented but not served ({status})"
            );
        }
    }
}

#[tokio::test]
async fn the_document_is_valid_openapi_3_1() {
    let app = TestApp::spawn().await;
    let document = document(&app).await;
    let schema: Value =
        serde_json::from_str(include_str!("../fixtures/openapi-3.1.schema.json")).unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid OpenAPI 3.1:\n{}",
        errors.join("\n")
    );
    // Every $ref points at a schema that exists.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(
            document["components"]["schemas"][name].is_object(),
            "dangling $ref to {name}"
        );
    }
}
