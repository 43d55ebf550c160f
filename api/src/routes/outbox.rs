//! The outbox as coordinators see it: what was sent in their region, what is still
//! retrying, and what is `dead` and needs a human.

use actix_web::{get, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery};
use crate::{
    auth::{AccountRole, AuthUser},
    email::outbox::{self, OutboxStatus},
    entities,
    error::{ApiError, ApiResult},
    state::AppState,
};

/// Registers the outbox routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_outbox);
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
    /// Failed attempts so far.
    pub attempts: i32,
    /// The retry budget.
    pub max_attempts: i32,
    /// The last failure, if any.
    pub last_error: Option<String>,
    /// When the next attempt is due (for `pending` rows).
    pub next_attempt_at: DateTime<Utc>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl OutboxItemView {
    fn from_model(row: entities::outbox::Model) -> ApiResult<Self> {
        let status = OutboxStatus::parse(&row.status).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "outbox row {} has unknown status {:?}",
                row.id,
                row.status
            ))
        })?;
        Ok(Self {
            id: row.id,
            kind: row.kind,
            status,
            match_id: row.match_id,
            to_name: row.to_name,
            subject: row.subject,
            attempts: row.attempts,
            max_attempts: row.max_attempts,
            last_error: row.last_error,
            next_attempt_at: row.next_attempt_at,
            sent_at: row.sent_at,
            created_at: row.created_at,
        })
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
pub async fn list_outbox(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: crate::extract::Query<OutboxQuery>,
) -> ApiResult<web::Json<Page<OutboxItemView>>> {
    caller.require(AccountRole::Coordinator)?;
    let region_id = caller
        .region_id
        .ok_or(ApiError::Forbidden("this coordinator has no region"))?;
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let rows = outbox::list(&state.db, region_id, query.status, page).await?;
    let page = Page::from_rows(rows, page, |row| row.id, OutboxItemView::from_model);
    let items = page.items.into_iter().collect::<ApiResult<Vec<_>>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}
