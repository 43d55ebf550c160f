//! The taxonomy: skills, themes, roles, industries, prefectures and wider regions.
//!
//! All of it is `'static` data compiled into the crate, with Japanese and English
//! labels. Needs and profiles refer to skills, themes and industries by their stable
//! `snake_case` key; free text typed by a person (`マーケ`, `ＥＣ運営`, `Marketing`) is
//! mapped to a key with [`resolve_skill`] and [`resolve_theme`], which compare after
//! NFKC normalisation, lower-casing, trimming and dropping spaces, `_`, `-` and `・`.
//!
//! Skills form a shallow tree (a general skill such as `marketing` over specific ones
//! such as `digital_marketing`), which [`skill_relation`] reads to give partial credit.
//!
//! ```
//! use musubi_matcher::taxonomy::{self, SkillRelation};
//!
//! assert_eq!(taxonomy::resolve_skill("マーケ").map(|s| s.key), Some("marketing"));
//! assert_eq!(
//!     taxonomy::skill_relation("sns_marketing", "digital_marketing"),
//!     SkillRelation::Parent,
//! );
//! assert!(taxonomy::same_wider_region("長野県", "Niigata"));
//! ```

mod lookup;
mod regions;
mod skills;
#[cfg(test)]
mod tests;
mod vocab;

use serde::Serialize;

use self::lookup::{INDUSTRY_LOOKUP, PREFECTURE_LOOKUP, SKILL_LOOKUP, SKILL_ORDER, THEME_LOOKUP};
use crate::model::Role;
use crate::text::normalize;

/// A field of skills (marketing, HR, finance…): the groups of the skill picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Field {
    /// Stable key, e.g. `marketing`.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
}

/// A skill a need asks for or a professional has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Skill {
    /// Stable key, e.g. `digital_marketing`.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// Key of the [`Field`] it belongs to.
    pub field: &'static str,
    /// Key of the more general skill it specialises, if any.
    pub parent: Option<&'static str>,
    /// Other spellings people type (abbreviations, katakana variants, English).
    pub synonyms: &'static [&'static str],
}

/// A theme: what a need is about and what a professional wants to work on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Theme {
    /// Stable key, e.g. `traditional_craft`.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
    /// Other spellings people type.
    pub synonyms: &'static [&'static str],
}

/// An industry of an organization or of a professional's experience.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Industry {
    /// Stable key, e.g. `manufacturing`.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
}

/// The labels of a [`Role`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RoleLabel {
    /// The role.
    pub role: Role,
    /// Japanese label, e.g. `CMO（マーケティング責任者）`.
    pub ja: &'static str,
    /// English label, e.g. `Chief Marketing Officer`.
    pub en: &'static str,
}

/// A wider region (地方) grouping prefectures, e.g. 甲信越.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WiderRegion {
    /// Stable key, e.g. `koshinetsu`.
    pub key: &'static str,
    /// Japanese label.
    pub ja: &'static str,
    /// English label.
    pub en: &'static str,
}

/// One of the 47 prefectures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Prefecture {
    /// JIS X 0401 code, 1 (北海道) to 47 (沖縄県).
    pub code: u8,
    /// Full Japanese name, e.g. `長野県`.
    pub ja: &'static str,
    /// Name without the suffix, e.g. `長野`.
    pub short: &'static str,
    /// English name, e.g. `Nagano`.
    pub en: &'static str,
    /// Key of its [`WiderRegion`].
    pub wider_region: &'static str,
}

/// How skill `b` relates to skill `a` in the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkillRelation {
    /// The same skill.
    Same,
    /// `b` is an ancestor of `a` (`a` is more specific).
    Parent,
    /// `b` is a descendant of `a` (`b` is more specific).
    Child,
    /// `a` and `b` share a parent.
    Sibling,
    /// None of the above, or either is unknown.
    Unrelated,
}

/// The whole taxonomy in one value, as served at `GET /taxonomy`.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Catalog {
    /// Skill fields.
    pub fields: &'static [Field],
    /// Skills.
    pub skills: &'static [Skill],
    /// Themes.
    pub themes: &'static [Theme],
    /// Industries.
    pub industries: &'static [Industry],
    /// Role labels.
    pub roles: &'static [RoleLabel],
    /// Wider regions.
    pub wider_regions: &'static [WiderRegion],
    /// Prefectures.
    pub prefectures: &'static [Prefecture],
}

