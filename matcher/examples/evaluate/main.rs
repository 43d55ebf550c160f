//! Ranking quality on a synthetic market with a planted ground truth (see
//! `planted.rs`): the need's score alone against the reciprocal score, judged on
//! each need's top 10 by NDCG@10 and the two-sided match rate@10.
//!
//! ```text
//! cargo run --release -p musubi-matcher --example evaluate -- [professionals] [needs] [seed]
//! ```
//!
//! Two markets from the same seed, one where the more skilled professionals are
//! choosier and one where they are not. Prints a markdown table, then one JSON line
//! with the same numbers.

mod planted;

use std::process::ExitCode;

use musubi_matcher::index::Mode;

use planted::{CUTOFF, Market, evaluate};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |at: usize, default: u64| -> Result<u64, String> {
        args.get(at).map_or(Ok(default), |text| {
            text.parse()
                .map_err(|_| format!("expected a number, not {text:?}"))
        })
    };
    let parsed = (|| Ok::<_, String>((number(0, 5_000)?, number(1, 200)?, number(2, 7)?)))();
    let (professionals, needs, seed) = match parsed {
        Ok(values) => values,
        Err(message) => {
            eprintln!("evaluate: {message}\nusage: evaluate [professionals] [needs] [seed]");
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
    println!(
        "{{\"professionals\": {professionals}, \"needs\": {needs}, \"seed\": {seed}, {}}}",
        json.join(", ")
    );
    ExitCode::SUCCESS
}
