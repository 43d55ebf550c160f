//! The outbox as coordinators see it: what was sent in their region, what is still
//! retrying, and what is `dead` and needs a human, who can send it again.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery};
use crate::{
    auth::AuthUser,
    email::outbox::OutboxStatus,
    error::ApiResult,
    services::outbox::{self, Email},
    state::AppState,
};

/// Registers the outbox routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_outbox).service(retry_outbox_item);
}

/// One email, without its bodies or address.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxItemView {
    /// Id (also the local part of its `Message-ID`).
    pub id: Uuid,
    /// What it is: `introduction`, `scout_invitation`, `meeting_invitation`, …
    pub kind: String,
    /// Where it is in delivery.
    pub status: OutboxStatus,
    /// The match it is about.
    pub match_id: Option<Uuid>,
    /// The recipient's name.
    pub to_name: String,
    /// Subject.
    pub subject: String,
    /// Failed attempts so far (since it was last re-queued).
    pub attempts: i32,
    /// The attempt cap, when one is configured (`MUSUBI_MAIL_MAX_ATTEMPTS`); `null` when
    /// only the time budget (`retry_until`) applies.
    pub max_attempts: Option<i32>,
    /// When it is given up (`dead`) if it keeps failing: the first failure plus the
    /// retry budget (48 hours by default); `null` until it first fails.
    pub retry_until: Option<DateTime<Utc>>,
    /// The last failure, if any.
    pub last_error: Option<String>,
    /// When the next attempt is due (for `pending` rows).
    pub next_attempt_at: DateTime<Utc>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl From<Email> for OutboxItemView {
    fn from(email: Email) -> Self {
        let row = email.row;
        Self {
            id: row.id,
            kind: row.kind,
            status: email.status,
            match_id: row.match_id,
            to_name: row.to_name,
            subject: row.subject,
            attempts: row.attempts,
            max_attempts: (row.max_attempts > 0).then_some(row.max_attempts),
            retry_until: row.retry_until,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
            sent_at: row.sent_at,
            created_at: row.created_at,
        }
    }
}

/// Filters of `GET /outbox`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Only emails in this state, e.g. `dead`.
    pub status: Option<OutboxStatus>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The region's emails, newest first (coordinators only).
#[utoipa::path(tag = "email", security(("bearer" = [])), params(OutboxQuery), responses(
    (status = 200, body = Page<OutboxItemView>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/outbox")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn list_outbox(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: crate::extract::Query<OutboxQuery>,
) -> ApiResult<web::Json<Page<OutboxItemView>>> {
    let desk = outbox::desk(&caller)?;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let page = outbox::list(&state.db, &desk, query.status, page).await?;
    Ok(web::Json(Page {
        items: page.items.into_iter().map(Into::into).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// Sends a `dead` email again (coordinators of its region): it goes back to `pending`,
/// due now, with a fresh retry budget, and is delivered once. Its last error is kept.
#[utoipa::path(tag = "email", security(("bearer" = [])), params(("id" = Uuid, Path, description = "the email's id")), responses(
    (status = 202, description = "re-queued; the worker sends it shortly", body = OutboxItemView),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, description = "not a coordinator", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such email in the caller's region", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "`outbox_not_dead`: the email is not dead (still being delivered, sent or cancelled)", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/outbox/{id}/retry")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, outbox_id = %id))]
pub async fn retry_outbox_item(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<HttpResponse> {
    let email = outbox::retry(&state.db, &caller, id.into_inner().into()).await?;
    Ok(HttpResponse::Accepted().json(OutboxItemView::from(email)))
}
