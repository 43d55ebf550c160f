//! A region's monthly funnel, for its coordinators.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    error::ApiResult,
    repo::{reply_speed::ReplySpeed, reports::MonthCounts},
    services::reports::{self, RegionReport},
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
    /// Reply speed: median days from application to introduction and from
    /// introduction to the first meeting scheduled.
    pub reply_speed: ReplySpeed,
    /// What followed the contracts.
    pub engagements: EngagementCounts,
}

/// A region's engagements after the contract.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngagementCounts {
    /// Engagements opened (one per contract).
    pub started: u64,
    /// Active and on the coordinator's desk now (相談したい, 終了したい, or a check-in
    /// unanswered for 14 days).
    pub at_risk: u64,
    /// Completed.
    pub completed: u64,
    /// Extended at least once.
    pub extended: u64,
}

/// Needs, applications, introductions, meetings and contracts per month, and the
/// engagements that followed (coordinators of the region).
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id")), responses(
    (status = 200, body = Report),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}/report")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn region_report(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<Report>> {
    let report = reports::region(&state.db, &caller, id.into_inner().into()).await?;
    Ok(web::Json(report.into()))
}

impl From<RegionReport> for Report {
    fn from(report: RegionReport) -> Self {
        Self {
            region_id: report.region_id,
            months: report.months,
            total: report.total,
            reply_speed: report.reply_speed,
            engagements: EngagementCounts {
                started: report.engagements.started,
                at_risk: report.engagements.at_risk,
                completed: report.engagements.completed,
                extended: report.engagements.extended,
            },
        }
    }
}
