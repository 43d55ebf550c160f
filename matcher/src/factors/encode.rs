//! A profile as the kernels see it: small integers, bitmasks and short slices.
//!
//! [`score`](crate::score::score) and the [index](crate::index) both turn a profile
//! into this form and run the same kernels on it, which is what makes a ranked score
//! equal, bit for bit, to the score of the pair on its own. Free-text places and
//! industries become ids of a [`Vocab`]; only equality of ids is ever used, so a
//! throw-away vocabulary and the index's long-lived one give the same answers.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::model::{MeetingSlot, Profile, Style, TieKind, WorkStyle};
use crate::taxonomy;
use crate::text;

/// Row flag: the row holds a profile (the index clears it on removal).
pub(crate) const ALIVE: u32 = 1;
/// Row flag: the profile is active.
pub(crate) const ACTIVE: u32 = 1 << 1;
/// Row flag: the professional works pro bono.
pub(crate) const PRO_BONO_OK: u32 = 1 << 2;
pub(crate) const STYLE_SHIFT: u32 = 3;
pub(crate) const WORK_STYLE_SHIFT: u32 = 5;
pub(crate) const SLOTS_SHIFT: u32 = 7;
/// Bits of [`Scalars::flags`] that encoding sets; the index keeps its own above them.
pub(crate) const SCALAR_FLAG_BITS: u32 = 10;

/// Largest city id a place code can hold (22 bits); later cities count as unknown.
const MAX_CITY: u32 = (1 << 22) - 1;
/// Largest skill id a skill code can hold (13 bits); the taxonomy is far smaller.
const MAX_SKILL: u16 = (1 << 13) - 1;
/// Day numbers count from 2000-01-01 (day 1); 0 means "no date".
const EPOCH_DAYS_FROM_CE: i32 = 730_120;

/// What kind of place a place code names: where they live, a tie, or an earlier
/// engagement. The discriminants are the codes' low four bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub(crate) enum PlaceKind {
    /// Lives there now.
    Home = 1,
    /// Born or grew up there.
    Hometown,
    /// Family lives there.
    Family,
    /// Lived there.
    Lived,
    /// Worked there.
    Worked,
    /// Has visited.
    Visited,
    /// Interested in the place.
    Interest,
    /// An earlier engagement there.
    Past,
}

impl PlaceKind {
    fn from_code(code: u32) -> Option<Self> {
        Some(match code & 0xF {
            1 => Self::Home,
            2 => Self::Hometown,
            3 => Self::Family,
            4 => Self::Lived,
            5 => Self::Worked,
            6 => Self::Visited,
            7 => Self::Interest,
            8 => Self::Past,
            _ => return None,
        })
    }

    fn of_tie(kind: TieKind) -> Self {
        match kind {
            TieKind::Hometown => Self::Hometown,
            TieKind::Family => Self::Family,
            TieKind::Lived => Self::Lived,
            TieKind::Worked => Self::Worked,
            TieKind::Visited => Self::Visited,
            TieKind::Interest => Self::Interest,
        }
    }
}

/// A place packed in 32 bits: kind (4 bits), prefecture code (6), city id (22).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlaceCode(pub u32);

impl PlaceCode {
    pub(crate) fn new(kind: PlaceKind, prefecture: u8, city: u32) -> Self {
        let city = if city > MAX_CITY { 0 } else { city };
        Self(kind as u32 | u32::from(prefecture & 0x3F) << 4 | city << 10)
    }

    pub(crate) fn kind(self) -> Option<PlaceKind> {
        PlaceKind::from_code(self.0)
    }

    pub(crate) fn prefecture(self) -> u8 {
        ((self.0 >> 4) & 0x3F) as u8
    }

    pub(crate) fn city(self) -> u32 {
        self.0 >> 10
    }
}

/// A skill and level packed in 16 bits: skill id (13 bits), level (3 bits, capped at 7).
pub(crate) fn skill_code(id: u16, level: u8) -> u16 {
    id << 3 | u16::from(level.min(7))
}

/// The skill id of a skill code.
pub(crate) fn code_skill(code: u16) -> u16 {
    code >> 3
}

/// The level of a skill code.
pub(crate) fn code_level(code: u16) -> u8 {
    (code & 7) as u8
}

/// The dense id of a skill key (or, leniently, of free text naming a skill).
pub(crate) fn skill_id_of(key: &str) -> Option<u16> {
    taxonomy::skill_id(key)
        .or_else(|| taxonomy::resolve_skill(key).and_then(|skill| taxonomy::skill_id(skill.key)))
        .filter(|&id| id <= MAX_SKILL)
}

