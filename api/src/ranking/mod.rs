//! The in-memory ranking service: the matcher's [`ProfileIndex`] of every profile, kept
//! in step with the database in this process and across processes.
//!
//! ## What the index holds
//!
//! Every stored profile, active or not; an erased profile (its row is gone) is removed.
//! Inactive profiles stay in the index so the matcher's own `inactive` exclusion
//! explains them: a coordinator looking at a need's applicants with
//! `include_excluded=true` sees an applicant who has since unlisted themselves, with the
//! reason. Scouting (`scope=all`) never shows an inactive profile at all, excluded or
//! not: unlisting is a request not to be found. `active_engagements` is the number of
//! the professional's matches in status `contracted` whose engagement is not completed.
//!
//! ## Keeping processes in step
//!
//! Every profile write (and every change of a professional's engagements) appends a row
//! to `profile_changes` in the same transaction as the write
//! ([`repo::profiles::record_change`](crate::repo::profiles::record_change)). The
//! process that made the write updates its own index at once, after the commit; every
//! process also runs a [`feed`] task that polls `profile_changes` for rows past the last
//! one it applied every [`feed::POLL_INTERVAL`] and reloads (or removes) those
//! profiles. A write through one process is therefore ranked by every other within
//! about half a second.
//!
//! Polling, not notifications: the embedded default is SQLite, which has no
//! LISTEN/NOTIFY, and one mechanism that works on both backends is simpler to trust
//! than two. A poll is one indexed range query that usually returns nothing. A reload
//! reads the profile's *current* row, so applying a change twice, or late, or out of
//! order, converges on the stored state. On PostgreSQL a sequence number can become
//! visible after a higher one (transactions commit out of order); the feed remembers
//! such gaps for a while and picks the late rows up (see [`feed`]).
//!
//! ## Locking
//!
//! The index sits behind a `std::sync::RwLock` that is never held across an `.await`:
//! database reads happen first, then the lock is taken for the in-memory part only
//! (an upsert is microseconds; a ranking scan of 100,000 profiles a few milliseconds).

pub mod cache;
pub mod convert;
pub mod feed;
mod load;
mod needs;
mod pool;
pub mod scout;
pub mod view;
pub mod weights;

pub use load::contracted_counts;
pub use needs::{Applicant, OpenNeeds, applicants, applicants_in_region, open_needs, recommend};

use std::{
    collections::{HashMap, HashSet},
    sync::{
        Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard,
        atomic::{AtomicU64, Ordering},
    },
};

use musubi_matcher::{self as engine, Candidate, Corpus, Id, ProfileIndex, RankRequest};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::{
    domain::sharing::{Consent, Findable},
    entities::profile,
};

/// The index and what the service keeps beside it.
#[derive(Debug, Default)]
struct Held {
    index: ProfileIndex,
    /// Ids of the inactive profiles in the index (scouting skips them).
    inactive: HashSet<Id>,
    /// Which regions may find each profile (see [`scout`]).
    findable: HashMap<Id, Findable>,
}

impl Held {
    /// Takes a profile in, with the default consent.
    #[cfg(test)]
    fn upsert(&mut self, profile: &engine::Profile) {
        self.upsert_with(profile, Consent::default());
    }

    fn upsert_with(&mut self, profile: &engine::Profile, consent: Consent) {
        self.index.upsert(profile);
        if profile.active {
            self.inactive.remove(&profile.id);
        } else {
            self.inactive.insert(profile.id);
        }
        self.findable
            .insert(profile.id, load::findable(profile, consent));
    }

    fn remove(&mut self, id: Id) {
        self.index.remove(id);
        self.inactive.remove(&id);
        self.findable.remove(&id);
    }
}

/// The ranking service shared by every request of a process.
#[derive(Debug, Default)]
pub struct Ranking {
    held: RwLock<Held>,
    /// Bumped after every change of the index: what a cached list was ranked on.
    generation: AtomicU64,
    /// Computed candidate lists (see [`cache`]).
    pub lists: Arc<cache::ListCache>,
}

/// Whom a ranking covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pool<'a> {
    /// Only these profiles (a need's applicants).
    Only(&'a [Id]),
    /// Every listed profile (scouting).
    Everyone,
}

/// The matcher's id of a professional.
pub fn engine_id(id: Uuid) -> Id {
    id.as_u128()
}

