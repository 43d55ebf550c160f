//! Regions (地域): each a regional HR department of the alliance.

use actix_web::{get, web};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{entities::region, error::ApiResult, services::regions, state::AppState};

/// Registers the region routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_regions).service(get_region);
}

/// A region.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a6b2-0000-7000-8000-000000000001", "name": "塩尻市", "prefecture": "長野県", "city": "塩尻市"}))]
pub struct RegionView {
    /// Id.
    pub id: Uuid,
    /// Name, e.g. `塩尻市`.
    pub name: String,
    /// Prefecture, e.g. `長野県`.
    pub prefecture: String,
    /// City, e.g. `塩尻市`.
    pub city: String,
}

impl From<region::Model> for RegionView {
    fn from(region: region::Model) -> Self {
        Self {
            id: region.id,
            name: region.name,
            prefecture: region.prefecture,
            city: region.city,
        }
    }
}

/// All regions.
#[utoipa::path(tag = "regions", responses((status = 200, body = Vec<RegionView>)))]
#[get("/regions")]
#[tracing::instrument(skip_all)]
pub async fn list_regions(state: web::Data<AppState>) -> ApiResult<web::Json<Vec<RegionView>>> {
    let regions = regions::all(&state.db).await?;
    Ok(web::Json(
        regions.into_iter().map(RegionView::from).collect(),
    ))
}

/// One region.
#[utoipa::path(tag = "regions", params(("id" = Uuid, Path, description = "region id")), responses(
    (status = 200, body = RegionView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn get_region(
    state: web::Data<AppState>,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<RegionView>> {
    let region = regions::get(&state.db, id.into_inner().into()).await?;
    Ok(web::Json(region.into()))
}
