//! A columnar, incrementally updatable index of profiles for fast scans.
//!
//! Profiles are encoded once, on [`upsert`](ProfileIndex::upsert), into columns
//! the ranking scan reads in row order, and into an inverted index of their text
//! ([`Corpus`]). The profile structs themselves are not kept: every score and
//! every reason is computed from the columns.
//!
//! | column | bytes a row | holds |
//! |---|---|---|
//! | `ids` | 16 | the profile id |
//! | `flags` | 4 | alive, active, pro bono, style, work style, meeting slots, list lengths |
//! | `hours`, `available_from`, `doc_len` | 2 each | hours a month, start day, text length |
//! | `min_compensation` | 4 | lowest fee |
//! | `caps` | 4 | visits, max and current engagements, home prefecture |
//! | `themes` | 4 | theme bitmask |
//! | `role_years` | 8 | years per role, four bits each |
//! | `skills` | 12 | up to six `(skill id, level)` in 16 bits each |
//! | `industries` | 4 | up to two industry ids |
//! | `places` | 16 | up to four `(kind, prefecture, city)` in 32 bits each: home, ties, earlier engagements |
//!
//! That is 78 bytes a row, plus about 8 for the id table, plus the text: postings
//! (one or two bytes a distinct term) and forward lists (about the same) that keep
//! document frequencies exact under removal. Longer lists (a seventh skill, a fifth
//! place) spill into a side table for that row only. Measured on the benchmark's
//! million synthetic profiles (two or three sentences of motivation each, see
//! `bench/matcher/run.sh`): 229 bytes a profile after
//! [`build`](ProfileIndex::build) (218 MiB).
//!
//! Updates never rebuild: an upsert writes one row (reusing a freed one), appends
//! its postings, and does a bounded share of clean-up of removed rows' postings
//! (under a millisecond at a million profiles). Upserting a profile whose text did
//! not change rewrites its columns in place and keeps its postings.
//!
//! Ranking is in [`ProfileIndex::rank`] and [`ProfileIndex::rank_batch`]; the
//! bytes a scan reads can be streamed with [`ProfileIndex::scan_bytes`] (or
//! [`ProfileIndex::stream_read`]) as the baseline a scan's speed is judged by.
//!
//! ```
//! use chrono::NaiveDate;
//! use musubi_matcher::index::{ProfileIndex, RankRequest};
//! # use musubi_matcher::model::*;
//! # fn need() -> Need { Need { id: 1, place: Place { prefecture: "長野県".into(), city: "塩尻市".into() },
//! #   industry: "public_sector".into(), title: "CMO".into(), description: "塩尻市の魅力を発信".into(), goal: String::new(),
//! #   role: Role::Cmo, style: Style::Either, skills: vec![], themes: vec![], hours_min: 16, hours_max: 32,
//! #   duration_months: 6, work_style: WorkStyle::Remote, onsite_visits_per_month: 0, meeting_slots: vec![],
//! #   compensation_min_jpy: 50_000, compensation_max_jpy: 100_000, pro_bono: false, headcount: 1, apply_by: None } }
//! # fn profile(id: u128, hours: u16) -> Profile { Profile { id, active: true, headline: String::new(), bio: String::new(),
//! #   motivation: "塩尻の魅力を発信したい".into(), skills: vec![], roles: vec![], industries: vec![], themes: vec![],
//! #   style: Style::Either, hours_per_month: hours, available_from: None, max_engagements: 1, active_engagements: 0,
//! #   work_style: WorkStyle::Remote, max_onsite_visits_per_month: 0, home: Place::default(), ties: vec![],
//! #   past_engagements: vec![], meeting_slots: vec![], min_compensation_jpy: 0, pro_bono_ok: false } }
//!
//! let mut index = ProfileIndex::new();
//! index.upsert(&profile(7, 24));
//! index.upsert(&profile(8, 4)); // too few hours: excluded
//! let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
//! let ranked = index.rank(&need(), &RankRequest::new(20, today));
//! assert_eq!(ranked.len(), 1);
//! assert_eq!(ranked[0].profile_id, 7);
//! ```

mod bounds;
mod corpus;
mod idmap;
mod pool;
mod rank;
mod scan;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

