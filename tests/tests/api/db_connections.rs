//! Losing the database's connections costs only 503s: PostgreSQL ending the service's
//! sessions under load (`pg_terminate_backend`, as a restart or a failover does) and a
//! whole restart of a throw-away cluster while introductions are approved. Every answer
//! is a success or a 503 with `Retry-After`, the first request after the database is
//! back succeeds, a retried create (same `Idempotency-Key`) creates nothing twice, and
//! every acknowledged introduction's two emails arrive, none twice.
//!
//! PostgreSQL only by nature: SQLite is a file inside the process and has no connection
//! to lose. On SQLite these tests return at once, as `operations.rs`'s dead-database
//! test does.

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use musubi_api::entities::outbox as row;
use musubi_tests::{
    Backend, FAST_MAIL, TestApp, cmo_need, pg_cluster::PgCluster, smtp::SmtpServer,
};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::json;

/// Every answer seen under the outage: status, whether it had `Retry-After`, and the
/// body of anything that was neither a success nor a 503.
#[derive(Debug, Default)]
struct Tally {
    by_status: HashMap<u16, usize>,
    without_retry_after: usize,
    unexpected: Vec<String>,
}

impl Tally {
    fn record(tally: &Mutex<Self>, what: &str, response: reqwest::Response) -> Option<u16> {
        let status = response.status().as_u16();
        let retry_after = response.headers().contains_key("retry-after");
        let mut tally = tally.lock().unwrap();
        *tally.by_status.entry(status).or_default() += 1;
        if status == 503 && !retry_after {
            tally.without_retry_after += 1;
        }
        if !(200..300).contains(&status) && status != 503 {
            tally.unexpected.push(format!("{what}: {status}"));
        }
        Some(status)
    }
}

/// Ends every session of this test's database — never any other database's: the
/// server is shared with other tests.
async fn terminate_backends(admin_url: &str, database: &str) -> u64 {
    let admin = Database::connect(admin_url).await.unwrap();
    let ended = admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        ))
        .await
        .unwrap()
        .rows_affected();
    admin.close().await.unwrap();
    ended
}