/// Every list of the taxonomy.
pub fn catalog() -> Catalog {
    Catalog {
        fields: fields(),
        skills: skills(),
        themes: themes(),
        industries: industries(),
        roles: roles(),
        wider_regions: wider_regions(),
        prefectures: prefectures(),
    }
}

/// Skill fields, in display order.
pub fn fields() -> &'static [Field] {
    skills::FIELDS
}

/// Skills, grouped by field, always in the same order.
pub fn skills() -> &'static [Skill] {
    skills::SKILLS
}

/// Themes, in display order.
pub fn themes() -> &'static [Theme] {
    vocab::THEMES
}

/// Industries, in display order.
pub fn industries() -> &'static [Industry] {
    vocab::INDUSTRIES
}

/// Labels of every [`Role`], in the order of [`Role::ALL`].
pub fn roles() -> &'static [RoleLabel] {
    &vocab::ROLES
}

/// Wider regions, north to south.
pub fn wider_regions() -> &'static [WiderRegion] {
    regions::WIDER_REGIONS
}

/// The 47 prefectures, in JIS code order.
pub fn prefectures() -> &'static [Prefecture] {
    regions::PREFECTURES
}

/// The field with this exact key.
pub fn field(key: &str) -> Option<&'static Field> {
    fields().iter().find(|field| field.key == key)
}

/// The skill with this exact key.
pub fn skill(key: &str) -> Option<&'static Skill> {
    skill_id(key).and_then(skill_by_id)
}

/// The dense index of the skill with this exact key: its position in [`skills()`],
/// below [`skill_count`], for bitsets. A binary search; it does not allocate.
pub(crate) fn skill_id(key: &str) -> Option<u16> {
    SKILL_ORDER
        .binary_search_by(|&id| skills::SKILLS[usize::from(id)].key.cmp(key))
        .ok()
        .map(|position| SKILL_ORDER[position])
}

/// The skill at a dense index from [`skill_id`].
pub(crate) fn skill_by_id(id: u16) -> Option<&'static Skill> {
    skills().get(usize::from(id))
}

/// How many skills there are: every [`skill_id`] is below it.
pub(crate) fn skill_count() -> usize {
    skills().len()
}

/// The theme with this exact key.
pub fn theme(key: &str) -> Option<&'static Theme> {
    themes().iter().find(|theme| theme.key == key)
}

/// The industry with this exact key.
pub fn industry(key: &str) -> Option<&'static Industry> {
    industries().iter().find(|industry| industry.key == key)
}

/// The labels of a role.
pub fn role_label(role: Role) -> &'static RoleLabel {
    // `ROLES` lists the roles in declaration order; a unit test holds it to that.
    &vocab::ROLES[role as usize]
}

/// The skill whose key, Japanese or English label or synonym is `text`, compared
/// after [`lookup_form`] normalisation: `マーケ`, `marketing`, `マーケティング` and
/// `ＭＡＲＫＥＴＩＮＧ` are one skill.
pub fn resolve_skill(text: &str) -> Option<&'static Skill> {
    if let Some(found) = skill(text) {
        return Some(found);
    }
    SKILL_LOOKUP
        .get(&lookup_form(text))
        .and_then(|&id| skill_by_id(id))
}

/// The theme whose key, label or synonym is `text` (see [`resolve_skill`]).
pub fn resolve_theme(text: &str) -> Option<&'static Theme> {
    if let Some(found) = theme(text) {
        return Some(found);
    }
    THEME_LOOKUP
        .get(&lookup_form(text))
        .and_then(|&index| themes().get(index))
}

/// The industry whose key or label is `text` (see [`resolve_skill`]).
pub fn resolve_industry(text: &str) -> Option<&'static Industry> {
    if let Some(found) = industry(text) {
        return Some(found);
    }
    INDUSTRY_LOOKUP
        .get(&lookup_form(text))
        .and_then(|&index| industries().get(index))
}

