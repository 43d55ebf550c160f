//! Configuration: every environment variable the operator may set, read in one place.
//!
//! `Settings::from_env` fails fast with a message that names the variable to fix, so a
//! mistake is caught at start-up rather than on the first request that needs it.

use std::{
    fmt,
    net::SocketAddr,
    path::PathBuf,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use anyhow::{Context, bail};

/// The embedded default: SQLite in the working directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://musubi.db?mode=rwc";

/// A secret string whose `Debug` and `Display` never show its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Everything the service is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `postgres://…` or `sqlite://…`.
    pub database_url: String,
    /// Listen address; port 0 picks a free port (tests).
    pub bind: SocketAddr,
    /// HMAC key for access tokens, at least 32 bytes.
    pub jwt_secret: Secret,
    /// Lifetime of an access token; at most one hour.
    pub token_ttl: Duration,
    /// `smtp://host:port` or `smtps://user:pass@host`; `None` writes `.eml` files.
    pub smtp_url: Option<Secret>,
    /// Where mail goes when there is no SMTP server.
    pub mail_dir: PathBuf,
    /// The `From:` of every email.
    pub mail_from: String,
    /// Base URL for links inside emails.
    pub public_url: String,
    /// Most database connections in the pool.
    pub db_max_connections: u32,
    /// How long a request waits for a connection (or a connect) before the service
    /// answers 503: a dead database must never hang a request.
    pub db_timeout: Duration,
    /// How the outbox worker delivers mail.
    pub mail: MailSettings,
    /// After SIGTERM, how long requests still running or still being received may take
    /// before their connections are closed and the process exits
    /// (`MUSUBI_SHUTDOWN_GRACE_SECONDS`, default 10).
    pub shutdown_grace: Duration,
    /// Limits on login, registration and password-reset requests.
    pub throttle: ThrottleSettings,
    /// The pages' sessions.
    pub web: WebSettings,
}

/// One limit: at most `max` attempts in any `window` (a sliding window).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed within the window.
    pub max: u32,
    /// The window's length.
    pub window: Duration,
}

/// Throttling of the endpoints an attacker guesses through (`MUSUBI_THROTTLE_*`). Each
/// limit is a sliding window: an attempt is refused (429 with `Retry-After`) while `max`
/// attempts lie within the last `window`, and allowed again as soon as the oldest leaves
/// it, so nobody can lock an account for longer than they keep sending. State is kept in
/// each process: with several processes behind a balancer the limits apply per process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleSettings {
    /// Failed logins (and wrong current passwords) per account
    /// (`MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT`, default 10 per minute).
    pub login_per_account: Limit,
    /// Failed logins per client address (`MUSUBI_THROTTLE_LOGIN_PER_ADDRESS`, default 30
    /// per minute). Both login limits share `MUSUBI_THROTTLE_LOGIN_WINDOW_SECONDS` (60).
    pub login_per_address: Limit,
    /// Registration attempts per email (`MUSUBI_THROTTLE_REGISTER_PER_ACCOUNT`, default 5
    /// per hour).
    pub register_per_account: Limit,
    /// Registration attempts per client address (`MUSUBI_THROTTLE_REGISTER_PER_ADDRESS`,
    /// default 10 per hour); both share `MUSUBI_THROTTLE_REGISTER_WINDOW_SECONDS` (3600).
    pub register_per_address: Limit,
    /// Password-reset requests per email (`MUSUBI_THROTTLE_RESET_PER_ACCOUNT`, default 3
    /// per hour).
    pub reset_per_account: Limit,
    /// Password-reset requests per client address (`MUSUBI_THROTTLE_RESET_PER_ADDRESS`,
    /// default 10 per hour); both share `MUSUBI_THROTTLE_RESET_WINDOW_SECONDS` (3600).
    pub reset_per_address: Limit,
    /// Most keys (accounts and addresses) remembered per limit
    /// (`MUSUBI_THROTTLE_MAX_KEYS`, default 100000); idle keys are forgotten first.
    pub max_keys: usize,
    /// A request header naming the client's address, set by a trusted reverse proxy
    /// (`MUSUBI_CLIENT_ADDRESS_HEADER`, e.g. `X-Forwarded-For`, whose last entry is
    /// used). Unset (the default), the TCP peer's address is the client's.
    pub client_address_header: Option<String>,
}

