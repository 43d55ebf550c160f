//! A need prepared once for scoring many profiles: lookup tables instead of strings.

use std::cell::OnceCell;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::exclusion::{budget_max, visits_asked};
use crate::index::Corpus;
use crate::model::{Need, SkillRequirement, Style, WorkStyle};
use crate::taxonomy::{self, SkillRelation};
use crate::weights::Weights;

use super::bm25::{TextQuery, inverse};
use super::encode::{
    Vocab, day_number, prefecture_code, skill_code, skill_id_of, slot_mask, theme_mask,
};
use super::kernel::level_factor;
use super::reasons::NeedLabels;

/// Credit for a related skill, by how the professional's skill relates to the asked
/// one: a more specific skill (asked `marketing`, has `digital_marketing`) covers
/// most of it; a more general one (asked `sns_marketing`, has `marketing`) about
/// half; a sibling under the same parent a little.
pub(crate) fn relation_credit(relation: SkillRelation) -> f32 {
    match relation {
        SkillRelation::Same => 1.0,
        SkillRelation::Child => 0.7,
        SkillRelation::Parent => 0.5,
        SkillRelation::Sibling => 0.3,
        SkillRelation::Unrelated => 0.0,
    }
}

/// A `must` skill weighs this many times a nice-to-have one.
pub(crate) const MUST_WEIGHT: f32 = 3.0;

/// One asked skill.
#[derive(Debug, Clone)]
pub(crate) struct Requirement<'n> {
    pub asked: &'n SkillRequirement,
    /// Dense id; `None` if the taxonomy does not know the key.
    pub skill: Option<u16>,
    pub weight: f32,
}

/// A need ready for the kernels.
#[derive(Debug, Clone)]
pub(crate) struct NeedQuery<'n> {
    pub need: &'n Need,
    pub weights: [f32; 7],
    pub requirements: Vec<Requirement<'n>>,
    /// `skill_table[r * codes + code]`: what a skill code (skill and level) earns
    /// for requirement `r` — relation credit × level factor. Code 0 (skill 0 at
    /// level 0) earns 0, so empty slots can be read as code 0.
    pub skill_table: Vec<f32>,
    /// Codes per requirement in `skill_table`.
    pub codes: usize,
    /// One over the sum of requirement weights.
    pub requirement_scale: f32,
    /// One over the number of the need's themes (0 without themes).
    pub theme_scale: f32,
    pub themes: u32,
    /// `4 × role index`, for [`Scalars::years_in`](super::encode::Scalars::years_in).
    pub role_shift: u32,
    /// Industry id; 0 when the need names none.
    pub industry: u16,
    pub style: Style,
    /// Today, as the caller passed it.
    pub today: NaiveDate,
    /// Day number the start date is judged against: `apply_by`, or today.
    pub start_by: i32,
    pub slots: u8,
    pub prefecture: u8,
    /// City id; 0 when the need names none.
    pub city: u32,
    /// Prefecture codes in the need's wider region, its own excluded.
    pub wider: u64,
    pub work_style: WorkStyle,
    pub visits: u8,
    pub visits_asked: bool,
    pub budget_min: u32,
    pub budget_max: u32,
    pub text: TextQuery,
    /// The need's words in reasons, built on the first explanation.
    labels: OnceCell<NeedLabels>,
}

