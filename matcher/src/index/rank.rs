//! Ranking profiles for needs: one scan over the columns, a bounded heap per need,
//! reasons only for the rows returned.
//!
//! 1. **Text first.** For each need, BM25 sums are accumulated into one float per
//!    row from the postings of the need's distinctive terms; a batch of needs
//!    decodes each shared term's postings once.
//! 2. **Scan in blocks.** Rows are read in blocks of [`BLOCK`]. For each need,
//!    straight loops over the block's columns compute the exclusions, `skill_fit`
//!    and `motivation_fit` (together 45 % of the default weight); a row whose score
//!    could not reach the need's current top `k` even with perfect remaining factors
//!    stops there. Survivors get the other five factors and meet the heap.
//! 3. **Reasons last**, for the `k` returned only, from the same columns (and the
//!    rows' forward term lists for the shared words).
//!
//! Every number comes from the same kernels as [`score`](crate::score::score), in the
//! same order, so a ranked score equals the pair's score to the bit.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::exclusion::Exclusion;
use crate::factors::bm25::{NO_TERM, SaturationTable, contribution};
use crate::factors::encode::{ALIVE, RowRef, STYLE_SHIFT};
use crate::factors::kernel::{self, TextScores};
use crate::factors::proposal_match;
use crate::factors::query::NeedQuery;
use crate::factors::reasons::TextMatch;
use crate::model::{Id, Need, Style, WorkStyle};
use crate::reciprocal::{Preference, preference_total};
use crate::score::{Explanation, display_row};
use crate::topk::{RankKey, TopK};
use crate::weights::Weights;

use super::batch::{Params, WIDTH};
use super::corpus::Cursor;
use super::{OVERFLOW, ProfileIndex};

/// Rows scored together: small enough for the block's columns to stay in L1.
const BLOCK: usize = 256;
/// Float slack when pruning on an upper bound: the bound is summed in another order
/// than the total, so it may round a hair low.
pub(super) const SLACK: f32 = 1e-3;
/// Longest text a saturation table covers; longer ones are computed.
const TABLE_LEN: u16 = 4096;

/// What a ranking orders by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The need's score of the professional.
    #[default]
    Need,
    /// The harmonic mean of that and the professional's preference for the need.
    Reciprocal,
}

/// How to rank.
#[derive(Debug, Clone, Copy)]
pub struct RankRequest<'a> {
    /// How many to return.
    pub k: usize,
    /// Today, in the service's time zone.
    pub today: NaiveDate,
    /// The region's weights.
    pub weights: Weights,
    /// What to order by.
    pub mode: Mode,
    /// Also return excluded profiles, after every eligible one, with their reasons.
    pub include_excluded: bool,
    /// Rank only these profiles (a need's applicants); `None` ranks everyone.
    pub only: Option<&'a [Id]>,
    /// Proposals by profile id, for those who applied with one.
    pub proposals: &'a [(Id, &'a str)],
    /// Build reasons for the returned candidates.
    pub explain: bool,
}

impl<'a> RankRequest<'a> {
    /// Top `k` by the need's score, default weights, everyone, with reasons.
    pub fn new(k: usize, today: NaiveDate) -> Self {
        Self {
            k,
            today,
            weights: Weights::default(),
            mode: Mode::Need,
            include_excluded: false,
            only: None,
            proposals: &[],
            explain: true,
        }
    }
}

/// A ranked profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The profile.
    pub profile_id: Id,
    /// The need's score of the professional, in `[0, 100]`.
    pub score: f32,
    /// The professional's preference for the need, in `[0, 100]`.
    pub preference: f32,
    /// The harmonic mean of the two.
    pub reciprocal_score: f32,
    /// The pseudonymous display line.
    pub display: String,
    /// Hard exclusions (only when `include_excluded`).
    pub excluded: Vec<Exclusion>,
    /// Factors and reasons, when asked for.
    pub explanation: Option<Explanation>,
    /// The professional's side, when asked for.
    pub preference_detail: Option<Preference>,
}

/// One need's state during a scan.
pub(super) struct Lane<'n> {
    pub(super) q: NeedQuery<'n>,
    /// `(row, similarity, matched keys)` of proposals, by row.
    pub(super) proposals: Vec<(u32, f32, Vec<u64>)>,
    pub(super) top: TopK<u32>,
    /// Weight of every factor but motivation and skills.
    pub(super) rest: f32,
    /// Cheap ceilings of those other factors, for the first-stage bound.
    ceilings: Ceilings,
}

