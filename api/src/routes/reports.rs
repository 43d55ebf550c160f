//! A region's monthly funnel, for its coordinators.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::{AccountRole, AuthUser},
    error::{ApiError, ApiResult},
    repo::{self, reports::MonthCounts},
    state::AppState,
};

/// Registers the report route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(region_report);
}

/// The funnel of a region.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    /// The region.
    pub region_id: Uuid,
    /// Per month (Asia/Tokyo), oldest first; months with nothing are left out.
    pub months: Vec<MonthCounts>,
    /// All months together.
    pub total: MonthCounts,
}

/// Needs, applications, introductions, meetings and contracts per month (coordinators of
/// the region).
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id")), responses(
    (status = 200, body = Report),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}/report")]
pub async fn region_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Report>> {
    caller.require(AccountRole::Coordinator)?;
    let region_id = id.into_inner();
    if !caller.coordinates(region_id) {
        return Err(ApiError::NotFound);
    }
    let months = repo::reports::funnel(&state.db, region_id).await?;
    let total = months.iter().fold(
        MonthCounts {
            month: "total".to_owned(),
            ..Default::default()
        },
        |mut sum, month| {
            sum.needs += month.needs;
            sum.applications += month.applications;
            sum.introductions += month.introductions;
            sum.meetings += month.meetings;
            sum.contracts += month.contracts;
            sum
        },
    );
    Ok(web::Json(Report {
        region_id,
        months,
        total,
    }))
}
