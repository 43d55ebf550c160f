//! A synthetic region for benchmarking the assignment, the same from the same seed.
//!
//! Shared by the `assign_instance` example and the `assign` bench, so both (and
//! OR-tools, through the example's file) solve exactly the same graph.

use musubi_matcher::assign::{Edge, Problem};

/// How candidates are spread over professionals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Popularity {
    /// Every professional is equally likely to be a candidate.
    Uniform,
    /// A professional's chance falls as `1 / rank^s` (s = 1 is classic Zipf), so a
    /// few professionals are candidates of almost every need.
    Zipf(f64),
}

/// The shape of a synthetic region.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub needs: u32,
    pub professionals: u32,
    pub candidates_per_need: u32,
    pub popularity: Popularity,
    pub seed: u64,
}

impl Shape {
    /// The benchmark's region: 10,000 needs, 100,000 professionals, 50 candidates
    /// each (500,000 edges).
    pub fn region(popularity: Popularity, seed: u64) -> Self {
        Self {
            needs: 10_000,
            professionals: 100_000,
            candidates_per_need: 50,
            popularity,
            seed,
        }
    }
}

/// Headcount 1–3, remaining engagements 1–2, distinct candidates per need, scores
/// uniform in 0–10,000 (a model score in hundredths), floor 0.
pub fn generate(shape: &Shape) -> Problem {
    let mut rng = SplitMix64(shape.seed);
    let need_capacity = (0..shape.needs).map(|_| 1 + rng.below(3) as u32).collect();
    let professional_capacity = (0..shape.professionals)
        .map(|_| 1 + rng.below(2) as u32)
        .collect();
    let mut pick = Picker::new(shape, &mut rng);
    let per_need = shape.candidates_per_need.min(shape.professionals) as usize;
    let mut edges = Vec::with_capacity(shape.needs as usize * per_need);
    let mut chosen: Vec<u32> = Vec::with_capacity(per_need);
    for need in 0..shape.needs {
        chosen.clear();
        // Rejection keeps candidates distinct; the cap bounds the loop should a very
        // skewed spread keep drawing the same few, and uniform draws finish the list.
        let mut attempts = 0;
        while chosen.len() < per_need {
            let professional = if attempts < 100 * per_need {
                pick.draw(&mut rng)
            } else {
                rng.below(u64::from(shape.professionals)) as u32
            };
            attempts += 1;
            if !chosen.contains(&professional) {
                chosen.push(professional);
            }
        }
        for &professional in &chosen {
            edges.push(Edge {
                need,
                professional,
                score: rng.below(10_001) as i64,
            });
        }
    }
    Problem {
        need_capacity,
        professional_capacity,
        edges,
        floor: 0,
    }
}

/// Draws professionals by popularity.
struct Picker {
    /// Cumulative weights by rank (empty when uniform).
    cumulative: Vec<f64>,
    /// The professional at each rank, so the popular ones are not simply 0, 1, 2…
    by_rank: Vec<u32>,
    professionals: u32,
}

impl Picker {
    fn new(shape: &Shape, rng: &mut SplitMix64) -> Self {
        let n = shape.professionals;
        let Popularity::Zipf(s) = shape.popularity else {
            return Self {
                cumulative: Vec::new(),
                by_rank: Vec::new(),
                professionals: n,
            };
        };
        let mut total = 0.0;
        let cumulative = (1..=n)
            .map(|rank| {
                total += 1.0 / f64::from(rank).powf(s);
                total
            })
            .collect();
        let mut by_rank: Vec<u32> = (0..n).collect();
        for i in (1..by_rank.len()).rev() {
            by_rank.swap(i, rng.below(i as u64 + 1) as usize);
        }
        Self {
            cumulative,
            by_rank,
            professionals: n,
        }
    }

    fn draw(&mut self, rng: &mut SplitMix64) -> u32 {
        let Some(&total) = self.cumulative.last() else {
            return rng.below(u64::from(self.professionals)) as u32;
        };
        let target = rng.unit() * total;
        let rank = self.cumulative.partition_point(|&c| c <= target);
        self.by_rank[rank.min(self.by_rank.len() - 1)]
    }
}

/// Steele, Lea and Flood's SplitMix64: tiny, fast, and the same everywhere.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by Lemire's multiply-shift (bias below 2⁻³²
    /// for the small `n` used here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
