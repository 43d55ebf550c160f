//! The scan: bounds for every row, exact scores for the few rows that pass.
//!
//! A batch of needs is ranked in chunks of [`WIDTH`]; each chunk reads the columns
//! once, a block of rows at a time. For each row the [`Bounds`] of all the chunk's
//! needs come from the same few lookups; a row goes on only for the needs whose
//! current floor its bound reaches, and is then scored exactly, need by need:
//! every factor but the text first; then, for the pairs that could still get in
//! with a perfect text, the BM25 sum from the row's forward term list, read once
//! for all the needs that want it.

use crate::factors::bm25::contribution;
use crate::factors::encode::ALIVE;
use crate::factors::kernel::{self, TextScores};
use crate::factors::query::NeedQuery;

use super::ProfileIndex;
use super::bounds::{BLOCK, Bounds, Stage, floor_units};
use super::rank::{Lane, Mode, RankRequest, SLACK};

/// Needs scored together in one pass.
pub(super) const WIDTH: usize = 16;
/// Pairs set aside for their text before they are scored, best first.
const FLUSH: usize = 256;

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

    /// The BM25 sum of row `r`'s text against the need, from the row's forward
    /// list: summed in the need's key order exactly as [`raw_score`] sums it (an
    /// absent term adds `+0.0`, which changes no sum).
    ///
    /// [`raw_score`]: crate::factors::bm25::raw_score
    fn sum(&self, index: &ProfileIndex, r: u32, contributions: &mut Vec<f32>) -> f32 {
        let Some(&(last, _)) = self.by_id.last() else {
            return 0.0;
        };
        contributions.clear();
        contributions.resize(self.idf.len(), 0.0);
        let len = index.doc_len.get(r as usize).copied().unwrap_or(0);
        let mut next = 0;
        index.corpus().visit_forward(r, |id, tf| {
            while self.by_id.get(next).is_some_and(|&(term, _)| term < id) {
                next += 1;
            }
            if let Some(&(term, position)) = self.by_id.get(next)
                && term == id
            {
                let position = usize::from(position);
                if let (Some(slot), Some(&idf)) =
                    (contributions.get_mut(position), self.idf.get(position))
                {
                    *slot = contribution(idf, tf, len, self.average_len);
                }
            }
            id < last
        });
        let mut sum = 0.0f32;
        for &value in contributions.iter() {
            sum += value;
        }
        sum
    }
}

/// A pair scored on everything but its text, waiting for the text.
struct Pending {
    row: u32,
    lane: usize,
    group: u8,
    /// The factor scores, motivation not yet known.
    scores: [f32; 7],
    /// The score with a perfect text.
    upper: f32,
}

/// Reusable buffers of a scan.
#[derive(Default)]
struct Scratch {
    passed: Vec<(u32, u32)>,
    pending: Vec<Pending>,
    contributions: Vec<f32>,
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
        // is below: 0 keeps the excluded out while the heap still has room.
        units.max(0)
    }
}

