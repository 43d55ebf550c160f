//! Rules run by the clock instead of a request (the nudges, forgetting expired
//! invitations): each runs at start and then at a fixed interval until the server stops.

use std::{future::Future, time::Duration};

use tokio::{sync::watch, task::JoinHandle};

/// Runs `job` now and then every `every` until `shutdown` turns true. A run that fails is
/// logged and tried again at the next tick; `job` answers how many things it did.
pub fn spawn<F, Fut>(
    what: &'static str,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
    mut job: F,
) -> JoinHandle<()>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<u64>> + Send,
{
    tokio::spawn(async move {
        loop {
            match job().await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, what, "done"),
                Err(error) => tracing::warn!(error = %error, what, "failed; will retry"),
            }
            tokio::select! {
                _ = tokio::time::sleep(every) => {}
                changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { break },
            }
        }
    })
}
