//! The scan: bounds for every row, exact scores for the few rows that pass.
//!
//! A batch of needs is ranked in chunks of [`WIDTH`]; each chunk reads the columns
//! once, a block of rows at a time. For each row the [`Bounds`] of all the chunk's
//! needs come from the same few lookups; a row goes on only for the needs whose
//! current floor its bound reaches, and is then scored exactly, need by need:
//! every factor but the text first, then — if the row can still get in with a
//! perfect text — the BM25 sum from its forward term list.

use crate::factors::bm25::contribution;
use crate::factors::kernel::{self, TextScores};
use crate::factors::query::NeedQuery;

use super::ProfileIndex;
use super::bounds::{BLOCK, Bounds, Stage, floor_units};
use super::rank::{Lane, Mode, RankRequest, SLACK};

/// Needs scored together in one pass.
pub(super) const WIDTH: usize = 16;

/// A need's text terms ordered by corpus id, for merging with a row's forward list.
#[derive(Debug, Clone, Default)]
pub(super) struct TextTerms {
    /// `(term id, position in the need's key order)`, by id.
    by_id: Vec<(u32, u16)>,
    /// Idf by position.
    idf: Vec<f32>,
    average_len: f32,
}

impl TextTerms {
    pub(super) fn new(q: &NeedQuery<'_>) -> Self {
        let terms = &q.text.profile_terms;
        let mut by_id: Vec<(u32, u16)> = terms
            .iter()
            .enumerate()
            .map(|(position, term)| (term.term, position as u16))
            .collect();
        by_id.sort_unstable();
        Self {
            by_id,
            idf: terms.iter().map(|term| term.idf).collect(),
            average_len: q.text.average_len,
        }
    }
}

/// A need's floor as a floor on its bounds, in units (see [`floor_units`]).
fn lane_floor(lane: &Lane<'_>, mode: Mode, stage: Stage) -> i16 {
    let floor = lane.floor(0) - SLACK;
    let points = match mode {
        Mode::Need => floor,
        // The bound is `harmonic(upper, 100)`: invert it.
        Mode::Reciprocal if floor > 0.0 => 100.0 * floor / (200.0 - floor),
        Mode::Reciprocal => f32::NEG_INFINITY,
    };
    let units = floor_units(points);
    if stage.include_excluded {
        units
    } else {
        // Every part of an eligible row's bound is at least 0, and an excluded row's
        // is far below: 0 keeps the excluded out while the heap still has room.
        units.max(0)
    }
}

