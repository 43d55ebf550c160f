//! Ranking profiles for needs: one scan over the columns, a bounded heap per need,
//! reasons only for the rows returned.
//!
//! 1. **Bounds first.** Rows are read in blocks; for each row a few table lookups
//!    give an upper bound of every need's score of it (see [`bounds`](super::bounds)),
//!    and only rows whose bound reaches a need's current floor (the `k`-th best
//!    score so far) go on, for that need.
//! 2. **Exact scores for the few.** A passing row has its text read first, from
//!    its forward term list (the bounds take the text at its best); if it can still
//!    get in, every other factor is scored, and the row offered to the heap.
//! 3. **Reasons last**, for the `k` returned only, from the same columns (and the
//!    rows' forward term lists for the shared words).
//!
//! Every number comes from the same kernels as [`score`](crate::score::score), in the
//! same order, so a ranked score equals the pair's score to the bit.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::exclusion::Exclusion;
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
use super::scan::{FLUSH, ScanStats, TextTerms, WIDTH};

/// Float slack when pruning on an upper bound: the bound is summed in another order
/// than the total, so it may round a hair low.
pub(super) const SLACK: f32 = 1e-3;

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
    /// Build the need's reasons for the returned candidates.
    pub explain: bool,
    /// Build the professional's side too ([`Candidate::preference_detail`]); its
    /// total is always given.
    pub explain_preference: bool,
}

impl<'a> RankRequest<'a> {
    /// Top `k` by the need's score, default weights, everyone, with the need's
    /// reasons.
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
            explain_preference: false,
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
    /// The professional's side, when asked for
    /// ([`RankRequest::explain_preference`]).
    pub preference_detail: Option<Preference>,
}

/// One need's state during a scan.
pub(super) struct Lane<'n> {
    pub(super) q: NeedQuery<'n>,
    /// `(row, similarity, matched keys)` of proposals, by row.
    pub(super) proposals: Vec<(u32, f32, Vec<u64>)>,
    pub(super) top: TopK<u32>,
    /// The need's text terms by corpus id, for the text of the rows that get that
    /// far.
    pub(super) text: TextTerms,
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

    /// Offers a fully scored row to the heap; the id (a cold column) is read only
    /// if the row can get in.
    pub(super) fn offer(
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
        self.rank_batch_flushing(needs, request, FLUSH).0
    }

    /// [`rank_batch`](Self::rank_batch) with each need's own proposals:
    /// `proposals[j]` are those of `needs[j]` (a need's applicants' messages), and
    /// `request.proposals` is not used. Each list equals what [`rank`](Self::rank)
    /// gives for that need with its proposals alone.
    ///
    /// # Panics
    ///
    /// When `proposals` and `needs` differ in length.
    pub fn rank_batch_proposing(
        &self,
        needs: &[Need],
        proposals: &[&[(Id, &str)]],
        request: &RankRequest<'_>,
    ) -> Vec<Vec<Candidate>> {
        assert_eq!(needs.len(), proposals.len(), "one proposal list a need");
        self.rank_lanes(needs, |j| proposals[j], request, FLUSH).0
    }

    /// [`rank_batch`](Self::rank_batch), its scans flushing every `flush` pairs a
    /// lane, and what they did.
    pub(super) fn rank_batch_flushing(
        &self,
        needs: &[Need],
        request: &RankRequest<'_>,
        flush: usize,
    ) -> (Vec<Vec<Candidate>>, ScanStats) {
        self.rank_lanes(needs, |_| request.proposals, request, flush)
    }

    fn rank_lanes<'p>(
        &self,
        needs: &[Need],
        proposals: impl Fn(usize) -> &'p [(Id, &'p str)],
        request: &RankRequest<'_>,
        flush: usize,
    ) -> (Vec<Vec<Candidate>>, ScanStats) {
        let mut ranked = Vec::with_capacity(needs.len());
        let mut stats = ScanStats::default();
        for (chunk, needs) in needs.chunks(WIDTH).enumerate() {
            let mut lanes: Vec<Lane<'_>> = needs
                .iter()
                .enumerate()
                .map(|(i, need)| self.lane(need, proposals(chunk * WIDTH + i), request))
                .collect();
            match request.only {
                Some(ids) => {
                    let mut rows: Vec<u32> = ids.iter().filter_map(|&id| self.row_of(id)).collect();
                    rows.sort_unstable();
                    rows.dedup();
                    let mut scratch = Vec::new();
                    for r in rows {
                        for lane in &mut lanes {
                            self.exact(lane, r, request, &mut scratch);
                        }
                    }
                }
                None => stats = stats.then(self.scan(&mut lanes, request, flush)),
            }
            ranked.extend(lanes.into_iter().map(|lane| self.candidates(lane, request)));
        }
        (ranked, stats)
    }

    fn lane<'n>(
        &self,
        need: &'n Need,
        applied: &[(Id, &str)],
        request: &RankRequest<'_>,
    ) -> Lane<'n> {
        let q = NeedQuery::new(
            need,
            &request.weights,
            request.today,
            self.vocab(),
            Some(self.corpus()),
        );
        let mut proposals: Vec<(u32, f32, Vec<u64>)> = Vec::new();
        for &(id, text) in applied {
            if let Some(row) = self.row_of(id)
                && !proposals.iter().any(|p| p.0 == row)
            {
                let (similarity, keys) = proposal_match(&q, text);
                proposals.push((row, similarity, keys));
            }
        }
        proposals.sort_by_key(|p| p.0);
        Lane {
            text: TextTerms::new(&q, self.max_doc_len),
            q,
            proposals,
            top: TopK::new(request.k),
        }
    }

    /// The candidates of a finished lane, with reasons if asked.
    fn candidates(&self, lane: Lane<'_>, request: &RankRequest<'_>) -> Vec<Candidate> {
        let chosen = lane.top.into_sorted();
        let q = &lane.q;
        // The chosen rows were scored long ago: touch them all first, so that their
        // cache misses overlap.
        let mut touched = 0u32;
        for &(_, r) in &chosen {
            touched = touched.wrapping_add(self.touch_row(r) ^ self.touch_text(r));
        }
        std::hint::black_box(touched);
        let mut scratch = Vec::new();
        chosen
            .into_iter()
            .map(|(_, r)| {
                let row = self.row_ref(r as usize);
                let proposal = lane
                    .proposals
                    .binary_search_by_key(&r, |p| p.0)
                    .ok()
                    .map(|at| &lane.proposals[at]);
                let (raw, motivation_keys) = if request.explain {
                    lane.text.sum_and_keys(self, q, r, &mut scratch)
                } else {
                    (self.text_sum(&lane.text, r, &mut scratch), Vec::new())
                };
                let scores = TextScores::from_raw(q, raw, proposal.map_or(0.0, |p| p.1));
                let factors = kernel::factor_scores(q, &row, scores);
                let score = kernel::weighted_total(&q.weights, &factors);
                let preference = preference_total(q, &row);
                let explanation = request.explain.then(|| {
                    let text = TextMatch {
                        scores,
                        has_proposal: proposal.is_some(),
                        motivation_keys,
                        proposal_keys: proposal.map(|p| p.2.clone()).unwrap_or_default(),
                    };
                    Explanation::from_scores(q, &row, &text, &factors)
                });
                let preference_detail = request.explain_preference.then(|| match &explanation {
                    Some(explanation) => Preference::build_beside(q, &row, explanation),
                    None => Preference::build(q, &row),
                });
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
}
