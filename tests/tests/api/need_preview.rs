//! `POST /needs/preview`: the pool of an unsaved need. Its counts are those a
//! brute-force count of the same profiles gives (exactly, in the service; rounded down
//! to fives over HTTP); on hand-made data the constraint keeping most people out, and
//! the change that brings them back, are the right ones; and no count under 5 (nor a
//! person) is ever shown.

use futures_util::{StreamExt, stream};
use musubi_api::{
    access::Actor,
    auth::AccountRole,
    domain::need_draft::NeedDraft,
    entities::profile,
    ranking::{Ranking, convert},
    scoring,
    services::need_preview,
};
use musubi_matcher::{Context, Place, ProfileIndex, Weights, exclusion::exclusions, score};
use musubi_tests::{TestApp, User, marketer_profile};
use sea_orm::EntityTrait;
use serde_json::{Value, json};

use crate::json;

/// The hand-made pool: 6 who fit a ¥50,000 need (but meet only on weekday evenings),
/// 12 who ask ¥80,000, 7 who give only 6 hours a month, 2 unlisted.
async fn hand_made_pool(app: &TestApp) -> Vec<User> {
    let mut profiles = Vec::new();
    let with = |changes: &[(&str, Value)]| {
        let mut profile = marketer_profile();
        for (key, value) in changes {
            profile[*key] = value.clone();
        }
        profile
    };
    for _ in 0..6 {
        profiles.push(with(&[
            ("min_compensation_jpy", json!(20000)),
            ("meeting_slots", json!(["weekday_evening"])),
        ]));
    }
    for _ in 0..12 {
        profiles.push(with(&[("min_compensation_jpy", json!(80000))]));
    }
    for _ in 0..7 {
        profiles.push(with(&[
            ("min_compensation_jpy", json!(20000)),
            ("hours_per_month", json!(6)),
        ]));
    }
    for _ in 0..2 {
        profiles.push(with(&[("active", json!(false))]));
    }
    stream::iter(profiles.into_iter().enumerate())
        .map(|(n, body)| async move {
            app.professional_with_profile(&format!("人材 {n}"), &body)
                .await
        })
        .buffered(4)
        .collect()
        .await
}

/// The hand-made need: ¥30,000–50,000, 16–32 hours, remote, weekday daytime meetings.
fn hand_made_need() -> Value {
    json!({
        "title": "漆器ECの立ち上げ",
        "description": "漆器の新しい販路として自社ECを立ち上げたい。商品撮影から運用まで。",
        "goal": "半年で月商50万円",
        "role": "cmo",
        "style": "hands_on",
        "hours_per_month": {"min": 16, "max": 32},
        "work_style": "remote",
        "onsite_visits_per_month": 0,
        "meeting_slots": ["weekday_day"],
        "compensation_jpy": {"min": 30000, "max": 50000},
        "pro_bono": false
    })
}

/// Counts by brute force: every stored profile through `exclusions()` and `score()`,
/// one at a time: (eligible, strong).
async fn brute_force(app: &TestApp, draft: &NeedDraft) -> (u32, u32) {
    let rows = profile::Entity::find()
        .all(&app.db)
        .await
        .expect("profiles");
    let profiles: Vec<_> = rows
        .iter()
        .map(|row| convert::engine_profile(row, 0).expect("a profile"))
        .collect();
    // The server's index holds every stored profile: the same text statistics.
    let index = ProfileIndex::build(&profiles);
    let need = convert::need_of_input(
        0,
        draft.as_written(),
        Place {
            prefecture: "長野県".into(),
            city: "塩尻市".into(),
        },
        "manufacturing".into(),
    );
    let ctx = Context::new(scoring::today())
        .with_corpus(index.corpus())
        .with_weights(Weights::default());
    let (mut eligible, mut strong) = (0, 0);
    for profile in profiles.iter().filter(|profile| profile.active) {
        if exclusions(&need, profile).is_empty() {
            eligible += 1;
            if score(&need, profile, &ctx).total >= 60.0 {
                strong += 1;
            }
        }
    }
    (eligible, strong)
}