pub use corpus::Corpus;
pub use pool::{BUDGET_STEP, Change, Constraint, Limit, Pool, PoolRequest};
pub use rank::{Candidate, Mode, RankRequest};

use crate::factors::encode::{
    ACTIVE, ALIVE, Encoded, RowRef, SCALAR_FLAG_BITS, Scalars, Vocab, code_level, code_skill,
};
use crate::model::{Id, Profile};
use crate::score::display_row;
use crate::taxonomy;

use idmap::IdMap;

const SKILL_SLOTS: usize = 6;
const INDUSTRY_SLOTS: usize = 2;
const PLACE_SLOTS: usize = 4;

/// Flag: this row's lists are in the overflow table.
pub(crate) const OVERFLOW: u32 = 1 << SCALAR_FLAG_BITS;
const SKILL_COUNT_SHIFT: u32 = SCALAR_FLAG_BITS + 1;
const INDUSTRY_COUNT_SHIFT: u32 = SCALAR_FLAG_BITS + 4;
const PLACE_COUNT_SHIFT: u32 = SCALAR_FLAG_BITS + 6;
/// An empty skill slot: code 0 (skill 0 at level 0) earns nothing in any need.
const EMPTY_SKILL: u16 = 0;

/// The lists of a row too long for its inline slots.
#[derive(Debug, Clone, Default)]
struct Overflow {
    skills: Box<[u16]>,
    industries: Box<[u16]>,
    places: Box<[u32]>,
}

/// A columnar index of profiles (see the [module documentation](self)).
#[derive(Debug, Clone, Default)]
pub struct ProfileIndex {
    ids: Vec<Id>,
    flags: Vec<u32>,
    hours: Vec<u16>,
    available_from: Vec<u16>,
    doc_len: Vec<u16>,
    min_compensation: Vec<u32>,
    caps: Vec<[u8; 4]>,
    themes: Vec<u32>,
    role_years: Vec<u64>,
    skills: Vec<[u16; SKILL_SLOTS]>,
    industries: Vec<[u16; INDUSTRY_SLOTS]>,
    places: Vec<[u32; PLACE_SLOTS]>,
    overflow: HashMap<u32, Overflow>,
    id_map: IdMap,
    free: Vec<u32>,
    live: usize,
    /// The longest text ever indexed, in tokens (an upper bound for tables).
    max_doc_len: u16,
    vocab: Vocab,
    corpus: Corpus,
}

