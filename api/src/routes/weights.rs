//! A region's factor weights, tuned by its coordinators. Rankings read them on every
//! request, so a change applies at once, in every server process.

use actix_web::{get, put, web};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::{AccountRole, AuthUser},
    entities::region,
    error::{ApiError, ApiResult},
    extract::Json,
    ranking::weights::{self, RegionWeights},
    repo,
    state::AppState,
};

/// Registers the weight routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(get_weights).service(put_weights);
}

/// The caller's own region: other roles get 403, a coordinator of another region 404.
async fn coordinated_region(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<region::Model> {
    caller.require(AccountRole::Coordinator)?;
    let region = repo::regions::by_id(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if caller.coordinates(region.id) {
        Ok(region)
    } else {
        Err(ApiError::NotFound)
    }
}

/// The region's factor weights (the defaults of MATCHING.md until a coordinator sets
/// them), summing to 1.
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id")), responses(
    (status = 200, body = RegionWeights),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}/weights")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn get_weights(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RegionWeights>> {
    let region = coordinated_region(&state, &caller, *id).await?;
    Ok(web::Json(weights::of_region(&region)?.into()))
}

/// Set the region's factor weights: all seven, each ≥ 0, not all zero. They are stored
/// scaled to sum to 1 (the answer shows them so) and rank from the next request on.
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id")), request_body = RegionWeights, responses(
    (status = 200, body = RegionWeights),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "a weight is missing, negative or not a number, an unknown factor is named, or all are zero", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[put("/regions/{id}/weights")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn put_weights(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(body): Json<RegionWeights>,
) -> ApiResult<web::Json<RegionWeights>> {
    let region = coordinated_region(&state, &caller, *id).await?;
    let parsed = body.parse().map_err(ApiError::Validation)?;
    let region = weights::store(&state.db, region, parsed).await?;
    Ok(web::Json(weights::of_region(&region)?.into()))
}