/// The bit of a theme key (or free text naming a theme) in a theme mask.
pub(crate) fn theme_bit(key: &str) -> u32 {
    let theme = taxonomy::theme(key).or_else(|| taxonomy::resolve_theme(key));
    theme
        .and_then(|theme| {
            taxonomy::themes()
                .iter()
                .position(|candidate| candidate.key == theme.key)
        })
        .filter(|&position| position < 32)
        .map_or(0, |position| 1 << position)
}

/// The theme mask of a list of theme keys.
pub(crate) fn theme_mask(keys: &[String]) -> u32 {
    keys.iter().fold(0, |mask, key| mask | theme_bit(key))
}

/// The bit of a meeting slot in a slot mask.
pub(crate) fn slot_bit(slot: MeetingSlot) -> u8 {
    1 << (slot as u8)
}

/// The slot mask of a list of meeting slots.
pub(crate) fn slot_mask(slots: &[MeetingSlot]) -> u8 {
    slots.iter().fold(0, |mask, &slot| mask | slot_bit(slot))
}

/// The JIS code of a prefecture in any spelling the taxonomy accepts; 0 if unknown.
pub(crate) fn prefecture_code(name: &str) -> u8 {
    taxonomy::prefecture(name).map_or(0, |prefecture| prefecture.code)
}

/// The day number of a date: 1 for 2000-01-01, not clamped.
pub(crate) fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - EPOCH_DAYS_FROM_CE + 1
}

/// The day number of a start date as a row stores it: 0 for "now", clamped to
/// `1..=65535` (2000-01-01 to 2179).
fn stored_day(date: Option<NaiveDate>) -> u16 {
    date.map_or(0, |date| {
        u16::try_from(day_number(date).clamp(1, i32::from(u16::MAX))).unwrap_or(u16::MAX)
    })
}

/// Free-text place and industry names as small ids.
///
/// A need's names are looked up (never added) when it is ranked against an index, so
/// a name no profile uses gets no id and matches nothing, as it should.
#[derive(Debug, Clone, Default)]
pub(crate) struct Vocab {
    cities: HashMap<String, u32>,
    industries: HashMap<String, u16>,
}

/// The city id a need uses for a city that no profile names.
pub(crate) const UNSEEN_CITY: u32 = u32::MAX;
/// The industry id a need uses for an industry that no profile names.
pub(crate) const UNSEEN_INDUSTRY: u16 = u16::MAX;

impl Vocab {
    /// The id of a city; [`UNSEEN_CITY`] if no profile has named it; 0 if blank.
    pub(crate) fn city(&self, name: &str) -> u32 {
        match city_form(name) {
            None => 0,
            Some(form) => self.cities.get(&form).copied().unwrap_or(UNSEEN_CITY),
        }
    }

    /// The id of a city, adding it if new; 0 if blank or the vocabulary is full.
    pub(crate) fn intern_city(&mut self, name: &str) -> u32 {
        let Some(form) = city_form(name) else {
            return 0;
        };
        let next = u32::try_from(self.cities.len() + 1).unwrap_or(u32::MAX);
        if next > MAX_CITY && !self.cities.contains_key(&form) {
            return 0;
        }
        *self.cities.entry(form).or_insert(next)
    }

    /// The id of an industry; [`UNSEEN_INDUSTRY`] if no profile has named it; 0 if
    /// blank.
    pub(crate) fn industry(&self, name: &str) -> u16 {
        match industry_form(name) {
            None => 0,
            Some(form) => self
                .industries
                .get(&form)
                .copied()
                .unwrap_or(UNSEEN_INDUSTRY),
        }
    }

    /// The id of an industry, adding it if new; 0 if blank or the vocabulary is full.
    pub(crate) fn intern_industry(&mut self, name: &str) -> u16 {
        let Some(form) = industry_form(name) else {
            return 0;
        };
        let next = u16::try_from(self.industries.len() + 1).unwrap_or(UNSEEN_INDUSTRY);
        if next == UNSEEN_INDUSTRY && !self.industries.contains_key(&form) {
            return 0;
        }
        *self.industries.entry(form).or_insert(next)
    }

    /// Approximate heap size.
    pub(crate) fn heap_bytes(&self) -> usize {
        let strings: usize = self.cities.keys().map(String::capacity).sum::<usize>()
            + self.industries.keys().map(String::capacity).sum::<usize>();
        strings
            + self.cities.capacity() * (std::mem::size_of::<(String, u32)>() + 1)
            + self.industries.capacity() * (std::mem::size_of::<(String, u16)>() + 1)
    }
}

fn city_form(name: &str) -> Option<String> {
    Some(taxonomy::lookup_form(name)).filter(|form| !form.is_empty())
}

fn industry_form(name: &str) -> Option<String> {
    if let Some(industry) = taxonomy::resolve_industry(name) {
        return Some(industry.key.to_owned());
    }
    city_form(name)
}

