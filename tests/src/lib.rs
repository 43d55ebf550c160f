//! The end-to-end harness: `TestApp::spawn()` starts the real `musubi` HTTP server on port
//! 0 against a fresh database of its own, and gives a client for it.
//!
//! The backend comes from `MUSUBI_TEST_BACKEND`: `postgres` (a new database on the
//! server at `MUSUBI_TEST_PG_URL`, dropped afterwards) or `sqlite` (a new file).
//! `scripts/test.sh` runs the suite once with each.
#![expect(
    clippy::expect_used,
    reason = "a harness that cannot set up must fail the test loudly"
)]

pub mod browser;
pub mod conformance;
pub mod demo;
pub mod engagements;
pub mod pages;
pub mod smtp;

use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use musubi_api::{
    auth::{AccountRole, password},
    config::{Secret, Settings},
    repo,
    startup::Application,
};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

/// The signing secret of every test server, so tests can forge tokens on purpose.
pub const JWT_SECRET: &str = "test-secret-test-secret-test-secret-0123456789";

/// Which database the suite runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// PostgreSQL, one database per test.
    Postgres,
    /// SQLite, one file per test.
    Sqlite,
}

impl Backend {
    /// From `MUSUBI_TEST_BACKEND` (default: sqlite).
    pub fn from_env() -> Self {
        match std::env::var("MUSUBI_TEST_BACKEND").as_deref() {
            Ok("postgres") => Self::Postgres,
            _ => Self::Sqlite,
        }
    }
}

enum Cleanup {
    Postgres {
        admin_url: String,
        name: String,
        /// The scratch directory (mail files) to remove too.
        dir: PathBuf,
    },
    Sqlite {
        dir: PathBuf,
    },
    /// A sibling server: the database belongs to the `TestApp` it was spawned from.
    Shared,
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client without cookies or redirects; every response it receives is checked
    /// against the OpenAPI document (see [`conformance`]).
    pub client: conformance::Client,
    /// A direct connection to the server's database.
    pub db: DatabaseConnection,
    /// The database URL the server uses.
    pub database_url: String,
    /// Where mail files go.
    pub mail_dir: PathBuf,
    /// The backend.
    pub backend: Backend,
    /// The server's settings (to start another mail worker on the same database).
    pub settings: Arc<Settings>,
    cleanup: Cleanup,
}

/// Mail settings that make retries take milliseconds, for `TestApp::spawn_with`.
pub const FAST_MAIL: &[(&str, &str)] = &[
    ("MUSUBI_MAIL_RETRY_BASE_MS", "20"),
    ("MUSUBI_MAIL_RETRY_CAP_MS", "200"),
    ("MUSUBI_MAIL_POLL_MS", "50"),
    ("MUSUBI_MAIL_SEND_TIMEOUT_MS", "3000"),
    ("MUSUBI_MAIL_LEASE_MS", "10000"),
];

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct User {
    /// User id.
    pub id: Uuid,
    /// Email.
    pub email: String,
    /// Bearer token.
    pub token: String,
}

