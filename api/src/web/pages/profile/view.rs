//! The profile editor as its template draws it, from what was typed (or stored) and
//! the errors found: the skill picker (every skill of the taxonomy, grouped by field,
//! each option naming the skill in both languages with its short synonyms, narrowed by
//! `?skill_q=`), the rows of roles and ties, the checkboxes and the numbers.

use askama::Template;
use musubi_matcher::taxonomy::{self, Skill};

use super::fields::{RowField, Typed, row_id};
use crate::{
    domain::enums::{MeetingSlot, Style, TieKind},
    web::{
        form::{Choice, Errors, SelectField, TextField},
        frame::Frame,
        labels,
    },
};

/// The longest synonym an option shows, and how many.
const SHORT_SYNONYM: usize = 12;
const SYNONYMS_SHOWN: usize = 3;

/// The words of the levels 1–5.
const LEVEL_WORDS: [&str; 5] = [
    "profile.level.1",
    "profile.level.2",
    "profile.level.3",
    "profile.level.4",
    "profile.level.5",
];

/// A `<textarea>`.
#[derive(Debug)]
pub struct AreaField {
    /// Its `id` and `name`.
    pub id: &'static str,
    /// Its label.
    pub label: String,
    /// A line under the label.
    pub hint: String,
    /// What was typed.
    pub value: String,
    /// What is wrong with it.
    pub error: Option<String>,
}

/// A checkbox.
#[derive(Debug)]
pub struct Check {
    /// Its `id`.
    pub id: String,
    /// Its `name` (repeated across a group).
    pub name: &'static str,
    /// The value sent.
    pub value: String,
    /// What is shown.
    pub label: String,
    /// Whether it is checked.
    pub checked: bool,
}

/// A group of checkboxes.
#[derive(Debug)]
pub struct CheckGroup {
    /// The fieldset's `id` (errors link to it).
    pub id: &'static str,
    /// Its legend.
    pub legend: String,
    /// The boxes.
    pub checks: Vec<Check>,
    /// What is wrong with it.
    pub error: Option<String>,
}

/// The options of one field of skills.
#[derive(Debug)]
pub struct SkillGroup {
    /// The field's label.
    pub label: String,
    /// Its skills.
    pub choices: Vec<Choice>,
}

/// One row of the skill picker.
#[derive(Debug)]
pub struct SkillRowView {
    /// The skill's select: `id`, label, grouped options, error.
    pub id: &'static str,
    /// Its label.
    pub label: String,
    /// Grouped options.
    pub groups: Vec<SkillGroup>,
    /// What is wrong with it.
    pub error: Option<String>,
    /// The level.
    pub level: SelectField,
    /// The years.
    pub years: TextField,
}

/// One row of roles.
#[derive(Debug)]
pub struct RoleRowView {
    /// The role.
    pub role: SelectField,
    /// Years in it.
    pub years: TextField,
}

/// One row of ties.
#[derive(Debug)]
pub struct TieRowView {
    /// The prefecture.
    pub prefecture: SelectField,
    /// The city.
    pub city: TextField,
    /// The kind of tie.
    pub kind: SelectField,
}

/// The editor.
#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage<'a> {
    pub frame: &'a Frame,
    pub errors: Errors,
    /// What was just done.
    pub notice: Option<&'static str>,
    /// Whether a profile is stored already.
    pub exists: bool,
    pub headline: TextField,
    pub areas: Vec<AreaField>,
    /// What the skill search asked for.
    pub skill_q: String,
    /// What the search found, in words.
    pub skill_q_note: Option<String>,
    pub skills: Vec<SkillRowView>,
    pub roles: Vec<RoleRowView>,
    pub checks: Vec<CheckGroup>,
    /// Style and work style.
    pub style_selects: Vec<SelectField>,
    /// Hours, start, engagements, visits.
    pub numbers: Vec<TextField>,
    pub home_prefecture: SelectField,
    pub home_city: TextField,
    pub ties: Vec<TieRowView>,
    pub slots: CheckGroup,
    pub min_compensation: TextField,
    pub pro_bono_ok: bool,
    pub active: bool,
    /// Which regions may find them (its own form; on the editor's page only).
    pub sharing: Option<crate::web::pages::sharing::SharingSection>,
    /// Whether the kind relay is on (its own form, under the profile's).
    pub relays: bool,
}

