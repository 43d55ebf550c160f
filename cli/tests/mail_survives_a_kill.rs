//! Killing the server process in the middle of delivering mail loses none of it: the
//! real `musubi` binary is SIGKILLed while it is sending, started again on the same
//! database, and every email still arrives at the SMTP server. The second process is
//! then stopped with SIGTERM and must exit cleanly, mail worker and all.
//!
//! Delivery is at least once: the message whose SMTP transaction was cut by the kill may
//! arrive a second time, with the same Message-ID (so a mail system can drop it). No
//! more than the sends in flight at the moment of the kill can be repeated.
//!
//! Like the end-to-end suite, it runs on PostgreSQL (`MUSUBI_TEST_BACKEND=postgres` and
//! `MUSUBI_TEST_PG_URL`) or on SQLite (the default).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "in a test, a panic is the failure report"
)]

#[path = "../../tests/src/smtp.rs"]
mod smtp;

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use musubi_api::{
    config::Settings,
    db,
    email::{
        outbox::{self, NewEmail, kind},
        templates::Rendered,
        worker,
    },
    entities::outbox as row,
};
use sea_orm::{ConnectionTrait, Database, EntityTrait, TransactionTrait};
use smtp::{Mode, SmtpServer};
use uuid::Uuid;

const JWT_SECRET: &str = "kill-test-secret-kill-test-secret-0123456789";
const EMAILS: usize = 300;

/// A database of its own, removed at the end.
struct Scratch {
    url: String,
    dir: PathBuf,
    postgres: Option<(String, String)>,
}

impl Scratch {
    async fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("musubi-kill-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let postgres = std::env::var("MUSUBI_TEST_BACKEND").as_deref() == Ok("postgres");
        if !postgres {
            return Self {
                url: format!("sqlite://{}/musubi.db?mode=rwc", dir.display()),
                dir,
                postgres: None,
            };
        }
        let admin_url = std::env::var("MUSUBI_TEST_PG_URL")
            .expect("MUSUBI_TEST_PG_URL names a PostgreSQL server");
        let name = format!("musubi_kill_{}", Uuid::new_v4().simple());
        let admin = Database::connect(&admin_url).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await.unwrap();
        let (base, query) = admin_url
            .split_once('?')
            .map_or((admin_url.as_str(), None), |(b, q)| (b, Some(q)));
        let base = base.rsplit_once('/').map_or(base, |(server, _)| server);
        let url = match query {
            Some(query) => format!("{base}/{name}?{query}"),
            None => format!("{base}/{name}"),
        };
        Self {
            url,
            dir,
            postgres: Some((admin_url, name)),
        }
    }

    async fn remove(self) {
        if let Some((admin_url, name)) = &self.postgres {
            let admin = Database::connect(admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts `musubi serve` on the database, mailing through `smtp_url`, logging to `log`.
fn start_server(database_url: &str, smtp_url: &str, log: &Path) -> Child {
    let log = std::fs::File::create(log).unwrap();
    Command::new(env!("CARGO_BIN_EXE_musubi"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("MUSUBI_BIND", "127.0.0.1:0")
        .env("MUSUBI_JWT_SECRET", JWT_SECRET)
        .env("MUSUBI_SMTP_URL", smtp_url)
        .env("MUSUBI_MAIL_POLL_MS", "50")
        .env("MUSUBI_MAIL_RETRY_BASE_MS", "20")
        .env("MUSUBI_MAIL_RETRY_CAP_MS", "200")
        .env("MUSUBI_MAIL_SEND_TIMEOUT_MS", "1000")
        // A killed worker's claimed rows are taken over once this lease has passed.
        .env("MUSUBI_MAIL_LEASE_MS", "2500")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting the musubi binary")
}

/// Waits for a process to exit; kills it and returns `None` if it takes too long.
async fn stop_within(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let deadline = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

fn unique_ids(smtp: &SmtpServer) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for message in smtp.messages() {
        *counts.entry(message.message_id()).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn killing_the_server_mid_delivery_and_starting_it_again_loses_no_email() {
    let scratch = Scratch::new().await;
    let settings = Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(scratch.url.clone()),
        "MUSUBI_JWT_SECRET" => Some(JWT_SECRET.to_owned()),
        _ => None,
    })
    .unwrap();
    let database = db::connect(&settings).await.unwrap();
    db::migrate(&database).await.unwrap();

    // Each message takes a moment to acknowledge, so the kill lands mid-delivery.
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Slow(Duration::from_millis(15)));
    let txn = database.begin().await.unwrap();
    let mut expected = HashSet::new();
    for n in 0..EMAILS {
        let rendered = Rendered {
            subject: format!("【Musubi】ご紹介のお知らせ #{n}"),
            text: format!("本文 {n}\n"),
            html: format!("<p>本文 {n}</p>"),
        };
        let email = NewEmail::new(
            kind::INTRODUCTION,
            format!("person{n}@example.jp"),
            format!("利用者 {n}"),
            rendered,
        );
        expected.insert(format!(
            "{}@musubi",
            outbox::enqueue(&txn, email).await.unwrap()
        ));
    }
    txn.commit().await.unwrap();

    let mut first = start_server(&scratch.url, &smtp.url(), &scratch.dir.join("first.log"));
    smtp.wait_for(40, Duration::from_secs(60)).await;
    first.kill().unwrap(); // SIGKILL: no shutdown code runs.
    first.wait().unwrap();
    let at_kill = smtp.messages().len();
    let rows = row::Entity::find().all(&database).await.unwrap();
    let in_flight = rows.iter().filter(|r| r.status == "sending").count();
    assert!(
        at_kill < EMAILS,
        "the kill came before delivery finished ({at_kill} of {EMAILS} delivered)"
    );
    assert!(
        rows.iter().any(|r| r.status != "sent"),
        "work was left for the second process"
    );

    let mut second = start_server(&scratch.url, &smtp.url(), &scratch.dir.join("second.log"));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while unique_ids(&smtp).len() < EMAILS && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Let the last outcomes be recorded, then stop the second process too.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let rows = loop {
        let rows = row::Entity::find().all(&database).await.unwrap();
        if rows.iter().all(|r| r.status == "sent") || tokio::time::Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // This one stops gracefully: SIGTERM ends the HTTP server, then the mail worker.
    let terminated = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let exit = stop_within(&mut second, Duration::from_secs(20)).await;
    assert!(
        exit.is_some_and(|status| status.success()),
        "musubi exits cleanly on SIGTERM: {exit:?}"
    );

    let counts = unique_ids(&smtp);
    let received: HashSet<String> = counts.keys().cloned().collect();
    let missing = expected.difference(&received).count();
    let repeated: usize = counts.values().map(|count| count - 1).sum();
    let log = std::fs::read_to_string(scratch.dir.join("second.log")).unwrap_or_default();
    assert_eq!(
        missing, 0,
        "{missing} emails were lost (killed at {at_kill} delivered, {in_flight} claimed); second run:\n{log}"
    );
    assert_eq!(received, expected, "nothing arrived that was not enqueued");
    assert!(
        rows.iter().all(|r| r.status == "sent"),
        "every row ends sent"
    );
    assert!(
        repeated <= worker::CONCURRENCY,
        "only sends cut by the kill may repeat: {repeated} repeated"
    );
    eprintln!(
        "killed after {at_kill} of {EMAILS} delivered with {in_flight} rows claimed; {repeated} delivered twice (same Message-ID)"
    );
    scratch.remove().await;
}
