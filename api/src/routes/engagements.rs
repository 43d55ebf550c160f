//! Engagements: what follows a contract — monthly check-ins, at risk, `completed` or
//! `extended`.
//!
//! ```text
//! (match contracted) ──► active ──complete──► completed
//!                          │  ▲
//!                          └──┘ extend: `extended`, a new end date, active again
//! ```
//!
//! Any other step is 409 `illegal_transition`, naming the state ("cannot extend it: the
//! engagement is completed").

use actix_web::{get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::{
    auth::AuthUser,
    domain::engagement::{
        AdjustEngagement, AnswerCheckIn, CheckInAnswer, CompleteEngagement, EngagementStatus,
        ExtendEngagement, Retrospective, RiskReason,
    },
    error::ApiResult,
    extract::{Json, OptionalJson, Query},
    services::{self, engagements::EngagementRecord},
    state::AppState,
};

/// Registers the engagement routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_engagements)
        .service(get_engagement)
        .service(adjust_engagement)
        .service(answer_check_in)
        .service(complete_engagement)
        .service(extend_engagement)
        .service(look_back);
}

/// One monthly check-in sent to one side.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckInView {
    /// The check-in.
    pub id: Uuid,
    /// Which month of the engagement it asks about (1, 2, …).
    pub round: i32,
    /// Who was asked.
    pub user_id: Uuid,
    /// `professional` or `sme`.
    pub side: String,
    /// When the email was queued.
    pub sent_at: DateTime<Utc>,
    /// The answer, once given.
    pub answer: Option<CheckInAnswer>,
    /// When it was given.
    pub answered_at: Option<DateTime<Utc>>,
    /// The comment added to it.
    pub comment: Option<String>,
}

/// One step of an engagement's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngagementEventView {
    /// `opened`, `adjusted`, `check_in_sent`, `check_in_answered`, `at_risk`,
    /// `completed`, `extended` or `retrospective`.
    pub kind: String,
    /// Who (none for the clock).
    pub actor_id: Option<Uuid>,
    /// In which role (`system` for the clock).
    pub actor_role: String,
    /// What changed: terms, the round and answer, the reason, the end dates
    /// (`{from, to}` for `extended`), a retrospective's answers.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
    /// When.
    pub at: DateTime<Utc>,
}

/// An engagement as its parties and the region's coordinators see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EngagementView {
    /// The engagement.
    pub id: Uuid,
    /// The contracted match it follows.
    pub match_id: Uuid,
    /// The need.
    pub need_id: Uuid,
    /// The need's title.
    pub need_title: String,
    /// The region.
    pub region_id: Uuid,
    /// The professional.
    pub professional_id: Uuid,
    /// `active` or `completed`.
    pub status: EngagementStatus,
    /// Whether it is on the coordinator's desk.
    pub at_risk: bool,
    /// Why (相談したい, 終了したい, or a check-in unanswered for 14 days).
    pub at_risk_reason: Option<RiskReason>,
    /// Since when.
    pub at_risk_since: Option<DateTime<Utc>>,
    /// The first day (Asia/Tokyo).
    pub starts_on: NaiveDate,
    /// The agreed length in months.
    pub months: i32,
    /// The last day.
    pub ends_on: NaiveDate,
    /// The agreed hours a month.
    pub hours_per_month: i32,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Every check-in sent, oldest round first.
    pub check_ins: Vec<CheckInView>,
    /// Every step, oldest first.
    pub history: Vec<EngagementEventView>,
}

impl From<&EngagementRecord> for EngagementView {
    fn from(record: &EngagementRecord) -> Self {
        let row = &record.row;
        let side = |user_id: Uuid| {
            if user_id == row.professional_id {
                "professional"
            } else {
                "sme"
            }
        };
        Self {
            id: row.id,
            match_id: row.match_id,
            need_id: record.parties.need.id,
            need_title: record.parties.need.title.clone(),
            region_id: row.region_id,
            professional_id: row.professional_id,
            status: record.status,
            at_risk: record.at_risk.is_some(),
            at_risk_reason: record.at_risk,
            at_risk_since: row.at_risk_since,
            starts_on: row.starts_on,
            months: row.months,
            ends_on: row.ends_on,
            hours_per_month: row.hours_per_month,
            completed_at: row.completed_at,
            check_ins: record
                .check_ins
                .iter()
                .map(|check_in| CheckInView {
                    id: check_in.id,
                    round: check_in.round,
                    user_id: check_in.user_id,
                    side: side(check_in.user_id).to_owned(),
                    sent_at: check_in.sent_at,
                    answer: check_in.answer.as_deref().and_then(CheckInAnswer::parse),
                    answered_at: check_in.answered_at,
                    comment: check_in.comment.clone(),
                })
                .collect(),
            history: record
                .history
                .iter()
                .map(|event| EngagementEventView {
                    kind: event.kind.clone(),
                    actor_id: event.actor_id,
                    actor_role: event.actor_role.clone(),
                    detail: event.detail.clone(),
                    at: event.created_at,
                })
                .collect(),
        }
    }
}

/// Filters of `GET /engagements`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EngagementsQuery {
    /// Only this status.
    pub status: Option<EngagementStatus>,
    /// Only those at risk (`true`) or not (`false`).
    pub at_risk: Option<bool>,
}

