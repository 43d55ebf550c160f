//! A need being written ([`NeedDraft`]): the body of `POST /needs` with every field
//! optional, so the form can ask how its pool looks before the need is whole.
//!
//! What a half-written need previews as: a field not written yet does not constrain
//! anyone (no hours asked, no budget ceiling, no visits, any meeting time), so the
//! counts only fall as the owner adds constraints, and the clarity check names what is
//! still missing. A field written wrongly (hours upside down, say) is previewed as
//! written, the way the matcher would read it, and reported among the problems.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    enums::{MeetingSlot, Role, Style, WorkStyle},
    error::FieldErrors,
    need::{HoursRange, MoneyRange, NeedInput, SkillRequirement},
};

/// A need being written: the fields of `POST /needs`, each optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedDraft {
    /// Title.
    pub title: Option<String>,
    /// What the work is.
    pub description: Option<String>,
    /// The outcome wanted.
    pub goal: Option<String>,
    /// Role recruited for.
    pub role: Option<Role>,
    /// Hands-on or advisory.
    pub style: Option<Style>,
    /// Skills asked for.
    pub skills: Option<Vec<SkillRequirement>>,
    /// Theme keys.
    pub themes: Option<Vec<String>>,
    /// Monthly hours.
    pub hours_per_month: Option<HoursRange>,
    /// Planned length in months.
    pub duration_months: Option<u16>,
    /// Where the work happens.
    pub work_style: Option<WorkStyle>,
    /// On-site visits asked per month.
    pub onsite_visits_per_month: Option<u8>,
    /// When meetings can happen.
    pub meeting_slots: Option<Vec<MeetingSlot>>,
    /// Monthly budget.
    pub compensation_jpy: Option<MoneyRange>,
    /// Unpaid (プロボノ).
    pub pro_bono: Option<bool>,
    /// How many professionals are wanted.
    pub headcount: Option<u16>,
    /// Application deadline.
    pub apply_by: Option<NaiveDate>,
}

impl NeedDraft {
    /// The need as far as it is written, a missing field constraining nobody (see the
    /// [module documentation](self)); skill and theme synonyms are resolved where
    /// they can be.
    pub fn as_written(&self) -> NeedInput {
        let pro_bono = self.pro_bono.unwrap_or(false);
        let mut input = NeedInput {
            title: self.title.clone().unwrap_or_default(),
            description: self.description.clone().unwrap_or_default(),
            goal: self.goal.clone().unwrap_or_default(),
            role: self.role.unwrap_or(Role::Other),
            style: self.style.unwrap_or(Style::Either),
            skills: self.skills.clone().unwrap_or_default(),
            themes: self.themes.clone().unwrap_or_default(),
            hours_per_month: self
                .hours_per_month
                .unwrap_or(HoursRange { min: 0, max: 0 }),
            duration_months: self.duration_months.unwrap_or(3),
            work_style: self.work_style.unwrap_or(WorkStyle::Remote),
            onsite_visits_per_month: self.onsite_visits_per_month.unwrap_or(0),
            meeting_slots: self.meeting_slots.clone().unwrap_or_default(),
            compensation_jpy: match (pro_bono, self.compensation_jpy) {
                (false, None) => Some(MoneyRange {
                    min: 0,
                    max: u32::MAX,
                }),
                (_, budget) => budget,
            },
            pro_bono,
            headcount: self.headcount.unwrap_or(1),
            apply_by: self.apply_by,
        };
        for requirement in &mut input.skills {
            if let Some(skill) = musubi_matcher::taxonomy::resolve_skill(&requirement.skill) {
                requirement.skill = skill.key.to_owned();
            }
        }
        let mut ignored = super::text::Errors::default();
        input.themes = super::need::resolve_themes(&input.themes, &mut ignored);
        input
    }

    /// What posting the need would refuse, among the fields written so far (a field
    /// not written yet is the clarity check's business, not a problem).
    pub fn problems(&self) -> FieldErrors {
        let filled = NeedInput {
            title: self.title.clone().unwrap_or_else(|| "-".to_owned()),
            description: self.description.clone().unwrap_or_else(|| "-".to_owned()),
            hours_per_month: self
                .hours_per_month
                .unwrap_or(HoursRange { min: 1, max: 1 }),
            compensation_jpy: match (self.pro_bono.unwrap_or(false), self.compensation_jpy) {
                (false, None) => Some(MoneyRange { min: 0, max: 0 }),
                (_, budget) => budget,
            },
            ..self.as_written()
        };
        // Skills and themes as written, so an unknown one is named.
        let filled = NeedInput {
            skills: self.skills.clone().unwrap_or_default(),
            themes: self.themes.clone().unwrap_or_default(),
            ..filled
        };
        match filled.parse() {
            Ok(_) => Vec::new(),
            Err(errors) => errors,
        }
    }
}