impl<'n> NeedQuery<'n> {
    /// Prepares `need`; names are looked up in `vocab`, text statistics in `corpus`.
    pub(crate) fn new(
        need: &'n Need,
        weights: &Weights,
        today: NaiveDate,
        vocab: &Vocab,
        corpus: Option<&Corpus>,
    ) -> Self {
        let codes = taxonomy::skill_count() * 8;
        let mut requirements = Vec::with_capacity(need.skills.len());
        let mut skill_table = vec![0.0f32; need.skills.len() * codes];
        for (r, asked) in need.skills.iter().enumerate() {
            let skill = skill_id_of(&asked.skill);
            // A level of 0 is read as 1, so that level 0 (and empty slots) earn 0.
            let min_level = asked.min_level.max(1);
            if let Some(asked_id) = skill {
                for id in 0..taxonomy::skill_count() as u16 {
                    let credit = relation_credit(relation(asked_id, id));
                    for level in 0..8u8 {
                        let code = usize::from(skill_code(id, level));
                        skill_table[r * codes + code] = credit * level_factor(level, min_level);
                    }
                }
            }
            requirements.push(Requirement {
                asked,
                skill,
                weight: if asked.must { MUST_WEIGHT } else { 1.0 },
            });
        }
        let requirement_weight: f32 = requirements.iter().map(|r| r.weight).sum();
        let themes = theme_mask(&need.themes);

        let prefecture = prefecture_code(&need.place.prefecture);
        let wider = taxonomy::prefecture(&need.place.prefecture).map_or(0, |own| {
            taxonomy::prefectures()
                .iter()
                .filter(|other| other.wider_region == own.wider_region && other.code != own.code)
                .fold(0u64, |mask, other| mask | 1 << other.code)
        });

        Self {
            need,
            weights: weights.as_array(),
            requirements,
            skill_table,
            codes,
            requirement_scale: inverse(requirement_weight),
            theme_scale: inverse(themes.count_ones() as f32),
            themes,
            role_shift: 4 * need.role as u32,
            industry: vocab.industry(&need.industry),
            style: need.style,
            today,
            start_by: day_number(need.apply_by.unwrap_or(today)),
            slots: slot_mask(&need.meeting_slots),
            prefecture,
            city: if prefecture == 0 {
                0
            } else {
                vocab.city(&need.place.city)
            },
            wider,
            work_style: need.work_style,
            visits: need.onsite_visits_per_month,
            visits_asked: visits_asked(need),
            budget_min: need.compensation_min_jpy,
            budget_max: budget_max(need),
            text: TextQuery::new(need, corpus),
            labels: OnceCell::new(),
        }
    }

    /// The need's words in reasons.
    pub(crate) fn labels(&self) -> &NeedLabels {
        self.labels.get_or_init(|| NeedLabels::new(self))
    }

    /// What each skill code earns for requirement `r`.
    #[inline]
    pub(crate) fn skill_credits(&self, r: usize) -> &[f32] {
        self.skill_table
            .get(r * self.codes..(r + 1) * self.codes)
            .unwrap_or_default()
    }
}

/// Each skill's parent, by dense id: the taxonomy's tree without its strings.
fn parents() -> &'static [Option<u16>] {
    static PARENTS: OnceLock<Vec<Option<u16>>> = OnceLock::new();
    PARENTS.get_or_init(|| {
        taxonomy::skills()
            .iter()
            .map(|skill| skill.parent.and_then(taxonomy::skill_id))
            .collect()
    })
}

/// Whether `ancestor` is above `id` in the tree (as [`taxonomy::skill_ancestors`]
/// walks it, at most four steps).
fn is_ancestor(ancestor: u16, id: u16) -> bool {
    let parents = parents();
    let mut current = parents.get(usize::from(id)).copied().flatten();
    for _ in 0..4 {
        match current {
            Some(found) if found == ancestor => return true,
            Some(found) => current = parents.get(usize::from(found)).copied().flatten(),
            None => return false,
        }
    }
    false
}

/// [`taxonomy::skill_relation`] of two known skills by id: how `b` relates to `a`,
/// without a string comparison (a need is prepared for every ranking).
pub(crate) fn relation(a: u16, b: u16) -> SkillRelation {
    let parents = parents();
    let parent_of = |id: u16| parents.get(usize::from(id)).copied().flatten();
    if a == b {
        SkillRelation::Same
    } else if is_ancestor(b, a) {
        SkillRelation::Parent
    } else if is_ancestor(a, b) {
        SkillRelation::Child
    } else if parent_of(a).is_some() && parent_of(a) == parent_of(b) {
        SkillRelation::Sibling
    } else {
        SkillRelation::Unrelated
    }
}

/// Adds the need's names to `vocab`, so a pair scored on its own gives them ids.
pub(crate) fn intern_need(need: &Need, vocab: &mut Vocab) {
    vocab.intern_industry(&need.industry);
    vocab.intern_city(&need.place.city);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relations_by_id_are_the_taxonomys() {
        let skills = taxonomy::skills();
        for (a, first) in (0u16..).zip(skills) {
            for (b, second) in (0u16..).zip(skills) {
                assert_eq!(
                    relation(a, b),
                    taxonomy::skill_relation(first.key, second.key),
                    "{} → {}",
                    first.key,
                    second.key
                );
            }
        }
    }
}
