//! The bridge from stored rows to the matcher's model, and the score snapshots stored on
//! applications and matches so a coordinator can later see why a pair ranked where it did.

use chrono::{NaiveDate, TimeDelta, Utc};
use musubi_matcher as engine;
use uuid::Uuid;

use crate::{
    entities::{need, organization, profile, region},
    error::{ApiError, ApiResult},
    ranking::{self, view},
    repo,
    state::AppState,
};

/// Today in Asia/Tokyo (UTC+9 all year: Japan keeps no daylight saving time), the day
/// every score is computed for.
pub fn today() -> NaiveDate {
    (Utc::now() + TimeDelta::hours(9)).date_naive()
}

fn id_bits(id: uuid::Uuid) -> engine::Id {
    id.as_u128()
}

/// A stored need, with its organization's place, as the matcher's `Need`.
pub fn engine_need(
    need: &need::Model,
    organization: &organization::Model,
    prefecture: &str,
) -> anyhow::Result<engine::Need> {
    let spec = repo::needs::to_input(need)?;
    let budget = spec
        .compensation_jpy
        .unwrap_or(crate::domain::need::MoneyRange { min: 0, max: 0 });
    Ok(engine::Need {
        id: id_bits(need.id),
        place: engine::Place {
            prefecture: prefecture.to_owned(),
            city: organization.city.clone(),
        },
        industry: organization.industry.clone(),
        title: spec.title,
        description: spec.description,
        goal: spec.goal,
        role: spec.role.into(),
        style: spec.style.into(),
        skills: spec
            .skills
            .into_iter()
            .map(|s| engine::SkillRequirement {
                skill: s.skill,
                min_level: s.min_level,
                must: s.must,
            })
            .collect(),
        themes: spec.themes,
        hours_min: spec.hours_per_month.min,
        hours_max: spec.hours_per_month.max,
        duration_months: spec.duration_months,
        work_style: spec.work_style.into(),
        onsite_visits_per_month: spec.onsite_visits_per_month,
        meeting_slots: spec.meeting_slots.into_iter().map(Into::into).collect(),
        compensation_min_jpy: budget.min,
        compensation_max_jpy: budget.max,
        pro_bono: spec.pro_bono,
        headcount: spec.headcount,
        apply_by: spec.apply_by,
    })
}

/// A stored profile as the matcher's `Profile`.
pub fn engine_profile(
    profile: &profile::Model,
    active_engagements: u8,
) -> anyhow::Result<engine::Profile> {
    let input = repo::profiles::to_input(profile)?;
    Ok(engine::Profile {
        id: id_bits(profile.user_id),
        active: input.active,
        headline: input.headline,
        bio: input.bio,
        motivation: input.motivation,
        skills: input
            .skills
            .into_iter()
            .map(|s| engine::SkillLevel {
                skill: s.skill,
                level: s.level,
                years: s.years,
            })
            .collect(),
        roles: input
            .roles
            .into_iter()
            .map(|r| engine::RoleExperience {
                role: r.role.into(),
                years: r.years,
            })
            .collect(),
        industries: input.industries,
        themes: input.themes,
        style: input.style.into(),
        hours_per_month: input.hours_per_month,
        available_from: input.available_from,
        max_engagements: input.max_engagements,
        active_engagements,
        work_style: input.work_style.into(),
        max_onsite_visits_per_month: input.max_onsite_visits_per_month,
        home: engine::Place {
            prefecture: input.home.prefecture,
            city: input.home.city,
        },
        ties: input
            .ties
            .into_iter()
            .map(|t| engine::Tie {
                place: engine::Place {
                    prefecture: t.prefecture,
                    city: t.city,
                },
                kind: t.kind.into(),
            })
            .collect(),
        past_engagements: Vec::new(),
        meeting_slots: input.meeting_slots.into_iter().map(Into::into).collect(),
        min_compensation_jpy: input.min_compensation_jpy,
        pro_bono_ok: input.pro_bono_ok,
    })
}

/// The pseudonymous line an SME sees before an introduction, e.g.
/// `CMO / 東京都 / 長野県出身`: the matcher's [`display`](engine::display), the one
/// implementation (structured fields only — never a name, employer or free text).
pub fn display(profile: &profile::Model) -> anyhow::Result<String> {
    Ok(engine::display(&engine_profile(profile, 0)?))
}

/// A need as the matcher scores it, with its region's weights.
#[derive(Debug, Clone)]
pub struct ScoredNeed {
    /// The need.
    pub need: engine::Need,
    /// Its region's weights (the defaults unless a coordinator set them).
    pub weights: engine::Weights,
}

