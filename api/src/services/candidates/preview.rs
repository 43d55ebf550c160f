//! What new factor weights would do to a need's candidates, before they are saved: the
//! top of the need's list (everyone listed, as the coordinator scouts it) ranked under
//! the region's current weights and again under the new ones, over the same pool, the
//! same day and the same proposals, so the only difference is the weights.
//!
//! A preview ranks the index directly and never goes near the kept lists of
//! [`ranking::cache`](crate::ranking::cache): a list ranked under weights nobody saved
//! is never kept, and a kept list is never shown as the "current" side.

use std::{collections::HashMap, sync::Arc};

use anyhow::Context;
use musubi_matcher::{self as engine, Candidate, Weights};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::super::{Error, Result, assignment, needs};
use crate::{
    access::{Action, Actor},
    domain::ids::NeedId,
    entities::need,
    ranking::{self, Pool, Ranking, convert, scout::Scouting, view},
    repo, scoring,
};

/// How many of the top a preview compares.
pub const PREVIEW_TOP: usize = 10;

/// A need's top under the current weights and under new ones.
#[derive(Debug)]
pub struct Preview {
    /// The need ranked.
    pub need: need::Model,
    /// The region's weights now.
    pub current: Weights,
    /// The weights previewed.
    pub new: Weights,
    /// The top under the current weights, best first.
    pub before: Vec<Moved>,
    /// The top under the new weights, best first.
    pub after: Vec<Moved>,
}

/// A candidate in either top, with their place and score under both weights.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// Who (never shown: the display line is).
    pub professional_id: Uuid,
    /// The pseudonymous display line, as candidate lists show it.
    pub display: String,
    /// Their place (1-based) in the top under the current weights; `None` below it.
    pub rank_before: Option<usize>,
    /// Their place in the top under the new weights; `None` below it.
    pub rank_after: Option<usize>,
    /// Their score (0–100) under the current weights.
    pub score_before: f64,
    /// Their score under the new weights.
    pub score_after: f64,
}

/// How a candidate's place changes with the new weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Up this many places.
    Up(usize),
    /// Down this many places.
    Down(usize),
    /// The same place.
    Same,
    /// Into the top from below it.
    New,
    /// Out of the top.
    Out,
}

impl Moved {
    /// How their place changes.
    pub fn change(&self) -> Change {
        match (self.rank_before, self.rank_after) {
            (Some(before), Some(after)) if after < before => Change::Up(before - after),
            (Some(before), Some(after)) if after > before => Change::Down(after - before),
            (Some(_), Some(_)) => Change::Same,
            (None, _) => Change::New,
            (Some(_), None) => Change::Out,
        }
    }
}

/// The need's top [`PREVIEW_TOP`] (everyone listed, by the need's score) under the
/// region's current weights beside its top under `new`. For the coordinators of the
/// need's region (others: 403 for a role that may never scout, 404 for anyone else).
/// Saves nothing and keeps nothing.
#[tracing::instrument(skip_all, fields(need_id = %need_id))]
pub async fn preview_weights(
    db: &impl ConnectionTrait,
    ranking: &Arc<Ranking>,
    actor: &Actor,
    need_id: NeedId,
    new: Weights,
) -> Result<Preview> {
    let action = |need| Action::RankCandidates {
        need,
        everyone: true,
    };
    needs::refuse_role(Some(actor), action)?;
    let posted = needs::decided(db, Some(actor), need_id, action).await?;
    let region = repo::regions::by_id(db, posted.need.region_id)
        .await?
        .ok_or(Error::NotFound)?;
    let scored = convert::scored_need(&posted.need, &posted.organization, &region)?;
    let applications = ranking::applicants(db, posted.need.id).await?;
    let today = scoring::today();
    let index = Arc::clone(ranking);
    let current = scored.weights;
    let place = super::super::sharing::place_of(&region);
    // Four scans of the index are CPU work: off the async threads.
    let (before, after) = tokio::task::spawn_blocking(move || {
        let proposals = assignment::proposals(&applications);
        let applicants: Vec<engine::Id> = proposals.iter().map(|&(id, _)| id).collect();
        let loads = HashMap::new();
        // Whom the region may find, as its scouting list has them (undampened: the
        // preview compares weights, nothing else).
        let scouting = Scouting {
            region: &place,
            applicants: &applicants,
            weight: 0.0,
            loads: &loads,
        };
        let rank_all = |weights: Weights| {
            let request = assignment::request(PREVIEW_TOP, weights, today, &proposals, false);
            index.scout(&scored.need, request, &scouting).candidates
        };
        let before = rank_all(current);
        let after = rank_all(new);
        compare(&before, &after, current, new, |weights, ids| {
            let request = assignment::request(ids.len(), weights, today, &proposals, false);
            index.rank(&scored.need, Pool::Only(ids), request)
        })
    })
    .await
    .context("previewing weights")?;
    Ok(Preview {
        need: posted.need,
        current,
        new,
        before,
        after,
    })
}

