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
//! At most one computation of a list is in flight at a time (per list and state):
//!
//! - when a list only outlived [`FRESH`], the first caller to ask takes a [`Claim`]
//!   and has it recomputed *in the background* ([`Lookup::Refresh`]): that caller and
//!   everyone else are served the previous list meanwhile, up to [`MAX_STALE`] after it
//!   was computed. No request waits for a refresh: on a saturated machine PostgreSQL
//!   now and then answers nothing for most of a second, and the request that refreshed
//!   used to wait with it (the 0.8 s maxima of the load benchmark);
//! - when there is no list that may be served (none yet, one that may be wrong after
//!   a change, or one past `MAX_STALE`), the first caller computes it and the others
//!   wait for that one computation instead of each starting their own. A caller waits
//!   for one computation at most; if it failed, the caller computes the list itself.
//!
//! A claim that ends without a list (an error, a panic, a dropped request) is handed
//! back at once and wakes its waiters. So a busy screen (or 32 connections of a load
//! test) never makes every request recompute the same list at the same moment, and
//! another process's write shows within `FRESH` plus one recomputation; a previous list
//! is never served past `MAX_STALE`.
//!
//! Authorization is never cached: a list keeps the facts of its need the policy judges
//! by (its owner and region, both fixed for a need's life), a hit is served only to a
//! caller [`access::decide`] lets rank the need's candidates, and everyone else takes
//! the full path with its 403 or 404.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use bytes::Bytes;
use chrono::NaiveDate;
use tokio::sync::watch;
use uuid::Uuid;

use crate::access::{self, Action, Actor, NeedFacts};

/// How long a list is served without recomputing, at most.
pub const FRESH: Duration = Duration::from_millis(250);
/// How long a list may be served while it is recomputed, at most: a refresh normally
/// takes tens of milliseconds, and this covers a database that stops answering for a
/// second or two; past it, callers wait for the recomputation.
pub const MAX_STALE: Duration = Duration::from_secs(5);
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
    /// Which door's rendering the list is kept as.
    pub format: ListFormat,
}

/// Which door a list is rendered for: each keeps its own bytes of the same ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListFormat {
    /// The JSON API's page of candidates.
    Json,
    /// What the candidates page renders from (the proposals included).
    Page,
}

impl ListKey {
    /// What asking for this list is, for the policy.
    pub fn action(&self, need: NeedFacts) -> Action {
        Action::RankCandidates {
            need,
            everyone: self.everyone,
        }
    }

    /// Whether `actor` may be served a list of this key kept for `need`.
    pub fn allows(&self, actor: &Actor, need: NeedFacts) -> bool {
        access::decide(Some(actor), self.action(need)).allowed()
    }
}