impl TestApp {
    /// Starts a server on a fresh database.
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// Starts a server on a fresh database with some settings added or replaced, e.g.
    /// `("MUSUBI_SMTP_URL", &smtp.url())` and [`FAST_MAIL`].
    pub async fn spawn_with(overrides: &[(&str, &str)]) -> Self {
        let backend = Backend::from_env();
        let scratch = std::env::temp_dir().join(format!("musubi-test-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&scratch).expect("creating a scratch directory");
        let (database_url, cleanup) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}/musubi.db?mode=rwc", scratch.display()),
                Cleanup::Sqlite {
                    dir: scratch.clone(),
                },
            ),
            Backend::Postgres => {
                let admin_url = std::env::var("MUSUBI_TEST_PG_URL")
                    .expect("MUSUBI_TEST_PG_URL must name a PostgreSQL server for MUSUBI_TEST_BACKEND=postgres (scripts/test.sh sets it)");
                new_postgres_database(&admin_url, &scratch).await
            }
        };
        Self::start_on(backend, database_url, cleanup, &scratch, overrides).await
    }

    /// Starts the server on `database_url` with the test settings and `overrides`.
    async fn start_on(
        backend: Backend,
        database_url: String,
        cleanup: Cleanup,
        scratch: &std::path::Path,
        overrides: &[(&str, &str)],
    ) -> Self {
        let mail_dir = scratch.join("mail");
        let mut vars = vec![
            ("DATABASE_URL", database_url.clone()),
            ("MUSUBI_BIND", "127.0.0.1:0".to_owned()),
            ("MUSUBI_JWT_SECRET", JWT_SECRET.to_owned()),
            ("MUSUBI_MAIL_DIR", mail_dir.display().to_string()),
            ("MUSUBI_DB_TIMEOUT_SECONDS", "5".to_owned()),
        ];
        vars.extend(
            UNTHROTTLED
                .iter()
                .map(|(name, value)| (*name, (*value).to_owned())),
        );
        for (name, value) in overrides {
            vars.retain(|(key, _)| key != name);
            vars.push((*name, (*value).to_owned()));
        }
        let settings = Settings::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.clone())
        })
        .expect("test settings");
        let application = Application::build(settings)
            .await
            .expect("building the application");
        let address = format!("http://127.0.0.1:{}", application.port());
        let db = application.state().db.clone();
        let settings = application.state().settings.clone();
        tokio::spawn(application.run_until_stopped());
        let client = conformance::Client::new(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("building the HTTP client"),
        );
        Self {
            address,
            client,
            db,
            database_url,
            mail_dir,
            backend,
            settings,
            cleanup,
        }
    }

    /// Starts a second server process on this one's database (another port, its own
    /// ranking index and background tasks), as a second replica would run in
    /// production. Keep `self` alive while the sibling runs: it owns the database.
    pub async fn spawn_sibling(&self) -> Self {
        let settings = (*self.settings).clone();
        let application = Application::build(settings)
            .await
            .expect("building a sibling application");
        let address = format!("http://127.0.0.1:{}", application.port());
        let db = application.state().db.clone();
        let settings = application.state().settings.clone();
        tokio::spawn(application.run_until_stopped());
        Self {
            address,
            client: self.client.clone(),
            db,
            database_url: self.database_url.clone(),
            mail_dir: self.mail_dir.clone(),
            backend: self.backend,
            settings,
            cleanup: Cleanup::Shared,
        }
    }

    /// The full URL of an API path (`/needs` → `http://…/api/v1/needs`).
    pub fn api(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.address)
    }

    /// A request with a bearer token.
    pub fn authed(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> conformance::RequestBuilder {
        self.client
            .request(method, self.api(path))
            .bearer_auth(token)
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.authed(reqwest::Method::GET, path, token)
            .send()
            .await
            .expect("GET")
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.authed(reqwest::Method::POST, path, token)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    /// PUT JSON with a token.
    pub async fn put(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.authed(reqwest::Method::PUT, path, token)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }

    /// PATCH JSON with a token.
    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.authed(reqwest::Method::PATCH, path, token)
            .json(body)
            .send()
            .await
            .expect("PATCH")
    }

    /// DELETE with a token.
    pub async fn delete(&self, path: &str, token: &str) -> reqwest::Response {
        self.authed(reqwest::Method::DELETE, path, token)
            .send()
            .await
            .expect("DELETE")
    }

    /// Creates a region directly, as `musubi admin create-region` does.
    pub async fn create_region(&self, name: &str, prefecture: &str, city: &str) -> Uuid {
        repo::regions::insert(&self.db, name, prefecture, city)
            .await
            .expect("creating a region")
            .id
    }

    /// Creates a coordinator directly, as `musubi admin create-coordinator` does, and logs in.
    pub async fn coordinator(&self, region_id: Uuid) -> User {
        let email = format!("coordinator-{}@musubi.test", Uuid::new_v4().simple());
        let hash = password::hash(Secret::new("coordinator-password"))
            .await
            .expect("hashing");
        let new = repo::users::NewUser {
            email: &email,
            password_hash: hash,
            display_name: "地域コーディネーター",
            role: AccountRole::Coordinator,
            region_id: Some(region_id),
        };
        let user = repo::users::insert(&self.db, new)
            .await
            .expect("creating a coordinator");
        let token = self.login(&email, "coordinator-password").await;
        User {
            id: user.id,
            email,
            token,
        }
    }

    /// Logs in and returns the token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .client
            .post(self.api("/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), 200, "login of {email}");
        let body: Value = response.json().await.expect("login body");
        body["access_token"].as_str().expect("a token").to_owned()
    }

    /// Registers an SME (or municipality) in a region.
    pub async fn sme(&self, region_id: Uuid, name: &str) -> User {
        let email = format!("sme-{}@musubi.test", Uuid::new_v4().simple());
        let body = json!({
            "email": email, "password": "sme-password-123", "display_name": format!("{name} 代表"), "role": "sme",
            "organization": {"name": name, "kind": "sme", "region_id": region_id, "industry": "manufacturing", "city": "塩尻市", "employees": 12}
        });
        self.register(body).await
    }

    /// Registers a professional (without a profile).
    pub async fn professional(&self, name: &str) -> User {
        let email = format!("pro-{}@musubi.test", Uuid::new_v4().simple());
        let body = json!({"email": email, "password": "pro-password-123", "display_name": name, "role": "professional"});
        self.register(body).await
    }

    async fn register(&self, body: Value) -> User {
        let response = self
            .client
            .post(self.api("/auth/register"))
            .json(&body)
            .send()
            .await
            .expect("register");
        let status = response.status();
        let created: Value = response.json().await.expect("register body");
        assert_eq!(status, 201, "register: {created}");
        User {
            id: created["user"]["id"]
                .as_str()
                .and_then(|id| Uuid::parse_str(id).ok())
                .expect("a user id"),
            email: created["user"]["email"]
                .as_str()
                .expect("an email")
                .to_owned(),
            token: created["access_token"]
                .as_str()
                .expect("a token")
                .to_owned(),
        }
    }

    /// A professional with a complete profile.
    pub async fn professional_with_profile(&self, name: &str, profile: &Value) -> User {
        let user = self.professional(name).await;
        let response = self.put("/profiles/me", &user.token, profile).await;
        assert_eq!(
            response.status(),
            201,
            "profile: {}",
            response.text().await.unwrap_or_default()
        );
        user
    }

    /// `count` professionals (「応募者 n」, the marketer profile) who each apply to `need`,
    /// `in_flight` at a time; returned in the order of n.
    pub async fn applicants(&self, need: Uuid, count: usize, in_flight: usize) -> Vec<User> {
        use futures_util::{StreamExt, stream};
        stream::iter(0..count)
            .map(|n| async move {
                let user = self
                    .professional_with_profile(&format!("応募者 {n}"), &marketer_profile())
                    .await;
                let applied = self
                    .post(
                        &format!("/needs/{need}/applications"),
                        &user.token,
                        &json!({"message": "塩尻の力になりたいです"}),
                    )
                    .await;
                assert_eq!(applied.status(), 201, "applying to {need}");
                user
            })
            .buffered(in_flight)
            .collect()
            .await
    }

    /// Posts a need and returns its id.
    pub async fn post_need(&self, sme: &User, need: &Value) -> Uuid {
        let response = self.post("/needs", &sme.token, need).await;
        let status = response.status();
        let body: Value = response.json().await.expect("need body");
        assert_eq!(status, 201, "post need: {body}");
        body["id"]
            .as_str()
            .and_then(|id| Uuid::parse_str(id).ok())
            .expect("a need id")
    }
}

fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = admin_url
        .split_once('?')
        .map_or((admin_url, None), |(base, query)| (base, Some(query)));
    let base = match base.rfind('/') {
        Some(slash) if slash > base.find("://").map_or(0, |i| i + 2) => &base[..slash],
        _ => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Sqlite { dir } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Shared => {}
            Cleanup::Postgres {
                admin_url,
                name,
                dir,
            } => {
                let _ = std::fs::remove_dir_all(dir);
                // The test's runtime is shutting down; drop the database from a thread of
                // our own. FORCE ends the server's pooled connections (PostgreSQL 13+).
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let dropped = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let admin = Database::connect(&admin_url).await.ok()?;
                        admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                });
                let _ = dropped.join();
            }
        }
    }
}

