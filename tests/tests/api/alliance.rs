//! The alliance (issue 14): a region finds another region's professionals only with
//! their consent, every such display is a provision record in their export, withdrawing
//! takes them out at once and keeps the records; a region's congestion dampening lowers
//! the much-asked in scouting lists and never an applicant.

use std::time::Duration;

use musubi_tests::{TestApp, User, cmo_need, eventually, marketer_profile, pages::PageClient};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{fields, json, problem};

/// Two regions of the alliance: 塩尻 (長野県), where the marketers are tied, and 鳥取,
/// whose coordinator scouts for a need of a 鳥取 firm.
struct Alliance {
    app: TestApp,
    shiojiri: Uuid,
    tottori: Uuid,
    coordinator: User,
    need: Uuid,
    /// Tied to 長野県, consents to 鳥取.
    sharing: User,
    /// Tied to 長野県, never consented.
    keeping: User,
    /// Tied to 鳥取県: one of 鳥取's own.
    local: User,
}

async fn alliance() -> Alliance {
    let app = TestApp::spawn().await;
    let shiojiri = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let tottori = app.create_region("鳥取県", "鳥取県", "鳥取市").await;
    let coordinator = app.coordinator(tottori).await;
    let sme = app.sme(tottori, "因州和紙工房").await;
    let mut wanted = cmo_need();
    wanted["headcount"] = json!(3);
    let need = app.post_need(&sme, &wanted).await;
    let sharing = app
        .professional_with_profile("佐藤 結", &marketer_profile())
        .await;
    let keeping = app
        .professional_with_profile("鈴木 守", &marketer_profile())
        .await;
    let mut local_profile = marketer_profile();
    local_profile["ties"] = json!([{"prefecture": "鳥取県", "city": "鳥取市", "kind": "family"}]);
    let local = app
        .professional_with_profile("田中 因幡", &local_profile)
        .await;
    let chosen = app
        .put(
            "/profiles/me/sharing",
            &sharing.token,
            &json!({"mode": "list", "regions": [tottori]}),
        )
        .await;
    let (status, body) = json(chosen).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["mode"], "list");
    Alliance {
        app,
        shiojiri,
        tottori,
        coordinator,
        need,
        sharing,
        keeping,
        local,
    }
}

impl Alliance {
    /// 鳥取's scouting list for its need.
    async fn scouted(&self, app: &TestApp) -> Vec<Value> {
        let path = format!("/needs/{}/candidates?scope=all&limit=100", self.need);
        let (status, page) = json(app.get(&path, &self.coordinator.token).await).await;
        assert_eq!(status, 200, "{page}");
        page["items"].as_array().unwrap().clone()
    }

    async fn provisions(&self, who: &User) -> Vec<Value> {
        let (status, export) = json(self.app.get("/profiles/me/export", &who.token).await).await;
        assert_eq!(status, 200, "{export}");
        export["provisions"].as_array().unwrap().clone()
    }
}

fn item<'a>(items: &'a [Value], who: &User) -> Option<&'a Value> {
    let id = who.id.to_string();
    items
        .iter()
        .find(|item| item["professional_id"] == id.as_str())
}

#[tokio::test]
async fn a_consenting_professional_is_found_by_another_region_and_each_display_is_recorded() {
    let a = alliance().await;

    let items = a.scouted(&a.app).await;
    let shared = item(&items, &a.sharing).expect("the consenting professional is listed");
    assert_eq!(shared["other_region"], true, "marked as another region's");
    assert!(
        item(&items, &a.keeping).is_none(),
        "one who did not consent never appears: {items:?}"
    );
    let local = item(&items, &a.local).expect("鳥取's own professional is listed");
    assert_eq!(local["other_region"], false);

    let records = a.provisions(&a.sharing).await;
    assert_eq!(records.len(), 1, "{records:?}");
    let record = &records[0];
    assert_eq!(record["region_id"], a.tottori.to_string());
    assert_eq!(record["region_name"], "鳥取県");
    assert_eq!(record["need_id"], a.need.to_string());
    assert_eq!(record["actor_id"], a.coordinator.id.to_string());
    assert_eq!(record["consent"], "list");
    assert_eq!(record["channel"], "candidates");
    assert_eq!(record["fields"], json!(["display", "scores", "reasons"]));

    // Shown again (a kept list, served from memory): recorded again.
    a.scouted(&a.app).await;
    assert_eq!(a.provisions(&a.sharing).await.len(), 2);
    assert!(a.provisions(&a.keeping).await.is_empty());
    assert!(
        a.provisions(&a.local).await.is_empty(),
        "a region of one's own ties is not a third party"
    );
}