/// The pages' login sessions (`MUSUBI_SESSION_*`). A session ends when it has not been
/// used for `idle`, and in any case `absolute` after its login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSettings {
    /// Unused this long, a session ends (`MUSUBI_SESSION_IDLE_SECONDS`, default 7200:
    /// two hours).
    pub session_idle: Duration,
    /// This long after its login, a session ends however busy
    /// (`MUSUBI_SESSION_ABSOLUTE_SECONDS`, default 43200: twelve hours, a working day).
    pub session_absolute: Duration,
    /// Whether cookies are `Secure` (and the session cookie `__Host-` prefixed): when
    /// `MUSUBI_PUBLIC_URL` is https.
    pub secure_cookies: bool,
}

impl WebSettings {
    fn from_lookup(
        get: &impl Fn(&str) -> Option<String>,
        public_url: &str,
    ) -> anyhow::Result<Self> {
        let seconds = |name: &str, default: u64| -> anyhow::Result<Duration> {
            let seconds = parse_number(get, name, default)?;
            if !(1..=30 * 86_400).contains(&seconds) {
                bail!("{name} must be between 1 and 2592000 seconds (30 days)");
            }
            Ok(Duration::from_secs(seconds))
        };
        let settings = Self {
            session_idle: seconds("MUSUBI_SESSION_IDLE_SECONDS", 2 * 3_600)?,
            session_absolute: seconds("MUSUBI_SESSION_ABSOLUTE_SECONDS", 12 * 3_600)?,
            secure_cookies: public_url.to_ascii_lowercase().starts_with("https://"),
        };
        if settings.session_idle > settings.session_absolute {
            bail!("MUSUBI_SESSION_IDLE_SECONDS must not exceed MUSUBI_SESSION_ABSOLUTE_SECONDS");
        }
        Ok(settings)
    }
}

impl ThrottleSettings {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let window = |name: &str, default: u64| -> anyhow::Result<Duration> {
            let seconds = parse_number(get, name, default)?;
            if !(1..=86_400).contains(&seconds) {
                bail!("{name} must be between 1 and 86400 seconds");
            }
            Ok(Duration::from_secs(seconds))
        };
        let limit = |name: &str, default: u64, window: Duration| -> anyhow::Result<Limit> {
            let max = u32::try_from(parse_number(get, name, default)?)
                .ok()
                .filter(|max| *max >= 1)
                .with_context(|| format!("{name} must be between 1 and {}", u32::MAX))?;
            Ok(Limit { max, window })
        };
        let login = window("MUSUBI_THROTTLE_LOGIN_WINDOW_SECONDS", 60)?;
        let register = window("MUSUBI_THROTTLE_REGISTER_WINDOW_SECONDS", 3_600)?;
        let reset = window("MUSUBI_THROTTLE_RESET_WINDOW_SECONDS", 3_600)?;
        let max_keys = usize::try_from(parse_number(get, "MUSUBI_THROTTLE_MAX_KEYS", 100_000)?)
            .ok()
            .filter(|keys| *keys >= 1)
            .context("MUSUBI_THROTTLE_MAX_KEYS must be at least 1")?;
        let client_address_header = match get("MUSUBI_CLIENT_ADDRESS_HEADER") {
            None => None,
            Some(name) => {
                let name = name.trim().to_ascii_lowercase();
                if actix_web::http::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                    bail!("MUSUBI_CLIENT_ADDRESS_HEADER must be a header name (got {name:?})");
                }
                Some(name)
            }
        };
        Ok(Self {
            login_per_account: limit("MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT", 10, login)?,
            login_per_address: limit("MUSUBI_THROTTLE_LOGIN_PER_ADDRESS", 30, login)?,
            register_per_account: limit("MUSUBI_THROTTLE_REGISTER_PER_ACCOUNT", 5, register)?,
            register_per_address: limit("MUSUBI_THROTTLE_REGISTER_PER_ADDRESS", 10, register)?,
            reset_per_account: limit("MUSUBI_THROTTLE_RESET_PER_ACCOUNT", 3, reset)?,
            reset_per_address: limit("MUSUBI_THROTTLE_RESET_PER_ADDRESS", 10, reset)?,
            max_keys,
            client_address_header,
        })
    }
}

