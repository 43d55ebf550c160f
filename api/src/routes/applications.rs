//! Applications (応募): a professional's proposal to a need. SMEs see applicants
//! pseudonymously; coordinators see them in full inside their region.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery};
use crate::{
    auth::AuthUser,
    domain::{
        ids::{ApplicationId, NeedId},
        text::MultiLine,
    },
    error::{ApiError, ApiResult},
    extract::Json,
    idempotency::{self, IdempotencyKey},
    services::applications::{self as service, Detail},
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

impl From<Detail> for ApplicationView {
    fn from(detail: Detail) -> Self {
        let row = detail.application;
        Self {
            id: row.id,
            need_id: row.need_id,
            need_title: detail.need_title,
            status: row.status,
            message: row.message,
            score: row.score,
            applicant: Applicant {
                professional_id: row.professional_id,
                display: detail.applicant_display,
                display_name: detail.applicant_name,
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
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
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn apply(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    Json(request): Json<ApplicationRequest>,
) -> ApiResult<HttpResponse> {
    // A role that may never apply is told so before its proposal is judged.
    service::may_apply(&caller)?;
    let proposal = MultiLine::parse(&request.message, 1, 4_000)
        .map_err(|message| ApiError::invalid("message", message))?;
    let need_id = NeedId(id.into_inner());
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
            // The application and its stored idempotent response commit together.
            let store =
                idempotency::CompleteWith::new(claim, StatusCode::CREATED, |detail: &Detail| {
                    Ok(ApplicationView::from(detail.clone()))
                });
            let detail =
                service::apply(&state.db, &state.ranking, &caller, need_id, proposal, store)
                    .await?;
            Ok(ApplicationView::from(detail))
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
#[tracing::instrument(skip_all)]
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
    let need_id = query.need_id.map(NeedId);
    let page = service::list(&state.db, &caller, need_id, page).await?;
    Ok(web::Json(Page {
        items: page.items.into_iter().map(ApplicationView::from).collect(),
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
#[tracing::instrument(skip_all, fields(application_id = %id))]
pub async fn withdraw(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<ApplicationView>> {
    let detail = service::withdraw(&state.db, &caller, ApplicationId(*id)).await?;
    Ok(web::Json(detail.into()))
}
