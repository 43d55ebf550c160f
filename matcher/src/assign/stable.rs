//! A stable assignment (deferred acceptance, needs proposing, with capacities), and the
//! audit that compares any assignment's total, places filled and blocking pairs.
//!
//! The exact assignment ([`assign`](super::assign)) maximises the sum of the needs'
//! scores; it can leave a **blocking pair**: a need and a professional, joined by an
//! eligible edge but not matched, who each would rather have the other than what they
//! were given (or have a free place). [`stable`] leaves none: each need proposes to
//! its candidates best first (by its own score of them); each professional holds the
//! best offers up to their capacity by *their* score of the need (the
//! `preference`), and lets a worse one go when a better one comes. The result is the
//! need-optimal stable assignment on those preferences.
//!
//! Ties are broken the same way everywhere, so the answer is deterministic: a need
//! prefers the higher score, then the smaller professional index; a professional the
//! higher preference, then the higher need score, then the smaller need index. A
//! blocking pair is counted only on *strict* preference by the raw scores, so a tie is
//! never a reason to block.
//!
//! ```
//! use musubi_matcher::assign::{Edge, Problem, assign, audit, stable};
//!
//! // Need 0 scores professional 0 best, but professional 0 prefers need 1.
//! let problem = Problem {
//!     need_capacity: vec![1, 1],
//!     professional_capacity: vec![1, 1],
//!     edges: vec![
//!         Edge { need: 0, professional: 0, score: 90 },
//!         Edge { need: 0, professional: 1, score: 10 },
//!         Edge { need: 1, professional: 0, score: 50 },
//!     ],
//!     floor: 0,
//! };
//! // The professionals' scores of each edge's need, edge by edge.
//! let preference = [20, 50, 80];
//! let best = assign(&problem)?;
//! assert_eq!(best.pairs, [(0, 0)]);
//! assert_eq!(audit(&problem, &preference, &best.pairs)?.blocking_pairs, 1);
//! let fair = stable(&problem, &preference)?;
//! assert_eq!(fair.pairs, [(0, 1), (1, 0)]);
//! let report = audit(&problem, &preference, &fair.pairs)?;
//! assert_eq!((report.total_score, report.filled, report.blocking_pairs), (60, 2, 0));
//! # Ok::<(), musubi_matcher::Error>(())
//! ```

use std::collections::VecDeque;

use super::{Assignment, MAX_SCORE, Problem, invalid, validate};
use crate::error::Result;

/// What an assignment gives, and what it risks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audit {
    /// The sum of the chosen pairs' scores (the needs' side).
    pub total_score: i64,
    /// How many places are filled: the number of pairs.
    pub filled: u64,
    /// Eligible pairs not chosen whose need and professional would both rather have
    /// each other than (the worst of) what they were given, or have room.
    pub blocking_pairs: u64,
}

/// One eligible pair, both sides' scores, after merging duplicates.
#[derive(Debug, Clone, Copy)]
struct Pair {
    need: u32,
    professional: u32,
    /// The need's score of the professional.
    score: i64,
    /// The professional's score of the need.
    preference: i64,
}

/// The eligible edges (at or above the floor, positive), each pair once with its
/// higher score (and that edge's preference), in (need, professional) order.
fn eligible(problem: &Problem, preference: &[i64]) -> Result<Vec<Pair>> {
    validate(problem)?;
    if preference.len() != problem.edges.len() {
        return Err(invalid(
            "preference",
            format!(
                "{} preferences for {} edges",
                preference.len(),
                problem.edges.len()
            ),
        ));
    }
    if let Some(k) = preference
        .iter()
        .position(|p| p.unsigned_abs() > MAX_SCORE.unsigned_abs())
    {
        return Err(invalid(
            &format!("preference[{k}]"),
            format!("{} is beyond ±{MAX_SCORE}", preference[k]),
        ));
    }
    let mut pairs: Vec<Pair> = problem
        .edges
        .iter()
        .zip(preference)
        .filter(|(edge, _)| edge.score >= problem.floor && edge.score > 0)
        .map(|(edge, &preference)| Pair {
            need: edge.need,
            professional: edge.professional,
            score: edge.score,
            preference,
        })
        .collect();
    pairs.sort_unstable_by(|a, b| {
        (a.need, a.professional)
            .cmp(&(b.need, b.professional))
            .then(b.score.cmp(&a.score))
            .then(b.preference.cmp(&a.preference))
    });
    pairs.dedup_by_key(|pair| (pair.need, pair.professional));
    Ok(pairs)
}

