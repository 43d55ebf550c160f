//! The pool of a need being written, counted on the index (see
//! [`ProfileIndex::pool`](musubi_matcher::ProfileIndex::pool)).

use musubi_matcher::{
    self as engine,
    index::{Pool, PoolRequest},
};

use super::Ranking;

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
}
