//! Scouting a region (`scope=all`): who its coordinators may find, and the congestion
//! dampening of those already much asked.
//!
//! A coordinator scouting for a need of region R sees the listed profiles R may find
//! ([`Findable::may_find`]: R is one of their own regions, or they consented to R) and
//! the need's own applicants; nobody else, excluded or not. Each profile's consent is
//! held in the index beside it and changes with it (a consent written in this process
//! is applied at once; the change feed carries it to the others within a poll, and a
//! kept list is never served across a change of the index: see [`super::cache`]).
//!
//! The order is the dampened one of
//! [`musubi_matcher::congestion::rank_spread`], exact for any filter. When R may find
//! only a few ([`EXACT_POOL`] or fewer), the ranking scores just those (the `only`
//! path) rather than scanning everyone and throwing most away; otherwise it scans the
//! index (its bounds prune as before) and drops whom R may not find.

use std::collections::{HashMap, HashSet};

use musubi_matcher::{
    self as engine, Candidate, Id, RankRequest,
    congestion::{Congestion, Damped, rank_spread},
};
use uuid::Uuid;

use super::{Held, Ranking, professional_id};
use crate::domain::sharing::RegionPlace;

/// What a scouting ranking needs besides the need.
#[derive(Debug)]
pub struct Scouting<'a> {
    /// The need's region.
    pub region: &'a RegionPlace,
    /// The need's applicants: always listed, never dampened, never a provision.
    pub applicants: &'a [Id],
    /// The region's congestion weight (`0`: none).
    pub weight: f32,
    /// Each professional's introductions and pending scouts this month.
    pub loads: &'a HashMap<Uuid, u32>,
}

/// A scouting ranking.
#[derive(Debug, Default)]
pub struct Scouted {
    /// Best first (by the dampened order), with their reasons.
    pub candidates: Vec<Candidate>,
    /// Those whose score was dampened, and how.
    pub damped: HashMap<Uuid, Damped>,
    /// Those shown from outside their own regions, each with the consent they are shown
    /// under (`all` or `list`): a provision to record.
    pub shared: HashMap<Uuid, &'static str>,
}

/// At most this many findable profiles are scored exactly for every need of a
/// suggestion; more are found by a scan of the index.
pub const EXACT_POOL: usize = 4_096;

impl Held {
    /// Whether `region` may find the profile (as held).
    fn may_find(&self, id: Id, region: &RegionPlace) -> bool {
        self.findable
            .get(&id)
            .is_some_and(|findable| findable.may_find(region))
    }

    /// The ids `region` may find, or `None` when it may find every profile held.
    fn findable_by(&self, region: &RegionPlace) -> Option<Vec<Id>> {
        let found: Vec<Id> = self
            .findable
            .iter()
            .filter(|(_, findable)| findable.may_find(region))
            .map(|(&id, _)| id)
            .collect();
        (found.len() < self.index.len()).then_some(found)
    }

    fn shared(&self, id: Id, region: &RegionPlace) -> Option<&'static str> {
        self.findable
            .get(&id)
            .and_then(|findable| findable.provision_consent(region))
    }
}

impl Ranking {
    /// Ranks what `scouting.region` may find for a need (see the [module docs](self)).
    pub fn scout(
        &self,
        need: &engine::Need,
        request: RankRequest<'_>,
        scouting: &Scouting<'_>,
    ) -> Scouted {
        let held = self.read();
        let applicants: HashSet<Id> = scouting.applicants.iter().copied().collect();
        let region = scouting.region;
        let keep = |id: Id| {
            !held.inactive.contains(&id) && (applicants.contains(&id) || held.may_find(id, region))
        };
        // A few findable ones are ranked on their own: scanning everyone for them would
        // throw most of the scan away.
        let only: Option<Vec<Id>> = held.findable_by(region).and_then(|mut found| {
            (found.len() <= EXACT_POOL).then(|| {
                found.extend(applicants.iter().copied());
                found.sort_unstable();
                found.dedup();
                found
            })
        });
        let load = |id: Id| {
            scouting
                .loads
                .get(&professional_id(id))
                .copied()
                .unwrap_or(0)
        };
        let congestion = Congestion {
            weight: scouting.weight,
            load: &load,
            exempt: scouting.applicants,
        };
        let request = RankRequest {
            only: only.as_deref(),
            ..request
        };
        let spread = rank_spread(&held.index, need, &request, &keep, &congestion);
        let mut scouted = Scouted::default();
        for item in spread {
            let id = item.candidate.profile_id;
            if let Some(damped) = item.damped {
                scouted.damped.insert(professional_id(id), damped);
            }
            if !applicants.contains(&id)
                && let Some(consent) = held.shared(id, region)
            {
                scouted.shared.insert(professional_id(id), consent);
            }
            scouted.candidates.push(item.candidate);
        }
        scouted
    }