/// The professional's order of offers: higher is better.
fn offer_key(pair: &Pair) -> (i64, i64, std::cmp::Reverse<u32>) {
    (pair.preference, pair.score, std::cmp::Reverse(pair.need))
}

/// A stable assignment on the same edges as [`assign`](super::assign): needs propose
/// in order of their own score (`edge.score`), professionals hold their best offers by
/// `preference[k]`, their score of edge `k`'s need. `objective` is the sum of the
/// chosen pairs' `edge.score`, as for [`assign`](super::assign).
///
/// # Errors
///
/// As [`assign`](super::assign), and [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
/// when `preference` is not one score per edge or a preference exceeds [`MAX_SCORE`].
pub fn stable(problem: &Problem, preference: &[i64]) -> Result<Assignment> {
    let pairs = eligible(problem, preference)?;
    let needs = problem.need_capacity.len();
    let professionals = problem.professional_capacity.len();

    // Each need's proposals, best first.
    let mut start = vec![0usize; needs + 1];
    for pair in &pairs {
        start[pair.need as usize + 1] += 1;
    }
    for j in 0..needs {
        start[j + 1] += start[j];
    }
    let mut order: Vec<usize> = (0..pairs.len()).collect();
    for j in 0..needs {
        order[start[j]..start[j + 1]].sort_unstable_by(|&a, &b| {
            let (a, b) = (&pairs[a], &pairs[b]);
            b.score
                .cmp(&a.score)
                .then(a.professional.cmp(&b.professional))
        });
    }

    let mut next = start.clone();
    let mut taken = vec![0u32; needs];
    // The offers each professional holds, as indices into `pairs`.
    let mut held: Vec<Vec<usize>> = vec![Vec::new(); professionals];
    let mut waiting: VecDeque<usize> = (0..needs).collect();
    while let Some(j) = waiting.pop_front() {
        while taken[j] < problem.need_capacity[j] && next[j] < start[j + 1] {
            let offer = order[next[j]];
            next[j] += 1;
            let p = pairs[offer].professional as usize;
            let capacity = problem.professional_capacity[p] as usize;
            if capacity == 0 {
                continue;
            }
            if held[p].len() < capacity {
                held[p].push(offer);
                taken[j] += 1;
                continue;
            }
            let (slot, &worst) = held[p]
                .iter()
                .enumerate()
                .min_by_key(|&(_, &held)| offer_key(&pairs[held]))
                .unwrap_or((0, &offer));
            if offer_key(&pairs[offer]) > offer_key(&pairs[worst]) {
                held[p][slot] = offer;
                taken[j] += 1;
                let dropped = pairs[worst].need as usize;
                taken[dropped] -= 1;
                waiting.push_back(dropped);
            }
        }
    }

    let mut chosen: Vec<&Pair> = held.iter().flatten().map(|&k| &pairs[k]).collect();
    chosen.sort_unstable_by_key(|pair| (pair.need, pair.professional));
    Ok(Assignment {
        pairs: chosen
            .iter()
            .map(|pair| (pair.need, pair.professional))
            .collect(),
        objective: chosen.iter().map(|pair| pair.score).sum(),
    })
}

