//! Database connections: explicit pool sizes and timeouts on both backends.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, RuntimeErr,
    error::SqlxError,
};
use sea_orm_migration::MigratorTrait;

use crate::config::Settings;

/// Opens the pool. A database that does not answer fails start-up within `db_timeout`;
/// later, a request waits at most `db_timeout` for a connection and then gets a 503.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    let sqlite_file = if settings.is_sqlite() {
        crate::config::sqlite_path(&settings.database_url)
    } else {
        None
    };
    if let Some(path) = &sqlite_file {
        private_database_file(path)?;
    }
    let mut options = ConnectOptions::new(settings.database_url.clone());
    // SQLite takes one writer at a time, and a transaction that reads before it writes
    // fails with SQLITE_BUSY (no waiting) when another connection wrote meanwhile; one
    // connection serialises the embedded default instead of failing requests.
    let max = if settings.is_sqlite() {
        1
    } else {
        settings.db_max_connections
    };
    options
        .max_connections(max)
        .min_connections(1)
        .connect_timeout(settings.db_timeout)
        .acquire_timeout(settings.db_timeout)
        .idle_timeout(Duration::from_secs(300))
        // A connection the server ended (a restart, a failover, `pg_terminate_backend`)
        // is found by a ping before it is handed out, dropped, and replaced by a new
        // one; none lives past half an hour, so a replaced server is never held onto.
        .test_before_acquire(true)
        .max_lifetime(Duration::from_secs(30 * 60))
        .sqlx_logging(false);
    let db = Database::connect(options).await.with_context(|| {
        format!(
            "cannot connect to the database at {}",
            redact(&settings.database_url)
        )
    })?;
    if settings.is_sqlite() {
        // WAL lets readers run beside the writer; the busy timeout queues writers instead
        // of failing them; foreign keys are off in SQLite unless asked for.
        for pragma in [
            "PRAGMA journal_mode = WAL",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA foreign_keys = ON",
        ] {
            db.execute_unprepared(pragma)
                .await
                .with_context(|| format!("cannot set {pragma}"))?;
        }
    }
    if let Some(path) = &sqlite_file {
        // SQLite creates the -wal and -shm files with the database file's mode; files left
        // by an older version may be wider, so narrow whatever is there.
        for suffix in ["-wal", "-shm"] {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            restrict(std::path::Path::new(&name))?;
        }
    }
    Ok(db)
}

/// The embedded database holds every account and password hash: its file is created
/// readable by the owner only (0600), and an existing one is narrowed to that.
fn private_database_file(path: &std::path::Path) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("cannot create the database file {}", path.display()))?;
    restrict(path)
}

/// Sets a file that exists to mode 0600.
fn restrict(path: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.permissions().mode() & 0o777 != 0o600 => {
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("cannot make {} private (0600)", path.display()))?;
            }
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    musubi_migrations::Migrator::up(db, None)
        .await
        .context("cannot apply database migrations")
}

/// Whether an error means the database is unreachable rather than the query wrong: no
/// connection in time, a closed pool, a connection cut mid-query (a restart, a failover,
/// `pg_terminate_backend`), or PostgreSQL's connection-class codes (SQLSTATE class 08,
/// 57P01–57P03). These answer 503 with `Retry-After`: the request may be retried.
pub fn is_unavailable(error: &DbErr) -> bool {
    match error {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(runtime) | DbErr::Query(runtime) => match runtime {
            RuntimeErr::SqlxError(error) => is_connection_error(error),
            RuntimeErr::Internal(message) => mentions_a_lost_connection(message),
        },
        _ => false,
    }
}

/// Whether a driver error is about the connection rather than the statement.
fn is_connection_error(error: &SqlxError) -> bool {
    match error {
        SqlxError::Io(_)
        | SqlxError::Tls(_)
        | SqlxError::Protocol(_)
        | SqlxError::PoolTimedOut
        | SqlxError::PoolClosed
        | SqlxError::WorkerCrashed => true,
        SqlxError::Database(error) => error.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        other => mentions_a_lost_connection(&other.to_string()),
    }
}

/// The driver's words for a connection that went away under a query, for errors that
/// arrive only as text.
fn mentions_a_lost_connection(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "connection reset",
        "connection refused",
        "broken pipe",
        "expected to read",
        "terminating connection",
        "connection closed",
        "pool timed out",
        "closed pool",
        "unexpected eof",
    ]
    .iter()
    .any(|words| message.contains(words))
}

