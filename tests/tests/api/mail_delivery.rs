//! The mail worker's resilience and delivery guarantees (issues 15 and 16): one row can
//! never stop it (a panic fails that row only), a supervisor restarts it if it ends,
//! `/ready` says when it is not running, abandoned rows are taken over after their
//! lease, a failing email retries for a time budget rather than a number of attempts and
//! a coordinator can send a dead one again, a hanging recipient delays only its own
//! message, and a database outage mid-delivery doubles nothing.
//!
//! Everything goes through the real worker to the real SMTP test server.

use std::{
    collections::{HashMap, HashSet},
    sync::atomic::Ordering,
    time::Duration,
};

use chrono::Utc;
use musubi_api::{
    email::{
        outbox::{self, NewEmail, kind},
        templates::Rendered,
    },
    entities::outbox as row,
};
use musubi_tests::{
    Backend, FAST_MAIL, TestApp,
    smtp::{Mode, SmtpServer},
};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, sea_query::Expr};
use serde_json::Value;
use uuid::Uuid;

use crate::{json, problem};

/// A server whose mail goes to `smtp`, retrying within milliseconds, with `extra`
/// settings on top.
async fn app_with(smtp: &SmtpServer, extra: &[(&str, &str)]) -> TestApp {
    let url = smtp.url();
    let mut vars: Vec<(&str, &str)> = FAST_MAIL.to_vec();
    vars.push(("MUSUBI_SMTP_URL", &url));
    vars.extend_from_slice(extra);
    TestApp::spawn_with(&vars).await
}

fn email_to(address: &str, n: usize) -> NewEmail {
    NewEmail::new(
        kind::INTRODUCTION,
        address,
        format!("利用者 {n}"),
        Rendered {
            subject: format!("【Musubi】ご紹介のお知らせ #{n}"),
            text: format!("本文 {n}\nbody {n}\n"),
            html: format!("<p>本文 {n}</p>"),
        },
    )
}

async fn enqueue(app: &TestApp, email: NewEmail) -> Uuid {
    let id = outbox::enqueue(&app.db, email).await.unwrap();
    musubi_api::email::worker::wake();
    id
}

async fn the_row(app: &TestApp, id: Uuid) -> row::Model {
    outbox::by_id(&app.db, id).await.unwrap().unwrap()
}

