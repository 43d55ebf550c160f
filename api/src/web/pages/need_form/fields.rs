//! The 仕様書 form's fields: what was typed (read from the form's pairs, or from a need
//! being edited), the [`NeedInput`] the JSON API would get for it, and where each
//! error of the domain's rules is shown (the API names `hours_per_month.min`; the page
//! shows it beside 「最少時間」).

use chrono::NaiveDate;

use crate::domain::{
    enums::{MeetingSlot, Role, Style, WorkStyle},
    error::FieldError,
    need::{HoursRange, MoneyRange, NeedInput, SkillRequirement},
    need_draft::NeedDraft,
};
use crate::web::{form::Errors, frame::Frame};

/// Skill rows a new need's form offers.
pub const EMPTY_ROWS: usize = 5;

/// Most skill rows (the API takes at most 30 skills).
pub const MAX_ROWS: usize = 30;

macro_rules! row_ids {
    ($prefix:literal) => {
        [
            concat!($prefix, 0),
            concat!($prefix, 1),
            concat!($prefix, 2),
            concat!($prefix, 3),
            concat!($prefix, 4),
            concat!($prefix, 5),
            concat!($prefix, 6),
            concat!($prefix, 7),
            concat!($prefix, 8),
            concat!($prefix, 9),
            concat!($prefix, 10),
            concat!($prefix, 11),
            concat!($prefix, 12),
            concat!($prefix, 13),
            concat!($prefix, 14),
            concat!($prefix, 15),
            concat!($prefix, 16),
            concat!($prefix, 17),
            concat!($prefix, 18),
            concat!($prefix, 19),
            concat!($prefix, 20),
            concat!($prefix, 21),
            concat!($prefix, 22),
            concat!($prefix, 23),
            concat!($prefix, 24),
            concat!($prefix, 25),
            concat!($prefix, 26),
            concat!($prefix, 27),
            concat!($prefix, 28),
            concat!($prefix, 29),
        ]
    };
}

/// The ids (and names) of each skill row's fields: errors are keyed by them.
pub const SKILL_IDS: [&str; MAX_ROWS] = row_ids!("skill_");
/// The level of each row.
pub const LEVEL_IDS: [&str; MAX_ROWS] = row_ids!("level_");
/// Whether each row's skill is a must.
pub const MUST_IDS: [&str; MAX_ROWS] = row_ids!("must_");

/// One skill row as typed.
#[derive(Debug, Clone, Default)]
pub struct SkillRow {
    /// The taxonomy key chosen (empty: an unused row).
    pub skill: String,
    /// `1`–`5`.
    pub level: String,
    /// Must-have rather than nice-to-have.
    pub must: bool,
}

/// What the form sends, and, shown again, what was typed.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub title: String,
    pub description: String,
    pub goal: String,
    pub role: String,
    pub style: String,
    pub skills: Vec<SkillRow>,
    pub hours_min: String,
    pub hours_max: String,
    pub duration_months: String,
    pub work_style: String,
    pub visits: String,
    pub meeting_slots: Vec<String>,
    /// `paid` or `pro_bono`.
    pub pay: String,
    pub pay_min: String,
    pub pay_max: String,
    pub headcount: String,
    pub apply_by: String,
    pub themes: Vec<String>,
}

impl Typed {
    /// A new need's form: the defaults the API would apply, shown.
    pub fn blank() -> Self {
        Self {
            style: Style::Either.as_str().to_owned(),
            duration_months: "3".to_owned(),
            visits: "0".to_owned(),
            headcount: "1".to_owned(),
            skills: vec![SkillRow::default(); EMPTY_ROWS],
            ..Self::default()
        }
    }

