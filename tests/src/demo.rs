//! `musubi demo` in a test: the sample loaded into a server started without a mail
//! worker, then delivered by the demo itself, as the command does before the server
//! runs.

use std::time::Duration;

use musubi_demo::{self as demo, Delivery, DemoSummary};
use uuid::Uuid;

use crate::TestApp;

/// The demo, loaded and delivered.
pub struct Demo {
    pub app: TestApp,
    pub summary: DemoSummary,
    /// Its introductions and its scout.
    pub matches: Vec<Uuid>,
    pub delivery: Delivery,
}

/// Starts a server without a mail worker, loads the demo into it and delivers the
/// demo's mail (to the server's mail folder), waiting up to 20 s.
pub async fn loaded_and_delivered() -> Demo {
    let app = TestApp::spawn_with(&[("MUSUBI_MAIL_WORKER", "off")]).await;
    let summary = demo::load(&app.db, app.settings.clone())
        .await
        .expect("loading the demo");
    let mut matches = summary.introductions.clone();
    matches.push(summary.scout);
    let delivery = demo::deliver(
        &app.db,
        app.settings.clone(),
        Duration::from_secs(20),
        &matches,
    )
    .await
    .expect("delivering the demo's mail");
    Demo {
        app,
        summary,
        matches,
        delivery,
    }
}
