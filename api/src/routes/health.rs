//! Liveness, readiness and metrics, outside `/api/v1`.

use actix_web::{HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    email::{outbox, worker},
    error::ApiError,
    metrics::Metrics,
    state::AppState,
};

/// Registers the operational routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(health).service(ready).service(metrics);
}

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(tag = "operations", responses((status = 200, body = Health)))]
#[get("/health")]
#[tracing::instrument(skip_all)]
pub async fn health() -> web::Json<Health> {
    web::Json(Health { status: "ok" })
}

/// Readiness: the database answers, and the mail worker runs where it should.
#[utoipa::path(tag = "operations", responses(
    (status = 200, body = Health),
    (status = 503, description = "the database does not answer, or this process's mail worker (`MUSUBI_MAIL_WORKER`) is not running", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/ready")]
#[tracing::instrument(skip_all)]
pub async fn ready(
    state: web::Data<AppState>,
    mail: web::Data<worker::Health>,
) -> Result<web::Json<Health>, ApiError> {
    // The worker's loop turns at least once a quarter lease; a loop silent for a whole
    // lease is stuck even if its task still exists.
    let stale_after = state
        .settings
        .mail
        .lease
        .max(std::time::Duration::from_secs(30));
    if state.settings.mail.worker && !mail.is_running(stale_after) {
        return Err(ApiError::Unavailable(anyhow::anyhow!(
            "the mail worker is not running (its supervisor restarts it)"
        )));
    }
    let check = tokio::time::timeout(
        state.settings.db_timeout,
        state.db.execute_unprepared("SELECT 1"),
    )
    .await;
    match check {
        Ok(Ok(_)) => Ok(web::Json(Health { status: "ok" })),
        Ok(Err(error)) => Err(ApiError::Unavailable(error.into())),
        Err(_) => Err(ApiError::Unavailable(anyhow::anyhow!(
            "the database did not answer in time"
        ))),
    }
}

/// Prometheus metrics in the text exposition format: requests, and the mail worker with
/// the outbox backlog (queued, sending, retrying, dead; left out while the database does
/// not answer).
#[utoipa::path(tag = "operations", responses((status = 200, description = "Prometheus text format", body = String, content_type = "text/plain")))]
#[get("/metrics")]
#[tracing::instrument(skip_all)]
pub async fn metrics(
    metrics: web::Data<Metrics>,
    state: web::Data<AppState>,
    mail: web::Data<worker::Health>,
) -> HttpResponse {
    let backlog = tokio::time::timeout(state.settings.db_timeout, outbox::backlog(&state.db))
        .await
        .ok()
        .and_then(Result::ok);
    let mut body = metrics.render();
    body.push_str(&mail.render(backlog));
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body)
}