/// An option's words: the skill in the page's language, then in the other, then its
/// short synonyms, so a visitor finds it by any of them.
fn skill_label(frame: &Frame, skill: &Skill) -> String {
    let (label, other) = (
        frame.pick(skill.ja, skill.en),
        frame.pick(skill.en, skill.ja),
    );
    let synonyms: Vec<&str> = skill
        .synonyms
        .iter()
        .copied()
        .filter(|synonym| synonym.chars().count() <= SHORT_SYNONYM)
        .take(SYNONYMS_SHOWN)
        .collect();
    if synonyms.is_empty() {
        frame.msg_with(
            "profile.skill.option",
            &[("label", label), ("other", other)],
        )
    } else {
        frame.msg_with(
            "profile.skill.option.synonyms",
            &[
                ("label", label),
                ("other", other),
                ("synonyms", &synonyms.join(frame.pick("、", ", "))),
            ],
        )
    }
}

/// Whether a skill is found by the search `query` (in [`taxonomy::lookup_form`]): by its
/// key, either label or a synonym containing it.
pub fn skill_matches(skill: &Skill, query: &str) -> bool {
    [skill.key, skill.ja, skill.en]
        .into_iter()
        .chain(skill.synonyms.iter().copied())
        .any(|text| taxonomy::lookup_form(text).contains(query))
}

/// The skills the search finds (every skill without a search, or when it finds none).
fn searched(query: &str) -> (Vec<&'static Skill>, Option<usize>) {
    let query = taxonomy::lookup_form(query);
    if query.is_empty() {
        return (taxonomy::skills().iter().collect(), None);
    }
    let found: Vec<&'static Skill> = taxonomy::skills()
        .iter()
        .filter(|skill| skill_matches(skill, &query))
        .collect();
    if found.is_empty() {
        (taxonomy::skills().iter().collect(), Some(0))
    } else {
        let count = found.len();
        (found, Some(count))
    }
}