    /// Each need's best `request.k` of what `region` may find and its own applicants
    /// (`applicants[j]` for `needs[j]`), with its own proposals: what
    /// [`rank_everyone_proposing`](Ranking::rank_everyone_proposing) gives when the
    /// region may find everyone. Not dampened (a suggestion weighs capacities itself).
    ///
    /// A region that may find only a few ([`EXACT_POOL`] or fewer) has them scored
    /// exactly, need by need. Otherwise the index is scanned for a longer list, as long
    /// as the region's share of the index suggests, and what the region may not find is
    /// dropped; a need left short of `request.k` while more were there is ranked again
    /// for four times as many. The order of a list is kept by the dropping, so each is
    /// exact.
    pub fn rank_region_proposing(
        &self,
        needs: &[engine::Need],
        proposals: &[&[(Id, &str)]],
        applicants: &[&[Id]],
        request: RankRequest<'_>,
        region: &RegionPlace,
        threads: usize,
    ) -> Vec<Vec<Candidate>> {
        let (found, held) = {
            let held = self.read();
            (held.findable_by(region), held.index.len())
        };
        let Some(found) = found else {
            return self.rank_everyone_proposing(needs, proposals, request, threads);
        };
        let k = request.k;
        let findable: HashSet<Id> = found.iter().copied().collect();
        let kept = |list: &mut Vec<Candidate>, own: &[Id]| {
            list.retain(|c| findable.contains(&c.profile_id) || own.contains(&c.profile_id));
        };
        if found.len() <= EXACT_POOL {
            let mut pool = found;
            pool.extend(applicants.iter().flat_map(|ids| ids.iter().copied()));
            pool.sort_unstable();
            pool.dedup();
            // Every need ranks the whole pool (its applicants and the others' too):
            // ask for enough to drop the others' applicants and still fill the list.
            let others = pool.len() - findable.len().min(pool.len());
            let mut ranked = self.rank_proposing_among(
                needs,
                proposals,
                RankRequest {
                    k: k.saturating_add(others),
                    ..request
                },
                &pool,
                threads,
            );
            for (list, own) in ranked.iter_mut().zip(applicants) {
                kept(list, own);
                list.truncate(k);
            }
            return ranked;
        }
        let share = found.len() as f64 / held.max(1) as f64;
        let mut fetch = ((k as f64 / share) * 1.25).ceil() as usize + 16;
        let mut ranked: Vec<Vec<Candidate>> = vec![Vec::new(); needs.len()];
        let mut open: Vec<usize> = (0..needs.len()).collect();
        while !open.is_empty() {
            let these: Vec<engine::Need> = open.iter().map(|&j| needs[j].clone()).collect();
            let their: Vec<&[(Id, &str)]> = open.iter().map(|&j| proposals[j]).collect();
            let lists = self.rank_everyone_proposing(
                &these,
                &their,
                RankRequest {
                    k: fetch,
                    ..request
                },
                threads,
            );
            let mut short = Vec::new();
            for (&j, mut list) in open.iter().zip(lists) {
                let exhausted = list.len() < fetch || fetch >= held;
                kept(&mut list, applicants[j]);
                if list.len() >= k || exhausted {
                    list.truncate(k);
                    ranked[j] = list;
                } else {
                    short.push(j);
                }
            }
            open = short;
            fetch = fetch.saturating_mul(4).min(held.max(1));
        }
        ranked
    }

    /// Whether `region` may find the professional, as the index holds them now.
    pub fn may_find(&self, professional: Uuid, region: &RegionPlace) -> bool {
        let id = super::engine_id(professional);
        let held = self.read();
        !held.inactive.contains(&id) && held.may_find(id, region)
    }

    /// The consent the professional would be shown to `region` under, if that is a
    /// provision (`None` for one of their own regions, or a region that may not find
    /// them).
    pub fn provision_consent(
        &self,
        professional: Uuid,
        region: &RegionPlace,
    ) -> Option<&'static str> {
        self.read().shared(super::engine_id(professional), region)
    }
}
