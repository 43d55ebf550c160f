//! A row's cells read into an invitee — the profile a `PUT /profiles/me` would store —
//! or every problem of the row, each named by its column.

use musubi_matcher::taxonomy;

use super::{Column, SheetRow};
use crate::domain::{
    enums::WorkStyle,
    need::MAX_HOURS_PER_MONTH,
    profile::{Place, ProfileInput, ProfileSpec, SkillLevel},
    text::{EmailAddress, MultiLine, SingleLine},
};

/// A skill's level when the cell gives none (`名前` rather than `名前:4`).
const DEFAULT_LEVEL: u8 = 3;

/// What is wrong with one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellProblem {
    /// Empty, and the column is required.
    Missing,
    /// Not a value of the column (an email that is not one, a number that is not one, a
    /// work style we do not know, control characters).
    Invalid,
    /// Longer than the column allows.
    TooLong,
    /// A number out of the column's range.
    OutOfRange,
    /// A skill not in the taxonomy (the value names it).
    UnknownSkill,
    /// A prefecture we do not know.
    UnknownPrefecture,
}

impl CellProblem {
    /// A stable snake_case code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::Invalid => "invalid",
            Self::TooLong => "too_long",
            Self::OutOfRange => "out_of_range",
            Self::UnknownSkill => "unknown_skill",
            Self::UnknownPrefecture => "unknown_prefecture",
        }
    }
}

/// One problem of a row: which column, what is wrong, and the offending value where it
/// helps (an unknown skill's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The column.
    pub column: Column,
    /// What is wrong.
    pub problem: CellProblem,
    /// English words for the JSON report.
    pub detail: String,
    /// The value at fault, when it is a part of the cell.
    pub value: Option<String>,
}

impl RowProblem {
    fn new(column: Column, problem: CellProblem, detail: impl Into<String>) -> Self {
        Self {
            column,
            problem,
            detail: detail.into(),
            value: None,
        }
    }
}

/// A row that passed every rule.
#[derive(Debug, Clone)]
pub struct Invitee {
    /// Lower-cased email.
    pub email: String,
    /// Name.
    pub display_name: String,
    /// The profile, parsed as `PUT /profiles/me` would.
    pub profile: ProfileSpec,
}

/// Full-width digits (as Japanese input methods type them) read as ASCII ones.
fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            other => other,
        })
        .collect()
}

fn work_style(text: &str) -> Option<WorkStyle> {
    match text
        .trim()
        .to_lowercase()
        .replace(['-', '_', ' '], "")
        .as_str()
    {
        "remote" | "リモート" | "在宅" => Some(WorkStyle::Remote),
        "hybrid" | "ハイブリッド" | "併用" => Some(WorkStyle::Hybrid),
        "onsite" | "現地" | "対面" | "出社" => Some(WorkStyle::Onsite),
        _ => None,
    }
}

fn skills(cell: &str, problems: &mut Vec<RowProblem>) -> Vec<SkillLevel> {
    let mut found: Vec<SkillLevel> = Vec::new();
    for item in cell.split([';', '；', '、']) {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let (name, level) = match item.rsplit_once([':', '：']) {
            Some((name, level)) => (name.trim(), ascii_digits(level.trim()).parse::<u8>().ok()),
            None => (item, Some(DEFAULT_LEVEL)),
        };
        let Some(level) = level.filter(|level| (1..=5).contains(level)) else {
            problems.push(RowProblem {
                value: Some(item.to_owned()),
                ..RowProblem::new(
                    Column::Skills,
                    CellProblem::OutOfRange,
                    format!("{item:?}: a skill's level is 1 to 5"),
                )
            });
            continue;
        };
        match taxonomy::resolve_skill(name) {
            Some(skill) if found.iter().any(|known| known.skill == skill.key) => {}
            Some(skill) => found.push(SkillLevel {
                skill: skill.key.to_owned(),
                level,
                years: 0,
            }),
            None => problems.push(RowProblem {
                value: Some(name.to_owned()),
                ..RowProblem::new(
                    Column::Skills,
                    CellProblem::UnknownSkill,
                    format!("unknown skill {name:?}; see GET /api/v1/taxonomy"),
                )
            }),
        }
    }
    if found.len() > 50 {
        problems.push(RowProblem::new(
            Column::Skills,
            CellProblem::TooLong,
            "at most 50 skills",
        ));
    }
    found
}

/// A skills cell as the file and the invitation's page write it (`key:level; name`):
/// the skills, or every problem of the cell.
pub fn parse_skills(cell: &str) -> Result<Vec<SkillLevel>, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let found = skills(cell, &mut problems);
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// A single-line cell: `Missing` when required and empty, `TooLong` past `max`
/// characters, `Invalid` with control characters.
fn line(
    row: &SheetRow,
    column: Column,
    max: usize,
    problems: &mut Vec<RowProblem>,
) -> Option<String> {
    let cell = row.cell(column);
    if cell.is_empty() {
        if column.required() {
            problems.push(RowProblem::new(column, CellProblem::Missing, "is empty"));
            return None;
        }
        return Some(String::new());
    }
    if cell.chars().count() > max {
        problems.push(RowProblem::new(
            column,
            CellProblem::TooLong,
            format!("at most {max} characters"),
        ));
        return None;
    }
    match SingleLine::parse(cell, 0, max) {
        Ok(text) => Some(text.into()),
        Err(message) => {
            problems.push(RowProblem::new(column, CellProblem::Invalid, message));
            None
        }
    }
}

