//! Ranked candidates for a need, and recommended needs for a professional, served from
//! the in-memory [`ranking`](crate::ranking) index.
//!
//! A need's candidate list is one scan of the index under a read lock, plus four
//! indexed reads (the need, its organization, its region, its submitted applications)
//! however many candidates come back: nothing is looked up per candidate. The list's
//! JSON is then kept and served again while nothing it depends on has changed (see
//! [`ranking::cache`]).

use std::collections::HashMap;

use actix_web::{
    HttpResponse, get,
    http::header::ContentType,
    web::{self, Bytes},
};
use musubi_matcher::{self as engine, Mode, RankRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, needs::OrganizationSummary};
use crate::{
    auth::{AccountRole, AuthUser},
    error::{ApiError, ApiResult},
    ranking::{
        self, Pool,
        cache::{CachedList, ListKey, Lookup},
        view::{self, AspectView, ExclusionView, FactorView},
    },
    repo, scoring,
    state::AppState,
};

/// Registers the candidate and recommendation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(need_candidates).service(my_recommendations);
}

/// Whom a candidate list covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The need's applicants (submitted applications).
    #[default]
    Applicants,
    /// Every listed profile: scouting (スカウト), coordinators only.
    All,
}

/// What a candidate list is ordered by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RankMode {
    /// The need's score of the professional.
    #[default]
    Need,
    /// The harmonic mean of that and the professional's preference for the need.
    Reciprocal,
}

/// `GET /needs/{id}/candidates` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CandidatesQuery {
    /// How many, 1–100 (default 20). The list is the top of a ranking, so it has no
    /// further pages: `next_cursor` is always `null`.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `applicants` (default) or `all` (coordinators only).
    pub scope: Option<Scope>,
    /// `need` (default) or `reciprocal`.
    pub mode: Option<RankMode>,
    /// Also list hard-excluded candidates, after every eligible one, with why
    /// (default `false`).
    pub include_excluded: Option<bool>,
}

/// A ranked candidate. Pseudonymous for everyone (no name, email, employer or bio):
/// an SME sees exactly this before an introduction.
#[derive(Debug, Serialize, ToSchema)]
pub struct CandidateView {
    /// The professional.
    pub professional_id: Uuid,
    /// Pseudonymous line, e.g. `CMO / 東京都 / 長野県出身`.
    pub display: String,
    /// The need's score of the professional, 0–100.
    pub score: f64,
    /// Harmonic mean of `score` and `preference`, 0–100.
    pub reciprocal_score: f64,
    /// The professional's preference for the need, 0–100.
    pub preference: f64,
    /// Every factor with its weight and reasons.
    pub factors: Vec<FactorView>,
    /// Whether a hard exclusion applies (only listed with `include_excluded=true`).
    pub excluded: bool,
    /// The hard exclusions, with why (present when `excluded`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<ExclusionView>,
    /// Their submitted application to this need, if any.
    pub application_id: Option<Uuid>,
}

fn limit(limit: Option<u64>) -> ApiResult<usize> {
    let limit = limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be between 1 and 100"));
    }
    Ok(usize::try_from(limit).unwrap_or(100))
}

