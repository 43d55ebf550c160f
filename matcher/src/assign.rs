//! Region-wide assignment as an exact min-cost-flow b-matching.
//!
//! A coordinator asks "who should we introduce to whom this month?" for a whole
//! region at once. Each need wants up to its `headcount` professionals, each
//! professional can take up to their remaining `max_engagements`, and only candidate
//! pairs scoring at least a floor are allowed. [`assign`] picks the pairs whose
//! scores add up to the most; it need not fill every place, because a weak pair is
//! worse advice than none.
//!
//! The answer is exact, not greedy: taking each need's best professional in turn can
//! leave a later need with nobody while an earlier one had an equally good
//! alternative. Scores are integers (the service passes `round(score × 100)`), so
//! the objective is compared exactly, with no floating-point ties.
//!
//! ```
//! use musubi_matcher::assign::{assign, Edge, Problem};
//!
//! // Two needs both like professional 0 best; need 1 has nobody else.
//! let problem = Problem {
//!     need_capacity: vec![1, 1],
//!     professional_capacity: vec![1, 1],
//!     edges: vec![
//!         Edge { need: 0, professional: 0, score: 90 },
//!         Edge { need: 0, professional: 1, score: 80 },
//!         Edge { need: 1, professional: 0, score: 70 },
//!     ],
//!     floor: 0,
//! };
//! let assignment = assign(&problem)?;
//! assert_eq!(assignment.pairs, [(0, 1), (1, 0)]);
//! assert_eq!(assignment.objective, 150);
//! # Ok::<(), musubi_matcher::Error>(())
//! ```
//!
//! [`AssignmentBuilder`] does the same over the service's ids and `f32` scores.
//!
//! # Algorithm
//!
//! The b-matching is a min-cost flow (source → need with capacity `headcount`, need
//! → professional with cost `−score` and capacity 1, professional → sink with
//! capacity `max_engagements`, and a free source → sink bypass). It is solved by
//! successive shortest paths, one need at a time, as in the Hungarian method: adding
//! a need's place can only create improving cycles through that need, and the
//! cheapest is the shortest path from the need to a professional with room or to a
//! need that gives up a place. Node potentials keep every residual cost
//! non-negative, so each path is found by a Dijkstra search that stops at the first
//! free end, and never looks further than the need's best possible gain. On the
//! benchmark region a search settles one to twenty nodes on average, because most
//! professionals are free; see
//! `solver.rs` for the invariants.

mod builder;
mod graph;
mod solver;
mod stable;
#[cfg(test)]
mod tests;

pub use builder::{AssignmentBuilder, Suggestion};
pub use stable::{Audit, audit, stable};

use crate::error::{Error, ErrorKind, Result};

/// The largest score magnitude [`assign`] accepts.
///
/// It keeps every path cost clear of `i64` overflow: each search lowers a node's
/// potential by at most `MAX_SCORE`, and there is at most one search per edge plus
/// one per need, fewer than 2³³ in all, so potentials stay above −2⁶¹.
pub const MAX_SCORE: i64 = 1 << 28;

/// A candidate pair: `need` and `professional` are indices into
/// [`Problem::need_capacity`] and [`Problem::professional_capacity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Edge {
    /// The need's index.
    pub need: u32,
    /// The professional's index.
    pub professional: u32,
    /// The pair's score as an integer, e.g. `round(score × 100)`.
    pub score: i64,
}

/// A region's assignment problem, over dense indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// Each need's `headcount`: how many professionals it may take.
    pub need_capacity: Vec<u32>,
    /// Each professional's remaining `max_engagements`.
    pub professional_capacity: Vec<u32>,
    /// The candidate pairs. A pair listed twice counts once, with its higher score.
    pub edges: Vec<Edge>,
    /// Pairs scoring below this are never chosen.
    pub floor: i64,
}

/// The chosen pairs and their total score.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Assignment {
    /// `(need, professional)` index pairs, sorted, each at most once.
    ///
    /// Pairs scoring zero or less are never chosen: they add nothing to the total.
    pub pairs: Vec<(u32, u32)>,
    /// The sum of the chosen pairs' scores: the largest any valid choice reaches.
    pub objective: i64,
}

/// Chooses the pairs with the largest total score (see the [module
/// documentation](self)).
///
/// The same problem always gives the same pairs, whatever the order of its edges.
///
/// # Errors
///
/// [`ErrorKind::InvalidInput`] when an edge names a need or professional that does
/// not exist, a score's magnitude exceeds [`MAX_SCORE`], or there are more than
/// `u32::MAX` edges or nearly as many needs and professionals.
pub fn assign(problem: &Problem) -> Result<Assignment> {
    validate(problem)?;
    let mut graph = graph::Graph::new(problem);
    solver::solve(&mut graph);
    Ok(graph.assignment())
}

fn validate(problem: &Problem) -> Result<()> {
    if u32::try_from(problem.edges.len()).is_err() {
        return Err(invalid("edges", "more than u32::MAX edges".into()));
    }
    let needs = problem.need_capacity.len();
    let professionals = problem.professional_capacity.len();
    // The search numbers needs and professionals together in a u32, with one spare.
    if needs.saturating_add(professionals) >= u32::MAX as usize {
        return Err(invalid(
            "professional_capacity",
            "needs and professionals together number u32::MAX or more".into(),
        ));
    }
    for (k, edge) in problem.edges.iter().enumerate() {
        if edge.need as usize >= needs {
            return Err(invalid(
                &format!("edges[{k}].need"),
                format!("{} is not below the {needs} needs", edge.need),
            ));
        }
        if edge.professional as usize >= professionals {
            return Err(invalid(
                &format!("edges[{k}].professional"),
                format!(
                    "{} is not below the {professionals} professionals",
                    edge.professional
                ),
            ));
        }
        if edge.score.unsigned_abs() > MAX_SCORE.unsigned_abs() {
            return Err(invalid(
                &format!("edges[{k}].score"),
                format!("{} is beyond ±{MAX_SCORE}", edge.score),
            ));
        }
    }
    Ok(())
}

fn invalid(field: &str, reason: String) -> Error {
    Error::new(ErrorKind::InvalidInput {
        field: field.to_owned(),
        reason,
    })
}
