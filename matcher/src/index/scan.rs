//! The scan: bounds for every row, exact scores for the few rows that pass.
//!
//! A batch of needs is ranked in chunks of [`WIDTH`]; each chunk reads the columns
//! once, a block of rows at a time. For each row the [`Bounds`] of all the chunk's
//! needs come from the same few lookups; a row goes on, as a [`Pair`], only for
//! the needs whose current floor its bound reaches. Pairs are collected and, every
//! so often, scored best bound first, each lane's best `k` at a time: the text
//! first (the BM25 sum from the row's forward term list), which the bounds take at
//! its best; then, for the pairs that can still get in with the text they have,
//! every other factor. The floors rise with the first few, and most of the rest
//! then fall below them unscored.

use crate::factors::bm25::SaturationTable;
use crate::factors::encode::ALIVE;
use crate::factors::kernel::{self, TextScores};
use crate::factors::query::NeedQuery;

use super::ProfileIndex;
use super::bounds::{BLOCK, Bounds, Pair, Stage, floor_units, sort_by_bound, text_shortfall};
use super::rank::{Lane, Mode, RankRequest, SLACK};

/// Needs scored together in one pass.
pub(super) const WIDTH: usize = 16;
/// Pairs collected, for each lane, before the best of them are scored. Any value
/// ranks exactly; this one only sets how soon the floors rise (a flush after the
/// first block, most of whose rows pass while the heap has room) against how
/// often pairs are sorted. The tests run it on a pool of many blocks, and values
/// of a few pairs on small pools.
pub(super) const FLUSH: usize = 256;
/// Pairs scored together, their forward lists touched together.
const RUN: usize = 16;

/// What a scan did, for the tests of its flushing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct ScanStats {
    /// Flushes made before the last block (the scan went on after each), in
    /// every chunk of lanes.
    pub(super) partial_flushes: usize,
}

impl ScanStats {
    /// The stats of two chunks of lanes scanned one after the other.
    pub(super) fn then(self, other: Self) -> Self {
        Self {
            partial_flushes: self.partial_flushes + other.partial_flushes,
        }
    }
}

/// A need's text terms ordered by corpus id, for matching a row's forward list.
#[derive(Debug, Clone, Default)]
pub(super) struct TextTerms {
    /// `(term id, position in the need's key order)`, by id.
    by_id: Vec<(u32, u16)>,
    /// Bit `id` set for each of the need's term ids: a row's terms are tested
    /// against it, and only the few that hit are looked up in `by_id`.
    present: Vec<u64>,
    /// Idf by position.
    idf: Vec<f32>,
    /// BM25 saturation of one occurrence, by document length.
    saturation: SaturationTable,
}

impl TextTerms {
    /// The terms of `q`, for documents of at most `max_len` tokens (longer ones
    /// are still scored, only without the table).
    pub(super) fn new(q: &NeedQuery<'_>, max_len: u16) -> Self {
        let terms = &q.text.profile_terms;
        let mut by_id: Vec<(u32, u16)> = terms
            .iter()
            .enumerate()
            .map(|(position, term)| (term.term, position as u16))
            .collect();
        by_id.sort_unstable();
        let words = by_id.last().map_or(0, |&(last, _)| last as usize / 64 + 1);
        let mut present = vec![0u64; words];
        for &(term, _) in &by_id {
            if let Some(word) = present.get_mut(term as usize / 64) {
                *word |= 1 << (term % 64);
            }
        }
        Self {
            by_id,
            present,
            idf: terms.iter().map(|term| term.idf).collect(),
            saturation: SaturationTable::new(q.text.average_len, max_len),
        }
    }

    /// The BM25 sum of row `r`'s text against the need, from the row's forward
    /// list: summed in the need's key order exactly as [`raw_score`] sums it (an
    /// absent term adds `+0.0`, which changes no sum), each term's part computed as
    /// [`contribution`] computes it.
    ///
    /// [`raw_score`]: crate::factors::bm25::raw_score
    /// [`contribution`]: crate::factors::bm25::contribution
    fn sum(&self, index: &ProfileIndex, r: u32, contributions: &mut Vec<f32>) -> f32 {
        self.walk(index, r, contributions, |_| {})
    }

