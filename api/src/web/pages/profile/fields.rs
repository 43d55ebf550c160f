//! The profile form as typed: read from the posted pairs (rows of skills, roles and
//! ties are numbered fields, checkboxes repeat their name), written from a stored
//! profile, and turned into the [`ProfileInput`] the JSON API takes. What only the form
//! can get wrong (a number that is not one, a row half filled, a skill picked twice) is
//! found here; the profile's own rules are the domain's, and their errors are mapped
//! back to the field they concern by [`domain_error`].

use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::{
    domain::{
        enums::{MeetingSlot, Role, Style, TieKind, WorkStyle},
        error::FieldError,
        profile::{Place, ProfileInput, RoleExperience, SkillLevel, Tie},
    },
    web::{form::Errors, frame::Frame},
};

/// The most rows of a kind the form reads (the domain allows 50 skills and 20 ties).
pub const MAX_ROWS: usize = 60;

/// The numbered fields of the rows, in the order [`row_id`] indexes them. Longer
/// prefixes first, so `role_years_1` is not read as a `role_` field.
const ROW_PREFIXES: [&str; 8] = [
    "role_years",
    "role",
    "skill",
    "level",
    "years",
    "tie_prefecture",
    "tie_city",
    "tie_kind",
];

/// A kind of numbered field: its position in [`ROW_PREFIXES`].
#[derive(Debug, Clone, Copy)]
pub enum RowField {
    /// A role's years.
    RoleYears = 0,
    /// A role.
    Role = 1,
    /// A skill.
    Skill = 2,
    /// A skill's level.
    Level = 3,
    /// A skill's years.
    Years = 4,
    /// A tie's prefecture.
    TiePrefecture = 5,
    /// A tie's city.
    TieCity = 6,
    /// A tie's kind.
    TieKind = 7,
}

/// Every numbered field id, made once: a field's id is a `&'static str` (errors and
/// fields are keyed by it).
static ROW_IDS: LazyLock<Vec<Vec<String>>> = LazyLock::new(|| {
    ROW_PREFIXES
        .iter()
        .map(|prefix| (0..MAX_ROWS).map(|row| format!("{prefix}_{row}")).collect())
        .collect()
});

/// The id (and name) of the numbered field `field` of row `row` (below [`MAX_ROWS`]).
pub fn row_id(field: RowField, row: usize) -> &'static str {
    let ids: &'static Vec<Vec<String>> = &ROW_IDS;
    ids[field as usize]
        .get(row.min(MAX_ROWS - 1))
        .map_or("", String::as_str)
}

/// A skill row as typed.
#[derive(Debug, Clone, Default)]
pub struct SkillRow {
    /// The skill's key.
    pub skill: String,
    /// 1–5.
    pub level: String,
    /// Years of practice.
    pub years: String,
}

/// A role row as typed.
#[derive(Debug, Clone, Default)]
pub struct RoleRow {
    /// The role's code.
    pub role: String,
    /// Years in it.
    pub years: String,
}

/// A tie row as typed.
#[derive(Debug, Clone, Default)]
pub struct TieRow {
    /// The prefecture's name.
    pub prefecture: String,
    /// The city.
    pub city: String,
    /// The kind's code.
    pub kind: String,
}

/// The whole form as typed.
#[derive(Debug, Clone)]
pub struct Typed {
    /// One line.
    pub headline: String,
    /// Biography.
    pub bio: String,
    /// What they want to do.
    pub motivation: String,
    /// Skill rows.
    pub skills: Vec<SkillRow>,
    /// Role rows.
    pub roles: Vec<RoleRow>,
    /// Industry keys checked.
    pub industries: Vec<String>,
    /// Theme keys checked.
    pub themes: Vec<String>,
    /// Style code.
    pub style: String,
    /// Hours a month.
    pub hours_per_month: String,
    /// `YYYY-MM-DD`, or empty.
    pub available_from: String,
    /// Engagements at once.
    pub max_engagements: String,
    /// Work style code.
    pub work_style: String,
    /// Visits a month.
    pub visits: String,
    /// Home prefecture.
    pub home_prefecture: String,
    /// Home city.
    pub home_city: String,
    /// Tie rows.
    pub ties: Vec<TieRow>,
    /// Meeting slot codes checked.
    pub meeting_slots: Vec<String>,
    /// Lowest fee a month.
    pub min_compensation: String,
    /// Will work unpaid.
    pub pro_bono_ok: bool,
    /// Listed.
    pub active: bool,
}

