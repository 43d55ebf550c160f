//! Id → row lookup in four bytes a slot.
//!
//! A `HashMap<u128, u32>` spends 32 bytes an entry (more after growth) on data the
//! index already holds in its id column. This table stores only row numbers and
//! compares ids through that column: linear probing, at most ¾ full, with
//! backward-shift deletion so no tombstones build up under churn.

use crate::model::Id;

const EMPTY: u32 = u32::MAX;

/// Rows keyed by the ids in a separate column.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdMap {
    slots: Vec<u32>,
    len: usize,
}

fn hash(id: Id) -> u64 {
    // UUIDv7 ids share their leading timestamp bits: mix both halves.
    let folded = (id as u64) ^ ((id >> 64) as u64).rotate_left(29);
    folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (folded >> 31)
}

impl IdMap {
    fn home(&self, id: Id) -> usize {
        // `slots.len()` is a power of two.
        (hash(id) as usize) & (self.slots.len() - 1)
    }

    /// The row of `id`, comparing through `ids` (the id column).
    pub(crate) fn get(&self, id: Id, ids: &[Id]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(id);
        loop {
            let row = self.slots[at];
            if row == EMPTY {
                return None;
            }
            if ids.get(row as usize) == Some(&id) {
                return Some(row);
            }
            at = (at + 1) & mask;
        }
    }

    /// Adds `id` at `row`; `id` must be absent and `ids[row]` must already be `id`.
    pub(crate) fn insert(&mut self, id: Id, row: u32, ids: &[Id]) {
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow(ids);
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(id);
        while self.slots[at] != EMPTY {
            at = (at + 1) & mask;
        }
        self.slots[at] = row;
        self.len += 1;
    }

    /// Removes `id`; returns its row if it was present.
    pub(crate) fn remove(&mut self, id: Id, ids: &[Id]) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.home(id);
        loop {
            let row = self.slots[at];
            if row == EMPTY {
                return None;
            }
            if ids.get(row as usize) == Some(&id) {
                break;
            }
            at = (at + 1) & mask;
        }
        let removed = self.slots[at];
        // Backward shift: pull later entries of the cluster into the hole when their
        // home is at or before it.
        let mut hole = at;
        let mut next = (hole + 1) & mask;
        loop {
            let row = self.slots[next];
            if row == EMPTY {
                break;
            }
            let home = ids
                .get(row as usize)
                .map_or(next, |&other| self.home(other));
            // Distance from home to `next` versus from home to the hole, cyclically.
            if (next.wrapping_sub(home) & mask) >= (next.wrapping_sub(hole) & mask) {
                self.slots[hole] = row;
                hole = next;
            }
            next = (next + 1) & mask;
        }
        self.slots[hole] = EMPTY;
        self.len -= 1;
        Some(removed)
    }

    fn grow(&mut self, ids: &[Id]) {
        let capacity = (self.slots.len() * 2).max(16);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; capacity]);
        let mask = capacity - 1;
        for row in old.into_iter().filter(|&row| row != EMPTY) {
            let Some(&id) = ids.get(row as usize) else {
                continue;
            };
            let mut at = self.home(id);
            while self.slots[at] != EMPTY {
                at = (at + 1) & mask;
            }
            self.slots[at] = row;
        }
    }

    /// Heap bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<u32>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_get_remove_under_churn() {
        let mut ids: Vec<Id> = Vec::new();
        let mut map = IdMap::default();
        for i in 0..1000u128 {
            ids.push((i * 7919) << 64 | i);
            map.insert(ids[i as usize], i as u32, &ids);
        }
        for (row, &id) in ids.iter().enumerate() {
            assert_eq!(map.get(id, &ids), Some(row as u32));
        }
        for i in (0..1000).step_by(3) {
            assert_eq!(map.remove(ids[i], &ids), Some(i as u32));
        }
        for (row, &id) in ids.iter().enumerate() {
            let expected = (row % 3 != 0).then_some(row as u32);
            assert_eq!(map.get(id, &ids), expected, "row {row}");
        }
        assert_eq!(map.get(12345, &ids), None);
        assert_eq!(map.remove(12345, &ids), None);
    }
}
