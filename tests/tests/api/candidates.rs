//! Ranked candidates, scouting, region weights, recommendations, and the ranking index
//! kept in step across server processes.

use std::time::{Duration, Instant};

use musubi_tests::{TestApp, User, cmo_need, marketer_profile};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{fields, json, problem};

struct World {
    app: TestApp,
    region: Uuid,
    sme: User,
    coordinator: User,
    need: Uuid,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let coordinator = app.coordinator(region).await;
    let need = app.post_need(&sme, &cmo_need()).await;
    World {
        app,
        region,
        sme,
        coordinator,
        need,
    }
}

/// The marketer, with some fields replaced.
pub(crate) fn profile_with(changes: Value) -> Value {
    let mut profile = marketer_profile();
    for (key, value) in changes.as_object().unwrap() {
        profile[key] = value.clone();
    }
    profile
}

/// A weaker fit for the CMO need: a designer with a little marketing and no tie.
fn designer_profile() -> Value {
    profile_with(json!({
        "headline": "フリーランスのデザイナー",
        "bio": "デザイン事務所に8年勤務。",
        "motivation": "ブランドづくりを手伝いたい",
        "skills": [{"skill": "digital_marketing", "level": 2, "years": 2}],
        "roles": [{"role": "designer", "years": 6}],
        "themes": [],
        "ties": [],
        "home": {"prefecture": "大阪府", "city": "大阪市"}
    }))
}

impl World {
    async fn apply(&self, who: &User, message: &str) -> Value {
        let (status, body) = json(
            self.app
                .post(
                    &format!("/needs/{}/applications", self.need),
                    &who.token,
                    &json!({"message": message}),
                )
                .await,
        )
        .await;
        assert_eq!(status, 201, "{body}");
        body
    }

    async fn candidates(&self, who: &User, query: &str) -> reqwest::Response {
        self.app
            .get(
                &format!("/needs/{}/candidates{query}", self.need),
                &who.token,
            )
            .await
    }

    async fn items(&self, who: &User, query: &str) -> Vec<Value> {
        let (status, page) = json(self.candidates(who, query).await).await;
        assert_eq!(status, 200, "{page}");
        assert!(page["next_cursor"].is_null(), "{page}");
        page["items"].as_array().unwrap().clone()
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["professional_id"].as_str().unwrap().to_owned())
        .collect()
}

fn number(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

fn factor<'a>(item: &'a Value, name: &str) -> &'a Value {
    item["factors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|factor| factor["factor"] == name)
        .unwrap_or_else(|| panic!("no {name} in {item}"))
}

#[tokio::test]
async fn applicants_are_ranked_best_first_with_factors_and_japanese_reasons() {
    let w = world().await;
    let designer = w
        .app
        .professional_with_profile("田中 一郎", &designer_profile())
        .await;
    let marketer = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let designer_application = w.apply(&designer, "デザイン面で協力します").await;
    let marketer_application = w
        .apply(&marketer, "塩尻出身のマーケターです。関係人口を増やしたい")
        .await;

    let items = w.items(&w.coordinator, "").await;
    assert_eq!(
        ids(&items),
        [marketer.id.to_string(), designer.id.to_string()]
    );
    assert!(number(&items[0]["score"]) > number(&items[1]["score"]));
    let best = &items[0];
    assert_eq!(best["display"], "CMO / 東京都 / 長野県出身");
    assert_eq!(best["excluded"], false);
    assert!(best.get("exclusions").is_none(), "{best}");
    assert_eq!(best["application_id"], marketer_application["id"]);
    assert_eq!(items[1]["application_id"], designer_application["id"]);
    assert_eq!(best["factors"].as_array().unwrap().len(), 7);
    let skills = factor(best, "skill_fit");
    assert_eq!(skills["weight"], 0.25);
    assert_eq!(
        skills["reasons"][0],
        "必須スキル デジタルマーケティング: レベル4 (要求3)"
    );
    assert!(
        skills["reasons_en"][0]
            .as_str()
            .unwrap()
            .starts_with("Must-have skill")
    );
    assert_eq!(
        factor(best, "regional_affinity")["reasons"][0],
        "長野県塩尻市出身 (市区町村が一致)"
    );
    for item in &items {
        assert!(number(&item["reciprocal_score"]) > 0.0, "{item}");
    }
    // The snapshot stored when they applied explains the same score.
    let snapshot = &marketer_application["score"];
    assert_eq!(
        snapshot["factors"].as_array().unwrap().len(),
        7,
        "{snapshot}"
    );
    assert_eq!(
        factor(snapshot, "skill_fit")["reasons"],
        skills["reasons"],
        "{snapshot}"
    );
    assert_eq!(snapshot["excluded"], false);
    assert!((number(&snapshot["score"]) - number(&best["score"])).abs() < 0.5);

    problem(w.candidates(&w.coordinator, "?limit=0").await, 422).await;
    let body = problem(w.candidates(&w.coordinator, "?scope=nobody").await, 422).await;
    assert!(fields(&body).contains(&"scope".to_owned()), "{body}");
    let limited = w.items(&w.coordinator, "?limit=1").await;
    assert_eq!(ids(&limited), [marketer.id.to_string()]);
}

