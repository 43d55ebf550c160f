//! Ranking profiles for needs: one scan over the columns, a bounded heap per need,
//! reasons only for the rows returned.
//!
//! For each need the text part is accumulated first, term by term over the
//! postings of the need's distinctive terms. Then each live row is read once and,
//! for each need, scored factor by factor — highest-value factors first — and
//! dropped as soon as even perfect remaining factors could not lift it into the
//! need's current top `k`. Only the `k` survivors get their reasons written.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::exclusion::Exclusion;
use crate::factors::bm25::{NO_TERM, contribution};
use crate::factors::encode::RowRef;
use crate::factors::kernel::{self, TextScores};
use crate::factors::proposal_match;
use crate::factors::query::NeedQuery;
use crate::factors::reasons::TextMatch;
use crate::model::{Id, Need};
use crate::reciprocal::{Preference, preference_total};
use crate::score::{Explanation, display_row};
use crate::topk::{RankKey, TopK};
use crate::weights::Weights;

use super::ProfileIndex;

/// Float slack when pruning on an upper bound: the bound is summed in another order
/// than the total, so it may round a hair low.
const SLACK: f32 = 1e-3;

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
struct Lane<'n> {
    q: NeedQuery<'n>,
    /// BM25 sums of each row's text against the need.
    acc: Vec<f32>,
    /// `(row, similarity, matched keys)` of proposals, by row.
    proposals: Vec<(u32, f32, Vec<u64>)>,
    cursor: usize,
    top: TopK<u32>,
    /// Weight of every factor but motivation.
    rest_after_motivation: f32,
    /// Weight of every factor but motivation and skills.
    rest_after_skills: f32,
}

impl Lane<'_> {
    fn proposal_at(&mut self, row: u32) -> f32 {
        while self.proposals.get(self.cursor).is_some_and(|p| p.0 < row) {
            self.cursor += 1;
        }
        match self.proposals.get(self.cursor) {
            Some(p) if p.0 == row => p.1,
            _ => 0.0,
        }
    }

    fn bound(&self, mode: Mode, upper: f32) -> f32 {
        match mode {
            Mode::Need => upper + SLACK,
            Mode::Reciprocal => kernel::harmonic(upper.min(100.0), 100.0) + SLACK,
        }
    }

    /// Scores one row, pruning early, and offers it to the heap.
    #[inline]
    fn consider(&mut self, r: u32, row: &RowRef<'_>, id: Id, request: &RankRequest<'_>) {
        let mask = kernel::exclusion_mask(&self.q, row);
        let group = u8::from(mask != 0);
        if (group == 1 && !request.include_excluded) || !self.top.can_reach(group, 100.0) {
            return;
        }
        let w = self.q.weights;
        let proposal = self.proposal_at(r);
        let text = TextScores::from_raw(&self.q, self.acc[r as usize], proposal);
        let motivation = kernel::motivation_fit(&self.q, row, text);
        let upper = 100.0 * (w[1] * motivation + self.rest_after_motivation);
        if !self.top.can_reach(group, self.bound(request.mode, upper)) {
            return;
        }
        let skills = kernel::skill_fit(&self.q, row);
        let upper = 100.0 * (w[0] * skills + w[1] * motivation + self.rest_after_skills);
        if !self.top.can_reach(group, self.bound(request.mode, upper)) {
            return;
        }
        let scores = [
            skills,
            motivation,
            kernel::experience_fit(&self.q, row),
            kernel::availability_fit(&self.q, row),
            kernel::regional_affinity(&self.q, row),
            kernel::work_style_fit(&self.q, row),
            kernel::compensation_fit(&self.q, row),
        ];
        let total = kernel::weighted_total(&w, &scores);
        let key = match request.mode {
            Mode::Need => total,
            Mode::Reciprocal => {
                if !self
                    .top
                    .can_reach(group, kernel::harmonic(total, 100.0) + SLACK)
                {
                    return;
                }
                kernel::harmonic(total, preference_total(&self.q, row))
            }
        };
        self.top.push(
            RankKey {
                group,
                score: key,
                id,
            },
            r,
        );
    }
}

impl ProfileIndex {
    /// The best `request.k` profiles for `need` (see the [module documentation](self)).
    pub fn rank(&self, need: &Need, request: &RankRequest<'_>) -> Vec<Candidate> {
        self.rank_batch(std::slice::from_ref(need), request)
            .pop()
            .unwrap_or_default()
    }

