use musubi_tests::{TestApp, cmo_need};
use serde_json::{Value, json};

use crate::{fields, json, problem};

async fn setup() -> (TestApp, uuid::Uuid, musubi_tests::User) {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "塩尻市役所 シティプロモーション課").await;
    (app, region, sme)
}

#[tokio::test]
async fn a_posted_need_appears_in_the_public_list() {
    let (app, region, sme) = setup().await;
    let id = app.post_need(&sme, &cmo_need()).await;
    let (status, page) = json(app.client.get(app.api("/needs")).send().await.unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(page["items"][0]["id"], id.to_string());
    assert_eq!(page["items"][0]["region_id"], region.to_string());
    assert_eq!(page["items"][0]["status"], "open");
    assert_eq!(
        page["items"][0]["organization"]["name"],
        "塩尻市役所 シティプロモーション課"
    );
    assert_eq!(page["items"][0]["skills"][0]["skill"], "digital_marketing");
    assert!(page["next_cursor"].is_null());
    let (status, one) = json(
        app.client
            .get(app.api(&format!("/needs/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, &one["title"]), (200, &cmo_need()["title"]));
}

#[tokio::test]
async fn only_smes_post_needs() {
    let (app, region, _sme) = setup().await;
    let pro = app.professional("山田").await;
    problem(app.post("/needs", &pro.token, &cmo_need()).await, 403).await;
    let coordinator = app.coordinator(region).await;
    problem(
        app.post("/needs", &coordinator.token, &cmo_need()).await,
        403,
    )
    .await;
    problem(
        app.client
            .post(app.api("/needs"))
            .json(&cmo_need())
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let (app, region, sme) = setup().await;
    let other_region = app.create_region("上田市", "長野県", "上田市").await;
    let other_sme = app.sme(other_region, "上田の農園").await;
    let cmo = app.post_need(&sme, &cmo_need()).await;
    let mut farm = cmo_need();
    farm["title"] = json!("農園の直販サイトとブランディング");
    farm["description"] = json!("りんご農家の直販を立ち上げたい");
    farm["role"] = json!("designer");
    farm["work_style"] = json!("hybrid");
    farm["onsite_visits_per_month"] = json!(1);
    farm["skills"] = json!([{"skill": "branding", "min_level": 2, "must": true}]);
    let farm = app.post_need(&other_sme, &farm).await;

    let ids = |page: &Value| {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let get = |query: String| {
        let url = app.api(&format!("/needs?{query}"));
        let client = app.client.clone();
        async move { json(client.get(url).send().await.unwrap()).await.1 }
    };
    assert_eq!(
        ids(&get(format!("region_id={region}")).await),
        [cmo.to_string()]
    );
    assert_eq!(ids(&get("role=designer".into()).await), [farm.to_string()]);
    assert_eq!(
        ids(&get("work_style=hybrid".into()).await),
        [farm.to_string()]
    );
    assert_eq!(
        ids(&get("skill=digital_marketing".into()).await),
        [cmo.to_string()]
    );
    assert_eq!(
        ids(&get("q=%E3%82%8A%E3%82%93%E3%81%94".into()).await),
        [farm.to_string()],
        "q=りんご"
    );
    assert_eq!(ids(&get("q=CMO".into()).await), [cmo.to_string()]);
    assert!(
        ids(&get("q=cmo".into()).await).contains(&cmo.to_string()),
        "q is case-insensitive"
    );
    let body = problem(
        app.client
            .get(app.api("/needs?skill=juggling"))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["skill"]);
    let body = problem(
        app.client
            .get(app.api("/needs?role=wizard"))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["role"]);
}

#[tokio::test]
async fn lists_page_with_a_cursor() {
    let (app, _region, sme) = setup().await;
    let mut posted = Vec::new();
    for i in 0..5 {
        let mut need = cmo_need();
        need["title"] = json!(format!("募集 {i}"));
        posted.push(app.post_need(&sme, &need).await.to_string());
    }
    let (_, first) = json(
        app.client
            .get(app.api("/needs?limit=2"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let (_, second) = json(
        app.client
            .get(app.api(&format!("/needs?limit=2&cursor={cursor}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let cursor = second["next_cursor"].as_str().unwrap().to_owned();
    let (_, third) = json(
        app.client
            .get(app.api(&format!("/needs?limit=2&cursor={cursor}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let mut seen: Vec<String> = [&first, &second, &third]
        .iter()
        .flat_map(|page| {
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(third["next_cursor"].is_null());
    posted.reverse();
    assert_eq!(seen, posted, "newest first, each once");
    seen.dedup();
    assert_eq!(seen.len(), 5);
    let body = problem(
        app.client
            .get(app.api("/needs?limit=0"))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["limit"]);
    let body = problem(
        app.client
            .get(app.api("/needs?limit=101"))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(fields(&body), ["limit"]);
}

#[tokio::test]
async fn owners_and_their_coordinators_patch_others_get_404_or_403() {
    let (app, region, sme) = setup().await;
    let id = app.post_need(&sme, &cmo_need()).await;
    let path = format!("/needs/{id}");

    let (status, patched) = json(
        app.patch(
            &path,
            &sme.token,
            &json!({"headcount": 2, "title": "CMO（2名）"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, &patched["headcount"], &patched["title"]),
        (200, &json!(2), &json!("CMO（2名）"))
    );
    assert_eq!(
        patched["description"],
        cmo_need()["description"],
        "unsent fields stay"
    );

    let coordinator = app.coordinator(region).await;
    let (status, patched) = json(
        app.patch(&path, &coordinator.token, &json!({"duration_months": 12}))
            .await,
    )
    .await;
    assert_eq!((status, &patched["duration_months"]), (200, &json!(12)));

    let other_region = app.create_region("松本市", "長野県", "松本市").await;
    let outsider = app.coordinator(other_region).await;
    problem(
        app.patch(&path, &outsider.token, &json!({"headcount": 3}))
            .await,
        404,
    )
    .await;
    let other_sme = app.sme(region, "別の会社").await;
    problem(
        app.patch(&path, &other_sme.token, &json!({"headcount": 3}))
            .await,
        404,
    )
    .await;
    let pro = app.professional("山田").await;
    problem(
        app.patch(&path, &pro.token, &json!({"headcount": 3})).await,
        403,
    )
    .await;

    let body = problem(
        app.patch(
            &path,
            &sme.token,
            &json!({"hours_per_month": {"min": 40, "max": 10}}),
        )
        .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["hours_per_month.min"]);
    let body = problem(
        app.patch(&path, &sme.token, &json!({"status": "closed"}))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["status"]);
}

#[tokio::test]
async fn a_closed_need_is_hidden_from_everyone_but_its_managers() {
    let (app, region, sme) = setup().await;
    let id = app.post_need(&sme, &cmo_need()).await;
    let pro = app.professional("山田").await;
    problem(
        app.post(&format!("/needs/{id}/close"), &pro.token, &json!({}))
            .await,
        403,
    )
    .await;
    let other_sme = app.sme(region, "別の会社").await;
    problem(
        app.post(&format!("/needs/{id}/close"), &other_sme.token, &json!({}))
            .await,
        404,
    )
    .await;

    let (status, closed) = json(
        app.post(&format!("/needs/{id}/close"), &sme.token, &json!({}))
            .await,
    )
    .await;
    assert_eq!((status, &closed["status"]), (200, &json!("closed")));

    let (_, page) = json(app.client.get(app.api("/needs")).send().await.unwrap()).await;
    assert!(page["items"].as_array().unwrap().is_empty());
    problem(
        app.client
            .get(app.api(&format!("/needs/{id}")))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    problem(app.get(&format!("/needs/{id}"), &pro.token).await, 404).await;
    assert_eq!(
        app.get(&format!("/needs/{id}"), &sme.token).await.status(),
        200
    );
    let coordinator = app.coordinator(region).await;
    assert_eq!(
        app.get(&format!("/needs/{id}"), &coordinator.token)
            .await
            .status(),
        200
    );
    let (_, mine) = json(app.get("/needs?mine=true", &sme.token).await).await;
    assert_eq!(mine["items"][0]["id"], id.to_string());
}

#[tokio::test]
async fn invalid_needs_name_every_bad_field() {
    let (app, _region, sme) = setup().await;
    let mut need = cmo_need();
    need["hours_per_month"] = json!({"min": 40, "max": 32});
    let body = problem(app.post("/needs", &sme.token, &need).await, 422).await;
    assert_eq!(fields(&body), ["hours_per_month.min"]);

    let mut need = cmo_need();
    need["work_style"] = json!("teleport");
    let body = problem(app.post("/needs", &sme.token, &need).await, 422).await;
    assert_eq!(fields(&body), ["work_style"]);

    let mut need = cmo_need();
    need["skills"][0]["min_level"] = json!(9);
    need["headcount"] = json!(0);
    need["title"] = json!("");
    let body = problem(app.post("/needs", &sme.token, &need).await, 422).await;
    assert_eq!(fields(&body), ["title", "skills[0].min_level", "headcount"]);

    let mut need = cmo_need();
    need["salary"] = json!(1);
    let body = problem(app.post("/needs", &sme.token, &need).await, 422).await;
    assert_eq!(fields(&body), ["salary"]);

    let mut need = cmo_need();
    need["hours_per_month"] = json!({"min": -1, "max": 32});
    let body = problem(app.post("/needs", &sme.token, &need).await, 422).await;
    assert_eq!(fields(&body), ["hours_per_month.min"]);
}

#[tokio::test]
async fn long_japanese_text_round_trips_byte_for_byte() {
    let (app, _region, sme) = setup().await;
    let mut need = cmo_need();
    // 200 characters of title and 10,000 of description: kanji, kana, half-width kana,
    // emoji (4-byte UTF-8), a combining mark and a line break.
    let title: String = "漆器ＥＣ立ち上げ🍶ｶﾀｶﾅが\u{3099}"
        .chars()
        .cycle()
        .take(200)
        .collect();
    let description: String = "塩尻の木曽漆器を世界へ。\n職人の想い💡を伝える。"
        .chars()
        .cycle()
        .take(10_000)
        .collect();
    need["title"] = json!(title);
    need["description"] = json!(description);
    let id = app.post_need(&sme, &need).await;
    let (_, stored) = json(
        app.client
            .get(app.api(&format!("/needs/{id}")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        stored["title"].as_str().unwrap().as_bytes(),
        title.as_bytes()
    );
    assert_eq!(
        stored["description"].as_str().unwrap().as_bytes(),
        description.as_bytes()
    );

    need["title"] = json!("漆".repeat(201));
    let body = problem(app.post("/needs", &sme.token, &need).await, 422).await;
    assert_eq!(fields(&body), ["title"]);
}
