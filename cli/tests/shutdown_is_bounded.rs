//! A slow client cannot hold shutdown: the real `musubi` binary gets SIGTERM while one
//! client has sent a request's headers and half its body and then gone silent. A second
//! client that finishes its request within the grace still gets its answer; the process
//! exits once the grace (`MUSUBI_SHUTDOWN_GRACE_SECONDS`, here 2 s) has passed, not
//! later.
//!
//! Like the end-to-end suite, it runs on PostgreSQL (`MUSUBI_TEST_BACKEND=postgres` and
//! `MUSUBI_TEST_PG_URL`) or on SQLite (the default).
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "in a test, a panic is the failure report"
)]

use std::{
    io::{Read, Write},
    net::TcpStream,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use sea_orm::{ConnectionTrait, Database};
use uuid::Uuid;

const GRACE: Duration = Duration::from_secs(2);
/// Time beyond the grace for stopping the background tasks and exiting.
const SLACK: Duration = Duration::from_secs(3);

/// A database of its own: a new PostgreSQL database, or a SQLite file.
async fn scratch_database(dir: &std::path::Path) -> (String, Option<(String, String)>) {
    if std::env::var("MUSUBI_TEST_BACKEND").as_deref() != Ok("postgres") {
        return (
            format!("sqlite://{}/musubi.db?mode=rwc", dir.display()),
            None,
        );
    }
    let admin_url =
        std::env::var("MUSUBI_TEST_PG_URL").expect("MUSUBI_TEST_PG_URL names a PostgreSQL server");
    let name = format!("musubi_shutdown_{}", Uuid::new_v4().simple());
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
    (url, Some((admin_url, name)))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_server(database_url: &str, port: u16, dir: &std::path::Path) -> Child {
    let log = std::fs::File::create(dir.join("server.log")).unwrap();
    Command::new(env!("CARGO_BIN_EXE_musubi"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("MUSUBI_BIND", format!("127.0.0.1:{port}"))
        .env(
            "MUSUBI_JWT_SECRET",
            "shutdown-test-secret-shutdown-test-secret-0123",
        )
        .env("MUSUBI_MAIL_DIR", dir.join("mail"))
        .env("MUSUBI_SHUTDOWN_GRACE_SECONDS", GRACE.as_secs().to_string())
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .expect("starting the musubi binary")
}

/// Waits until `GET /health` answers 200.
fn wait_until_healthy(port: u16, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        assert!(
            child.try_wait().unwrap().is_none(),
            "musubi exited while starting"
        );
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let _ = stream
                .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.1 200") {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("musubi did not become healthy within 60 s");
}

/// Opens a connection and sends a registration's headers and the first half of its body.
fn half_sent_registration(port: u16, email: &str) -> (TcpStream, Vec<u8>) {
    let body = format!(
        r#"{{"email": "{email}", "password": "slow-client-password", "display_name": "遅い 利用者", "role": "professional"}}"#
    )
    .into_bytes();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "POST /api/v1/auth/register HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let half = body.len() / 2;
    stream.write_all(&body[..half]).unwrap();
    stream.flush().unwrap();
    (stream, body[half..].to_vec())
}

#[tokio::test]
async fn a_half_sent_request_holds_shutdown_no_longer_than_the_grace() {
    let dir = std::env::temp_dir().join(format!("musubi-shutdown-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let (database_url, postgres) = scratch_database(&dir).await;
    let port = free_port();
    let mut child = start_server(&database_url, port, &dir);
    wait_until_healthy(port, &mut child);

    // One client will finish within the grace; the other never does.
    let (mut finishing, rest) = half_sent_registration(port, "finishing@example.jp");
    let (silent, _) = half_sent_registration(port, "silent@example.jp");
    std::thread::sleep(Duration::from_millis(300));

    let sigterm = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sigterm.success());
    let signalled = Instant::now();

    // A request in flight is finished during the grace.
    std::thread::sleep(Duration::from_millis(300));
    finishing.write_all(&rest).unwrap();
    finishing
        .set_read_timeout(Some(GRACE + SLACK))
        .expect("a read timeout");
    let mut answer = Vec::new();
    let _ = finishing.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);

    let exit = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if signalled.elapsed() > GRACE + SLACK + Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = signalled.elapsed();
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
    drop(silent);
    if let Some((admin_url, name)) = postgres {
        let admin = Database::connect(&admin_url).await.unwrap();
        admin
            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .unwrap();
    }
    let _ = std::fs::remove_dir_all(PathBuf::from(&dir));

    assert!(
        answer.starts_with("HTTP/1.1 201"),
        "the request completed during the grace is answered: {answer:?}\n{log}"
    );
    assert!(
        exit.is_some(),
        "musubi did not exit at all after SIGTERM\n{log}"
    );
    assert!(
        took <= GRACE + SLACK,
        "musubi exited {took:?} after SIGTERM; a silent client may hold it only for the {GRACE:?} grace (+{SLACK:?})\n{log}"
    );
    assert!(
        exit.is_some_and(|status| status.success()),
        "musubi exits cleanly: {exit:?}\n{log}"
    );
    eprintln!("exited {took:?} after SIGTERM with a silent client connected");
}