/// Polls one row until `done` holds; fails with its state after `timeout`.
async fn wait_for_row(
    app: &TestApp,
    id: Uuid,
    timeout: Duration,
    done: impl Fn(&row::Model) -> bool,
) -> row::Model {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Ok(Some(found)) = outbox::by_id(&app.db, id).await {
            if done(&found) {
                return found;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "row {id} did not reach the expected state within {timeout:?}: {} after {} attempts, {:?}",
                found.status,
                found.attempts,
                found.last_error
            );
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "row {id} unreadable"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn count_by_id(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in smtp.messages() {
        *counts.entry(message.message_id()).or_insert(0) += 1;
    }
    counts
}

async fn status_of(app: &TestApp, path: &str) -> u16 {
    app.client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

async fn metrics(app: &TestApp) -> String {
    app.client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_panic_while_building_one_message_fails_that_row_and_the_worker_delivers_the_rest() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    app.settings
        .mail
        .faults
        .set_panic_building_for(Some("victim@example.jp"));
    let victim = enqueue(&app, email_to("victim@example.jp", 0)).await;
    let mut others = HashSet::new();
    for n in 1..=10 {
        others.insert(format!(
            "{}@musubi",
            enqueue(&app, email_to(&format!("person{n}@example.jp"), n)).await
        ));
    }

    smtp.wait_for(10, Duration::from_secs(20)).await;
    let failed = wait_for_row(&app, victim, Duration::from_secs(10), |r| r.attempts >= 2).await;
    assert_ne!(failed.status, "sent");
    assert_ne!(failed.status, "dead", "a panic gets the usual retries");
    assert!(
        failed
            .last_error
            .as_deref()
            .is_some_and(|error| error.contains("panicked") && error.contains("victim@example.jp")),
        "the panic is recorded as the row's error: {:?}",
        failed.last_error
    );
    assert_eq!(
        count_by_id(&smtp).keys().cloned().collect::<HashSet<_>>(),
        others
    );

    // The worker is alive: later mail goes out, it never restarted, it is ready.
    let later = enqueue(&app, email_to("later@example.jp", 11)).await;
    smtp.wait_for(11, Duration::from_secs(20)).await;
    assert!(count_by_id(&smtp).contains_key(&format!("{later}@musubi")));
    assert_eq!(status_of(&app, "/ready").await, 200);
    assert!(
        metrics(&app)
            .await
            .contains("musubi_mail_worker_restarts_total 0\n")
    );

    // Once building works again (a fix deployed), the row that failed goes out, once.
    app.settings.mail.faults.set_panic_building_for(None);
    wait_for_row(&app, victim, Duration::from_secs(20), |r| {
        r.status == "sent"
    })
    .await;
    let counts = count_by_id(&smtp);
    assert_eq!(counts.get(&format!("{victim}@musubi")), Some(&1));
    assert_eq!(counts.len(), 12);
    assert!(counts.values().all(|count| *count == 1));
}

#[tokio::test]
async fn a_row_left_sending_by_a_worker_that_died_is_delivered_once_its_lease_has_ended() {
    let smtp = SmtpServer::start().await;
    let app = app_with(
        &smtp,
        &[
            ("MUSUBI_MAIL_SEND_TIMEOUT_MS", "1000"),
            ("MUSUBI_MAIL_LEASE_MS", "2000"),
        ],
    )
    .await;
    // As a killed process leaves it: `sending`, held by a worker that no longer runs,
    // under a lease that has not ended yet.
    let later = Utc::now() + chrono::Duration::hours(1);
    let id = outbox::enqueue(&app.db, email_to("orphan@example.jp", 1).send_after(later))
        .await
        .unwrap();
    let lease_ends = Utc::now() + chrono::Duration::milliseconds(1_500);
    row::Entity::update_many()
        .col_expr(row::Column::Status, Expr::value("sending"))
        .col_expr(row::Column::LockedBy, Expr::value("pid1-deadbeef"))
        .col_expr(row::Column::LockedUntil, Expr::value(Some(lease_ends)))
        .col_expr(row::Column::NextAttemptAt, Expr::value(Utc::now()))
        .filter(row::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    musubi_api::email::worker::wake();

    tokio::time::sleep(Duration::from_millis(1_000)).await;
    assert!(
        smtp.messages().is_empty(),
        "nobody takes a row over while its lease lasts"
    );
    assert_eq!(
        the_row(&app, id).await.locked_by.as_deref(),
        Some("pid1-deadbeef")
    );

    let sent = wait_for_row(&app, id, Duration::from_secs(20), |r| r.status == "sent").await;
    assert!(
        sent.sent_at.unwrap() > lease_ends,
        "sent only after the lease ended"
    );
    assert_ne!(sent.locked_by.as_deref(), Some("pid1-deadbeef"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        count_by_id(&smtp),
        HashMap::from([(format!("{id}@musubi"), 1)])
    );
}

#[tokio::test]
async fn mail_keeps_retrying_across_an_outage_longer_than_the_old_attempt_budget_and_arrives_once()
{
    let smtp = SmtpServer::start().await;
    smtp.stop().await;
    // The old default gave up after 8 attempts; here the budget is time.
    let app = app_with(&smtp, &[("MUSUBI_MAIL_RETRY_BUDGET_SECONDS", "60")]).await;
    let mut ids = Vec::new();
    for n in 0..3 {
        ids.push(enqueue(&app, email_to(&format!("patient{n}@example.jp"), n)).await);
    }
    for id in &ids {
        let waiting = wait_for_row(&app, *id, Duration::from_secs(30), |r| r.attempts >= 12).await;
        assert!(
            waiting.status == "pending" || waiting.status == "sending",
            "still retrying after {} attempts: {}",
            waiting.attempts,
            waiting.status
        );
        let until = waiting
            .retry_until
            .expect("a deadline from the first failure");
        assert!(
            until > Utc::now() + chrono::Duration::seconds(40),
            "{until}"
        );
    }
    assert!(smtp.messages().is_empty());
    assert!(
        metrics(&app)
            .await
            .contains("musubi_outbox_emails{state=\"retrying\"} ")
    );

    smtp.restart().await;
    for id in &ids {
        wait_for_row(&app, *id, Duration::from_secs(20), |r| r.status == "sent").await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let counts = count_by_id(&smtp);
    let expected: HashMap<String, usize> =
        ids.iter().map(|id| (format!("{id}@musubi"), 1)).collect();
    assert_eq!(counts, expected, "each once");
}

#[tokio::test]
async fn mail_is_dead_only_after_its_budget_and_a_coordinator_of_its_region_can_send_it_again_once()
{
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Reject);
    let app = app_with(&smtp, &[("MUSUBI_MAIL_RETRY_BUDGET_SECONDS", "3")]).await;
    let region = app.create_region("塩尻市", "長野県", "塩尻市").await;
    let other_region = app.create_region("上田市", "長野県", "上田市").await;
    let coordinator = app.coordinator(region).await;
    let other_coordinator = app.coordinator(other_region).await;
    let sme = app.sme(region, "塩尻漆器店").await;
    let id = enqueue(&app, email_to("hanako@example.jp", 1).in_region(region)).await;
    let later = Utc::now() + chrono::Duration::hours(1);
    let waiting = enqueue(
        &app,
        email_to("taro@example.jp", 2)
            .in_region(region)
            .send_after(later),
    )
    .await;

    // Failing for 1.5 s of a 3 s budget: many attempts, not dead.
    let first = wait_for_row(&app, id, Duration::from_secs(10), |r| r.attempts >= 1).await;
    let retry_until = first.retry_until.expect("set at the first failure");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let midway = the_row(&app, id).await;
    assert!(
        midway.status != "dead" && midway.attempts > 3,
        "{} after {} attempts",
        midway.status,
        midway.attempts
    );
    let dead = wait_for_row(&app, id, Duration::from_secs(20), |r| r.status == "dead").await;
    assert!(
        dead.updated_at >= retry_until,
        "dead at {} before the budget ended at {retry_until}",
        dead.updated_at
    );
    assert!(
        retry_until - first.updated_at >= chrono::Duration::milliseconds(2_900),
        "the budget is the configured 3 s: {retry_until} vs {}",
        first.updated_at
    );
    assert!(
        metrics(&app)
            .await
            .contains("musubi_outbox_emails{state=\"dead\"} 1\n")
    );

    let (status, page) = json(app.get("/outbox?status=dead", &coordinator.token).await).await;
    assert_eq!(status, 200, "{page}");
    let item = &page["items"][0];
    assert_eq!(item["id"], id.to_string());
    assert!(item["retry_until"].is_string(), "{item}");
    assert!(item["max_attempts"].is_null(), "no attempt cap: {item}");

    // Who may not: no token, a non-coordinator, another region, no such row.
    let retry = |id: Uuid| format!("/outbox/{id}/retry");
    let empty = Value::Null;
    problem(
        app.client.post(app.api(&retry(id))).send().await.unwrap(),
        401,
    )
    .await;
    problem(app.post(&retry(id), &sme.token, &empty).await, 403).await;
    problem(
        app.post(&retry(id), &other_coordinator.token, &empty).await,
        404,
    )
    .await;
    problem(
        app.post(&retry(Uuid::now_v7()), &coordinator.token, &empty)
            .await,
        404,
    )
    .await;
    let body = problem(
        app.post(&retry(waiting), &coordinator.token, &empty).await,
        409,
    )
    .await;
    assert_eq!(body["code"], "outbox_not_dead");

    // The server takes mail again; two coordinator clicks at once re-queue it once.
    smtp.set_mode(Mode::Accept);
    let path = retry(id);
    let (a, b) = tokio::join!(
        app.post(&path, &coordinator.token, &empty),
        app.post(&path, &coordinator.token, &empty)
    );
    let mut statuses = vec![a.status().as_u16(), b.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [202, 409]);
    let accepted = if a.status() == 202 { a } else { b };
    let (_, requeued) = json(accepted).await;
    assert_eq!(requeued["id"], id.to_string());
    assert_eq!(requeued["attempts"], 0);
    assert!(
        requeued["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("554"))
    );

    wait_for_row(&app, id, Duration::from_secs(20), |r| r.status == "sent").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        count_by_id(&smtp),
        HashMap::from([(format!("{id}@musubi"), 1)]),
        "delivered once"
    );
    let body = problem(app.post(&retry(id), &coordinator.token, &empty).await, 409).await;
    assert_eq!(body["code"], "outbox_not_dead");
}

#[tokio::test]
async fn a_recipient_whose_session_hangs_delays_only_its_own_mail() {
    let smtp = SmtpServer::start().await;
    smtp.hang_on(Some("stuck@example.jp"));
    let app = app_with(
        &smtp,
        &[
            ("MUSUBI_MAIL_SEND_TIMEOUT_MS", "2000"),
            ("MUSUBI_MAIL_LEASE_MS", "20000"),
        ],
    )
    .await;
    let stuck = enqueue(&app, email_to("stuck@example.jp", 0)).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = tokio::time::Instant::now();
    for n in 1..=40 {
        enqueue(&app, email_to(&format!("free{n}@example.jp"), n)).await;
    }
    smtp.wait_for(40, Duration::from_secs(5)).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "the others took {took:?}");
    assert!(
        !count_by_id(&smtp).contains_key(&format!("{stuck}@musubi")),
        "the hanging one has not gone"
    );
    assert_eq!(the_row(&app, stuck).await.status, "sending");

    // The hanging send is cut off by the timeout and retried; every session given up on
    // is closed (at most the current try and the one being closed hang at once).
    let retried = wait_for_row(&app, stuck, Duration::from_secs(30), |r| r.attempts >= 4).await;
    assert!(
        retried
            .last_error
            .as_deref()
            .is_some_and(|error| error.contains("did not finish within 2000 ms")),
        "{:?}",
        retried.last_error
    );
    assert!(
        smtp.hanging_sessions() <= 2,
        "{} sessions still hang after {} attempts",
        smtp.hanging_sessions(),
        retried.attempts
    );

    smtp.hang_on(None);
    wait_for_row(&app, stuck, Duration::from_secs(30), |r| r.status == "sent").await;
    assert_eq!(count_by_id(&smtp).get(&format!("{stuck}@musubi")), Some(&1));
}

#[tokio::test]
async fn the_supervisor_restarts_a_worker_that_ended_and_ready_says_503_meanwhile() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    assert_eq!(status_of(&app, "/ready").await, 200);

    // The worker task dies twice (outside any row); the supervisor waits 1 s, then 2 s.
    app.settings
        .mail
        .faults
        .worker_panics
        .store(2, Ordering::SeqCst);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let down = loop {
        let response = app
            .client
            .get(format!("{}/ready", app.address))
            .send()
            .await
            .unwrap();
        if response.status() == 503 {
            break response;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/ready never said the worker was down"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(down.headers().contains_key("retry-after"));
    problem(down, 503).await;

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while status_of(&app, "/ready").await != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker never came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let text = metrics(&app).await;
    assert!(
        text.contains("musubi_mail_worker_restarts_total 2\n")
            && text.contains("musubi_mail_worker_up 1\n"),
        "{text}"
    );

    let id = enqueue(&app, email_to("after@example.jp", 1)).await;
    wait_for_row(&app, id, Duration::from_secs(20), |r| r.status == "sent").await;
    assert_eq!(count_by_id(&smtp).len(), 1);
}

#[tokio::test]
async fn outcomes_that_cannot_be_recorded_while_the_database_is_away_are_recorded_later_and_nothing_is_sent_twice()
 {
    let smtp = SmtpServer::start().await;
    // Each message takes a moment, so sends are in flight when the database goes.
    smtp.set_mode(Mode::Slow(Duration::from_millis(40)));
    let app = app_with(
        &smtp,
        &[
            ("MUSUBI_MAIL_SEND_TIMEOUT_MS", "1000"),
            ("MUSUBI_MAIL_LEASE_MS", "2500"),
            ("MUSUBI_DB_TIMEOUT_SECONDS", "1"),
        ],
    )
    .await;
    if app.backend != Backend::Postgres {
        // SQLite is a file inside the process: it cannot go away underneath the server.
        return;
    }
    let name = app
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let admin = sea_orm::Database::connect(std::env::var("MUSUBI_TEST_PG_URL").unwrap())
        .await
        .unwrap();
    let mut expected = HashSet::new();
    for n in 0..200 {
        expected.insert(format!(
            "{}@musubi",
            outbox::enqueue(&app.db, email_to(&format!("p{n}@example.jp"), n))
                .await
                .unwrap()
        ));
    }
    // A second worker with its own pool, as in another process: it must not take over
    // the first one's rows when their leases lapse during the outage.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let other_db = musubi_api::db::connect(&app.settings).await.unwrap();
    let other = musubi_api::email::worker::spawn(other_db, app.settings.clone(), stopped).unwrap();
    musubi_api::email::worker::wake();
    smtp.wait_for(20, Duration::from_secs(30)).await;

    // Only this test's database goes away, for three leases.
    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .await
        .unwrap();
    let during = smtp.messages().len();
    tokio::time::sleep(Duration::from_millis(7_500)).await;
    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    loop {
        let sent = row::Entity::find()
            .filter(row::Column::Status.eq("sent"))
            .all(&app.db)
            .await
            .map(|rows| rows.len());
        if sent.as_ref().is_ok_and(|sent| *sent == 200) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not all sent: {sent:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = count_by_id(&smtp);
    let twice: Vec<&String> = counts
        .iter()
        .filter(|(_, count)| **count > 1)
        .map(|(id, _)| id)
        .collect();
    assert!(
        twice.is_empty(),
        "sent twice: {twice:?} (outage began after {during})"
    );
    assert_eq!(counts.keys().cloned().collect::<HashSet<_>>(), expected);
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(10), other)
        .await
        .expect("the second worker stops")
        .unwrap();
}

#[tokio::test]
async fn a_stored_name_with_a_line_break_never_stops_the_others_mail() {
    let smtp = SmtpServer::start().await;
    let app = app_with(&smtp, &[]).await;
    // Old data, as issue 15 found it: a display name carrying CR LF and a header.
    let mut eve = email_to("eve@example.jp", 0);
    eve.to_name = "Eve\r\nBcc: x@evil.test".to_owned();
    let eve = enqueue(&app, eve).await;
    let mut others = HashSet::new();
    for n in 1..=10 {
        others.insert(format!(
            "{}@musubi",
            enqueue(&app, email_to(&format!("other{n}@example.jp"), n)).await
        ));
    }
    // Every other message arrives, whatever becomes of Eve's (which may arrive too).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !others.iter().all(|id| count_by_id(&smtp).contains_key(id)) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not every other message arrived: {:?}",
            count_by_id(&smtp)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Eve's row is either sent (its name neutralised) or failing with its error
    // recorded; never stuck in `sending`, and nobody's mail waits for it.
    let settled = wait_for_row(&app, eve, Duration::from_secs(20), |r| {
        r.status == "sent" || (r.attempts >= 1 && r.last_error.is_some())
    })
    .await;
    let counts = count_by_id(&smtp);
    assert!(
        others.iter().all(|id| counts.get(id) == Some(&1)),
        "{counts:?}"
    );
    for message in smtp.messages() {
        assert!(
            message.rcpt_to.iter().all(|to| to != "x@evil.test"),
            "no header was injected"
        );
    }
    let later = enqueue(&app, email_to("later@example.jp", 11)).await;
    wait_for_row(&app, later, Duration::from_secs(20), |r| r.status == "sent").await;
    assert!(
        metrics(&app)
            .await
            .contains("musubi_mail_worker_restarts_total 0\n")
    );
    assert_eq!(status_of(&app, "/ready").await, 200, "{}", settled.status);
}
