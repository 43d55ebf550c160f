use musubi_tests::{Backend, TestApp};
use sea_orm::ConnectionTrait;

use crate::{json, problem};

#[tokio::test]
async fn health_and_readiness_answer_200() {
    let app = TestApp::spawn().await;
    let (status, body) = json(
        app.client
            .get(format!("{}/health", app.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, _) = json(
        app.client
            .get(format!("{}/ready", app.address))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn metrics_count_requests_in_prometheus_text() {
    let app = TestApp::spawn().await;
    app.client
        .get(format!("{}/health", app.address))
        .send()
        .await
        .unwrap();
    let response = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE musubi_http_requests_total counter"),
        "{text}"
    );
    let two_xx: u64 = text
        .lines()
        .find_map(|line| line.strip_prefix("musubi_http_requests_total{class=\"2xx\"} "))
        .and_then(|count| count.parse().ok())
        .unwrap();
    assert!(two_xx >= 1, "{text}");
}

#[tokio::test]
async fn an_unknown_route_is_a_problem_not_an_empty_404() {
    let app = TestApp::spawn().await;
    let body = problem(
        app.client
            .get(app.api("/no-such-thing"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_eq!(body["code"], "no_route");
}

#[tokio::test]
async fn a_dead_database_answers_503_within_seconds() {
    let app = TestApp::spawn().await;
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
    let started = std::time::Instant::now();
    let response = app
        .client
        .get(format!("{}/ready", app.address))
        .send()
        .await
        .unwrap();
    let waited = started.elapsed();
    let body = problem(response, 503).await;
    assert_eq!(body["code"], "service_unavailable");
    assert!(
        !body.to_string().contains(&name),
        "no internal detail in a 5xx: {body}"
    );
    assert!(
        waited < std::time::Duration::from_secs(15),
        "took {waited:?}"
    );
    admin
        .execute_unprepared(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
        .await
        .unwrap();
}