/// Reads one row's cells into an invitee, or every problem of the row.
pub fn parse_row(row: &SheetRow) -> Result<Invitee, Vec<RowProblem>> {
    let mut problems = Vec::new();
    let name = line(row, Column::Name, 100, &mut problems);
    let email = match row.cell(Column::Email) {
        "" => {
            problems.push(RowProblem::new(
                Column::Email,
                CellProblem::Missing,
                "is empty",
            ));
            None
        }
        cell => match EmailAddress::parse(cell) {
            Ok(email) => Some(String::from(email)),
            Err(message) => {
                problems.push(RowProblem::new(
                    Column::Email,
                    CellProblem::Invalid,
                    message,
                ));
                None
            }
        },
    };
    let headline = line(row, Column::Headline, 200, &mut problems);
    let hours = match ascii_digits(row.cell(Column::HoursPerMonth)).as_str() {
        "" => {
            problems.push(RowProblem::new(
                Column::HoursPerMonth,
                CellProblem::Missing,
                "is empty",
            ));
            None
        }
        cell => match cell.parse::<u16>() {
            Ok(hours) if (1..=MAX_HOURS_PER_MONTH).contains(&hours) => Some(hours),
            Ok(_) => {
                problems.push(RowProblem::new(
                    Column::HoursPerMonth,
                    CellProblem::OutOfRange,
                    format!("must be between 1 and {MAX_HOURS_PER_MONTH}"),
                ));
                None
            }
            Err(_) => {
                problems.push(RowProblem::new(
                    Column::HoursPerMonth,
                    CellProblem::Invalid,
                    "must be a whole number of hours",
                ));
                None
            }
        },
    };
    let style = match row.cell(Column::WorkStyle) {
        "" => {
            problems.push(RowProblem::new(
                Column::WorkStyle,
                CellProblem::Missing,
                "is empty",
            ));
            None
        }
        cell => {
            let style = work_style(cell);
            if style.is_none() {
                problems.push(RowProblem::new(
                    Column::WorkStyle,
                    CellProblem::Invalid,
                    "must be remote, hybrid or onsite",
                ));
            }
            style
        }
    };
    let prefecture = match row.cell(Column::Prefecture) {
        "" => {
            problems.push(RowProblem::new(
                Column::Prefecture,
                CellProblem::Missing,
                "is empty",
            ));
            None
        }
        cell => match taxonomy::prefecture(cell) {
            Some(found) => Some(found.ja.to_owned()),
            None => {
                problems.push(RowProblem {
                    value: Some(cell.to_owned()),
                    ..RowProblem::new(
                        Column::Prefecture,
                        CellProblem::UnknownPrefecture,
                        format!("unknown prefecture {cell:?}; use e.g. 長野県"),
                    )
                });
                None
            }
        },
    };
    let city = line(row, Column::City, 100, &mut problems);
    let skills = skills(row.cell(Column::Skills), &mut problems);
    let bio = match MultiLine::parse(row.cell(Column::Bio), 0, 10_000) {
        Ok(bio) => Some(String::from(bio)),
        Err(message) => {
            let problem = if row.cell(Column::Bio).chars().count() > 10_000 {
                CellProblem::TooLong
            } else {
                CellProblem::Invalid
            };
            problems.push(RowProblem::new(Column::Bio, problem, message));
            None
        }
    };
    let (
        Some(name),
        Some(email),
        Some(headline),
        Some(hours),
        Some(style),
        Some(prefecture),
        Some(city),
        Some(bio),
    ) = (name, email, headline, hours, style, prefecture, city, bio)
    else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let input = ProfileInput {
        headline,
        bio,
        motivation: String::new(),
        skills,
        roles: Vec::new(),
        industries: Vec::new(),
        themes: Vec::new(),
        style: crate::domain::enums::Style::Either,
        hours_per_month: hours,
        available_from: None,
        max_engagements: 1,
        work_style: style,
        max_onsite_visits_per_month: 0,
        home: Place { prefecture, city },
        ties: Vec::new(),
        meeting_slots: Vec::new(),
        min_compensation_jpy: 0,
        pro_bono_ok: false,
        active: true,
    };
    // Every rule was checked cell by cell above; the profile's own rules are the last
    // word, and anything they still find is put on the column it came from.
    input
        .parse()
        .map_err(|errors| {
            errors
                .into_iter()
                .map(|error| {
                    let column = match error.field.split(['.', '[']).next().unwrap_or_default() {
                        "headline" => Column::Headline,
                        "bio" => Column::Bio,
                        "skills" => Column::Skills,
                        "hours_per_month" => Column::HoursPerMonth,
                        "home" => Column::Prefecture,
                        _ => Column::Name,
                    };
                    RowProblem::new(column, CellProblem::Invalid, error.message)
                })
                .collect()
        })
        .map(|profile| Invitee {
            email,
            display_name: name,
            profile,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::invitations::sheet::{Encoding, read};

    const HEADER: &str =
        "氏名,メール,headline,hours_per_month,働き方,都道府県,市区町村,スキル,自己紹介\n";

    #[test]
    fn every_bad_cell_of_a_row_is_named() {
        let text = format!("{HEADER},not-an-email,,0,by boat,アトランティス,,\"cooking, no:9\",\n");
        let sheet = read(text.as_bytes(), Encoding::Auto).unwrap();
        let problems = parse_row(&sheet.rows[0]).unwrap_err();
        let found: Vec<(Column, CellProblem)> = problems
            .iter()
            .map(|problem| (problem.column, problem.problem))
            .collect();
        assert_eq!(
            found,
            vec![
                (Column::Name, CellProblem::Missing),
                (Column::Email, CellProblem::Invalid),
                (Column::Headline, CellProblem::Missing),
                (Column::HoursPerMonth, CellProblem::OutOfRange),
                (Column::WorkStyle, CellProblem::Invalid),
                (Column::Prefecture, CellProblem::UnknownPrefecture),
                (Column::Skills, CellProblem::OutOfRange),
            ]
        );
    }
}
