//! Matches (紹介): made by coordinators, answered by professionals and SMEs, carried to
//! the introduction meeting.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, PageQuery};
use crate::{
    auth::{AccountRole, AuthUser},
    domain::matching::{Event, MatchStatus},
    error::{ApiError, ApiResult},
    extract::{Json, OptionalJson, Query},
    idempotency::{self, Begin, IdempotencyKey},
    repo::{self, Audience},
    state::AppState,
    workflow::{
        matches::{self as flow, CreateMatch, Outcome, Reason},
        meetings::{self, ScheduleMeeting},
        parties::Parties,
        view::{self, MatchView},
    },
};

/// Registers the match routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(create_match)
        .service(list_matches)
        .service(get_match)
        .service(accept_match)
        .service(decline_match)
        .service(cancel_match)
        .service(schedule_meeting)
        .service(cancel_meeting)
        .service(record_outcome);
}

/// Claims the idempotency key (or replays), runs `work`, and frees the key if it fails.
async fn idempotent<F, Fut>(
    state: &AppState,
    caller: &AuthUser,
    scope: String,
    key: &IdempotencyKey,
    body: &impl serde::Serialize,
    work: F,
) -> ApiResult<Result<MatchView, HttpResponse>>
where
    F: FnOnce(idempotency::Claim) -> Fut,
    Fut: std::future::Future<Output = ApiResult<MatchView>>,
{
    let claim = match idempotency::begin(
        &state.db,
        caller.id,
        &scope,
        key,
        idempotency::fingerprint(body),
    )
    .await?
    {
        Begin::Replay(response) => return Ok(Err(response)),
        Begin::Fresh(claim) => claim,
    };
    let result = work(claim.clone()).await;
    if result.is_err() {
        claim.release(&state.db).await;
    }
    result.map(Ok)
}

/// Introduce a professional to a need (coordinators). From an application: `introduced`,
/// both sides emailed each other's contact. Otherwise a scout: `proposed`, the
/// professional emailed an invitation. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "matches", security(("bearer" = [])), request_body = CreateMatch,
    params(("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same key and body")),
    responses(
        (status = 201, body = MatchView),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "already matched, need closed, or a duplicate request in flight", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid body, or the key reused with another body", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/matches")]
pub async fn create_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    Json(request): Json<CreateMatch>,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Coordinator)?;
    let body = serde_json::to_value(&request).map_err(anyhow::Error::from)?;
    let outcome = idempotent(
        &state,
        &caller,
        "POST /matches".to_owned(),
        &key,
        &body,
        |claim| flow::create(&state, &caller, request, claim),
    )
    .await?;
    Ok(match outcome {
        Ok(view) => HttpResponse::Created().json(view),
        Err(replay) => replay,
    })
}

/// Filters of `GET /matches`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatchesQuery {
    /// Only this status.
    pub status: Option<MatchStatus>,
    /// Items per page, 1–100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The caller's matches: a professional's own, an SME's on its needs, a coordinator's region's.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(MatchesQuery), responses(
    (status = 200, body = Page<MatchView>),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, description = "a coordinator without a region", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/matches")]
