//! The rules of matches: who may do what, in which state, and what each side sees.

use musubi_tests::{TestApp, User, cmo_need, marketer_profile};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{fields, json, problem};

struct Region {
    app: TestApp,
    region: Uuid,
    coordinator: User,
    sme: User,
    need: Uuid,
    applicant: User,
    scouted: User,
}

async fn region() -> Region {
    let app = TestApp::spawn().await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let applicant = app
        .professional_with_profile("山田 花子", &marketer_profile())
        .await;
    let response = app
        .post(
            &format!("/needs/{need}/applications"),
            &applicant.token,
            &json!({"message": "応募します"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let scouted = app
        .professional_with_profile("高橋 美咲", &marketer_profile())
        .await;
    Region {
        app,
        region,
        coordinator,
        sme,
        need,
        applicant,
        scouted,
    }
}

async fn propose(r: &Region, who: &User, key: Option<&str>) -> reqwest::Response {
    let mut request = r
        .app
        .authed(reqwest::Method::POST, "/matches", &r.coordinator.token)
        .json(&json!({"need_id": r.need, "professional_id": who.id, "note": "ぜひ"}));
    if let Some(key) = key {
        request = request.header("Idempotency-Key", key);
    }
    request.send().await.unwrap()
}

async fn outbox_count(app: &TestApp, kind: &str) -> i64 {
    let backend = app.db.get_database_backend();
    let row = app
        .db
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT COUNT(*) AS n FROM outbox WHERE kind = '{kind}'"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

#[tokio::test]
async fn an_application_becomes_an_introduction_and_a_scout_a_proposal() {
    let r = region().await;
    let (status, introduced) = json(propose(&r, &r.applicant, None).await).await;
    assert_eq!(
        (
            status,
            introduced["status"].as_str(),
            introduced["origin"].as_str()
        ),
        (201, Some("introduced"), Some("application"))
    );
    assert!(introduced["application_id"].is_string());
    assert_eq!(outbox_count(&r.app, "introduction").await, 2, "both sides");
    let (status, proposed) = json(propose(&r, &r.scouted, None).await).await;
    assert_eq!(
        (
            status,
            proposed["status"].as_str(),
            proposed["origin"].as_str()
        ),
        (201, Some("proposed"), Some("scout"))
    );
    assert_eq!(outbox_count(&r.app, "scout_invitation").await, 1);
    problem(propose(&r, &r.scouted, None).await, 409).await;
}

#[tokio::test]
async fn a_scouted_professionals_contact_stays_hidden_until_they_accept() {
    let r = region().await;
    let (_, proposed) = json(propose(&r, &r.scouted, None).await).await;
    let path = format!("/matches/{}", proposed["id"].as_str().unwrap());
    let (status, seen) = json(r.app.get(&path, &r.sme.token).await).await;
    assert_eq!(status, 200);
    let text = seen.to_string();
    assert!(
        !text.contains("高橋") && !text.contains(&r.scouted.email),
        "{text}"
    );
    assert!(seen["professional"]["display"].is_string());
    let (_, as_professional) = json(r.app.get(&path, &r.scouted.token).await).await;
    assert!(
        as_professional["organization"].get("email").is_none(),
        "no SME contact before accepting: {as_professional}"
    );

    let (status, accepted) = json(
        r.app
            .post(&format!("{path}/accept"), &r.scouted.token, &json!({}))
            .await,
    )
    .await;
    assert_eq!(
        (status, accepted["status"].as_str()),
        (200, Some("introduced"))
    );
    let (_, seen) = json(r.app.get(&path, &r.sme.token).await).await;
    assert_eq!(seen["professional"]["email"], r.scouted.email.as_str());
    assert_eq!(seen["professional"]["display_name"], "高橋 美咲");
    let (_, as_professional) = json(r.app.get(&path, &r.scouted.token).await).await;
    assert_eq!(
        as_professional["organization"]["email"],
        r.sme.email.as_str()
    );
    assert_eq!(outbox_count(&r.app, "introduction").await, 2);

    // The disclosure is on record, with its consent, in the professional's export.
    let (_, export) = json(r.app.get("/profiles/me/export", &r.scouted.token).await).await;
    let disclosure = &export["disclosures"][0];
    assert_eq!(disclosure["consent"], "scout_acceptance", "{export}");
    assert_eq!(disclosure["organization_name"], "丸山漆器");
}

#[tokio::test]
async fn an_sme_never_sees_a_non_introduced_professionals_name_or_email() {
    let r = region().await;
    let (_, proposed) = json(propose(&r, &r.scouted, None).await).await;
    let (_, page) = json(r.app.get("/matches", &r.sme.token).await).await;
    let text = page.to_string();
    assert!(page["items"].as_array().unwrap().len() == 1, "{page}");
    assert!(
        !text.contains(&r.scouted.email) && !text.contains("高橋"),
        "{text}"
    );
    problem(
        r.app
            .get(&format!("/profiles/{}", r.scouted.id), &r.sme.token)
            .await,
        404,
    )
    .await;
    problem(
        r.app
            .get(&format!("/profiles/{}", r.applicant.id), &r.sme.token)
            .await,
        404,
    )
    .await;

    // Once introduced, the SME may read the profile, and the viewing is recorded.
    propose(&r, &r.applicant, None).await;
    let (status, profile) = json(
        r.app
            .get(&format!("/profiles/{}", r.applicant.id), &r.sme.token)
            .await,
    )
    .await;
    assert_eq!(
        (status, profile["display_name"].as_str()),
        (200, Some("山田 花子"))
    );
    let (_, export) = json(r.app.get("/profiles/me/export", &r.applicant.token).await).await;
    let channels: Vec<&str> = export["disclosures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, ["introduction_email", "profile_view"]);
    let _ = proposed;
}

#[tokio::test]
async fn illegal_transitions_are_409_naming_the_current_state() {
    let r = region().await;
    let (_, introduced) = json(propose(&r, &r.applicant, None).await).await;
    let path = format!("/matches/{}", introduced["id"].as_str().unwrap());
    let body = problem(
        r.app
            .post(
                &format!("{path}/outcome"),
                &r.coordinator.token,
                &json!({"result": "contracted"}),
            )
            .await,
        409,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("introduced"),
        "{body}"
    );
    let body = problem(
        r.app
            .post(&format!("{path}/accept"), &r.applicant.token, &json!({}))
            .await,
        409,
    )
    .await;
    assert!(
        body["detail"].as_str().unwrap().contains("introduced"),
        "{body}"
    );

    let (status, declined) = json(
        r.app
            .post(
                &format!("{path}/decline"),
                &r.sme.token,
                &json!({"reason": "今回は見送ります"}),
            )
            .await,
    )
    .await;
    assert_eq!(
        (status, declined["status"].as_str()),
        (200, Some("cancelled")),
        "declining before meeting cancels"
    );
    let body = problem(r.app.post(&format!("{path}/meetings"), &r.coordinator.token, &json!({"starts_at": "2030-01-01T10:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"})).await, 409).await;
    assert!(
        body["detail"].as_str().unwrap().contains("cancelled"),
        "{body}"
    );
    assert_eq!(
        outbox_count(&r.app, "cancelled").await,
        1,
        "the other side is told"
    );
}

#[tokio::test]
async fn roles_that_may_not_act_get_403_and_outsiders_404() {
    let r = region().await;
    let (_, introduced) = json(propose(&r, &r.applicant, None).await).await;
    let path = format!("/matches/{}", introduced["id"].as_str().unwrap());
    problem(
        r.app
            .post(
                "/matches",
                &r.sme.token,
                &json!({"need_id": r.need, "professional_id": r.scouted.id}),
            )
            .await,
        403,
    )
    .await;
    problem(
        r.app
            .post(
                &format!("{path}/outcome"),
                &r.sme.token,
                &json!({"result": "met"}),
            )
            .await,
        403,
    )
    .await;
    problem(r.app.post(&format!("{path}/meetings"), &r.applicant.token, &json!({"starts_at": "2030-01-01T10:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "x"})).await, 403).await;

    let elsewhere = r.app.create_region("松本市", "長野県", "松本市").await;
    let outsider = r.app.coordinator(elsewhere).await;
    problem(r.app.get(&path, &outsider.token).await, 404).await;
    problem(
        r.app
            .post(
                &format!("{path}/outcome"),
                &outsider.token,
                &json!({"result": "met"}),
            )
            .await,
        404,
    )
    .await;
    problem(
        r.app
            .post(&format!("{path}/cancel"), &outsider.token, &json!({}))
            .await,
        404,
    )
    .await;
    let body = problem(
        r.app
            .post(
                "/matches",
                &outsider.token,
                &json!({"need_id": r.need, "professional_id": r.scouted.id}),
            )
            .await,
        422,
    )
    .await;
    assert_eq!(fields(&body), ["need_id"]);
    problem(
        r.app
            .get(&format!("/regions/{}/report", r.region), &outsider.token)
            .await,
        404,
    )
    .await;
    problem(
        r.app
            .get(&format!("/regions/{}/report", r.region), &r.sme.token)
            .await,
        403,
    )
    .await;
    let stranger = r
        .app
        .professional_with_profile("無関係", &marketer_profile())
        .await;
    problem(r.app.get(&path, &stranger.token).await, 404).await;
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_and_sends_nothing_twice() {
    let r = region().await;
    let first = propose(&r, &r.applicant, Some("intro-yamada-1")).await;
    assert_eq!(first.status(), 201);
    let first: Value = first.json().await.unwrap();
    let replay = propose(&r, &r.applicant, Some("intro-yamada-1")).await;
    assert_eq!(replay.status(), 201);
    assert_eq!(
        replay
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    let replay: Value = replay.json().await.unwrap();
    assert_eq!(replay["id"], first["id"]);
    assert_eq!(
        outbox_count(&r.app, "introduction").await,
        2,
        "no second pair of emails"
    );

    // The same key with another body is refused.
    let body = problem(propose(&r, &r.scouted, Some("intro-yamada-1")).await, 422).await;
    assert_eq!(fields(&body), ["Idempotency-Key"]);

    // A duplicate arriving while the first is in flight is 409.
    let backend = r.app.db.get_database_backend();
    let claim = format!(
        "INSERT INTO idempotency_keys (user_id, scope, key, fingerprint, status, created_at) VALUES ('{}', 'POST /matches', 'in-flight', 'x', 'in_progress', '{}')",
        r.coordinator.id,
        chrono::Utc::now().to_rfc3339()
    );
    let claim = if r.app.backend == musubi_tests::Backend::Sqlite {
        claim.replace(
            &format!("'{}'", r.coordinator.id),
            &format!("X'{}'", r.coordinator.id.simple()),
        )
    } else {
        claim
    };
    r.app
        .db
        .execute_raw(Statement::from_string(backend, claim))
        .await
        .unwrap();
    problem(propose(&r, &r.scouted, Some("in-flight")).await, 409).await;

    // Meetings and outcomes take keys too.
    let path = format!("/matches/{}", first["id"].as_str().unwrap());
    let meeting = json!({"starts_at": "2030-01-01T19:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"});
    for _ in 0..2 {
        let response = r
            .app
            .authed(
                reqwest::Method::POST,
                &format!("{path}/meetings"),
                &r.coordinator.token,
            )
            .header("Idempotency-Key", "meet-1")
            .json(&meeting)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    assert_eq!(
        outbox_count(&r.app, "meeting_invitation").await,
        3,
        "sent once to each of three people"
    );
    assert_eq!(
        outbox_count(&r.app, "meeting_updated").await,
        0,
        "the replay did not reschedule"
    );
}

#[tokio::test]
async fn erasure_cancels_a_professionals_matches_and_their_pending_mail() {
    let r = region().await;
    let (_, introduced) = json(propose(&r, &r.applicant, None).await).await;
    let path = format!("/matches/{}", introduced["id"].as_str().unwrap());
    let meeting = json!({"starts_at": "2030-01-01T19:00:00+09:00", "duration_minutes": 60, "mode": "online", "location_or_url": "https://meet.example.jp/x"});
    assert_eq!(
        r.app
            .post(&format!("{path}/meetings"), &r.coordinator.token, &meeting)
            .await
            .status(),
        201
    );
    assert_eq!(
        r.app
            .delete("/profiles/me", &r.applicant.token)
            .await
            .status(),
        204
    );

    let (_, seen) = json(r.app.get(&path, &r.coordinator.token).await).await;
    assert_eq!(seen["status"], "cancelled", "{seen}");
    assert!(
        !seen.to_string().contains("山田"),
        "anonymised history: {seen}"
    );
    let backend = r.app.db.get_database_backend();
    let pending = r
        .app
        .db
        .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM outbox WHERE recipient_user_id = {} AND status = 'pending'", sql_uuid(&r.app, r.applicant.id))))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(pending, 0, "nothing left to send to an erased person");
}

fn sql_uuid(app: &TestApp, id: Uuid) -> String {
    match app.backend {
        musubi_tests::Backend::Sqlite => format!("X'{}'", id.simple()),
        musubi_tests::Backend::Postgres => format!("'{id}'"),
    }
}

#[tokio::test]
async fn one_nudge_goes_to_whoever_has_not_answered_in_three_days() {
    let r = region().await;
    let (_, proposed) = json(propose(&r, &r.scouted, None).await).await;
    let id: Uuid = proposed["id"].as_str().unwrap().parse().unwrap();
    let settings = musubi_api::config::Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(r.app.database_url.clone()),
        "MUSUBI_JWT_SECRET" => Some(musubi_tests::JWT_SECRET.to_owned()),
        _ => None,
    })
    .unwrap();
    let now = chrono::Utc::now();
    assert_eq!(
        musubi_api::services::nudges::run_once(&r.app.db, &settings, now)
            .await
            .unwrap(),
        0,
        "not yet"
    );
    let later = now + chrono::Duration::days(4);
    assert_eq!(
        musubi_api::services::nudges::run_once(&r.app.db, &settings, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        musubi_api::services::nudges::run_once(&r.app.db, &settings, later)
            .await
            .unwrap(),
        0,
        "only one nudge"
    );
    assert_eq!(outbox_count(&r.app, "nudge").await, 1);
    let _ = id;
}

#[tokio::test]
async fn each_match_conflict_answers_its_own_code() {
    let r = region().await;
    let (_, introduced) = json(propose(&r, &r.applicant, None).await).await;
    let body = problem(propose(&r, &r.applicant, None).await, 409).await;
    assert_eq!(body["code"], "already_matched", "{body}");
    assert_eq!(
        body["detail"],
        "this professional has already been matched with this need"
    );

    let path = format!("/matches/{}", introduced["id"].as_str().unwrap());
    let body = problem(
        r.app
            .post(
                &format!("{path}/outcome"),
                &r.coordinator.token,
                &json!({"result": "met"}),
            )
            .await,
        409,
    )
    .await;
    assert_eq!(body["code"], "illegal_transition", "{body}");

    let closed = r
        .app
        .post(
            &format!("/needs/{}/close", r.need),
            &r.sme.token,
            &json!({}),
        )
        .await;
    assert_eq!(closed.status(), 200);
    let body = problem(propose(&r, &r.scouted, None).await, 409).await;
    assert_eq!(body["code"], "need_closed", "{body}");
    assert_eq!(body["detail"], "this need is closed");
}

#[tokio::test]
async fn the_list_shows_each_match_as_it_is_shown_alone() {
    let r = region().await;
    let (_, introduced) = json(propose(&r, &r.applicant, None).await).await;
    let (_, proposed) = json(propose(&r, &r.scouted, None).await).await;
    let path = format!("/matches/{}", introduced["id"].as_str().unwrap());
    let meeting = |starts_at: &str| json!({"starts_at": starts_at, "duration_minutes": 60, "mode": "onsite", "location_or_url": "塩尻市役所"});
    // A meeting scheduled, called off, and scheduled again: the new one is shown.
    for step in ["meetings", "meetings/cancel", "meetings"] {
        let body = if step == "meetings" {
            meeting("2030-02-01T10:00:00+09:00")
        } else {
            json!({})
        };
        let response = r
            .app
            .post(&format!("{path}/{step}"), &r.sme.token, &body)
            .await;
        assert!(response.status().is_success(), "{step}");
    }

    for viewer in [&r.coordinator, &r.sme] {
        let (status, page) = json(r.app.get("/matches", &viewer.token).await).await;
        assert_eq!(status, 200);
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{page}");
        for item in items {
            let alone = format!("/matches/{}", item["id"].as_str().unwrap());
            let (_, shown) = json(r.app.get(&alone, &viewer.token).await).await;
            assert_eq!(item, &shown, "the list and the match agree");
        }
        let by_id = |id: &Value| items.iter().find(|item| item["id"] == *id).unwrap();
        let introduced = by_id(&introduced["id"]);
        assert_eq!(introduced["status"], "meeting_scheduled");
        assert_eq!(introduced["meeting"]["status"], "scheduled");
        assert_eq!(introduced["meeting"]["mode"], "onsite");
        assert_eq!(introduced["history"].as_array().unwrap().len(), 4);
        assert_eq!(introduced["professional"]["display_name"], "山田 花子");
        let proposed = by_id(&proposed["id"]);
        assert!(proposed["meeting"].is_null());
        assert_eq!(proposed["history"].as_array().unwrap().len(), 1);
        assert_eq!(
            proposed["professional"].get("display_name").is_some(),
            viewer.id == r.coordinator.id,
            "a scout's name is the coordinator's to see"
        );
        assert_eq!(
            proposed["note"].is_string(),
            viewer.id == r.coordinator.id,
            "the note is the coordinator's"
        );
    }

    // An idempotent replay answers exactly what the first request answered.
    let outcome = |key: &str| {
        r.app
            .authed(
                reqwest::Method::POST,
                &format!("{path}/outcome"),
                &r.coordinator.token,
            )
            .header("Idempotency-Key", key)
            .json(&json!({"result": "met", "note": "良い面談でした"}))
            .send()
    };
    let (status, first) = json(outcome("met-1").await.unwrap()).await;
    assert_eq!((status, first["status"].as_str()), (200, Some("met")));
    assert_eq!(first["meeting"]["status"], "held");
    let (status, replay) = json(outcome("met-1").await.unwrap()).await;
    assert_eq!((status, &replay), (200, &first));
}

#[tokio::test]
async fn of_two_steps_taken_from_the_same_state_only_the_first_moves_the_match() {
    use musubi_api::{
        domain::matching::MatchStatus,
        entities::{match_event, matches},
        repo,
    };
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    let r = region().await;
    let (_, introduced) = json(propose(&r, &r.applicant, None).await).await;
    let id = Uuid::parse_str(introduced["id"].as_str().unwrap()).unwrap();
    // Both requests read the match while it is `introduced` …
    let read = matches::Entity::find_by_id(id)
        .one(&r.app.db)
        .await
        .unwrap()
        .unwrap();
    let events = || {
        match_event::Entity::find()
            .filter(match_event::Column::MatchId.eq(id))
            .count(&r.app.db)
    };
    let before = events().await.unwrap();
    // … the first cancels it, the second (a meeting being scheduled) comes too late.
    let first = repo::matches::transition(
        &r.app.db,
        read.clone(),
        MatchStatus::Introduced,
        MatchStatus::Cancelled,
        None,
        "first",
    )
    .await
    .unwrap();
    assert_eq!(first.map(|m| m.status).as_deref(), Some("cancelled"));
    let second = repo::matches::transition(
        &r.app.db,
        read,
        MatchStatus::Introduced,
        MatchStatus::MeetingScheduled,
        None,
        "second",
    )
    .await
    .unwrap();
    assert!(second.is_none(), "{second:?}");
    let now = matches::Entity::find_by_id(id)
        .one(&r.app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(now.status, "cancelled");
    assert_eq!(events().await.unwrap(), before + 1, "one history row");
}
