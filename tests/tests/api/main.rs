//! End-to-end tests of the HTTP API: one binary, a real server per test on a fresh
//! database (PostgreSQL or SQLite, from `MUSUBI_TEST_BACKEND`).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "in a test, a panic is the failure report"
)]

mod action_links;
mod alliance;
mod applications;
mod assignment;
mod auth;
mod candidates;
mod contract;
mod db_connections;
mod demo;
mod email;
mod email_links;
mod engagements;
mod errors;
mod exports;
mod headers;
mod idempotent_creates;
mod input_rules;
mod invitations;
mod mail_delivery;
mod matches;
mod meeting_proposals;
mod need_preview;
mod needs;
mod old_data_mail;
mod openapi;
mod operations;
mod pages;
mod pages_applications;
mod pages_candidates;
mod pages_escaping;
mod pages_match_actions;
mod pages_matches;
mod pages_need_form;
mod pages_profile;
mod pages_public;
mod pages_region_assignment;
mod pages_region_desk;
mod pages_region_outbox;
mod pages_region_weights;
mod pages_relays;
mod profiles;
mod relays;
mod reply_windows;
mod report_speed;
mod sessions;
mod story;
mod throttling;
mod tokens;

use serde_json::Value;

/// Reads a response as JSON, with the status, failing loudly on a non-JSON body.
pub async fn json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("a body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, value)
}

/// Asserts a problem+json response and returns its body.
pub async fn problem(response: reqwest::Response, status: u16) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (got, body) = json(response).await;
    assert_eq!(got, status, "expected {status}, got {got}: {body}");
    assert_eq!(content_type, "application/problem+json", "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(
        body["type"].is_string() && body["title"].is_string() && body["detail"].is_string(),
        "{body}"
    );
    body
}

/// The fields named by a validation problem.
pub fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
