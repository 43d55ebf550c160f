//! Needs (募集): the request DTOs, their rules, and the parsed [`NeedSpec`].

use chrono::NaiveDate;
use musubi_matcher::taxonomy;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    enums::{MeetingSlot, Role, Style, WorkStyle},
    error::FieldErrors,
    text::Errors,
};

/// Most hours a month any engagement may ask for.
pub const MAX_HOURS_PER_MONTH: u16 = 320;

/// A skill a need asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillRequirement {
    /// Taxonomy key (`digital_marketing`); a label or synonym (`マーケ`) is accepted and stored as its key.
    pub skill: String,
    /// Lowest level that earns full credit, 1–5.
    #[schema(minimum = 1, maximum = 5)]
    pub min_level: u8,
    /// A must-have skill weighs three times a nice-to-have one.
    #[serde(default)]
    pub must: bool,
}

/// An inclusive range of hours per month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursRange {
    /// Fewest hours a month.
    pub min: u16,
    /// Most hours a month.
    pub max: u16,
}

/// An inclusive monthly budget in JPY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyRange {
    /// Lower end, JPY per month.
    pub min: u32,
    /// Upper end, JPY per month.
    pub max: u32,
}

/// A need as posted (POST /needs) and as stored: the written spec (仕様書).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "ECサイト立ち上げのマーケティング責任者 (CMO)",
    "description": "漆器の新しい販路として自社ECを立ち上げたい。",
    "goal": "6か月で自社ECの月商100万円",
    "role": "cmo", "style": "hands_on",
    "skills": [{"skill": "digital_marketing", "min_level": 3, "must": true}],
    "themes": ["dx", "traditional_craft"],
    "hours_per_month": {"min": 16, "max": 32}, "duration_months": 3,
    "work_style": "remote", "onsite_visits_per_month": 0,
    "meeting_slots": ["weekday_evening", "weekend"],
    "compensation_jpy": {"min": 50000, "max": 100000},
    "pro_bono": false, "headcount": 1, "apply_by": "2027-01-31"
}))]
pub struct NeedInput {
    /// Title, 1–200 characters.
    pub title: String,
    /// What the work is, 1–10000 characters.
    pub description: String,
    /// The outcome wanted, up to 2000 characters.
    #[serde(default)]
    pub goal: String,
    /// Role recruited for.
    pub role: Role,
    /// Hands-on or advisory.
    #[serde(default = "default_style")]
    pub style: Style,
    /// Skills asked for (at most 30, no repeats).
    #[serde(default)]
    pub skills: Vec<SkillRequirement>,
    /// Theme keys (at most 20).
    #[serde(default)]
    pub themes: Vec<String>,
    /// Monthly hours, `min` ≤ `max` ≤ 320.
    pub hours_per_month: HoursRange,
    /// Planned length in months, 1–36.
    #[serde(default = "default_duration")]
    #[schema(minimum = 1, maximum = 36)]
    pub duration_months: u16,
    /// Where the work happens.
    pub work_style: WorkStyle,
    /// On-site visits asked per month, 0–31; must be 0 for remote work.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 31)]
    pub onsite_visits_per_month: u8,
    /// When meetings can happen.
    #[serde(default)]
    pub meeting_slots: Vec<MeetingSlot>,
    /// Monthly budget; omitted or zero for pro bono needs.
    #[serde(default)]
    pub compensation_jpy: Option<MoneyRange>,
    /// Unpaid (プロボノ).
    #[serde(default)]
    pub pro_bono: bool,
    /// How many professionals are wanted, 1–50.
    #[serde(default = "default_headcount")]
    #[schema(minimum = 1, maximum = 50)]
    pub headcount: u16,
    /// Application deadline.
    #[serde(default)]
    pub apply_by: Option<NaiveDate>,
}

fn default_style() -> Style {
    Style::Either
}
fn default_duration() -> u16 {
    3
}
fn default_headcount() -> u16 {
    1
}

