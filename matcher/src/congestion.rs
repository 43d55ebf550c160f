//! Congestion dampening: scouting by score alone sends the same few strong profiles to
//! every need; a region may lower, in its scouting lists, the score of a professional
//! who is already much asked this month, so that scouting spreads.
//!
//! ## The formula
//!
//! For a professional with `load` introductions and pending scouts this month and a
//! region's dampening weight `w ≥ 0`:
//!
//! ```text
//! dampened = score / (1 + w · load)
//! ```
//!
//! - it never raises a score (`1 + w · load ≥ 1`), and a profile with no load, or a
//!   region with `w = 0`, keeps its score exactly;
//! - it is gentle for one or two and strong for many: at `w = 0.1`, three
//!   introductions take a score of 80 to 61.5, ten take it to 40;
//! - the need's side only: the professional's preference is untouched, and the
//!   reciprocal score is the harmonic mean of the dampened score and the preference
//!   (so it never rises either);
//! - a need's own applicants are never dampened (they asked for this one).
//!
//! A dampened candidate carries its load, its score before dampening and a reason
//! (「今月すでに3件の紹介があります」).
//!
//! ## Ranking with it, exactly
//!
//! [`rank_spread`] returns the true top `k` of the dampened order, among the profiles
//! a `keep` predicate lets through (a region's consenting professionals, say). It asks
//! the index for a longer plain list (no reasons), dampens and filters it, and stops as
//! soon as the `k`-th kept candidate ranks at or above the last one fetched: a profile
//! not fetched scores no higher than that one before dampening, and dampening only
//! lowers. Otherwise it asks for four times as many. The `k` chosen are then ranked
//! again with their reasons.

use std::cmp::Ordering;

use crate::factors::Reason;
use crate::factors::kernel::harmonic;
use crate::index::{Candidate, Mode, ProfileIndex, RankRequest};
use crate::model::{Id, Need};
use crate::topk::RankKey;

/// The largest dampening weight a region may set: past it one introduction already
/// halves a score several times over, which says "never scout twice", not "spread".
pub const MAX_WEIGHT: f32 = 10.0;

/// The factor a score is multiplied by: `1 / (1 + weight · load)`, in `(0, 1]`. A
/// negative or non-finite weight counts as zero.
pub fn factor(weight: f32, load: u32) -> f32 {
    if !weight.is_finite() || weight <= 0.0 || load == 0 {
        return 1.0;
    }
    1.0 / (1.0 + weight * load as f32)
}

/// A score (0–100) dampened by `load` at `weight` (see the [module docs](self)).
pub fn dampen(score: f32, weight: f32, load: u32) -> f32 {
    let f = factor(weight, load);
    if f >= 1.0 { score } else { score * f }
}

/// Why a score was dampened, in both languages.
pub fn reason(load: u32) -> Reason {
    Reason::new(
        format!("今月すでに{load}件の紹介があります"),
        format!(
            "Already {load} introduction{} or pending scout{} this month",
            if load == 1 { "" } else { "s" },
            if load == 1 { "" } else { "s" }
        ),
    )
}

/// A region's dampening, as one ranking uses it.
#[derive(Clone, Copy)]
pub struct Congestion<'a> {
    /// The region's weight (`0`: none).
    pub weight: f32,
    /// Each professional's introductions and pending scouts this month.
    pub load: &'a dyn Fn(Id) -> u32,
    /// Never dampened: the need's own applicants.
    pub exempt: &'a [Id],
}

impl std::fmt::Debug for Congestion<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Congestion")
            .field("weight", &self.weight)
            .field("exempt", &self.exempt.len())
            .finish_non_exhaustive()
    }
}

impl Congestion<'_> {
    /// No dampening at all.
    pub const NONE: Congestion<'static> = Congestion {
        weight: 0.0,
        load: &|_| 0,
        exempt: &[],
    };

    /// The load that counts for `id`: none for the exempt.
    pub fn load_of(&self, id: Id) -> u32 {
        if self.weight <= 0.0 || self.exempt.contains(&id) {
            0
        } else {
            (self.load)(id)
        }
    }
}

/// How a candidate was dampened.
#[derive(Debug, Clone, PartialEq)]
pub struct Damped {
    /// Introductions and pending scouts this month.
    pub load: u32,
    /// The need's score before dampening (the candidate's `score` is after).
    pub undamped_score: f32,
    /// Why, for the reasons.
    pub reason: Reason,
}