    /// Ranks several needs in one pass over the columns; one list per need, in order.
    pub fn rank_batch(&self, needs: &[Need], request: &RankRequest<'_>) -> Vec<Vec<Candidate>> {
        let mut lanes: Vec<Lane<'_>> = needs.iter().map(|need| self.lane(need, request)).collect();

        let only: Option<Vec<u32>> = request.only.map(|ids| {
            let mut rows: Vec<u32> = ids.iter().filter_map(|&id| self.row_of(id)).collect();
            rows.sort_unstable();
            rows.dedup();
            rows
        });
        let mut visit = |r: usize| {
            if !self.is_alive(r) {
                return;
            }
            let row = self.row_ref(r);
            let id = self.id_at(r);
            for lane in &mut lanes {
                lane.consider(r as u32, &row, id, request);
            }
        };
        match &only {
            Some(rows) => rows.iter().for_each(|&r| visit(r as usize)),
            None => (0..self.rows()).for_each(visit),
        }

        lanes
            .into_iter()
            .map(|lane| self.candidates(lane, request))
            .collect()
    }

    fn lane<'n>(&self, need: &'n Need, request: &RankRequest<'_>) -> Lane<'n> {
        let q = NeedQuery::new(
            need,
            &request.weights,
            request.today,
            self.vocab(),
            Some(self.corpus()),
        );
        let mut acc = vec![0.0f32; self.rows()];
        let doc_len = self.doc_len_column();
        let average_len = q.text.average_len;
        for term in &q.text.profile_terms {
            if term.term == NO_TERM {
                continue;
            }
            self.corpus().for_each_posting(term.term, |row, tf| {
                let r = row as usize;
                if let (Some(sum), Some(&len)) = (acc.get_mut(r), doc_len.get(r)) {
                    *sum += contribution(term.idf, tf, len, average_len);
                }
            });
        }
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
        let rest_after_motivation = w[0] + w[2] + w[3] + w[4] + w[5] + w[6];
        let rest_after_skills = w[2] + w[3] + w[4] + w[5] + w[6];
        Lane {
            q,
            acc,
            proposals,
            cursor: 0,
            top: TopK::new(request.k),
            rest_after_motivation,
            rest_after_skills,
        }
    }

    /// The candidates of a finished lane, with reasons if asked.
    fn candidates(&self, lane: Lane<'_>, request: &RankRequest<'_>) -> Vec<Candidate> {
        let Lane {
            q,
            acc,
            proposals,
            top,
            ..
        } = lane;
        let chosen = top.into_sorted();
        let mut matched: HashMap<u32, Vec<u64>> = HashMap::new();
        if request.explain && !chosen.is_empty() {
            // Which of the need's terms each chosen row uses: one more pass over the
            // same postings, keeping only the chosen rows.
            let mut wanted = vec![0u64; self.rows().div_ceil(64)];
            for &(_, r) in &chosen {
                wanted[r as usize / 64] |= 1 << (r % 64);
            }
            for term in &q.text.profile_terms {
                if term.term == NO_TERM {
                    continue;
                }
                self.corpus().for_each_posting(term.term, |row, _| {
                    let r = row as usize;
                    if wanted
                        .get(r / 64)
                        .is_some_and(|bits| bits & (1 << (r % 64)) != 0)
                        && self.is_alive(r)
                    {
                        matched.entry(row).or_default().push(term.key);
                    }
                });
            }
        }
        chosen
            .into_iter()
            .map(|(_, r)| {
                let row = self.row_ref(r as usize);
                let proposal = proposals.iter().find(|p| p.0 == r);
                let text = TextMatch {
                    scores: TextScores::from_raw(
                        &q,
                        acc[r as usize],
                        proposal.map_or(0.0, |p| p.1),
                    ),
                    has_proposal: proposal.is_some(),
                    motivation_keys: matched.remove(&r).unwrap_or_default(),
                    proposal_keys: proposal.map(|p| p.2.clone()).unwrap_or_default(),
                };
                let score = kernel::weighted_total(
                    &q.weights,
                    &kernel::factor_scores(&q, &row, text.scores),
                );
                let preference = preference_total(&q, &row);
                Candidate {
                    profile_id: self.id_at(r as usize),
                    score,
                    preference,
                    reciprocal_score: kernel::harmonic(score, preference),
                    display: display_row(&row),
                    excluded: Exclusion::from_mask(kernel::exclusion_mask(&q, &row)),
                    explanation: request.explain.then(|| Explanation::build(&q, &row, &text)),
                    preference_detail: request.explain.then(|| Preference::build(&q, &row)),
                }
            })
            .collect()
    }
}