    /// The form of a need as it is, with two empty skill rows more (at least five).
    pub fn of(spec: &NeedInput) -> Self {
        let mut skills: Vec<SkillRow> = spec
            .skills
            .iter()
            .map(|skill| SkillRow {
                skill: skill.skill.clone(),
                level: skill.min_level.to_string(),
                must: skill.must,
            })
            .collect();
        let rows = (skills.len() + 2).clamp(EMPTY_ROWS, MAX_ROWS);
        skills.resize(rows.max(skills.len()), SkillRow::default());
        let paid = spec
            .compensation_jpy
            .filter(|range| range.max > 0 || !spec.pro_bono);
        Self {
            title: spec.title.clone(),
            description: spec.description.clone(),
            goal: spec.goal.clone(),
            role: spec.role.as_str().to_owned(),
            style: spec.style.as_str().to_owned(),
            skills,
            hours_min: spec.hours_per_month.min.to_string(),
            hours_max: spec.hours_per_month.max.to_string(),
            duration_months: spec.duration_months.to_string(),
            work_style: spec.work_style.as_str().to_owned(),
            visits: spec.onsite_visits_per_month.to_string(),
            meeting_slots: spec
                .meeting_slots
                .iter()
                .map(|slot| slot.as_str().to_owned())
                .collect(),
            pay: if spec.pro_bono { "pro_bono" } else { "paid" }.to_owned(),
            pay_min: paid.map(|range| range.min.to_string()).unwrap_or_default(),
            pay_max: paid.map(|range| range.max.to_string()).unwrap_or_default(),
            headcount: spec.headcount.to_string(),
            apply_by: spec
                .apply_by
                .map(|date| date.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            themes: spec.themes.clone(),
        }
    }

    /// Reads the form's pairs (checkboxes repeat their name; skill rows are numbered).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut typed = Self::default();
        for (name, value) in pairs {
            if let Some((kind, row)) = row_field(&name) {
                if typed.skills.len() <= row {
                    typed.skills.resize(row + 1, SkillRow::default());
                }
                let line = &mut typed.skills[row];
                match kind {
                    RowField::Skill => line.skill = value,
                    RowField::Level => line.level = value,
                    RowField::Must => line.must = !value.is_empty(),
                }
                continue;
            }
            let slot = match name.as_str() {
                "title" => &mut typed.title,
                "description" => &mut typed.description,
                "goal" => &mut typed.goal,
                "role" => &mut typed.role,
                "style" => &mut typed.style,
                "hours_min" => &mut typed.hours_min,
                "hours_max" => &mut typed.hours_max,
                "duration_months" => &mut typed.duration_months,
                "work_style" => &mut typed.work_style,
                "visits" => &mut typed.visits,
                "pay" => &mut typed.pay,
                "pay_min" => &mut typed.pay_min,
                "pay_max" => &mut typed.pay_max,
                "headcount" => &mut typed.headcount,
                "apply_by" => &mut typed.apply_by,
                "meeting_slots" => {
                    typed.meeting_slots.push(value);
                    continue;
                }
                "themes" => {
                    typed.themes.push(value);
                    continue;
                }
                // The token, and anything a browser should not have sent.
                _ => continue,
            };
            *slot = value;
        }
        if typed.skills.len() < EMPTY_ROWS {
            typed.skills.resize(EMPTY_ROWS, SkillRow::default());
        }
        typed
    }

    /// The need the JSON API would get for this form, with the skill row of each of
    /// its skills; what the form itself gets wrong (a number that is not one, a choice
    /// not made) goes into `errors` beside its field.
    pub fn to_input(&self, frame: &Frame, errors: &mut Errors) -> (NeedInput, Vec<usize>) {
        let role = Role::parse(self.role.trim());
        if role.is_none() {
            errors.add("role", frame.msg("needform.role.missing"));
        }
        // Without a work style, read the need as on-site so no rule of remote work fires
        // on the visits beside it.
        let work_style = WorkStyle::parse(self.work_style.trim());
        if work_style.is_none() {
            errors.add("work_style", frame.msg("needform.work_style.missing"));
        }
        let style = Style::parse(self.style.trim()).unwrap_or(Style::Either);
        let hours_min = read(frame, errors, "hours_min", &self.hours_min, None);
        let hours_max = read(frame, errors, "hours_max", &self.hours_max, None);
        let duration = read(
            frame,
            errors,
            "duration_months",
            &self.duration_months,
            Some(3),
        );
        let visits = read(frame, errors, "visits", &self.visits, Some(0));
        let headcount = read(frame, errors, "headcount", &self.headcount, Some(1));
        let (pro_bono, compensation) = match self.pay.as_str() {
            "pro_bono" => (true, None),
            "paid" => {
                let min = read(frame, errors, "pay_min", &self.pay_min, None);
                let max = read(frame, errors, "pay_max", &self.pay_max, None);
                (false, Some(MoneyRange { min, max }))
            }
            _ => {
                errors.add("pay", frame.msg("needform.pay.missing"));
                (true, None)
            }
        };
        let mut skills = Vec::new();
        let mut rows = Vec::new();
        for (row, line) in self.skills.iter().enumerate().take(MAX_ROWS) {
            if line.skill.trim().is_empty() {
                continue;
            }
            let level = match line.level.trim().parse::<u8>() {
                Ok(level) => level,
                Err(_) => {
                    errors.add(LEVEL_IDS[row], frame.msg("needform.level.invalid"));
                    1
                }
            };
            skills.push(SkillRequirement {
                skill: line.skill.trim().to_owned(),
                min_level: level,
                must: line.must,
            });
            rows.push(row);
        }
        let meeting_slots = self
            .meeting_slots
            .iter()
            .filter_map(|slot| MeetingSlot::parse(slot.trim()))
            .collect();
        let apply_by = match self.apply_by.trim() {
            "" => None,
            text => {
                let date = NaiveDate::parse_from_str(&text.replace('/', "-"), "%Y-%m-%d");
                if date.is_err() {
                    errors.add("apply_by", frame.msg("needform.apply_by.invalid"));
                }
                date.ok()
            }
        };
        // Numbers that do not fit their type are out of every range the rules allow.
        let small = |value: u32| u16::try_from(value).unwrap_or(u16::MAX);
        let input = NeedInput {
            title: self.title.clone(),
            description: self.description.clone(),
            goal: self.goal.clone(),
            role: role.unwrap_or(Role::Other),
            style,
            skills,
            themes: self
                .themes
                .iter()
                .map(|theme| theme.trim().to_owned())
                .collect(),
            hours_per_month: HoursRange {
                min: small(hours_min),
                max: small(hours_max),
            },
            duration_months: small(duration),
            work_style: work_style.unwrap_or(WorkStyle::Onsite),
            onsite_visits_per_month: u8::try_from(visits).unwrap_or(u8::MAX),
            meeting_slots,
            compensation_jpy: compensation,
            pro_bono,
            headcount: small(headcount),
            apply_by,
        };
        (input, rows)
    }