/// A candidate of a spread ranking, and how it was dampened (if it was).
#[derive(Debug, Clone, PartialEq)]
pub struct Spread {
    /// The candidate, its `score` and `reciprocal_score` dampened.
    pub candidate: Candidate,
    /// `None` when its score is untouched.
    pub damped: Option<Damped>,
}

fn key(candidate: &Candidate, score: f32, mode: Mode) -> RankKey {
    RankKey {
        group: u8::from(!candidate.excluded.is_empty()),
        score: match mode {
            Mode::Need => score,
            Mode::Reciprocal => harmonic(score, candidate.preference),
        },
        id: candidate.profile_id,
    }
}

/// Applies the dampening to one candidate.
fn damp(mut candidate: Candidate, congestion: &Congestion<'_>) -> Spread {
    let load = congestion.load_of(candidate.profile_id);
    let dampened = dampen(candidate.score, congestion.weight, load);
    if dampened >= candidate.score {
        return Spread {
            candidate,
            damped: None,
        };
    }
    let undamped_score = candidate.score;
    candidate.score = dampened;
    candidate.reciprocal_score = harmonic(dampened, candidate.preference);
    Spread {
        candidate,
        damped: Some(Damped {
            load,
            undamped_score,
            reason: reason(load),
        }),
    }
}

/// The best `request.k` profiles for `need` that `keep` lets through, ordered by their
/// dampened scores (see the [module docs](self)). With `request.only`, among those.
/// With no dampening and a `keep` that keeps everyone, the same list as
/// [`ProfileIndex::rank`].
pub fn rank_spread(
    index: &ProfileIndex,
    need: &Need,
    request: &RankRequest<'_>,
    keep: &dyn Fn(Id) -> bool,
    congestion: &Congestion<'_>,
) -> Vec<Spread> {
    let k = request.k;
    if k == 0 {
        return Vec::new();
    }
    let pool = request.only.map_or(index.len(), <[Id]>::len).max(1);
    let mut fetch = k.saturating_mul(2).max(k + 16).min(pool);
    let chosen: Vec<Id> = loop {
        let plain = index.rank(
            need,
            &RankRequest {
                k: fetch,
                explain: false,
                explain_preference: false,
                ..*request
            },
        );
        let exhausted = plain.len() < fetch || fetch >= pool;
        let last = plain.last().map(|c| key(c, c.score, request.mode));
        let mut kept: Vec<RankKey> = plain
            .iter()
            .filter(|c| keep(c.profile_id))
            .map(|c| {
                let load = congestion.load_of(c.profile_id);
                key(c, dampen(c.score, congestion.weight, load), request.mode)
            })
            .collect();
        kept.sort_by(RankKey::rank_cmp);
        kept.truncate(k);
        let settled = kept.len() == k
            && last.is_some_and(|last| kept[k - 1].rank_cmp(&last) != Ordering::Greater);
        if exhausted || settled {
            break kept.into_iter().map(|key| key.id).collect();
        }
        fetch = fetch.saturating_mul(4).min(pool);
    };
    if chosen.is_empty() {
        return Vec::new();
    }
    let explained = index.rank(
        need,
        &RankRequest {
            k: chosen.len(),
            only: Some(&chosen),
            ..*request
        },
    );
    let mut spread: Vec<Spread> = explained
        .into_iter()
        .map(|candidate| damp(candidate, congestion))
        .collect();
    spread.sort_by(|a, b| {
        key(&a.candidate, a.candidate.score, request.mode).rank_cmp(&key(
            &b.candidate,
            b.candidate.score,
            request.mode,
        ))
    });
    spread
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_formula_at_a_glance() {
        assert_eq!(dampen(80.0, 0.0, 3), 80.0);
        assert_eq!(dampen(80.0, 0.1, 0), 80.0);
        assert!((dampen(80.0, 0.1, 3) - 61.538_46).abs() < 1e-3);
        assert!((dampen(80.0, 0.1, 10) - 40.0).abs() < 1e-3);
        assert_eq!(dampen(80.0, f32::NAN, 3), 80.0);
        assert_eq!(dampen(80.0, -1.0, 3), 80.0);
        assert_eq!(reason(3).ja, "今月すでに3件の紹介があります");
    }
}
