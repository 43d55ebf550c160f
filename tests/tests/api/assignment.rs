//! `GET /regions/{id}/assignment`: the region-wide suggestion and its audit (issue 12).
//!
//! The expected answer is computed independently: the edges are read back through the
//! API's own candidate lists (`scope=all`, the best 50 of each need), the capacities
//! from what the test created, and the matcher solves them directly.

use std::collections::{BTreeSet, HashMap};

use musubi_matcher::assign::{self, AssignmentBuilder, Edge, Problem};
use musubi_tests::{TestApp, User, cmo_need, marketer_profile};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{fields, json, problem};

/// A candidate edge read back: `(need, professional, score, preference, application_id)`.
type EdgeRow = (Uuid, Uuid, f64, f64, Value);

struct Region {
    app: TestApp,
    region: Uuid,
    coordinator: User,
    sme: User,
    /// Headcount 2; `introduced` has an engagement in progress with it.
    first: Uuid,
    /// Headcount 1.
    second: Uuid,
    /// Every professional, with their `max_engagements`.
    professionals: Vec<(User, u32)>,
    /// Introduced to `first`, with `max_engagements` 1: no room left.
    introduced: User,
}

/// The marketer, with some fields replaced.
pub(crate) fn profile_with(changes: Value) -> Value {
    let mut profile = marketer_profile();
    for (key, value) in changes.as_object().unwrap() {
        profile[key] = value.clone();
    }
    profile
}

