//! A professional's choice to receive the kind relay: when a need they applied to closes
//! without them, one email with open needs ranked for them (on unless turned off).

use actix_web::{get, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    auth::AuthUser, error::ApiResult, extract::Json, repo, services::relay, state::AppState,
};

/// Registers the relay setting's routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_relays).service(put_relays);
}

/// Whether the professional receives relays.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RelaySetting {
    /// When a need they applied to closes (or fills its places) without introducing
    /// them, one kind email with up to three open needs ranked for them. Default true.
    pub enabled: bool,
}

/// The caller's relay setting (professionals only).
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 200, body = RelaySetting),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/me/relays")]
#[tracing::instrument(skip_all)]
pub async fn get_relays(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<RelaySetting>> {
    let enabled = relay::preference(&state.db, &caller).await?;
    Ok(web::Json(RelaySetting { enabled }))
}

/// Turn the kind relay on or off for the caller (professionals only). Relays already
/// written to the outbox still go; none is written after `false`.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), request_body = RelaySetting, responses(
    (status = 200, body = RelaySetting),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[put("/profiles/me/relays")]
#[tracing::instrument(skip_all)]
pub async fn put_relays(
    state: web::Data<AppState>,
    caller: AuthUser,
    Json(body): Json<RelaySetting>,
) -> ApiResult<web::Json<RelaySetting>> {
    let enabled = relay::set_preference(&state.db, &caller, body.enabled, repo::now()).await?;
    Ok(web::Json(RelaySetting { enabled }))
}
