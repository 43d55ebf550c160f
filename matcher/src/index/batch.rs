//! Several needs in one pass: the first stage of the scan, transposed.
//!
//! Ranking needs one at a time reads every row once per need. Here each row is
//! read once and its first-stage numbers — exclusions, `skill_fit`,
//! `motivation_fit` and the bound — are computed for up to [`WIDTH`] needs at a
//! time, in loops across needs with no branches, which the compiler turns into
//! vector instructions:
//!
//! - skill credits are laid out by skill code, then requirement, then need, so the
//!   best credit of a row's six skills for every (need, requirement) pair is six
//!   vector maxima over one contiguous run;
//! - a row's themes add one per-need 0/1 vector each, which counts shared themes for
//!   every need at once;
//! - the rest is per-need parameters in arrays.
//!
//! Every value is computed with the same operations, in the same order, as the
//! kernels of [`scan_block`](super::ProfileIndex) — padding adds `+0.0`, which
//! changes no sum — so a batch ranks each need exactly as it would alone. Rows that
//! pass go on, need by need, to the same stages 2 and 3.

use crate::factors::bm25::similarity;
use crate::factors::encode::{ACTIVE, ALIVE, PRO_BONO_OK, WORK_STYLE_SHIFT};
use crate::factors::kernel::{self, TextScores};

use super::rank::{Lane, Mode, RankRequest, SLACK};
use super::{OVERFLOW, ProfileIndex};

/// Needs scored together in one pass.
pub(super) const WIDTH: usize = 16;
/// Rows between refreshes of the heaps' floors.
const REFRESH: usize = 64;

/// How a need's motivation combines its parts (see `kernel::motivation_value`).
const BOTH: u8 = 0;
const THEMES_ONLY: u8 = 1;
const TEXT_ONLY: u8 = 2;
const NEITHER: u8 = 3;

/// Per-need parameters, transposed.
pub(super) struct Params {
    /// Requirements of the need with the most.
    requirements: usize,
    /// `table[code * requirements + r][n]`: credit of a skill code for requirement
    /// `r` of need `n`; 0 for padding.
    table: Vec<[f32; WIDTH]>,
    /// `weight[r][n]`: requirement `r`'s weight in need `n`; 0 for padding.
    weight: Vec<[f32; WIDTH]>,
    asks_skills: [bool; WIDTH],
    skill_scale: [f32; WIDTH],
    /// `theme_of[b][n]`: 1 if need `n` has theme bit `b`.
    theme_of: [[f32; WIDTH]; 32],
    theme_scale: [f32; WIDTH],
    text_scale: [f32; WIDTH],
    mode: [u8; WIDTH],
    hours_min: [u32; WIDTH],
    budget_max: [u32; WIDTH],
    pro_bono: [bool; WIDTH],
    visits_asked: [bool; WIDTH],
    w_skills: [f32; WIDTH],
    w_motivation: [f32; WIDTH],
    rest: [f32; WIDTH],
}