    /// The need as far as it is typed, for the pool preview: what is empty or not yet
    /// a number is not written (it constrains nobody, see
    /// [`NeedDraft`](crate::domain::need_draft::NeedDraft)).
    pub fn to_draft(&self) -> NeedDraft {
        let text = |value: &str| Some(value.to_owned()).filter(|value| !value.trim().is_empty());
        let small = |value: u32| u16::try_from(value).ok();
        let hours = match (number(&self.hours_min), number(&self.hours_max)) {
            (None, None) => None,
            (min, max) => {
                let min = min.and_then(small).unwrap_or(0);
                let max = max.and_then(small).unwrap_or(min).max(min);
                Some(HoursRange { min, max })
            }
        };
        let (pro_bono, compensation) = match self.pay.as_str() {
            "pro_bono" => (Some(true), None),
            "paid" => (
                Some(false),
                number(&self.pay_max).map(|max| MoneyRange {
                    min: number(&self.pay_min).unwrap_or(0).min(max),
                    max,
                }),
            ),
            _ => (None, None),
        };
        let skills: Vec<SkillRequirement> = self
            .skills
            .iter()
            .take(MAX_ROWS)
            .filter(|line| !line.skill.trim().is_empty())
            .map(|line| SkillRequirement {
                skill: line.skill.trim().to_owned(),
                min_level: line.level.trim().parse().unwrap_or(1),
                must: line.must,
            })
            .collect();
        let work_style = WorkStyle::parse(self.work_style.trim());
        NeedDraft {
            title: text(&self.title),
            description: text(&self.description),
            goal: text(&self.goal),
            role: Role::parse(self.role.trim()),
            style: Style::parse(self.style.trim()),
            skills: Some(skills).filter(|skills| !skills.is_empty()),
            themes: Some(
                self.themes
                    .iter()
                    .map(|theme| theme.trim().to_owned())
                    .collect::<Vec<_>>(),
            )
            .filter(|themes| !themes.is_empty()),
            hours_per_month: hours,
            duration_months: number(&self.duration_months).and_then(small),
            work_style,
            // Visits only count once the work style says where the work is.
            onsite_visits_per_month: work_style
                .and(number(&self.visits))
                .map(|visits| u8::try_from(visits).unwrap_or(u8::MAX)),
            meeting_slots: Some(
                self.meeting_slots
                    .iter()
                    .filter_map(|slot| MeetingSlot::parse(slot.trim()))
                    .collect::<Vec<_>>(),
            )
            .filter(|slots| !slots.is_empty()),
            compensation_jpy: compensation,
            pro_bono,
            headcount: number(&self.headcount).and_then(small),
            apply_by: NaiveDate::parse_from_str(
                &self.apply_by.trim().replace('/', "-"),
                "%Y-%m-%d",
            )
            .ok(),
        }
    }