/// Whether an error is a unique-constraint violation (mapped to 409 by callers).
pub fn is_unique_violation(error: &DbErr) -> bool {
    unique_violation(error).is_some()
}

/// The unique rules of the schema a write can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueRule {
    /// `users_email_key`: one account per email.
    UserEmail,
    /// `regions_name_key`: one region per name.
    RegionName,
    /// `organizations_owner_id_key`: one organization per SME account.
    OrganizationOwner,
    /// `applications_need_professional_key`: one application per need and professional.
    ApplicationPair,
    /// `matches_pair_key`: one match per need and professional.
    MatchPair,
    /// Any other unique index or primary key.
    Other,
}

/// Which unique rule an error broke, if it is a unique violation. PostgreSQL names the
/// constraint; SQLite names the table and columns, so both are recognised.
pub fn unique_violation(error: &DbErr) -> Option<UniqueRule> {
    let Some(sea_orm::SqlErr::UniqueConstraintViolation(message)) = error.sql_err() else {
        return None;
    };
    const RULES: [(UniqueRule, &str, &str); 5] = [
        (UniqueRule::UserEmail, "users_email_key", "users.email"),
        (UniqueRule::RegionName, "regions_name_key", "regions.name"),
        (
            UniqueRule::OrganizationOwner,
            "organizations_owner_id_key",
            "organizations.owner_id",
        ),
        (
            UniqueRule::ApplicationPair,
            "applications_need_professional_key",
            "applications.need_id, applications.professional_id",
        ),
        (
            UniqueRule::MatchPair,
            "matches_pair_key",
            "matches.need_id, matches.professional_id",
        ),
    ];
    Some(
        RULES
            .iter()
            .find(|(_, constraint, columns)| {
                message.contains(&format!("\"{constraint}\"")) || message.ends_with(columns)
            })
            .map_or(UniqueRule::Other, |(rule, ..)| *rule),
    )
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[cfg(unix)]
    #[tokio::test]
    async fn the_embedded_database_its_wal_and_its_secret_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("musubi-db-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}/musubi.db?mode=rwc", dir.display());
        let settings =
            Settings::from_lookup(|name| (name == "DATABASE_URL").then(|| url.clone())).unwrap();
        let db = connect(&settings).await.unwrap();
        migrate(&db).await.unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.join(name))
                .unwrap_or_else(|error| panic!("{name}: {error}"))
                .permissions()
                .mode()
                & 0o777
        };
        for name in [
            "musubi.db",
            "musubi.db-wal",
            "musubi.db-shm",
            "musubi.secret",
        ] {
            assert_eq!(mode(name), 0o600, "{name}");
        }
        db.close().await.unwrap();
        // A database left world-readable by an older version is narrowed on open.
        std::fs::set_permissions(
            dir.join("musubi.db"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let db = connect(&settings).await.unwrap();
        assert_eq!(mode("musubi.db"), 0o600);
        db.close().await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn query_error(error: SqlxError) -> DbErr {
        DbErr::Query(RuntimeErr::SqlxError(Arc::new(error)))
    }

    #[test]
    fn lost_connections_are_unavailable_and_wrong_queries_are_not() {
        let reset = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "connection reset");
        for error in [
            query_error(SqlxError::Io(reset)),
            query_error(SqlxError::Protocol(
                "expected to read 5 bytes, got 0 bytes at EOF".to_owned(),
            )),
            query_error(SqlxError::PoolTimedOut),
            query_error(SqlxError::PoolClosed),
            DbErr::Exec(RuntimeErr::Internal("Connection closed".to_owned())),
            DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout),
        ] {
            assert!(is_unavailable(&error), "{error}");
        }
        for error in [
            query_error(SqlxError::RowNotFound),
            query_error(SqlxError::ColumnNotFound("id".to_owned())),
            DbErr::Exec(RuntimeErr::Internal("syntax error".to_owned())),
            DbErr::RecordNotFound("need".to_owned()),
        ] {
            assert!(!is_unavailable(&error), "{error}");
        }
    }

    #[test]
    fn redact_hides_the_password_only() {
        assert_eq!(
            redact("postgres://me:secret@db:5432/x"),
            "postgres://me:***@db:5432/x"
        );
        assert_eq!(
            redact("sqlite://musubi.db?mode=rwc"),
            "sqlite://musubi.db?mode=rwc"
        );
    }
}
