use super::*;
use crate::ErrorKind;
use crate::model::Id;

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

fn solved(problem: &Problem) -> Assignment {
    match assign(problem) {
        Ok(assignment) => assignment,
        Err(error) => panic!("valid problem rejected: {error}"),
    }
}

#[test]
fn a_need_with_headcount_two_takes_its_two_best_professionals() {
    let p = problem(
        &[2],
        &[1, 1, 1],
        &[edge(0, 0, 50), edge(0, 1, 90), edge(0, 2, 70)],
    );
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(0, 1), (0, 2)]);
    assert_eq!(assignment.objective, 160);
}

#[test]
fn a_professional_wanted_by_two_needs_goes_where_the_total_is_highest() {
    // Greedy by need order would give professional 0 to need 0 (90) and leave
    // need 1 with nobody; the best total moves need 0 to its second choice.
    let p = problem(
        &[1, 1],
        &[1, 1],
        &[edge(0, 0, 90), edge(0, 1, 80), edge(1, 0, 70)],
    );
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(0, 1), (1, 0)]);
    assert_eq!(assignment.objective, 150);
}

#[test]
fn an_earlier_need_gives_up_its_place_when_a_later_one_scores_higher() {
    // Need 0 is taken first and holds professional 0; need 1 wants the same
    // professional more and there is nobody else, so need 0 ends up empty.
    let p = problem(&[1, 1], &[1], &[edge(0, 0, 40), edge(1, 0, 60)]);
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(1, 0)]);
    assert_eq!(assignment.objective, 60);
}

#[test]
fn a_long_chain_of_moves_is_found() {
    // Each need prefers the professional the previous need holds; the last need
    // arrives wanting professional 0 and everyone shifts by one.
    let p = problem(
        &[1, 1, 1, 1],
        &[1, 1, 1, 1],
        &[
            edge(0, 0, 10),
            edge(0, 1, 9),
            edge(1, 1, 10),
            edge(1, 2, 9),
            edge(2, 2, 10),
            edge(2, 3, 9),
            edge(3, 0, 100),
        ],
    );
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(0, 1), (1, 2), (2, 3), (3, 0)]);
    assert_eq!(assignment.objective, 127);
}

#[test]
fn a_professional_with_two_engagements_serves_two_needs() {
    let p = problem(
        &[1, 1, 1],
        &[2],
        &[edge(0, 0, 5), edge(1, 0, 7), edge(2, 0, 6)],
    );
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(1, 0), (2, 0)]);
    assert_eq!(assignment.objective, 13);
}

#[test]
fn the_floor_excludes_pairs_below_it() {
    let mut p = problem(&[2], &[1, 1], &[edge(0, 0, 30), edge(0, 1, 70)]);
    p.floor = 50;
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(0, 1)]);
    assert_eq!(assignment.objective, 70);

    p.floor = 70;
    assert_eq!(solved(&p).pairs, [(0, 1)], "the floor itself is allowed");
}

#[test]
fn pairs_that_add_nothing_are_never_chosen() {
    let mut p = problem(&[2], &[1, 1], &[edge(0, 0, 0), edge(0, 1, -5)]);
    p.floor = -10;
    assert_eq!(solved(&p), Assignment::default());
}

#[test]
fn an_empty_region_assigns_nothing() {
    assert_eq!(solved(&Problem::default()), Assignment::default());
    let no_edges = problem(&[3, 1], &[2], &[]);
    assert_eq!(solved(&no_edges), Assignment::default());
}

#[test]
fn zero_capacities_take_nobody() {
    let p = problem(&[0, 1], &[1, 0], &[edge(0, 0, 9), edge(1, 1, 9)]);
    assert_eq!(solved(&p), Assignment::default());
}

#[test]
fn a_pair_listed_twice_counts_once_with_its_higher_score() {
    let p = problem(&[2], &[1], &[edge(0, 0, 3), edge(0, 0, 8), edge(0, 0, 5)]);
    let assignment = solved(&p);
    assert_eq!(assignment.pairs, [(0, 0)]);
    assert_eq!(assignment.objective, 8);
}

#[test]
fn the_order_of_edges_does_not_change_the_pairs() {
    // Ties everywhere, so only a deterministic solver gives one answer.
    let edges: Vec<Edge> = (0..4)
        .flat_map(|n| (0..4).map(move |p| edge(n, p, 10)))
        .collect();
    let forward = solved(&problem(&[1, 2, 1, 1], &[1, 1, 2, 1], &edges));
    let mut reversed = edges.clone();
    reversed.reverse();
    let backward = solved(&problem(&[1, 2, 1, 1], &[1, 1, 2, 1], &reversed));
    assert_eq!(forward, backward);
    assert_eq!(forward.objective, 50);
}

