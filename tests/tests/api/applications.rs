use musubi_tests::{TestApp, User, cmo_need, marketer_profile};
use serde_json::{Value, json};

use crate::{fields, json, problem};

struct World {
    app: TestApp,
    region: uuid::Uuid,
    sme: User,
    need: uuid::Uuid,
    pro: User,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    World {
        app,
        region,
        sme,
        need,
        pro,
    }
}

async fn apply(world: &World, who: &User, message: &str) -> reqwest::Response {
    world
        .app
        .post(
            &format!("/needs/{}/applications", world.need),
            &who.token,
            &json!({"message": message}),
        )
        .await
}

#[tokio::test]
async fn a_professional_applies_once_per_need() {
    let w = world().await;
    let (status, application) =
        json(apply(&w, &w.pro, "塩尻出身のマーケターです。週末に伴走できます。").await).await;
    assert_eq!(status, 201, "{application}");
    assert_eq!(application["status"], "submitted");
    assert_eq!(application["need_id"], w.need.to_string());
    assert_eq!(
        application["message"],
        "塩尻出身のマーケターです。週末に伴走できます。"
    );
    assert!(application.get("score").is_some(), "{application}");
    let body = problem(apply(&w, &w.pro, "もう一度").await, 409).await;
    assert_eq!(body["code"], "already_applied");
}

#[tokio::test]
async fn applying_needs_a_profile_an_open_need_and_a_message() {
    let w = world().await;
    let no_profile = w.app.professional("新人").await;
    problem(apply(&w, &no_profile, "よろしくお願いします").await, 409).await;
    let body = problem(apply(&w, &w.pro, "  ").await, 422).await;
    assert_eq!(fields(&body), ["message"]);
    problem(
        w.app
            .post(
                &format!("/needs/{}/applications", w.need),
                &w.sme.token,
                &json!({"message": "x"}),
            )
            .await,
        403,
    )
    .await;
    w.app
        .post(
            &format!("/needs/{}/close", w.need),
            &w.sme.token,
            &json!({}),
        )
        .await;
    problem(apply(&w, &w.pro, "閉じた募集へ").await, 404).await;
    problem(
        w.app
            .post(
                &format!("/needs/{}/applications", uuid::Uuid::new_v4()),
                &w.pro.token,
                &json!({"message": "x"}),
            )
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn an_sme_sees_its_applicants_pseudonymously() {
    let w = world().await;
    apply(&w, &w.pro, "提案です").await;
    let (status, page) = json(w.app.get("/applications", &w.sme.token).await).await;
    assert_eq!(status, 200);
    let application = &page["items"][0];
    assert_eq!(application["message"], "提案です");
    assert!(
        application["applicant"]["display"]
            .as_str()
            .unwrap()
            .contains("東京都"),
        "{application}"
    );
    assert!(
        application["applicant"].get("display_name").is_none(),
        "{application}"
    );
    let text = page.to_string();
    for secret in ["山田", &w.pro.email, "メーカーで10年"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
}

#[tokio::test]
async fn an_sme_cannot_read_another_smes_applications() {
    let w = world().await;
    apply(&w, &w.pro, "提案です").await;
    let other_sme = w.app.sme(w.region, "別の会社").await;
    let (status, page) = json(w.app.get("/applications", &other_sme.token).await).await;
    assert_eq!(status, 200);
    assert!(page["items"].as_array().unwrap().is_empty(), "{page}");
    problem(
        w.app
            .get(
                &format!("/applications?need_id={}", w.need),
                &other_sme.token,
            )
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn coordinators_see_applications_in_their_region_only() {
    let w = world().await;
    apply(&w, &w.pro, "提案です").await;
    let coordinator = w.app.coordinator(w.region).await;
    let (_, page) = json(w.app.get("/applications", &coordinator.token).await).await;
    assert_eq!(page["items"][0]["applicant"]["display_name"], "山田 花子");

    let elsewhere = w.app.create_region("松本市", "長野県", "松本市").await;
    let outsider = w.app.coordinator(elsewhere).await;
    let (_, page) = json(w.app.get("/applications", &outsider.token).await).await;
    assert!(page["items"].as_array().unwrap().is_empty());
    problem(
        w.app
            .get(
                &format!("/applications?need_id={}", w.need),
                &outsider.token,
            )
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn a_professional_lists_only_their_own_applications() {
    let w = world().await;
    apply(&w, &w.pro, "私の提案").await;
    let other = w
        .app
        .professional_with_profile("佐藤 一郎", &marketer_profile())
        .await;
    apply(&w, &other, "別の提案").await;
    let (_, page) = json(w.app.get("/applications", &w.pro.token).await).await;
    let messages: Vec<&Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["message"])
        .collect();
    assert_eq!(messages, [&json!("私の提案")]);
}

#[tokio::test]
async fn only_the_applicant_withdraws_and_only_once() {
    let w = world().await;
    let (_, application) = json(apply(&w, &w.pro, "提案です").await).await;
    let path = format!(
        "/applications/{}/withdraw",
        application["id"].as_str().unwrap()
    );
    let other = w
        .app
        .professional_with_profile("佐藤 一郎", &marketer_profile())
        .await;
    problem(w.app.post(&path, &other.token, &json!({})).await, 404).await;
    problem(w.app.post(&path, &w.sme.token, &json!({})).await, 403).await;
    let (status, withdrawn) = json(w.app.post(&path, &w.pro.token, &json!({})).await).await;
    assert_eq!((status, &withdrawn["status"]), (200, &json!("withdrawn")));
    problem(w.app.post(&path, &w.pro.token, &json!({})).await, 409).await;
}