/// The caller's engagements, newest first: a professional's own, an SME's on its needs,
/// a coordinator's region's.
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(EngagementsQuery), responses(
    (status = 200, body = Vec<EngagementView>),
    (status = 403, description = "a coordinator without a region", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/engagements")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn list_engagements(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: Query<EngagementsQuery>,
) -> ApiResult<web::Json<Vec<EngagementView>>> {
    let found =
        services::engagements::list(&state.db, &caller, query.status, query.at_risk).await?;
    Ok(web::Json(found.iter().map(EngagementView::from).collect()))
}

/// One engagement with its check-ins and history (its parties and the region's
/// coordinators; 404 to everyone else).
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(("id" = Uuid, Path, description = "engagement id")), responses(
    (status = 200, body = EngagementView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/engagements/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, engagement_id = %id))]
pub async fn get_engagement(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<EngagementView>> {
    let record = services::engagements::get(&state.db, &caller, id.into_inner()).await?;
    Ok(web::Json(EngagementView::from(&record)))
}

/// Set the start date, the agreed length (which moves the end date) or the monthly
/// hours anew (the parties or the coordinator; `active` only, else 409).
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(("id" = Uuid, Path, description = "engagement id")), request_body = AdjustEngagement, responses(
    (status = 200, body = EngagementView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "the engagement is completed", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[patch("/engagements/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, engagement_id = %id))]
pub async fn adjust_engagement(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(request): Json<AdjustEngagement>,
) -> ApiResult<web::Json<EngagementView>> {
    let record = services::engagements::adjust(
        &state.db,
        &caller,
        id.into_inner(),
        request,
        services::engagements::now(),
    )
    .await?;
    Ok(web::Json(EngagementView::from(&record)))
}

/// Answer the caller's latest check-in (the professional or the SME): 順調 (`fine`),
/// 相談したい (`consult`) or 終了したい (`end`), with an optional comment. `consult` and
/// `end` put the engagement at risk on the coordinator's desk. The email's one-click
/// links of that check-in stop working. 409 when no check-in waits for the caller's
/// answer or the engagement is completed.
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(("id" = Uuid, Path, description = "engagement id")), request_body = AnswerCheckIn, responses(
    (status = 200, body = EngagementView),
    (status = 403, description = "coordinators do not answer check-ins", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/engagements/{id}/check-ins")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, engagement_id = %id))]
pub async fn answer_check_in(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(request): Json<AnswerCheckIn>,
) -> ApiResult<web::Json<EngagementView>> {
    let record = services::engagements::answer(
        &state.db,
        &caller,
        id.into_inner(),
        request,
        services::engagements::now(),
    )
    .await?;
    Ok(web::Json(EngagementView::from(&record)))
}

/// `active` → `completed` (the coordinator or the SME), with the caller's optional
/// retrospective (two questions). The professional's place counts free again at once
/// (rankings and the region-wide suggestion). 409 naming the state otherwise.
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(("id" = Uuid, Path, description = "engagement id")), request_body = Option<CompleteEngagement>, responses(
    (status = 200, body = EngagementView),
    (status = 403, description = "professionals do not complete engagements", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "the engagement is completed", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/engagements/{id}/complete")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, engagement_id = %id))]
pub async fn complete_engagement(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    OptionalJson(body): OptionalJson<CompleteEngagement>,
) -> ApiResult<web::Json<EngagementView>> {
    let record = services::engagements::complete(
        &state.db,
        &state.ranking,
        &caller,
        id.into_inner(),
        body.unwrap_or_default(),
        services::engagements::now(),
    )
    .await?;
    Ok(web::Json(EngagementView::from(&record)))
}

/// `active` → `extended` → `active` with a new end date (the coordinator or the SME):
/// `{ends_on}` after the current end, or `{months}` more. Recorded as `extended` with the
/// old and new end dates. 409 naming the state when it is completed.
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(("id" = Uuid, Path, description = "engagement id")), request_body = ExtendEngagement, responses(
    (status = 200, body = EngagementView),
    (status = 403, description = "professionals do not extend engagements", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "the engagement is completed", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/engagements/{id}/extend")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, engagement_id = %id))]
pub async fn extend_engagement(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(request): Json<ExtendEngagement>,
) -> ApiResult<web::Json<EngagementView>> {
    let record = services::engagements::extend(
        &state.db,
        &caller,
        id.into_inner(),
        request,
        services::engagements::now(),
    )
    .await?;
    Ok(web::Json(EngagementView::from(&record)))
}

/// A side's retrospective of a completed engagement (the professional or the SME, once
/// each; 409 while it is active).
#[utoipa::path(tag = "engagements", security(("bearer" = [])), params(("id" = Uuid, Path, description = "engagement id")), request_body = Retrospective, responses(
    (status = 200, body = EngagementView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "the engagement is active, or the caller's retrospective is recorded", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/engagements/{id}/retrospective")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, engagement_id = %id))]
pub async fn look_back(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    Json(request): Json<Retrospective>,
) -> ApiResult<web::Json<EngagementView>> {
    let record = services::engagements::look_back(
        &state.db,
        &caller,
        id.into_inner(),
        request,
        services::engagements::now(),
    )
    .await?;
    Ok(web::Json(EngagementView::from(&record)))
}