impl Default for Typed {
    /// A new profile's form: the domain's defaults filled in.
    fn default() -> Self {
        Self {
            headline: String::new(),
            bio: String::new(),
            motivation: String::new(),
            skills: Vec::new(),
            roles: Vec::new(),
            industries: Vec::new(),
            themes: Vec::new(),
            style: Style::Either.as_str().to_owned(),
            hours_per_month: String::new(),
            available_from: String::new(),
            max_engagements: "1".to_owned(),
            work_style: String::new(),
            visits: "0".to_owned(),
            home_prefecture: String::new(),
            home_city: String::new(),
            ties: Vec::new(),
            meeting_slots: Vec::new(),
            min_compensation: "0".to_owned(),
            pro_bono_ok: false,
            active: true,
        }
    }
}

fn row<T: Default>(rows: &mut Vec<T>, index: usize) -> &mut T {
    if rows.len() <= index {
        rows.resize_with(index + 1, T::default);
    }
    &mut rows[index]
}

impl Typed {
    /// The form as posted; unknown names (the CSRF token among them) are ignored.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut typed = Self {
            max_engagements: String::new(),
            visits: String::new(),
            min_compensation: String::new(),
            style: String::new(),
            active: false,
            ..Self::default()
        };
        for (name, value) in pairs {
            match name.as_str() {
                "headline" => typed.headline = value,
                "bio" => typed.bio = value,
                "motivation" => typed.motivation = value,
                "industry" => typed.industries.push(value),
                "theme" => typed.themes.push(value),
                "style" => typed.style = value,
                "hours_per_month" => typed.hours_per_month = value,
                "available_from" => typed.available_from = value,
                "max_engagements" => typed.max_engagements = value,
                "work_style" => typed.work_style = value,
                "max_onsite_visits_per_month" => typed.visits = value,
                "home_prefecture" => typed.home_prefecture = value,
                "home_city" => typed.home_city = value,
                "meeting_slot" => typed.meeting_slots.push(value),
                "min_compensation_jpy" => typed.min_compensation = value,
                "pro_bono_ok" => typed.pro_bono_ok = true,
                "active" => typed.active = true,
                _ => typed.set_row_field(&name, value),
            }
        }
        typed
    }

    fn set_row_field(&mut self, name: &str, value: String) {
        let Some((kind, index)) = ROW_PREFIXES.iter().enumerate().find_map(|(kind, prefix)| {
            let index = name.strip_prefix(prefix)?.strip_prefix('_')?;
            Some((kind, index.parse::<usize>().ok()?))
        }) else {
            return;
        };
        if index >= MAX_ROWS {
            return;
        }
        match kind {
            0 => row(&mut self.roles, index).years = value,
            1 => row(&mut self.roles, index).role = value,
            2 => row(&mut self.skills, index).skill = value,
            3 => row(&mut self.skills, index).level = value,
            4 => row(&mut self.skills, index).years = value,
            5 => row(&mut self.ties, index).prefecture = value,
            6 => row(&mut self.ties, index).city = value,
            _ => row(&mut self.ties, index).kind = value,
        }
    }

    /// The form of a stored profile.
    pub fn from_input(input: &ProfileInput) -> Self {
        Self {
            headline: input.headline.clone(),
            bio: input.bio.clone(),
            motivation: input.motivation.clone(),
            skills: input
                .skills
                .iter()
                .map(|skill| SkillRow {
                    skill: skill.skill.clone(),
                    level: skill.level.to_string(),
                    years: skill.years.to_string(),
                })
                .collect(),
            roles: input
                .roles
                .iter()
                .map(|role| RoleRow {
                    role: role.role.as_str().to_owned(),
                    years: role.years.to_string(),
                })
                .collect(),
            industries: input.industries.clone(),
            themes: input.themes.clone(),
            style: input.style.as_str().to_owned(),
            hours_per_month: input.hours_per_month.to_string(),
            available_from: input
                .available_from
                .map(|day| day.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            max_engagements: input.max_engagements.to_string(),
            work_style: input.work_style.as_str().to_owned(),
            visits: input.max_onsite_visits_per_month.to_string(),
            home_prefecture: input.home.prefecture.clone(),
            home_city: input.home.city.clone(),
            ties: input
                .ties
                .iter()
                .map(|tie| TieRow {
                    prefecture: tie.prefecture.clone(),
                    city: tie.city.clone(),
                    kind: tie.kind.as_str().to_owned(),
                })
                .collect(),
            meeting_slots: input
                .meeting_slots
                .iter()
                .map(|slot| slot.as_str().to_owned())
                .collect(),
            min_compensation: input.min_compensation_jpy.to_string(),
            pro_bono_ok: input.pro_bono_ok,
            active: input.active,
        }
    }

    /// With `extra` empty rows of skills, and of roles and ties (as far as the form
    /// reads).
    pub fn with_empty_rows(mut self, skills: usize, others: usize) -> Self {
        let grow = |len: usize, extra: usize| (len + extra).min(MAX_ROWS);
        self.skills
            .resize_with(grow(self.skills.len(), skills), SkillRow::default);
        self.roles
            .resize_with(grow(self.roles.len(), others), RoleRow::default);
        self.ties
            .resize_with(grow(self.ties.len(), others), TieRow::default);
        self
    }
}

