//! The region-wide assignment on the benchmark region: 10,000 needs, 100,000
//! professionals, 50 candidates per need (500,000 edges), with professionals'
//! popularity uniform or Zipf-skewed. `bench/assign/run.sh` solves the same two
//! instances (same seeds) with OR-tools for comparison.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use musubi_matcher::assign::assign;

// One generator for the bench and the example that writes instances for OR-tools,
// so both measure the same graph; it lives with the example, outside the library.
#[path = "../examples/assign_instance/generate.rs"]
mod generate;

use generate::{Popularity, Shape, generate};

fn region_wide_assignment(c: &mut Criterion) {
    let mut group = c.benchmark_group("assign/10k_needs_100k_professionals_50_candidates");
    // A solve takes ~0.1 s: ten samples over ten seconds keep a run short.
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (name, popularity, seed) in [
        ("uniform", Popularity::Uniform, 1),
        ("zipf", Popularity::Zipf(1.0), 2),
    ] {
        let problem = generate(&Shape::region(popularity, seed));
        group.bench_function(name, |b| b.iter(|| assign(black_box(&problem))));
    }
    group.finish();
}

criterion_group!(benches, region_wide_assignment);
criterion_main!(benches);
