//! Matches (紹介): made by coordinators, answered by professionals and SMEs, carried to
//! the introduction meeting.

mod view;

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use sea_orm::DatabaseTransaction;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use self::view::MatchView;
use super::{Page, PageQuery};
use crate::{
    auth::AuthUser,
    domain::{
        matching::{CreateMatch, MatchStatus, Outcome, Reason},
        proposal::MeetingRequest,
    },
    error::ApiResult,
    extract::{Json, OptionalJson, Query},
    idempotency::{self, Claim, IdempotencyKey},
    services::{
        self,
        matches::{BeforeCommit, Mail, MatchRecord},
    },
    state::AppState,
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

fn mail(state: &AppState) -> Mail<'_> {
    Mail::from(&*state.settings)
}

/// Stores the response to an idempotent request in the transaction of the change it
/// answers, so the stored answer and the change commit together.
struct StoreResponse<'a> {
    caller: &'a AuthUser,
    claim: Claim,
    status: StatusCode,
}

impl BeforeCommit<MatchRecord> for StoreResponse<'_> {
    async fn run(self, txn: &DatabaseTransaction, done: &MatchRecord) -> anyhow::Result<()> {
        let view = view::build(self.caller, done)?;
        self.claim.complete(txn, self.status, &view).await
    }
}

/// The fingerprint of a request body, as the JSON it arrived as.
fn fingerprint(body: &impl serde::Serialize) -> ApiResult<String> {
    let body = serde_json::to_value(body).map_err(anyhow::Error::from)?;
    Ok(idempotency::fingerprint(&body))
}

/// Runs `work` under the `Idempotency-Key` (a repeat replays the stored response) and
/// answers the caller's view of the match it returns with `status`.
async fn idempotent<'a, F, Fut>(
    state: &AppState,
    caller: &'a AuthUser,
    (scope, key, fingerprint): (&str, &IdempotencyKey, String),
    status: StatusCode,
    work: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(StoreResponse<'a>) -> Fut,
    Fut: std::future::Future<Output = services::Result<MatchRecord>>,
{
    let outcome = idempotency::guarded(&state.db, caller.id, scope, key, fingerprint, |claim| {
        let store = StoreResponse {
            caller,
            claim,
            status,
        };
        async { Ok(work(store).await?) }
    })
    .await?;
    Ok(match outcome {
        Ok(record) => HttpResponse::build(status).json(view::build(caller, &record)?),
        Err(replay) => replay,
    })
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
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
pub async fn create_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    Json(request): Json<CreateMatch>,
) -> ApiResult<HttpResponse> {
    let guard = ("POST /matches", &key, fingerprint(&request)?);
    idempotent(&state, &caller, guard, StatusCode::CREATED, |store| {
        services::matches::create(
            &state.db,
            &state.ranking,
            mail(&state),
            &caller,
            request,
            store,
        )
    })
    .await
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
#[tracing::instrument(skip_all, fields(user_id = %caller.id))]
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
    let found = services::matches::list(&state.db, &caller, query.status, page).await?;
    let items = found
        .items
        .iter()
        .map(|record| view::build(&caller, record))
        .collect::<anyhow::Result<_>>()?;
    Ok(web::Json(Page {
        items,
        next_cursor: found.next_cursor,
    }))
}

/// One match with its history.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = MatchView),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/matches/{id}")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn get_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MatchView>> {
    let record = services::matches::get(&state.db, &caller, id.into_inner().into()).await?;
    Ok(web::Json(view::build(&caller, &record)?))
}

/// The scouted professional accepts: `proposed` → `introduced`, both sides emailed.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = MatchView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, description = "not in a state that can be accepted", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/matches/{id}/accept")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn accept_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MatchView>> {
    let id = id.into_inner().into();
    let record = services::matches::accept(&state.db, mail(&state), &caller, id).await?;
    Ok(web::Json(view::build(&caller, &record)?))
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
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn decline_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    OptionalJson(body): OptionalJson<Reason>,
) -> ApiResult<web::Json<MatchView>> {
    let (id, reason) = (id.into_inner().into(), body.unwrap_or_default());
    let record = services::matches::decline(&state.db, mail(&state), &caller, id, reason).await?;
    Ok(web::Json(view::build(&caller, &record)?))
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
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn cancel_match(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    OptionalJson(body): OptionalJson<Reason>,
) -> ApiResult<web::Json<MatchView>> {
    let (id, reason) = (id.into_inner().into(), body.unwrap_or_default());
    let record = services::matches::cancel(&state.db, mail(&state), &caller, id, reason).await?;
    Ok(web::Json(view::build(&caller, &record)?))
}

/// Schedule the introduction meeting, or reschedule it (coordinator or the SME). Everyone
/// gets an iCalendar invitation; a reminder goes out 24 h before. With `proposals` instead
/// of `starts_at`: propose 1–3 times; the professional is emailed a one-click link for
/// each (and one for "none of these work") and the match shows them as
/// `meeting_proposal` until one is chosen, which schedules the meeting as `starts_at`
/// would. Accepts `Idempotency-Key`.
#[utoipa::path(tag = "matches", security(("bearer" = [])), request_body = MeetingRequest,
    params(("id" = Uuid, Path, description = "match id"), ("Idempotency-Key" = Option<String>, Header, description = "replays the first response for the same key and body")),
    responses(
        (status = 201, body = MatchView),
        (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "illegal transition; names the current state", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "invalid body; an invalid proposed time is named `proposals[i]`", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
#[post("/matches/{id}/meetings")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn schedule_meeting(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    Json(request): Json<MeetingRequest>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let scope = format!("POST /matches/{id}/meetings");
    let guard = (scope.as_str(), &key, fingerprint(&request)?);
    idempotent(&state, &caller, guard, StatusCode::CREATED, |store| {
        services::proposals::arrange(&state.db, mail(&state), &caller, id.into(), request, store)
    })
    .await
}

/// Call off the scheduled meeting (METHOD:CANCEL to everyone); the match stays introduced.
#[utoipa::path(tag = "matches", security(("bearer" = [])), params(("id" = Uuid, Path, description = "match id")), responses(
    (status = 200, body = MatchView),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 409, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[post("/matches/{id}/meetings/cancel")]
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn cancel_meeting(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
) -> ApiResult<web::Json<MatchView>> {
    let id = id.into_inner().into();
    let record = services::meetings::cancel(&state.db, mail(&state), &caller, id).await?;
    Ok(web::Json(view::build(&caller, &record)?))
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
#[tracing::instrument(skip_all, fields(user_id = %caller.id, match_id = %id))]
pub async fn record_outcome(
    state: web::Data<AppState>,
    caller: AuthUser,
    key: IdempotencyKey,
    id: web::Path<Uuid>,
    Json(request): Json<Outcome>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let scope = format!("POST /matches/{id}/outcome");
    let guard = (scope.as_str(), &key, fingerprint(&request)?);
    let answer = idempotent(&state, &caller, guard, StatusCode::OK, |store| {
        services::matches::record_outcome(&state.db, &caller, id.into(), request, store)
    })
    .await;
    // A contract may have filled the need's last place: its kind relays go out.
    services::relay::deliver_soon(
        state.db.clone(),
        state.ranking.clone(),
        state.settings.public_url.clone(),
    );
    answer
}
