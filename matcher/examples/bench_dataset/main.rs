//! The ranking benchmark's data set: builds an index of synthetic profiles and times
//! it, or writes the same rows for PostgreSQL.
//!
//! ```text
//! cargo run --release -p musubi-matcher --example bench_dataset -- measure [profiles] [runs]
//! cargo run --release -p musubi-matcher --example bench_dataset -- memory [profiles]
//! cargo run --release -p musubi-matcher --example bench_dataset -- export <dir> [profiles]
//! ```
//!
//! - `measure` builds the index (profiles streamed in, never all held), then, `runs`
//!   times in turn, times a plain streaming read of every byte the index holds
//!   ([`ProfileIndex::stream_read`]), the top 50 for the Shiojiri CMO post with
//!   explanations, the same in reciprocal mode, each of the sixteen needs alone, and
//!   the sixteen in one [`ProfileIndex::rank_batch`]. It prints one JSON object with
//!   every median (thread CPU time, and wall time beside it), and the ratios as the
//!   median of each round's own ratio (the kinds of a round run back to back).
//! - `memory` builds the index and prints [`ProfileIndex::memory_bytes`] and the
//!   process's peak resident set (`VmHWM`), as JSON.
//! - `export` writes what the SQL version of the formula reads (see `sql.rs`), and
//!   Musubi's own top 50 for the comparison.
//!
//! The data are described in `generate.rs`; the defaults are a million profiles,
//! seven runs, seed 1.

mod export;
mod generate;
mod timing;

use std::process::ExitCode;

use chrono::NaiveDate;
use musubi_matcher::index::{Mode, ProfileIndex, RankRequest};
use musubi_matcher::model::Need;

use timing::{Sample, median, peak_rss_bytes};

const USAGE: &str = "usage: bench_dataset measure [profiles] [runs]\n       bench_dataset loop <stream|top50[-bare]|reciprocal|batch16[-bare]>[,…] [profiles] [times]\n       bench_dataset memory [profiles]\n       bench_dataset export <dir> [profiles]";
/// The data set's seed (the evaluation uses its own).
pub const SEED: u64 = 1;
/// How many candidates a ranking returns.
pub const K: usize = 50;

/// The day the benchmark is run "on".
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default()
}

/// The service's allocator (see the `musubi` binary), so that the figures are the
/// service's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let number = |text: Option<&&str>, default: usize| match text {
        None => Ok(default),
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("expected a positive number, not {text:?}")),
    };
    let outcome = match args.as_slice() {
        ["measure", rest @ ..] if rest.len() <= 2 => number(rest.first(), 1_000_000)
            .and_then(|n| Ok((n, number(rest.get(1), 7)?)))
            .map(|(n, runs)| measure(n, runs)),
        ["loop", what, rest @ ..] if rest.len() <= 2 => number(rest.first(), 1_000_000)
            .and_then(|n| Ok((n, number(rest.get(1), 20)?)))
            .and_then(|(n, times)| repeat(what, n, times)),
        ["memory", rest @ ..] if rest.len() <= 1 => number(rest.first(), 1_000_000).map(memory),
        ["export", dir, rest @ ..] if rest.len() <= 1 => {
            number(rest.first(), 1_000_000).and_then(|n| export::export(dir, n))
        }
        _ => Err(USAGE.to_owned()),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench_dataset: {message}");
            ExitCode::FAILURE
        }
    }
}

/// An index of profiles `0..n`, streamed in one at a time.
pub fn build(n: usize) -> ProfileIndex {
    let mut index = ProfileIndex::new();
    index.reserve(n);
    for i in 0..n as u64 {
        index.upsert(&generate::profile(SEED, i));
    }
    index.compact();
    index
}

fn request(mode: Mode) -> RankRequest<'static> {
    RankRequest {
        mode,
        ..RankRequest::new(K, today())
    }
}

/// What `measure` times, in the order it times them each round.
const KINDS: [&str; 5] = ["stream", "top50", "top50_reciprocal", "alone16", "batch16"];

