//! The pool of a need being written, counted on the index (see
//! [`ProfileIndex::pool`](musubi_matcher::ProfileIndex::pool)).

use musubi_matcher::{
    self as engine,
    index::{Pool, PoolRequest},
};

use super::Ranking;
use crate::domain::sharing::RegionPlace;

impl Ranking {
    /// Counts `need`'s pool among the listed profiles `keep` keeps: one scan under the
    /// read lock (a few milliseconds at 100,000 profiles).
    pub fn pool(
        &self,
        need: &engine::Need,
        request: &PoolRequest,
        keep: impl Fn(engine::Id) -> bool,
    ) -> Pool {
        self.read().index.pool(need, request, keep)
    }

    /// Counts `need`'s pool among the listed profiles `region` may find (its own
    /// people, and those of other regions who consented to it), as the index holds
    /// their consent now: the pool its coordinators scout.
    pub fn pool_in_region(
        &self,
        need: &engine::Need,
        request: &PoolRequest,
        region: &RegionPlace,
    ) -> Pool {
        let held = self.read();
        held.index.pool(need, request, |id| {
            held.findable
                .get(&id)
                .is_some_and(|findable| findable.may_find(region))
        })
    }
}
