//! Outbox throughput: emails a second through the real worker to a real SMTP server on
//! loopback, with the pool of connections (`MUSUBI_MAIL_CONCURRENCY`, 4 by default)
//! against one connection, paired in each round. Run by `bench/mail/run.sh`.
//!
//! `mail_bench DATABASE_URL EMAILS ROUNDS ACK_MS POOL`: each round enqueues EMAILS rows,
//! lets a worker with POOL connections deliver them, then the same with one connection
//! (the order alternates between rounds), into an SMTP server that waits ACK_MS before
//! acknowledging each message, as a relay that syncs its queue to disk does.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark that cannot run must stop loudly"
)]

#[path = "../../tests/src/smtp.rs"]
#[expect(
    dead_code,
    reason = "the benchmark uses only part of the test SMTP server"
)]
mod smtp;

use std::{sync::Arc, time::Duration};

use musubi_api::{
    config::Settings,
    db,
    email::{
        outbox::{self, NewEmail, kind},
        templates::Rendered,
        worker,
    },
};
use sea_orm::{ConnectionTrait, TransactionTrait};
use smtp::{Mode, SmtpServer};
use tokio::time::Instant;

const SECRET: &str = "mail-bench-secret-mail-bench-secret-0123456789";

fn arg(n: usize, name: &str) -> String {
    std::env::args()
        .nth(n)
        .unwrap_or_else(|| panic!("argument {n} ({name}) is missing"))
}

async fn one_run(database_url: &str, smtp: &SmtpServer, emails: usize, pool: usize) -> f64 {
    let concurrency = pool.to_string();
    let smtp_url = smtp.url();
    let settings = Settings::from_lookup(|name| match name {
        "DATABASE_URL" => Some(database_url.to_owned()),
        "MUSUBI_JWT_SECRET" => Some(SECRET.to_owned()),
        "MUSUBI_SMTP_URL" => Some(smtp_url.clone()),
        "MUSUBI_MAIL_CONCURRENCY" => Some(concurrency.clone()),
        "MUSUBI_MAIL_POLL_MS" => Some("20".to_owned()),
        _ => None,
    })
    .unwrap();
    let database = db::connect(&settings).await.unwrap();
    db::migrate(&database).await.unwrap();
    database
        .execute_unprepared("DELETE FROM outbox")
        .await
        .unwrap();
    let txn = database.begin().await.unwrap();
    for n in 0..emails {
        let rendered = Rendered {
            subject: format!("【Musubi】ご紹介のお知らせ #{n}"),
            text: format!("山田 様\nご紹介のお知らせです。{n}\nDear Yamada,\n"),
            html: format!("<p>山田 様</p><p>ご紹介のお知らせです。{n}</p>"),
        };
        let email = NewEmail::new(
            kind::INTRODUCTION,
            format!("person{n}@example.jp"),
            format!("利用者 {n}"),
            rendered,
        );
        outbox::enqueue(&txn, email).await.unwrap();
    }
    txn.commit().await.unwrap();

    let before = smtp.messages().len();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let started = Instant::now();
    let handle = worker::spawn(database.clone(), Arc::new(settings), stopped).unwrap();
    worker::wake();
    smtp.wait_for(before + emails, Duration::from_secs(600))
        .await;
    let seconds = started.elapsed().as_secs_f64();
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(30), handle)
        .await
        .expect("the worker stops")
        .unwrap();
    database.close().await.unwrap();
    emails as f64 / seconds
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main]
async fn main() {
    let database_url = arg(1, "DATABASE_URL");
    let emails: usize = arg(2, "EMAILS").parse().unwrap();
    let rounds: usize = arg(3, "ROUNDS").parse().unwrap();
    let ack_ms: u64 = arg(4, "ACK_MS").parse().unwrap();
    let pool: usize = arg(5, "POOL").parse().unwrap();
    let smtp = SmtpServer::start().await;
    smtp.set_mode(Mode::Slow(Duration::from_millis(ack_ms)));
    println!(
        "{emails} emails a run, SMTP acknowledges after {ack_ms} ms, pool of {pool} against 1 connection"
    );
    println!("round  pool emails/s  one emails/s  ratio");
    let (mut pooled, mut single, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 1..=rounds {
        let (with_pool, with_one) = if round % 2 == 1 {
            let a = one_run(&database_url, &smtp, emails, pool).await;
            (a, one_run(&database_url, &smtp, emails, 1).await)
        } else {
            let b = one_run(&database_url, &smtp, emails, 1).await;
            (one_run(&database_url, &smtp, emails, pool).await, b)
        };
        println!(
            "{round:>5}  {with_pool:>14.0}  {with_one:>12.0}  {:>5.2}",
            with_pool / with_one
        );
        pooled.push(with_pool);
        single.push(with_one);
        ratios.push(with_pool / with_one);
    }
    println!(
        "median {:>14.0}  {:>12.0}  {:>5.2}",
        median(&mut pooled),
        median(&mut single),
        median(&mut ratios)
    );
}