impl ProfileIndex {
    /// Scans every row for up to [`WIDTH`] lanes, a block of rows at a time: the
    /// pairs that pass a block's bounds are scored before the next block is bounded,
    /// so the floors rise as the scan goes.
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
        let mut scratch = Scratch::default();
        let mut floor = [i16::MAX; L];
        for start in (0..self.rows()).step_by(BLOCK) {
            let end = (start + BLOCK).min(self.rows());
            for (floor, lane) in floor.iter_mut().zip(lanes.iter()) {
                *floor = lane_floor(lane, request.mode, stage);
            }
            scratch.passed.clear();
            let t0 = std::time::Instant::now();
            bounds.scan(self, start, end, &floor, &mut scratch.passed);
            let t1 = std::time::Instant::now();
            for &(r, mut which) in &scratch.passed {
                while which != 0 {
                    let n = which.trailing_zeros() as usize;
                    which &= which - 1;
                    if let Some(lane) = lanes.get_mut(n)
                        && let Some(pending) = self.prescore(lane, n, r, request)
                    {
                        scratch.pending.push(pending);
                    }
                }
            }
            let t2 = std::time::Instant::now();
            let last = end == self.rows();
            if scratch.pending.len() >= FLUSH || last {
                self.finish(lanes, request, &mut scratch);
            }
            let t3 = std::time::Instant::now();
            timers::add(0, t1 - t0);
            timers::add(1, t2 - t1);
            timers::add(2, t3 - t2);
            timers::count(0, scratch.passed.len());
        }
    }

    /// Scores row `r` for lane `n` on everything but its text; `None` if it is
    /// excluded (and excluded rows are not wanted) or cannot get in even with a
    /// perfect text.
    fn prescore(
        &self,
        lane: &mut Lane<'_>,
        n: usize,
        r: u32,
        request: &RankRequest<'_>,
    ) -> Option<Pending> {
        let ri = r as usize;
        if self.flags.get(ri).is_none_or(|&f| f & ALIVE == 0) {
            return None;
        }
        let row = self.row_ref(ri);
        let q = &lane.q;
        timers::count(1, 1);
        let group = u8::from(kernel::exclusion_mask(q, &row) != 0);
        if group == 1 && !request.include_excluded {
            return None;
        }
        let floor = lane.floor(group);
        if floor == f32::INFINITY {
            return None;
        }
        let w = q.weights;
        let perfect_text = TextScores {
            motivation: 1.0,
            proposal: 0.0,
        };
        let scores = [
            kernel::skill_fit(q, row.skills),
            kernel::motivation_value(q, row.s.themes, perfect_text),
            kernel::experience_fit(q, &row),
            kernel::availability_fit(q, &row),
            kernel::regional_affinity(q, &row),
            kernel::work_style_fit(q, &row),
            kernel::compensation_fit(q, &row),
        ];
        let total = |scores: &[f32; 7]| {
            let mut sum = 0.0f32;
            for (weight, score) in w.iter().zip(scores) {
                sum += weight * score;
            }
            sum * 100.0
        };
        let upper = total(&scores);
        if lane.bound(request.mode, upper) < floor {
            return None;
        }
        if group == 0 && request.mode == Mode::Need {
            let proposal = lane.proposal(r).map_or(0.0, |p| p.1);
            let no_text = TextScores {
                motivation: 0.0,
                proposal,
            };
            let mut lowest = scores;
            lowest[1] = kernel::motivation_value(q, row.s.themes, no_text);
            lane.note_lower(total(&lowest));
        }
        Some(Pending {
            row: r,
            lane: n,
            group,
            scores,
            upper,
        })
    }

    /// The text of the pending pairs, then the heap. The rows' forward lists are
    /// first touched all together, so their cache misses overlap instead of queueing
    /// one behind another.
    fn finish(&self, lanes: &mut [Lane<'_>], request: &RankRequest<'_>, scratch: &mut Scratch) {
        // Best first: the pairs most likely to get in raise the floors, and the rest
        // then often fall below them without their text being read.
        scratch
            .pending
            .sort_unstable_by(|a, b| b.upper.total_cmp(&a.upper).then(a.row.cmp(&b.row)));
        let mut touched = 0u64;
        for pending in &scratch.pending {
            touched = touched.wrapping_add(u64::from(self.corpus().forward_start(pending.row)));
        }
        for pending in &scratch.pending {
            touched = touched.wrapping_add(u64::from(self.corpus().forward_head(pending.row)));
        }
        std::hint::black_box(touched);

        for pending in &scratch.pending {
            let Some(lane) = lanes.get_mut(pending.lane) else {
                continue;
            };
            // The floor may have risen since the pair was set aside.
            if lane.bound(request.mode, pending.upper) < lane.floor(pending.group) {
                continue;
            }
            let r = pending.row;
            timers::count(2, 1);
            let raw = lane.text.sum(self, r, &mut scratch.contributions);
            let q = &lane.q;
            let proposal = lane.proposal(r).map_or(0.0, |p| p.1);
            let text = TextScores::from_raw(q, raw, proposal);
            let row = self.row_ref(r as usize);
            let mut scores = pending.scores;
            scores[1] = kernel::motivation_value(q, row.s.themes, text);
            let ri = r as usize;
            lane.offer(
                r,
                &row,
                || self.ids[ri],
                pending.group,
                &scores,
                request.mode,
            );
        }
        scratch.pending.clear();
    }

    /// Scores row `r` exactly for one lane and offers it to the heap (the path of a
    /// need's applicants, who are few).
    pub(super) fn exact(
        &self,
        lane: &mut Lane<'_>,
        r: u32,
        request: &RankRequest<'_>,
        contributions: &mut Vec<f32>,
    ) {
        let Some(pending) = self.prescore(lane, 0, r, request) else {
            return;
        };
        let q = &lane.q;
        let raw = self.text_sum(&lane.text, r, contributions);
        let proposal = lane.proposal(r).map_or(0.0, |p| p.1);
        let text = TextScores::from_raw(q, raw, proposal);
        let row = self.row_ref(r as usize);
        let mut scores = pending.scores;
        scores[1] = kernel::motivation_value(q, row.s.themes, text);
        let ri = r as usize;
        lane.offer(
            r,
            &row,
            || self.ids[ri],
            pending.group,
            &scores,
            request.mode,
        );
    }

    /// The BM25 sum of row `r`'s text against a need (see [`TextTerms::sum`]).
    pub(super) fn text_sum(&self, terms: &TextTerms, r: u32, contributions: &mut Vec<f32>) -> f32 {
        terms.sum(self, r, contributions)
    }
}

#[allow(missing_docs)]
pub mod timers {
    use std::sync::atomic::{AtomicU64, Ordering};
    static T: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
    static C: [AtomicU64; 4] = [const { AtomicU64::new(0) }; 4];
    pub fn add(i: usize, d: std::time::Duration) {
        T[i].fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
    }
    pub fn count(i: usize, n: usize) {
        C[i].fetch_add(n as u64, Ordering::Relaxed);
    }
    pub fn report(times: usize) -> String {
        let t = |i: usize| T[i].load(Ordering::Relaxed) as f64 / 1e6 / times as f64;
        let c = |i: usize| C[i].load(Ordering::Relaxed) / times as u64;
        format!(
            "kernel {:.1} prescore {:.1} finish {:.1} candidates {:.1} ms; passed rows {} pending {} texts {} decodes {}",
            t(0),
            t(1),
            t(2),
            t(3),
            c(0),
            c(1),
            c(2),
            c(3)
        )
    }
}