/// A computed list and what it was computed under.
#[derive(Debug)]
pub struct CachedList {
    /// The response body.
    pub body: Bytes,
    /// The need, as the policy judges who may see its candidates.
    pub need: NeedFacts,
    /// When the list was computed under.
    pub stamp: Stamp,
    /// Those it shows from outside their own regions, with the consent they are shown
    /// under: each serving of the list is a provision of each (see
    /// [`ranking::scout`](super::scout)).
    pub shared: Arc<[(Uuid, &'static str)]>,
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

impl Stamp {
    /// Whether nothing a list depends on changed between the two (only time passed).
    fn same_state(&self, other: &Self) -> bool {
        self.generation == other.generation
            && self.writes == other.writes
            && self.today == other.today
    }
}

impl CachedList {
    /// A list just computed under `stamp`.
    pub fn new(body: Bytes, need: NeedFacts, stamp: Stamp) -> Self {
        Self {
            body,
            need,
            stamp,
            shared: Arc::new([]),
        }
    }

    /// The same list, showing these from outside their own regions.
    pub fn with_shared(self, shared: Vec<(Uuid, &'static str)>) -> Self {
        Self {
            shared: shared.into(),
            ..self
        }
    }
}

/// The lists of one process.
#[derive(Debug, Default)]
pub struct ListCache {
    entries: Mutex<HashMap<ListKey, Entry>>,
    writes: AtomicU64,
    /// Numbers the computations, so a claim only ever clears its own.
    flights: AtomicU64,
}

/// A list, and the computation of its next version if one is under way.
#[derive(Debug, Default)]
struct Entry {
    list: Option<Arc<CachedList>>,
    flight: Option<Flight>,
}

/// A computation under way: what it is computed under, and how to wait for its list.
#[derive(Debug)]
struct Flight {
    id: u64,
    stamp: Stamp,
    done: watch::Receiver<Option<Arc<CachedList>>>,
}

/// What a caller does for a list (see [`ListCache::lookup`]).
#[derive(Debug)]
pub enum Lookup {
    /// Serve this list.
    Hit(Arc<CachedList>),
    /// Serve this list, and have it recomputed in the background (with the claim).
    Refresh(Arc<CachedList>, Claim),
    /// Compute the list and keep it with [`Claim::store`].
    Compute(Claim),
    /// Another caller is computing the list: wait for it.
    Wait(Pending),
}

/// The duty to compute a list. Dropped without [`store`](Self::store) — an error, a
/// panic, a request dropped half-way — it is handed back at once, and the callers
/// waiting on it wake up without a list.
#[derive(Debug)]
pub struct Claim {
    cache: Arc<ListCache>,
    key: ListKey,
    /// The computation others wait on; `None` for a caller computing for itself.
    flight: Option<(u64, watch::Sender<Option<Arc<CachedList>>>)>,
}

impl Claim {
    /// Keeps the computed list (unless a newer one was kept meanwhile) and hands it to
    /// the callers waiting for it.
    pub fn store(self, list: CachedList) {
        self.store_shared(Arc::new(list));
    }

    /// [`store`](Self::store), for a list the caller keeps a handle of too.
    pub fn store_shared(self, list: Arc<CachedList>) {
        {
            let mut entries = self.cache.lock();
            let entry = entries.entry(self.key).or_default();
            if entry
                .list
                .as_ref()
                .is_none_or(|kept| kept.stamp.at <= list.stamp.at)
            {
                entry.list = Some(list.clone());
            }
        }
        if let Some((_, waiters)) = &self.flight {
            waiters.send_replace(Some(list));
        }
        // Dropping `self` ends the flight.
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        let Some((id, _)) = &self.flight else {
            return;
        };
        let mut entries = self.cache.lock();
        if let Some(entry) = entries.get_mut(&self.key) {
            if entry.flight.as_ref().is_some_and(|flight| flight.id == *id) {
                entry.flight = None;
            }
            if entry.list.is_none() && entry.flight.is_none() {
                entries.remove(&self.key);
            }
        }
        // The sender is dropped after this body: waiters who were not handed a list
        // wake up without one.
    }
}

/// A computation to wait for.
#[derive(Debug)]
pub struct Pending(watch::Receiver<Option<Arc<CachedList>>>);

impl Pending {
    /// The list it computed, once it is done; `None` when it ended without one.
    pub async fn finished(mut self) -> Option<Arc<CachedList>> {
        // A list is sent once, before the sender is dropped; a sender dropped without
        // sending is an error here.
        self.0.changed().await.ok()?;
        self.0.borrow().clone()
    }
}

impl ListCache {
    fn lock(&self) -> MutexGuard<'_, HashMap<ListKey, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stamp of now, given the index generation.
    pub fn stamp(&self, generation: u64, today: NaiveDate) -> Stamp {
        Stamp {
            generation,
            writes: self.writes.load(Ordering::Acquire),
            today,
            at: Instant::now(),
        }
    }

    /// What `caller` does for the list `key` at `now` (a stamp taken just before):
    ///
    /// - [`Lookup::Hit`]: the kept list, computed under the same state less than
    ///   [`FRESH`] ago, or less than [`MAX_STALE`] ago while it is recomputed;
    /// - [`Lookup::Refresh`]: the kept list, past `FRESH` but not `MAX_STALE`, with the
    ///   duty to recompute it (nobody is);
    /// - [`Lookup::Compute`] with a shared claim: nobody is computing it and it has to
    ///   be (there is no list that may be served);
    /// - [`Lookup::Wait`]: another caller is computing it under the same state, and
    ///   there is no list to serve meanwhile (unless `may_wait` is false: a caller
    ///   whose wait ended without a list computes it instead of waiting again);
    /// - [`Lookup::Compute`] with a claim of its own: the caller may not see the kept
    ///   list (authorization takes the full path), or was told not to wait.
    pub fn lookup(
        self: &Arc<Self>,
        key: &ListKey,
        now: &Stamp,
        caller: &Actor,
        may_wait: bool,
    ) -> Lookup {
        let alone = || {
            Lookup::Compute(Claim {
                cache: Arc::clone(self),
                key: *key,
                flight: None,
            })
        };
        let mut entries = self.lock();
        if entries.len() >= CAPACITY && !entries.contains_key(key) {
            // Claims of the dropped entries still wake their waiters when they end.
            entries.clear();
        }
        let entry = entries.entry(*key).or_default();
        let mut servable = None;
        if let Some(list) = &entry.list {
            if !key.allows(caller, list.need) {
                return alone();
            }
            if list.stamp.same_state(now) {
                let age = now.at.saturating_duration_since(list.stamp.at);
                if age < FRESH || (age < MAX_STALE && entry.flight.is_some()) {
                    return Lookup::Hit(list.clone());
                }
                if age < MAX_STALE {
                    servable = Some(list.clone());
                }
            }
        }
        if let Some(flight) = &entry.flight
            && flight.stamp.same_state(now)
        {
            return if may_wait {
                Lookup::Wait(Pending(flight.done.clone()))
            } else {
                alone()
            };
        }
        // Nobody computes it under this state (a flight under an older one would bring
        // back a list that may be wrong): this caller does, and takes the flight over.
        let id = self.flights.fetch_add(1, Ordering::Relaxed);
        let (sender, done) = watch::channel(None);
        entry.flight = Some(Flight {
            id,
            stamp: *now,
            done,
        });
        let claim = Claim {
            cache: Arc::clone(self),
            key: *key,
            flight: Some((id, sender)),
        };
        match servable {
            Some(list) => Lookup::Refresh(list, claim),
            None => Lookup::Compute(claim),
        }
    }

    /// Notes that a write request finished: every kept list is stale.
    pub fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::AccountRole;

    fn new_cache() -> Arc<ListCache> {
        Arc::new(ListCache::default())
    }

    fn key() -> ListKey {
        ListKey {
            need_id: Uuid::nil(),
            everyone: true,
            reciprocal: false,
            include_excluded: false,
            limit: 20,
            format: ListFormat::Json,
        }
    }

    /// The need: owned by account 1, in region 2.
    fn need() -> NeedFacts {
        NeedFacts {
            owner_id: Uuid::from_u128(1),
            region_id: Uuid::from_u128(2),
            open: true,
        }
    }

    fn list(stamp: Stamp) -> CachedList {
        CachedList::new(Bytes::from_static(b"{}"), need(), stamp)
    }

    fn coordinator() -> Actor {
        Actor {
            id: Uuid::from_u128(9),
            role: AccountRole::Coordinator,
            region_id: Some(Uuid::from_u128(2)),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    /// What a lookup said, without its payload.
    #[derive(Debug, PartialEq, Eq)]
    enum Said {
        Hit,
        /// Served, and recompute in the background, others relying on it.
        Refresh,
        /// Compute, others relying on it.
        Shared,
        /// Compute, for oneself only.
        Alone,
        Wait,
    }

    fn said(lookup: &Lookup) -> Said {
        match lookup {
            Lookup::Hit(_) => Said::Hit,
            Lookup::Refresh(_, claim) => {
                assert!(claim.flight.is_some(), "a refresh others rely on");
                Said::Refresh
            }
            Lookup::Compute(claim) if claim.flight.is_some() => Said::Shared,
            Lookup::Compute(_) => Said::Alone,
            Lookup::Wait(_) => Said::Wait,
        }
    }

    /// A list computed at `stamp` and kept, as a first caller would.
    fn computed(cache: &Arc<ListCache>, stamp: Stamp) {
        match cache.lookup(&key(), &stamp, &coordinator(), true) {
            Lookup::Compute(claim) => claim.store(list(stamp)),
            other => panic!("expected to compute, got {:?}", said(&other)),
        }
    }

    fn ask(cache: &Arc<ListCache>, now: &Stamp) -> Said {
        said(&cache.lookup(&key(), now, &coordinator(), true))
    }

    #[test]
    fn a_list_is_fresh_until_anything_it_depends_on_moves() {
        let cache = new_cache();
        let computed_at = cache.stamp(7, today());
        computed(&cache, computed_at);
        assert_eq!(ask(&cache, &cache.stamp(7, today())), Said::Hit);
        assert_eq!(
            ask(&cache, &cache.stamp(8, today())),
            Said::Shared,
            "a profile changed"
        );
        let cache = new_cache();
        computed(&cache, cache.stamp(7, today()));
        let tomorrow = today().succ_opt().unwrap();
        assert_eq!(
            ask(&cache, &cache.stamp(7, tomorrow)),
            Said::Shared,
            "a new day"
        );
        let cache = new_cache();
        computed(&cache, cache.stamp(7, today()));
        cache.note_write();
        assert_eq!(
            ask(&cache, &cache.stamp(7, today())),
            Said::Shared,
            "a write"
        );
    }

    #[test]
    fn past_fresh_one_caller_has_it_recomputed_while_everyone_is_served_the_old_list() {
        let cache = new_cache();
        let computed_at = cache.stamp(7, today());
        computed(&cache, computed_at);
        let who = coordinator();
        let at = |after| Stamp {
            at: computed_at.at + after,
            ..computed_at
        };
        let Lookup::Refresh(served, claim) = cache.lookup(&key(), &at(FRESH), &who, true) else {
            panic!("the first caller past FRESH has it recomputed");
        };
        assert_eq!(
            served.stamp, computed_at,
            "and is served the old list at once"
        );
        assert!(claim.flight.is_some());
        for _ in 0..3 {
            assert_eq!(
                ask(&cache, &at(FRESH)),
                Said::Hit,
                "the rest wait on nothing"
            );
        }
        assert_eq!(
            ask(&cache, &at(MAX_STALE)),
            Said::Wait,
            "never older than MAX_STALE: the others wait for the one recomputation"
        );
        claim.store(list(at(FRESH)));
        assert_eq!(
            ask(&cache, &at(FRESH)),
            Said::Hit,
            "the recomputed list is fresh again"
        );
    }

    #[test]
    fn a_claim_ended_without_a_list_is_handed_back_at_once() {
        let cache = new_cache();
        let computed_at = cache.stamp(7, today());
        computed(&cache, computed_at);
        let at = |after| Stamp {
            at: computed_at.at + after,
            ..computed_at
        };
        let failed = cache.lookup(&key(), &at(FRESH), &coordinator(), true);
        assert_eq!(said(&failed), Said::Refresh);
        drop(failed);
        assert_eq!(
            ask(&cache, &at(FRESH)),
            Said::Refresh,
            "the next caller recomputes at once, not when the list turns MAX_STALE old"
        );
    }

    #[tokio::test]
    async fn after_a_change_the_callers_wait_for_one_computation() {
        let cache = new_cache();
        computed(&cache, cache.stamp(7, today()));
        cache.note_write();
        let now = cache.stamp(7, today());
        let Lookup::Compute(claim) = cache.lookup(&key(), &now, &coordinator(), true) else {
            panic!("the first caller after the write computes");
        };
        let waiting: Vec<Pending> = (0..31)
            .map(|_| match cache.lookup(&key(), &now, &coordinator(), true) {
                Lookup::Wait(pending) => pending,
                other => panic!("expected to wait, got {:?}", said(&other)),
            })
            .collect();
        claim.store(list(now));
        for pending in waiting {
            let served = pending.finished().await.expect("handed the computed list");
            assert_eq!(served.stamp, now, "the one computation's list");
        }
        assert_eq!(ask(&cache, &now), Said::Hit);
    }

    #[tokio::test]
    async fn a_failed_computation_wakes_its_waiters_and_they_do_not_wait_twice() {
        let cache = new_cache();
        let now = cache.stamp(1, today());
        let first = cache.lookup(&key(), &now, &coordinator(), true);
        assert_eq!(said(&first), Said::Shared, "nothing kept yet");
        let Lookup::Wait(pending) = cache.lookup(&key(), &now, &coordinator(), true) else {
            panic!("a second caller waits");
        };
        drop(first);
        assert!(pending.finished().await.is_none(), "woken, without a list");
        let retry = cache.lookup(&key(), &now, &coordinator(), false);
        assert_eq!(said(&retry), Said::Shared, "the flight was handed back");
        assert_eq!(
            said(&cache.lookup(&key(), &now, &coordinator(), false)),
            Said::Alone,
            "a caller who waited once computes rather than waiting again"
        );
        drop(retry);
        assert!(
            cache.lock().is_empty(),
            "nothing is left behind for a list that was never computed"
        );
    }

    /// 32 callers asking every millisecond for three times MAX_STALE, for computations
    /// shorter than FRESH, between FRESH and MAX_STALE, and longer than MAX_STALE:
    /// never two computations of the list at once, nobody computing for themselves, no
    /// list older than MAX_STALE served from memory, and waiting only when there is none.
    #[test]
    fn one_computation_at_a_time_under_steady_load() {
        let span = 3 * MAX_STALE.as_millis() as u64;
        for takes in [100, 1_200, MAX_STALE.as_millis() as u64 + 300] {
            let cache = new_cache();
            let start = cache.stamp(3, today());
            let at = |ms: u64| Stamp {
                at: start.at + Duration::from_millis(ms),
                ..start
            };
            let mut running: Vec<(u64, Claim, Stamp)> = Vec::new();
            let mut waiting: Vec<Pending> = Vec::new();
            let (mut computations, mut waits) = (0, 0);
            for ms in 0..span {
                if let Some(i) = running.iter().position(|(done, ..)| *done == ms) {
                    let (_, claim, stamp) = running.swap_remove(i);
                    claim.store(list(stamp));
                    for pending in waiting.drain(..) {
                        let handed = pending.0.borrow().clone();
                        assert!(handed.is_some_and(|list| list.stamp == stamp));
                    }
                }
                for _caller in 0..32 {
                    match cache.lookup(&key(), &at(ms), &coordinator(), true) {
                        Lookup::Hit(list) => {
                            let age = at(ms).at.saturating_duration_since(list.stamp.at);
                            assert!(age < MAX_STALE, "served a list {age:?} old");
                        }
                        Lookup::Refresh(list, claim) => {
                            let age = at(ms).at.saturating_duration_since(list.stamp.at);
                            assert!(age < MAX_STALE, "served a list {age:?} old");
                            assert!(claim.flight.is_some(), "refreshed alone");
                            computations += 1;
                            running.push((ms + takes, claim, at(ms)));
                        }
                        Lookup::Compute(claim) => {
                            assert!(claim.flight.is_some(), "computed alone");
                            computations += 1;
                            running.push((ms + takes, claim, at(ms)));
                        }
                        Lookup::Wait(pending) => {
                            waits += 1;
                            waiting.push(pending);
                        }
                    }
                    assert!(running.len() <= 1, "two computations of one list at once");
                }
            }
            let period = takes.max(FRESH.as_millis() as u64);
            assert!(
                computations <= span / period + 1,
                "{computations} computations of {takes} ms"
            );
            if takes < MAX_STALE.as_millis() as u64 {
                assert_eq!(
                    waits,
                    31 + 32 * (takes - 1),
                    "only while there was no list at all"
                );
            } else {
                assert!(waits > 32 * takes, "past MAX_STALE, waiting, not computing");
            }
        }
    }

    #[test]
    fn only_those_the_policy_lets_rank_the_need_are_served_from_memory() {
        let caller = |id: u128, role, region_id: Option<u128>| Actor {
            id: Uuid::from_u128(id),
            role,
            region_id: region_id.map(Uuid::from_u128),
        };
        let applicants = ListKey {
            everyone: false,
            ..key()
        };
        // (key, caller, served from memory)
        let cases = [
            (key(), caller(9, AccountRole::Coordinator, Some(2)), true),
            (key(), caller(8, AccountRole::Coordinator, Some(2)), true),
            (key(), caller(9, AccountRole::Coordinator, Some(3)), false),
            (key(), caller(1, AccountRole::Sme, None), false),
            (applicants, caller(1, AccountRole::Sme, None), true),
            (applicants, caller(4, AccountRole::Sme, None), false),
            (
                applicants,
                caller(1, AccountRole::Professional, None),
                false,
            ),
            (
                applicants,
                caller(9, AccountRole::Coordinator, Some(3)),
                false,
            ),
        ];
        for (key, caller, served) in cases {
            let cache = new_cache();
            let stamp = cache.stamp(1, today());
            match cache.lookup(&key, &stamp, &coordinator(), true) {
                Lookup::Compute(claim) => claim.store(list(stamp)),
                other => panic!("expected to compute, got {:?}", said(&other)),
            }
            let expected = if served { Said::Hit } else { Said::Alone };
            assert_eq!(
                said(&cache.lookup(&key, &stamp, &caller, true)),
                expected,
                "{caller:?} asking for {key:?}: anyone else takes the full path, and holds nobody up"
            );
            assert_eq!(key.allows(&caller, need()), served, "{caller:?}");
        }
    }
}
