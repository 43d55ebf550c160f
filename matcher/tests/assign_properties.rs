//! Properties of the region-wide assignment: it is optimal (against brute force on
//! small regions and an independent Bellman–Ford min-cost flow on larger ones),
//! never breaks a capacity or the floor, and always gives the same pairs.

use musubi_matcher::assign::{Assignment, Edge, Problem, assign};
use proptest::prelude::*;

/// A region of up to `needs × professionals` with up to `max_edges` candidate pairs
/// (possibly repeated, with any scores, some negative), and a floor.
fn region(max_side: usize, max_edges: usize, max_capacity: u32) -> impl Strategy<Value = Problem> {
    (1..=max_side, 1..=max_side).prop_flat_map(move |(needs, professionals)| {
        (
            prop::collection::vec(0..=max_capacity, needs),
            prop::collection::vec(0..=max_capacity, professionals),
            prop::collection::vec(
                (0..needs as u32, 0..professionals as u32, -5i64..=40),
                0..=max_edges,
            ),
            -5i64..=20,
        )
            .prop_map(
                |(need_capacity, professional_capacity, edges, floor)| Problem {
                    need_capacity,
                    professional_capacity,
                    edges: edges
                        .into_iter()
                        .map(|(need, professional, score)| Edge {
                            need,
                            professional,
                            score,
                        })
                        .collect(),
                    floor,
                },
            )
    })
}

fn solved(problem: &Problem) -> Assignment {
    match assign(problem) {
        Ok(assignment) => assignment,
        Err(error) => panic!("valid problem rejected: {error}"),
    }
}

/// Each distinct pair once, with its highest score, as the solver counts them.
fn distinct_edges(problem: &Problem) -> Vec<Edge> {
    let mut edges = problem.edges.clone();
    edges.sort_by_key(|e| (e.need, e.professional, std::cmp::Reverse(e.score)));
    edges.dedup_by_key(|e| (e.need, e.professional));
    edges
}

/// The best total over every subset of the distinct eligible pairs.
fn brute_force(problem: &Problem) -> i64 {
    let edges: Vec<Edge> = distinct_edges(problem)
        .into_iter()
        .filter(|e| e.score >= problem.floor)
        .collect();
    assert!(edges.len() <= 16, "brute force is for small regions only");
    let mut best = 0;
    for subset in 0u32..1 << edges.len() {
        let mut need_load = vec![0u32; problem.need_capacity.len()];
        let mut professional_load = vec![0u32; problem.professional_capacity.len()];
        let mut total = 0;
        for (k, edge) in edges.iter().enumerate() {
            if subset & (1 << k) != 0 {
                need_load[edge.need as usize] += 1;
                professional_load[edge.professional as usize] += 1;
                total += edge.score;
            }
        }
        let fits = need_load
            .iter()
            .zip(&problem.need_capacity)
            .chain(professional_load.iter().zip(&problem.professional_capacity))
            .all(|(load, capacity)| load <= capacity);
        if fits {
            best = best.max(total);
        }
    }
    best
}

