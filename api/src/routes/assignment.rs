//! The region-wide suggestion with its audit (issue 12): the view of
//! [`services::assignment`].

use std::time::{Duration, Instant};

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::candidates::Scope;
use crate::{
    auth::AuthUser,
    error::ApiResult,
    ranking::view::{self, FactorView},
    services::assignment::{self, Method, Options, SuggestedPair, Suggestion, Timings},
    state::AppState,
};

/// Registers the assignment route.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(region_assignment);
}

/// How the suggested pairs are chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentMode {
    /// The largest total score (an exact b-matching); may leave blocking pairs.
    #[default]
    MaxWeight,
    /// Deferred acceptance, needs proposing by their score, professionals keeping
    /// the offers they prefer by their own score of the need: no blocking pair.
    Stable,
}

/// `GET /regions/{id}/assignment` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentQuery {
    /// Pairs scoring below this (0–100) are never suggested (default 30).
    #[param(minimum = 0, maximum = 100)]
    pub floor: Option<f64>,
    /// `max_weight` (default) or `stable`.
    pub mode: Option<AssignmentMode>,
    /// `all` (default): everyone listed; `applicants`: each need's applicants only.
    pub scope: Option<Scope>,
}

/// A suggested introduction.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedPairView {
    /// The need.
    pub need_id: Uuid,
    /// Its title.
    pub need_title: String,
    /// The professional.
    pub professional_id: Uuid,
    /// Pseudonymous line, as in candidate lists.
    pub display: String,
    /// The need's score of the professional, 0–100: what `max_weight` adds up.
    pub score: f64,
    /// The professional's preference for the need, 0–100: their side in `stable`
    /// and in the audit.
    pub preference: f64,
    /// Harmonic mean of the two, 0–100.
    pub reciprocal_score: f64,
    /// Every factor of `score` with its weight and reasons, as in candidate lists.
    pub factors: Vec<FactorView>,
    /// Their submitted application to the need, if any: `POST /matches` then
    /// introduces; otherwise it scouts.
    pub application_id: Option<Uuid>,
    /// From another region of the alliance, suggested with their consent (`scope=all`
    /// only): this display is recorded as a provision in their export.
    pub other_region: bool,
}

/// What a suggestion gives and what it risks.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// The sum of the pairs' scores.
    pub total_score: f64,
    /// Places filled: the number of pairs.
    pub filled: u64,
    /// Candidate pairs not suggested whose need and professional would both rather
    /// have each other than (the worse of) what they were given, or have room.
    pub blocking_pairs: u64,
}

/// A region's suggested introductions.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentView {
    /// The region.
    pub region_id: Uuid,
    /// How the pairs were chosen.
    pub mode: AssignmentMode,
    /// Whom the needs were ranked against.
    pub scope: Scope,
    /// The score floor used.
    pub floor: f64,
    /// Open needs with a place left (headcount less engagements in progress).
    pub needs: u64,
    /// Candidate pairs considered: each need's best 50 at or above the floor, without
    /// pairs already matched.
    pub edges: u64,
    /// The suggested pairs, by need id, then professional id.
    pub pairs: Vec<SuggestedPairView>,
    /// Total score, places filled, blocking pairs.
    pub audit: AuditView,
}

/// The region-wide suggestion: every open need of the region ranked, candidate pairs
/// above the floor, each need's remaining headcount and each professional's remaining
/// `max_engagements` (engagements in progress: introduced, meeting scheduled, met,
/// contracted) honoured; chosen for the largest total (`max_weight`) or stably
/// (`stable`), with an audit (coordinators of the region).
///
/// The `Server-Timing` header says where the time went, in milliseconds: `load`
/// (reading the region), `rank` (ranking every open need), `edges` (the candidate pairs
/// and capacities), `solve`, `audit`, `explain` (the chosen pairs' reasons), `view`
/// (building and serialising the answer) and `total` (all of it, in the server).
#[utoipa::path(tag = "regions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "region id"), AssignmentQuery), responses(
    (status = 200, body = AssignmentView,
        headers(("Server-Timing" = String, description = "each part's wall time in ms: load, rank, edges, solve, audit, explain, view, total (e.g. `rank;dur=412.3, …`)"))),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, description = "not a coordinator", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such region, or not the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "a floor outside 0–100, an unknown mode or scope", body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/regions/{id}/assignment")]
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn region_assignment(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: crate::extract::Query<AssignmentQuery>,
) -> ApiResult<HttpResponse> {
    let started = Instant::now();
    let options = Options {
        floor: query.floor,
        method: match query.mode.unwrap_or_default() {
            AssignmentMode::MaxWeight => Method::MaxWeight,
            AssignmentMode::Stable => Method::Stable,
        },
        everyone: query.scope.unwrap_or(Scope::All) == Scope::All,
    };
    let suggestion = assignment::suggest(
        &state.db,
        &state.ranking,
        &caller,
        id.into_inner().into(),
        options,
    )
    .await?;
    let timings = suggestion.timings;
    let viewing = Instant::now();
    let view = AssignmentView::from(suggestion);
    let body = serde_json::to_vec(&view).map_err(anyhow::Error::from)?;
    let view = viewing.elapsed();
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((
            "Server-Timing",
            server_timing(&timings, view, started.elapsed()),
        ))
        .body(body))
}

/// `Server-Timing` (W3C): each part's duration in milliseconds.
fn server_timing(timings: &Timings, view: Duration, total: Duration) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1_000.0;
    timings
        .parts()
        .into_iter()
        .chain([("view", view), ("total", total)])
        .map(|(name, took)| format!("{name};dur={:.1}", ms(took)))
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<Suggestion> for AssignmentView {
    fn from(suggestion: Suggestion) -> Self {
        Self {
            region_id: suggestion.region_id,
            mode: match suggestion.method {
                Method::MaxWeight => AssignmentMode::MaxWeight,
                Method::Stable => AssignmentMode::Stable,
            },
            scope: if suggestion.everyone {
                Scope::All
            } else {
                Scope::Applicants
            },
            floor: suggestion.floor,
            needs: suggestion.needs as u64,
            edges: suggestion.edges as u64,
            pairs: suggestion.pairs.into_iter().map(pair_view).collect(),
            audit: AuditView {
                total_score: suggestion.audit.total_score as f64 / 100.0,
                filled: suggestion.audit.filled,
                blocking_pairs: suggestion.audit.blocking_pairs,
            },
        }
    }
}

fn pair_view(pair: SuggestedPair) -> SuggestedPairView {
    let candidate = pair.candidate;
    SuggestedPairView {
        need_id: pair.need_id,
        need_title: pair.need_title,
        professional_id: pair.professional_id,
        display: candidate.display,
        score: view::total(candidate.score),
        preference: view::total(candidate.preference),
        reciprocal_score: view::total(candidate.reciprocal_score),
        factors: view::factors(candidate.explanation.as_ref()),
        application_id: pair.application_id,
        other_region: pair.other_region.is_some(),
    }
}