fn skill_groups(frame: &Frame, offered: &[&'static Skill], chosen: &str) -> Vec<SkillGroup> {
    let mut groups = Vec::new();
    for field in taxonomy::fields() {
        let choices: Vec<Choice> = taxonomy::skills()
            .iter()
            .filter(|skill| skill.field == field.key)
            .filter(|skill| skill.key == chosen || offered.iter().any(|s| s.key == skill.key))
            .map(|skill| Choice {
                value: skill.key.to_owned(),
                label: skill_label(frame, skill),
                selected: skill.key == chosen,
            })
            .collect();
        if !choices.is_empty() {
            groups.push(SkillGroup {
                label: frame.pick(field.ja, field.en).to_owned(),
                choices,
            });
        }
    }
    groups
}

fn numbered(frame: &Frame, key: &str, row: usize) -> String {
    frame.msg_with(key, &[("n", &(row + 1).to_string())])
}

fn text(frame: &Frame, id: &'static str, key: &str, kind: &'static str, value: &str) -> TextField {
    TextField::new(id, frame.msg(key), kind).value(value.trim())
}

fn prefecture_choices(frame: &Frame) -> Vec<(String, String)> {
    taxonomy::prefectures()
        .iter()
        .map(|prefecture| {
            (
                prefecture.ja.to_owned(),
                frame.pick(prefecture.ja, prefecture.en).to_owned(),
            )
        })
        .collect()
}

fn tie_kind(frame: &Frame, kind: TieKind) -> String {
    frame
        .msg(match kind {
            TieKind::Hometown => "profile.tie.hometown",
            TieKind::Family => "profile.tie.family",
            TieKind::Lived => "profile.tie.lived",
            TieKind::Worked => "profile.tie.worked",
            TieKind::Visited => "profile.tie.visited",
            TieKind::Interest => "profile.tie.interest",
        })
        .to_owned()
}

fn checks(
    name: &'static str,
    options: impl IntoIterator<Item = (String, String)>,
    checked: &[String],
) -> Vec<Check> {
    options
        .into_iter()
        .map(|(value, label)| Check {
            id: format!("{name}-{value}"),
            name,
            checked: checked.iter().any(|c| c.trim() == value),
            value,
            label,
        })
        .collect()
}

/// The editor for `typed`, with `errors` beside their fields.
pub fn page<'a>(
    frame: &'a Frame,
    typed: &Typed,
    errors: Errors,
    exists: bool,
    skill_q: &str,
    notice: Option<&'static str>,
) -> ProfilePage<'a> {
    let (offered, found) = searched(skill_q);
    let skill_q_note = found.map(|count| match count {
        0 => frame.msg("profile.skill_q.none").to_owned(),
        count => frame.msg_with("profile.skill_q.found", &[("count", &count.to_string())]),
    });
    let levels: Vec<(String, String)> = (1..=5_usize)
        .map(|level| {
            (
                level.to_string(),
                frame.msg_with(
                    "profile.level.option",
                    &[
                        ("level", &level.to_string()),
                        ("words", frame.msg(LEVEL_WORDS[level - 1])),
                    ],
                ),
            )
        })
        .collect();
    let skills = typed
        .skills
        .iter()
        .enumerate()
        .map(|(at, row)| {
            let id = row_id(RowField::Skill, at);
            SkillRowView {
                id,
                label: numbered(frame, "profile.skill.row", at),
                groups: skill_groups(frame, &offered, row.skill.trim()),
                error: errors.of(id).map(str::to_owned),
                level: SelectField::new(
                    row_id(RowField::Level, at),
                    &numbered(frame, "profile.level.row", at),
                    frame.msg("form.choose"),
                    levels.clone(),
                    row.level.trim(),
                )
                .error(&errors),
                years: TextField::new(
                    row_id(RowField::Years, at),
                    &numbered(frame, "profile.years.row", at),
                    "number",
                )
                .value(row.years.trim())
                .error(&errors),
            }
        })
        .collect();
    let roles = typed
        .roles
        .iter()
        .enumerate()
        .map(|(at, row)| RoleRowView {
            role: SelectField::new(
                row_id(RowField::Role, at),
                &numbered(frame, "profile.role.row", at),
                frame.msg("form.choose"),
                labels::role_choices(frame),
                row.role.trim(),
            )
            .error(&errors),
            years: TextField::new(
                row_id(RowField::RoleYears, at),
                &numbered(frame, "profile.role_years.row", at),
                "number",
            )
            .value(row.years.trim())
            .error(&errors),
        })
        .collect();
    let ties = typed
        .ties
        .iter()
        .enumerate()
        .map(|(at, row)| TieRowView {
            prefecture: SelectField::new(
                row_id(RowField::TiePrefecture, at),
                &numbered(frame, "profile.tie_prefecture.row", at),
                frame.msg("form.choose"),
                prefecture_choices(frame),
                row.prefecture.trim(),
            )
            .error(&errors),
            city: TextField::new(
                row_id(RowField::TieCity, at),
                &numbered(frame, "profile.tie_city.row", at),
                "text",
            )
            .value(row.city.trim())
            .error(&errors),
            kind: SelectField::new(
                row_id(RowField::TieKind, at),
                &numbered(frame, "profile.tie_kind.row", at),
                frame.msg("form.choose"),
                [
                    TieKind::Hometown,
                    TieKind::Family,
                    TieKind::Lived,
                    TieKind::Worked,
                    TieKind::Visited,
                    TieKind::Interest,
                ]
                .into_iter()
                .map(|kind| (kind.as_str().to_owned(), tie_kind(frame, kind))),
                row.kind.trim(),
            )
            .error(&errors),
        })
        .collect();
    let check_groups = vec![
        CheckGroup {
            id: "industries",
            legend: frame.msg("profile.industries").to_owned(),
            checks: checks(
                "industry",
                labels::industry_choices(frame),
                &typed.industries,
            ),
            error: errors.of("industries").map(str::to_owned),
        },
        CheckGroup {
            id: "themes",
            legend: frame.msg("profile.themes").to_owned(),
            checks: checks(
                "theme",
                taxonomy::themes().iter().map(|theme| {
                    (
                        theme.key.to_owned(),
                        frame.pick(theme.ja, theme.en).to_owned(),
                    )
                }),
                &typed.themes,
            ),
            error: errors.of("themes").map(str::to_owned),
        },
    ];
    let slots = CheckGroup {
        id: "meeting_slots",
        legend: frame.msg("profile.meeting_slots").to_owned(),
        checks: checks(
            "meeting_slot",
            [
                MeetingSlot::WeekdayDay,
                MeetingSlot::WeekdayEvening,
                MeetingSlot::Weekend,
            ]
            .into_iter()
            .map(|slot| (slot.as_str().to_owned(), labels::meeting_slot(frame, slot))),
            &typed.meeting_slots,
        ),
        error: None,
    };
    let style_selects = vec![
        SelectField::new(
            "style",
            frame.msg("profile.style"),
            frame.msg("form.choose"),
            [Style::HandsOn, Style::Advisory, Style::Either]
                .into_iter()
                .map(|style| (style.as_str().to_owned(), labels::style(frame, style))),
            typed.style.trim(),
        )
        .error(&errors),
        SelectField::new(
            "work_style",
            frame.msg("profile.work_style"),
            frame.msg("form.choose"),
            labels::work_style_choices(frame),
            typed.work_style.trim(),
        )
        .hint(frame.msg("profile.work_style.hint"))
        .error(&errors),
    ];
    let numbers = vec![
        text(
            frame,
            "hours_per_month",
            "profile.hours",
            "number",
            &typed.hours_per_month,
        )
        .hint(frame.msg("profile.hours.hint"))
        .required()
        .error(&errors),
        text(
            frame,
            "max_onsite_visits_per_month",
            "profile.visits",
            "number",
            &typed.visits,
        )
        .hint(frame.msg("profile.visits.hint"))
        .error(&errors),
        text(
            frame,
            "max_engagements",
            "profile.max_engagements",
            "number",
            &typed.max_engagements,
        )
        .hint(frame.msg("profile.max_engagements.hint"))
        .error(&errors),
        text(
            frame,
            "available_from",
            "profile.available_from",
            "date",
            &typed.available_from,
        )
        .hint(frame.msg("profile.available_from.hint"))
        .error(&errors),
    ];
    let areas = vec![
        AreaField {
            id: "bio",
            label: frame.msg("profile.bio").to_owned(),
            hint: frame.msg("profile.bio.hint").to_owned(),
            value: typed.bio.clone(),
            error: errors.of("bio").map(str::to_owned),
        },
        AreaField {
            id: "motivation",
            label: frame.msg("profile.motivation").to_owned(),
            hint: frame.msg("profile.motivation.hint").to_owned(),
            value: typed.motivation.clone(),
            error: errors.of("motivation").map(str::to_owned),
        },
    ];
    ProfilePage {
        frame,
        notice,
        exists,
        headline: text(
            frame,
            "headline",
            "profile.headline",
            "text",
            &typed.headline,
        )
        .hint(frame.msg("profile.headline.hint"))
        .required()
        .error(&errors),
        areas,
        skill_q: skill_q.trim().to_owned(),
        skill_q_note,
        skills,
        roles,
        checks: check_groups,
        style_selects,
        numbers,
        home_prefecture: SelectField::new(
            "home_prefecture",
            frame.msg("profile.home_prefecture"),
            frame.msg("form.choose"),
            prefecture_choices(frame),
            typed.home_prefecture.trim(),
        )
        .error(&errors),
        home_city: text(
            frame,
            "home_city",
            "profile.home_city",
            "text",
            &typed.home_city,
        )
        .hint(frame.msg("profile.home_city.hint"))
        .error(&errors),
        ties,
        slots,
        min_compensation: text(
            frame,
            "min_compensation_jpy",
            "profile.min_compensation",
            "number",
            &typed.min_compensation,
        )
        .hint(frame.msg("profile.min_compensation.hint"))
        .error(&errors),
        pro_bono_ok: typed.pro_bono_ok,
        active: typed.active,
        relays: true,
        errors,
        sharing: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_skill_is_found_by_either_label_or_a_synonym() {
        let find = |query: &str| {
            let (skills, found) = searched(query);
            assert!(found.is_some_and(|count| count > 0), "{query}");
            skills.iter().map(|skill| skill.key).collect::<Vec<_>>()
        };
        assert!(find("Digital marketing").contains(&"digital_marketing"));
        assert!(find("デジマ").contains(&"digital_marketing"));
        assert!(find("デジタルマーケティング").contains(&"digital_marketing"));
        assert!(!find("デジマ").contains(&"hiring"));
        assert_eq!(searched("zzzz-no-such-skill").1, Some(0));
        assert_eq!(searched("  ").1, None);
    }
}
