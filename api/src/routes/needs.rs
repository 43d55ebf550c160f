//! Needs (募集): posted by SMEs and municipalities, managed by them and their region's
//! coordinators, readable by anyone while open.

use actix_web::{HttpResponse, get, http::StatusCode, patch, post, web};
use chrono::{DateTime, Utc};
use musubi_matcher::taxonomy;
use sea_orm::TransactionTrait;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery};
use crate::{
    auth::{AccountRole, AuthUser, MaybeAuthUser},
    domain::{
        enums::{NeedStatus, Role, WorkStyle},
        need::{NeedInput, NeedPatch},
    },
    entities::{need, organization},
    error::{ApiError, ApiResult},
    extract::Json,
    idempotency::{self, IdempotencyKey},
    repo::{self, needs::NeedFilter},
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
pub fn need_view(need: need::Model, organization: &organization::Model) -> ApiResult<NeedView> {
    Ok(NeedView {
        id: need.id,
        status: if need.status == NeedStatus::Closed.as_str() {
            NeedStatus::Closed
        } else {
            NeedStatus::Open
        },
        region_id: need.region_id,
        organization: OrganizationSummary {
            id: organization.id,
            name: organization.name.clone(),
            kind: organization.kind.clone(),
            industry: organization.industry.clone(),
            city: organization.city.clone(),
        },
        spec: repo::needs::to_input(&need)?,
        created_at: need.created_at,
        updated_at: need.updated_at,
    })
}

/// A need with its organization, if the caller may see it: open needs are public;
/// closed ones only to their owner and their region's coordinators. Anything else is
/// 404, so a hidden need's existence does not leak.
pub async fn visible_need(
    state: &AppState,
    caller: Option<&AuthUser>,
    id: Uuid,
) -> ApiResult<(need::Model, organization::Model)> {
    let need = repo::needs::by_id(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let organization = repo::needs::organization(&state.db, need.organization_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let manages = caller.is_some_and(|caller| manages(caller, &need, &organization));
    if need.status == NeedStatus::Open.as_str() || manages {
        Ok((need, organization))
    } else {
        Err(ApiError::NotFound)
    }
}

/// Whether the caller owns the need or coordinates its region.
pub fn manages(caller: &AuthUser, need: &need::Model, organization: &organization::Model) -> bool {
    (caller.role == AccountRole::Sme && organization.owner_id == caller.id)
        || caller.coordinates(need.region_id)
}

/// A need the caller manages: SMEs and coordinators get 404 for others' needs; a role
/// that never manages needs gets 403.
pub async fn managed_need(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<(need::Model, organization::Model)> {
    if caller.role == AccountRole::Professional {
        return Err(ApiError::Forbidden(
            "only the need's owner or its region's coordinators may do this",
        ));
    }
    let need = repo::needs::by_id(&state.db, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let organization = repo::needs::organization(&state.db, need.organization_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if manages(caller, &need, &organization) {
        Ok((need, organization))
    } else {
        Err(ApiError::NotFound)
    }
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
pub async fn create_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    Json(input): Json<NeedInput>,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Sme)?;
    let input = input.validate()?;
    let fingerprint = idempotency::fingerprint(&input);
    let state = state.get_ref();
    let outcome = idempotency::guarded(
        &state.db,
        caller.id,
        "POST /needs",
        &key,
        fingerprint,
        |claim| async move {
            let organization = repo::users::organization_of(&state.db, caller.id)
                .await?
                .ok_or_else(|| {
                    ApiError::Conflict(
                        crate::error::ConflictCode::NoOrganization,
                        "this account has no organization".to_owned(),
                    )
                })?;
            // The need and its stored idempotent response commit together.
            state
                .db
                .transaction::<_, NeedView, ApiError>(move |txn| {
                    Box::pin(async move {
                        let need = repo::needs::insert(txn, &organization, &input).await?;
                        let view = need_view(need, &organization)?;
                        claim.complete(txn, StatusCode::CREATED, &view).await?;
                        Ok(view)
                    })
                })
                .await
                .map_err(ApiError::from)
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
pub async fn list_needs(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    query: crate::extract::Query<NeedsQuery>,
) -> ApiResult<web::Json<Page<NeedView>>> {
    let query = query.0;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let skill = match &query.skill {
        None => None,
        Some(text) => Some(
            taxonomy::resolve_skill(text)
                .ok_or_else(|| ApiError::invalid("skill", format!("unknown skill {text:?}")))?
                .key
                .to_owned(),
        ),
    };
    let organization_id = if query.mine == Some(true) {
        let caller = caller.0.as_ref().ok_or(ApiError::Unauthorized)?;
        caller.require(AccountRole::Sme)?;
        repo::users::organization_of(&state.db, caller.id)
            .await?
            .map(|org| org.id)
    } else {
        None
    };
    if query.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::invalid("q", "must be at most 200 characters"));
    }
    let filter = NeedFilter {
        region_id: query.region_id,
        role: query.role,
        skill,
        work_style: query.work_style,
        q: query.q,
        organization_id,
    };
    let rows = repo::needs::list(&state.db, &filter, page).await?;
    let organizations = repo::needs::organizations_of(&state.db, &rows).await?;
    let mut items = Vec::with_capacity(rows.len());
    let page = Page::from_rows(rows, page, |need| need.id, |need| need);
    for need in page.items {
        let organization = organizations
            .get(&need.organization_id)
            .ok_or(ApiError::NotFound)?;
        items.push(need_view(need, organization)?);
    }
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One need: open needs for anyone; closed ones for their owner and coordinators.
#[utoipa::path(tag = "needs", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "need id")), responses(
    (status = 200, body = NeedView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/needs/{id}")]
pub async fn get_need(
    state: web::Data<AppState>,
    caller: MaybeAuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<NeedView>> {
    let (need, organization) = visible_need(&state, caller.0.as_ref(), id.into_inner()).await?;
    Ok(web::Json(need_view(need, &organization)?))
}

/// Change some fields of a need (owner, or a coordinator of its region).
#[utoipa::path(tag = "needs", security(("bearer" = [])), params(("id" = Uuid, Path, description = "need id")), request_body = NeedPatch, responses(
    (status = 200, body = NeedView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/needs/{id}")]
pub async fn patch_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(patch): Json<NeedPatch>,
) -> ApiResult<web::Json<NeedView>> {
    let (need, organization) = managed_need(&state, &caller, id.into_inner()).await?;
    let input = repo::needs::to_input(&need)?.patched(patch).validate()?;
    let need = repo::needs::update(&state.db, need, &input).await?;
    Ok(web::Json(need_view(need, &organization)?))
}

/// Close a need (owner, or a coordinator of its region).
#[utoipa::path(tag = "needs", security(("bearer" = [])), params(("id" = Uuid, Path, description = "need id")), responses(
    (status = 200, body = NeedView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/needs/{id}/close")]
pub async fn close_need(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<NeedView>> {
    let (need, organization) = managed_need(&state, &caller, id.into_inner()).await?;
    let need = repo::needs::set_status(&state.db, need, NeedStatus::Closed).await?;
    Ok(web::Json(need_view(need, &organization)?))
}