#[tokio::test]
async fn an_sme_sees_its_candidates_without_name_email_or_bio() {
    let w = world().await;
    let mut profile = marketer_profile();
    profile["bio"] = json!("株式会社ヒミツ商事でCMOを務める。秘密の経歴XYZ。");
    let pro = w.app.professional_with_profile("山田 花子", &profile).await;
    w.apply(&pro, "関係人口を増やすシティプロモーションをお手伝いしたい")
        .await;

    let (status, page) = json(w.candidates(&w.sme, "").await).await;
    assert_eq!(status, 200);
    let item = &page["items"][0];
    assert_eq!(item["professional_id"], pro.id.to_string());
    assert_eq!(item["display"], "CMO / 東京都 / 長野県出身");
    assert!(item.get("display_name").is_none() && item.get("email").is_none());
    let text = page.to_string();
    for secret in [
        "山田",
        "花子",
        &pro.email,
        "ヒミツ",
        "秘密の経歴",
        "世田谷区",
    ] {
        assert!(!text.contains(secret), "{secret} leaked to the SME: {text}");
    }
}

#[tokio::test]
async fn coordinators_scout_everyone_and_smes_and_professionals_may_not() {
    let w = world().await;
    let applicant = w
        .app
        .professional_with_profile("田中 一郎", &designer_profile())
        .await;
    let scouted = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    w.apply(&applicant, "応募します").await;

    let applicants = w.items(&w.coordinator, "?scope=applicants").await;
    assert_eq!(ids(&applicants), [applicant.id.to_string()]);
    let everyone = w.items(&w.coordinator, "?scope=all").await;
    assert_eq!(
        ids(&everyone),
        [scouted.id.to_string(), applicant.id.to_string()],
        "the non-applicant ranks first on merit"
    );
    assert!(everyone[0]["application_id"].is_null());
    assert!(everyone[1]["application_id"].is_string());

    problem(w.candidates(&w.sme, "?scope=all").await, 403).await;
    problem(w.candidates(&applicant, "").await, 403).await;
}

#[tokio::test]
async fn other_regions_coordinators_and_other_smes_get_404() {
    let w = world().await;
    let elsewhere = w.app.create_region("松本市", "長野県", "松本市").await;
    let outsider = w.app.coordinator(elsewhere).await;
    problem(w.candidates(&outsider, "").await, 404).await;
    problem(w.candidates(&outsider, "?scope=all").await, 404).await;
    let other_sme = w.app.sme(w.region, "別の会社").await;
    problem(w.candidates(&other_sme, "").await, 404).await;
    let missing = w
        .app
        .get(
            &format!("/needs/{}/candidates", Uuid::new_v4()),
            &w.coordinator.token,
        )
        .await;
    problem(missing, 404).await;
}

#[tokio::test]
async fn an_excluded_applicant_is_hidden_unless_asked_for_with_its_reason() {
    let w = world().await;
    let eligible = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    // The need asks 16–32 hours a month; 4 is below half of the minimum.
    let busy = w
        .app
        .professional_with_profile("多忙 太郎", &profile_with(json!({"hours_per_month": 4})))
        .await;
    w.apply(&eligible, "応募します").await;
    w.apply(&busy, "少しなら").await;

    assert_eq!(ids(&w.items(&w.sme, "").await), [eligible.id.to_string()]);
    let all = w.items(&w.sme, "?include_excluded=true").await;
    assert_eq!(ids(&all), [eligible.id.to_string(), busy.id.to_string()]);
    let excluded = &all[1];
    assert_eq!(excluded["excluded"], true);
    assert_eq!(excluded["exclusions"][0]["exclusion"], "hours_below_half");
    assert_eq!(
        excluded["exclusions"][0]["reason"],
        "稼働可能時間が募集の下限の半分に届きません"
    );
    assert_eq!(all[0]["excluded"], false);
}

