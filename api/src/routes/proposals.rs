//! Meeting times Musubi suggests for a match: where both sides' meeting slots overlap,
//! in Asia/Tokyo, none in the next 48 hours (proposing them is
//! `POST /matches/{id}/meetings` with `proposals`).

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser, domain::enums::MeetingSlot, error::ApiResult, services, state::AppState,
};

/// Registers the route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(suggested_times);
}

/// Suggested meeting times.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedTimes {
    /// The slots used: those the need and the professional share; the professional's
    /// when they share none or the need names none; `weekday_evening` when nobody named any.
    pub slots: Vec<MeetingSlot>,
    /// Up to three starts, one per day, the earliest first, none sooner than 48 hours
    /// from now (weekday evenings 19:00, weekends 10:00, weekday days 14:00, JST).
    pub times: Vec<DateTime<Utc>>,
}

/// Times to propose for the match's meeting (the SME or a coordinator of the region).
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = SuggestedTimes),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "no meeting can be arranged in this state; names it", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/matches/{id}/meetings/suggested-times")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn suggested_times(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<SuggestedTimes>> {
    let found =
        services::proposals::suggested(&state.db, &caller, id.into_inner().into(), Utc::now())
            .await?;
    Ok(web::Json(SuggestedTimes {
        slots: found.slots,
        times: found.times,
    }))
}
