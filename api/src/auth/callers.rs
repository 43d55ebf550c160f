//! The callers of tokens, kept in memory for a moment so a busy client's every request
//! does not wait on the database.
//!
//! Checking a token needs its user's role, region, token version and erasure, and
//! whether its id was revoked: one read. Under load that read was what made the
//! candidate lists stall: PostgreSQL on a saturated machine sometimes answers nothing
//! for most of a second (its lock waits back off while the processes holding them wait
//! for a CPU), and every request that needed the read waited with it, while `/health`,
//! which reads nothing, did not. So each process keeps what it read, per user and token
//! id, and serves it again while all of these hold:
//!
//! - no write request (anything but `GET`, `HEAD`, `OPTIONS`) has finished in this
//!   process since it was read: a logout, a password change or reset, or an erasure
//!   takes effect here at once, for the very next request, whatever path made it;
//! - it was read less than [`FRESH`] ago. Past that it is still served, up to
//!   [`MAX_AGE`], while one caller reads it again in the background: a token revoked
//!   by *another* process is refused here within `FRESH` plus one read — about a
//!   second, at most `MAX_AGE` while the database is slow to answer.
//!
//! A read that raced with a write is kept under the state before the write, so the next
//! request reads again rather than trusting it.

use std::{
    collections::HashMap,
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use uuid::Uuid;

use crate::repo::sessions::Caller;

/// How long a read caller is served without reading it again.
pub const FRESH: Duration = Duration::from_secs(1);
/// How long it may be served while it is read again in the background, at most.
pub const MAX_AGE: Duration = Duration::from_secs(5);
/// Most tokens kept; past that the process starts over (a read each is cheap).
const CAPACITY: usize = 65_536;

/// A token's user and id: what a kept caller is found by.
pub type Key = (Uuid, Option<Uuid>);

/// The kept callers of one process.
#[derive(Debug, Default)]
pub struct Callers {
    entries: Mutex<HashMap<Key, Entry>>,
    writes: AtomicU64,
}

#[derive(Debug)]
struct Entry {
    caller: Caller,
    writes: u64,
    read_at: Instant,
    refreshing: bool,
}

/// What a request does about its token's caller (see [`Callers::lookup`]).
#[derive(Debug)]
pub enum Lookup {
    /// Use this caller.
    Kept(Caller),
    /// Use this caller, and read it again in the background (then [`Callers::keep`]).
    KeptRefresh(Caller, Reading),
    /// Read it now (then [`Callers::keep`]).
    Read(Reading),
}

/// A read under way: the state it started in.
#[derive(Debug, Clone, Copy)]
#[must_use = "a reading ends with `keep` or `failed`"]
pub struct Reading {
    key: Key,
    writes: u64,
    read_at: Instant,
}

impl Callers {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What to do for the caller of `key` at `now`.
    pub fn lookup(&self, key: Key, now: Instant) -> Lookup {
        let writes = self.writes.load(Ordering::Acquire);
        let reading = Reading {
            key,
            writes,
            read_at: now,
        };
        let mut entries = self.lock();
        let Some(entry) = entries.get_mut(&key).filter(|entry| entry.writes == writes) else {
            return Lookup::Read(reading);
        };
        let age = now.saturating_duration_since(entry.read_at);
        if age < FRESH || (age < MAX_AGE && entry.refreshing) {
            Lookup::Kept(entry.caller.clone())
        } else if age < MAX_AGE {
            entry.refreshing = true;
            Lookup::KeptRefresh(entry.caller.clone(), reading)
        } else {
            Lookup::Read(reading)
        }
    }

    /// Keeps what a reading found (nothing is kept for a user who is gone).
    pub fn keep(&self, reading: Reading, caller: Option<&Caller>) {
        let mut entries = self.lock();
        let Some(caller) = caller else {
            entries.remove(&reading.key);
            return;
        };
        if entries.len() >= CAPACITY && !entries.contains_key(&reading.key) {
            entries.clear();
        }
        let newer = entries
            .get(&reading.key)
            .is_some_and(|kept| kept.writes > reading.writes || kept.read_at > reading.read_at);
        if !newer {
            entries.insert(
                reading.key,
                Entry {
                    caller: caller.clone(),
                    writes: reading.writes,
                    read_at: reading.read_at,
                    refreshing: false,
                },
            );
        }
    }

    /// A background reading failed: the next request past [`FRESH`] tries again.
    pub fn failed(&self, reading: Reading) {
        if let Some(entry) = self.lock().get_mut(&reading.key) {
            entry.refreshing = false;
        }
    }

    /// Notes that a write request finished: every kept caller is read again.
    pub fn note_write(&self) {
        self.writes.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(version: i32) -> Caller {
        Caller {
            role: "coordinator".to_owned(),
            region_id: None,
            token_version: version,
            erased: false,
            revoked: false,
        }
    }

    const KEY: Key = (Uuid::from_u128(1), Some(Uuid::from_u128(2)));

    fn version(lookup: &Lookup) -> Option<i32> {
        match lookup {
            Lookup::Kept(caller) | Lookup::KeptRefresh(caller, _) => Some(caller.token_version),
            Lookup::Read(_) => None,
        }
    }

    fn read(callers: &Callers, at: Instant, version: i32) {
        match callers.lookup(KEY, at) {
            Lookup::Read(reading) | Lookup::KeptRefresh(_, reading) => {
                callers.keep(reading, Some(&caller(version)));
            }
            Lookup::Kept(_) => panic!("expected a read"),
        }
    }

    #[test]
    fn a_caller_is_read_once_and_kept_while_fresh() {
        let callers = Callers::default();
        let start = Instant::now();
        assert!(matches!(callers.lookup(KEY, start), Lookup::Read(_)));
        read(&callers, start, 3);
        let soon = start + FRESH / 2;
        assert!(matches!(callers.lookup(KEY, soon), Lookup::Kept(_)));
        assert_eq!(version(&callers.lookup(KEY, soon)), Some(3));
        // Another token of the same user is another key.
        assert!(matches!(
            callers.lookup((KEY.0, None), soon),
            Lookup::Read(_)
        ));
    }

    #[test]
    fn past_fresh_one_caller_refreshes_while_everyone_is_served() {
        let callers = Callers::default();
        let start = Instant::now();
        read(&callers, start, 3);
        let later = start + FRESH + Duration::from_millis(10);
        let Lookup::KeptRefresh(served, reading) = callers.lookup(KEY, later) else {
            panic!("expected to refresh");
        };
        assert_eq!(served.token_version, 3);
        // While that read is under way, nobody else starts one.
        for _ in 0..10 {
            assert!(matches!(callers.lookup(KEY, later), Lookup::Kept(_)));
        }
        // The new read (a password changed elsewhere) is what is served next.
        callers.keep(reading, Some(&caller(4)));
        assert_eq!(version(&callers.lookup(KEY, later)), Some(4));
        assert!(matches!(callers.lookup(KEY, later), Lookup::Kept(_)));
    }

    #[test]
    fn a_failed_refresh_is_tried_again_and_nothing_is_served_past_max_age() {
        let callers = Callers::default();
        let start = Instant::now();
        read(&callers, start, 3);
        let later = start + FRESH + Duration::from_millis(10);
        let Lookup::KeptRefresh(_, reading) = callers.lookup(KEY, later) else {
            panic!("expected to refresh");
        };
        callers.failed(reading);
        assert!(matches!(
            callers.lookup(KEY, later),
            Lookup::KeptRefresh(..)
        ));
        // Refreshing or not, past MAX_AGE the request reads for itself.
        assert!(matches!(
            callers.lookup(KEY, start + MAX_AGE),
            Lookup::Read(_)
        ));
    }

    #[test]
    fn a_write_makes_every_caller_read_again_and_a_read_racing_it_is_not_trusted() {
        let callers = Callers::default();
        let start = Instant::now();
        read(&callers, start, 3);
        // A read starts, then a logout finishes in this process, then the read (which
        // saw the database before the logout) comes back.
        let Lookup::Kept(_) = callers.lookup(KEY, start) else {
            panic!("expected the kept caller");
        };
        let racing = match callers.lookup((KEY.0, None), start) {
            Lookup::Read(reading) => reading,
            _ => panic!("expected a read"),
        };
        callers.note_write();
        assert!(matches!(callers.lookup(KEY, start), Lookup::Read(_)));
        callers.keep(racing, Some(&caller(3)));
        assert!(matches!(
            callers.lookup((KEY.0, None), start),
            Lookup::Read(_)
        ));
    }

    #[test]
    fn an_older_read_never_replaces_a_newer_one_and_a_gone_user_is_forgotten() {
        let callers = Callers::default();
        let start = Instant::now();
        let Lookup::Read(first) = callers.lookup(KEY, start) else {
            panic!("expected a read");
        };
        let Lookup::Read(second) = callers.lookup(KEY, start + Duration::from_millis(5)) else {
            panic!("expected a read");
        };
        callers.keep(second, Some(&caller(5)));
        callers.keep(first, Some(&caller(4)));
        assert_eq!(
            version(&callers.lookup(KEY, start + Duration::from_millis(6))),
            Some(5)
        );
        let Lookup::Read(gone) = callers.lookup(KEY, start + MAX_AGE * 2) else {
            panic!("expected a read");
        };
        callers.keep(gone, None);
        assert!(matches!(
            callers.lookup(KEY, start + Duration::from_millis(6)),
            Lookup::Read(_)
        ));
    }
}
