//! Writes a synthetic assignment instance to a file, or solves one and times it.
//!
//! ```text
//! cargo run --release -p musubi-matcher --example assign_instance -- generate uniform 42 region.txt
//! cargo run --release -p musubi-matcher --example assign_instance -- solve region.txt 5
//! ```
//!
//! The file is plain text, easy to load from Python (`bench/assign/ortools_mcf.py`):
//!
//! ```text
//! musubi-assign-instance v1
//! <needs> <professionals> <edges> <floor>
//! <each need's capacity, space-separated>
//! <each professional's capacity, space-separated>
//! <need> <professional> <score>      one line per edge
//! ```
//!
//! `solve` prints one JSON line: the objective, the number of pairs, and the median
//! and each run's time of [`assign`] alone (reading the file is not timed).

mod generate;

use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::process::ExitCode;
use std::time::Instant;

use generate::{Popularity, Shape, generate};
use musubi_matcher::assign::{Edge, Problem, assign};

const MAGIC: &str = "musubi-assign-instance v1";
const USAGE: &str = "usage: assign_instance generate <uniform|zipf> <seed> <file>\n       assign_instance solve <file> [runs]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match args.as_slice() {
        ["generate", popularity, seed, file] => generate_to(popularity, seed, file),
        ["solve", file] => solve(file, 5),
        ["solve", file, runs] => match runs.parse() {
            Ok(runs) if runs > 0 => solve(file, runs),
            _ => Err(format!("runs must be a positive number, not {runs:?}")),
        },
        _ => Err(USAGE.to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("assign_instance: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate_to(popularity: &str, seed: &str, file: &str) -> Result<(), String> {
    let popularity = match popularity {
        "uniform" => Popularity::Uniform,
        "zipf" => Popularity::Zipf(1.0),
        other => return Err(format!("popularity is uniform or zipf, not {other:?}")),
    };
    let seed = seed
        .parse()
        .map_err(|_| format!("seed must be a number, not {seed:?}"))?;
    let problem = generate(&Shape::region(popularity, seed));
    write(&problem, file).map_err(|error| format!("writing {file}: {error}"))
}

fn write(problem: &Problem, file: &str) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(file)?);
    writeln!(out, "{MAGIC}")?;
    writeln!(
        out,
        "{} {} {} {}",
        problem.need_capacity.len(),
        problem.professional_capacity.len(),
        problem.edges.len(),
        problem.floor
    )?;
    for capacities in [&problem.need_capacity, &problem.professional_capacity] {
        let mut line = String::new();
        for capacity in capacities.iter() {
            let _ = write!(line, "{capacity} ");
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    for edge in &problem.edges {
        writeln!(out, "{} {} {}", edge.need, edge.professional, edge.score)?;
    }
    out.flush()
}

fn read(file: &str) -> Result<Problem, String> {
    let text = std::fs::read_to_string(file).map_err(|error| format!("reading {file}: {error}"))?;
    let body = text
        .strip_prefix(MAGIC)
        .ok_or_else(|| format!("{file} does not start with {MAGIC:?}"))?;
    let mut numbers = body.split_ascii_whitespace().map(|word| {
        word.parse::<i64>()
            .map_err(|_| format!("{file}: {word:?} is not a number"))
    });
    let mut next = move || {
        numbers
            .next()
            .unwrap_or_else(|| Err(format!("{file} ends early")))
    };
    let count = |n: i64| usize::try_from(n).map_err(|_| format!("{file}: bad count {n}"));
    let small = |n: i64| u32::try_from(n).map_err(|_| format!("{file}: {n} is not a u32"));
    let (needs, professionals, edges) = (count(next()?)?, count(next()?)?, count(next()?)?);
    let floor = next()?;
    let need_capacity = (0..needs)
        .map(|_| small(next()?))
        .collect::<Result<_, _>>()?;
    let professional_capacity = (0..professionals)
        .map(|_| small(next()?))
        .collect::<Result<_, _>>()?;
    let edges = (0..edges)
        .map(|_| {
            Ok(Edge {
                need: small(next()?)?,
                professional: small(next()?)?,
                score: next()?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Problem {
        need_capacity,
        professional_capacity,
        edges,
        floor,
    })
}

fn solve(file: &str, runs: usize) -> Result<(), String> {
    let problem = read(file)?;
    let mut seconds = Vec::with_capacity(runs);
    let mut answer = None;
    for _ in 0..runs {
        let started = Instant::now();
        let assignment = assign(&problem).map_err(|error| error.to_string())?;
        seconds.push(started.elapsed().as_secs_f64());
        if answer
            .as_ref()
            .is_some_and(|previous| previous != &assignment)
        {
            return Err("two runs gave different pairs".to_owned());
        }
        answer = Some(assignment);
    }
    let Some(assignment) = answer else {
        return Err("no run".to_owned());
    };
    let mut sorted = seconds.clone();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    let median = if sorted.len() % 2 == 0 {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    } else {
        sorted[middle]
    };
    let runs: Vec<String> = seconds.iter().map(|s| format!("{s:.6}")).collect();
    println!(
        "{{\"objective\": {}, \"pairs\": {}, \"median_seconds\": {median:.6}, \"runs_seconds\": [{}]}}",
        assignment.objective,
        assignment.pairs.len(),
        runs.join(", ")
    );
    Ok(())
}