/// Ranked candidates for a need: its applicants, or (coordinators) everyone.
#[utoipa::path(tag = "needs", security(("bearer" = [])), params(("id" = Uuid, Path, description = "need id"), CandidatesQuery), responses(
    (status = 200, body = Page<CandidateView>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, description = "a professional, or an SME asking for scope=all", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such need, or not the caller's", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/needs/{id}/candidates")]
#[tracing::instrument(skip_all, fields(need_id = %id))]
pub async fn need_candidates(
    state: web::Data<AppState>,
    caller: AuthUser,
    id: web::Path<Uuid>,
    query: crate::extract::Query<CandidatesQuery>,
) -> ApiResult<HttpResponse> {
    let k = limit(query.limit)?;
    let scope = query.scope.unwrap_or_default();
    if scope == Scope::All && caller.role != AccountRole::Coordinator {
        return Err(ApiError::Forbidden(
            "only coordinators may scout (scope=all)",
        ));
    }
    let mode = query.mode.unwrap_or_default();
    let key = ListKey {
        need_id: *id,
        everyone: scope == Scope::All,
        reciprocal: mode == RankMode::Reciprocal,
        include_excluded: query.include_excluded.unwrap_or(false),
        limit: k,
    };
    // One computation per list at a time: a caller is served the kept list, or
    // computes it, or waits for the caller computing it and is served that list.
    let mut may_wait = true;
    let (claim, stamp, today) = loop {
        // Taken before anything is read: a change while this list is computed leaves it
        // stale in the cache rather than wrongly fresh.
        let today = scoring::today();
        let stamp = state.ranking.lists.stamp(state.ranking.generation(), today);
        match state.ranking.lists.lookup(&key, &stamp, &caller, may_wait) {
            Lookup::Hit(list) => return Ok(json_body(list.body.clone())),
            Lookup::Compute(claim) => break (claim, stamp, today),
            Lookup::Wait(pending) => {
                if let Some(list) = pending.finished().await
                    && list.visible_to(&caller, &key)
                {
                    return Ok(json_body(list.body.clone()));
                }
                // It ended without a list: compute it rather than wait again.
                may_wait = false;
            }
        }
    };

    let (need, organization) = super::needs::managed_need(&state, &caller, key.need_id).await?;
    let region = repo::regions::by_id(&state.db, need.region_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let scored = scoring::scored_need_in(&need, &organization, &region)?;
    let applications = ranking::applicants(&state.db, need.id).await?;

    // Ranking a region and writing the reasons is CPU work: off the server's threads,
    // so the requests they are serving meanwhile (cached lists, /health) do not wait.
    let ranking = state.ranking.clone();
    let body = web::block(move || {
        let list = rank_list(&ranking, &scored, &applications, &key, today);
        serde_json::to_vec(&list).map(Bytes::from)
    })
    .await
    .map_err(|error| ApiError::Internal(error.into()))?
    .map_err(|error| ApiError::Internal(error.into()))?;
    claim.store(CachedList::new(
        body.clone(),
        organization.owner_id,
        need.region_id,
        stamp,
    ));
    Ok(json_body(body))
}

/// The page of a need's candidates, ranked with the reasons of each.
fn rank_list(
    ranking: &ranking::Ranking,
    scored: &scoring::ScoredNeed,
    applications: &[ranking::Applicant],
    key: &ListKey,
    today: chrono::NaiveDate,
) -> Page<CandidateView> {
    let applicant_ids: Vec<engine::Id> = applications
        .iter()
        .map(|a| ranking::engine_id(a.professional_id))
        .collect();
    let proposals: Vec<(engine::Id, &str)> = applications
        .iter()
        .map(|a| (ranking::engine_id(a.professional_id), a.message.as_str()))
        .collect();
    let application_of: HashMap<Uuid, Uuid> = applications
        .iter()
        .map(|a| (a.professional_id, a.id))
        .collect();
    let pool = if key.everyone {
        Pool::Everyone
    } else {
        Pool::Only(&applicant_ids)
    };
    let request = RankRequest {
        k: key.limit,
        today,
        weights: scored.weights,
        mode: if key.reciprocal {
            Mode::Reciprocal
        } else {
            Mode::Need
        },
        include_excluded: key.include_excluded,
        only: None,
        proposals: &proposals,
        explain: true,
        explain_preference: false,
    };
    let items = ranking
        .rank(&scored.need, pool, request)
        .into_iter()
        .map(|candidate| {
            let professional_id = ranking::professional_id(candidate.profile_id);
            CandidateView {
                professional_id,
                display: candidate.display,
                score: view::total(candidate.score),
                reciprocal_score: view::total(candidate.reciprocal_score),
                preference: view::total(candidate.preference),
                factors: view::factors(candidate.explanation.as_ref()),
                excluded: !candidate.excluded.is_empty(),
                exclusions: view::exclusions(&candidate.excluded),
                application_id: application_of.get(&professional_id).copied(),
            }
        })
        .collect();
    Page {
        items,
        next_cursor: None,
    }
}

fn json_body(body: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body)
}

/// `GET /profiles/me/recommendations` parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendationsQuery {
    /// How many, 1–100 (default 20); `next_cursor` is always `null`.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
}

/// An open need recommended to a professional.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecommendationView {
    /// The need.
    pub need_id: Uuid,
    /// Its title.
    pub title: String,
    /// Who posted it.
    pub organization: OrganizationSummary,
    /// Its region.
    pub region_id: Uuid,
    /// The need's score of the caller, 0–100.
    pub score: f64,
    /// The caller's preference for the need, 0–100.
    pub preference: f64,
    /// Harmonic mean of the two, 0–100: what the list is ordered by.
    pub reciprocal_score: f64,
    /// Why the need would want the caller: every factor with its reasons.
    pub factors: Vec<FactorView>,
    /// Why the caller would want the need: every aspect with its reasons.
    pub preference_factors: Vec<AspectView>,
}

/// Open needs ranked for the caller by the reciprocal score (needs the caller is
/// hard-excluded from are left out).
#[utoipa::path(tag = "profiles", security(("bearer" = [])), params(RecommendationsQuery), responses(
    (status = 200, body = Page<RecommendationView>),
    (status = 401, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "no profile yet", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, body = crate::error::Problem, content_type = "application/problem+json"),
))]
#[get("/profiles/me/recommendations")]
#[tracing::instrument(skip_all)]
pub async fn my_recommendations(
    state: web::Data<AppState>,
    caller: AuthUser,
    query: crate::extract::Query<RecommendationsQuery>,
) -> ApiResult<web::Json<Page<RecommendationView>>> {
    caller.require(AccountRole::Professional)?;
    let k = limit(query.limit)?;
    let stored = repo::profiles::by_user(&state.db, caller.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let engagements = ranking::contracted_counts(&state.db, &[caller.id]).await?;
    let profile =
        scoring::engine_profile(&stored, engagements.get(&caller.id).copied().unwrap_or(0))?;
    let open = ranking::open_needs(&state.db).await?;
    let ranked = ranking::recommend(&state.ranking, &profile, &open, scoring::today(), k);
    let items = ranked
        .into_iter()
        .map(|(need, organization, ranked)| RecommendationView {
            need_id: need.id,
            title: need.title.clone(),
            organization: OrganizationSummary {
                id: organization.id,
                name: organization.name.clone(),
                kind: organization.kind.clone(),
                industry: organization.industry.clone(),
                city: organization.city.clone(),
            },
            region_id: need.region_id,
            score: view::total(ranked.score),
            preference: view::total(ranked.preference),
            reciprocal_score: view::total(ranked.reciprocal_score),
            factors: view::factors(Some(&ranked.explanation)),
            preference_factors: view::aspects(Some(&ranked.preference_detail)),
        })
        .collect();
    Ok(web::Json(Page {
        items,
        next_cursor: None,
    }))
}