/// A term as a 64-bit key. Terms of up to eight bytes (every CJK bigram, most
/// words) are packed losslessly; longer words are hashed, with the top byte set to
/// `0xFF`, which no packed UTF-8 term has, so only two long words can ever collide.
pub(crate) fn term_key(term: &str) -> u64 {
    let bytes = term.as_bytes();
    if bytes.len() <= 8 {
        let mut packed = [0u8; 8];
        packed[..bytes.len()].copy_from_slice(bytes);
        return u64::from_le_bytes(packed);
    }
    // FNV-1a: stable across builds and platforms, unlike `DefaultHasher`.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash | 0xFF << 56
}

/// A profile's text as BM25 sees it: distinct term keys with their counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Doc {
    /// `(term key, term frequency)`, sorted by key, keys distinct.
    pub terms: Vec<(u64, u16)>,
    /// Number of tokens (saturating).
    pub len: u16,
}

impl Doc {
    /// The terms of `texts`, tokenised one after the other (no bigram spans two).
    pub(crate) fn new(texts: &[&str]) -> Self {
        let mut keys = Vec::new();
        for text in texts {
            text::for_each_token(text, |token| keys.push(term_key(token)));
        }
        let len = u16::try_from(keys.len()).unwrap_or(u16::MAX);
        keys.sort_unstable();
        let mut terms: Vec<(u64, u16)> = Vec::new();
        for key in keys {
            match terms.last_mut() {
                Some((last, count)) if *last == key => *count = count.saturating_add(1),
                _ => terms.push((key, 1)),
            }
        }
        Self { terms, len }
    }

    /// The text a profile is searched by: motivation, then headline. The bio is left
    /// out on purpose: it describes a career, the motivation says what they want.
    pub(crate) fn of_profile(profile: &Profile) -> Self {
        Self::new(&[&profile.motivation, &profile.headline])
    }

    /// How often `key` occurs; 0 if it does not.
    pub(crate) fn tf(&self, key: u64) -> u16 {
        self.terms
            .binary_search_by_key(&key, |&(term, _)| term)
            .map_or(0, |position| self.terms[position].1)
    }
}

/// The fixed-width part of a row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Scalars {
    /// [`ALIVE`], [`ACTIVE`], [`PRO_BONO_OK`], style, work style, meeting slots.
    pub flags: u32,
    /// Hours offered per month.
    pub hours: u16,
    /// First day available as a stored day number; 0 for now.
    pub available_from: u16,
    /// Lowest paid fee per month, JPY.
    pub min_compensation: u32,
    /// Most on-site visits a month.
    pub max_visits: u8,
    /// Most engagements at once.
    pub max_engagements: u8,
    /// Engagements held now.
    pub active_engagements: u8,
    /// JIS code of the home prefecture; 0 if unknown.
    pub home_prefecture: u8,
    /// Theme mask.
    pub themes: u32,
    /// Years in each role, four bits per role in [`Role::ALL`](crate::model::Role::ALL)
    /// order, capped at 15.
    pub role_years: u64,
    /// Number of text tokens.
    pub doc_len: u16,
}

impl Scalars {
    pub(crate) fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    pub(crate) fn style(&self) -> Style {
        match (self.flags >> STYLE_SHIFT) & 3 {
            0 => Style::HandsOn,
            1 => Style::Advisory,
            _ => Style::Either,
        }
    }

    pub(crate) fn work_style(&self) -> WorkStyle {
        match (self.flags >> WORK_STYLE_SHIFT) & 3 {
            0 => WorkStyle::Remote,
            1 => WorkStyle::Hybrid,
            _ => WorkStyle::Onsite,
        }
    }

    pub(crate) fn slots(&self) -> u8 {
        ((self.flags >> SLOTS_SHIFT) & 7) as u8
    }

    /// Years in the role at `shift` (`4 × role index`).
    pub(crate) fn years_in(&self, shift: u32) -> u8 {
        ((self.role_years >> shift) & 0xF) as u8
    }
}

/// A row as the kernels read it, borrowed from an index's columns or from an
/// [`Encoded`] profile.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRef<'a> {
    pub s: Scalars,
    /// Skill codes (see [`skill_code`]), in the profile's order.
    pub skills: &'a [u16],
    /// Industry ids.
    pub industries: &'a [u16],
    /// Place codes: home, then ties, then earlier engagements.
    pub places: &'a [u32],
}

/// A profile encoded on its own.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Encoded {
    pub s: Scalars,
    pub skills: Vec<u16>,
    pub industries: Vec<u16>,
    pub places: Vec<u32>,
    pub doc: Doc,
}