/// A count as the API must show it.
fn shown(n: u32) -> Value {
    if n < 5 {
        json!({"at_least": 0, "shown": "<5"})
    } else {
        let at_least = n - n % 5;
        json!({"at_least": at_least, "shown": format!("{at_least}+")})
    }
}

/// Every count in an answer: a multiple of 5, never an exact small number.
fn assert_no_small_count(answer: &Value) {
    let mut counts = vec![&answer["eligible"], &answer["strong"]];
    for limit in answer["limits"].as_array().expect("limits") {
        counts.push(&limit["excluded"]);
        counts.push(&limit["regained"]);
        assert!(limit["excluded"]["at_least"].as_u64().expect("a count") >= 5);
    }
    for count in counts {
        let at_least = count["at_least"].as_u64().expect("at_least");
        assert_eq!(at_least % 5, 0, "{answer}");
        let text = count["shown"].as_str().expect("shown");
        assert!(text == "<5" || text == format!("{at_least}+"), "{answer}");
    }
}

#[tokio::test]
async fn preview_counts_equal_a_brute_force_count_of_the_same_profiles() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    let pool = hand_made_pool(&app).await;
    let ranking = Ranking::load(&app.db).await.expect("an index").0;
    let actor = Actor {
        id: sme.id,
        role: AccountRole::Sme,
        region_id: None,
    };
    let mut richer = hand_made_need();
    richer["compensation_jpy"] = json!({"min": 30000, "max": 90000});
    let mut unpaid = hand_made_need();
    unpaid["compensation_jpy"] = json!(null);
    unpaid["pro_bono"] = json!(true);
    let mut visits = hand_made_need();
    visits["work_style"] = json!("hybrid");
    visits["onsite_visits_per_month"] = json!(2);
    let drafts = [
        hand_made_need(),
        richer,
        unpaid,
        visits,
        json!({}),
        json!({"hours_per_month": {"min": 40, "max": 60}}),
    ];
    let mut strong_seen = 0;
    for body in drafts {
        let draft: NeedDraft = serde_json::from_value(body.clone()).expect("a draft");
        let (eligible, strong) = brute_force(&app, &draft).await;
        // Exactly, in the service.
        let counted = need_preview::preview(&app.db, &ranking, &actor, &draft, scoring::today())
            .await
            .expect("a preview");
        assert_eq!(
            (counted.pool.eligible, counted.pool.strong),
            (eligible, strong),
            "{body}"
        );
        assert_eq!(counted.pool.listed, 25, "the unlisted are not counted");
        strong_seen += strong;
        // Rounded, over HTTP.
        let (status, answer) = json(app.post("/needs/preview", &sme.token, &body).await).await;
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["eligible"], shown(eligible), "{body}");
        assert_eq!(answer["strong"], shown(strong), "{body}");
        assert_no_small_count(&answer);
        // Never a person.
        let text = answer.to_string();
        for user in &pool {
            assert!(!text.contains(&user.id.to_string()) && !text.contains(&user.email));
        }
        assert!(!text.contains("人材 "));
    }
    assert!(
        strong_seen > 0,
        "some drafts have strong candidates to count"
    );
}

#[tokio::test]
async fn the_top_limiting_constraint_and_its_change_are_the_right_ones() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    hand_made_pool(&app).await;

    let (status, answer) = json(
        app.post("/needs/preview", &sme.token, &hand_made_need())
            .await,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["eligible"], json!({"at_least": 5, "shown": "5+"}));
    let limits = answer["limits"].as_array().expect("limits");
    let kinds: Vec<&str> = limits
        .iter()
        .map(|limit| limit["constraint"].as_str().expect("a constraint"))
        .collect();
    assert_eq!(kinds, ["budget", "hours", "meeting_slots"]);
    let budget = &limits[0];
    assert_eq!(budget["excluded"], json!({"at_least": 10, "shown": "10+"}));
    assert_eq!(budget["change"]["kind"], "budget_max");
    assert_eq!(budget["change"]["jpy"], 80000);
    assert_eq!(budget["regained"], json!({"at_least": 10, "shown": "10+"}));
    assert_eq!(
        budget["suggestion"]["ja"],
        "予算の上限を月8万円にすると候補が10人以上増えます"
    );
    assert_eq!(
        limits[1]["change"],
        json!({"kind": "hours_min", "jpy": null, "hours": 12, "slot": null})
    );
    assert_eq!(
        limits[2]["message"]["ja"],
        "平日昼の面談のみだと5人以上が対象外です"
    );
    assert_eq!(limits[2]["change"]["slot"], "weekday_evening");
    assert_no_small_count(&answer);

    // The change it suggests does what it says: at ¥80,000 the twelve are eligible.
    let mut raised = hand_made_need();
    raised["compensation_jpy"] = json!({"min": 30000, "max": 80000});
    let (_, after) = json(app.post("/needs/preview", &sme.token, &raised).await).await;
    assert_eq!(after["eligible"], json!({"at_least": 15, "shown": "15+"}));
    // Now eighteen are eligible and none of them meets on weekday daytimes: the slots
    // keep the most out.
    assert_eq!(after["limits"][0]["constraint"], "meeting_slots");
    assert_eq!(
        after["limits"][0]["excluded"],
        json!({"at_least": 15, "shown": "15+"})
    );
}

