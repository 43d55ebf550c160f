//! Ranking quality on a planted ground truth (the market of the `evaluate`
//! example): in a market where the more skilled professionals hold out for better
//! offers, ranking by the reciprocal score finds more pairs where both sides say
//! yes than ranking by the need's score alone.

#[path = "../examples/evaluate/planted.rs"]
mod planted;

use musubi_matcher::index::Mode;
use planted::{Market, evaluate, simulate};

#[test]
fn reciprocal_ranking_finds_more_two_sided_matches_where_professionals_choose() {
    let market = Market::generate(3_000, 150, 1, true);

    let one_sided = evaluate(&market, Mode::Need);
    let reciprocal = evaluate(&market, Mode::Reciprocal);

    assert_eq!(one_sided.needs, 150, "every need has someone who fits");
    assert!(
        reciprocal.match_rate > one_sided.match_rate,
        "reciprocal {reciprocal:?} vs one-sided {one_sided:?}"
    );
}

#[test]
fn ndcg_and_match_rate_are_proper_shares() {
    let market = Market::generate(3_000, 150, 1, false);

    for mode in [Mode::Need, Mode::Reciprocal] {
        let scores = evaluate(&market, mode);

        assert!(
            scores.ndcg > 0.0 && scores.ndcg <= 1.0,
            "{mode:?}: {scores:?}"
        );
        assert!(
            scores.match_rate > 0.0 && scores.match_rate <= 1.0,
            "{mode:?}: {scores:?}"
        );
    }
}

#[test]
fn congestion_dampening_spreads_scouting_into_more_two_sided_matches() {
    let market = Market::generate(3_000, 150, 1, true);

    let plain = simulate(&market, 0.0);
    let damped = simulate(&market, 0.25);

    assert!(
        damped.scouted > plain.scouted,
        "dampening reaches more people: {damped:?} vs {plain:?}"
    );
    assert!(
        damped.turned_away < plain.turned_away,
        "fewer pairs both wanted end on a full calendar: {damped:?} vs {plain:?}"
    );
    assert!(
        damped.matches > plain.matches,
        "more two-sided matches within capacity: {damped:?} vs {plain:?}"
    );
}