/// What a need's other factors can at most be for a row, from the columns the first
/// stage reads anyway — looser than the kernels (a role's years, the start date,
/// distance and places are taken at best) but far tighter than "perfect". The
/// parts fixed by the row's style, work style and meeting slots (seven flag bits)
/// are tabled, so a row costs three lookups and a few multiplications.
struct Ceilings {
    /// Weighted ceiling of everything but hours, industry and visits, by flag bits.
    base: [f32; 128],
    /// Availability's weight × 0.7 × slot fit, by flag bits (times the hours fit).
    per_hour: [f32; 128],
    /// Weight of a known industry (0 when the need names none).
    industry_weight: f32,
    industry: u16,
    /// One over the need's minimum hours (0 when it has none: hours always fit).
    hours_scale: f32,
    /// Work style's weight × 0.5 when visits are asked, else 0 (times the visit fit).
    visit_weight: f32,
    /// One over the visits asked.
    visit_scale: f32,
}

impl Ceilings {
    fn new(q: &NeedQuery<'_>) -> Self {
        let w = q.weights;
        let styles = [Style::HandsOn, Style::Advisory, Style::Either];
        let work_styles = [WorkStyle::Remote, WorkStyle::Hybrid, WorkStyle::Onsite];
        let has_industry = q.industry != 0;
        let mut base = [0.0f32; 128];
        let mut per_hour = [0.0f32; 128];
        for bits in 0..128usize {
            let style = styles[(bits & 3).min(2)];
            let work_style = work_styles[((bits >> 2) & 3).min(2)];
            let offered = ((bits >> 4) & 7) as u8;
            let style_fit = kernel::style_component(q.style, style);
            let experience = if has_industry {
                0.5 + 0.25 * style_fit
            } else {
                2.0 / 3.0 + style_fit / 3.0
            };
            let common = q.slots & offered;
            let slot_fit = if q.slots == 0 {
                1.0
            } else if offered == 0 {
                0.5
            } else if common == 0 {
                0.15
            } else {
                0.75 + 0.25 * common.count_ones() as f32 / q.slots.count_ones() as f32
            };
            let work_fit = kernel::work_style_component(q.work_style, work_style);
            let work = if q.visits == 0 {
                work_fit
            } else {
                0.5 * work_fit
            };
            base[bits] = w[2] * experience + w[3] * 0.3 * slot_fit + w[4] + w[5] * work + w[6];
            per_hour[bits] = w[3] * 0.7 * slot_fit;
        }
        Self {
            base,
            per_hour,
            industry_weight: if has_industry { w[2] * 0.25 } else { 0.0 },
            industry: q.industry,
            hours_scale: if q.need.hours_min == 0 {
                0.0
            } else {
                1.0 / f32::from(q.need.hours_min)
            },
            visit_weight: if q.visits == 0 { 0.0 } else { w[5] * 0.5 },
            visit_scale: if q.visits == 0 {
                0.0
            } else {
                1.0 / f32::from(q.visits)
            },
        }
    }

    /// `Σ weight × ceiling` over experience, availability, region, work style and
    /// compensation.
    #[inline]
    fn of(&self, flags: u32, hours: u16, caps: [u8; 4], industries: [u16; 2]) -> f32 {
        let bits = ((flags >> STYLE_SHIFT) & 127) as usize;
        let known = (industries[0] == self.industry)
            | (industries[1] == self.industry)
            | (flags & OVERFLOW != 0);
        let hours_fit = if self.hours_scale == 0.0 {
            1.0
        } else {
            (f32::from(hours) * self.hours_scale).min(1.0)
        };
        let visit_fit = (f32::from(caps[0]) * self.visit_scale).min(1.0);
        self.base[bits]
            + self.per_hour[bits] * hours_fit
            + self.industry_weight * f32::from(u8::from(known))
            + self.visit_weight * visit_fit
    }
}

