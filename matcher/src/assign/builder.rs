//! The service's way in: ids and the model's `f32` scores in, pairs of ids out.

use std::cmp::Reverse;

use super::{Edge, Problem, assign, invalid};
use crate::error::Result;
use crate::model::Id;

/// One suggested introduction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    /// The need's id.
    pub need: Id,
    /// The professional's id.
    pub professional: Id,
    /// The pair's score, as given to [`AssignmentBuilder::candidate`].
    pub score: f32,
}

/// Collects a region's needs, professionals and scored candidate pairs, then
/// suggests the introductions with the largest total score.
///
/// Scores are the model's, in `[0, 100]`; they are compared to two decimals
/// (`round(score × 100)`), so pairs closer than that count as equal.
///
/// ```
/// use musubi_matcher::assign::AssignmentBuilder;
///
/// let (shop, inn) = (1, 2);
/// let (aoki, baba) = (10, 11);
/// let suggestions = AssignmentBuilder::new()
///     .need(shop, 1)
///     .need(inn, 1)
///     .professional(aoki, 1)
///     .professional(baba, 1)
///     .candidate(shop, aoki, 90.0)
///     .candidate(shop, baba, 80.0)
///     .candidate(inn, aoki, 70.0)
///     .floor(50.0)
///     .solve()?;
/// let pairs: Vec<_> = suggestions.iter().map(|s| (s.need, s.professional)).collect();
/// assert_eq!(pairs, [(shop, baba), (inn, aoki)]);
/// # Ok::<(), musubi_matcher::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct AssignmentBuilder {
    needs: Vec<(Id, u32)>,
    professionals: Vec<(Id, u32)>,
    candidates: Vec<(Id, Id, f32)>,
    floor: f32,
}

impl AssignmentBuilder {
    /// An empty region, with a floor of 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a need that may take up to `headcount` professionals.
    pub fn need(&mut self, id: Id, headcount: u32) -> &mut Self {
        self.needs.push((id, headcount));
        self
    }

    /// Adds a professional who may take `remaining_engagements` more needs.
    pub fn professional(&mut self, id: Id, remaining_engagements: u32) -> &mut Self {
        self.professionals.push((id, remaining_engagements));
        self
    }

    /// Adds a candidate pair with its score. A pair added twice counts once, with
    /// its higher score.
    pub fn candidate(&mut self, need: Id, professional: Id, score: f32) -> &mut Self {
        self.candidates.push((need, professional, score));
        self
    }

    /// Pairs scoring below `floor` are never suggested.
    pub fn floor(&mut self, floor: f32) -> &mut Self {
        self.floor = floor;
        self
    }

    /// Suggests the pairs, ordered by need id, then professional id. The order in
    /// which things were added does not change the answer.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) when an id is
    /// added twice, a candidate names an id that was not added, or a score or the
    /// floor is not a number in `[0, 100]`.
    pub fn solve(&self) -> Result<Vec<Suggestion>> {
        let floor = units(self.floor, "floor")?;
        let needs = sorted_ids(&self.needs, "needs")?;
        let professionals = sorted_ids(&self.professionals, "professionals")?;

        let mut scored = Vec::with_capacity(self.candidates.len());
        for (k, &(need, professional, score)) in self.candidates.iter().enumerate() {
            let index = |ids: &[(Id, u32)], id: Id, side: &str| {
                ids.binary_search_by_key(&id, |&(id, _)| id)
                    .map(|at| at as u32)
                    .map_err(|_| {
                        invalid(
                            &format!("candidates[{k}].{side}"),
                            format!("unknown id {id}"),
                        )
                    })
            };
            let units = units(score, &format!("candidates[{k}].score"))?;
            scored.push((
                index(&needs, need, "need")?,
                index(&professionals, professional, "professional")?,
                Reverse(units),
                score,
            ));
        }
        // Best score first within a pair, so the kept duplicate is the best one.
        scored.sort_unstable_by_key(|&(need, professional, best_first, _)| {
            (need, professional, best_first)
        });
        scored.dedup_by_key(|&mut (need, professional, ..)| (need, professional));

        let problem = Problem {
            need_capacity: needs.iter().map(|&(_, capacity)| capacity).collect(),
            professional_capacity: professionals
                .iter()
                .map(|&(_, capacity)| capacity)
                .collect(),
            edges: scored
                .iter()
                .map(|&(need, professional, Reverse(score), _)| Edge {
                    need,
                    professional,
                    score,
                })
                .collect(),
            floor,
        };
        let assignment = assign(&problem)?;
        // Both lists are in (need, professional) order, so one merge finds the scores.
        let mut scores = scored.iter();
        let mut suggestions = Vec::with_capacity(assignment.pairs.len());
        for (need, professional) in assignment.pairs {
            if let Some(&(.., score)) = scores.find(|&&(n, p, ..)| (n, p) == (need, professional)) {
                suggestions.push(Suggestion {
                    need: needs[need as usize].0,
                    professional: professionals[professional as usize].0,
                    score,
                });
            }
        }
        Ok(suggestions)
    }
}

/// A model score in hundredths, as [`assign`] compares them.
fn units(score: f32, field: &str) -> Result<i64> {
    if !(0.0..=100.0).contains(&score) {
        return Err(invalid(
            field,
            format!("{score} is not a score in [0, 100]"),
        ));
    }
    Ok((f64::from(score) * 100.0).round() as i64)
}

/// The ids in order, so that an id's index does not depend on insertion order.
fn sorted_ids(ids: &[(Id, u32)], field: &str) -> Result<Vec<(Id, u32)>> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable_by_key(|&(id, _)| id);
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0].0 == pair[1].0) {
        return Err(invalid(field, format!("id {} is added twice", pair[0].0)));
    }
    Ok(sorted)
}
