//! Applications (応募): a professional's proposal to a need. SMEs see applicants
//! pseudonymously; coordinators see them in full inside their region.

use std::collections::{HashMap, hash_map::Entry};

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery, needs::visible_need};
use crate::{
    auth::{AccountRole, AuthUser},
    db,
    domain::{enums::ApplicationStatus, text::Errors},
    entities::application,
    error::{ApiError, ApiResult},
    extract::Json,
    idempotency::{self, IdempotencyKey},
    repo::{self, Audience},
    state::AppState,
};

/// Registers the application routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(apply)
        .service(list_applications)
        .service(withdraw);
}

/// `POST /needs/{id}/applications`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationRequest {
    /// The proposal (提案), 1–4000 characters.
    pub message: String,
}

/// The applicant as the viewer may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Applicant {
    /// The professional's id.
    pub professional_id: Uuid,
    /// Pseudonymous line (role / home / tie).
    pub display: String,
    /// Their name: for themselves and coordinators only, never for an SME before an introduction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// An application.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    /// Id.
    pub id: Uuid,
    /// The need applied to.
    pub need_id: Uuid,
    /// Its title.
    pub need_title: String,
    /// `submitted` or `withdrawn`.
    pub status: String,
    /// The proposal.
    pub message: String,
    /// The score when they applied, with its factors and reasons.
    pub score: Option<serde_json::Value>,
    /// Who applied.
    pub applicant: Applicant,
    /// Sent at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

/// How much of the applicant a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// The applicant or a coordinator.
    Full,
    /// An SME before an introduction.
    Pseudonymous,
}

/// Builds views of applications, looking up needs and applicants once each.
pub async fn views(
    state: &AppState,
    rows: Vec<application::Model>,
    viewer: Viewer,
) -> ApiResult<Vec<ApplicationView>> {
    views_in(&state.db, rows, viewer).await
}

/// [`views`], reading through `db` (a transaction, for a view stored with its change).
async fn views_in(
    db: &impl ConnectionTrait,
    rows: Vec<application::Model>,
    viewer: Viewer,
) -> ApiResult<Vec<ApplicationView>> {
    let mut titles: HashMap<Uuid, String> = HashMap::new();
    let mut applicants: HashMap<Uuid, (String, String)> = HashMap::new();
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        if let Entry::Vacant(slot) = titles.entry(row.need_id) {
            let need = repo::needs::by_id(db, row.need_id).await?;
            slot.insert(need.map(|need| need.title).unwrap_or_default());
        }
        if let Entry::Vacant(slot) = applicants.entry(row.professional_id) {
            let user = repo::users::by_id(db, row.professional_id).await?;
            let display = match repo::profiles::by_user(db, row.professional_id).await? {
                Some(profile) => crate::scoring::display(&profile)?,
                None => "退会済み (erased)".to_owned(),
            };
            slot.insert((
                display,
                user.map(|user| user.display_name).unwrap_or_default(),
            ));
        }
        let (display, name) = applicants
            .get(&row.professional_id)
            .cloned()
            .unwrap_or_default();
        views.push(ApplicationView {
            id: row.id,
            need_id: row.need_id,
            need_title: titles.get(&row.need_id).cloned().unwrap_or_default(),
            status: row.status,
            message: row.message,
            score: row.score,
            applicant: Applicant {
                professional_id: row.professional_id,
                display,
                display_name: (viewer == Viewer::Full).then_some(name),
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        });
    }
    Ok(views)
}