#[tokio::test]
async fn killing_the_services_connections_under_load_answers_only_2xx_or_503() {
    let app = TestApp::spawn_with(&[("MUSUBI_DB_TIMEOUT_SECONDS", "2")]).await;
    if app.backend != Backend::Postgres {
        return;
    }
    let admin_url = std::env::var("MUSUBI_TEST_PG_URL").unwrap();
    let database = app.database_name();
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let sme = app.sme(region, "丸山漆器").await;
    for n in 0..3 {
        let mut need = cmo_need();
        need["title"] = json!(format!("最初の募集 {n}"));
        app.post_need(&sme, &need).await;
    }

    let tally = Mutex::new(Tally::default());
    let done = AtomicBool::new(false);
    // Needs acknowledged (201) by key; a key retried after a 503 must not make two.
    let acknowledged = Mutex::new(HashSet::new());
    let reader = |n: usize| {
        let (app, tally, done) = (&app, &tally, &done);
        async move {
            for _ in 0..2_000 {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                let response = app
                    .client
                    .get(app.api("/needs?limit=20"))
                    .send()
                    .await
                    .unwrap();
                Tally::record(tally, &format!("reader {n}: GET /needs"), response);
            }
        }
    };
    let writer = |n: usize| {
        let (app, tally, done, acknowledged, sme) = (&app, &tally, &done, &acknowledged, &sme);
        async move {
            for k in 0..500 {
                if done.load(Ordering::Relaxed) {
                    break;
                }
                let key = format!("writer-{n}-{k}");
                let mut need = cmo_need();
                need["title"] = json!(format!("募集 {n}-{k}"));
                // Like a well-behaved client: a 503 is retried with the same key.
                for _ in 0..20 {
                    let response = app
                        .authed(reqwest::Method::POST, "/needs", &sme.token)
                        .header("Idempotency-Key", &key)
                        .json(&need)
                        .send()
                        .await
                        .unwrap();
                    let status = Tally::record(tally, "writer: POST /needs", response);
                    if status == Some(201) {
                        acknowledged.lock().unwrap().insert(key.clone());
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    };
    let killer = async {
        let mut ended = 0;
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(400)).await;
            ended += terminate_backends(&admin_url, &database).await;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
        done.store(true, Ordering::Relaxed);
        ended
    };
    let (ended, ..) = tokio::join!(
        killer,
        reader(0),
        reader(1),
        reader(2),
        reader(3),
        writer(0),
        writer(1),
    );
    assert!(ended >= 5, "the service's sessions were ended ({ended})");

    // The database answers again: so does the very next request of each kind.
    let (status, body) = json(app.client.get(app.api("/needs")).send().await.unwrap()).await;
    assert_eq!(status, 200, "{body}");
    let mut need = cmo_need();
    need["title"] = json!("戻った後の募集 (after)");
    let created = app.post("/needs", &sme.token, &need).await;
    assert_eq!(created.status(), 201);
    let ready = app
        .client
        .get(format!("{}/ready", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);

    let tally = tally.into_inner().unwrap();
    eprintln!(
        "answers while {ended} sessions were ended: {:?}",
        tally.by_status
    );
    assert!(
        tally.unexpected.is_empty(),
        "only 2xx and 503: {:?} ({:?})",
        tally.unexpected,
        tally.by_status
    );
    assert_eq!(
        tally.without_retry_after, 0,
        "every 503 carries Retry-After"
    );
    // No need was made twice by a retry: 3 at the start, one per acknowledged key, one after.
    let acknowledged = acknowledged.into_inner().unwrap().len();
    let (_, mine) = json(app.get("/needs?mine=true&limit=100", &sme.token).await).await;
    let titles: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|need| need["title"].as_str())
        .collect();
    let unique: HashSet<&&str> = titles.iter().collect();
    assert_eq!(unique.len(), titles.len(), "no need twice: {titles:?}");
    assert!(
        titles.len() == 3 + acknowledged + 1 || titles.len() == 100,
        "{} needs for {acknowledged} acknowledged creates",
        titles.len()
    );
}

/// Restarts a cluster of its own (`pg_ctl stop -m fast`, a few seconds down, start)
/// twice while a coordinator approves introductions over HTTP.
#[tokio::test]
async fn restarting_the_database_while_introductions_are_approved_loses_and_doubles_no_email() {
    if Backend::from_env() != Backend::Postgres {
        return;
    }
    let cluster = Arc::new(PgCluster::start());
    let smtp = SmtpServer::start().await;
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.extend_from_slice(&[
        ("MUSUBI_SMTP_URL", &url),
        ("MUSUBI_MAIL_MAX_ATTEMPTS", "1000"),
        ("MUSUBI_DB_TIMEOUT_SECONDS", "2"),
    ]);
    let app = TestApp::spawn_on_postgres(&cluster.url(), &vars).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let coordinator = app.coordinator(region).await;
    let sme = app.sme(region, "丸山漆器").await;
    let need = app.post_need(&sme, &cmo_need()).await;
    let applicants = app.applicants(need, 32, 4).await;

    let tally = Mutex::new(Tally::default());
    let introduced: Mutex<HashMap<Uuid, Uuid>> = Mutex::new(HashMap::new());
    let given_up = Mutex::new(Vec::new());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(25);
    // Four clients approve eight introductions each, paced to span both restarts; a
    // 503 is retried with the same key until the database is back.
    let approve = |batch: &'static [usize]| {
        let (app, coordinator, applicants, tally, introduced, given_up) = (
            &app,
            &coordinator,
            &applicants,
            &tally,
            &introduced,
            &given_up,
        );
        async move {
            for &n in batch {
                let applicant = &applicants[n];
                let body = json!({"need_id": need, "professional_id": applicant.id});
                let key = format!("introduce-{}", applicant.id);
                loop {
                    let response = app
                        .authed(reqwest::Method::POST, "/matches", &coordinator.token)
                        .header("Idempotency-Key", &key)
                        .json(&body)
                        .send()
                        .await
                        .unwrap();
                    let status = response.status().as_u16();
                    if status == 201 {
                        let (_, created) = json(response).await;
                        let id = created["id"].as_str().and_then(|id| id.parse().ok());
                        introduced.lock().unwrap().insert(applicant.id, id.unwrap());
                        break;
                    }
                    if status == 409 {
                        // The first attempt's key is held by a request the outage cut
                        // off; it is freed after a minute. Not acknowledged: not counted.
                        given_up.lock().unwrap().push(n);
                        let (_, problem) = json(response).await;
                        assert!(
                            problem["detail"]
                                .as_str()
                                .is_some_and(|d| d.contains("Idempotency-Key")),
                            "{problem}"
                        );
                        break;
                    }
                    Tally::record(tally, "POST /matches", response);
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "the database never came back"
                    );
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    let ready = |app: &TestApp| app.client.get(format!("{}/ready", app.address)).send();
    let restarts = {
        let (cluster, app) = (cluster.clone(), &app);
        async move {
            for down in [3_000, 2_000] {
                tokio::time::sleep(Duration::from_millis(600)).await;
                let stopping = cluster.clone();
                tokio::task::spawn_blocking(move || stopping.stop_fast())
                    .await
                    .unwrap();
                // While the database is down, the service says it is not ready.
                let not_ready = ready(app).await.unwrap();
                assert_eq!(not_ready.status(), 503);
                assert!(not_ready.headers().contains_key("retry-after"));
                tokio::time::sleep(Duration::from_millis(down)).await;
                let starting = cluster.clone();
                tokio::task::spawn_blocking(move || starting.start_again())
                    .await
                    .unwrap();
                // The database answers again: so does the next request.
                let (status, body) = json(
                    app.client
                        .get(app.api(&format!("/needs/{need}")))
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(status, 200, "the first request after the restart: {body}");
                assert_eq!(ready(app).await.unwrap().status(), 200);
            }
        }
    };
    const BATCHES: [&[usize]; 4] = [
        &[0, 4, 8, 12, 16, 20, 24, 28],
        &[1, 5, 9, 13, 17, 21, 25, 29],
        &[2, 6, 10, 14, 18, 22, 26, 30],
        &[3, 7, 11, 15, 19, 23, 27, 31],
    ];
    tokio::join!(
        restarts,
        approve(BATCHES[0]),
        approve(BATCHES[1]),
        approve(BATCHES[2]),
        approve(BATCHES[3]),
    );
    let tally = tally.into_inner().unwrap();
    assert!(
        tally.unexpected.is_empty(),
        "only 201 or 503: {:?}",
        tally.unexpected
    );
    assert_eq!(
        tally.without_retry_after, 0,
        "every 503 carries Retry-After"
    );
    let introduced = introduced.into_inner().unwrap();
    let given_up = given_up.into_inner().unwrap();
    assert!(
        introduced.len() >= 24,
        "most introductions were acknowledged ({} of 32; gave up on {given_up:?})",
        introduced.len()
    );

    // Every acknowledged introduction has its two emails, and each arrives.
    let match_ids: Vec<Uuid> = introduced.values().copied().collect();
    let wanted = tokio::time::Instant::now() + Duration::from_secs(30);
    let expected: HashSet<String> = loop {
        let rows = row::Entity::find()
            .filter(row::Column::MatchId.is_in(match_ids.clone()))
            .all(&app.db)
            .await;
        if let Ok(rows) = rows {
            let mut per_match: HashMap<Uuid, usize> = HashMap::new();
            for row in &rows {
                *per_match.entry(row.match_id.unwrap()).or_default() += 1;
            }
            assert!(
                per_match.values().all(|&n| n <= 2),
                "two emails per introduction"
            );
            let ids: HashSet<String> = rows.iter().map(|r| format!("{}@musubi", r.id)).collect();
            let received: HashSet<String> =
                smtp.messages().iter().map(|m| m.message_id()).collect();
            if rows.len() == 2 * match_ids.len()
                && rows.iter().all(|r| r.status == "sent")
                && ids.is_subset(&received)
            {
                break ids;
            }
        }
        assert!(
            tokio::time::Instant::now() < wanted,
            "every acknowledged introduction's two emails arrive within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    // Give a late duplicate the chance to show up before counting.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for message in smtp.messages() {
        *counts.entry(message.message_id()).or_default() += 1;
    }
    let twice: Vec<(&String, &usize)> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "no Message-ID twice: {twice:?}");
    assert!(expected.iter().all(|id| counts.contains_key(id)));
    // Both sides of every acknowledged introduction were mailed.
    let recipients: HashSet<String> = smtp
        .messages()
        .iter()
        .flat_map(|m| m.rcpt_to.clone())
        .collect();
    for applicant in applicants
        .iter()
        .filter(|applicant| introduced.contains_key(&applicant.id))
    {
        assert!(recipients.contains(&applicant.email), "{}", applicant.email);
    }
    assert!(recipients.contains(&sme.email));
    eprintln!(
        "{} introductions acknowledged across two restarts ({given_up:?} given up); answers: {:?}; {} emails",
        introduced.len(),
        tally.by_status,
        counts.len()
    );
}
