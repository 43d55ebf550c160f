//! Profiles (複業人材): the request DTO, its rules, and the parsed [`ProfileSpec`]. (The
//! pseudonymous display line is the matcher's `display`, through `crate::scoring::display`.)

use chrono::NaiveDate;
use musubi_matcher::taxonomy;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    enums::{MeetingSlot, Role, Style, TieKind, WorkStyle},
    error::FieldErrors,
    need::{MAX_HOURS_PER_MONTH, dedup, resolve_themes},
    text::Errors,
};

/// A skill a professional has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillLevel {
    /// Taxonomy key; a label or synonym is accepted and stored as its key.
    pub skill: String,
    /// Self-assessed level, 1–5.
    #[schema(minimum = 1, maximum = 5)]
    pub level: u8,
    /// Years of practice, 0–60.
    #[serde(default)]
    pub years: u8,
}

/// A role held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleExperience {
    /// The role.
    pub role: Role,
    /// Years in it, 0–60.
    #[serde(default)]
    pub years: u8,
}

/// A place: prefecture and city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// Prefecture, e.g. `東京都` (short forms and romaji are accepted and stored in full).
    pub prefecture: String,
    /// City or ward, e.g. `世田谷区`.
    #[serde(default)]
    pub city: String,
}

/// A tie to a place (関係人口).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tie {
    /// Prefecture.
    pub prefecture: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// What kind of tie.
    pub kind: TieKind,
}

/// A profile as written (PUT /profiles/me) and as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "headline": "元大手メーカーのマーケター。週末に地方企業のEC支援",
    "bio": "メーカーで10年、EC立ち上げを3回。",
    "motivation": "生まれ育った長野の伝統工芸を次の世代につなぎたい",
    "skills": [{"skill": "digital_marketing", "level": 4, "years": 8}],
    "roles": [{"role": "cmo", "years": 2}],
    "industries": ["manufacturing", "retail"],
    "themes": ["traditional_craft", "regional_revitalization"],
    "style": "either", "hours_per_month": 24, "available_from": "2027-01-01",
    "max_engagements": 1, "work_style": "hybrid", "max_onsite_visits_per_month": 1,
    "home": {"prefecture": "東京都", "city": "世田谷区"},
    "ties": [{"prefecture": "長野県", "city": "塩尻市", "kind": "hometown"}],
    "meeting_slots": ["weekday_evening", "weekend"],
    "min_compensation_jpy": 30000, "pro_bono_ok": true
}))]
pub struct ProfileInput {
    /// One line, 1–200 characters.
    pub headline: String,
    /// Biography, up to 10000 characters (never shown to an SME before an introduction).
    #[serde(default)]
    pub bio: String,
    /// What they want to do (canよりwant), up to 4000 characters.
    #[serde(default)]
    pub motivation: String,
    /// Skills (at most 50, no repeats).
    #[serde(default)]
    pub skills: Vec<SkillLevel>,
    /// Roles held.
    #[serde(default)]
    pub roles: Vec<RoleExperience>,
    /// Industry keys.
    #[serde(default)]
    pub industries: Vec<String>,
    /// Theme keys.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Hands-on or advisory.
    #[serde(default = "either")]
    pub style: Style,
    /// Hours offered a month, 1–320.
    pub hours_per_month: u16,
    /// First day available.
    #[serde(default)]
    pub available_from: Option<NaiveDate>,
    /// Most engagements at once, 1–10.
    #[serde(default = "one")]
    pub max_engagements: u8,
    /// Where they prefer to work.
    pub work_style: WorkStyle,
    /// Most on-site visits a month, 0–31.
    #[serde(default)]
    pub max_onsite_visits_per_month: u8,
    /// Where they live.
    pub home: Place,
    /// Ties to places (at most 20).
    #[serde(default)]
    pub ties: Vec<Tie>,
    /// When meetings can happen.
    #[serde(default)]
    pub meeting_slots: Vec<MeetingSlot>,
    /// Lowest paid fee a month, JPY.
    #[serde(default)]
    pub min_compensation_jpy: u32,
    /// Will work unpaid.
    #[serde(default)]
    pub pro_bono_ok: bool,
    /// Whether the profile is listed (rankings skip inactive profiles).
    #[serde(default = "yes")]
    pub active: bool,
}

fn either() -> Style {
    Style::Either
}
fn one() -> u8 {
    1
}
fn yes() -> bool {
    true
}