#[tokio::test]
async fn reciprocal_mode_orders_by_the_reciprocal_score() {
    let w = world().await;
    // Strong for the need, lukewarm about it: mostly other themes, pay at the top of
    // the budget, wants on-site work, no tie.
    let keen_need = w
        .app
        .professional_with_profile(
            "佐藤 健",
            &profile_with(json!({
                "skills": [{"skill": "digital_marketing", "level": 5, "years": 12}, {"skill": "pr", "level": 4, "years": 5}],
                "roles": [{"role": "cmo", "years": 10}],
                "themes": ["regional_revitalization", "healthcare_welfare", "education"],
                "ties": [],
                "work_style": "onsite",
                "max_onsite_visits_per_month": 8,
                "min_compensation_jpy": 95000,
                "home": {"prefecture": "福岡県", "city": "福岡市"}
            })),
        )
        .await;
    // Weaker for the need, but wants exactly this.
    let keen_pro = w
        .app
        .professional_with_profile(
            "鈴木 葵",
            &profile_with(json!({
                "skills": [{"skill": "digital_marketing", "level": 2, "years": 3}],
                "roles": [{"role": "pr", "years": 3}],
                "industries": ["retail"],
                "min_compensation_jpy": 0
            })),
        )
        .await;
    w.apply(&keen_need, "経験を活かします").await;
    w.apply(&keen_pro, "塩尻の関係人口を増やしたい").await;

    let by_need = w.items(&w.coordinator, "?mode=need").await;
    let by_reciprocal = w.items(&w.coordinator, "?mode=reciprocal").await;
    let sorted = |items: &[Value], key: &str| {
        items
            .windows(2)
            .all(|pair| number(&pair[0][key]) >= number(&pair[1][key]))
    };
    assert!(sorted(&by_need, "score"), "{by_need:?}");
    assert!(
        sorted(&by_reciprocal, "reciprocal_score"),
        "{by_reciprocal:?}"
    );
    assert_eq!(
        ids(&by_need),
        [keen_need.id.to_string(), keen_pro.id.to_string()],
        "{by_need:?}"
    );
    assert_eq!(
        ids(&by_reciprocal),
        [keen_pro.id.to_string(), keen_need.id.to_string()],
        "{by_reciprocal:?}"
    );
}

#[tokio::test]
async fn region_weights_change_the_ranking_at_once_and_bad_ones_are_422() {
    let w = world().await;
    // Skilled with no tie, against less skilled and born in Shiojiri.
    let skilled = w
        .app
        .professional_with_profile(
            "佐藤 健",
            &profile_with(json!({
                "skills": [{"skill": "digital_marketing", "level": 5, "years": 12}, {"skill": "pr", "level": 4, "years": 5}],
                "ties": []
            })),
        )
        .await;
    let local = w
        .app
        .professional_with_profile(
            "鈴木 葵",
            &profile_with(
                json!({"skills": [{"skill": "digital_marketing", "level": 2, "years": 1}]}),
            ),
        )
        .await;
    w.apply(&skilled, "応募します").await;
    w.apply(&local, "地元に貢献したい").await;
    let path = format!("/regions/{}/weights", w.region);

    let (status, defaults) = json(w.app.get(&path, &w.coordinator.token).await).await;
    assert_eq!(status, 200, "{defaults}");
    assert_eq!(defaults["skill_fit"], 0.25);
    assert_eq!(defaults["compensation_fit"], 0.05);
    let before = w.items(&w.coordinator, "").await;
    assert_eq!(ids(&before)[0], skilled.id.to_string());

    let ties_first = json!({"skill_fit": 1, "motivation_fit": 1, "experience_fit": 1,
        "availability_fit": 1, "regional_affinity": 12, "work_style_fit": 1, "compensation_fit": 0});
    let (status, stored) = json(w.app.put(&path, &w.coordinator.token, &ties_first).await).await;
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["regional_affinity"], 0.705882);
    assert_eq!(stored["compensation_fit"], 0.0);
    let (_, read) = json(w.app.get(&path, &w.coordinator.token).await).await;
    assert_eq!(read, stored);
    let after = w.items(&w.coordinator, "").await;
    assert_eq!(ids(&after)[0], local.id.to_string());
    assert_eq!(
        number(&factor(&after[0], "regional_affinity")["weight"]),
        0.7059
    );

    let mut negative = ties_first.clone();
    negative["skill_fit"] = json!(-0.5);
    let body = problem(w.app.put(&path, &w.coordinator.token, &negative).await, 422).await;
    assert_eq!(fields(&body), ["skill_fit"]);
    let zero = json!({"skill_fit": 0, "motivation_fit": 0, "experience_fit": 0,
        "availability_fit": 0, "regional_affinity": 0, "work_style_fit": 0, "compensation_fit": 0});
    let body = problem(w.app.put(&path, &w.coordinator.token, &zero).await, 422).await;
    assert!(fields(&body).contains(&"skill_fit".to_owned()), "{body}");
    let mut missing = ties_first.clone();
    missing.as_object_mut().unwrap().remove("work_style_fit");
    let body = problem(w.app.put(&path, &w.coordinator.token, &missing).await, 422).await;
    assert!(body.to_string().contains("work_style_fit"), "{body}");
    let mut unknown = ties_first.clone();
    unknown["charisma"] = json!(1);
    let status = w
        .app
        .put(&path, &w.coordinator.token, &unknown)
        .await
        .status();
    assert!(status == 400 || status == 422, "{status}");
    // Nothing invalid was stored.
    let (_, still) = json(w.app.get(&path, &w.coordinator.token).await).await;
    assert_eq!(still, stored);

    problem(w.app.put(&path, &w.sme.token, &ties_first).await, 403).await;
    problem(w.app.get(&path, &skilled.token).await, 403).await;
    let elsewhere = w.app.create_region("松本市", "長野県", "松本市").await;
    let outsider = w.app.coordinator(elsewhere).await;
    problem(w.app.put(&path, &outsider.token, &ties_first).await, 404).await;
    problem(w.app.get(&path, &outsider.token).await, 404).await;
}