/// The outbox worker's timing and budget (`MUSUBI_MAIL_*`). The defaults suit
/// production; tests shrink them so retries take milliseconds.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Whether this process runs a delivery worker (`MUSUBI_MAIL_WORKER`, default true).
    /// Several processes may all run one: they never send the same row twice at once.
    pub worker: bool,
    /// First retry delay ceiling (`MUSUBI_MAIL_RETRY_BASE_MS`, default 5 s); it doubles
    /// with every failed attempt.
    pub retry_base: Duration,
    /// Largest retry delay (`MUSUBI_MAIL_RETRY_CAP_MS`, default 4 min): after an SMTP
    /// outage every waiting email is tried again within this time of the server's return.
    pub retry_cap: Duration,
    /// How long a failing email keeps being retried before it is `dead`, counted from its
    /// first failed attempt (`MUSUBI_MAIL_RETRY_BUDGET_SECONDS`, default 48 hours).
    pub retry_budget: Duration,
    /// An optional extra cap on attempts (`MUSUBI_MAIL_MAX_ATTEMPTS`, unset by default):
    /// a row is `dead` after this many failures even inside the time budget.
    pub max_attempts: Option<u32>,
    /// Sends in flight at once, each on its own SMTP connection
    /// (`MUSUBI_MAIL_CONCURRENCY`, default 4): a hanging session holds back only its own
    /// message.
    pub concurrency: usize,
    /// How often an idle worker looks for due mail (`MUSUBI_MAIL_POLL_MS`, default 500 ms).
    pub poll_interval: Duration,
    /// Longest one delivery may take (`MUSUBI_MAIL_SEND_TIMEOUT_MS`, default 15 s).
    pub send_timeout: Duration,
    /// How long a claimed row belongs to its worker (`MUSUBI_MAIL_LEASE_MS`, default 60 s):
    /// a crashed worker's rows are taken over after this. A live worker extends it while
    /// it holds the row. At least twice the send timeout.
    pub lease: Duration,
    /// Rows claimed at a time (`MUSUBI_MAIL_BATCH`, default 32).
    pub batch_size: u32,
    /// Faults tests inject; never read from the environment, so always off in service.
    #[doc(hidden)]
    pub faults: Arc<MailFaults>,
}

/// Faults a test injects into the outbox worker through the shared settings
/// (`app.settings.mail.faults`). Nothing reads them from the environment or a file, so a
/// deployed service never has one.
#[doc(hidden)]
#[derive(Debug, Default)]
pub struct MailFaults {
    /// Building the message to this address panics, as a bug in a template would.
    pub panic_building_for: Mutex<Option<String>>,
    /// The worker task itself panics, outside any row, this many more times.
    pub worker_panics: AtomicU32,
}

impl MailFaults {
    /// Whether building a message to `address` must panic.
    pub fn panics_building_for(&self, address: &str) -> bool {
        self.panic_building_for
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_deref()
            == Some(address)
    }

    /// Sets (or clears) the address whose message panics while being built.
    pub fn set_panic_building_for(&self, address: Option<&str>) {
        *self
            .panic_building_for
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = address.map(str::to_owned);
    }

    /// Takes one of the worker panics still owed, if any.
    pub fn take_worker_panic(&self) -> bool {
        self.worker_panics
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(1)
            })
            .is_ok()
    }
}