/// Reads what scoring a need takes besides the need itself: its organization (when
/// the caller has not got it already) and its region.
pub async fn scored_need(
    state: &AppState,
    need: &need::Model,
    organization: Option<&organization::Model>,
) -> ApiResult<ScoredNeed> {
    let fetched;
    let organization = match organization {
        Some(organization) => organization,
        None => {
            fetched = repo::needs::organization(&state.db, need.organization_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            &fetched
        }
    };
    let region = repo::regions::by_id(&state.db, need.region_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    scored_need_in(need, organization, &region)
}

/// [`scored_need`] when the rows are at hand.
pub fn scored_need_in(
    need: &need::Model,
    organization: &organization::Model,
    region: &region::Model,
) -> ApiResult<ScoredNeed> {
    Ok(ScoredNeed {
        need: engine_need(need, organization, &region.prefecture)?,
        weights: ranking::weights::of_region(region)?,
    })
}

/// The score of a pair now, as stored JSON ([`view::Snapshot`]: total, preference,
/// reciprocal, every factor with its reasons, exclusions, the day). Scored with the
/// index's text statistics, so it equals what the candidate list shows that day.
pub async fn snapshot(
    state: &AppState,
    need: &need::Model,
    profile: &profile::Model,
    proposal: Option<&str>,
) -> ApiResult<Option<serde_json::Value>> {
    let scored = scored_need(state, need, None).await?;
    let engagements = ranking::contracted_counts(&state.db, &[profile.user_id]).await?;
    let profile = engine_profile(
        profile,
        engagements.get(&profile.user_id).copied().unwrap_or(0),
    )?;
    let snapshot = snapshot_of(state, &scored, &profile, proposal);
    Ok(Some(
        serde_json::to_value(snapshot).map_err(|error| ApiError::Internal(error.into()))?,
    ))
}

/// The snapshot of a need and a professional for a match: with the proposal of their
/// application when there is one. `None` when the professional has no profile (erased).
pub async fn match_snapshot(
    state: &AppState,
    need: &need::Model,
    professional_id: Uuid,
    proposal: Option<&str>,
) -> ApiResult<Option<serde_json::Value>> {
    match repo::profiles::by_user(&state.db, professional_id).await? {
        Some(profile) => snapshot(state, need, &profile, proposal).await,
        None => Ok(None),
    }
}

/// Scores one pair as the index would rank it.
pub fn snapshot_of(
    state: &AppState,
    scored: &ScoredNeed,
    profile: &engine::Profile,
    proposal: Option<&str>,
) -> view::Snapshot {
    score_pair(&state.ranking, scored, profile, proposal)
}

/// [`snapshot`] for the services, which hold the database and the index rather than
/// the application state.
pub async fn pair_snapshot(
    db: &impl sea_orm::ConnectionTrait,
    ranking: &ranking::Ranking,
    need: &need::Model,
    profile: &profile::Model,
    proposal: Option<&str>,
) -> anyhow::Result<Option<serde_json::Value>> {
    let organization = repo::needs::organization(db, need.organization_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("need {} has no organization", need.id))?;
    let region = repo::regions::by_id(db, need.region_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("need {} has no region", need.id))?;
    let scored = ScoredNeed {
        need: engine_need(need, &organization, &region.prefecture)?,
        weights: ranking::weights::of_region(&region)?,
    };
    let engagements = ranking::contracted_counts(db, &[profile.user_id]).await?;
    let profile = engine_profile(
        profile,
        engagements.get(&profile.user_id).copied().unwrap_or(0),
    )?;
    let snapshot = score_pair(ranking, &scored, &profile, proposal);
    Ok(Some(serde_json::to_value(snapshot)?))
}

fn score_pair(
    ranking: &ranking::Ranking,
    scored: &ScoredNeed,
    profile: &engine::Profile,
    proposal: Option<&str>,
) -> view::Snapshot {
    let today = today();
    let (explanation, preference) = ranking.with_corpus(|corpus| {
        let mut ctx = engine::Context::new(today)
            .with_weights(scored.weights)
            .with_corpus(corpus);
        if let Some(proposal) = proposal {
            ctx = ctx.with_proposal(proposal);
        }
        (
            engine::score(&scored.need, profile, &ctx),
            engine::preference(profile, &scored.need, &ctx),
        )
    });
    view::Snapshot {
        score: view::total(explanation.total),
        preference: view::total(preference.total),
        reciprocal_score: view::total(engine::reciprocal_score(
            explanation.total,
            preference.total,
        )),
        factors: view::factors(Some(&explanation)),
        excluded: explanation.is_excluded(),
        exclusions: view::exclusions(&explanation.exclusions),
        scored_on: today,
    }
}
