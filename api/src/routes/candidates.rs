//! Ranked candidates for a need, and recommended needs for a professional: the views of
//! [`services::candidates`], which ranks them from the in-memory index and keeps each
//! candidate list's JSON while nothing it depends on has changed.

use actix_web::{HttpResponse, get, http::header::ContentType, web};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use super::{Page, needs::OrganizationSummary};
use crate::{
    auth::AuthUser,
    domain::ids::NeedId,
    error::ApiResult,
    ranking::{
        self,
        view::{self, AspectView, ExclusionView, FactorView},
    },
    services::{
        self,
        candidates::{ListFormat, ListOptions, Ranked, Recommendation},
    },
    state::AppState,
};

/// Registers the candidate and recommendation routes.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(need_candidates).service(my_recommendations);
}

/// Whom a candidate list covers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
    /// From another region of the alliance, shown with their consent (`scope=all`
    /// only): this display is recorded as a provision in their export.
    pub other_region: bool,
    /// How the region's congestion dampening lowered their score (`scope=all` only,
    /// never for an applicant): `score` is after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub congestion: Option<CongestionView>,
}

/// A score lowered because the professional is already much asked this month.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"load": 3, "undamped_score": 80.0, "reason": "今月すでに3件の紹介があります",
    "reason_en": "Already 3 introductions or pending scouts this month"}))]
pub struct CongestionView {
    /// Their introductions and pending scouts this month.
    pub load: u32,
    /// The need's score before dampening, 0–100.
    pub undamped_score: f64,
    /// Why, in Japanese.
    pub reason: String,
    /// Why, in English.
    pub reason_en: String,
}

impl From<&musubi_matcher::congestion::Damped> for CongestionView {
    fn from(damped: &musubi_matcher::congestion::Damped) -> Self {
        Self {
            load: damped.load,
            undamped_score: view::total(damped.undamped_score),
            reason: damped.reason.ja.clone(),
            reason_en: damped.reason.en.clone(),
        }
    }
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
    let options = ListOptions {
        limit: services::candidates::limit(query.limit)?,
        everyone: query.scope.unwrap_or_default() == Scope::All,
        reciprocal: query.mode.unwrap_or_default() == RankMode::Reciprocal,
        include_excluded: query.include_excluded.unwrap_or(false),
        format: ListFormat::Json,
    };
    let body = services::candidates::candidates(
        &state.db,
        &state.ranking,
        &caller,
        NeedId(*id),
        options,
        render,
    )
    .await?;
    Ok(json_body(body))
}

/// The page of a need's candidates, with the reasons of each, as JSON.
fn render(ranked: Ranked) -> anyhow::Result<Bytes> {
    let Ranked {
        candidates,
        applications,
        damped,
        shared,
        ..
    } = ranked;
    let items = candidates
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
                application_id: applications.get(&professional_id).copied(),
                other_region: shared.contains_key(&professional_id),
                congestion: damped.get(&professional_id).map(CongestionView::from),
            }
        })
        .collect();
    let page = Page {
        items,
        next_cursor: None,
    };
    Ok(Bytes::from(serde_json::to_vec(&page)?))
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
    let ranked =
        services::candidates::recommendations(&state.db, &state.ranking, &caller, query.limit)
            .await?;
    Ok(web::Json(Page {
        items: ranked.iter().map(recommendation_view).collect(),
        next_cursor: None,
    }))
}

fn recommendation_view(recommendation: &Recommendation) -> RecommendationView {
    let Recommendation {
        need,
        organization,
        ranked,
    } = recommendation;
    RecommendationView {
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
    }
}