    /// [`sum`](Self::sum), and the keys of the need's terms the row's text uses, in
    /// the need's key order: one walk of the forward list for both.
    pub(super) fn sum_and_keys(
        &self,
        index: &ProfileIndex,
        q: &NeedQuery<'_>,
        r: u32,
        contributions: &mut Vec<f32>,
    ) -> (f32, Vec<u64>) {
        let mut positions: Vec<u16> = Vec::new();
        let sum = self.walk(index, r, contributions, |position| positions.push(position));
        positions.sort_unstable();
        let keys = positions
            .iter()
            .filter_map(|&position| q.text.profile_terms.get(usize::from(position)))
            .map(|term| term.key)
            .collect();
        (sum, keys)
    }

    /// The sum of [`sum`](Self::sum), calling `matched(position)` for each of the
    /// need's terms the row's text uses.
    #[inline(always)]
    fn walk(
        &self,
        index: &ProfileIndex,
        r: u32,
        contributions: &mut Vec<f32>,
        mut matched: impl FnMut(u16),
    ) -> f32 {
        if self.by_id.is_empty() {
            return 0.0;
        }
        contributions.clear();
        contributions.resize(self.idf.len(), 0.0);
        let len = index.doc_len.get(r as usize).copied().unwrap_or(0);
        self.visit_matches(index, r, |position, tf| {
            matched(position);
            let position = usize::from(position);
            if let (Some(slot), Some(&idf)) =
                (contributions.get_mut(position), self.idf.get(position))
            {
                *slot = idf * self.saturation.get(tf, len);
            }
        });
        let mut sum = 0.0f32;
        for &value in contributions.iter() {
            sum += value;
        }
        sum
    }

    /// Calls `visit(position, tf)` for each of the need's terms in row `r`'s
    /// forward list, by term id.
    #[inline(always)]
    fn visit_matches(&self, index: &ProfileIndex, r: u32, mut visit: impl FnMut(u16, u16)) {
        let Some(&(last, _)) = self.by_id.last() else {
            return;
        };
        index.corpus().visit_forward(r, |id, tf| {
            let hit = self
                .present
                .get(id as usize / 64)
                .is_some_and(|word| word >> (id % 64) & 1 == 1);
            if hit
                && let Ok(at) = self.by_id.binary_search_by_key(&id, |&(term, _)| term)
                && let Some(&(_, position)) = self.by_id.get(at)
            {
                visit(position, tf);
            }
            id < last
        });
    }
}