fn measure(n: usize, runs: usize) {
    let started = std::time::Instant::now();
    let index = build(n);
    eprintln!(
        "bench_dataset: {n} profiles indexed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let needs: Vec<Need> = generate::needs();
    let one = request(Mode::Need);
    let reciprocal = request(Mode::Reciprocal);
    let work = |kind: usize| -> u64 {
        match kind {
            0 => index.stream_read(),
            1 => index.rank(&needs[0], &one).len() as u64,
            2 => index.rank(&needs[0], &reciprocal).len() as u64,
            // Each need alone, one after another.
            3 => needs
                .iter()
                .map(|need| index.rank(need, &one).len() as u64)
                .sum(),
            _ => index
                .rank_batch(&needs, &one)
                .iter()
                .map(|list| list.len() as u64)
                .sum(),
        }
    };

    // A round runs each kind `reps` times back to back and counts the mean, so
    // that a sample spans a quarter of a second whatever the clock's grain; the
    // first round sets `reps` and is not counted.
    let mut reps = [1usize; KINDS.len()];
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); KINDS.len()];
    let mut checksum = 0u64;
    for round in 0..=runs {
        for kind in 0..KINDS.len() {
            let (sample, sum) =
                timing::time(|| (0..reps[kind]).fold(0u64, |sum, _| sum.wrapping_add(work(kind))));
            checksum = checksum.wrapping_add(sum);
            if round == 0 {
                reps[kind] = (250.0 / sample.wall.max(0.1)).ceil().clamp(1.0, 100.0) as usize;
            } else {
                samples[kind].push(sample.per(reps[kind]));
            }
        }
    }
    let [stream, top, top_reciprocal, alone16, batch] =
        [0, 1, 2, 3, 4].map(|kind| median(&samples[kind]));
    let mean_alone = alone16.per(needs.len());
    let mut bytes = 0usize;
    index.scan_bytes(|slice| bytes += slice.len_bytes());
    println!(
        "{{\"profiles\": {n}, \"runs\": {runs}, \"reps\": {reps:?}, \"scan_bytes\": {bytes}, \
         \"checksum\": {checksum}, \"stream_ms\": {}, \"top50_ms\": {}, \
         \"top50_reciprocal_ms\": {}, \"mean_alone_ms\": {}, \"batch16_ms\": {}, \
         \"top50_over_stream\": {:.3}, \"batch16_over_top50\": {:.3}, \
         \"batch16_over_mean_alone\": {:.3}}}",
        stream.json(),
        top.json(),
        top_reciprocal.json(),
        mean_alone.json(),
        batch.json(),
        paired(&samples[1], &samples[0]),
        paired(&samples[4], &samples[1]),
        paired(&samples[4], &samples[3]) * needs.len() as f64,
    );
}

/// The median over rounds of `a / b` (CPU time) within each round: a round's kinds
/// run back to back, so a stretch of the shared machine's slowness weighs on both
/// sides of a ratio alike.
fn paired(a: &[Sample], b: &[Sample]) -> f64 {
    let ratios: Vec<Sample> = a
        .iter()
        .zip(b)
        .map(|(a, b)| {
            let ratio = a.cpu / b.cpu.max(1e-9);
            Sample {
                cpu: ratio,
                wall: ratio,
            }
        })
        .collect();
    median(&ratios).cpu
}

/// Builds the index, then runs each kind of work named (comma-separated) `times`
/// times in turn: for a profiler, or to set variants side by side on one index.
fn repeat(what: &str, n: usize, times: usize) -> Result<(), String> {
    let index = build(n);
    let needs = generate::needs();
    let one = request(Mode::Need);
    let bare = RankRequest {
        explain: false,
        ..one
    };
    for what in what.split(',') {
        let started = std::time::Instant::now();
        let (cpu, outcome) = timing::time(|| -> Result<(), String> {
            for _ in 0..times {
                match what {
                    "stream" => drop(std::hint::black_box(index.stream_read())),
                    "top50" => drop(std::hint::black_box(index.rank(&needs[0], &one))),
                    "top50-bare" => drop(std::hint::black_box(index.rank(&needs[0], &bare))),
                    "reciprocal" => drop(std::hint::black_box(
                        index.rank(&needs[0], &request(Mode::Reciprocal)),
                    )),
                    "batch16" => drop(std::hint::black_box(index.rank_batch(&needs, &one))),
                    "batch16-bare" => drop(std::hint::black_box(index.rank_batch(&needs, &bare))),
                    other => {
                        return Err(format!(
                            "loop runs stream, top50[-bare], reciprocal or batch16[-bare], not {other:?}"
                        ));
                    }
                }
            }
            Ok(())
        });
        outcome?;
        eprintln!(
            "bench_dataset: {times} × {what} in {:.1} ms each (wall), {:.2} ms cpu",
            started.elapsed().as_secs_f64() * 1e3 / times as f64,
            cpu.cpu / times as f64
        );
    }
    Ok(())
}

fn memory(n: usize) {
    let index = build(n);
    let bytes = index.memory_bytes();
    println!(
        "{{\"profiles\": {n}, \"memory_bytes\": {bytes}, \"bytes_per_profile\": {:.1}, \"peak_rss_bytes\": {}}}",
        bytes as f64 / n as f64,
        peak_rss_bytes().unwrap_or(0),
    );
}