/// A partial update (PATCH /needs/{id}): only the fields sent change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub goal: Option<String>,
    pub role: Option<Role>,
    pub style: Option<Style>,
    pub skills: Option<Vec<SkillRequirement>>,
    pub themes: Option<Vec<String>>,
    pub hours_per_month: Option<HoursRange>,
    #[schema(minimum = 1, maximum = 36)]
    pub duration_months: Option<u16>,
    pub work_style: Option<WorkStyle>,
    #[schema(minimum = 0, maximum = 31)]
    pub onsite_visits_per_month: Option<u8>,
    pub meeting_slots: Option<Vec<MeetingSlot>>,
    pub compensation_jpy: Option<MoneyRange>,
    pub pro_bono: Option<bool>,
    #[schema(minimum = 1, maximum = 50)]
    pub headcount: Option<u16>,
    pub apply_by: Option<NaiveDate>,
}

/// A need that passed every rule, its skill and theme synonyms resolved to their keys
/// and its repeated meeting slots dropped. Only [`NeedInput::parse`] (or
/// [`NeedPatch::parse_onto`]) makes one, so storage never sees an unchecked need.
/// It reads as the [`NeedInput`] it was parsed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct NeedSpec(NeedInput);

impl std::ops::Deref for NeedSpec {
    type Target = NeedInput;

    fn deref(&self) -> &NeedInput {
        &self.0
    }
}

impl NeedSpec {
    /// The need as its input shape (what views show).
    pub fn into_input(self) -> NeedInput {
        self.0
    }
}

impl NeedPatch {
    /// The need this patch makes of `current`, parsed: a patch is held to every rule of
    /// the whole need it results in.
    pub fn parse_onto(self, current: NeedInput) -> Result<NeedSpec, FieldErrors> {
        current.patched(self).parse()
    }
}

impl NeedInput {
    /// Applies a patch on top of this need.
    fn patched(mut self, patch: NeedPatch) -> Self {
        macro_rules! take {
            ($($field:ident),+) => { $(if let Some(value) = patch.$field { self.$field = value; })+ };
        }
        take!(
            title,
            description,
            goal,
            role,
            style,
            skills,
            themes,
            hours_per_month,
            duration_months,
            work_style,
            onsite_visits_per_month,
            meeting_slots,
            pro_bono,
            headcount
        );
        if let Some(range) = patch.compensation_jpy {
            self.compensation_jpy = Some(range);
        }
        if let Some(date) = patch.apply_by {
            self.apply_by = Some(date);
        }
        self
    }

    /// Checks every rule, resolving skill and theme synonyms to their keys; the errors
    /// name every invalid field.
    pub fn parse(mut self) -> Result<NeedSpec, FieldErrors> {
        let mut errors = Errors::default();
        errors.line("title", &self.title, 1, 200);
        errors.lines("description", &self.description, 1, 10_000);
        errors.lines("goal", &self.goal, 0, 2_000);

        if self.skills.len() > 30 {
            errors.add("skills", "at most 30 skills");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, requirement) in self.skills.iter_mut().enumerate() {
            match taxonomy::resolve_skill(&requirement.skill) {
                Some(skill) => requirement.skill = skill.key.to_owned(),
                None => errors.add(
                    format!("skills[{i}].skill"),
                    format!(
                        "unknown skill {:?}; see GET /api/v1/taxonomy",
                        requirement.skill
                    ),
                ),
            }
            errors.range(
                &format!("skills[{i}].min_level"),
                requirement.min_level,
                1,
                5,
            );
            if !seen.insert(requirement.skill.clone()) {
                errors.add(format!("skills[{i}].skill"), "listed twice");
            }
        }
        self.themes = resolve_themes(&self.themes, &mut errors);

        let hours = self.hours_per_month;
        if hours.min == 0 {
            errors.add("hours_per_month.min", "must be at least 1");
        }
        if hours.min > hours.max {
            errors.add(
                "hours_per_month.min",
                "must not be greater than hours_per_month.max",
            );
        }
        if hours.max > MAX_HOURS_PER_MONTH {
            errors.add(
                "hours_per_month.max",
                format!("must be at most {MAX_HOURS_PER_MONTH}"),
            );
        }
        errors.range("duration_months", self.duration_months, 1, 36);
        errors.range(
            "onsite_visits_per_month",
            self.onsite_visits_per_month,
            0,
            31,
        );
        if self.work_style == WorkStyle::Remote && self.onsite_visits_per_month > 0 {
            errors.add(
                "onsite_visits_per_month",
                "must be 0 for remote work; use hybrid or onsite",
            );
        }
        dedup(&mut self.meeting_slots);
        match (self.pro_bono, self.compensation_jpy) {
            (false, None) => errors.add("compensation_jpy", "required unless pro_bono is true"),
            (_, Some(range)) if range.min > range.max => errors.add(
                "compensation_jpy.min",
                "must not be greater than compensation_jpy.max",
            ),
            (true, Some(range)) if range.max > 0 => errors.add(
                "compensation_jpy",
                "a pro bono need has no budget; omit it or set it to 0",
            ),
            _ => {}
        }
        errors.range("headcount", self.headcount, 1, 50);
        if errors.0.is_empty() {
            Ok(NeedSpec(self))
        } else {
            Err(errors.0)
        }
    }
}