impl Encoded {
    /// Encodes `profile`, adding its cities and industries to `vocab`.
    pub(crate) fn new(profile: &Profile, vocab: &mut Vocab) -> Self {
        let mut flags = ALIVE;
        if profile.active {
            flags |= ACTIVE;
        }
        if profile.pro_bono_ok {
            flags |= PRO_BONO_OK;
        }
        flags |= (profile.style as u32) << STYLE_SHIFT;
        flags |= (profile.work_style as u32) << WORK_STYLE_SHIFT;
        flags |= u32::from(slot_mask(&profile.meeting_slots)) << SLOTS_SHIFT;

        let mut role_years = 0u64;
        for held in &profile.roles {
            let shift = 4 * held.role as u32;
            let years = u64::from(held.years.min(15));
            let current = (role_years >> shift) & 0xF;
            role_years = role_years & !(0xF << shift) | current.max(years) << shift;
        }

        let skills = profile
            .skills
            .iter()
            .filter_map(|skill| skill_id_of(&skill.skill).map(|id| skill_code(id, skill.level)))
            .collect();
        let mut industries: Vec<u16> = Vec::new();
        for industry in &profile.industries {
            let id = vocab.intern_industry(industry);
            if id != 0 && !industries.contains(&id) {
                industries.push(id);
            }
        }

        let home_prefecture = prefecture_code(&profile.home.prefecture);
        let mut places = Vec::new();
        let mut push = |kind, place: &crate::model::Place, vocab: &mut Vocab| {
            let prefecture = prefecture_code(&place.prefecture);
            // A place whose prefecture is unknown can match nothing: leave it out.
            if prefecture != 0 {
                places.push(PlaceCode::new(kind, prefecture, vocab.intern_city(&place.city)).0);
            }
        };
        push(PlaceKind::Home, &profile.home, vocab);
        for tie in &profile.ties {
            push(PlaceKind::of_tie(tie.kind), &tie.place, vocab);
        }
        for place in &profile.past_engagements {
            push(PlaceKind::Past, place, vocab);
        }

        let doc = Doc::of_profile(profile);
        Self {
            s: Scalars {
                flags,
                hours: profile.hours_per_month,
                available_from: stored_day(profile.available_from),
                min_compensation: profile.min_compensation_jpy,
                max_visits: profile.max_onsite_visits_per_month,
                max_engagements: profile.max_engagements,
                active_engagements: profile.active_engagements,
                home_prefecture,
                themes: theme_mask(&profile.themes),
                role_years,
                doc_len: doc.len,
            },
            skills,
            industries,
            places,
            doc,
        }
    }

    /// The row view of this profile.
    pub(crate) fn row(&self) -> RowRef<'_> {
        RowRef {
            s: self.s,
            skills: &self.skills,
            industries: &self.industries,
            places: &self.places,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_start_at_2000() {
        let first = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
        assert_eq!(day_number(first), 1);
        assert_eq!(stored_day(Some(first)), 1);
        assert_eq!(stored_day(None), 0);
        let before = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        assert_eq!(stored_day(Some(before)), 1);
    }

    #[test]
    fn short_terms_pack_without_collisions_and_long_ones_hash_apart() {
        assert_ne!(term_key("伝統"), term_key("統工"));
        // Tokens never hold NUL (it is not a word or CJK character), so zero padding
        // cannot make two distinct tokens equal.
        assert!(
            crate::text::tokenize("ec\u{0}")
                .iter()
                .all(|t| !t.contains('\u{0}'))
        );
        assert_ne!(term_key("ec"), term_key("ecc"));
        let long = term_key("transformation");
        assert_eq!(long >> 56, 0xFF);
        assert_ne!(long, term_key("transformations"));
    }

    #[test]
    fn doc_counts_terms() {
        let doc = Doc::new(&["伝統工芸と伝統", "EC"]);
        assert_eq!(doc.len, 7);
        assert_eq!(doc.tf(term_key("伝統")), 2);
        assert_eq!(doc.tf(term_key("ec")), 1);
        assert_eq!(doc.tf(term_key("漆器")), 0);
    }

    #[test]
    fn the_taxonomy_fits_the_codes() {
        assert!(taxonomy::skill_count() <= usize::from(MAX_SKILL) + 1);
        assert!(taxonomy::themes().len() <= 32, "theme masks are 32 bits");
        assert!(taxonomy::prefectures().iter().all(|p| p.code < 64));
        assert!(crate::model::MeetingSlot::ALL.len() <= 3);
    }

    #[test]
    fn place_codes_round_trip() {
        let code = PlaceCode::new(PlaceKind::Hometown, 20, 12_345);
        assert_eq!(code.kind(), Some(PlaceKind::Hometown));
        assert_eq!(code.prefecture(), 20);
        assert_eq!(code.city(), 12_345);
    }
}