/// Two needs, five professionals of different fits and capacities, one engagement in
/// progress (an introduction from an application), one application waiting.
async fn region() -> Region {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let mut first_need = cmo_need();
    first_need["headcount"] = json!(2);
    let first = app.post_need(&sme, &first_need).await;
    let mut second_need = cmo_need();
    second_need["title"] = json!("漆器ブランドのEC担当（デジタルマーケティング）");
    second_need["themes"] = json!(["traditional_craft"]);
    let second = app.post_need(&sme, &second_need).await;

    let profiles = [
        ("中村 一郎", profile_with(json!({"max_engagements": 1}))),
        ("小林 二葉", profile_with(json!({"max_engagements": 2}))),
        (
            "加藤 三雄",
            profile_with(json!({
                "max_engagements": 1, "ties": [], "themes": ["traditional_craft"],
                "home": {"prefecture": "大阪府", "city": "大阪市"}
            })),
        ),
        (
            "吉田 四季",
            profile_with(json!({
                "max_engagements": 2, "headline": "フリーランスのデザイナー",
                "skills": [{"skill": "digital_marketing", "level": 2, "years": 2}],
                "roles": [{"role": "designer", "years": 6}], "ties": []
            })),
        ),
    ];
    let mut professionals = Vec::new();
    for (name, profile) in &profiles {
        let user = app.professional_with_profile(name, profile).await;
        let max = profile["max_engagements"].as_u64().unwrap() as u32;
        professionals.push((user, max));
    }
    let introduced = app
        .professional_with_profile("山田 花子", &profile_with(json!({"max_engagements": 1})))
        .await;
    professionals.push((introduced.clone(), 1));

    // An engagement in progress: `introduced` applied to `first` and was introduced.
    apply(&app, first, &introduced).await;
    let (status, body) = json(
        app.post(
            "/matches",
            &coordinator.token,
            &json!({"need_id": first, "professional_id": introduced.id, "note": "ぜひ"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["status"], "introduced", "{body}");
    // An application waiting: the designer applied to `second`.
    apply(&app, second, &professionals[3].0).await;

    Region {
        app,
        region,
        coordinator,
        sme,
        first,
        second,
        professionals,
        introduced,
    }
}

async fn apply(app: &TestApp, need: Uuid, who: &User) {
    let response = app
        .post(
            &format!("/needs/{need}/applications"),
            &who.token,
            &json!({"message": "塩尻の漆器を全国に届けたいです"}),
        )
        .await;
    assert_eq!(response.status(), 201);
}

impl Region {
    async fn assignment(&self, who: &User, query: &str) -> reqwest::Response {
        self.app
            .get(
                &format!("/regions/{}/assignment{query}", self.region),
                &who.token,
            )
            .await
    }

    async fn suggestion(&self, query: &str) -> Value {
        let (status, body) = json(self.assignment(&self.coordinator, query).await).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    /// Each need's candidate list as the API gives it (everyone, the best 50).
    async fn candidates(&self, need: Uuid) -> Vec<Value> {
        let (status, body) = json(
            self.app
                .get(
                    &format!("/needs/{need}/candidates?scope=all&limit=50"),
                    &self.coordinator.token,
                )
                .await,
        )
        .await;
        assert_eq!(status, 200, "{body}");
        body["items"].as_array().unwrap().clone()
    }

    /// The edges as the suggestion should see them: `(need, professional, score,
    /// preference, application_id)` at or above the floor, without the pair already
    /// matched.
    async fn edges(&self, floor: f64) -> Vec<EdgeRow> {
        let mut edges = Vec::new();
        for need in [self.first, self.second] {
            for candidate in self.candidates(need).await {
                let professional = uuid(&candidate["professional_id"]);
                let score = candidate["score"].as_f64().unwrap();
                if score >= floor && !(need == self.first && professional == self.introduced.id) {
                    edges.push((
                        need,
                        professional,
                        score,
                        candidate["preference"].as_f64().unwrap(),
                        candidate["application_id"].clone(),
                    ));
                }
            }
        }
        edges
    }

    /// Places left: `first` has one engagement in progress.
    fn need_places(&self) -> [(Uuid, u32); 2] {
        [(self.first, 1), (self.second, 1)]
    }

    /// Engagements left: `introduced` has used their one.
    fn professional_room(&self) -> Vec<(Uuid, u32)> {
        self.professionals
            .iter()
            .map(|(user, max)| {
                let used = u32::from(user.id == self.introduced.id);
                (user.id, max - used)
            })
            .collect()
    }
}

fn uuid(value: &Value) -> Uuid {
    Uuid::parse_str(value.as_str().unwrap()).unwrap()
}

fn pairs_of(body: &Value) -> BTreeSet<(Uuid, Uuid)> {
    body["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (uuid(&pair["need_id"]), uuid(&pair["professional_id"])))
        .collect()
}

/// No need over its places, no professional over their room.
fn assert_capacities(r: &Region, pairs: &BTreeSet<(Uuid, Uuid)>) {
    for (need, places) in r.need_places() {
        let taken = pairs.iter().filter(|pair| pair.0 == need).count();
        assert!(taken <= places as usize, "{need} takes {taken}: {pairs:?}");
    }
    for (professional, room) in r.professional_room() {
        let taken = pairs.iter().filter(|pair| pair.1 == professional).count();
        assert!(
            taken <= room as usize,
            "{professional} takes {taken}: {pairs:?}"
        );
    }
    assert!(
        pairs.iter().all(|pair| pair.1 != r.introduced.id),
        "a professional with no engagement left is suggested: {pairs:?}"
    );
}

#[tokio::test]
async fn the_pairs_are_the_matchers_optimum_on_the_candidate_edges_within_capacities() {
    let r = region().await;
    let body = r.suggestion("?floor=20").await;
    assert_eq!(body["mode"], "max_weight");
    assert_eq!(body["scope"], "all");
    assert_eq!(body["floor"], 20.0);
    assert_eq!(body["needs"], 2);

    let edges = r.edges(20.0).await;
    assert_eq!(body["edges"], edges.len(), "{body}");
    let mut builder = AssignmentBuilder::new();
    for (need, places) in r.need_places() {
        builder.need(need.as_u128(), places);
    }
    for (professional, room) in r.professional_room() {
        builder.professional(professional.as_u128(), room);
    }
    for (need, professional, score, ..) in &edges {
        builder.candidate(need.as_u128(), professional.as_u128(), *score as f32);
    }
    let expected: BTreeSet<(Uuid, Uuid)> = builder
        .floor(20.0)
        .solve()
        .unwrap()
        .iter()
        .map(|s| (Uuid::from_u128(s.need), Uuid::from_u128(s.professional)))
        .collect();
    let got = pairs_of(&body);
    assert!(!got.is_empty(), "{body}");
    assert_eq!(got, expected, "{body}");
    assert_capacities(&r, &got);

    // Each pair carries its candidate-list score, reasons and application.
    let by_pair: HashMap<(Uuid, Uuid), &EdgeRow> =
        edges.iter().map(|edge| ((edge.0, edge.1), edge)).collect();
    let mut total = 0.0;
    for pair in body["pairs"].as_array().unwrap() {
        let key = (uuid(&pair["need_id"]), uuid(&pair["professional_id"]));
        let edge = by_pair[&key];
        assert_eq!(pair["score"].as_f64().unwrap(), edge.2, "{pair}");
        assert_eq!(pair["application_id"], edge.4, "{pair}");
        let factors = pair["factors"].as_array().unwrap();
        assert_eq!(factors.len(), 7, "{pair}");
        assert!(
            factors
                .iter()
                .any(|f| !f["reasons"].as_array().unwrap().is_empty()),
            "{pair}"
        );
        total += edge.2;
    }
    let audit = &body["audit"];
    assert_eq!(audit["filled"], got.len(), "{body}");
    assert!(
        (audit["total_score"].as_f64().unwrap() - total).abs() < 0.011,
        "{body}"
    );
}

#[tokio::test]
async fn stable_leaves_no_blocking_pair_and_the_audit_counts_them_as_the_matcher_does() {
    let r = region().await;
    let edges = r.edges(20.0).await;
    let needs: Vec<Uuid> = r.need_places().iter().map(|p| p.0).collect();
    let mut professionals: Vec<Uuid> = r.professional_room().iter().map(|p| p.0).collect();
    professionals.sort();
    let index = |list: &[Uuid], id: Uuid| list.iter().position(|x| *x == id).unwrap() as u32;
    let units = |score: f64| (score * 100.0).round() as i64;
    let problem = Problem {
        need_capacity: r.need_places().iter().map(|p| p.1).collect(),
        professional_capacity: professionals
            .iter()
            .map(|id| r.professional_room().iter().find(|p| p.0 == *id).unwrap().1)
            .collect(),
        edges: edges
            .iter()
            .map(|(need, professional, score, ..)| Edge {
                need: index(&needs, *need),
                professional: index(&professionals, *professional),
                score: units(*score),
            })
            .collect(),
        floor: 2000,
    };
    let preference: Vec<i64> = edges.iter().map(|edge| units(edge.3)).collect();
    let to_ids = |pairs: &[(u32, u32)]| -> BTreeSet<(Uuid, Uuid)> {
        pairs
            .iter()
            .map(|&(n, p)| (needs[n as usize], professionals[p as usize]))
            .collect()
    };

    let body = r.suggestion("?floor=20&mode=stable&scope=all").await;
    assert_eq!(body["mode"], "stable");
    let got = pairs_of(&body);
    let expected = assign::stable(&problem, &preference).unwrap();
    assert_eq!(got, to_ids(&expected.pairs), "{body}");
    assert!(!got.is_empty(), "{body}");
    assert_eq!(body["audit"]["blocking_pairs"], 0, "{body}");
    assert_capacities(&r, &got);

    // The optimum's audit counts what the matcher's audit counts on the same edges.
    let body = r.suggestion("?floor=20&mode=max_weight").await;
    let best = assign::assign(&problem).unwrap();
    assert_eq!(pairs_of(&body), to_ids(&best.pairs));
    let audit = assign::audit(&problem, &preference, &best.pairs).unwrap();
    assert_eq!(
        body["audit"]["blocking_pairs"], audit.blocking_pairs,
        "{body}"
    );
    assert_eq!(body["audit"]["filled"], audit.filled, "{body}");
}

#[tokio::test]
async fn applicants_only_and_a_high_floor_narrow_the_edges() {
    let r = region().await;
    // Only the designer's application is waiting (the other was introduced already).
    let body = r.suggestion("?scope=applicants&floor=0").await;
    assert_eq!(body["scope"], "applicants");
    let designer = r.professionals[3].0.id;
    assert_eq!(
        pairs_of(&body),
        BTreeSet::from([(r.second, designer)]),
        "{body}"
    );
    assert!(body["pairs"][0]["application_id"].is_string(), "{body}");
    // Nobody scores 100.
    let body = r.suggestion("?floor=100").await;
    assert_eq!(body["edges"], 0, "{body}");
    assert_eq!(body["pairs"], json!([]), "{body}");
    assert_eq!(body["audit"]["filled"], 0, "{body}");
}

#[tokio::test]
async fn only_the_regions_coordinators_get_it() {
    let r = region().await;
    let other = r.app.create_region("松本市", "長野県", "松本市").await;
    let stranger = r.app.coordinator(other).await;
    problem(r.assignment(&stranger, "").await, 404).await;
    problem(r.assignment(&r.sme, "").await, 403).await;
    problem(r.assignment(&r.professionals[0].0, "").await, 403).await;
    // A region that does not exist is not found either.
    let missing = r
        .app
        .get(
            &format!("/regions/{}/assignment", Uuid::new_v4()),
            &r.coordinator.token,
        )
        .await;
    problem(missing, 404).await;
}

#[tokio::test]
async fn a_bad_floor_mode_or_scope_is_a_problem_naming_the_parameter() {
    let r = region().await;
    for (query, field) in [
        ("?floor=101", "floor"),
        ("?floor=-1", "floor"),
        ("?floor=NaN", "floor"),
        ("?floor=abc", "floor"),
        ("?mode=greedy", "mode"),
        ("?scope=friends", "scope"),
    ] {
        let body = problem(r.assignment(&r.coordinator, query).await, 422).await;
        assert_eq!(fields(&body), [field], "{query}: {body}");
    }
}