impl MailSettings {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let millis =
            |name: &str, default: u64| parse_number(get, name, default).map(Duration::from_millis);
        let worker = match get("MUSUBI_MAIL_WORKER")
            .map(|value| value.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("true" | "1" | "on" | "yes") => true,
            Some("false" | "0" | "off" | "no") => false,
            Some(other) => bail!("MUSUBI_MAIL_WORKER must be true or false (got {other:?})"),
        };
        let max_attempts = match get("MUSUBI_MAIL_MAX_ATTEMPTS") {
            None => None,
            Some(_) => Some(
                u32::try_from(parse_number(get, "MUSUBI_MAIL_MAX_ATTEMPTS", 0)?)
                    .context("MUSUBI_MAIL_MAX_ATTEMPTS is too large")?,
            ),
        };
        let settings = Self {
            worker,
            retry_base: millis("MUSUBI_MAIL_RETRY_BASE_MS", 5_000)?,
            retry_cap: millis("MUSUBI_MAIL_RETRY_CAP_MS", 4 * 60 * 1_000)?,
            retry_budget: Duration::from_secs(parse_number(
                get,
                "MUSUBI_MAIL_RETRY_BUDGET_SECONDS",
                48 * 3_600,
            )?),
            max_attempts,
            concurrency: usize::try_from(parse_number(get, "MUSUBI_MAIL_CONCURRENCY", 4)?)
                .context("MUSUBI_MAIL_CONCURRENCY is too large")?,
            poll_interval: millis("MUSUBI_MAIL_POLL_MS", 500)?,
            send_timeout: millis("MUSUBI_MAIL_SEND_TIMEOUT_MS", 15_000)?,
            lease: millis("MUSUBI_MAIL_LEASE_MS", 60_000)?,
            batch_size: u32::try_from(parse_number(get, "MUSUBI_MAIL_BATCH", 32)?)
                .context("MUSUBI_MAIL_BATCH is too large")?,
            faults: Arc::default(),
        };
        if settings
            .max_attempts
            .is_some_and(|cap| cap == 0 || cap > 1_000_000)
        {
            bail!("MUSUBI_MAIL_MAX_ATTEMPTS must be between 1 and 1000000 (or unset)");
        }
        if settings.retry_budget.is_zero() {
            bail!("MUSUBI_MAIL_RETRY_BUDGET_SECONDS must be at least 1");
        }
        if !(1..=64).contains(&settings.concurrency) {
            bail!("MUSUBI_MAIL_CONCURRENCY must be between 1 and 64");
        }
        if settings.retry_cap < settings.retry_base {
            bail!("MUSUBI_MAIL_RETRY_CAP_MS must not be below MUSUBI_MAIL_RETRY_BASE_MS");
        }
        if settings.poll_interval.is_zero() || settings.send_timeout.is_zero() {
            bail!("MUSUBI_MAIL_POLL_MS and MUSUBI_MAIL_SEND_TIMEOUT_MS must be at least 1");
        }
        // A worker stops starting sends once less than one send timeout of its lease is
        // left, so the lease must leave room for at least one.
        if settings.lease < settings.send_timeout * 2 {
            bail!("MUSUBI_MAIL_LEASE_MS must be at least twice MUSUBI_MAIL_SEND_TIMEOUT_MS");
        }
        if !(1..=1_000).contains(&settings.batch_size) {
            bail!("MUSUBI_MAIL_BATCH must be between 1 and 1000");
        }
        Ok(settings)
    }
}