/// The audit of `pairs`, a choice of pairs on `problem`'s edges (as [`assign`](super::assign)
/// or [`stable`] return): total score, places filled, and blocking pairs by each side's
/// own score (`edge.score` for the need, `preference[k]` for the professional).
///
/// # Errors
///
/// As [`stable`], and [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) when a
/// pair is not an eligible edge, is chosen twice, or a side is over its capacity.
pub fn audit(problem: &Problem, preference: &[i64], pairs: &[(u32, u32)]) -> Result<Audit> {
    let edges = eligible(problem, preference)?;
    let find = |need: u32, professional: u32| {
        edges
            .binary_search_by_key(&(need, professional), |pair| (pair.need, pair.professional))
            .ok()
    };
    let mut chosen = vec![false; edges.len()];
    let mut need_load = vec![0u32; problem.need_capacity.len()];
    let mut professional_load = vec![0u32; problem.professional_capacity.len()];
    // The worst partner each side holds, by its own score.
    let mut need_worst: Vec<Option<i64>> = vec![None; need_load.len()];
    let mut professional_worst: Vec<Option<i64>> = vec![None; professional_load.len()];
    let mut total_score = 0;
    for (k, &(need, professional)) in pairs.iter().enumerate() {
        let Some(at) = find(need, professional) else {
            return Err(invalid(
                &format!("pairs[{k}]"),
                format!("({need}, {professional}) is not an eligible edge"),
            ));
        };
        if std::mem::replace(&mut chosen[at], true) {
            return Err(invalid(
                &format!("pairs[{k}]"),
                format!("({need}, {professional}) is chosen twice"),
            ));
        }
        let pair = edges[at];
        let (n, p) = (need as usize, professional as usize);
        need_load[n] += 1;
        professional_load[p] += 1;
        if need_load[n] > problem.need_capacity[n] {
            return Err(invalid(
                &format!("pairs[{k}]"),
                format!("need {need} is over its capacity"),
            ));
        }
        if professional_load[p] > problem.professional_capacity[p] {
            return Err(invalid(
                &format!("pairs[{k}]"),
                format!("professional {professional} is over their capacity"),
            ));
        }
        need_worst[n] = Some(need_worst[n].map_or(pair.score, |w| w.min(pair.score)));
        professional_worst[p] =
            Some(professional_worst[p].map_or(pair.preference, |w| w.min(pair.preference)));
        total_score += pair.score;
    }
    let wants = |load: u32, capacity: u32, worst: Option<i64>, score: i64| {
        capacity > 0 && (load < capacity || worst.is_some_and(|worst| score > worst))
    };
    let blocking_pairs = edges
        .iter()
        .zip(&chosen)
        .filter(|&(pair, &chosen)| {
            let (n, p) = (pair.need as usize, pair.professional as usize);
            !chosen
                && wants(
                    need_load[n],
                    problem.need_capacity[n],
                    need_worst[n],
                    pair.score,
                )
                && wants(
                    professional_load[p],
                    problem.professional_capacity[p],
                    professional_worst[p],
                    pair.preference,
                )
        })
        .count() as u64;
    Ok(Audit {
        total_score,
        filled: pairs.len() as u64,
        blocking_pairs,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::{Edge, assign};
    use super::*;

    fn edge(need: u32, professional: u32, score: i64) -> Edge {
        Edge {
            need,
            professional,
            score,
        }
    }

    fn problem(needs: &[u32], professionals: &[u32], edges: &[Edge]) -> Problem {
        Problem {
            need_capacity: needs.to_vec(),
            professional_capacity: professionals.to_vec(),
            edges: edges.to_vec(),
            floor: 0,
        }
    }

    /// Blocking pairs counted from first principles, with no shared code: for every
    /// unchosen eligible pair, does each side have room or hold someone it likes less?
    fn brute_force_blocking(problem: &Problem, preference: &[i64], chosen: &[(u32, u32)]) -> usize {
        let best = |need: u32, professional: u32| {
            problem
                .edges
                .iter()
                .zip(preference)
                .filter(|(e, _)| {
                    e.need == need
                        && e.professional == professional
                        && e.score >= problem.floor
                        && e.score > 0
                })
                .max_by_key(|(e, p)| (e.score, **p))
                .map(|(e, &p)| (e.score, p))
        };
        let mut count = 0;
        for need in 0..problem.need_capacity.len() as u32 {
            for professional in 0..problem.professional_capacity.len() as u32 {
                let Some((score, pref)) = best(need, professional) else {
                    continue;
                };
                if chosen.contains(&(need, professional)) {
                    continue;
                }
                let mine: Vec<i64> = chosen
                    .iter()
                    .filter(|c| c.0 == need)
                    .map(|c| best(c.0, c.1).unwrap().0)
                    .collect();
                let theirs: Vec<i64> = chosen
                    .iter()
                    .filter(|c| c.1 == professional)
                    .map(|c| best(c.0, c.1).unwrap().1)
                    .collect();
                let need_wants = problem.need_capacity[need as usize] > 0
                    && ((mine.len() as u32) < problem.need_capacity[need as usize]
                        || mine.iter().any(|&s| s < score));
                let professional_wants = problem.professional_capacity[professional as usize] > 0
                    && ((theirs.len() as u32)
                        < problem.professional_capacity[professional as usize]
                        || theirs.iter().any(|&s| s < pref));
                if need_wants && professional_wants {
                    count += 1;
                }
            }
        }
        count
    }

    #[test]
    fn one_blocking_pair_when_the_optimum_ignores_a_professionals_wish() {
        // Need 0 likes professional 0 (90) far more than professional 1 (10); need 1
        // likes professional 0 (50). Professional 0 prefers need 1 (80 > 20). The
        // optimum gives professional 0 to need 0 (90 beats 10 + 50) and leaves need 1
        // and professional 1 empty: (1, 0) blocks, and (0, 1) does not (need 0 is full
        // with someone it prefers).
        let p = problem(
            &[1, 1],
            &[1, 1],
            &[edge(0, 0, 90), edge(0, 1, 10), edge(1, 0, 50)],
        );
        let preference = [20, 50, 80];
        let best = assign(&p).unwrap();
        assert_eq!(best.pairs, [(0, 0)]);
        let report = audit(&p, &preference, &best.pairs).unwrap();
        assert_eq!(
            report,
            Audit {
                total_score: 90,
                filled: 1,
                blocking_pairs: 1
            }
        );
    }

    #[test]
    fn an_empty_assignment_is_blocked_by_every_edge_with_room_on_both_sides() {
        let p = problem(
            &[1, 0],
            &[1, 2],
            &[edge(0, 0, 10), edge(0, 1, 20), edge(1, 1, 30)],
        );
        // Need 1 has no place: its edge never blocks.
        let report = audit(&p, &[1, 1, 1], &[]).unwrap();
        assert_eq!(report.blocking_pairs, 2);
        assert_eq!((report.total_score, report.filled), (0, 0));
    }

    #[test]
    fn ties_do_not_block() {
        // Professional 0 holds need 0; need 1 is as good to them (same preference):
        // not a blocking pair, though need 1 has room.
        let p = problem(&[1, 1], &[1], &[edge(0, 0, 50), edge(1, 0, 50)]);
        let report = audit(&p, &[40, 40], &[(0, 0)]).unwrap();
        assert_eq!(report.blocking_pairs, 0);
        // With a strict preference for need 1 it blocks.
        let report = audit(&p, &[40, 41], &[(0, 0)]).unwrap();
        assert_eq!(report.blocking_pairs, 1);
    }

    #[test]
    fn a_need_with_two_places_is_blocked_through_its_worse_partner() {
        // Need 0 holds professionals 0 (80) and 1 (30); professional 2 (50) is free and
        // likes need 0: blocks, since 50 beats the worse partner.
        let p = problem(
            &[2],
            &[1, 1, 1],
            &[edge(0, 0, 80), edge(0, 1, 30), edge(0, 2, 50)],
        );
        let report = audit(&p, &[1, 1, 1], &[(0, 0), (0, 1)]).unwrap();
        assert_eq!(report.blocking_pairs, 1);
        assert_eq!(report.total_score, 110);
    }

    #[test]
    fn the_audit_refuses_a_pair_that_is_not_an_edge_or_over_capacity() {
        let p = problem(&[1], &[1, 1], &[edge(0, 0, 80), edge(0, 1, 30)]);
        assert!(audit(&p, &[1, 1], &[(0, 0), (0, 1)]).is_err());
        assert!(audit(&p, &[1, 1], &[(0, 0), (0, 0)]).is_err());
        let below = Problem { floor: 50, ..p };
        assert!(audit(&below, &[1, 1], &[(0, 1)]).is_err());
        assert!(audit(&below, &[1], &[]).is_err());
    }

    #[test]
    fn needs_propose_and_professionals_keep_their_best_offer() {
        // Both needs want professional 0 first; professional 0 prefers need 1, so
        // need 0 is rejected and takes professional 1.
        let p = problem(
            &[1, 1],
            &[1, 1],
            &[edge(0, 0, 90), edge(0, 1, 60), edge(1, 0, 70)],
        );
        let fair = stable(&p, &[10, 50, 90]).unwrap();
        assert_eq!(fair.pairs, [(0, 1), (1, 0)]);
        assert_eq!(fair.objective, 130);
        // If professional 0 prefers need 0, need 1 gets nobody: stability, not places.
        let fair = stable(&p, &[90, 50, 10]).unwrap();
        assert_eq!(fair.pairs, [(0, 0)]);
        assert_eq!(
            audit(&p, &[90, 50, 10], &fair.pairs)
                .unwrap()
                .blocking_pairs,
            0
        );
    }

    #[test]
    fn capacities_above_one_are_honoured() {
        let p = problem(
            &[2, 1],
            &[2, 1],
            &[
                edge(0, 0, 90),
                edge(0, 1, 80),
                edge(1, 0, 70),
                edge(1, 1, 95),
            ],
        );
        let preference = [10, 10, 20, 90];
        let fair = stable(&p, &preference).unwrap();
        // Need 1 takes professional 1, whom need 0 held; need 0 has no one else to ask.
        assert_eq!(fair.pairs, [(0, 0), (1, 1)]);
        assert_eq!(fair.objective, 185);
        assert_eq!(
            audit(&p, &preference, &fair.pairs).unwrap().blocking_pairs,
            0
        );
    }

    #[test]
    fn duplicates_count_once_and_edges_below_the_floor_never_count() {
        let p = Problem {
            floor: 40,
            ..problem(
                &[1],
                &[1, 1],
                &[edge(0, 0, 30), edge(0, 1, 50), edge(0, 1, 60)],
            )
        };
        let fair = stable(&p, &[99, 1, 2]).unwrap();
        assert_eq!(fair.pairs, [(0, 1)]);
        assert_eq!(fair.objective, 60);
        assert_eq!(
            audit(&p, &[99, 1, 2], &fair.pairs).unwrap().blocking_pairs,
            0
        );
    }

    #[test]
    fn a_preference_per_edge_is_required() {
        let p = problem(&[1], &[1], &[edge(0, 0, 30)]);
        assert!(stable(&p, &[]).is_err());
        assert!(stable(&p, &[MAX_SCORE + 1]).is_err());
    }

    fn instance() -> impl Strategy<Value = (Problem, Vec<i64>)> {
        (1usize..5, 1usize..6).prop_flat_map(|(needs, professionals)| {
            let edge = (0..needs as u32, 0..professionals as u32, 0i64..20, 0i64..20);
            (
                proptest::collection::vec(0u32..3, needs),
                proptest::collection::vec(0u32..3, professionals),
                proptest::collection::vec(edge, 0..20),
                0i64..6,
            )
                .prop_map(|(need_capacity, professional_capacity, edges, floor)| {
                    let preference = edges.iter().map(|e| e.3).collect();
                    let edges = edges
                        .iter()
                        .map(|&(need, professional, score, _)| Edge {
                            need,
                            professional,
                            score,
                        })
                        .collect();
                    (
                        Problem {
                            need_capacity,
                            professional_capacity,
                            edges,
                            floor,
                        },
                        preference,
                    )
                })
        })
    }

    proptest! {
        #[test]
        fn stable_leaves_no_blocking_pair_and_respects_capacities((p, preference) in instance()) {
            let fair = stable(&p, &preference).unwrap();
            prop_assert_eq!(brute_force_blocking(&p, &preference, &fair.pairs), 0);
            let report = audit(&p, &preference, &fair.pairs).unwrap();
            prop_assert_eq!(report.blocking_pairs, 0);
            prop_assert_eq!(report.total_score, fair.objective);
            for (j, &capacity) in p.need_capacity.iter().enumerate() {
                prop_assert!(fair.pairs.iter().filter(|pair| pair.0 as usize == j).count() <= capacity as usize);
            }
            for (k, &capacity) in p.professional_capacity.iter().enumerate() {
                prop_assert!(fair.pairs.iter().filter(|pair| pair.1 as usize == k).count() <= capacity as usize);
            }
            let mut sorted = fair.pairs.clone();
            sorted.dedup();
            prop_assert_eq!(sorted.len(), fair.pairs.len());
            // The optimum is at least as good as the stable total.
            prop_assert!(assign(&p).unwrap().objective >= fair.objective);
        }

        #[test]
        fn the_audit_counts_blocking_pairs_as_the_brute_force_does((p, preference) in instance()) {
            let best = assign(&p).unwrap();
            let report = audit(&p, &preference, &best.pairs).unwrap();
            prop_assert_eq!(report.blocking_pairs as usize, brute_force_blocking(&p, &preference, &best.pairs));
            prop_assert_eq!(report.total_score, best.objective);
            prop_assert_eq!(report.filled as usize, best.pairs.len());
        }
    }
}
