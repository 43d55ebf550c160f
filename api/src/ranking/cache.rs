//! Candidate lists served from memory while nothing they depend on has changed.
//!
//! Ranking 100,000 profiles for a need and writing the reasons of the top 20 takes a
//! few milliseconds of CPU; a coordinator's screen asks for the same list again and
//! again. A computed list (its JSON bytes) is kept per need and query and served
//! again while all of these still hold:
//!
//! - the index is at the same *generation* (no profile was upserted or removed in this
//!   process, by its own writes or by the [feed](super::feed));
//! - no write request (anything but `GET`, `HEAD`, `OPTIONS`) has finished in this
//!   process since — a patched need, new weights, an application or a withdrawal all
//!   show at once here;
//! - it is still the same day in Asia/Tokyo;
//! - it was computed less than [`FRESH`] ago: the bound on how late this process sees
//!   another process's need, weight or application writes (profiles arrive through
//!   the feed, which bumps the generation).
//!
//! Authorization is never cached: a hit is served only to a caller who manages the
//! list's need (its owner SME, or a coordinator of its region — both fixed for a
//! need's life), and everyone else takes the full path with its 403 or 404.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web::{self, Bytes},
};
use chrono::NaiveDate;
use uuid::Uuid;

use crate::{
    auth::{AccountRole, AuthUser},
    state::AppState,
};

/// How long a list is served without recomputing, at most.
pub const FRESH: Duration = Duration::from_millis(250);
/// Most lists kept; past that the cache starts over (they are cheap to recompute).
const CAPACITY: usize = 1_024;

/// What identifies a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ListKey {
    /// The need.
    pub need_id: Uuid,
    /// `scope=all`.
    pub everyone: bool,
    /// `mode=reciprocal`.
    pub reciprocal: bool,
    /// `include_excluded=true`.
    pub include_excluded: bool,
    /// `limit`.
    pub limit: usize,
}

/// A computed list and what it was computed under.
#[derive(Debug, Clone)]
pub struct CachedList {
    /// The response body.
    pub body: Bytes,
    /// The need's owner (an SME account).
    pub owner_id: Uuid,
    /// The need's region.
    pub region_id: Uuid,
    /// When the list was computed under.
    pub stamp: Stamp,
}

/// The state a list was computed under; read *before* computing it, so a change that
/// races with the computation makes the list stale rather than wrongly fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    generation: u64,
    writes: u64,
    today: NaiveDate,
    at: Instant,
}

impl CachedList {
    /// Whether `caller` may see this list (and so be served it from memory).
    pub fn visible_to(&self, caller: &AuthUser, key: &ListKey) -> bool {
        match caller.role {
            AccountRole::Coordinator => caller.coordinates(self.region_id),
            AccountRole::Sme => !key.everyone && caller.id == self.owner_id,
            AccountRole::Professional => false,
        }
    }
}

/// The lists of one process.
#[derive(Debug, Default)]
pub struct ListCache {
    lists: Mutex<HashMap<ListKey, Arc<CachedList>>>,
    writes: AtomicU64,
}

impl ListCache {
    /// The stamp of now, given the index generation.
    pub fn stamp(&self, generation: u64, today: NaiveDate) -> Stamp {
        Stamp {
            generation,
            writes: self.writes.load(Ordering::Acquire),
            today,
            at: Instant::now(),
        }
    }

    /// The list for `key` if it is still fresh at `now` (a stamp taken just before).
    pub fn fresh(&self, key: &ListKey, now: &Stamp) -> Option<Arc<CachedList>> {
        let lists = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        let list = lists.get(key)?;
        let stamp = &list.stamp;
        let fresh = stamp.generation == now.generation
            && stamp.writes == now.writes
            && stamp.today == now.today
            && now.at.saturating_duration_since(stamp.at) < FRESH;
        fresh.then(|| list.clone())
    }

    /// Keeps a computed list.
    pub fn store(&self, key: ListKey, list: CachedList) {
        let mut lists = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        if lists.len() >= CAPACITY && !lists.contains_key(&key) {
            lists.clear();
        }
        lists.insert(key, Arc::new(list));
    }

    /// Notes that a write request finished: every kept list is stale.
    pub fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
    }
}

/// Middleware: after every request that may write (not `GET`, `HEAD` or `OPTIONS`),
/// successful or not, kept candidate lists are stale.
pub async fn note_writes(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let state = if writes {
        request.app_data::<web::Data<AppState>>().cloned()
    } else {
        None
    };
    let response = next.call(request).await;
    if let Some(state) = state {
        state.ranking.lists.note_write();
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ListKey {
        ListKey {
            need_id: Uuid::nil(),
            everyone: true,
            reciprocal: false,
            include_excluded: false,
            limit: 20,
        }
    }

    fn list(stamp: Stamp) -> CachedList {
        CachedList {
            body: Bytes::from_static(b"{}"),
            owner_id: Uuid::from_u128(1),
            region_id: Uuid::from_u128(2),
            stamp,
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn a_list_is_fresh_until_anything_it_depends_on_moves() {
        let cache = ListCache::default();
        let computed = cache.stamp(7, today());
        cache.store(key(), list(computed));
        assert!(cache.fresh(&key(), &cache.stamp(7, today())).is_some());
        assert!(
            cache.fresh(&key(), &cache.stamp(8, today())).is_none(),
            "a profile changed"
        );
        let tomorrow = today().succ_opt().unwrap();
        assert!(
            cache.fresh(&key(), &cache.stamp(7, tomorrow)).is_none(),
            "a new day"
        );
        let later = Stamp {
            at: computed.at + FRESH,
            ..computed
        };
        assert!(cache.fresh(&key(), &later).is_none(), "too old");
        cache.note_write();
        assert!(
            cache.fresh(&key(), &cache.stamp(7, today())).is_none(),
            "a write"
        );
    }

    #[test]
    fn only_those_who_manage_the_need_are_served_from_memory() {
        let cache = ListCache::default();
        cache.store(key(), list(cache.stamp(1, today())));
        let list = cache.fresh(&key(), &cache.stamp(1, today())).unwrap();
        let caller = |id: u128, role, region_id: Option<u128>| AuthUser {
            id: Uuid::from_u128(id),
            role,
            region_id: region_id.map(Uuid::from_u128),
        };
        assert!(list.visible_to(&caller(9, AccountRole::Coordinator, Some(2)), &key()));
        assert!(!list.visible_to(&caller(9, AccountRole::Coordinator, Some(3)), &key()));
        assert!(
            !list.visible_to(&caller(1, AccountRole::Sme, None), &key()),
            "scouting"
        );
        let applicants = ListKey {
            everyone: false,
            ..key()
        };
        assert!(list.visible_to(&caller(1, AccountRole::Sme, None), &applicants));
        assert!(!list.visible_to(&caller(4, AccountRole::Sme, None), &applicants));
        assert!(!list.visible_to(&caller(1, AccountRole::Professional, None), &applicants));
    }
}