#[tokio::test]
async fn withdrawing_takes_them_out_at_once_and_keeps_the_records() {
    let a = alliance().await;
    assert!(item(&a.scouted(&a.app).await, &a.sharing).is_some());

    let withdrawn = a
        .app
        .put(
            "/profiles/me/sharing",
            &a.sharing.token,
            &json!({"mode": "ties"}),
        )
        .await;
    let (status, body) = json(withdrawn).await;
    assert_eq!(status, 200, "{body}");
    let tottori = body["alliance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == a.tottori.to_string())
        .unwrap();
    assert_eq!(tottori["may_find"], false);

    assert!(
        item(&a.scouted(&a.app).await, &a.sharing).is_none(),
        "gone from 鳥取's list at once"
    );
    let records = a.provisions(&a.sharing).await;
    assert_eq!(records.len(), 1, "the record of the earlier display stays");
    assert_eq!(records[0]["consent"], "list");
}

#[tokio::test]
async fn consent_and_its_withdrawal_reach_another_server_within_the_freshness_window() {
    let a = alliance().await;
    let sibling = a.app.spawn_sibling().await;
    assert!(item(&a.scouted(&sibling).await, &a.sharing).is_some());
    assert!(item(&a.scouted(&sibling).await, &a.keeping).is_none());

    // Consent given through the first server.
    let all = json!({"mode": "all"});
    assert_eq!(
        a.app
            .put("/profiles/me/sharing", &a.keeping.token, &all)
            .await
            .status(),
        200
    );
    // Withdrawn through the first server.
    let ties = json!({"mode": "ties"});
    assert_eq!(
        a.app
            .put("/profiles/me/sharing", &a.sharing.token, &ties)
            .await
            .status(),
        200
    );
    // The change feed's poll plus a kept list's freshness: well inside two seconds.
    let (a, sibling) = (&a, &sibling);
    eventually(
        Duration::from_secs(2),
        "the sibling follows both consents",
        move || async move {
            let items = a.scouted(sibling).await;
            item(&items, &a.sharing).is_none() && item(&items, &a.keeping).is_some()
        },
    )
    .await;
    assert!(!a.provisions(&a.sharing).await.is_empty(), "records kept");
}

#[tokio::test]
async fn the_suggestion_and_the_profile_page_are_provisions_too() {
    let a = alliance().await;

    let path = format!("/regions/{}/assignment?scope=all&floor=0", a.tottori);
    let (status, suggestion) = json(a.app.get(&path, &a.coordinator.token).await).await;
    assert_eq!(status, 200, "{suggestion}");
    let pairs = suggestion["pairs"].as_array().unwrap();
    let shared = item(pairs, &a.sharing).expect("the consenting professional is suggested");
    assert_eq!(shared["other_region"], true);
    assert!(item(pairs, &a.keeping).is_none(), "{pairs:?}");
    let channels = |records: &[Value]| -> Vec<String> {
        records
            .iter()
            .map(|r| r["channel"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(channels(&a.provisions(&a.sharing).await), ["suggestion"]);

    // Scouted by 鳥取, whose coordinator then opens the full profile.
    let scout = a
        .app
        .post(
            "/matches",
            &a.coordinator.token,
            &json!({"need_id": a.need, "professional_id": a.sharing.id, "note": "鳥取からのご相談です"}),
        )
        .await;
    assert_eq!(scout.status(), 201);
    let opened = a
        .app
        .get(&format!("/profiles/{}", a.sharing.id), &a.coordinator.token)
        .await;
    assert_eq!(opened.status(), 200);
    let records = a.provisions(&a.sharing).await;
    assert_eq!(channels(&records), ["suggestion", "profile_view"]);
    assert_eq!(records[1]["fields"], json!(["profile", "display_name"]));
    assert_eq!(records[1]["need_id"], Value::Null);
}

#[tokio::test]
async fn sharing_is_the_professionals_own_and_a_list_names_real_regions() {
    let a = alliance().await;
    let (status, mine) = json(a.app.get("/profiles/me/sharing", &a.keeping.token).await).await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["mode"], "ties");
    assert_eq!(mine["updated_at"], Value::Null);
    let shiojiri = mine["alliance"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == a.shiojiri.to_string())
        .unwrap();
    assert_eq!(
        (shiojiri["own"].clone(), shiojiri["may_find"].clone()),
        (json!(true), json!(true))
    );

    let empty = json!({"mode": "list", "regions": []});
    let refused = problem(
        a.app
            .put("/profiles/me/sharing", &a.keeping.token, &empty)
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["regions"]);
    let unknown = json!({"mode": "list", "regions": [Uuid::new_v4()]});
    problem(
        a.app
            .put("/profiles/me/sharing", &a.keeping.token, &unknown)
            .await,
        422,
    )
    .await;
    problem(
        a.app
            .put(
                "/profiles/me/sharing",
                &a.coordinator.token,
                &json!({"mode": "all"}),
            )
            .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn congestion_lowers_the_much_asked_in_scouting_and_never_an_applicant() {
    let a = alliance().await;
    // Three needs of 鳥取 scout the local professional this month.
    let sme = a.app.sme(a.tottori, "鳥取砂丘観光").await;
    for _ in 0..3 {
        let other = a.app.post_need(&sme, &cmo_need()).await;
        let scout = a
            .app
            .post(
                "/matches",
                &a.coordinator.token,
                &json!({"need_id": other, "professional_id": a.local.id, "note": "ぜひ"}),
            )
            .await;
        assert_eq!(scout.status(), 201);
    }
    let before = a.scouted(&a.app).await;
    let plain = item(&before, &a.local).unwrap()["score"].as_f64().unwrap();
    assert!(
        item(&before, &a.local).unwrap().get("congestion").is_none(),
        "no dampening until the region sets a weight"
    );

    let weight = json!({"weight": 0.5});
    let path = format!("/regions/{}/congestion", a.tottori);
    let (status, set) = json(a.app.put(&path, &a.coordinator.token, &weight).await).await;
    assert_eq!((status, set), (200, weight));
    let after = a.scouted(&a.app).await;
    let local = item(&after, &a.local).unwrap();
    let dampened = local["score"].as_f64().unwrap();
    assert!(
        (dampened - plain / 2.5).abs() < 0.02,
        "score / (1 + 0.5 × 3): {plain} → {dampened}"
    );
    assert_eq!(local["congestion"]["load"], 3);
    assert_eq!(
        local["congestion"]["reason"],
        "今月すでに3件の紹介があります"
    );
    assert_eq!(
        local["congestion"]["undamped_score"].as_f64().unwrap(),
        plain
    );
    let sharing = item(&after, &a.sharing).unwrap();
    assert!(sharing.get("congestion").is_none(), "no load, no dampening");

    // As an applicant of the need, they are never dampened, in either list.
    let applied = a
        .app
        .post(
            &format!("/needs/{}/applications", a.need),
            &a.local.token,
            &json!({"message": "鳥取の家族のためにも"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    let everyone = a.scouted(&a.app).await;
    let applicant = item(&everyone, &a.local).unwrap();
    assert!(applicant.get("congestion").is_none(), "{applicant}");
    assert!(applicant["score"].as_f64().unwrap() >= plain);
    let path = format!("/needs/{}/candidates", a.need);
    let (_, applicants) = json(a.app.get(&path, &a.coordinator.token).await).await;
    assert!(applicants["items"][0].get("congestion").is_none());

    let too_strong = json!({"weight": 11.0});
    let path = format!("/regions/{}/congestion", a.tottori);
    problem(
        a.app.put(&path, &a.coordinator.token, &too_strong).await,
        422,
    )
    .await;
}

async fn logged_in(app: &TestApp, email: &str, password: &str) -> PageClient {
    let mut browser = PageClient::new(&app.address);
    let answer = browser.login(email, password, None).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    browser
}

#[tokio::test]
async fn the_candidates_page_labels_another_regions_professional_and_records_the_display() {
    let a = alliance().await;
    let mut desk = logged_in(&a.app, &a.coordinator.email, "coordinator-password").await;
    let page = desk
        .get(&format!("/needs/{}/candidates?scope=all", a.need))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let shared_at = page
        .body
        .find(&format!("id=\"c-{}\"", a.sharing.id))
        .expect("listed");
    let next = page.body[shared_at..]
        .find("</li>\n<li class=\"candidate\"")
        .map_or(page.body.len(), |end| shared_at + end);
    assert!(page.body[shared_at..next].contains("他地域（本人の同意により表示）"));
    assert!(!page.body.contains(&a.keeping.id.to_string()));
    let records = a.provisions(&a.sharing).await;
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["channel"], "candidates");

    // The professional's data page lists the record, and its download holds it.
    let mut own = logged_in(&a.app, &a.sharing.email, "pro-password-123").await;
    let data = own.get("/me/data").await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    let listed = &data.body[data.body.find("id=\"provisions\"").unwrap()..];
    assert!(listed.contains("<td>鳥取県</td><td>募集の候補一覧</td><td>選んだ地域への共有</td>"));
    let download = own.get("/me/data/export").await;
    let export: Value = serde_json::from_str(&download.body).unwrap();
    assert_eq!(export["provisions"].as_array().unwrap().len(), 1);
    let mut nothing = logged_in(&a.app, &a.keeping.email, "pro-password-123").await;
    assert!(
        nothing
            .get("/me/data")
            .await
            .body
            .contains("まだ記録はありません")
    );
}

#[tokio::test]
async fn a_coordinator_sets_the_congestion_weight_on_a_page_with_errors_beside_the_field() {
    let a = alliance().await;
    let mut desk = logged_in(&a.app, &a.coordinator.email, "coordinator-password").await;
    let form = desk.get("/region/congestion").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let token = form.csrf_token().unwrap();
    let refused = desk
        .post_form(
            "/region/congestion",
            &[("csrf_token", &token), ("weight", "たくさん")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("id=\"weight-error\""));
    assert!(refused.body.contains("value=\"たくさん\""));
    let saved = desk
        .post_form(
            "/region/congestion",
            &[("csrf_token", &token), ("weight", "0.2")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let path = format!("/regions/{}/congestion", a.tottori);
    let (_, stored) = json(a.app.get(&path, &a.coordinator.token).await).await;
    assert_eq!(stored, json!({"weight": 0.2}));
    let mut stranger = logged_in(&a.app, &a.sharing.email, "pro-password-123").await;
    assert_eq!(
        stranger.get("/region/congestion").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_region_cannot_scout_one_who_did_not_consent_even_knowing_their_id() {
    let a = alliance().await;
    let scout = |who: Uuid| json!({"need_id": a.need, "professional_id": who, "note": "鳥取からのご相談です"});
    let refused = problem(
        a.app
            .post("/matches", &a.coordinator.token, &scout(a.keeping.id))
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&refused), ["professional_id"]);
    assert!(
        a.app
            .get(&format!("/profiles/{}", a.keeping.id), &a.coordinator.token)
            .await
            .status()
            == 404,
        "and so never opens their profile"
    );
    for who in [a.sharing.id, a.local.id] {
        let made = a
            .app
            .post("/matches", &a.coordinator.token, &scout(who))
            .await;
        assert_eq!(made.status(), 201);
    }
}