/// Where the rows sent to the domain came from: `skills[i]` of the input is row
/// `skills[i]` of the form.
#[derive(Debug, Default)]
pub struct RowMap {
    skills: Vec<usize>,
    roles: Vec<usize>,
    ties: Vec<usize>,
}

/// A number typed in a field: spaces and thousands separators are allowed.
fn number<T: std::str::FromStr>(text: &str) -> Option<T> {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, ',' | '，'))
        .collect();
    // Full-width digits (１６) are read as the digits they are.
    let digits: String = digits
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect();
    digits.parse().ok()
}

/// A number that may be left empty (then `default`).
fn number_or<T: std::str::FromStr>(
    text: &str,
    default: T,
    field: &'static str,
    message: &str,
    errors: &mut Errors,
) -> T {
    if text.trim().is_empty() {
        return default;
    }
    number(text).unwrap_or_else(|| {
        errors.add(field, message);
        default
    })
}

fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// The input the JSON API would get for this form, with what the form itself got wrong
/// in `errors` (beside the field) and where each row came from.
pub fn to_input(frame: &Frame, typed: &Typed, errors: &mut Errors) -> (ProfileInput, RowMap) {
    let mut rows = RowMap::default();
    let mut skills = Vec::new();
    for (at, row) in typed.skills.iter().enumerate().take(MAX_ROWS) {
        if is_blank(&row.skill) && is_blank(&row.level) && is_blank(&row.years) {
            continue;
        }
        if is_blank(&row.skill) {
            errors.add(
                row_id(RowField::Skill, at),
                frame.msg("profile.skill.missing"),
            );
            continue;
        }
        if skills
            .iter()
            .any(|skill: &SkillLevel| skill.skill == row.skill.trim())
        {
            errors.add(
                row_id(RowField::Skill, at),
                frame.msg("profile.skill.twice"),
            );
            continue;
        }
        let level = if is_blank(&row.level) {
            errors.add(
                row_id(RowField::Level, at),
                frame.msg("profile.level.missing"),
            );
            1
        } else {
            number(&row.level).unwrap_or_else(|| {
                errors.add(
                    row_id(RowField::Level, at),
                    frame.msg("profile.level.missing"),
                );
                1
            })
        };
        let years = number_or(
            &row.years,
            0,
            row_id(RowField::Years, at),
            frame.msg("profile.years.invalid"),
            errors,
        );
        skills.push(SkillLevel {
            skill: row.skill.trim().to_owned(),
            level,
            years,
        });
        rows.skills.push(at);
    }
    let mut roles = Vec::new();
    for (at, row) in typed.roles.iter().enumerate().take(MAX_ROWS) {
        if is_blank(&row.role) && is_blank(&row.years) {
            continue;
        }
        let Some(role) = Role::parse(row.role.trim()) else {
            errors.add(
                row_id(RowField::Role, at),
                frame.msg("profile.role.missing"),
            );
            continue;
        };
        let years = number_or(
            &row.years,
            0,
            row_id(RowField::RoleYears, at),
            frame.msg("profile.years.invalid"),
            errors,
        );
        roles.push(RoleExperience { role, years });
        rows.roles.push(at);
    }
    let mut ties = Vec::new();
    for (at, row) in typed.ties.iter().enumerate().take(MAX_ROWS) {
        if is_blank(&row.prefecture) && is_blank(&row.city) && is_blank(&row.kind) {
            continue;
        }
        if is_blank(&row.prefecture) {
            errors.add(
                row_id(RowField::TiePrefecture, at),
                frame.msg("profile.prefecture.missing"),
            );
        }
        let Some(kind) = TieKind::parse(row.kind.trim()) else {
            errors.add(
                row_id(RowField::TieKind, at),
                frame.msg("profile.tie_kind.missing"),
            );
            continue;
        };
        ties.push(Tie {
            prefecture: row.prefecture.trim().to_owned(),
            city: row.city.trim().to_owned(),
            kind,
        });
        rows.ties.push(at);
    }
    if is_blank(&typed.hours_per_month) {
        errors.add("hours_per_month", frame.msg("profile.hours.missing"));
    }
    let hours_per_month = number_or(
        &typed.hours_per_month,
        0,
        "hours_per_month",
        frame.msg("profile.hours.invalid"),
        errors,
    );
    let available_from = if is_blank(&typed.available_from) {
        None
    } else {
        let day = NaiveDate::parse_from_str(typed.available_from.trim(), "%Y-%m-%d").ok();
        if day.is_none() {
            errors.add(
                "available_from",
                frame.msg("profile.available_from.invalid"),
            );
        }
        day
    };
    let work_style = WorkStyle::parse(typed.work_style.trim()).unwrap_or_else(|| {
        errors.add("work_style", frame.msg("profile.work_style.missing"));
        WorkStyle::Remote
    });
    if is_blank(&typed.home_prefecture) {
        errors.add("home_prefecture", frame.msg("profile.prefecture.missing"));
    }
    let input = ProfileInput {
        headline: typed.headline.clone(),
        bio: typed.bio.clone(),
        motivation: typed.motivation.clone(),
        skills,
        roles,
        industries: typed.industries.clone(),
        themes: typed.themes.clone(),
        style: Style::parse(typed.style.trim()).unwrap_or(Style::Either),
        hours_per_month,
        available_from,
        max_engagements: number_or(
            &typed.max_engagements,
            1,
            "max_engagements",
            frame.msg("profile.max_engagements.invalid"),
            errors,
        ),
        work_style,
        max_onsite_visits_per_month: number_or(
            &typed.visits,
            0,
            "max_onsite_visits_per_month",
            frame.msg("profile.visits.invalid"),
            errors,
        ),
        home: Place {
            prefecture: typed.home_prefecture.trim().to_owned(),
            city: typed.home_city.trim().to_owned(),
        },
        ties,
        meeting_slots: typed
            .meeting_slots
            .iter()
            .filter_map(|slot| MeetingSlot::parse(slot))
            .collect(),
        min_compensation_jpy: number_or(
            &typed.min_compensation,
            0,
            "min_compensation_jpy",
            frame.msg("profile.min_compensation.invalid"),
            errors,
        ),
        pro_bono_ok: typed.pro_bono_ok,
        active: typed.active,
    };
    (input, rows)
}