pub async fn list_matches(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: Query<MatchesQuery>,
) -> ApiResult<web::Json<Page<MatchView>>> {
    let page = PageQuery {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .parse()?;
    let audience = match caller.role {
        AccountRole::Professional => Audience::Professional(caller.id),
        AccountRole::Sme => Audience::Owner(caller.id),
        AccountRole::Coordinator => Audience::Region(
            caller
                .region_id
                .ok_or(ApiError::Forbidden("this coordinator has no region"))?,
        ),
    };
    let rows = repo::matches::list(&state.db, audience, query.status, page).await?;
    let page = Page::from_rows(rows, page, |row| row.id, |row| row);
    let mut items = Vec::with_capacity(page.items.len());
    for found in page.items {
        let parties = Parties::of_match(&state.db, &found).await?;
        items.push(view::build(&state.db, &caller, &found, &parties).await?);
    }
    Ok(web::Json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One match with its history.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = MatchView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/matches/{id}")]
pub async fn get_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MatchView>> {
    let (found, parties) = flow::visible(&state, &caller, id.into_inner()).await?;
    Ok(web::Json(
        view::build(&state.db, &caller, &found, &parties).await?,
    ))
}

/// The scouted professional accepts: `proposed` → `introduced`, both sides emailed.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = MatchView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "not in a state that can be accepted", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/matches/{id}/accept")]
pub async fn accept_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MatchView>> {
    Ok(web::Json(
        flow::accept(&state, &caller, id.into_inner()).await?,
    ))
}

/// The professional or the SME declines: `declined` after they met, `cancelled` before.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), request_body = Option<Reason>, responses(
    (status = 200, body = MatchView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/matches/{id}/decline")]
pub async fn decline_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    OptionalJson(body): OptionalJson<Reason>,
) -> ApiResult<web::Json<MatchView>> {
    let reason = body.unwrap_or_default();
    Ok(web::Json(
        flow::close(&state, &caller, id.into_inner(), Event::Decline, reason).await?,
    ))
}

/// A coordinator calls off a match before the parties met.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), request_body = Option<Reason>, responses(
    (status = 200, body = MatchView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/matches/{id}/cancel")]
pub async fn cancel_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    OptionalJson(body): OptionalJson<Reason>,
) -> ApiResult<web::Json<MatchView>> {
    let reason = body.unwrap_or_default();
    Ok(web::Json(
        flow::close(&state, &caller, id.into_inner(), Event::Cancel, reason).await?,
    ))
}

/// Schedule the introduction meeting, or reschedule it (coordinator or the SME). Everyone
/// gets an iCalendar invitation; a reminder goes out 24 h before. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "matches", security(("bearer" = [])), request_body = ScheduleMeeting,
    params(("id" = Uuid, Path, description = "match id"), ("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same key and body")),
    responses(
        (status = 201, body = MatchView),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/matches/{id}/meetings")]
pub async fn schedule_meeting(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    Json(request): Json<ScheduleMeeting>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let body = serde_json::to_value(&request).map_err(anyhow::Error::from)?;
    let scope = format!("POST /matches/{id}/meetings");
    let outcome = idempotent(&state, &caller, scope, &key, &body, |claim| {
        meetings::schedule(&state, &caller, id, request, claim)
    })
    .await?;
    Ok(match outcome {
        Ok(view) => HttpResponse::Created().json(view),
        Err(replay) => replay,
    })
}

/// Call off the scheduled meeting (METHOD:CANCEL to everyone); the match stays introduced.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = MatchView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/matches/{id}/meetings/cancel")]
pub async fn cancel_meeting(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MatchView>> {
    Ok(web::Json(
        meetings::cancel(&state, &caller, id.into_inner()).await?,
    ))
}

/// Record what came of the meeting (coordinators): `met`, then `contracted` or `declined`.
/// Accepts `Idempotency-Key`.
#[utoipa::path(tag = "matches", security(("bearer" = [])), request_body = Outcome,
    params(("id" = Uuid, Path, description = "match id"), ("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same key and body")),
    responses(
        (status = 200, body = MatchView),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "illegal transition; names the current state", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/matches/{id}/outcome")]
pub async fn record_outcome(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    Json(request): Json<Outcome>,
) -> ApiResult<HttpResponse> {
    caller.require(AccountRole::Coordinator)?;
    let id = id.into_inner();
    let body = serde_json::to_value(&request).map_err(anyhow::Error::from)?;
    let scope = format!("POST /matches/{id}/outcome");
    let outcome = idempotent(&state, &caller, scope, &key, &body, |claim| {
        flow::outcome(&state, &caller, id, request, claim)
    })
    .await?;
    Ok(match outcome {
        Ok(view) => HttpResponse::Ok().json(view),
        Err(replay) => replay,
    })
}