impl Lane<'_> {
    pub(super) fn proposal(&self, row: u32) -> Option<&(u32, f32, Vec<u64>)> {
        self.proposals
            .binary_search_by_key(&row, |p| p.0)
            .ok()
            .map(|at| &self.proposals[at])
    }

    /// The best score an item could have and still fail to get in, by group: any
    /// row whose bound is below it is skipped. `-∞` while the heap has room.
    pub(super) fn floor(&self, group: u8) -> f32 {
        match self.top.threshold() {
            None => f32::NEG_INFINITY,
            Some(worst) if group < worst.group => f32::NEG_INFINITY,
            Some(worst) if group > worst.group => f32::INFINITY,
            Some(worst) => worst.score,
        }
    }

    pub(super) fn bound(&self, mode: Mode, upper: f32) -> f32 {
        match mode {
            Mode::Need => upper + SLACK,
            Mode::Reciprocal => kernel::harmonic(upper.min(100.0), 100.0) + SLACK,
        }
    }

    /// Offers a fully scored row to the heap; the id (a cold column) is read only
    /// if the row can get in.
    fn offer(
        &mut self,
        r: u32,
        row: &RowRef<'_>,
        id: impl FnOnce() -> Id,
        group: u8,
        scores: &[f32; 7],
        mode: Mode,
    ) {
        let q = &self.q;
        let total = kernel::weighted_total(&q.weights, scores);
        let key = match mode {
            Mode::Need => total,
            Mode::Reciprocal => {
                if !self
                    .top
                    .can_reach(group, kernel::harmonic(total, 100.0) + SLACK)
                {
                    return;
                }
                kernel::harmonic(total, preference_total(q, row))
            }
        };
        if self.top.can_reach(group, key) {
            self.top.push(
                RankKey {
                    group,
                    score: key,
                    id: id(),
                },
                r,
            );
        }
    }
}

/// Rows whose BM25 sums are accumulated together: small enough that a batch's
/// sums (16 floats a row) stay in L2.
const TEXT_BLOCK: usize = 4096;

/// The BM25 sums of a batch of needs, streamed a block of rows at a time: one
/// cursor per distinct query term, in key order, each decoded once for all the
/// needs that share it.
struct TextScan<'c> {
    terms: Vec<TermLanes<'c>>,
    table: SaturationTable,
    /// Sums per row: one per lane.
    stride: usize,
}

struct TermLanes<'c> {
    idf: f32,
    lanes: Vec<usize>,
    cursor: Cursor<'c>,
}

impl<'c> TextScan<'c> {
    fn new(index: &'c ProfileIndex, lanes: &[Lane<'_>]) -> Self {
        let mut wanted: Vec<(u64, u32, f32, usize)> = lanes
            .iter()
            .enumerate()
            .flat_map(|(lane, l)| {
                l.q.text
                    .profile_terms
                    .iter()
                    .filter(|term| term.term != NO_TERM)
                    .map(move |term| (term.key, term.term, term.idf, lane))
            })
            .collect();
        wanted.sort_by_key(|&(key, _, _, lane)| (key, lane));
        let mut terms: Vec<TermLanes<'c>> = Vec::new();
        let mut last_key = None;
        for (key, id, idf, lane) in wanted {
            match terms.last_mut() {
                Some(term) if last_key == Some(key) => term.lanes.push(lane),
                _ => terms.push(TermLanes {
                    idf,
                    lanes: vec![lane],
                    cursor: index.corpus().cursor(id),
                }),
            }
            last_key = Some(key);
        }
        Self {
            terms,
            table: SaturationTable::new(
                index.corpus().average_len(),
                index.max_doc_len.min(TABLE_LEN),
            ),
            stride: lanes.len().max(1),
        }
    }

    /// The sums of rows `start..end` into `sums[(row - start) * stride + lane]`.
    fn fill(&mut self, start: usize, end: usize, doc_len: &[u16], sums: &mut [f32]) {
        let stride = self.stride;
        let block = &mut sums[..(end - start) * stride];
        block.fill(0.0);
        let table = &self.table;
        for term in &mut self.terms {
            let (idf, lanes) = (term.idf, &term.lanes);
            term.cursor.take_until(end as u32, |row, tf| {
                let r = row as usize;
                let (Some(offset), Some(&len)) = (r.checked_sub(start), doc_len.get(r)) else {
                    return;
                };
                let value = idf * table.get(tf, len);
                for &lane in lanes {
                    if let Some(sum) = block.get_mut(offset * stride + lane) {
                        *sum += value;
                    }
                }
            });
        }
    }
}

/// Per-block scratch.
struct Scratch {
    excluded: [u8; BLOCK],
    skills: [f32; BLOCK],
    motivation: [f32; BLOCK],
    survivors: [u16; BLOCK],
    parts: [[f32; 4]; BLOCK],
}