    /// Puts an error of the domain's rules beside the field the form shows it at;
    /// `rows` are the skill rows of the need's skills, in order.
    pub fn place(&self, frame: &Frame, error: &FieldError, rows: &[usize], errors: &mut Errors) {
        let filled = |text: &str| !text.trim().is_empty();
        let row_of = |field: &str| {
            field
                .strip_prefix("skills[")
                .and_then(|rest| rest.split_once(']'))
                .and_then(|(index, _)| index.parse::<usize>().ok())
                .and_then(|index| rows.get(index).copied())
                .filter(|row| *row < MAX_ROWS)
        };
        let field = error.field.as_str();
        let (id, key): (&'static str, &str) = match field {
            "title" if filled(&self.title) => ("title", "needform.title.invalid"),
            "title" => ("title", "needform.title.missing"),
            "description" if filled(&self.description) => {
                ("description", "needform.description.invalid")
            }
            "description" => ("description", "needform.description.missing"),
            "goal" => ("goal", "needform.goal.invalid"),
            "skills" => ("skills", "needform.skills.too_many"),
            "hours_per_month.min" => ("hours_min", "needform.hours_min.invalid"),
            "hours_per_month.max" => ("hours_max", "needform.hours_max.invalid"),
            "duration_months" => ("duration_months", "needform.duration.invalid"),
            "onsite_visits_per_month" if self.work_style == WorkStyle::Remote.as_str() => {
                ("visits", "needform.visits.remote")
            }
            "onsite_visits_per_month" => ("visits", "needform.visits.invalid"),
            "compensation_jpy.min" => ("pay_min", "needform.pay_min.invalid"),
            "compensation_jpy" => ("pay", "needform.pay.missing"),
            "headcount" => ("headcount", "needform.headcount.invalid"),
            theme if theme.starts_with("themes") => ("themes", "needform.themes.invalid"),
            skill if skill.ends_with(".min_level") => match row_of(skill) {
                Some(row) => (LEVEL_IDS[row], "needform.level.invalid"),
                None => ("skills", "needform.skills.invalid"),
            },
            skill => match row_of(skill) {
                Some(row) => (SKILL_IDS[row], "needform.skill.invalid"),
                None => ("need-form", "needform.invalid"),
            },
        };
        errors.add(id, frame.msg(key));
    }
}

/// Which field of a skill row a form name is.
enum RowField {
    Skill,
    Level,
    Must,
}

/// `skill_3` → (skill, 3), for rows below [`MAX_ROWS`].
fn row_field(name: &str) -> Option<(RowField, usize)> {
    let (kind, row) = if let Some(row) = name.strip_prefix("skill_") {
        (RowField::Skill, row)
    } else if let Some(row) = name.strip_prefix("level_") {
        (RowField::Level, row)
    } else if let Some(row) = name.strip_prefix("must_") {
        (RowField::Must, row)
    } else {
        return None;
    };
    let row: usize = row.parse().ok()?;
    (row < MAX_ROWS).then_some((kind, row))
}

/// The number typed in field `id`, or `default` when it was left empty; what is not a
/// number is recorded beside the field (and read as 0).
fn read(
    frame: &Frame,
    errors: &mut Errors,
    id: &'static str,
    text: &str,
    default: Option<u32>,
) -> u32 {
    match (number(text), default) {
        (Some(value), _) => value,
        (None, Some(value)) if text.trim().is_empty() => value,
        (None, _) => {
            let key = if text.trim().is_empty() {
                "needform.number.missing"
            } else {
                "needform.number.invalid"
            };
            errors.add(id, frame.msg(key));
            0
        }
    }
}

/// A whole number as people type it: full-width digits, thousands separators and
/// spaces are fine (「５０，０００」 is 50000).
pub fn number(text: &str) -> Option<u32> {
    let digits: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '　'))
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            c => c,
        })
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(number("16"), Some(16));
        assert_eq!(number(" ５０，０００ "), Some(50_000));
        assert_eq!(number("50,000"), Some(50_000));
        assert_eq!(number(""), None);
        assert_eq!(number("-3"), None);
        assert_eq!(number("十六"), None);
        assert_eq!(number("99999999999"), None);
    }

    #[test]
    fn skill_rows_and_checkboxes_are_read_from_the_pairs() {
        let pairs = [
            ("csrf_token", "x"),
            ("title", "EC"),
            ("skill_2", "pr"),
            ("level_2", "3"),
            ("must_2", "on"),
            ("meeting_slots", "weekend"),
            ("meeting_slots", "weekday_evening"),
            ("skill_99", "ignored"),
        ]
        .map(|(name, value)| (name.to_owned(), value.to_owned()));
        let typed = Typed::from_pairs(pairs.into());
        assert_eq!(typed.title, "EC");
        assert_eq!(typed.skills.len(), EMPTY_ROWS);
        assert_eq!(typed.skills[2].skill, "pr");
        assert!(typed.skills[2].must && !typed.skills[1].must);
        assert_eq!(typed.meeting_slots, ["weekend", "weekday_evening"]);
    }
}