impl Params {
    pub(super) fn new(lanes: &[Lane<'_>]) -> Self {
        let requirements = lanes
            .iter()
            .map(|lane| lane.q.requirements.len())
            .max()
            .unwrap_or(0);
        let codes = lanes.first().map_or(0, |lane| lane.q.codes);
        let mut table = vec![[0.0f32; WIDTH]; codes * requirements];
        let mut weight = vec![[0.0f32; WIDTH]; requirements];
        let mut params = Self {
            requirements,
            table: Vec::new(),
            weight: Vec::new(),
            asks_skills: [false; WIDTH],
            skill_scale: [0.0; WIDTH],
            theme_of: [[0.0; WIDTH]; 32],
            theme_scale: [0.0; WIDTH],
            text_scale: [0.0; WIDTH],
            mode: [NEITHER; WIDTH],
            hours_min: [0; WIDTH],
            budget_max: [u32::MAX; WIDTH],
            pro_bono: [false; WIDTH],
            visits_asked: [false; WIDTH],
            w_skills: [0.0; WIDTH],
            w_motivation: [0.0; WIDTH],
            rest: [0.0; WIDTH],
        };
        for (n, lane) in lanes.iter().enumerate() {
            let q = &lane.q;
            for (r, requirement) in q.requirements.iter().enumerate() {
                weight[r][n] = requirement.weight;
                for (code, &credit) in q.skill_credits(r).iter().enumerate() {
                    table[code * requirements + r][n] = credit;
                }
            }
            params.asks_skills[n] = !q.requirements.is_empty();
            params.skill_scale[n] = q.requirement_scale;
            for (b, theme_of) in params.theme_of.iter_mut().enumerate() {
                theme_of[n] = if q.themes & (1 << b) != 0 { 1.0 } else { 0.0 };
            }
            params.theme_scale[n] = q.theme_scale;
            params.text_scale[n] = q.text.profile_scale;
            params.mode[n] = match (q.themes != 0, q.text.has_text()) {
                (true, true) => BOTH,
                (true, false) => THEMES_ONLY,
                (false, true) => TEXT_ONLY,
                (false, false) => NEITHER,
            };
            params.hours_min[n] = u32::from(q.need.hours_min);
            params.budget_max[n] = q.budget_max;
            params.pro_bono[n] = q.need.pro_bono;
            params.visits_asked[n] = q.visits_asked;
            params.w_skills[n] = q.weights[0];
            params.w_motivation[n] = q.weights[1];
            params.rest[n] = lane.rest;
        }
        params.table = table;
        params.weight = weight;
        params
    }
}

/// Lane-wise maximum of non-negative credits, written so it compiles to vector
/// maxima (no NaN can occur; this is exactly what the scalar kernel's `if` picks).
#[inline(always)]
fn lane_max(best: [f32; WIDTH], credits: &[f32; WIDTH]) -> [f32; WIDTH] {
    let mut out = best;
    for (out, &credit) in out.iter_mut().zip(credits) {
        *out = if credit > *out { credit } else { *out };
    }
    out
}

impl ProfileIndex {
    /// Scores rows `start..end` for up to [`WIDTH`] lanes; `sums` holds the rows'
    /// BM25 sums, one per lane each.
    #[expect(
        clippy::needless_range_loop,
        reason = "lane-wise loops over several per-need arrays are the vector code"
    )]
    pub(super) fn scan_transposed(
        &self,
        lanes: &mut [Lane<'_>],
        params: &Params,
        sums: &[f32],
        start: usize,
        end: usize,
        request: &RankRequest<'_>,
    ) {
        let width = lanes.len().min(WIDTH);
        let requirements = params.requirements;
        let mut best = vec![[0.0f32; WIDTH]; requirements];
        let mut floors = [[f32::INFINITY; 2]; WIDTH];

        for r in start..end {
            if (r - start).is_multiple_of(REFRESH) {
                for (n, lane) in lanes.iter().enumerate() {
                    floors[n] = [lane.floor(0), lane.floor(1)];
                }
            }
            let flags = self.flags[r];
            if flags & ALIVE == 0 {
                continue;
            }

            // Skills: the best credit of the row's skills for every (need,
            // requirement), then each need's weighted sum.
            for slot in best.iter_mut() {
                *slot = [0.0; WIDTH];
            }
            for &code in &self.skills[r] {
                let base = usize::from(code) * requirements;
                let Some(credits) = params.table.get(base..base + requirements) else {
                    continue;
                };
                for (slot, credits) in best.iter_mut().zip(credits) {
                    *slot = lane_max(*slot, credits);
                }
            }
            let mut sum = [0.0f32; WIDTH];
            for (slot, weight) in best.iter().zip(&params.weight) {
                for n in 0..WIDTH {
                    sum[n] += weight[n] * slot[n];
                }
            }
            let mut skill = [0.0f32; WIDTH];
            for n in 0..WIDTH {
                skill[n] = if params.asks_skills[n] {
                    (sum[n] * params.skill_scale[n]).min(1.0)
                } else {
                    1.0
                };
            }
            if flags & OVERFLOW != 0 {
                let row = self.row_ref(r);
                for (n, lane) in lanes.iter().enumerate() {
                    skill[n] = kernel::skill_fit(&lane.q, row.skills);
                }
            }

            // Motivation: shared themes counted by adding each theme's vector.
            let themes = self.themes[r];
            let mut count = [0.0f32; WIDTH];
            let mut bits = themes;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for n in 0..WIDTH {
                    count[n] += params.theme_of[b][n];
                }
            }
            let mut raw = [0.0f32; WIDTH];
            let offset = (r - start) * width;
            if let Some(row_sums) = sums.get(offset..offset + width) {
                raw[..width].copy_from_slice(row_sums);
            }
            let mut motivation = [0.0f32; WIDTH];
            for n in 0..WIDTH {
                let overlap = count[n] * params.theme_scale[n];
                let text = similarity(raw[n], params.text_scale[n]).max(0.0);
                let both = 0.5 * overlap + 0.5 * text;
                motivation[n] = match params.mode[n] {
                    BOTH => both,
                    THEMES_ONLY => overlap,
                    TEXT_ONLY => text,
                    _ => 0.5,
                };
            }
            for (n, lane) in lanes.iter().enumerate() {
                if lane.proposals.is_empty() {
                    continue;
                }
                if let Some(p) = lane.proposal(r as u32) {
                    let text = TextScores::from_raw(&lane.q, raw[n], p.1);
                    motivation[n] = kernel::motivation_value(&lane.q, themes, text);
                }
            }

            // Exclusions, in the terms of `kernel::exclusion_bits`.
            let hours = u32::from(self.hours[r]) * 2;
            let minimum = self.min_compensation[r];
            let [max_visits, max_engagements, active_engagements, _] = self.caps[r];
            let always = flags & ACTIVE == 0 || active_engagements >= max_engagements;
            let pro_bono_ok = flags & PRO_BONO_OK != 0;
            let remote_only = (flags >> WORK_STYLE_SHIFT) & 3 == 0 && max_visits == 0;
            let mut excluded = [false; WIDTH];
            for n in 0..WIDTH {
                excluded[n] = always
                    || hours < params.hours_min[n]
                    || (params.pro_bono[n] && !pro_bono_ok)
                    || (!params.pro_bono[n] && minimum > params.budget_max[n])
                    || (params.visits_asked[n] && remote_only);
            }

            let mut upper = [0.0f32; WIDTH];
            for n in 0..WIDTH {
                upper[n] = 100.0
                    * (params.w_skills[n] * skill[n]
                        + params.w_motivation[n] * motivation[n]
                        + params.rest[n]);
            }
            for (n, lane) in lanes.iter_mut().enumerate() {
                let group = u8::from(excluded[n]);
                if excluded[n] && !request.include_excluded {
                    continue;
                }
                let bound = match request.mode {
                    Mode::Need => upper[n] + SLACK,
                    Mode::Reciprocal => kernel::harmonic(upper[n].min(100.0), 100.0) + SLACK,
                };
                if bound < floors[n][usize::from(group)] {
                    continue;
                }
                self.refine(lane, r, [skill[n], motivation[n]], group, request.mode);
            }
        }
    }
}