fn resolve_prefecture(field: &str, name: &mut String, errors: &mut Errors) {
    match taxonomy::prefecture(name) {
        Some(prefecture) => *name = prefecture.ja.to_owned(),
        None => errors.add(
            field,
            format!("unknown prefecture {name:?}; use e.g. 長野県"),
        ),
    }
}

/// A profile that passed every rule, its skill, industry and theme keys and prefecture
/// names canonical. Only [`ProfileInput::parse`] makes one, so only a parsed profile can
/// be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileSpec(ProfileInput);

impl ProfileSpec {
    /// The profile's fields.
    pub fn input(&self) -> &ProfileInput {
        &self.0
    }

    /// The profile's fields, by value.
    pub fn into_input(self) -> ProfileInput {
        self.0
    }
}

impl ProfileInput {
    /// Checks every rule and canonicalises keys and prefecture names; every invalid
    /// field is named.
    pub fn parse(mut self) -> Result<ProfileSpec, FieldErrors> {
        let mut errors = Errors::default();
        errors.line("headline", &self.headline, 1, 200);
        errors.lines("bio", &self.bio, 0, 10_000);
        errors.lines("motivation", &self.motivation, 0, 4_000);
        if self.skills.len() > 50 {
            errors.add("skills", "at most 50 skills");
        }
        let mut seen = std::collections::HashSet::new();
        for (i, skill) in self.skills.iter_mut().enumerate() {
            match taxonomy::resolve_skill(&skill.skill) {
                Some(found) => skill.skill = found.key.to_owned(),
                None => errors.add(
                    format!("skills[{i}].skill"),
                    format!("unknown skill {:?}; see GET /api/v1/taxonomy", skill.skill),
                ),
            }
            errors.range(&format!("skills[{i}].level"), skill.level, 1, 5);
            errors.range(&format!("skills[{i}].years"), skill.years, 0, 60);
            if !seen.insert(skill.skill.clone()) {
                errors.add(format!("skills[{i}].skill"), "listed twice");
            }
        }
        for (i, role) in self.roles.iter().enumerate() {
            errors.range(&format!("roles[{i}].years"), role.years, 0, 60);
        }
        if self.industries.len() > 20 {
            errors.add("industries", "at most 20 industries");
        }
        for (i, industry) in self.industries.iter_mut().enumerate() {
            match taxonomy::resolve_industry(industry) {
                Some(found) => *industry = found.key.to_owned(),
                None => errors.add(
                    format!("industries[{i}]"),
                    format!("unknown industry {industry:?}; see GET /api/v1/taxonomy"),
                ),
            }
        }
        self.themes = resolve_themes(&self.themes, &mut errors);
        errors.range(
            "hours_per_month",
            self.hours_per_month,
            1,
            MAX_HOURS_PER_MONTH,
        );
        errors.range("max_engagements", self.max_engagements, 1, 10);
        errors.range(
            "max_onsite_visits_per_month",
            self.max_onsite_visits_per_month,
            0,
            31,
        );
        resolve_prefecture("home.prefecture", &mut self.home.prefecture, &mut errors);
        errors.line("home.city", &self.home.city, 0, 100);
        if self.ties.len() > 20 {
            errors.add("ties", "at most 20 ties");
        }
        for (i, tie) in self.ties.iter_mut().enumerate() {
            resolve_prefecture(
                &format!("ties[{i}].prefecture"),
                &mut tie.prefecture,
                &mut errors,
            );
            errors.line(&format!("ties[{i}].city"), &tie.city, 0, 100);
        }
        dedup(&mut self.meeting_slots);
        errors.finish()?;
        Ok(ProfileSpec(self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> ProfileInput {
        crate::extract::parse_json(
            r#"{"headline":"マーケター","skills":[{"skill":"Digital Marketing","level":4,"years":8}],
                "hours_per_month":24,"work_style":"hybrid","home":{"prefecture":"東京","city":"世田谷区"},
                "ties":[{"prefecture":"Nagano","city":"塩尻市","kind":"hometown"}]}"#
                .as_bytes(),
        )
        .unwrap()
    }

    #[test]
    fn prefectures_and_skills_are_canonicalised() {
        let profile = profile().parse().unwrap().into_input();
        assert_eq!(profile.home.prefecture, "東京都");
        assert_eq!(profile.ties[0].prefecture, "長野県");
        assert_eq!(profile.skills[0].skill, "digital_marketing");
        assert!(profile.active);
    }

    #[test]
    fn an_unknown_prefecture_is_named() {
        let mut profile = profile();
        profile.ties[0].prefecture = "アトランティス".into();
        let errors = profile.parse().unwrap_err();
        assert_eq!(errors[0].field, "ties[0].prefecture");
    }
}
