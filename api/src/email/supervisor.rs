//! The worker's supervisor: runs outbox workers one after the other, restarting one
//! that ends other than by shutdown, and reports whether one runs ([`Health`], read by
//! `/ready` and `/metrics`).

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
    },
    time::Duration,
};

use chrono::Utc;
use sea_orm::DatabaseConnection;
use tokio::{sync::watch, task::JoinHandle, time::Instant};

use super::{
    outbox::Backlog,
    transport::Transport,
    worker::{Worker, panic_text, run, stopping},
};
use crate::config::Settings;

/// The supervisor's pause before restarting a worker that ended, doubling up to the
/// longest while it keeps ending.
const RESTART_PAUSE: Duration = Duration::from_secs(1);
const LONGEST_RESTART_PAUSE: Duration = Duration::from_secs(30);

/// Whether this process's worker is running, and how often its supervisor restarted it.
#[derive(Debug, Default)]
pub struct Health {
    running: AtomicBool,
    restarts: AtomicU64,
    /// Unix milliseconds of the worker loop's last turn.
    last_turn: AtomicI64,
}

impl Health {
    pub(super) fn turn(&self) {
        self.last_turn
            .store(Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    /// Whether a worker task is alive and its loop turned within `stale_after`.
    pub fn is_running(&self, stale_after: Duration) -> bool {
        let since = Utc::now().timestamp_millis() - self.last_turn.load(Ordering::Relaxed);
        self.running.load(Ordering::Relaxed)
            && u128::try_from(since).unwrap_or_default() <= stale_after.as_millis()
    }

    /// How many times the supervisor restarted the worker.
    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    /// The worker's metrics in the Prometheus text format, with the outbox backlog when
    /// the database could count it.
    pub fn render(&self, backlog: Option<Backlog>) -> String {
        let mut out = String::new();
        out.push_str("# HELP musubi_mail_worker_up Whether this process's outbox worker is running.\n# TYPE musubi_mail_worker_up gauge\n");
        out.push_str(&format!(
            "musubi_mail_worker_up {}\n",
            u8::from(self.running.load(Ordering::Relaxed))
        ));
        out.push_str("# HELP musubi_mail_worker_restarts_total Times the supervisor restarted an outbox worker that ended.\n# TYPE musubi_mail_worker_restarts_total counter\n");
        out.push_str(&format!(
            "musubi_mail_worker_restarts_total {}\n",
            self.restarts()
        ));
        if let Some(backlog) = backlog {
            out.push_str("# HELP musubi_outbox_emails Emails not yet finished, by state: queued (never tried), sending, retrying (failed at least once), dead.\n# TYPE musubi_outbox_emails gauge\n");
            for (state, count) in [
                ("queued", backlog.queued),
                ("sending", backlog.sending),
                ("retrying", backlog.retrying),
                ("dead", backlog.dead),
            ] {
                out.push_str(&format!(
                    "musubi_outbox_emails{{state=\"{state}\"}} {count}\n"
                ));
            }
        }
        out
    }
}

/// Starts a supervised worker that delivers until `shutdown` turns true (or its sender
/// is dropped). On shutdown it finishes the sends in flight and hands back the rows it
/// had claimed but not started. Fails at once if the transport cannot be set up (a bad
/// `MUSUBI_SMTP_URL`, an unwritable `MUSUBI_MAIL_DIR`).
pub fn spawn(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<JoinHandle<()>> {
    spawn_supervised(db, settings, shutdown, Arc::new(Health::default()))
}

/// [`spawn`], reporting to `health`.
pub fn spawn_supervised(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    shutdown: watch::Receiver<bool>,
    health: Arc<Health>,
) -> anyhow::Result<JoinHandle<()>> {
    let transport = Transport::from_settings(&settings)?;
    Ok(tokio::spawn(supervise(
        db, settings, transport, shutdown, health,
    )))
}

/// Runs workers one after the other: whenever one ends other than by shutdown (a panic
/// outside any row, a bug), logs it, counts it and starts a fresh one (with a new id, so
/// the rows the old one held are taken over once their lease has ended).
async fn supervise(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    transport: Transport,
    mut shutdown: watch::Receiver<bool>,
    health: Arc<Health>,
) {
    let mut pause = RESTART_PAUSE;
    loop {
        let worker = Worker::new(
            db.clone(),
            settings.clone(),
            transport.clone(),
            shutdown.clone(),
        );
        let id = worker.id().to_owned();
        let started = Instant::now();
        health.running.store(true, Ordering::Relaxed);
        health.turn();
        let ended = tokio::spawn(run(Arc::new(worker), health.clone())).await;
        health.running.store(false, Ordering::Relaxed);
        if stopping(&shutdown) {
            return;
        }
        let restarts = health.restarts.fetch_add(1, Ordering::Relaxed) + 1;
        if started.elapsed() > LONGEST_RESTART_PAUSE * 2 {
            pause = RESTART_PAUSE;
        }
        let cause = match ended {
            Ok(()) => "it returned".to_owned(),
            Err(error) if error.is_panic() => {
                format!("it panicked: {}", panic_text(error.into_panic().as_ref()))
            }
            Err(error) => error.to_string(),
        };
        tracing::error!(
            worker = %id,
            restarts,
            restart_in_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            cause,
            "the outbox worker ended; restarting it"
        );
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { return },
        }
        pause = (pause * 2).min(LONGEST_RESTART_PAUSE);
    }
}