#[test]
fn an_edge_to_a_missing_need_or_professional_is_rejected() {
    let missing_need = problem(&[1], &[1], &[edge(1, 0, 5)]);
    let error = assign(&missing_need).err();
    assert!(
        matches!(error.as_ref().map(Error::kind), Some(ErrorKind::InvalidInput { field, .. }) if field == "edges[0].need"),
        "{error:?}"
    );
    let missing_professional = problem(&[1], &[1], &[edge(0, 0, 5), edge(0, 3, 5)]);
    let error = assign(&missing_professional).err();
    assert!(
        matches!(error.as_ref().map(Error::kind), Some(ErrorKind::InvalidInput { field, .. }) if field == "edges[1].professional"),
        "{error:?}"
    );
}

#[test]
fn a_score_beyond_the_limit_is_rejected_and_the_limit_itself_is_solved() {
    let too_big = problem(&[1], &[1], &[edge(0, 0, MAX_SCORE + 1)]);
    assert!(assign(&too_big).is_err());
    let at_limit = problem(
        &[1, 1],
        &[1, 1],
        &[
            edge(0, 0, MAX_SCORE),
            edge(0, 1, MAX_SCORE - 1),
            edge(1, 0, MAX_SCORE),
        ],
    );
    assert_eq!(solved(&at_limit).objective, 2 * MAX_SCORE - 1);
}

fn suggestions(builder: &AssignmentBuilder) -> Vec<(Id, Id, f32)> {
    match builder.solve() {
        Ok(list) => list
            .iter()
            .map(|s| (s.need, s.professional, s.score))
            .collect(),
        Err(error) => panic!("valid region rejected: {error}"),
    }
}

#[test]
fn the_builder_answers_in_ids_whatever_the_order_things_were_added() {
    // Need 7 alone would take professional 900 (88.5), but 900 serves need 3
    // better: 61.25 + 70 beats 88.5, and need 3's other candidate is below the floor.
    let mut forward = AssignmentBuilder::new();
    forward
        .need(7, 1)
        .need(3, 1)
        .professional(900, 1)
        .professional(100, 1)
        .professional(500, 1)
        .candidate(7, 900, 88.5)
        .candidate(7, 100, 61.25)
        .candidate(3, 900, 70.0)
        .candidate(3, 500, 20.0)
        .floor(30.0);
    let mut backward = AssignmentBuilder::new();
    backward
        .floor(30.0)
        .candidate(3, 500, 20.0)
        .candidate(3, 900, 70.0)
        .candidate(7, 100, 61.25)
        .candidate(7, 900, 88.5)
        .professional(500, 1)
        .professional(100, 1)
        .professional(900, 1)
        .need(3, 1)
        .need(7, 1);
    let expected = vec![(3, 900, 70.0), (7, 100, 61.25)];
    assert_eq!(suggestions(&forward), expected);
    assert_eq!(suggestions(&backward), expected);
}

#[test]
fn the_builder_keeps_a_repeated_candidates_higher_score() {
    let mut builder = AssignmentBuilder::new();
    builder
        .need(1, 1)
        .professional(2, 1)
        .candidate(1, 2, 40.0)
        .candidate(1, 2, 65.5)
        .floor(50.0);
    assert_eq!(suggestions(&builder), [(1, 2, 65.5)]);
}

#[test]
fn the_builder_rejects_unknown_and_repeated_ids_and_bad_scores() {
    let field_of = |builder: &AssignmentBuilder| match builder.solve() {
        Err(error) => match error.kind() {
            ErrorKind::InvalidInput { field, .. } => field.clone(),
            other => panic!("unexpected error {other:?}"),
        },
        Ok(list) => panic!("accepted: {list:?}"),
    };
    let mut unknown = AssignmentBuilder::new();
    unknown.need(1, 1).professional(2, 1).candidate(1, 3, 50.0);
    assert_eq!(field_of(&unknown), "candidates[0].professional");

    let mut repeated = AssignmentBuilder::new();
    repeated.need(1, 1).need(1, 2);
    assert_eq!(field_of(&repeated), "needs");

    let mut not_a_number = AssignmentBuilder::new();
    not_a_number
        .need(1, 1)
        .professional(2, 1)
        .candidate(1, 2, f32::NAN);
    assert_eq!(field_of(&not_a_number), "candidates[0].score");

    let mut floor = AssignmentBuilder::new();
    floor.floor(101.0);
    assert_eq!(field_of(&floor), "floor");
}
