//! Needs (募集): posted by SMEs and municipalities, managed by them and their region's
//! coordinators, readable by anyone while open.

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery};
use crate::{
    auth::{AuthUser, MaybeAuthUser},
    domain::{
        enums::{NeedStatus, Role, WorkStyle},
        ids::NeedId,
        need::{NeedInput, NeedPatch},
    },
    error::{ApiError, ApiResult},
    extract::Json,
    idempotency::{self, IdempotencyKey},
    repo,
    services::needs::{self as service, Posted, Search},
    state::AppState,
};

/// Registers the need routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_need)
        .service(list_needs)
        .service(get_need)
        .service(patch_need)
        .service(close_need);
}

/// The organization behind a need, as anyone may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationSummary {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// `sme` or `municipality`.
    pub kind: String,
    /// Industry.
    pub industry: String,
    /// City.
    pub city: String,
}

/// A need as returned.
#[derive(Debug, Serialize, ToSchema)]
pub struct NeedView {
    /// Id.
    pub id: Uuid,
    /// `open` or `closed`.
    pub status: NeedStatus,
    /// The region it belongs to (its organization's).
    pub region_id: Uuid,
    /// Who posted it.
    pub organization: OrganizationSummary,
    /// The spec.
    #[serde(flatten)]
    pub spec: NeedInput,
    /// Posted at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// Builds the view of a need with its organization.
fn view(posted: &Posted) -> anyhow::Result<NeedView> {
    let Posted { need, organization } = posted;
    Ok(NeedView {
        id: need.id,
        status: need.status()?,
        region_id: need.region_id,
        organization: OrganizationSummary {
            id: organization.id,
            name: organization.name.clone(),
            kind: organization.kind.clone(),
            industry: organization.industry.clone(),
            city: organization.city.clone(),
        },
        spec: repo::needs::to_input(need)?,
        created_at: need.created_at,
        updated_at: need.updated_at,
    })
}

/// Post a need. Its region is the organization's. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "needs", security(("bearer" = [])), request_body = NeedInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same key and body; the key with another body is 422")),
    responses(
    (status = 201, body = NeedView),
    (status = 400, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "the account has no organization", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 413, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/needs")]
#[tracing::instrument(skip_all)]
pub async fn create_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    Json(input): Json<NeedInput>,
) -> ApiResult<HttpResponse> {
    // A role that may never post is told so before its body is judged.
    service::may_post(&caller)?;
    let spec = input.parse().map_err(ApiError::Validation)?;
    let fingerprint = idempotency::fingerprint(&spec);
    let state = state.get_ref();
    let outcome = idempotency::guarded(
        &state.db,
        caller.id,
        "POST /needs",
        &key,
        fingerprint,
        |claim| async move {
            // The need and its stored idempotent response commit together.
            let store =
                idempotency::CompleteWith::new(claim, StatusCode::CREATED, |posted: &Posted| {
                    view(posted)
                });
            let posted = service::create(&state.db, &caller, spec, store).await?;
            Ok(view(&posted)?)
        },
    )
    .await?;
    Ok(match outcome {
        Ok(view) => HttpResponse::Created().json(view),
        Err(replay) => replay,
    })
}

/// Filters of `GET /needs`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NeedsQuery {
    /// Only this region.
    pub region_id: Option<Uuid>,
    /// Only this role.
    pub role: Option<Role>,
    /// Only needs asking for this skill (key or synonym).
    pub skill: Option<String>,
    /// Only this work style.
    pub work_style: Option<WorkStyle>,
    /// Words in the title, description or goal.
    pub q: Option<String>,
    /// `true`: the caller's own organization's needs, any status (SMEs only).
    pub mine: Option<bool>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Open needs, newest first, with filters.
#[utoipa::path(tag = "needs", security((), ("bearer" = [])), params(NeedsQuery), responses(
    (status = 200, body = Page<NeedView>),
    (status = 403, description = "`mine=true` from an account that is not an SME", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/needs")]
#[tracing::instrument(skip_all)]
pub async fn list_needs(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    query: crate::extract::Query<NeedsQuery>,
) -> ApiResult<web::Json<Page<NeedView>>> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    }
    .parse()?;
    let search = Search {
        region_id: query.region_id,
        role: query.role,
        skill: query.skill,
        work_style: query.work_style,
        q: query.q,
        mine: query.mine == Some(true),
    };
    let page = service::list(&state.db, caller.0.as_ref(), search, page).await?;
    Ok(web::Json(Page {
        items: page.items.iter().map(view).collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}

/// One need: open needs for anyone; closed ones for their owner and coordinators.
#[utoipa::path(tag = "needs", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "need id")), responses(
    (status = 200, body = NeedView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/needs/{id}")]
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn get_need(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<NeedView>> {
    let posted = service::get(&state.db, caller.0.as_ref(), NeedId(*id)).await?;
    Ok(web::Json(view(&posted)?))
}

/// Change some fields of a need (owner, or a coordinator of its region).
#[utoipa::path(tag = "needs", security(("bearer" = [])), params(("id" = Uuid, Path, description = "need id")), request_body = NeedPatch, responses(
    (status = 200, body = NeedView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/needs/{id}")]
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn patch_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(patch): Json<NeedPatch>,
) -> ApiResult<web::Json<NeedView>> {
    let posted = service::update(&state.db, &caller, NeedId(*id), patch).await?;
    Ok(web::Json(view(&posted)?))
}

/// Close a need (owner, or a coordinator of its region).
#[utoipa::path(tag = "needs", security(("bearer" = [])), params(("id" = Uuid, Path, description = "need id")), responses(
    (status = 200, body = NeedView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/needs/{id}/close")]
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn close_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<NeedView>> {
    let posted = service::close(&state.db, &caller, NeedId(*id)).await?;
    crate::services::relay::deliver_soon(
        state.db.clone(),
        state.ranking.clone(),
        state.settings.public_url.clone(),
    );
    Ok(web::Json(view(&posted)?))
}