/// Reusable buffers of a scan.
#[derive(Default)]
struct Scratch {
    /// Pairs that passed their bounds and wait to be scored.
    pairs: Vec<Pair>,
    /// The pairs a partial flush keeps back (a spare buffer between flushes).
    kept: Vec<Pair>,
    /// The sort's scratch space.
    spare: Vec<Pair>,
    /// A run's pairs that are to have their text read.
    ready: Vec<Pair>,
    /// Each lane's floor in units during a flush.
    floors: Vec<i16>,
    /// Pairs each lane may still read in this flush.
    budget: Vec<usize>,
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
    /// Scans every row for up to [`WIDTH`] lanes, a block of rows at a time. The
    /// pairs that pass the bounds are only collected; once there are `flush` a
    /// lane ([`FLUSH`] outside tests) they are scored, best bound first, so that
    /// the floors rise as the scan goes.
    pub(super) fn scan(
        &self,
        lanes: &mut [Lane<'_>],
        request: &RankRequest<'_>,
        flush: usize,
    ) -> ScanStats {
        match lanes.len() {
            0 => ScanStats::default(),
            1 => self.scan_with::<1>(lanes, request, flush),
            2..=4 => self.scan_with::<4>(lanes, request, flush),
            5..=8 => self.scan_with::<8>(lanes, request, flush),
            _ => self.scan_with::<WIDTH>(lanes, request, flush),
        }
    }

    fn scan_with<const L: usize>(
        &self,
        lanes: &mut [Lane<'_>],
        request: &RankRequest<'_>,
        flush: usize,
    ) -> ScanStats {
        let stage = Stage {
            include_excluded: request.include_excluded,
        };
        let queries: Vec<&NeedQuery<'_>> = lanes.iter().map(|lane| &lane.q).collect();
        let bounds = Bounds::<L>::new(&queries, stage);
        let mut scratch = Scratch::default();
        let mut stats = ScanStats::default();
        let least = flush.saturating_mul(lanes.len());
        let mut flush_at = least;
        let mut floor = [i16::MAX; L];
        for start in (0..self.rows()).step_by(BLOCK) {
            let end = (start + BLOCK).min(self.rows());
            for (floor, lane) in floor.iter_mut().zip(lanes.iter()) {
                *floor = lane_floor(lane, request.mode, stage);
            }
            bounds.scan(self, start, end, &floor, &mut scratch.pairs);
            let last = end == self.rows();
            if scratch.pairs.len() >= flush_at || last {
                self.finish(lanes, request, stage, &mut scratch, !last);
                stats.partial_flushes += usize::from(!last);
                // Pairs kept back wait for the next flush: flushes come no more
                // often than the kept pairs double, so each pair is sorted a bounded
                // number of times.
                flush_at = least.max(2 * scratch.pairs.len());
            }
        }
        stats
    }

    /// Scores row `r` for `lane`, its text already read, and offers it to the heap.
    /// Removed rows are skipped, and so are excluded ones unless they are wanted.
    fn score_and_offer(
        &self,
        lane: &mut Lane<'_>,
        r: u32,
        text: TextScores,
        request: &RankRequest<'_>,
    ) {
        let ri = r as usize;
        if self.flags.get(ri).is_none_or(|&f| f & ALIVE == 0) {
            return;
        }
        let row = self.row_ref(ri);
        let q = &lane.q;
        let group = u8::from(kernel::exclusion_mask(q, &row) != 0);
        if group == 1 && !request.include_excluded {
            return;
        }
        let scores = kernel::factor_scores(q, &row, text);
        lane.offer(r, &row, || self.ids[ri], group, &scores, request.mode);
    }

    /// Reads a value from each of the columns [`row_ref`](Self::row_ref) reads of
    /// row `r`, for the cache.
    pub(super) fn touch_row(&self, r: u32) -> u32 {
        let r = r as usize;
        let mut touched = self.flags.get(r).copied().unwrap_or(0);
        touched ^= u32::from(self.hours.get(r).copied().unwrap_or(0));
        touched ^= u32::from(self.available_from.get(r).copied().unwrap_or(0));
        touched ^= self.min_compensation.get(r).copied().unwrap_or(0);
        touched ^= u32::from(self.caps.get(r).map_or(0, |caps| caps[0]));
        touched ^= self.themes.get(r).copied().unwrap_or(0);
        touched ^= self.role_years.get(r).copied().unwrap_or(0) as u32;
        touched ^= u32::from(self.skills.get(r).map_or(0, |skills| skills[0]));
        touched ^= u32::from(self.industries.get(r).map_or(0, |held| held[0]));
        touched ^= self.places.get(r).map_or(0, |places| places[0]);
        touched ^ self.ids.get(r).map_or(0, |&id| id as u32)
    }

    /// Reads what [`TextTerms::sum`] will read of row `r` (its forward list and
    /// length), for the cache.
    pub(super) fn touch_text(&self, r: u32) -> u32 {
        let len = self.doc_len.get(r as usize).copied().unwrap_or(0);
        u32::from(self.corpus().touch_forward(r)) ^ u32::from(len)
    }

    /// What row `r`'s text scores for `lane`.
    fn text_scores(&self, lane: &Lane<'_>, r: u32, contributions: &mut Vec<f32>) -> TextScores {
        let raw = lane.text.sum(self, r, contributions);
        let proposal = lane.proposal(r).map_or(0.0, |p| p.1);
        TextScores::from_raw(&lane.q, raw, proposal)
    }

    /// Scores the collected pairs, best bound first. A pair still above its lane's
    /// floor has its text read first (the one part its bound takes at its best);
    /// if the bound less the text's shortfall still reaches the floor, the row is
    /// scored and offered to the heap. The pairs go in runs of [`RUN`]: the forward
    /// lists of a run's pairs are first touched all together, so that their cache
    /// misses overlap instead of queueing one behind another.
    ///
    /// A partial flush (the scan goes on) reads only a few of each lane's best
    /// pairs — what its heap has room for, and half of `k` more: they raise its
    /// floor, which then drops most of the rest unread; the rest that stay above it
    /// are kept for the next flush, when the floor will have risen again.
    fn finish(
        &self,
        lanes: &mut [Lane<'_>],
        request: &RankRequest<'_>,
        stage: Stage,
        scratch: &mut Scratch,
        partial: bool,
    ) {
        sort_by_bound(&mut scratch.pairs, &mut scratch.spare);
        // What each lane may still read in this flush.
        let k = request.k.max(1);
        scratch.budget.clear();
        scratch.budget.extend(lanes.iter().map(|lane| {
            if partial {
                k - lane.top.len().min(k) + k.div_ceil(2)
            } else {
                usize::MAX
            }
        }));
        // Each lane's floor in units, kept up to date as rows are offered.
        scratch.floors.clear();
        scratch.floors.extend(
            lanes
                .iter()
                .map(|lane| lane_floor(lane, request.mode, stage)),
        );
        let mut kept = std::mem::take(&mut scratch.kept);
        kept.clear();
        for run in scratch.pairs.chunks(RUN) {
            scratch.ready.clear();
            for &pair in run {
                let n = pair.lane();
                let (Some(&floor), Some(budget)) =
                    (scratch.floors.get(n), scratch.budget.get_mut(n))
                else {
                    continue;
                };
                // The floor may have risen since the pair passed.
                if pair.bound() < floor {
                    continue;
                }
                if *budget == 0 {
                    kept.push(pair);
                    continue;
                }
                *budget -= 1;
                scratch.ready.push(pair);
            }

            // Where each list starts first (one column), then the lists and lengths.
            let mut touched = 0u32;
            for pair in &scratch.ready {
                touched = touched.wrapping_add(self.corpus().forward_start(pair.row()));
            }
            for pair in &scratch.ready {
                touched = touched.wrapping_add(self.touch_text(pair.row()));
            }
            std::hint::black_box(touched);

            for &pair in &scratch.ready {
                let n = pair.lane();
                let (Some(lane), Some(floor)) = (lanes.get_mut(n), scratch.floors.get_mut(n))
                else {
                    continue;
                };
                // The floor may have risen with the run's earlier pairs.
                if pair.bound() < *floor {
                    continue;
                }
                let text = self.text_scores(lane, pair.row(), &mut scratch.contributions);
                if pair.bound().saturating_sub(text_shortfall(&lane.q, text)) < *floor {
                    continue;
                }
                self.score_and_offer(lane, pair.row(), text, request);
                *floor = lane_floor(lane, request.mode, stage);
            }
        }
        scratch.kept = std::mem::replace(&mut scratch.pairs, kept);
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
        let text = self.text_scores(lane, r, contributions);
        self.score_and_offer(lane, r, text, request);
    }

    /// The BM25 sum of row `r`'s text against a need (see [`TextTerms::sum`]).
    pub(super) fn text_sum(&self, terms: &TextTerms, r: u32, contributions: &mut Vec<f32>) -> f32 {
        terms.sum(self, r, contributions)
    }
}
