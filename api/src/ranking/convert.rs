//! The one conversion between stored rows and the matcher's model: a need (with its
//! organization's place and its region's weights) and a profile (with its engagement
//! count) as the matcher ranks them.

use musubi_matcher as engine;

use super::weights;
use crate::{
    domain::need::{MoneyRange, NeedInput},
    entities::{need, organization, profile, region},
    repo,
};

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
    let place = engine::Place {
        prefecture: prefecture.to_owned(),
        city: organization.city.clone(),
    };
    Ok(need_of_input(
        id_bits(need.id),
        spec,
        place,
        organization.industry.clone(),
    ))
}

/// A need's spec (stored, or being written) as the matcher's `Need`, placed where its
/// organization is.
pub fn need_of_input(
    id: engine::Id,
    spec: NeedInput,
    place: engine::Place,
    industry: String,
) -> engine::Need {
    let budget = spec
        .compensation_jpy
        .unwrap_or(MoneyRange { min: 0, max: 0 });
    engine::Need {
        id,
        place,
        industry,
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
    }
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

/// A need as the matcher scores it, with its region's weights.
#[derive(Debug, Clone)]
pub struct ScoredNeed {
    /// The need.
    pub need: engine::Need,
    /// Its region's weights (the defaults unless a coordinator set them).
    pub weights: engine::Weights,
}

/// A stored need, its organization and its region, as the matcher scores the need.
pub fn scored_need(
    need: &need::Model,
    organization: &organization::Model,
    region: &region::Model,
) -> anyhow::Result<ScoredNeed> {
    Ok(ScoredNeed {
        need: engine_need(need, organization, &region.prefecture)?,
        weights: weights::of_region(region)?,
    })
}