/// Both tops with each candidate's place and score under both weights. Those in one
/// top only are scored under the other weights by `score_only` (a ranking of just
/// them: exclusions do not depend on weights, so they are all ranked).
fn compare(
    before: &[Candidate],
    after: &[Candidate],
    current: Weights,
    new: Weights,
    score_only: impl Fn(Weights, &[engine::Id]) -> Vec<Candidate>,
) -> (Vec<Moved>, Vec<Moved>) {
    let place = |list: &[Candidate]| -> HashMap<engine::Id, (usize, f64)> {
        list.iter()
            .enumerate()
            .map(|(n, c)| (c.profile_id, (n + 1, view::total(c.score))))
            .collect()
    };
    let (was, is) = (place(before), place(after));
    let missing = |list: &[Candidate], other: &HashMap<engine::Id, (usize, f64)>| {
        list.iter()
            .map(|c| c.profile_id)
            .filter(|id| !other.contains_key(id))
            .collect::<Vec<_>>()
    };
    let scores = |weights, ids: Vec<engine::Id>| -> HashMap<engine::Id, f64> {
        if ids.is_empty() {
            return HashMap::new();
        }
        score_only(weights, &ids)
            .into_iter()
            .map(|c| (c.profile_id, view::total(c.score)))
            .collect()
    };
    // The new score of those who fell out; the old score of those who came in.
    let new_scores = scores(new, missing(before, &is));
    let old_scores = scores(current, missing(after, &was));
    let moved = |c: &Candidate| {
        let (rank_before, score_before) = match was.get(&c.profile_id) {
            Some(&(rank, score)) => (Some(rank), score),
            None => (None, old_scores.get(&c.profile_id).copied().unwrap_or(0.0)),
        };
        let (rank_after, score_after) = match is.get(&c.profile_id) {
            Some(&(rank, score)) => (Some(rank), score),
            None => (None, new_scores.get(&c.profile_id).copied().unwrap_or(0.0)),
        };
        Moved {
            professional_id: ranking::professional_id(c.profile_id),
            display: c.display.clone(),
            rank_before,
            rank_after,
            score_before,
            score_after,
        }
    };
    (
        before.iter().map(moved).collect(),
        after.iter().map(moved).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: engine::Id, score: f32) -> Candidate {
        Candidate {
            profile_id: id,
            score,
            preference: 0.0,
            reciprocal_score: 0.0,
            display: format!("P{id}"),
            excluded: Vec::new(),
            explanation: None,
            preference_detail: None,
        }
    }

    #[test]
    fn places_and_scores_under_both_weights_and_the_change_in_words() {
        let current = Weights::default();
        let new = Weights::new([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
        // Before: 1, 2, 3. After: 3, 1, 4 (2 fell out, 4 came in).
        let before = [candidate(1, 90.0), candidate(2, 80.0), candidate(3, 70.0)];
        let after = [candidate(3, 95.0), candidate(1, 85.0), candidate(4, 60.0)];
        let asked = std::cell::RefCell::new(Vec::new());
        let (was, is) = compare(&before, &after, current, new, |weights, ids| {
            asked.borrow_mut().push((weights == new, ids.to_vec()));
            ids.iter()
                .map(|&id| candidate(id, if id == 2 { 50.0 } else { 65.0 }))
                .collect()
        });
        assert_eq!(
            *asked.borrow(),
            [(true, vec![2]), (false, vec![4])],
            "only those in one top are scored again, under the other weights"
        );
        let changes: Vec<Change> = is.iter().map(Moved::change).collect();
        assert_eq!(changes, [Change::Up(2), Change::Down(1), Change::New]);
        assert_eq!((is[2].score_before, is[2].score_after), (65.0, 60.0));
        assert_eq!(was[1].change(), Change::Out);
        assert_eq!((was[1].score_before, was[1].score_after), (80.0, 50.0));
        assert_eq!((was[0].rank_before, was[0].rank_after), (Some(1), Some(2)));
        assert_eq!(is[0].display, "P3");
        assert_eq!(is[0].professional_id, Uuid::from_u128(3));
    }

    #[test]
    fn the_same_place_is_said_so() {
        let moved = Moved {
            professional_id: Uuid::nil(),
            display: String::new(),
            rank_before: Some(4),
            rank_after: Some(4),
            score_before: 1.0,
            score_after: 2.0,
        };
        assert_eq!(moved.change(), Change::Same);
    }
}
