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
//! When a list only outlived [`FRESH`], the first caller to ask recomputes it and,
//! meanwhile, everyone else is served the previous list, up to [`MAX_STALE`] after it
//! was computed: a busy screen (or 64 connections of a load test) never makes every
//! request recompute the same list at the same moment. So another process's write
//! shows within `FRESH` plus one recomputation, never later than `MAX_STALE`.
//!
//! Authorization is never cached: a hit is served only to a caller who manages the
//! list's need (its owner SME, or a coordinator of its region — both fixed for a
//! need's life), and everyone else takes the full path with its 403 or 404.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicU64, Ordering},
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
/// How long a list may be served while one caller recomputes it, at most.
pub const MAX_STALE: Duration = Duration::from_secs(1);
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
#[derive(Debug)]
pub struct CachedList {
    /// The response body.
    pub body: Bytes,
    /// The need's owner (an SME account).
    pub owner_id: Uuid,
    /// The need's region.
    pub region_id: Uuid,
    /// When the list was computed under.
    pub stamp: Stamp,
    /// Whether a caller has taken on recomputing this list.
    refreshing: AtomicBool,
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
    /// A list just computed under `stamp`.
    pub fn new(body: Bytes, owner_id: Uuid, region_id: Uuid, stamp: Stamp) -> Self {
        Self {
            body,
            owner_id,
            region_id,
            stamp,
            refreshing: AtomicBool::new(false),
        }
    }

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

    /// The list for `key` to serve `caller` at `now` (a stamp taken just before), or
    /// `None` when the caller must compute it: there is none, it may be wrong, the
    /// caller may not see it, or it is past [`FRESH`] and this caller is the one who
    /// recomputes it (others are served it meanwhile, up to [`MAX_STALE`]).
    pub fn fresh(&self, key: &ListKey, now: &Stamp, caller: &AuthUser) -> Option<Arc<CachedList>> {
        let lists = self.lists.lock().unwrap_or_else(PoisonError::into_inner);
        let list = lists.get(key)?;
        let stamp = &list.stamp;
        let valid = stamp.generation == now.generation
            && stamp.writes == now.writes
            && stamp.today == now.today
            && list.visible_to(caller, key);
        let age = now.at.saturating_duration_since(stamp.at);
        if !valid || age >= MAX_STALE {
            return None;
        }
        // Past FRESH, the first caller here recomputes; the rest are served this one.
        let served = age < FRESH || list.refreshing.swap(true, Ordering::AcqRel);
        served.then(|| list.clone())
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
        CachedList::new(
            Bytes::from_static(b"{}"),
            Uuid::from_u128(1),
            Uuid::from_u128(2),
            stamp,
        )
    }

    fn coordinator() -> AuthUser {
        AuthUser {
            id: Uuid::from_u128(9),
            role: AccountRole::Coordinator,
            region_id: Some(Uuid::from_u128(2)),
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
        let who = coordinator();
        assert!(
            cache
                .fresh(&key(), &cache.stamp(7, today()), &who)
                .is_some()
        );
        assert!(
            cache
                .fresh(&key(), &cache.stamp(8, today()), &who)
                .is_none(),
            "a profile changed"
        );
        let tomorrow = today().succ_opt().unwrap();
        assert!(
            cache
                .fresh(&key(), &cache.stamp(7, tomorrow), &who)
                .is_none(),
            "a new day"
        );
        cache.note_write();
        assert!(
            cache
                .fresh(&key(), &cache.stamp(7, today()), &who)
                .is_none(),
            "a write"
        );
    }

    #[test]
    fn past_fresh_one_caller_recomputes_while_the_others_are_served_the_old_list() {
        let cache = ListCache::default();
        let computed = cache.stamp(7, today());
        cache.store(key(), list(computed));
        let who = coordinator();
        let at = |after| Stamp {
            at: computed.at + after,
            ..computed
        };
        assert!(
            cache.fresh(&key(), &at(FRESH), &who).is_none(),
            "the first caller past FRESH recomputes"
        );
        for _ in 0..3 {
            assert!(
                cache.fresh(&key(), &at(FRESH), &who).is_some(),
                "the rest wait on nothing"
            );
        }
        assert!(
            cache.fresh(&key(), &at(MAX_STALE), &who).is_none(),
            "never older than MAX_STALE"
        );
        cache.store(key(), list(at(FRESH)));
        assert!(
            cache.fresh(&key(), &at(FRESH), &who).is_some(),
            "the recomputed list is fresh again"
        );
    }

    #[test]
    fn only_those_who_manage_the_need_are_served_from_memory() {
        let cache = ListCache::default();
        cache.store(key(), list(cache.stamp(1, today())));
        let list = cache
            .fresh(&key(), &cache.stamp(1, today()), &coordinator())
            .unwrap();
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
