//! Ranking on 100,000 synthetic profiles (the benchmark data set's generator, a
//! tenth of its size so a run stays short): the top 50 for one need with reasons,
//! the same in reciprocal mode, and sixteen needs in one batch. `bench/matcher/run.sh`
//! measures the full million against a streaming read and PostgreSQL.

use std::hint::black_box;
use std::time::Duration;

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use musubi_matcher::index::{Mode, ProfileIndex, RankRequest};

// The generator of the `bench_dataset` example, so both see the same kind of data.
#[path = "../examples/bench_dataset/generate.rs"]
mod generate;

const PROFILES: u64 = 100_000;
const SEED: u64 = 1;
const K: usize = 50;

/// The service's allocator (see the `musubi` binary), so that the figures are the
/// service's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn ranking(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
    let index = ProfileIndex::build(
        &(0..PROFILES)
            .map(|i| generate::profile(SEED, i))
            .collect::<Vec<_>>(),
    );
    let needs = generate::needs();
    let one = RankRequest::new(K, today);
    let reciprocal = RankRequest {
        mode: Mode::Reciprocal,
        ..one
    };

    let mut group = c.benchmark_group("rank/100k_profiles");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("top50_with_reasons", |b| {
        b.iter(|| index.rank(black_box(&needs[0]), &one))
    });
    group.bench_function("top50_reciprocal", |b| {
        b.iter(|| index.rank(black_box(&needs[0]), &reciprocal))
    });
    group.bench_function("batch_of_16", |b| {
        b.iter(|| index.rank_batch(black_box(&needs), &one))
    });
    group.finish();
}

criterion_group!(benches, ranking);
criterion_main!(benches);