const MIN_SECRET_BYTES: usize = 32;

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let get = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if !(database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://")
            || database_url.starts_with("sqlite:"))
        {
            bail!("DATABASE_URL must start with postgres:// or sqlite:// (got {database_url:?})");
        }

        let bind = get("MUSUBI_BIND").unwrap_or_else(|| "127.0.0.1:8080".to_owned());
        let bind: SocketAddr = bind.parse().with_context(|| {
            format!("MUSUBI_BIND must be an address like 127.0.0.1:8080 (got {bind:?})")
        })?;

        let jwt_secret = match get("MUSUBI_JWT_SECRET") {
            Some(secret) => Secret::new(secret),
            None if is_sqlite(&database_url) => Secret::new(embedded_secret(&database_url)?),
            None => bail!(
                "MUSUBI_JWT_SECRET is required with a PostgreSQL DATABASE_URL: set it to a random string of at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
            ),
        };
        if jwt_secret.expose().len() < MIN_SECRET_BYTES {
            bail!("MUSUBI_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long");
        }

        let token_ttl = Duration::from_secs(parse_number(&get, "MUSUBI_TOKEN_TTL_SECONDS", 3600)?);
        if token_ttl.is_zero() || token_ttl > Duration::from_secs(3600) {
            bail!("MUSUBI_TOKEN_TTL_SECONDS must be between 1 and 3600");
        }

        let smtp_url = get("MUSUBI_SMTP_URL").map(Secret::new);
        if let Some(url) = &smtp_url
            && !(url.expose().starts_with("smtp://") || url.expose().starts_with("smtps://"))
        {
            bail!("MUSUBI_SMTP_URL must start with smtp:// or smtps://");
        }

        let db_max_connections =
            u32::try_from(parse_number(&get, "MUSUBI_DB_MAX_CONNECTIONS", 10)?)
                .context("MUSUBI_DB_MAX_CONNECTIONS is too large")?;
        if db_max_connections == 0 {
            bail!("MUSUBI_DB_MAX_CONNECTIONS must be at least 1");
        }
        let db_timeout = Duration::from_secs(parse_number(&get, "MUSUBI_DB_TIMEOUT_SECONDS", 3)?);
        let shutdown_grace =
            Duration::from_secs(parse_number(&get, "MUSUBI_SHUTDOWN_GRACE_SECONDS", 10)?);
        if shutdown_grace > Duration::from_secs(3600) {
            bail!("MUSUBI_SHUTDOWN_GRACE_SECONDS must be at most 3600");
        }

        let public_url = get("MUSUBI_PUBLIC_URL")
            .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned())
            .trim_end_matches('/')
            .to_owned();
        let web = WebSettings::from_lookup(&get, &public_url)?;

        Ok(Self {
            database_url,
            bind,
            jwt_secret,
            token_ttl,
            smtp_url,
            mail_dir: PathBuf::from(
                get("MUSUBI_MAIL_DIR").unwrap_or_else(|| "./outbox".to_owned()),
            ),
            mail_from: get("MUSUBI_MAIL_FROM")
                .unwrap_or_else(|| "Musubi <no-reply@localhost>".to_owned()),
            public_url,
            db_max_connections,
            db_timeout,
            mail: MailSettings::from_lookup(&get)?,
            throttle: ThrottleSettings::from_lookup(&get)?,
            web,
            shutdown_grace,
        })
    }

    /// Whether the database is the embedded SQLite.
    pub fn is_sqlite(&self) -> bool {
        is_sqlite(&self.database_url)
    }
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u64,
) -> anyhow::Result<u64> {
    match get(name) {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse()
            .with_context(|| format!("{name} must be a whole number (got {text:?})")),
    }
}

/// The SQLite file a `sqlite://` URL names, if it names a file.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// In the embedded default the signing secret is generated once and kept beside the
/// database file, so tokens survive a restart without any configuration.
fn embedded_secret(database_url: &str) -> anyhow::Result<String> {
    let Some(db_path) = sqlite_path(database_url) else {
        // An in-memory database lives as long as the process; so does its secret.
        return Ok(random_secret());
    };
    let secret_path = db_path.with_extension("secret");
    match std::fs::read_to_string(&secret_path) {
        Ok(secret) if secret.trim().len() >= MIN_SECRET_BYTES => Ok(secret.trim().to_owned()),
        Ok(_) => bail!(
            "{} holds a secret shorter than {MIN_SECRET_BYTES} bytes: delete it or set MUSUBI_JWT_SECRET",
            secret_path.display()
        ),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            let secret = random_secret();
            write_private(&secret_path, &secret).with_context(|| {
                format!(
                    "cannot write the generated secret to {}",
                    secret_path.display()
                )
            })?;
            Ok(secret)
        }
        Err(error) => Err(error).with_context(|| format!("cannot read {}", secret_path.display())),
    }
}