#[tokio::test]
async fn a_professional_is_recommended_open_needs_by_reciprocal_score() {
    let w = world().await;
    let engineer_need = json!({
        "title": "基幹システム刷新のCTO",
        "description": "製造業の生産管理システムを刷新する",
        "goal": "1年でクラウド移行",
        "role": "cto",
        "style": "advisory",
        "skills": [{"skill": "software_development", "min_level": 4, "must": true}],
        "themes": ["dx"],
        "hours_per_month": {"min": 16, "max": 24},
        "duration_months": 12,
        "work_style": "remote",
        "onsite_visits_per_month": 0,
        "meeting_slots": ["weekday_day"],
        "compensation_jpy": {"min": 50000, "max": 80000},
        "pro_bono": false,
        "headcount": 1
    });
    let other = w.app.post_need(&w.sme, &engineer_need).await;
    let closed = w.app.post_need(&w.sme, &cmo_need()).await;
    w.app
        .post(&format!("/needs/{closed}/close"), &w.sme.token, &json!({}))
        .await;
    let pro = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;

    let (status, page) = json(w.app.get("/profiles/me/recommendations", &pro.token).await).await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let needs: Vec<&str> = items
        .iter()
        .map(|i| i["need_id"].as_str().unwrap())
        .collect();
    assert_eq!(needs, [w.need.to_string(), other.to_string()], "{page}");
    let best = &items[0];
    assert_eq!(best["title"], cmo_need()["title"]);
    assert_eq!(best["organization"]["name"], "丸山漆器");
    assert_eq!(best["region_id"], w.region.to_string());
    assert!(number(&best["reciprocal_score"]) > number(&items[1]["reciprocal_score"]));
    assert_eq!(best["factors"].as_array().unwrap().len(), 7);
    assert_eq!(best["preference_factors"].as_array().unwrap().len(), 5);
    assert!(
        best["preference_factors"][0]["reasons"][0].is_string(),
        "{best}"
    );
    let (_, one) = json(
        w.app
            .get("/profiles/me/recommendations?limit=1", &pro.token)
            .await,
    )
    .await;
    assert_eq!(one["items"].as_array().unwrap().len(), 1);

    problem(
        w.app
            .get("/profiles/me/recommendations", &w.sme.token)
            .await,
        403,
    )
    .await;
    let newcomer = w.app.professional("新人").await;
    problem(
        w.app
            .get("/profiles/me/recommendations", &newcomer.token)
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn an_erased_profile_disappears_from_candidates() {
    let w = world().await;
    let staying = w
        .app
        .professional_with_profile("田中 一郎", &designer_profile())
        .await;
    let leaving = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    w.apply(&staying, "応募します").await;
    w.apply(&leaving, "応募します").await;
    assert_eq!(w.items(&w.coordinator, "").await.len(), 2);

    let response = w.app.delete("/profiles/me", &leaving.token).await;
    assert_eq!(response.status(), 204);
    let gone = leaving.id.to_string();
    for query in [
        "",
        "?include_excluded=true",
        "?scope=all&include_excluded=true",
    ] {
        let items = w.items(&w.coordinator, query).await;
        assert_eq!(ids(&items), [staying.id.to_string()], "{query}");
        assert!(!ids(&items).contains(&gone));
    }
}

#[tokio::test]
async fn an_inactive_profile_is_not_scouted_but_shown_excluded_among_applicants() {
    let w = world().await;
    let pro = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    w.apply(&pro, "応募します").await;
    let unlisted = profile_with(json!({"active": false}));
    assert_eq!(
        w.app
            .put("/profiles/me", &pro.token, &unlisted)
            .await
            .status(),
        200
    );

    assert!(w.items(&w.coordinator, "").await.is_empty());
    assert!(
        w.items(&w.coordinator, "?scope=all&include_excluded=true")
            .await
            .is_empty()
    );
    let applicants = w.items(&w.coordinator, "?include_excluded=true").await;
    assert_eq!(applicants[0]["exclusions"][0]["exclusion"], "inactive");
}

#[tokio::test]
async fn a_list_shown_before_reflects_a_new_application_and_a_patched_need_at_once() {
    let w = world().await;
    assert!(w.items(&w.sme, "").await.is_empty());
    let pro = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    w.apply(&pro, "応募します").await;
    let before = w.items(&w.sme, "").await;
    assert_eq!(ids(&before), [pro.id.to_string()]);

    let patch = json!({"skills": [{"skill": "accounting", "min_level": 4, "must": true}]});
    let response = w
        .app
        .patch(&format!("/needs/{}", w.need), &w.sme.token, &patch)
        .await;
    assert_eq!(response.status(), 200);
    let after = w.items(&w.sme, "").await;
    assert!(
        number(&after[0]["score"]) < number(&before[0]["score"]),
        "{before:?} → {after:?}"
    );
    assert_eq!(
        factor(&after[0], "skill_fit")["reasons"][0],
        "必須スキル 経理・会計: 該当なし"
    );
}

/// Polls `check` until it holds, failing after `deadline`.
async fn within<F, Fut>(deadline: Duration, what: &str, mut check: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < deadline,
            "{what}: not within {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Everyone a server would scout for the need, excluded ones included.
async fn scouted(app: &TestApp, need: Uuid, token: &str) -> Vec<Value> {
    let path = format!("/needs/{need}/candidates?scope=all&include_excluded=true");
    let (status, page) = json(app.get(&path, token).await).await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_second_server_sees_profile_writes_through_the_first_within_two_seconds() {
    let w = world().await;
    let sibling = w.app.spawn_sibling().await;
    let (first, second) = (&w.app, &sibling);
    let (need, token) = (w.need, w.coordinator.token.as_str());
    assert!(scouted(second, need, token).await.is_empty());

    // Written through the first server: the sibling ranks it.
    let pro = w
        .app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let id = pro.id.to_string();
    let id = id.as_str();
    let took = within(
        Duration::from_secs(2),
        "a new profile on the sibling",
        move || async move {
            ids(&scouted(second, need, token).await)
                .iter()
                .any(|listed| listed == id)
        },
    )
    .await;
    eprintln!("a new profile reached the sibling in {took:?}");

    // Changed through the first server: the sibling ranks the new version.
    let busy = profile_with(json!({"hours_per_month": 4}));
    assert_eq!(
        w.app.put("/profiles/me", &pro.token, &busy).await.status(),
        200
    );
    within(
        Duration::from_secs(2),
        "a changed profile on the sibling",
        move || async move { scouted(second, need, token).await[0]["excluded"] == true },
    )
    .await;

    // An application through the sibling: the first server lists the applicant.
    let applied = second
        .post(
            &format!("/needs/{need}/applications"),
            &pro.token,
            &json!({"message": "応募します"}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    within(
        Duration::from_secs(2),
        "an application on the first server",
        move || async move {
            let path = format!("/needs/{need}/candidates?include_excluded=true");
            let (_, page) = json(first.get(&path, token).await).await;
            page["items"]
                .as_array()
                .is_some_and(|items| items.len() == 1)
        },
    )
    .await;

    // Erased through the sibling: the first server drops it.
    assert_eq!(
        sibling.delete("/profiles/me", &pro.token).await.status(),
        204
    );
    within(
        Duration::from_secs(2),
        "an erasure on the first server",
        move || async move { scouted(first, need, token).await.is_empty() },
    )
    .await;
}