/// A typed view of one column or posting list, for a streaming-read baseline.
#[derive(Debug, Clone, Copy)]
pub enum ColumnSlice<'a> {
    /// Bytes.
    U8(&'a [u8]),
    /// 16-bit values.
    U16(&'a [u16]),
    /// 32-bit values.
    U32(&'a [u32]),
    /// 64-bit values.
    U64(&'a [u64]),
    /// 128-bit values.
    U128(&'a [u128]),
}

impl ColumnSlice<'_> {
    /// Size in bytes.
    pub fn len_bytes(&self) -> usize {
        match self {
            ColumnSlice::U8(slice) => slice.len(),
            ColumnSlice::U16(slice) => slice.len() * 2,
            ColumnSlice::U32(slice) => slice.len() * 4,
            ColumnSlice::U64(slice) => slice.len() * 8,
            ColumnSlice::U128(slice) => slice.len() * 16,
        }
    }

    /// A wrapping sum of every value: reads every byte, as fast as memory allows.
    pub fn checksum(&self) -> u64 {
        match self {
            ColumnSlice::U8(slice) => slice
                .iter()
                .fold(0u64, |sum, &x| sum.wrapping_add(u64::from(x))),
            ColumnSlice::U16(slice) => slice
                .iter()
                .fold(0u64, |sum, &x| sum.wrapping_add(u64::from(x))),
            ColumnSlice::U32(slice) => slice
                .iter()
                .fold(0u64, |sum, &x| sum.wrapping_add(u64::from(x))),
            ColumnSlice::U64(slice) => slice.iter().fold(0u64, |sum, &x| sum.wrapping_add(x)),
            ColumnSlice::U128(slice) => slice.iter().fold(0u64, |sum, &x| {
                sum.wrapping_add(x as u64).wrapping_add((x >> 64) as u64)
            }),
        }
    }
}

/// What the index holds about one profile (structured fields only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedProfile {
    /// The profile id.
    pub id: Id,
    /// Whether it is active.
    pub active: bool,
    /// Hours offered a month.
    pub hours_per_month: u16,
    /// `(skill key, level)` as indexed (unknown skills are dropped).
    pub skills: Vec<(&'static str, u8)>,
    /// The pseudonymous display line (see [`display`](crate::score::display)).
    pub display: String,
}

impl ProfileIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// An index of `profiles` (later ones win on a repeated id), with spare
    /// capacity released.
    pub fn build<'a>(profiles: impl IntoIterator<Item = &'a Profile>) -> Self {
        let profiles = profiles.into_iter();
        let mut index = Self::new();
        index.reserve(profiles.size_hint().0);
        for profile in profiles {
            index.upsert(profile);
        }
        index.compact();
        index
    }

    /// Makes room for `additional` more profiles in every column at once, so that
    /// loading many does not grow (and copy) the columns step by step.
    pub fn reserve(&mut self, additional: usize) {
        // Rows freed by removals are taken first.
        self.reserve_rows(additional.saturating_sub(self.free.len()));
    }

    /// Profiles held.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether no profile is held.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Rows allocated, live or not (the length of every column).
    pub fn rows(&self) -> usize {
        self.ids.len()
    }

    /// Whether `id` is held.
    pub fn contains(&self, id: Id) -> bool {
        self.id_map.get(id, &self.ids).is_some()
    }

    /// The text statistics, for [`Context::with_corpus`](crate::score::Context::with_corpus).
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Adds `profile`, or replaces the one with its id.
    pub fn upsert(&mut self, profile: &Profile) {
        let encoded = Encoded::new(profile, &mut self.vocab);
        if let Some(row) = self.id_map.get(profile.id, &self.ids) {
            if self.corpus.holds(row, &encoded.doc) {
                // Same text: rewrite the columns, keep the postings.
                self.write_row(row, profile.id, &encoded);
                return;
            }
            self.kill(row);
        }
        let row = self.allocate_row();
        self.write_row(row, profile.id, &encoded);
        self.corpus.add(row, &encoded.doc);
        self.id_map.insert(profile.id, row, &self.ids);
        self.live += 1;
        self.reclaim(false);
    }

    /// Removes the profile with `id`; returns whether it was held.
    pub fn remove(&mut self, id: Id) -> bool {
        let Some(row) = self.id_map.get(id, &self.ids) else {
            return false;
        };
        self.kill(row);
        self.reclaim(false);
        true
    }

    /// What the index holds about `id`.
    pub fn get(&self, id: Id) -> Option<IndexedProfile> {
        let row = self.id_map.get(id, &self.ids)?;
        let view = self.row_ref(row as usize);
        Some(IndexedProfile {
            id,
            active: view.s.has(ACTIVE),
            hours_per_month: view.s.hours,
            skills: view
                .skills
                .iter()
                .filter_map(|&code| {
                    taxonomy::skill_by_id(code_skill(code))
                        .map(|skill| (skill.key, code_level(code)))
                })
                .collect(),
            display: display_row(&view),
        })
    }

    /// How many engagements `id`'s profile takes at once (`max_engagements`), if
    /// indexed.
    pub fn max_engagements(&self, id: Id) -> Option<u8> {
        let row = self.id_map.get(id, &self.ids)?;
        Some(self.caps[row as usize][1])
    }

    /// Finishes every pending clean-up and releases spare capacity.
    pub fn compact(&mut self) {
        self.reclaim(true);
        self.corpus.shrink_to_fit();
        self.ids.shrink_to_fit();
        self.flags.shrink_to_fit();
        self.hours.shrink_to_fit();
        self.available_from.shrink_to_fit();
        self.doc_len.shrink_to_fit();
        self.min_compensation.shrink_to_fit();
        self.caps.shrink_to_fit();
        self.themes.shrink_to_fit();
        self.role_years.shrink_to_fit();
        self.skills.shrink_to_fit();
        self.industries.shrink_to_fit();
        self.places.shrink_to_fit();
        self.free.shrink_to_fit();
    }

    /// Approximate heap bytes held (columns, tables, postings, vocabularies).
    pub fn memory_bytes(&self) -> usize {
        fn vec<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        let overflow: usize = self
            .overflow
            .values()
            .map(|o| o.skills.len() * 2 + o.industries.len() * 2 + o.places.len() * 4)
            .sum::<usize>()
            + self.overflow.capacity() * (std::mem::size_of::<(u32, Overflow)>() + 1);
        vec(&self.ids)
            + vec(&self.flags)
            + vec(&self.hours)
            + vec(&self.available_from)
            + vec(&self.doc_len)
            + vec(&self.min_compensation)
            + vec(&self.caps)
            + vec(&self.themes)
            + vec(&self.role_years)
            + vec(&self.skills)
            + vec(&self.industries)
            + vec(&self.places)
            + vec(&self.free)
            + overflow
            + self.id_map.heap_bytes()
            + self.vocab.heap_bytes()
            + self.corpus.heap_bytes()
    }

    /// Visits every column and posting list a ranking reads, typed, for a
    /// streaming-read baseline: reading all of them once is the floor a scan is
    /// measured against.
    pub fn scan_bytes<'a>(&'a self, mut visit: impl FnMut(ColumnSlice<'a>)) {
        visit(ColumnSlice::U128(&self.ids));
        visit(ColumnSlice::U32(&self.flags));
        visit(ColumnSlice::U16(&self.hours));
        visit(ColumnSlice::U16(&self.available_from));
        visit(ColumnSlice::U16(&self.doc_len));
        visit(ColumnSlice::U32(&self.min_compensation));
        visit(ColumnSlice::U8(self.caps.as_flattened()));
        visit(ColumnSlice::U32(&self.themes));
        visit(ColumnSlice::U64(&self.role_years));
        visit(ColumnSlice::U16(self.skills.as_flattened()));
        visit(ColumnSlice::U16(self.industries.as_flattened()));
        visit(ColumnSlice::U32(self.places.as_flattened()));
        for list in self.corpus.byte_lists() {
            visit(ColumnSlice::U8(list));
        }
    }

    /// The streaming-read baseline: a checksum of every byte [`scan_bytes`]
    /// visits.
    ///
    /// [`scan_bytes`]: ProfileIndex::scan_bytes
    pub fn stream_read(&self) -> u64 {
        let mut sum = 0u64;
        self.scan_bytes(|slice| sum = sum.wrapping_add(slice.checksum()));
        sum
    }

    // ------------------------------------------------------------ rows

    /// Room for `more` rows in every column, exactly.
    fn reserve_rows(&mut self, more: usize) {
        self.ids.reserve_exact(more);
        self.flags.reserve_exact(more);
        self.hours.reserve_exact(more);
        self.available_from.reserve_exact(more);
        self.doc_len.reserve_exact(more);
        self.min_compensation.reserve_exact(more);
        self.caps.reserve_exact(more);
        self.themes.reserve_exact(more);
        self.role_years.reserve_exact(more);
        self.skills.reserve_exact(more);
        self.industries.reserve_exact(more);
        self.places.reserve_exact(more);
    }

    fn allocate_row(&mut self) -> u32 {
        if let Some(row) = self.free.pop() {
            return row;
        }
        if self.ids.len() == self.ids.capacity() {
            // Grow by an eighth, not double: a million-row index would otherwise
            // carry up to a million rows of spare columns after one insert.
            self.reserve_rows(self.ids.len() / 8 + 16);
        }
        self.ids.push(0);
        self.flags.push(0);
        self.hours.push(0);
        self.available_from.push(0);
        self.doc_len.push(0);
        self.min_compensation.push(0);
        self.caps.push([0; 4]);
        self.themes.push(0);
        self.role_years.push(0);
        self.skills.push([EMPTY_SKILL; SKILL_SLOTS]);
        self.industries.push([0; INDUSTRY_SLOTS]);
        self.places.push([0; PLACE_SLOTS]);
        u32::try_from(self.ids.len() - 1).unwrap_or(u32::MAX)
    }

    fn write_row(&mut self, row: u32, id: Id, encoded: &Encoded) {
        let r = row as usize;
        let s = &encoded.s;
        let fits = encoded.skills.len() <= SKILL_SLOTS
            && encoded.industries.len() <= INDUSTRY_SLOTS
            && encoded.places.len() <= PLACE_SLOTS;
        let mut flags = s.flags;
        if fits {
            self.overflow.remove(&row);
            flags |= (encoded.skills.len() as u32) << SKILL_COUNT_SHIFT
                | (encoded.industries.len() as u32) << INDUSTRY_COUNT_SHIFT
                | (encoded.places.len() as u32) << PLACE_COUNT_SHIFT;
            let mut skills = [EMPTY_SKILL; SKILL_SLOTS];
            skills[..encoded.skills.len()].copy_from_slice(&encoded.skills);
            let mut industries = [0; INDUSTRY_SLOTS];
            industries[..encoded.industries.len()].copy_from_slice(&encoded.industries);
            let mut places = [0; PLACE_SLOTS];
            places[..encoded.places.len()].copy_from_slice(&encoded.places);
            self.skills[r] = skills;
            self.industries[r] = industries;
            self.places[r] = places;
        } else {
            flags |= OVERFLOW;
            self.overflow.insert(
                row,
                Overflow {
                    skills: encoded.skills.clone().into_boxed_slice(),
                    industries: encoded.industries.clone().into_boxed_slice(),
                    places: encoded.places.clone().into_boxed_slice(),
                },
            );
            self.skills[r] = [EMPTY_SKILL; SKILL_SLOTS];
            self.industries[r] = [0; INDUSTRY_SLOTS];
            self.places[r] = [0; PLACE_SLOTS];
        }
        self.ids[r] = id;
        self.flags[r] = flags;
        self.hours[r] = s.hours;
        self.available_from[r] = s.available_from;
        self.doc_len[r] = s.doc_len;
        self.max_doc_len = self.max_doc_len.max(s.doc_len);
        self.min_compensation[r] = s.min_compensation;
        self.caps[r] = [
            s.max_visits,
            s.max_engagements,
            s.active_engagements,
            s.home_prefecture,
        ];
        self.themes[r] = s.themes;
        self.role_years[r] = s.role_years;
    }

    /// Takes a row out: statistics now, postings later, row number after that.
    fn kill(&mut self, row: u32) {
        let r = row as usize;
        self.id_map.remove(self.ids[r], &self.ids);
        self.corpus.remove(row, self.doc_len[r]);
        self.overflow.remove(&row);
        self.write_row(row, 0, &Encoded::default());
        self.flags[r] = 0;
        self.live -= 1;
    }

    fn reclaim(&mut self, everything: bool) {
        let flags = &self.flags;
        let freed = self.corpus.reclaim(
            |row| flags.get(row as usize).is_some_and(|&f| f & ALIVE != 0),
            everything,
        );
        self.free.extend(freed);
    }

    /// The row as the kernels read it.
    #[inline]
    pub(crate) fn row_ref(&self, r: usize) -> RowRef<'_> {
        let flags = self.flags[r];
        let caps = self.caps[r];
        let s = Scalars {
            flags,
            hours: self.hours[r],
            available_from: self.available_from[r],
            min_compensation: self.min_compensation[r],
            max_visits: caps[0],
            max_engagements: caps[1],
            active_engagements: caps[2],
            home_prefecture: caps[3],
            themes: self.themes[r],
            role_years: self.role_years[r],
            doc_len: self.doc_len[r],
        };
        if flags & OVERFLOW != 0
            && let Some(spill) = self.overflow.get(&(r as u32))
        {
            return RowRef {
                s,
                skills: &spill.skills,
                industries: &spill.industries,
                places: &spill.places,
            };
        }
        let skills = ((flags >> SKILL_COUNT_SHIFT) & 7) as usize;
        let industries = ((flags >> INDUSTRY_COUNT_SHIFT) & 3) as usize;
        let places = ((flags >> PLACE_COUNT_SHIFT) & 7) as usize;
        RowRef {
            s,
            skills: &self.skills[r][..skills.min(SKILL_SLOTS)],
            industries: &self.industries[r][..industries.min(INDUSTRY_SLOTS)],
            places: &self.places[r][..places.min(PLACE_SLOTS)],
        }
    }

    pub(crate) fn row_of(&self, id: Id) -> Option<u32> {
        self.id_map.get(id, &self.ids)
    }

    pub(crate) fn vocab(&self) -> &Vocab {
        &self.vocab
    }
}