impl ProfileIndex {
    /// The best `request.k` profiles for `need`: one scan of the columns, a bounded
    /// heap, reasons for the returned rows only (see the [index](super) docs).
    pub fn rank(&self, need: &Need, request: &RankRequest<'_>) -> Vec<Candidate> {
        self.rank_batch(std::slice::from_ref(need), request)
            .pop()
            .unwrap_or_default()
    }

    /// Ranks several needs in one pass over the columns; one list per need, in order.
    pub fn rank_batch(&self, needs: &[Need], request: &RankRequest<'_>) -> Vec<Vec<Candidate>> {
        let mut ranked = Vec::with_capacity(needs.len());
        for needs in needs.chunks(WIDTH) {
            let mut lanes: Vec<Lane<'_>> =
                needs.iter().map(|need| self.lane(need, request)).collect();
            match request.only {
                Some(ids) => {
                    let mut rows: Vec<u32> = ids.iter().filter_map(|&id| self.row_of(id)).collect();
                    rows.sort_unstable();
                    rows.dedup();
                    for r in rows {
                        for lane in &mut lanes {
                            let raw = self.raw_text(&lane.q, r);
                            self.consider(lane, raw, r, request);
                        }
                    }
                }
                None => self.scan(&mut lanes, request),
            }
            ranked.extend(lanes.into_iter().map(|lane| self.candidates(lane, request)));
        }
        ranked
    }