/// Apply to an open need with a proposal. One application per need and professional.
/// Accepts `Idempotency-Key`.
#[utoipa::path(tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path, description = "need id"), ("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same key and body; the key with another body is 422")), request_body = ApplicationRequest, responses(
    (status = 201, body = ApplicationView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "already applied, the need is closed, or no profile yet", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/needs/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    Json(request): Json<ApplicationRequest>,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Professional)?;
    let mut errors = Errors::default();
    errors.lines("message", &request.message, 1, 4_000);
    errors.finish()?;
    let need_id = id.into_inner();
    let state = state.get_ref();
    let scope = format!("POST /needs/{need_id}/applications");
    let fingerprint = idempotency::fingerprint(&request.message);
    let outcome = idempotency::guarded(
        &state.db,
        caller.id,
        &scope,
        &key,
        fingerprint,
        |claim| async move {
            let (need, _organization) = visible_need(state, Some(&caller), need_id).await?;
            if need.status != "open" {
                return Err(ApiError::Conflict(
                    crate::error::ConflictCode::NeedClosed,
                    "this need is closed".to_owned(),
                ));
            }
            let profile = repo::profiles::by_user(&state.db, caller.id)
                .await?
                .ok_or_else(|| {
                    ApiError::Conflict(
                        crate::error::ConflictCode::ProfileMissing,
                        "write your profile (PUT /api/v1/profiles/me) before applying".to_owned(),
                    )
                })?;
            let score =
                crate::scoring::snapshot(state, &need, &profile, Some(&request.message)).await?;
            // The application and its stored idempotent response commit together.
            state
                .db
                .transaction::<_, ApplicationView, ApiError>(move |txn| {
                    Box::pin(async move {
                        let row = repo::applications::insert(
                            txn,
                            need.id,
                            caller.id,
                            &request.message,
                            score,
                        )
                        .await
                        .map_err(|error| {
                            if db::is_unique_violation(&error) {
                                ApiError::Conflict(
                                    crate::error::ConflictCode::AlreadyApplied,
                                    "you have already applied to this need".to_owned(),
                                )
                            } else {
                                error.into()
                            }
                        })?;
                        let mut views = views_in(txn, vec![row], Viewer::Full).await?;
                        let view = views.pop().ok_or(ApiError::NotFound)?;
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

/// Filters of `GET /applications`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    /// Only applications to this need.
    pub need_id: Option<Uuid>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Applications: a professional's own; an SME's, to its needs (pseudonymous); a
/// coordinator's, to needs in their region.
#[utoipa::path(tag = "applications", security(("bearer" = [])), params(ApplicationsQuery), responses(
    (status = 200, body = Page<ApplicationView>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, description = "a coordinator without a region", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "`need_id` names no need the caller manages", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: crate::extract::Query<ApplicationsQuery>,
) -> ApiResult<web::Json<Page<ApplicationView>>> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let (audience, viewer) = match caller.role {
        AccountRole::Professional => (Audience::Professional(caller.id), Viewer::Full),
        AccountRole::Sme => (Audience::Owner(caller.id), Viewer::Pseudonymous),
        AccountRole::Coordinator => (
            Audience::Region(
                caller
                    .region_id
                    .ok_or(ApiError::Forbidden("this coordinator has no region"))?,
            ),
            Viewer::Full,
        ),
    };
    // Asking for one need's applications: SMEs and coordinators only for needs they
    // manage; anyone else's need is 404, like every object the caller may not see.
    if let Some(need_id) = query.need_id
        && caller.role != AccountRole::Professional
    {
        super::needs::managed_need(&state, &caller, need_id).await?;
    }
    let rows = repo::applications::list(&state.db, audience, query.need_id, page).await?;
    let page = Page::from_rows(rows, page, |row| row.id, |row| row);
    let items = views(&state, page.items, viewer).await?;
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Withdraw one's own application.
#[utoipa::path(tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path, description = "application id")), responses(
    (status = 200, body = ApplicationView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "already withdrawn", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/applications/{id}/withdraw")]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ApplicationView>> {
    caller.require(AccountRole::Professional)?;
    let row = repo::applications::by_id(&state.db, id.into_inner())
        .await?
        .filter(|row| row.professional_id == caller.id)
        .ok_or(ApiError::NotFound)?;
    if row.status == ApplicationStatus::Withdrawn.as_str() {
        return Err(ApiError::Conflict(
            crate::error::ConflictCode::AlreadyWithdrawn,
            "this application is already withdrawn".to_owned(),
        ));
    }
    let row = repo::applications::withdraw(&state.db, row).await?;
    let mut views = views(&state, vec![row], Viewer::Full).await?;
    Ok(web::Json(views.pop().ok_or(ApiError::NotFound)?))
}
