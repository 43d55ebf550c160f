//! Bounded top-k selection with stable tie-breaking.
//!
//! A scan over a million rows keeps only `k` of them in a heap whose top is the
//! worst kept, so each row costs one comparison unless it gets in. The order is
//! total and stable — group first (eligible before excluded), then higher score,
//! then smaller id — so the same data always gives the same ranking.
//!
//! It is the index's own machinery, not part of the crate's interface: rankings
//! come out of [`ProfileIndex::rank`](crate::index::ProfileIndex::rank) already in
//! this order.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::model::Id;

/// Where an item ranks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankKey {
    /// Lower groups rank first (0: eligible, 1: excluded but shown).
    pub group: u8,
    /// Higher scores rank first.
    pub score: f32,
    /// Among equal scores, smaller ids rank first.
    pub id: Id,
}

impl RankKey {
    /// How `self` ranks against `other`: `Less` means `self` comes first.
    pub fn rank_cmp(&self, other: &Self) -> Ordering {
        self.group
            .cmp(&other.group)
            .then_with(|| other.score.total_cmp(&self.score))
            .then_with(|| self.id.cmp(&other.id))
    }
}

struct Entry<T> {
    key: RankKey,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key.rank_cmp(&other.key) == Ordering::Equal
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    /// Worse is greater, so the max-heap's top is the worst kept.
    fn cmp(&self, other: &Self) -> Ordering {
        self.key.rank_cmp(&other.key)
    }
}

/// The best `k` items seen.
pub struct TopK<T> {
    k: usize,
    heap: BinaryHeap<Entry<T>>,
}

impl<T> TopK<T> {
    /// Keeps at most `k` items.
    pub fn new(k: usize) -> Self {
        Self {
            k,
            heap: BinaryHeap::with_capacity(k.saturating_add(1).min(1 << 16)),
        }
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// The worst key kept, once `k` are kept; `None` before.
    pub fn threshold(&self) -> Option<RankKey> {
        if self.heap.len() < self.k {
            None
        } else {
            self.heap.peek().map(|entry| entry.key)
        }
    }

    /// Whether an item of `group` scoring at most `upper` could still get in.
    /// Scans use it to skip the rest of a row's work.
    pub fn can_reach(&self, group: u8, upper: f32) -> bool {
        if self.k == 0 {
            return false;
        }
        match self.threshold() {
            None => true,
            Some(worst) => group < worst.group || (group == worst.group && upper >= worst.score),
        }
    }

    /// Offers an item; returns whether it was kept.
    pub fn push(&mut self, key: RankKey, item: T) -> bool {
        if self.k == 0 {
            return false;
        }
        if self.heap.len() < self.k {
            self.heap.push(Entry { key, item });
            return true;
        }
        match self.heap.peek_mut() {
            Some(mut worst) if key.rank_cmp(&worst.key) == Ordering::Less => {
                *worst = Entry { key, item };
                true
            }
            _ => false,
        }
    }

    /// The kept items, best first.
    pub fn into_sorted(self) -> Vec<(RankKey, T)> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|entry| (entry.key, entry.item))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// An eligible item's key.
    fn eligible(score: f32, id: Id) -> RankKey {
        RankKey {
            group: 0,
            score,
            id,
        }
    }

    #[test]
    fn ties_go_to_the_smaller_id() {
        let mut top = TopK::new(2);
        for (id, score) in [(3u128, 50.0), (1, 70.0), (2, 70.0), (4, 90.0)] {
            top.push(eligible(score, id), id);
        }
        let ids: Vec<u128> = top.into_sorted().into_iter().map(|(_, id)| id).collect();
        assert_eq!(ids, [4, 1]); // 70 ties between 1 and 2: the smaller id wins
    }

    proptest! {
        #[test]
        fn topk_keeps_the_best_in_stable_order(
            items in proptest::collection::vec((0u8..5, 0u128..50), 0..60),
            k in 0usize..20,
        ) {
            let mut top = TopK::new(k);
            for &(score, id) in &items {
                top.push(eligible(f32::from(score), id), id);
            }
            let kept: Vec<u128> = top.into_sorted().into_iter().map(|(_, id)| id).collect();
            let mut sorted = items.clone();
            sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let expected: Vec<u128> = sorted.into_iter().take(k).map(|(_, id)| id).collect();
            prop_assert_eq!(kept, expected);
        }
    }

    #[test]
    fn excluded_items_rank_after_eligible_ones() {
        let mut top = TopK::new(3);
        top.push(
            RankKey {
                group: 1,
                score: 99.0,
                id: 1,
            },
            1,
        );
        top.push(eligible(10.0, 2), 2);
        top.push(eligible(20.0, 3), 3);
        let order: Vec<i32> = top
            .into_sorted()
            .into_iter()
            .map(|(_, item)| item)
            .collect();
        assert_eq!(order, [3, 2, 1]);
    }

    #[test]
    fn can_reach_compares_with_the_worst_kept() {
        let mut top = TopK::new(1);
        assert!(top.can_reach(0, 0.0));
        top.push(eligible(50.0, 7), ());
        assert!(!top.can_reach(0, 49.0));
        assert!(top.can_reach(0, 50.0));
        assert!(!top.can_reach(1, 100.0));
        assert!(!TopK::<()>::new(0).can_reach(0, 100.0));
    }
}
