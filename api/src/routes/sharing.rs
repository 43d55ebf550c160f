//! Sharing with consent across the alliance: which regions may find the caller (a
//! professional), and a region's congestion dampening weight (its coordinators).

use actix_web::{get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    domain::sharing::SharingMode,
    error::ApiResult,
    extract::Json,
    services::{self, sharing::Sharing},
    state::AppState,
};

/// Registers the sharing and congestion routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_my_sharing)
        .service(put_my_sharing)
        .service(get_congestion)
        .service(put_congestion);
}

/// What a professional consents to: which alliance regions may find them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"mode": "list", "regions": ["0193a6b2-0000-7000-8000-000000000002"]}))]
pub struct SharingInput {
    /// `ties` (only the regions of their home and ties: the default, and what
    /// withdrawing returns to), `all` (every region of the alliance) or `list` (their
    /// own regions and the ones listed).
    pub mode: SharingMode,
    /// For `list`: the regions chosen (at least one). Ignored for the other modes.
    #[serde(default)]
    pub regions: Vec<Uuid>,
}

/// One region of the alliance, as the caller's sharing sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharingRegion {
    /// The region.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its prefecture.
    pub prefecture: String,
    /// One of the caller's own regions (their home's or a tie's prefecture): it finds
    /// them whatever they choose, and showing them there is not a provision.
    pub own: bool,
    /// Whether it may find them now.
    pub may_find: bool,
}

/// The caller's sharing.
#[derive(Debug, Serialize, ToSchema)]
pub struct SharingView {
    /// `ties`, `all` or `list`.
    pub mode: SharingMode,
    /// The regions chosen for `list` (empty otherwise).
    pub regions: Vec<Uuid>,
    /// When they last chose; `null` if never (the default applies).
    pub updated_at: Option<DateTime<Utc>>,
    /// Every region of the alliance.
    pub alliance: Vec<SharingRegion>,
}

impl From<Sharing> for SharingView {
    fn from(sharing: Sharing) -> Self {
        Self {
            mode: sharing.consent.mode,
            regions: sharing.consent.regions,
            updated_at: sharing.updated_at,
            alliance: sharing
                .regions
                .into_iter()
                .map(|r| SharingRegion {
                    id: r.region.id,
                    name: r.region.name,
                    prefecture: r.region.prefecture,
                    own: r.own,
                    may_find: r.may_find,
                })
                .collect(),
        }
    }
}

/// Which alliance regions may find the caller.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), responses(
    (status = 200, body = SharingView),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/me/sharing")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn get_my_sharing(
    state: web::Data<AppState>,
    caller: AuthUser,
) -> ApiResult<web::Json<SharingView>> {
    let sharing = services::sharing::get(&state.db, &caller).await?;
    Ok(web::Json(sharing.into()))
}

/// Choose which alliance regions may find the caller; withdraw by choosing `ties`
/// again. Other regions' scouting lists follow at once; every display to a region not
/// the caller's own is recorded as a provision, listed in the export, and the records
/// stay after a withdrawal.
#[utoipa::path(tag = "profiles", security(("bearer" = [])), request_body = SharingInput, responses(
    (status = 200, body = SharingView),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "a list without regions, or an unknown region", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[put("/profiles/me/sharing")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn put_my_sharing(
    state: web::Data<AppState>,
    caller: AuthUser,
    Json(body): Json<SharingInput>,
) -> ApiResult<web::Json<SharingView>> {
    let sharing =
        services::sharing::put(&state.db, &state.ranking, &caller, body.mode, &body.regions)
            .await?;
    Ok(web::Json(sharing.into()))
}

/// A region's congestion dampening weight.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"weight": 0.1}))]
pub struct CongestionWeight {
    /// From 0 (none: the default) to 10. A professional with `n` introductions and
    /// pending scouts this month is scored `score / (1 + weight · n)` in the region's
    /// `scope=all` lists; a need's own applicants never are.
    pub weight: f64,
}

/// The region's congestion dampening weight.
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id")), responses(
    (status = 200, body = CongestionWeight),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}/congestion")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn get_congestion(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<CongestionWeight>> {
    let weight = services::congestion::get(&state.db, &caller, id.into_inner().into()).await?;
    Ok(web::Json(CongestionWeight { weight }))
}

/// Set the region's congestion dampening weight (0–10); rankings use it from the next
/// request on.
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id")), request_body = CongestionWeight, responses(
    (status = 200, body = CongestionWeight),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[put("/regions/{id}/congestion")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn put_congestion(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(body): Json<CongestionWeight>,
) -> ApiResult<web::Json<CongestionWeight>> {
    let weight =
        services::congestion::set(&state.db, &caller, id.into_inner().into(), body.weight).await?;
    Ok(web::Json(CongestionWeight { weight }))
}
