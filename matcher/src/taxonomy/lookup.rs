//! The lookup tables behind the taxonomy's functions, built once.
//!
//! Skill ids are sorted by key at compile time, so [`skill_id`](super::skill_id) is a
//! binary search that never allocates. The spelling tables need NFKC, which is not
//! available in `const` code, so they are built on first use.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::{Skill, industries, lookup_form, prefectures, skills, themes};

/// Skill ids in key order, for [`skill_id`](super::skill_id)'s binary search; sorted at compile time.
pub(super) static SKILL_ORDER: [u16; super::skills::SKILLS.len()] =
    sorted_by_key(super::skills::SKILLS);

pub(super) static SKILL_LOOKUP: LazyLock<HashMap<String, u16>> = LazyLock::new(|| {
    let mut lookup = HashMap::new();
    for (id, skill) in (0u16..).zip(skills()) {
        let labels = [skill.key, skill.ja, skill.en];
        for label in labels.iter().chain(skill.synonyms) {
            // On a clash the first skill keeps the spelling; a unit test rules clashes out.
            lookup.entry(lookup_form(label)).or_insert(id);
        }
    }
    lookup
});

pub(super) static THEME_LOOKUP: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut lookup = HashMap::new();
    for (index, theme) in themes().iter().enumerate() {
        let labels = [theme.key, theme.ja, theme.en];
        for label in labels.iter().chain(theme.synonyms) {
            lookup.entry(lookup_form(label)).or_insert(index);
        }
    }
    lookup
});

/// Every spelling of an industry's key and labels, in [`lookup_form`].
pub(super) static INDUSTRY_LOOKUP: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut lookup = HashMap::new();
    for (index, industry) in industries().iter().enumerate() {
        for label in [industry.key, industry.ja, industry.en] {
            lookup.entry(lookup_form(label)).or_insert(index);
        }
    }
    lookup
});

/// Every accepted spelling of a prefecture: as written, and in [`lookup_form`].
pub(super) static PREFECTURE_LOOKUP: LazyLock<HashMap<String, usize>> = LazyLock::new(|| {
    let mut lookup = HashMap::new();
    for (index, prefecture) in prefectures().iter().enumerate() {
        for name in [prefecture.ja, prefecture.short, prefecture.en] {
            lookup.entry(name.to_owned()).or_insert(index);
            lookup.entry(lookup_form(name)).or_insert(index);
        }
    }
    lookup
});

const fn sorted_by_key<const N: usize>(skills: &[Skill]) -> [u16; N] {
    let mut order = [0u16; N];
    let mut i = 0;
    while i < N {
        order[i] = i as u16;
        i += 1;
    }
    // Insertion sort: a few thousand steps, once, at compile time.
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0
            && key_less(
                skills[order[j] as usize].key,
                skills[order[j - 1] as usize].key,
            )
        {
            let swap = order[j];
            order[j] = order[j - 1];
            order[j - 1] = swap;
            j -= 1;
        }
        i += 1;
    }
    order
}

/// `a < b` in byte order, which is `str`'s `Ord`.
const fn key_less(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}