/// `skills[3].level` → `(3, "level")`.
fn indexed<'a>(field: &'a str, list: &str) -> Option<(usize, &'a str)> {
    let rest = field.strip_prefix(list)?.strip_prefix('[')?;
    let (index, rest) = rest.split_once(']')?;
    Some((index.parse().ok()?, rest.trim_start_matches('.')))
}

/// The page field and message key of an error the domain found in the input
/// [`to_input`] made.
pub fn domain_error(rows: &RowMap, error: &FieldError) -> (&'static str, &'static str) {
    let field = error.field.as_str();
    let row = |list: &[usize], index: usize| list.get(index).copied().unwrap_or(0);
    if let Some((index, part)) = indexed(field, "skills") {
        let at = row(&rows.skills, index);
        return match part {
            "level" => (row_id(RowField::Level, at), "profile.level.missing"),
            "years" => (row_id(RowField::Years, at), "profile.years.invalid"),
            _ => (row_id(RowField::Skill, at), "profile.skill.unknown"),
        };
    }
    if let Some((index, _)) = indexed(field, "roles") {
        let at = row(&rows.roles, index);
        return (row_id(RowField::RoleYears, at), "profile.years.invalid");
    }
    if let Some((index, part)) = indexed(field, "ties") {
        let at = row(&rows.ties, index);
        return match part {
            "city" => (row_id(RowField::TieCity, at), "profile.city.invalid"),
            _ => (
                row_id(RowField::TiePrefecture, at),
                "profile.prefecture.missing",
            ),
        };
    }
    match field {
        "headline" => ("headline", "profile.headline.invalid"),
        "bio" => ("bio", "profile.bio.invalid"),
        "motivation" => ("motivation", "profile.motivation.invalid"),
        "skills" => ("skills", "profile.skills.too_many"),
        "hours_per_month" => ("hours_per_month", "profile.hours.invalid"),
        "max_engagements" => ("max_engagements", "profile.max_engagements.invalid"),
        "max_onsite_visits_per_month" => ("max_onsite_visits_per_month", "profile.visits.invalid"),
        "home.prefecture" => ("home_prefecture", "profile.prefecture.missing"),
        "home.city" => ("home_city", "profile.city.invalid"),
        "ties" => ("ties", "profile.ties.too_many"),
        other if other.starts_with("industries") => ("industries", "profile.choice.invalid"),
        other if other.starts_with("themes") => ("themes", "profile.choice.invalid"),
        _ => ("headline", "profile.invalid"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn numbered_fields_fill_their_rows_and_longer_prefixes_win() {
        let typed = Typed::from_pairs(pairs(&[
            ("skill_2", "seo"),
            ("level_2", "4"),
            ("role_years_0", "3"),
            ("role_0", "cmo"),
            ("tie_city_1", "塩尻市"),
            ("skill_99", "ignored"),
            ("meeting_slot", "weekend"),
            ("meeting_slot", "weekday_evening"),
            ("pro_bono_ok", "on"),
        ]));
        assert_eq!(typed.skills.len(), 3);
        assert_eq!(typed.skills[2].skill, "seo");
        assert_eq!(typed.skills[2].level, "4");
        assert_eq!(typed.roles[0].role, "cmo");
        assert_eq!(typed.roles[0].years, "3");
        assert_eq!(typed.ties[1].city, "塩尻市");
        assert_eq!(typed.meeting_slots, ["weekend", "weekday_evening"]);
        assert!(typed.pro_bono_ok && !typed.active);
        assert_eq!(row_id(RowField::RoleYears, 0), "role_years_0");
        assert_eq!(row_id(RowField::TieKind, 59), "tie_kind_59");
    }

    #[test]
    fn numbers_may_have_separators_and_full_width_digits() {
        assert_eq!(number::<u32>("30,000"), Some(30_000));
        assert_eq!(number::<u16>("１６"), Some(16));
        assert_eq!(number::<u16>("sixteen"), None);
        assert_eq!(indexed("skills[3].level", "skills"), Some((3, "level")));
        assert_eq!(indexed("ties[0]", "ties"), Some((0, "")));
        assert_eq!(indexed("headline", "skills"), None);
    }
}