/// The professional of a matcher id.
pub fn professional_id(id: Id) -> Uuid {
    Uuid::from_u128(id)
}

impl Ranking {
    /// Builds the index from every stored profile, and the feed position to follow
    /// from. The position is read first, so a write that lands while the profiles load
    /// is applied again by the feed rather than missed.
    pub async fn load(db: &impl ConnectionTrait) -> anyhow::Result<(Self, feed::Cursor)> {
        let cursor = feed::Cursor::start(db).await?;
        let profiles = load::all_profiles(db).await?;
        let consents = crate::repo::sharing::consents(db, None).await?;
        let mut held = Held {
            index: ProfileIndex::build(&profiles),
            inactive: HashSet::new(),
            findable: HashMap::with_capacity(profiles.len()),
        };
        for profile in &profiles {
            let consent = consents
                .get(&professional_id(profile.id))
                .cloned()
                .unwrap_or_default();
            held.findable
                .insert(profile.id, load::findable(profile, consent));
        }
        held.inactive = profiles
            .iter()
            .filter(|profile| !profile.active)
            .map(|profile| profile.id)
            .collect();
        tracing::info!(profiles = held.index.len(), "ranking index built");
        Ok((
            Self {
                held: RwLock::new(held),
                ..Self::default()
            },
            cursor,
        ))
    }