/// The prefecture called `name`: `長野県`, `長野`, `Nagano`, `nagano`, `Nagano-ken`
/// and `Nagano Prefecture` all work, in full or half width.
pub fn prefecture(name: &str) -> Option<&'static Prefecture> {
    // The usual spellings hit the table as given, without allocating.
    if let Some(&index) = PREFECTURE_LOOKUP.get(name) {
        return prefectures().get(index);
    }
    let form = lookup_form(name);
    // Romanisations with long vowels: `Tōkyō`, `Kyōto`, `Ōita`, `Hyougo`.
    let plain = form
        .replace(['ō', 'ô'], "o")
        .replace(['ū', 'û'], "u")
        .replace("ou", "o");
    for candidate in [form.as_str(), plain.as_str()] {
        let stems = ["", "prefecture", "ken", "fu", "to"]
            .into_iter()
            .filter_map(|suffix| candidate.strip_suffix(suffix));
        for stem in stems {
            if let Some(&index) = PREFECTURE_LOOKUP.get(stem) {
                return prefectures().get(index);
            }
        }
    }
    None
}

/// The prefecture with this JIS code (1–47).
pub(crate) fn prefecture_by_code(code: u8) -> Option<&'static Prefecture> {
    // The table is in code order; a unit test holds it to that.
    prefectures().get(usize::from(code).checked_sub(1)?)
}

/// The wider region with this key.
pub fn wider_region(key: &str) -> Option<&'static WiderRegion> {
    wider_regions().iter().find(|region| region.key == key)
}

/// Whether two prefectures, in any spelling [`prefecture`] accepts, are in the same
/// wider region (a prefecture is in its own). `false` when either is unknown.
pub fn same_wider_region(a: &str, b: &str) -> bool {
    match (prefecture(a), prefecture(b)) {
        (Some(a), Some(b)) => a.wider_region == b.wider_region,
        _ => false,
    }
}

/// How skill `b` relates to skill `a`. Both are keys; anything else is first
/// [resolved](resolve_skill). Identical strings are [`SkillRelation::Same`] even when
/// unknown; otherwise an unknown skill is [`SkillRelation::Unrelated`].
pub fn skill_relation(a: &str, b: &str) -> SkillRelation {
    if a == b {
        return SkillRelation::Same;
    }
    let (Some(a), Some(b)) = (known_skill(a), known_skill(b)) else {
        return SkillRelation::Unrelated;
    };
    if a.key == b.key {
        SkillRelation::Same
    } else if is_ancestor(b.key, a) {
        SkillRelation::Parent
    } else if is_ancestor(a.key, b) {
        SkillRelation::Child
    } else if a.parent.is_some() && a.parent == b.parent {
        SkillRelation::Sibling
    } else {
        SkillRelation::Unrelated
    }
}

/// The chain of more general skills above `key`, nearest first.
pub fn skill_ancestors(key: &str) -> impl Iterator<Item = &'static Skill> {
    let start = skill(key).and_then(|found| found.parent).and_then(skill);
    // The tree's depth is tested to be small; the bound only guards against a cycle.
    std::iter::successors(start, |current| current.parent.and_then(skill)).take(MAX_DEPTH)
}

/// The more specific skills directly under `key`.
pub fn skill_children(key: &str) -> impl Iterator<Item = &'static Skill> {
    skills()
        .iter()
        .filter(move |candidate| candidate.parent == Some(key))
}

/// The form labels are compared in: NFKC, lower case, trimmed, without spaces and
/// the separators `_`, `-`, `‐`, `・`, `/` and `.`, so `Digital Marketing`,
/// `digital_marketing` and `デジタル・マーケティング` compare by their letters.
pub fn lookup_form(text: &str) -> String {
    normalize(text.trim())
        .chars()
        .filter(|&c| !c.is_whitespace() && !matches!(c, '_' | '-' | '‐' | '・' | '/' | '.'))
        .collect()
}

/// The deepest a skill chain may be; deeper trees fail the unit tests.
const MAX_DEPTH: usize = 4;

fn known_skill(text: &str) -> Option<&'static Skill> {
    skill(text).or_else(|| resolve_skill(text))
}

fn is_ancestor(ancestor: &str, of: &Skill) -> bool {
    skill_ancestors(of.key).any(|found| found.key == ancestor)
}