    /// Scans every row for up to [`WIDTH`] lanes, a block of rows at a time: first
    /// the block's BM25 sums, then its scores.
    fn scan(&self, lanes: &mut [Lane<'_>], request: &RankRequest<'_>) {
        let mut text = TextScan::new(self, lanes);
        let mut sums = vec![0.0f32; TEXT_BLOCK * text.stride];
        let transposed = (lanes.len() > 1).then(|| Params::new(lanes));
        let mut scratch = Scratch {
            excluded: [0; BLOCK],
            skills: [0.0; BLOCK],
            motivation: [0.0; BLOCK],
            survivors: [0; BLOCK],
            parts: [[0.0; 4]; BLOCK],
        };
        for start in (0..self.rows()).step_by(TEXT_BLOCK) {
            let end = (start + TEXT_BLOCK).min(self.rows());
            text.fill(start, end, &self.doc_len, &mut sums);
            match (&transposed, lanes.first_mut()) {
                (Some(params), _) => {
                    self.scan_transposed(lanes, params, &sums, start, end, request)
                }
                (None, Some(lane)) => {
                    for block in (start..end).step_by(BLOCK) {
                        let block_end = (block + BLOCK).min(end);
                        let acc = &sums[block - start..block_end - start];
                        self.scan_block(lane, acc, block, block_end, request, &mut scratch);
                    }
                }
                (None, None) => {}
            }
        }
    }

    fn lane<'n>(&self, need: &'n Need, request: &RankRequest<'_>) -> Lane<'n> {
        let q = NeedQuery::new(
            need,
            &request.weights,
            request.today,
            self.vocab(),
            Some(self.corpus()),
        );
        let mut proposals: Vec<(u32, f32, Vec<u64>)> = Vec::new();
        for &(id, text) in request.proposals {
            if let Some(row) = self.row_of(id)
                && !proposals.iter().any(|p| p.0 == row)
            {
                let (similarity, keys) = proposal_match(&q, text);
                proposals.push((row, similarity, keys));
            }
        }
        proposals.sort_by_key(|p| p.0);
        let w = q.weights;
        Lane {
            ceilings: Ceilings::new(&q),
            q,
            proposals,
            top: TopK::new(request.k),
            rest: w[2] + w[3] + w[4] + w[5] + w[6],
        }
    }

    /// The BM25 sum of row `r`'s text against a need, from the row's forward list,
    /// summed in key order exactly as a scan (and [`raw_score`]) sums it.
    ///
    /// [`raw_score`]: crate::factors::bm25::raw_score
    fn raw_text(&self, q: &NeedQuery<'_>, r: u32) -> f32 {
        let held: Vec<(u32, u16)> = self.corpus().forward_terms(r).collect();
        let len = self.doc_len[r as usize];
        let mut sum = 0.0f32;
        for term in &q.text.profile_terms {
            if let Ok(at) = held.binary_search_by_key(&term.term, |&(id, _)| id) {
                sum += contribution(term.idf, held[at].1, len, q.text.average_len);
            }
        }
        sum
    }

    /// Scores rows `start..end` for one lane: straight loops over the block's
    /// columns for the first factors, then the survivors only.
    fn scan_block(
        &self,
        lane: &mut Lane<'_>,
        acc: &[f32],
        start: usize,
        end: usize,
        request: &RankRequest<'_>,
        scratch: &mut Scratch,
    ) {
        let floor = [lane.floor(0), lane.floor(1)];
        if floor[0] == f32::INFINITY {
            return;
        }
        let n = end - start;
        let q = &lane.q;
        let flags = &self.flags[start..end];
        let hours = &self.hours[start..end];
        let min_compensation = &self.min_compensation[start..end];
        let caps = &self.caps[start..end];
        let themes = &self.themes[start..end];
        let skills = &self.skills[start..end];

        // Stage 1, every row: exclusions, skills, motivation.
        let excluded = &mut scratch.excluded[..n];
        for i in 0..n {
            excluded[i] =
                kernel::exclusion_bits(q, flags[i], hours[i], min_compensation[i], caps[i]);
        }
        let skill = &mut scratch.skills[..n];
        for i in 0..n {
            skill[i] = kernel::skill_fit(q, &skills[i]);
        }
        for i in 0..n {
            // The rare rows whose skills spill out of the inline slots.
            if flags[i] & OVERFLOW != 0 {
                skill[i] = kernel::skill_fit(q, self.row_ref(start + i).skills);
            }
        }
        let motivation = &mut scratch.motivation[..n];
        kernel::motivation_block(q, themes, acc, motivation);
        let first = lane.proposals.partition_point(|p| (p.0 as usize) < start);
        for p in lane.proposals[first..]
            .iter()
            .take_while(|p| (p.0 as usize) < end)
        {
            let i = p.0 as usize - start;
            let text = TextScores::from_raw(q, acc[i], p.1);
            motivation[i] = kernel::motivation_value(q, themes[i], text);
        }
        let w = q.weights;
        let survivors = &mut scratch.survivors;
        let mut kept = 0;
        // Branch-free: every row is written, only survivors advance `kept`.
        let reciprocal = request.mode == Mode::Reciprocal;
        let industries = &self.industries[start..end];
        for i in 0..n {
            let group = usize::from(excluded[i] != 0);
            let rest = lane.ceilings.of(flags[i], hours[i], caps[i], industries[i]);
            let upper = 100.0 * (w[0] * skill[i] + w[1] * motivation[i] + rest);
            let bound = if reciprocal {
                kernel::harmonic(upper.min(100.0), 100.0) + SLACK
            } else {
                upper + SLACK
            };
            let keep = (flags[i] & ALIVE != 0)
                & ((group == 0) | request.include_excluded)
                & (bound >= floor[group]);
            survivors[kept] = i as u16;
            kept += usize::from(keep);
        }
        let survivors = &mut survivors[..kept];

        // Stage 2, survivors: the factors of the other scalar columns.
        let mut kept = 0;
        for at in 0..survivors.len() {
            let i = usize::from(survivors[at]);
            let row = self.row_ref(start + i);
            let parts = [
                kernel::experience_fit(q, &row),
                kernel::availability_fit(q, &row),
                kernel::work_style_fit(q, &row),
                kernel::compensation_fit(q, &row),
            ];
            let upper = 100.0
                * (w[0] * skill[i]
                    + w[1] * motivation[i]
                    + w[2] * parts[0]
                    + w[3] * parts[1]
                    + w[4]
                    + w[5] * parts[2]
                    + w[6] * parts[3]);
            // The heap may have filled since the block began: ask it again.
            let group = u8::from(excluded[i] != 0);
            if lane.bound(request.mode, upper) >= lane.floor(group) {
                scratch.parts[kept] = parts;
                survivors[kept] = survivors[at];
                kept += 1;
            }
        }

        // Stage 3: places, the total, the heap.
        for (at, &survivor) in survivors[..kept].iter().enumerate() {
            let i = usize::from(survivor);
            let r = start + i;
            let row = self.row_ref(r);
            let parts = scratch.parts[at];
            let scores = [
                skill[i],
                motivation[i],
                parts[0],
                parts[1],
                kernel::regional_affinity(&lane.q, &row),
                parts[2],
                parts[3],
            ];
            let group = u8::from(excluded[i] != 0);
            lane.offer(r as u32, &row, || self.ids[r], group, &scores, request.mode);
        }
    }

    /// Stages 2 and 3 for one row that passed stage 1 (see [`scan_block`]).
    ///
    /// [`scan_block`]: ProfileIndex::scan_block
    pub(super) fn refine(
        &self,
        lane: &mut Lane<'_>,
        r: usize,
        first: [f32; 2],
        group: u8,
        mode: Mode,
    ) {
        let q = &lane.q;
        let w = q.weights;
        let row = self.row_ref(r);
        let parts = [
            kernel::experience_fit(q, &row),
            kernel::availability_fit(q, &row),
            kernel::work_style_fit(q, &row),
            kernel::compensation_fit(q, &row),
        ];
        let upper = 100.0
            * (w[0] * first[0]
                + w[1] * first[1]
                + w[2] * parts[0]
                + w[3] * parts[1]
                + w[4]
                + w[5] * parts[2]
                + w[6] * parts[3]);
        if lane.bound(mode, upper) < lane.floor(group) {
            return;
        }
        let scores = [
            first[0],
            first[1],
            parts[0],
            parts[1],
            kernel::regional_affinity(q, &row),
            parts[2],
            parts[3],
        ];
        lane.offer(r as u32, &row, || self.ids[r], group, &scores, mode);
    }

    /// Scores one row for one lane (the path for a need's applicants).
    fn consider(&self, lane: &mut Lane<'_>, raw: f32, r: u32, request: &RankRequest<'_>) {
        let ri = r as usize;
        if self.flags[ri] & ALIVE == 0 {
            return;
        }
        let row = self.row_ref(ri);
        let group = u8::from(kernel::exclusion_mask(&lane.q, &row) != 0);
        if (group == 1 && !request.include_excluded) || !lane.top.can_reach(group, 100.0) {
            return;
        }
        let proposal = lane.proposal(r).map_or(0.0, |p| p.1);
        let text = TextScores::from_raw(&lane.q, raw, proposal);
        let scores = kernel::factor_scores(&lane.q, &row, text);
        lane.offer(r, &row, || self.ids[ri], group, &scores, request.mode);
    }

    /// The candidates of a finished lane, with reasons if asked.
    fn candidates(&self, lane: Lane<'_>, request: &RankRequest<'_>) -> Vec<Candidate> {
        let chosen = lane.top.into_sorted();
        let q = &lane.q;
        chosen
            .into_iter()
            .map(|(_, r)| {
                let row = self.row_ref(r as usize);
                let proposal = lane
                    .proposals
                    .binary_search_by_key(&r, |p| p.0)
                    .ok()
                    .map(|at| &lane.proposals[at]);
                let scores =
                    TextScores::from_raw(q, self.raw_text(q, r), proposal.map_or(0.0, |p| p.1));
                let score =
                    kernel::weighted_total(&q.weights, &kernel::factor_scores(q, &row, scores));
                let preference = preference_total(q, &row);
                let (explanation, preference_detail) = if request.explain {
                    let text = TextMatch {
                        scores,
                        has_proposal: proposal.is_some(),
                        motivation_keys: self.shared_keys(q, r),
                        proposal_keys: proposal.map(|p| p.2.clone()).unwrap_or_default(),
                    };
                    (
                        Some(Explanation::build(q, &row, &text)),
                        Some(Preference::build(q, &row)),
                    )
                } else {
                    (None, None)
                };
                Candidate {
                    profile_id: self.ids[r as usize],
                    score,
                    preference,
                    reciprocal_score: kernel::harmonic(score, preference),
                    display: display_row(&row),
                    excluded: Exclusion::from_mask(kernel::exclusion_mask(q, &row)),
                    explanation,
                    preference_detail,
                }
            })
            .collect()
    }

    /// The keys of the need's profile-query terms that row `r`'s text uses, from its
    /// forward list.
    fn shared_keys(&self, q: &NeedQuery<'_>, r: u32) -> Vec<u64> {
        let held: Vec<u32> = self.corpus().forward_terms(r).map(|(id, _)| id).collect();
        q.text
            .profile_terms
            .iter()
            .filter(|term| held.binary_search(&term.term).is_ok())
            .map(|term| term.key)
            .collect()
    }
}
