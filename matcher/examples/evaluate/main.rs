//! Ranking quality on a synthetic market with a planted ground truth (see
//! `planted.rs`): the need's score alone against the reciprocal score, judged on
//! each need's top 10 by NDCG@10 and the two-sided match rate@10.
//!
//! ```text
//! cargo run --release -p musubi-matcher --example evaluate -- [professionals] [needs] [seed] [congestion weight]
//! ```
//!
//! Then a month of scouting on the selective market (see `planted::simulate`): the
//! two-sided matches the needs' top 10 made, each professional taking at most their
//! capacity, without congestion dampening and with it (weight 0.25 unless given).
//!
//! Two markets from the same seed, one where the more skilled professionals are
//! choosier and one where they are not. Prints a markdown table, then one JSON line
//! with the same numbers.

mod planted;

use std::process::ExitCode;

use musubi_matcher::index::Mode;

use planted::{CUTOFF, Market, evaluate, simulate};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize, default: u64| -> Result<u64, String> {
        args.get(at).map_or(Ok(default), |text| {
            text.parse()
                .map_err(|_| format!("expected a number, not {text:?}"))
        })
    };
    let weight = match args.get(3).map(|text| text.parse::<f32>()) {
        None => Ok(0.25),
        Some(Ok(weight)) if weight.is_finite() && weight >= 0.0 => Ok(weight),
        Some(_) => Err("expected a congestion weight ≥ 0".to_owned()),
    };
    let parsed =
        (|| Ok::<_, String>((number(0, 5_000)?, number(1, 200)?, number(2, 7)?, weight?)))();
    let (professionals, needs, seed, weight) = match parsed {
        Ok(values) => values,
        Err(message) => {
            eprintln!(
                "evaluate: {message}\nusage: evaluate [professionals] [needs] [seed] [congestion weight]"
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "| market ({professionals} professionals, {needs} needs, seed {seed}) | ranking | NDCG@{CUTOFF} | two-sided match rate@{CUTOFF} |"
    );
    println!("|---|---|---|---|");
    let mut json = Vec::new();
    for (market_name, selective) in [("selective", true), ("unselective", false)] {
        let market = Market::generate(professionals as usize, needs as usize, seed, selective);
        let one_sided = evaluate(&market, Mode::Need);
        let reciprocal = evaluate(&market, Mode::Reciprocal);
        for (name, scores) in [
            ("one-sided (need's score)", one_sided),
            ("reciprocal (harmonic mean)", reciprocal),
        ] {
            println!(
                "| {market_name} | {name} | {:.3} | {:.3} |",
                scores.ndcg, scores.match_rate
            );
        }
        json.push(format!(
            "\"{market_name}\": {{\"judged\": {}, \"one_sided\": {{\"ndcg\": {:.4}, \"match_rate\": {:.4}}}, \"reciprocal\": {{\"ndcg\": {:.4}, \"match_rate\": {:.4}}}}}",
            one_sided.needs,
            one_sided.ndcg,
            one_sided.match_rate,
            reciprocal.ndcg,
            reciprocal.match_rate
        ));
    }
    let market = Market::generate(professionals as usize, needs as usize, seed, true);
    let plain = simulate(&market, 0.0);
    let damped = simulate(&market, weight);
    println!();
    println!(
        "| a month of scouting (selective market) | two-sided matches | per need | wanted but full | professionals scouted |"
    );
    println!("|---|---|---|---|---|");
    for (name, month) in [
        ("without dampening".to_owned(), plain),
        (format!("congestion weight {weight}"), damped),
    ] {
        println!(
            "| {name} | {} | {:.3} | {} | {} |",
            month.matches, month.matches_per_need, month.turned_away, month.scouted
        );
    }
    json.push(format!(
        "\"scouting_month\": {{\"weight\": {weight}, \"without\": {{\"matches\": {}, \"per_need\": {:.4}}}, \"with\": {{\"matches\": {}, \"per_need\": {:.4}}}}}",
        plain.matches, plain.matches_per_need, damped.matches, damped.matches_per_need
    ));
    println!(
        "{{\"professionals\": {professionals}, \"needs\": {needs}, \"seed\": {seed}, {}}}",
        json.join(", ")
    );
    ExitCode::SUCCESS
}