#[tokio::test]
async fn a_small_pool_is_never_counted_exactly() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    for n in 0..3 {
        app.professional_with_profile(&format!("人材 {n}"), &marketer_profile())
            .await;
    }
    let (status, answer) = json(
        app.post("/needs/preview", &sme.token, &hand_made_need())
            .await,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["eligible"], json!({"at_least": 0, "shown": "<5"}));
    assert_eq!(answer["strong"], json!({"at_least": 0, "shown": "<5"}));
    // Three are kept out by the budget: too few to describe.
    let mut poorer = hand_made_need();
    poorer["compensation_jpy"] = json!({"min": 0, "max": 10000});
    let (_, answer) = json(app.post("/needs/preview", &sme.token, &poorer).await).await;
    assert_eq!(answer["limits"], json!([]));
    assert_no_small_count(&answer);
}

#[tokio::test]
async fn coordinators_preview_professionals_may_not_and_the_clarity_check_names_what_is_missing() {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let professional = app
        .professional_with_profile("人材", &marketer_profile())
        .await;
    let (status, _) = json(
        app.post("/needs/preview", &professional.token, &json!({}))
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let (status, answer) = json(
        app.post(
            "/needs/preview",
            &coordinator.token,
            &json!({"title": "CHRO", "style": "advisory", "hours_per_month": {"min": 20, "max": 10}}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let missing: Vec<&str> = answer["clarity"]
        .as_array()
        .expect("clarity")
        .iter()
        .filter(|item| item["ok"] == false)
        .map(|item| item["item"].as_str().expect("an item"))
        .collect();
    assert_eq!(missing, ["goal", "scope", "visits", "budget"]);
    // Hours upside down: a problem to fix, not a refusal to preview.
    assert!(
        answer["problems"]
            .as_array()
            .expect("problems")
            .iter()
            .any(|problem| problem["field"] == "hours_per_month.min"),
        "{answer}"
    );
    let (status, _) = json(
        app.post(
            "/needs/preview",
            &coordinator.token,
            &json!({"colour": "red"}),
        )
        .await,
    )
    .await;
    assert!(status == 400 || status == 422);
}

#[tokio::test]
async fn a_need_is_previewed_against_whom_its_region_may_find() {
    let app = TestApp::spawn().await;
    let shiojiri = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let tottori = app.create_region("鳥取市", "鳥取県", "鳥取市").await;
    let near = app.sme(shiojiri, "丸山漆器").await;
    let far = app.sme(tottori, "鳥取砂丘らっきょう").await;
    // Ten from Tokyo with ties to Nagano, who share with nobody else.
    for n in 0..10 {
        app.professional_with_profile(&format!("人材 {n}"), &marketer_profile())
            .await;
    }
    let (_, answer) = json(app.post("/needs/preview", &near.token, &json!({})).await).await;
    assert_eq!(answer["eligible"], json!({"at_least": 10, "shown": "10+"}));
    let (_, answer) = json(app.post("/needs/preview", &far.token, &json!({})).await).await;
    assert_eq!(
        answer["eligible"],
        json!({"at_least": 0, "shown": "<5"}),
        "{answer}"
    );
}