    fn read(&self) -> RwLockReadGuard<'_, Held> {
        // A panic while holding the lock cannot leave the index half-written in a way
        // that matters more than refusing every ranking would: carry on.
        self.held.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Held> {
        self.held.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Changes the index, then bumps the generation (still under the lock, so a reader
    /// that saw the old generation ranks on the old or the new index, never on a
    /// generation newer than its data).
    fn change(&self, f: impl FnOnce(&mut Held)) {
        let mut held = self.write();
        f(&mut held);
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// Counts changes of the index; read it before ranking to know what a result
    /// was ranked on.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Profiles held.
    pub fn len(&self) -> usize {
        self.read().index.len()
    }

    /// Whether no profile is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether the professional's profile is held.
    pub fn contains(&self, professional_id: Uuid) -> bool {
        self.read().index.contains(engine_id(professional_id))
    }

    /// Takes a stored profile into the index (after a write in this process): counts
    /// the professional's engagements, then replaces the indexed row.
    pub async fn upsert_stored(
        &self,
        db: &impl ConnectionTrait,
        profile: &profile::Model,
    ) -> anyhow::Result<()> {
        let engagements = load::contracted_counts(db, &[profile.user_id]).await?;
        let (consent, _) = crate::repo::sharing::consent(db, profile.user_id).await?;
        let engine = convert::engine_profile(
            profile,
            engagements.get(&profile.user_id).copied().unwrap_or(0),
        )?;
        self.change(|held| held.upsert_with(&engine, consent));
        Ok(())
    }

    /// Removes a professional (after an erasure in this process).
    pub fn remove(&self, professional_id: Uuid) {
        self.change(|held| held.remove(engine_id(professional_id)));
    }

    /// Reloads these professionals from the database: a stored profile replaces the
    /// indexed one, a missing one (erased) is removed. The feed calls this; so may any
    /// code that changed what the index holds about someone (their contracted
    /// engagements, say) and wants this process to see it before the next poll.
    pub async fn refresh(&self, db: &impl ConnectionTrait, ids: &[Uuid]) -> anyhow::Result<()> {
        for chunk in ids.chunks(500) {
            let stored = load::profiles(db, chunk).await?;
            self.change(|held| {
                for id in chunk {
                    match stored.get(id) {
                        Some((profile, consent)) => held.upsert_with(profile, consent.clone()),
                        None => held.remove(engine_id(*id)),
                    }
                }
            });
        }
        Ok(())
    }

    /// Ranks the pool for a need. For [`Pool::Everyone`] inactive profiles are left
    /// out even when `include_excluded` asks for the excluded ones.
    pub fn rank(
        &self,
        need: &engine::Need,
        pool: Pool<'_>,
        request: RankRequest<'_>,
    ) -> Vec<Candidate> {
        let held = self.read();
        match pool {
            Pool::Only(ids) => held.index.rank(
                need,
                &RankRequest {
                    only: Some(ids),
                    ..request
                },
            ),
            Pool::Everyone if !request.include_excluded || held.inactive.is_empty() => {
                held.index.rank(
                    need,
                    &RankRequest {
                        only: None,
                        ..request
                    },
                )
            }
            Pool::Everyone => {
                // Excluded rows come after every eligible one; ask for enough extra to
                // fill the page after dropping the inactive ones.
                let k = request.k;
                let mut ranked = held.index.rank(
                    need,
                    &RankRequest {
                        only: None,
                        k: k.saturating_add(held.inactive.len()),
                        ..request
                    },
                );
                ranked.retain(|candidate| !held.inactive.contains(&candidate.profile_id));
                ranked.truncate(k);
                ranked
            }
        }
    }

    /// Ranks every listed profile for several needs, each with its own applicants'
    /// proposals (`proposals[j]` for `needs[j]`): one list per need, in order, each
    /// what [`rank`](Self::rank) with [`Pool::Everyone`] gives for that need alone.
    /// The eligible only (`include_excluded` is ignored). The needs are shared out in
    /// whole batches over up to `threads` threads, which read the index together,
    /// each batch under the read lock on its own (a profile written meanwhile is
    /// ranked in its new state by the batches after the write, as when needs are
    /// ranked one by one).
    pub fn rank_everyone_proposing(
        &self,
        needs: &[engine::Need],
        proposals: &[&[(Id, &str)]],
        request: RankRequest<'_>,
        threads: usize,
    ) -> Vec<Vec<Candidate>> {
        self.rank_proposing(needs, proposals, request, None, threads)
    }

    /// [`rank_everyone_proposing`](Self::rank_everyone_proposing) among `pool` only.
    fn rank_proposing_among(
        &self,
        needs: &[engine::Need],
        proposals: &[&[(Id, &str)]],
        request: RankRequest<'_>,
        pool: &[Id],
        threads: usize,
    ) -> Vec<Vec<Candidate>> {
        self.rank_proposing(needs, proposals, request, Some(pool), threads)
    }

    fn rank_proposing(
        &self,
        needs: &[engine::Need],
        proposals: &[&[(Id, &str)]],
        request: RankRequest<'_>,
        only: Option<&[Id]>,
        threads: usize,
    ) -> Vec<Vec<Candidate>> {
        /// The matcher ranks needs sixteen at a time in one pass over the index.
        const BATCH: usize = 16;
        // An inactive profile is an exclusion: without `include_excluded` it is never
        // listed, as scouting wants.
        let request = RankRequest {
            only,
            include_excluded: false,
            ..request
        };
        // The lock is taken a batch at a time, so a write (and the readers queued
        // behind it) never waits for a whole region.
        let rank = |needs: &[engine::Need], proposals: &[&[(Id, &str)]]| {
            needs
                .chunks(BATCH)
                .zip(proposals.chunks(BATCH))
                .flat_map(|(needs, proposals)| {
                    self.read()
                        .index
                        .rank_batch_proposing(needs, proposals, &request)
                })
                .collect::<Vec<_>>()
        };
        let threads = threads.clamp(1, needs.len().div_ceil(BATCH).max(1));
        if threads == 1 {
            return rank(needs, proposals);
        }
        let share = needs.len().div_ceil(threads).next_multiple_of(BATCH);
        std::thread::scope(|scope| {
            let rank = &rank;
            let parts: Vec<_> = needs
                .chunks(share)
                .zip(proposals.chunks(share))
                .map(|(needs, proposals)| scope.spawn(move || rank(needs, proposals)))
                .collect();
            parts
                .into_iter()
                .flat_map(|part| {
                    part.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    /// Each professional's `max_engagements` as their indexed profile has it, in
    /// order (0 for one not in the index).
    pub fn max_engagements(&self, professionals: &[Uuid]) -> Vec<u32> {
        let held = self.read();
        professionals
            .iter()
            .map(|&id| {
                held.index
                    .max_engagements(engine_id(id))
                    .map_or(0, u32::from)
            })
            .collect()
    }

    /// Runs `f` with the index's text statistics, so a single pair is scored exactly
    /// as the index ranks it.
    pub fn with_corpus<R>(&self, f: impl FnOnce(&Corpus) -> R) -> R {
        f(self.read().index.corpus())
    }
}

#[cfg(test)]
mod tests;
