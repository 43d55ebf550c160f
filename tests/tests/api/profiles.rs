use musubi_tests::{TestApp, cmo_need, marketer_profile};
use serde_json::json;

use crate::{json, problem};

#[tokio::test]
async fn a_professional_writes_reads_and_replaces_their_profile() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    problem(app.get("/profiles/me", &pro.token).await, 404).await;

    let (status, created) = json(
        app.put("/profiles/me", &pro.token, &marketer_profile())
            .await,
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(created["professional_id"], pro.id.to_string());
    assert_eq!(created["display_name"], "山田 花子");
    assert_eq!(created["ties"][0]["kind"], "hometown");
    assert!(
        created["display"].as_str().unwrap().contains("長野県出身"),
        "{created}"
    );

    let mut replacement = marketer_profile();
    replacement["hours_per_month"] = json!(8);
    replacement["home"] = json!({"prefecture": "神奈川", "city": "横浜市"});
    let (status, replaced) = json(app.put("/profiles/me", &pro.token, &replacement).await).await;
    assert_eq!((status, &replaced["hours_per_month"]), (200, &json!(8)));
    assert_eq!(
        replaced["home"]["prefecture"], "神奈川県",
        "short prefecture names are stored in full"
    );

    let (status, read) = json(app.get("/profiles/me", &pro.token).await).await;
    assert_eq!((status, &read["bio"]), (200, &marketer_profile()["bio"]));
    let (status, me) = json(app.get("/me", &pro.token).await).await;
    assert_eq!(
        (status, &me["profile_id"]),
        (200, &json!(pro.id.to_string()))
    );
}

#[tokio::test]
async fn smes_and_coordinators_have_no_profile() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    problem(
        app.put("/profiles/me", &sme.token, &marketer_profile())
            .await,
        403,
    )
    .await;
    let coordinator = app.coordinator(region).await;
    problem(app.get("/profiles/me", &coordinator.token).await, 403).await;
    problem(app.delete("/profiles/me", &coordinator.token).await, 403).await;
}

#[tokio::test]
async fn a_profile_is_seen_by_its_owner_and_coordinators_where_they_applied_only() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let other_region = app.create_region("松本市", "長野県", "松本市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let other_pro = app
        .professional_with_profile("佐藤 一郎", &marketer_profile())
        .await;
    let path = format!("/profiles/{}", pro.id);

    assert_eq!(
        app.get(&path, &pro.token).await.status(),
        200,
        "own profile"
    );
    problem(app.get(&path, &other_pro.token).await, 404).await;
    let coordinator = app.coordinator(region).await;
    problem(app.get(&path, &coordinator.token).await, 404).await;

    let applied = app
        .post(
            &format!("/needs/{need}/applications"),
            &pro.token,
            &json!({"message": "塩尻出身です。ぜひ。"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    let (status, seen) = json(app.get(&path, &coordinator.token).await).await;
    assert_eq!((status, &seen["display_name"]), (200, &json!("山田 花子")));
    let outsider = app.coordinator(other_region).await;
    problem(app.get(&path, &outsider.token).await, 404).await;
    problem(app.get(&path, &sme.token).await, 404).await;
}

#[tokio::test]
async fn the_export_holds_everything_about_the_caller() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    app.post(
        &format!("/needs/{need}/applications"),
        &pro.token,
        &json!({"message": "提案です"}),
    )
    .await;
    let response = app.get("/profiles/me/export", &pro.token).await;
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let (status, export) = json(response).await;
    assert_eq!(status, 200);
    assert_eq!(export["account"]["email"], pro.email.as_str());
    assert_eq!(
        export["profile"]["motivation"],
        marketer_profile()["motivation"]
    );
    assert_eq!(export["applications"][0]["message"], "提案です");
}

#[tokio::test]
async fn erasure_removes_personal_data_and_ends_the_account() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let pro = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    app.post(
        &format!("/needs/{need}/applications"),
        &pro.token,
        &json!({"message": "私の連絡先は hanako@example.jp です"}),
    )
    .await;

    let response = app.delete("/profiles/me", &pro.token).await;
    assert_eq!(response.status(), 204);
    problem(app.get("/me", &pro.token).await, 401).await;
    let login = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"email": pro.email, "password": "pro-password-123"}))
        .send()
        .await
        .unwrap();
    problem(login, 401).await;

    let coordinator = app.coordinator(region).await;
    let (_, applications) = json(app.get("/applications", &coordinator.token).await).await;
    let application = &applications["items"][0];
    assert_eq!(application["status"], "withdrawn");
    assert_eq!(application["message"], "");
    let text = applications.to_string();
    assert!(!text.contains("山田") && !text.contains("hanako"), "{text}");
}

#[tokio::test]
async fn who_may_act_is_judged_before_what_they_sent() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let other_region = app.create_region("松本市", "長野県", "松本市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let stranger = app.coordinator(other_region).await;
    let bad_profile = json!({"headline": " ", "hours_per_month": 0, "work_style": "hybrid",
        "home": {"prefecture": "アトランティス"}});
    let bad_weights = json!({"skill_fit": -1.0, "motivation_fit": 0.0, "experience_fit": 0.0,
        "availability_fit": 0.0, "regional_affinity": 0.0, "work_style_fit": 0.0,
        "compensation_fit": 0.0});

    // An SME has no profile and no outbox, whatever the body or the query says.
    problem(app.put("/profiles/me", &sme.token, &bad_profile).await, 403).await;
    problem(app.get("/outbox?limit=0", &sme.token).await, 403).await;
    // Another region's weights are not there for this coordinator, valid or not.
    let weights = format!("/regions/{region}/weights");
    problem(app.put(&weights, &stranger.token, &bad_weights).await, 404).await;

    // The owner of the desk hears what is wrong with what they sent.
    let coordinator = app.coordinator(region).await;
    let body = problem(
        app.put(&weights, &coordinator.token, &bad_weights).await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "skill_fit", "{body}");
    let body = problem(app.get("/outbox?limit=0", &coordinator.token).await, 422).await;
    assert_eq!(body["errors"][0]["field"], "limit", "{body}");
}