/// Textbook min-cost flow, independent of the solver under test: one unit at a
/// time along the cheapest source-to-sink path found by Bellman–Ford, while that
/// path has negative cost (so an unused place is free, as with a bypass arc).
fn bellman_ford_flow(problem: &Problem) -> i64 {
    let needs = problem.need_capacity.len();
    let professionals = problem.professional_capacity.len();
    let (source, sink) = (needs + professionals, needs + professionals + 1);
    // Arcs as (from, to, capacity, cost); arc `a ^ 1` is the reverse of `a`.
    let mut arcs: Vec<(usize, usize, i64, i64)> = Vec::new();
    let mut add = |from: usize, to: usize, capacity: u32, cost: i64| {
        arcs.push((from, to, i64::from(capacity), cost));
        arcs.push((to, from, 0, -cost));
    };
    for (j, &capacity) in problem.need_capacity.iter().enumerate() {
        add(source, j, capacity, 0);
    }
    for (p, &capacity) in problem.professional_capacity.iter().enumerate() {
        add(needs + p, sink, capacity, 0);
    }
    for edge in distinct_edges(problem) {
        if edge.score >= problem.floor {
            add(
                edge.need as usize,
                needs + edge.professional as usize,
                1,
                -edge.score,
            );
        }
    }
    let nodes = sink + 1;
    let mut total = 0;
    loop {
        let mut distance = vec![i64::MAX; nodes];
        let mut via = vec![usize::MAX; nodes];
        distance[source] = 0;
        for _ in 0..nodes {
            let mut changed = false;
            for (a, &(from, to, capacity, cost)) in arcs.iter().enumerate() {
                if capacity > 0
                    && distance[from] != i64::MAX
                    && distance[from] + cost < distance[to]
                {
                    distance[to] = distance[from] + cost;
                    via[to] = a;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        if distance[sink] >= 0 {
            return total;
        }
        total -= distance[sink];
        let mut node = sink;
        while node != source {
            let a = via[node];
            arcs[a].2 -= 1;
            arcs[a ^ 1].2 += 1;
            node = arcs[a].0;
        }
    }
}

/// Checks everything but optimality: capacities, the floor, the pairs' existence,
/// order and uniqueness, and that the objective is the chosen pairs' total.
fn assert_feasible(problem: &Problem, assignment: &Assignment) {
    let edges = distinct_edges(problem);
    let mut need_load = vec![0u32; problem.need_capacity.len()];
    let mut professional_load = vec![0u32; problem.professional_capacity.len()];
    let mut total = 0;
    for &(need, professional) in &assignment.pairs {
        let edge = edges
            .iter()
            .find(|e| (e.need, e.professional) == (need, professional));
        let Some(edge) = edge else {
            panic!("({need}, {professional}) is not a candidate pair");
        };
        assert!(edge.score >= problem.floor, "{edge:?} is below the floor");
        need_load[need as usize] += 1;
        professional_load[professional as usize] += 1;
        total += edge.score;
    }
    assert!(
        assignment.pairs.windows(2).all(|w| w[0] < w[1]),
        "pairs are not sorted and distinct: {:?}",
        assignment.pairs
    );
    for (j, (load, capacity)) in need_load.iter().zip(&problem.need_capacity).enumerate() {
        assert!(load <= capacity, "need {j} takes {load} of {capacity}");
    }
    for (p, (load, capacity)) in professional_load
        .iter()
        .zip(&problem.professional_capacity)
        .enumerate()
    {
        assert!(
            load <= capacity,
            "professional {p} takes {load} of {capacity}"
        );
    }
    assert_eq!(
        assignment.objective, total,
        "objective is not the pairs' total"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn small_regions_reach_the_brute_force_optimum(problem in region(6, 12, 3)) {
        let assignment = solved(&problem);
        assert_feasible(&problem, &assignment);
        prop_assert_eq!(assignment.objective, brute_force(&problem));
    }

    #[test]
    fn the_same_region_in_any_edge_order_gives_the_same_pairs(
        (problem, shuffled) in region(6, 12, 3).prop_flat_map(|problem| {
            let edges = Just(problem.edges.clone()).prop_shuffle();
            (Just(problem), edges)
        })
    ) {
        let first = solved(&problem);
        prop_assert_eq!(&first, &solved(&problem));
        let reordered = Problem { edges: shuffled, ..problem.clone() };
        prop_assert_eq!(&first, &solved(&reordered));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn larger_regions_match_a_textbook_min_cost_flow(problem in region(25, 150, 3)) {
        let assignment = solved(&problem);
        assert_feasible(&problem, &assignment);
        prop_assert_eq!(assignment.objective, bellman_ford_flow(&problem));
    }

    #[test]
    fn contested_regions_with_tied_scores_match_a_textbook_min_cost_flow(
        problem in region(12, 100, 2).prop_map(|mut problem| {
            // Few distinct scores and a handful of professionals: many ties, many
            // needs after the same people, long chains of moves.
            problem.professional_capacity.truncate(4);
            let professionals = problem.professional_capacity.len() as u32;
            for edge in &mut problem.edges {
                edge.professional %= professionals;
                edge.score = edge.score.rem_euclid(4) * 10;
            }
            problem
        })
    ) {
        let assignment = solved(&problem);
        assert_feasible(&problem, &assignment);
        prop_assert_eq!(assignment.objective, bellman_ford_flow(&problem));
    }
}