/// A realistic need: the Shiojiri city CMO post.
pub fn cmo_need() -> Value {
    json!({
        "title": "塩尻市 シティプロモーション CMO（マーケティング責任者）",
        "description": "市の魅力を全国に伝えるシティプロモーションの戦略づくりと実行。月4日以内、フルリモート。",
        "goal": "関係人口を増やし、ふるさと納税とイベント参加者を前年比150%に",
        "role": "cmo",
        "style": "hands_on",
        "skills": [{"skill": "digital_marketing", "min_level": 3, "must": true}, {"skill": "pr", "min_level": 2, "must": false}],
        "themes": ["regional_revitalization"],
        "hours_per_month": {"min": 16, "max": 32},
        "duration_months": 6,
        "work_style": "remote",
        "onsite_visits_per_month": 0,
        "meeting_slots": ["weekday_evening", "weekend"],
        "compensation_jpy": {"min": 50000, "max": 100000},
        "pro_bono": false,
        "headcount": 1,
        "apply_by": "2027-01-31"
    })
}

/// A realistic profile: a marketer born in Shiojiri, living in Tokyo.
pub fn marketer_profile() -> Value {
    json!({
        "headline": "元大手メーカーのマーケター。週末に地方企業のEC支援",
        "bio": "メーカーで10年、ECの立ち上げを3回経験。",
        "motivation": "生まれ育った塩尻の魅力を、関係人口を増やす形で全国に伝えたい",
        "skills": [{"skill": "digital_marketing", "level": 4, "years": 8}],
        "roles": [{"role": "cmo", "years": 2}],
        "industries": ["manufacturing"],
        "themes": ["regional_revitalization"],
        "style": "either",
        "hours_per_month": 24,
        "max_engagements": 1,
        "work_style": "remote",
        "max_onsite_visits_per_month": 1,
        "home": {"prefecture": "東京都", "city": "世田谷区"},
        "ties": [{"prefecture": "長野県", "city": "塩尻市", "kind": "hometown"}],
        "meeting_slots": ["weekday_evening", "weekend"],
        "min_compensation_jpy": 30000,
        "pro_bono_ok": true
    })
}

