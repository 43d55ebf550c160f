//! Engagements for tests: a professional carried from an application to `contracted`
//! through the JSON API, which opens their engagement.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::{TestApp, User};

async fn ok(app: &TestApp, path: &str, user: &User, body: &Value) -> Value {
    let response = app.post(path, &user.token, body).await;
    let status = response.status().as_u16();
    let answer: Value = response.json().await.expect("a JSON answer");
    assert!((200..300).contains(&status), "{path}: {status} {answer}");
    answer
}

/// `pro` applies to `need`, the coordinator introduces them, they meet and contract;
/// returns the match and the engagement it opened.
pub async fn contract(app: &TestApp, coordinator: &User, need: Uuid, pro: &User) -> (Uuid, Uuid) {
    ok(
        app,
        &format!("/needs/{need}/applications"),
        pro,
        &json!({"message": "応募します"}),
    )
    .await;
    introduce_and_contract(app, coordinator, need, pro).await
}

/// As [`contract`], for a professional who already applied.
pub async fn introduce_and_contract(
    app: &TestApp,
    coordinator: &User,
    need: Uuid,
    pro: &User,
) -> (Uuid, Uuid) {
    let created = ok(
        app,
        "/matches",
        coordinator,
        &json!({"need_id": need, "professional_id": pro.id}),
    )
    .await;
    let id: Uuid = created["id"]
        .as_str()
        .expect("a match id")
        .parse()
        .expect("a uuid");
    let path = format!("/matches/{id}");
    ok(
        app,
        &format!("{path}/meetings"),
        coordinator,
        &json!({"starts_at": "2030-01-15T19:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"}),
    )
    .await;
    for result in ["met", "contracted"] {
        ok(
            app,
            &format!("{path}/outcome"),
            coordinator,
            &json!({"result": result}),
        )
        .await;
    }
    let response = app.get("/engagements", &coordinator.token).await;
    let list: Value = response.json().await.expect("the engagements");
    let engagement = list
        .as_array()
        .expect("a list")
        .iter()
        .find(|item| item["match_id"] == json!(id))
        .unwrap_or_else(|| panic!("no engagement for match {id}: {list}"));
    let engagement = engagement["id"]
        .as_str()
        .expect("an engagement id")
        .parse()
        .expect("a uuid");
    (id, engagement)
}
