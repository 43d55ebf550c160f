//! A tiny seeded generator (SplitMix64), so the demo's professionals are the same on
//! every machine and every run: no clock, no operating-system entropy, and no
//! dependence on the `rand` crate's algorithm choices between versions.

/// SplitMix64 (Steele, Lea and Flood, 2014): one `u64` of state, good enough to shuffle
/// sample data, trivially reproducible.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a fixed seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0). The modulo bias is far below anything a
    /// sample data set could show.
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        // `n` fits in u64 on every platform Rust supports; the remainder fits back.
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of a non-empty slice (the first when empty is impossible to call).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One element chosen by weight: `items` are `(weight, value)` pairs.
    pub fn weighted<'a, T>(&mut self, items: &'a [(u32, T)]) -> &'a T {
        let total: u32 = items.iter().map(|(weight, _)| weight).sum();
        let mut ticket = self.below(total as usize) as u32;
        for (weight, value) in items {
            if ticket < *weight {
                return value;
            }
            ticket -= weight;
        }
        &items[items.len() - 1].1
    }

    /// Up to `count` distinct elements of `items`, in a random order.
    pub fn choose<'a, T>(&mut self, items: &'a [T], count: usize) -> Vec<&'a T> {
        let mut order: Vec<usize> = (0..items.len()).collect();
        // Fisher–Yates, stopping once `count` places are fixed.
        let count = count.min(items.len());
        for i in 0..count {
            let j = i + self.below(items.len() - i);
            order.swap(i, j);
        }
        order[..count].iter().map(|&i| &items[i]).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_sequence() {
        let mut a = SplitMix64::new(2026);
        let mut b = SplitMix64::new(2026);
        let first: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        let second: Vec<u64> = (0..5).map(|_| b.next_u64()).collect();
        assert_eq!(first, second);
        assert_ne!(first[0], first[1]);
    }

    #[test]
    fn choices_stay_in_range_and_are_distinct() {
        let mut rng = SplitMix64::new(7);
        let items = [1, 2, 3, 4, 5];
        for _ in 0..100 {
            assert!(rng.below(5) < 5);
            let chosen = rng.choose(&items, 3);
            assert_eq!(chosen.len(), 3);
            assert!(chosen[0] != chosen[1] && chosen[1] != chosen[2] && chosen[0] != chosen[2]);
        }
        assert_eq!(rng.choose(&items, 9).len(), 5);
    }

    #[test]
    fn weights_are_respected() {
        let mut rng = SplitMix64::new(1);
        let items = [(0, "never"), (1, "always")];
        assert!((0..50).all(|_| *rng.weighted(&items) == "always"));
    }
}