impl ProfileIndex {
    /// Scans every row for up to [`WIDTH`] lanes, a block of rows at a time: the
    /// rows that pass a block's bounds are scored before the next block is bounded,
    /// with floors raised by them.
    pub(super) fn scan(&self, lanes: &mut [Lane<'_>], request: &RankRequest<'_>) {
        match lanes.len() {
            0 => {}
            1 => self.scan_with::<1>(lanes, request),
            2..=4 => self.scan_with::<4>(lanes, request),
            5..=8 => self.scan_with::<8>(lanes, request),
            _ => self.scan_with::<WIDTH>(lanes, request),
        }
    }

    fn scan_with<const L: usize>(&self, lanes: &mut [Lane<'_>], request: &RankRequest<'_>) {
        let stage = Stage {
            include_excluded: request.include_excluded,
        };
        let queries: Vec<&NeedQuery<'_>> = lanes.iter().map(|lane| &lane.q).collect();
        let bounds = Bounds::<L>::new(&queries, stage);
        let mut passed: Vec<(u32, u32)> = Vec::with_capacity(BLOCK);
        let mut scratch = Vec::new();
        let mut floor = [i16::MAX; L];
        for start in (0..self.rows()).step_by(BLOCK) {
            let end = (start + BLOCK).min(self.rows());
            for (floor, lane) in floor.iter_mut().zip(lanes.iter()) {
                *floor = lane_floor(lane, request.mode, stage);
            }
            passed.clear();
            bounds.scan(self, start, end, &floor, &mut passed);
            for &(r, mut which) in &passed {
                while which != 0 {
                    let n = which.trailing_zeros() as usize;
                    which &= which - 1;
                    if let Some(lane) = lanes.get_mut(n) {
                        self.exact(lane, r, request, &mut scratch);
                    }
                }
            }
        }
    }

    /// Scores row `r` exactly for one lane and offers it to the heap: every factor
    /// but the text first, then the text only if the row can still get in.
    pub(super) fn exact(
        &self,
        lane: &mut Lane<'_>,
        r: u32,
        request: &RankRequest<'_>,
        scratch: &mut Vec<f32>,
    ) {
        dbg_count(0);
        let ri = r as usize;
        if self
            .flags
            .get(ri)
            .is_none_or(|&f| f & crate::factors::encode::ALIVE == 0)
        {
            return;
        }
        let row = self.row_ref(ri);
        let q = &lane.q;
        let group = u8::from(kernel::exclusion_mask(q, &row) != 0);
        if group == 1 && !request.include_excluded {
            return;
        }
        let floor = lane.floor(group);
        if floor == f32::INFINITY {
            return;
        }
        let w = q.weights;
        let skill = kernel::skill_fit(q, row.skills);
        let parts = [
            kernel::experience_fit(q, &row),
            kernel::availability_fit(q, &row),
            kernel::regional_affinity(q, &row),
            kernel::work_style_fit(q, &row),
            kernel::compensation_fit(q, &row),
        ];
        let perfect_text = TextScores {
            motivation: 1.0,
            proposal: 0.0,
        };
        let best_motivation = kernel::motivation_value(q, row.s.themes, perfect_text);
        let upper = 100.0
            * (w[0] * skill
                + w[1] * best_motivation
                + w[2] * parts[0]
                + w[3] * parts[1]
                + w[4] * parts[2]
                + w[5] * parts[3]
                + w[6] * parts[4]);
        if lane.bound(request.mode, upper) < floor {
            return;
        }
        dbg_count(1);
        let proposal = lane.proposal(r).map_or(0.0, |p| p.1);
        let text = TextScores::from_raw(q, self.text_sum(&lane.text, r, scratch), proposal);
        let scores = [
            skill,
            kernel::motivation_value(q, row.s.themes, text),
            parts[0],
            parts[1],
            parts[2],
            parts[3],
            parts[4],
        ];
        lane.offer(r, &row, || self.ids[ri], group, &scores, request.mode);
    }

    /// The BM25 sum of row `r`'s text against a need, from the row's forward list,
    /// summed in the need's key order exactly as [`raw_score`] sums it (an absent
    /// term adds `+0.0`, which changes no sum).
    ///
    /// [`raw_score`]: crate::factors::bm25::raw_score
    pub(super) fn text_sum(&self, terms: &TextTerms, r: u32, contributions: &mut Vec<f32>) -> f32 {
        if terms.by_id.is_empty() {
            return 0.0;
        }
        contributions.clear();
        contributions.resize(terms.idf.len(), 0.0);
        let len = self.doc_len.get(r as usize).copied().unwrap_or(0);
        let mut wanted = terms.by_id.iter().peekable();
        for (id, tf) in self.corpus().forward_terms(r) {
            while wanted.next_if(|&&(term, _)| term < id).is_some() {}
            match wanted.peek() {
                None => break,
                Some(&&(term, position)) if term == id => {
                    if let Some(slot) = contributions.get_mut(usize::from(position)) {
                        let idf = terms.idf[usize::from(position)];
                        *slot = contribution(idf, tf, len, terms.average_len);
                    }
                }
                Some(_) => {}
            }
        }
        let mut sum = 0.0f32;
        for &value in contributions.iter() {
            sum += value;
        }
        sum
    }
}

static DBG: [std::sync::atomic::AtomicU64; 4] = [const { std::sync::atomic::AtomicU64::new(0) }; 4];
fn dbg_count(i: usize) {
    DBG[i].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}
#[allow(missing_docs)]
pub fn dbg_report() -> String {
    format!(
        "exact {} text {}",
        DBG[0].load(std::sync::atomic::Ordering::Relaxed),
        DBG[1].load(std::sync::atomic::Ordering::Relaxed)
    )
}