fn random_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn write_private(path: &std::path::Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_lookup(|name| vars.get(name).cloned())
    }

    #[test]
    fn postgres_without_a_secret_fails_naming_the_variable() {
        let error = settings(&[("DATABASE_URL", "postgres://localhost/musubi")]).unwrap_err();
        assert!(error.to_string().contains("MUSUBI_JWT_SECRET"), "{error}");
    }

    #[test]
    fn a_short_secret_is_refused() {
        let error = settings(&[
            ("DATABASE_URL", "postgres://x/y"),
            ("MUSUBI_JWT_SECRET", "short"),
        ])
        .unwrap_err();
        assert!(error.to_string().contains("at least 32 bytes"), "{error}");
    }

    #[test]
    fn a_bad_bind_address_names_the_variable() {
        let error = settings(&[
            ("MUSUBI_BIND", "localhost"),
            ("DATABASE_URL", "sqlite::memory:"),
        ])
        .unwrap_err();
        assert!(format!("{error:#}").contains("MUSUBI_BIND"), "{error:#}");
    }

    #[test]
    fn the_embedded_default_generates_and_keeps_a_secret_beside_the_database() {
        let dir = std::env::temp_dir().join(format!("musubi-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/musubi.db?mode=rwc", dir.display());
        let first = settings(&[("DATABASE_URL", &url)]).unwrap();
        let second = settings(&[("DATABASE_URL", &url)]).unwrap();
        assert_eq!(first.jwt_secret, second.jwt_secret);
        assert!(dir.join("musubi.secret").exists());
        assert_eq!(first.bind.to_string(), "127.0.0.1:8080");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn mail_settings_default_to_production_values_and_take_small_test_values() {
        let defaults = settings(&[("DATABASE_URL", "sqlite::memory:")])
            .unwrap()
            .mail;
        assert!(defaults.worker);
        assert_eq!(defaults.retry_base, Duration::from_secs(5));
        // Within the 5 minutes the API promises after an SMTP outage ends.
        assert_eq!(defaults.retry_cap, Duration::from_secs(4 * 60));
        assert_eq!(defaults.retry_budget, Duration::from_secs(48 * 3_600));
        assert_eq!(defaults.max_attempts, None);
        assert_eq!(defaults.concurrency, 4);
        assert_eq!(defaults.poll_interval, Duration::from_millis(500));
        assert_eq!(defaults.send_timeout, Duration::from_secs(15));
        let fast = settings(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("MUSUBI_MAIL_RETRY_BASE_MS", "10"),
            ("MUSUBI_MAIL_RETRY_CAP_MS", "50"),
            ("MUSUBI_MAIL_MAX_ATTEMPTS", "3"),
            ("MUSUBI_MAIL_WORKER", "off"),
        ])
        .unwrap()
        .mail;
        assert_eq!(
            (
                fast.retry_base,
                fast.retry_cap,
                fast.max_attempts,
                fast.worker
            ),
            (
                Duration::from_millis(10),
                Duration::from_millis(50),
                Some(3),
                false
            )
        );
    }

    #[test]
    fn inconsistent_mail_settings_name_the_variable() {
        for (vars, name) in [
            (
                vec![
                    ("MUSUBI_MAIL_RETRY_BASE_MS", "100"),
                    ("MUSUBI_MAIL_RETRY_CAP_MS", "10"),
                ],
                "MUSUBI_MAIL_RETRY_CAP_MS",
            ),
            (
                vec![("MUSUBI_MAIL_MAX_ATTEMPTS", "0")],
                "MUSUBI_MAIL_MAX_ATTEMPTS",
            ),
            (
                vec![("MUSUBI_MAIL_LEASE_MS", "1000")],
                "MUSUBI_MAIL_LEASE_MS",
            ),
            (vec![("MUSUBI_MAIL_WORKER", "maybe")], "MUSUBI_MAIL_WORKER"),
            (
                vec![("MUSUBI_MAIL_CONCURRENCY", "0")],
                "MUSUBI_MAIL_CONCURRENCY",
            ),
            (
                vec![("MUSUBI_MAIL_RETRY_BUDGET_SECONDS", "0")],
                "MUSUBI_MAIL_RETRY_BUDGET_SECONDS",
            ),
            (vec![("MUSUBI_MAIL_POLL_MS", "soon")], "MUSUBI_MAIL_POLL_MS"),
        ] {
            let mut vars = vars;
            vars.push(("DATABASE_URL", "sqlite::memory:"));
            let error = settings(&vars).unwrap_err();
            assert!(format!("{error:#}").contains(name), "{error:#}");
        }
    }

    #[test]
    fn sessions_default_to_two_idle_hours_within_twelve_and_are_secure_under_https() {
        let defaults = settings(&[("DATABASE_URL", "sqlite::memory:")])
            .unwrap()
            .web;
        assert_eq!(defaults.session_idle, Duration::from_secs(7_200));
        assert_eq!(defaults.session_absolute, Duration::from_secs(43_200));
        assert!(!defaults.secure_cookies);
        let https = settings(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("MUSUBI_PUBLIC_URL", "https://musubi.example/"),
            ("MUSUBI_SESSION_IDLE_SECONDS", "60"),
        ])
        .unwrap()
        .web;
        assert!(https.secure_cookies);
        assert_eq!(https.session_idle, Duration::from_secs(60));
        for (name, value) in [
            ("MUSUBI_SESSION_IDLE_SECONDS", "0"),
            ("MUSUBI_SESSION_ABSOLUTE_SECONDS", "soon"),
            ("MUSUBI_SESSION_IDLE_SECONDS", "50000"),
        ] {
            let error =
                settings(&[("DATABASE_URL", "sqlite::memory:"), (name, value)]).unwrap_err();
            assert!(format!("{error:#}").contains(name), "{error:#}");
        }
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let settings = settings(&[
            ("DATABASE_URL", "postgres://x/y"),
            ("MUSUBI_JWT_SECRET", &"k".repeat(40)),
        ])
        .unwrap();
        assert!(!format!("{settings:?}").contains("kkkk"));
    }

    #[test]
    fn throttle_settings_default_to_documented_limits_and_name_bad_variables() {
        let defaults = settings(&[("DATABASE_URL", "sqlite::memory:")])
            .unwrap()
            .throttle;
        assert_eq!(
            defaults.login_per_account,
            Limit {
                max: 10,
                window: Duration::from_secs(60)
            }
        );
        assert_eq!(defaults.register_per_address.max, 10);
        assert_eq!(
            defaults.register_per_address.window,
            Duration::from_secs(3600)
        );
        assert_eq!(defaults.client_address_header, None);
        let short = settings(&[
            ("DATABASE_URL", "sqlite::memory:"),
            ("MUSUBI_THROTTLE_LOGIN_WINDOW_SECONDS", "2"),
            ("MUSUBI_CLIENT_ADDRESS_HEADER", "X-Forwarded-For"),
        ])
        .unwrap()
        .throttle;
        assert_eq!(short.login_per_address.window, Duration::from_secs(2));
        assert_eq!(
            short.client_address_header.as_deref(),
            Some("x-forwarded-for")
        );
        for (name, value) in [
            ("MUSUBI_THROTTLE_LOGIN_PER_ACCOUNT", "0"),
            ("MUSUBI_THROTTLE_RESET_WINDOW_SECONDS", "0"),
            ("MUSUBI_THROTTLE_MAX_KEYS", "many"),
            ("MUSUBI_CLIENT_ADDRESS_HEADER", "not a header"),
        ] {
            let error =
                settings(&[("DATABASE_URL", "sqlite::memory:"), (name, value)]).unwrap_err();
            assert!(format!("{error:#}").contains(name), "{error:#}");
        }
    }
}