/// Limits so high no test reaches them: every test server starts with these, as all its
/// clients share one address; throttling tests override them with small ones.
pub const UNTHROTTLED: &[(&str, &str)] = &[
    ("MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT", "1000000"),
    ("MUSUBI_THROTTLE_LOGIN_PER_ADDRESS", "1000000"),
    ("MUSUBI_THROTTLE_REGISTER_PER_ACCOUNT", "1000000"),
    ("MUSUBI_THROTTLE_REGISTER_PER_ADDRESS", "1000000"),
    ("MUSUBI_THROTTLE_RESET_PER_ACCOUNT", "1000000"),
    ("MUSUBI_THROTTLE_RESET_PER_ADDRESS", "1000000"),
];

impl TestApp {
    /// Waits (up to 20 s) until the worker has sent an email to `to`, then makes it
    /// `dead` with `error`, as if every attempt had failed; returns the row.
    pub async fn kill_email_to(
        &self,
        to: &str,
        error: &str,
    ) -> musubi_api::entities::outbox::Model {
        use musubi_api::entities::outbox;
        use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
        let deadline = Instant::now() + Duration::from_secs(20);
        let row = loop {
            let found = outbox::Entity::find()
                .filter(outbox::Column::ToAddress.eq(to))
                .one(&self.db)
                .await
                .expect("reading the outbox");
            if let Some(row) = found.filter(|row| row.status == "sent") {
                break row;
            }
            assert!(Instant::now() < deadline, "the email to {to} was not sent");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let mut dead: outbox::ActiveModel = row.into();
        dead.status = Set("dead".to_owned());
        dead.sent_at = Set(None);
        dead.last_error = Set(Some(error.to_owned()));
        dead.update(&self.db).await.expect("marking the email dead")
    }

    /// The path of the first link starting with `prefix` (`/matches/`, say) in an email
    /// to `to` in the server's mail folder, waiting (up to 20 s) for one to arrive.
    pub async fn link_in_mail(&self, to: &str, prefix: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            for entry in std::fs::read_dir(&self.mail_dir).into_iter().flatten() {
                let Ok(bytes) = std::fs::read(entry.expect("a mail folder entry").path()) else {
                    continue;
                };
                let Some(message) = mail_parser::MessageParser::default().parse(&bytes) else {
                    continue;
                };
                let recipient = message
                    .to()
                    .and_then(|to| to.first())
                    .and_then(|address| address.address())
                    .unwrap_or_default()
                    .to_owned();
                let text = message.body_text(0).unwrap_or_default().into_owned();
                if recipient == to
                    && let Some(start) = text.find(prefix)
                {
                    return text[start..]
                        .chars()
                        .take_while(|c| !c.is_whitespace())
                        .collect();
                }
            }
            assert!(
                Instant::now() < deadline,
                "no email to {to} with a link to {prefix}…"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// `POST /auth/login` without asserting anything.
    pub async fn try_login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.api("/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login")
    }

    /// `POST /auth/register` without asserting anything.
    pub async fn try_register(&self, body: &Value) -> reqwest::Response {
        self.client
            .post(self.api("/auth/register"))
            .json(body)
            .send()
            .await
            .expect("register")
    }

    /// An unauthenticated POST of JSON to an API path.
    pub async fn post_anonymous(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.api(path))
            .json(body)
            .send()
            .await
            .expect("POST")
    }
}

/// Polls `check` every 50 ms until it holds; fails past `deadline`. For what another
/// server process sees only after its feed's poll or a kept value's freshness.
pub async fn eventually<F, Fut>(deadline: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(
            started.elapsed() < deadline,
            "{what}: not within {deadline:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub mod pg_cluster;

impl TestApp {
    /// Starts a server on a fresh database of the PostgreSQL server at `admin_url` (for
    /// a [`pg_cluster::PgCluster`] a test controls), whatever `MUSUBI_TEST_BACKEND` says.
    pub async fn spawn_on_postgres(admin_url: &str, overrides: &[(&str, &str)]) -> Self {
        let scratch = std::env::temp_dir().join(format!("musubi-test-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&scratch).expect("creating a scratch directory");
        let (database_url, cleanup) = new_postgres_database(admin_url, &scratch).await;
        Self::start_on(
            Backend::Postgres,
            database_url,
            cleanup,
            &scratch,
            overrides,
        )
        .await
    }

    /// The name of this server's database.
    pub fn database_name(&self) -> String {
        let path = self.database_url.split('?').next().unwrap_or_default();
        path.rsplit('/').next().unwrap_or_default().to_owned()
    }
}

/// Creates a fresh database on the PostgreSQL server at `admin_url`: its URL, and how to
/// drop it (with `scratch`) afterwards.
async fn new_postgres_database(admin_url: &str, scratch: &std::path::Path) -> (String, Cleanup) {
    let name = format!("musubi_test_{}", Uuid::new_v4().simple());
    let admin = Database::connect(admin_url)
        .await
        .expect("connecting to the PostgreSQL server");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("creating a test database");
    admin.close().await.expect("closing the admin connection");
    (
        with_database(admin_url, &name),
        Cleanup::Postgres {
            admin_url: admin_url.to_owned(),
            name,
            dir: scratch.to_path_buf(),
        },
    )
}
