use musubi_tests::TestApp;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::json;

use crate::{fields, json, problem};

#[tokio::test]
async fn an_sme_registers_with_its_organization_and_sees_itself() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器店").await;
    let (status, me) = json(app.get("/me", &sme.token).await).await;
    assert_eq!(status, 200);
    assert_eq!(me["role"], "sme");
    assert_eq!(me["email"], sme.email.as_str());
    assert!(me["organization_id"].is_string(), "{me}");
    assert!(
        me.get("password_hash").is_none() && !me.to_string().contains("argon2"),
        "{me}"
    );
}

#[tokio::test]
async fn login_returns_a_bearer_token_that_works() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let response = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"email": pro.email.to_uppercase(), "password": "pro-password-123"}))
        .send()
        .await
        .unwrap();
    let (status, body) = json(response).await;
    assert_eq!(status, 200);
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() <= 3600);
    let (status, me) = json(app.get("/me", body["access_token"].as_str().unwrap()).await).await;
    assert_eq!(
        (status, me["id"].as_str()),
        (200, Some(pro.id.to_string().as_str()))
    );
}

#[tokio::test]
async fn unknown_email_and_wrong_password_give_identical_401s() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let wrong_password = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"email": pro.email, "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    let unknown_email = app
        .client
        .post(app.api("/auth/login"))
        .json(&json!({"email": "nobody@musubi.test", "password": "not-the-password"}))
        .send()
        .await
        .unwrap();
    let strip = |response: &reqwest::Response| {
        let mut headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .filter(|(name, _)| *name != "date")
            .map(|(name, value)| {
                (
                    name.to_string(),
                    value.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect();
        headers.sort();
        (response.status(), headers)
    };
    assert_eq!(strip(&wrong_password), strip(&unknown_email));
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(
        wrong_password.bytes().await.unwrap(),
        unknown_email.bytes().await.unwrap()
    );
}

#[tokio::test]
async fn stored_hashes_are_argon2id_with_owasp_parameters() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            app.db.get_database_backend(),
            format!(
                "SELECT password_hash FROM users WHERE email = '{}'",
                pro.email
            ),
        ))
        .await
        .unwrap()
        .unwrap();
    let hash: String = row.try_get("", "password_hash").unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains("pro-password-123"));
}

#[tokio::test]
async fn coordinators_cannot_self_register() {
    let app = TestApp::spawn().await;
    let body = json!({"email": "c@musubi.test", "password": "coordinator-pass", "display_name": "C", "role": "coordinator"});
    let problem = problem(
        app.client
            .post(app.api("/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&problem), ["role"]);
}

#[tokio::test]
async fn a_taken_email_is_409_whatever_its_case() {
    let app = TestApp::spawn().await;
    let pro = app.professional("山田 花子").await;
    let body = json!({"email": pro.email.to_uppercase(), "password": "another-password", "display_name": "別人", "role": "professional"});
    problem(
        app.client
            .post(app.api("/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        409,
    )
    .await;
}

#[tokio::test]
async fn an_sme_needs_an_organization_in_a_real_region() {
    let app = TestApp::spawn().await;
    let without = json!({"email": "a@musubi.test", "password": "sme-password-1", "display_name": "A", "role": "sme"});
    let body = problem(
        app.client
            .post(app.api("/auth/register"))
            .json(&without)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["organization"]);
    let nowhere = json!({"email": "a@musubi.test", "password": "sme-password-1", "display_name": "A", "role": "sme",
        "organization": {"name": "A社", "kind": "sme", "region_id": uuid::Uuid::new_v4(), "industry": "retail", "city": "塩尻市"}});
    let body = problem(
        app.client
            .post(app.api("/auth/register"))
            .json(&nowhere)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["organization.region_id"]);
}

#[tokio::test]
async fn weak_passwords_and_bad_emails_are_named() {
    let app = TestApp::spawn().await;
    let body = json!({"email": "not-an-email", "password": "short", "display_name": "", "role": "professional"});
    let body = problem(
        app.client
            .post(app.api("/auth/register"))
            .json(&body)
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["email", "password", "display_name"]);
}

#[tokio::test]
async fn regions_are_public() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let (status, regions) = json(app.client.get(app.api("/regions")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(regions[0]["name"], "塩尻市");
    assert_eq!(regions[0]["prefecture"], "長野県");
    let (status, one) = json(
        app.client
            .get(app.api(&format!("/regions/{region}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, one["id"].as_str()),
        (200, Some(region.to_string().as_str()))
    );
    problem(
        app.client
            .get(app.api(&format!("/regions/{}", uuid::Uuid::new_v4())))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
}

#[tokio::test]
async fn the_taxonomy_resolves_skills_with_japanese_labels() {
    let app = TestApp::spawn().await;
    let (status, taxonomy) = json(app.client.get(app.api("/taxonomy")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    let skills = taxonomy["skills"].as_array().unwrap();
    assert!(skills.len() >= 120, "{} skills", skills.len());
    let marketing = skills
        .iter()
        .find(|s| s["key"] == "digital_marketing")
        .unwrap();
    assert!(
        marketing["ja"].as_str().unwrap().contains("マーケティング"),
        "{marketing}"
    );
    assert_eq!(taxonomy["prefectures"].as_array().unwrap().len(), 47);
    assert!(
        taxonomy["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["key"] == "chro")
    );
}