/// Resolves theme keys or synonyms to keys, recording unknown ones.
pub fn resolve_themes(themes: &[String], errors: &mut Errors) -> Vec<String> {
    if themes.len() > 20 {
        errors.add("themes", "at most 20 themes");
    }
    let mut keys = Vec::with_capacity(themes.len());
    for (i, theme) in themes.iter().enumerate() {
        match taxonomy::resolve_theme(theme) {
            Some(found) if !keys.iter().any(|key: &String| key == found.key) => {
                keys.push(found.key.to_owned())
            }
            Some(_) => {}
            None => errors.add(
                format!("themes[{i}]"),
                format!("unknown theme {theme:?}; see GET /api/v1/taxonomy"),
            ),
        }
    }
    keys
}

/// Removes repeats, keeping the first of each.
pub fn dedup<T: PartialEq + Copy>(values: &mut Vec<T>) {
    let mut unique = Vec::with_capacity(values.len());
    for value in values.iter() {
        if !unique.contains(value) {
            unique.push(*value);
        }
    }
    *values = unique;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmo_post() -> NeedInput {
        crate::extract::parse_json(
            r#"{"title":"ECサイト立ち上げのCMO","description":"漆器の新しい販路","role":"cmo",
                "skills":[{"skill":"デジタルマーケティング","min_level":3,"must":true}],"themes":["dx"],
                "hours_per_month":{"min":16,"max":32},"work_style":"remote",
                "compensation_jpy":{"min":50000,"max":100000}}"#
                .as_bytes(),
        )
        .unwrap()
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_iter().map(|error| error.field).collect()
    }

    #[test]
    fn synonyms_are_stored_as_keys_and_defaults_apply() {
        let need = cmo_post().parse().unwrap();
        assert_eq!(need.skills[0].skill, "digital_marketing");
        assert_eq!(
            (need.headcount, need.duration_months, need.style),
            (1, 3, Style::Either)
        );
    }

    #[test]
    fn min_hours_above_max_names_the_min_field() {
        let mut need = cmo_post();
        need.hours_per_month = HoursRange { min: 40, max: 32 };
        assert_eq!(fields(need.parse().unwrap_err()), ["hours_per_month.min"]);
    }

    #[test]
    fn pro_bono_needs_have_no_budget() {
        let mut need = cmo_post();
        need.pro_bono = true;
        assert_eq!(
            fields(need.clone().parse().unwrap_err()),
            ["compensation_jpy"]
        );
        need.compensation_jpy = None;
        assert!(need.parse().is_ok());
    }

    #[test]
    fn unknown_skills_and_themes_are_named_by_index() {
        let mut need = cmo_post();
        need.skills[0].skill = "juggling".into();
        need.themes = vec!["dx".into(), "space_travel".into()];
        assert_eq!(
            fields(need.parse().unwrap_err()),
            ["skills[0].skill", "themes[1]"]
        );
    }

    #[test]
    fn a_patch_changes_only_what_it_sends() {
        let patch: NeedPatch = crate::extract::parse_json(br#"{"headcount":2}"#).unwrap();
        let need = patch.parse_onto(cmo_post()).unwrap();
        assert_eq!(need.headcount, 2);
        assert_eq!(need.title, "ECサイト立ち上げのCMO");
        assert_eq!(
            need.skills[0].skill, "digital_marketing",
            "parsed as a whole"
        );
    }

    #[test]
    fn a_patch_is_held_to_the_rules_of_the_need_it_makes() {
        let patch: NeedPatch =
            crate::extract::parse_json(br#"{"hours_per_month":{"min":40,"max":32}}"#).unwrap();
        assert_eq!(
            fields(patch.parse_onto(cmo_post()).unwrap_err()),
            ["hours_per_month.min"]
        );
    }
}
