//! Ranked candidates for a need, and recommended needs for a professional, from the
//! in-memory [`ranking`](crate::ranking) index.
//!
//! A need's candidate list is one scan of the index under a read lock, plus four
//! indexed reads (the need, its organization, its region, its submitted applications)
//! however many candidates come back: nothing is looked up per candidate. The rendered
//! list is then kept and served again while nothing it depends on has changed, one
//! computation per list at a time (see [`ranking::cache`]).

use std::{collections::HashMap, sync::Arc};

use anyhow::Context;
use bytes::Bytes;
use chrono::NaiveDate;
use musubi_matcher::{
    self as engine, Candidate, Mode, RankRequest, RankedNeed, congestion::Damped,
};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use super::{Error, Result, needs, sharing};
use crate::{
    access::{self, Action, Actor},
    domain::ids::NeedId,
    entities::{need, organization},
    ranking::{
        self, Pool, Ranking,
        cache::{CachedList, Claim, ListKey, Lookup, Stamp},
        convert::{self, ScoredNeed},
        scout::{Scouted, Scouting},
    },
    repo, scoring,
};

pub use self::preview::{Change, Moved, PREVIEW_TOP, Preview, preview_weights};
pub use crate::ranking::cache::ListFormat;

mod preview;

/// How many a ranked list holds: 1–100, 20 unless asked.
pub fn limit(requested: Option<u64>) -> Result<usize> {
    let limit = requested.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(Error::invalid("limit", "must be between 1 and 100"));
    }
    Ok(usize::try_from(limit).unwrap_or(100))
}

/// What a candidate list is asked for, besides its need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListOptions {
    /// Everyone listed (scouting, `scope=all`), not only the applicants.
    pub everyone: bool,
    /// Ordered by the reciprocal score, not the need's.
    pub reciprocal: bool,
    /// Hard-excluded candidates too, after every eligible one.
    pub include_excluded: bool,
    /// How many (see [`limit`]).
    pub limit: usize,
    /// The door the list is rendered for (each keeps its own rendering).
    pub format: ListFormat,
}

/// A need's candidates as ranked, for a door to render.
#[derive(Debug)]
pub struct Ranked {
    /// Best first, each with its explanation.
    pub candidates: Vec<Candidate>,
    /// The submitted application of each applicant, by professional id.
    pub applications: HashMap<Uuid, Uuid>,
    /// The proposal (提案) of each applicant, by professional id.
    pub proposals: HashMap<Uuid, String>,
    /// The need ranked for.
    pub need: need::Model,
    /// Those whose score the region's congestion dampening lowered, and how.
    pub damped: HashMap<Uuid, Damped>,
    /// Those shown from other regions with their consent (`scope=all`), each with the
    /// consent's name (`all` or `list`).
    pub shared: HashMap<Uuid, &'static str>,
}

/// A need's candidates, rendered by `render` (which runs off the async threads, and
/// only when the list is not kept already): the need's owner sees its applicants; a
/// coordinator of its region sees them or everyone.
///
/// One computation per list at a time: a caller is served the kept list (a list past
/// its freshness is then recomputed in the background), or computes it, or waits for
/// the caller computing it and is served that list.
// At debug level: the handler's span already names the need, and a second span at the
// service's default level would cost every kept-list answer an allocation.
#[tracing::instrument(level = "debug", skip_all, fields(need_id = %need_id))]
pub async fn candidates<R>(
    db: &DatabaseConnection,
    ranking: &Arc<Ranking>,
    actor: &Actor,
    need_id: NeedId,
    options: ListOptions,
    render: R,
) -> Result<Bytes>
where
    R: FnOnce(Ranked) -> anyhow::Result<Bytes> + Send + 'static,
{
    let key = ListKey {
        need_id: need_id.0,
        everyone: options.everyone,
        reciprocal: options.reciprocal,
        include_excluded: options.include_excluded,
        limit: options.limit,
        format: options.format,
    };
    // A role that may never rank this list (a professional; an SME scouting) is refused
    // before the cache: it neither waits for the list's computation nor starts one.
    needs::refuse_role(Some(actor), |need| key.action(need))?;
    let list = kept_or_computed(db, ranking, actor, key, render).await?;
    // Every serving of a list, kept or new, shows its profiles again: one insert for
    // all those shown from outside their own regions.
    repo::sharing::record_provisions(
        db,
        repo::sharing::NewProvisions {
            region_id: list.need.region_id,
            actor_id: Some(actor.id),
            fields: sharing::LISTED_FIELDS,
            channel: "candidates",
            shown: &list
                .shared
                .iter()
                .map(|&(professional_id, consent)| repo::sharing::Shown {
                    professional_id,
                    need_id: Some(need_id.0),
                    consent,
                })
                .collect::<Vec<_>>(),
        },
    )
    .await?;
    Ok(list.body.clone())
}

/// The list of `key`: kept (and recomputed in the background once past
/// [`FRESH`](ranking::cache::FRESH)), or waited for, or computed and kept.
async fn kept_or_computed<R>(
    db: &DatabaseConnection,
    ranking: &Arc<Ranking>,
    actor: &Actor,
    key: ListKey,
    render: R,
) -> Result<Arc<CachedList>>
where
    R: FnOnce(Ranked) -> anyhow::Result<Bytes> + Send + 'static,
{
    let mut may_wait = true;
    let due = loop {
        // Taken before anything is read: a change while this list is computed leaves it
        // stale in the cache rather than wrongly fresh.
        let today = scoring::today();
        let stamp = ranking.lists.stamp(ranking.generation(), today);
        match ranking.lists.lookup(&key, &stamp, actor, may_wait) {
            Lookup::Hit(list) => return Ok(list),
            Lookup::Refresh(list, claim) => {
                // This caller is served the kept list too: the new one is computed beside
                // the requests, and none of them waits for its database reads.
                let (db, ranking, actor) = (db.clone(), Arc::clone(ranking), actor.clone());
                let due = Due {
                    claim,
                    stamp,
                    today,
                };
                drop(tokio::spawn(async move {
                    if let Err(error) = computed(&db, &ranking, &actor, key, render, due).await {
                        tracing::warn!(error = %error, need_id = %key.need_id, "refreshing a candidate list");
                    }
                }));
                return Ok(list);
            }
            Lookup::Compute(claim) => {
                break Due {
                    claim,
                    stamp,
                    today,
                };
            }
            Lookup::Wait(pending) => {
                if let Some(list) = pending.finished().await
                    && key.allows(actor, list.need)
                {
                    return Ok(list);
                }
                // It ended without a list: compute it rather than wait again.
                may_wait = false;
            }
        }
    };
    computed(db, ranking, actor, key, render, due).await
}

/// A list to compute: the duty, and the state it is computed under.
struct Due {
    claim: Claim,
    stamp: Stamp,
    today: NaiveDate,
}

/// Computes the list of `key` and keeps it (and hands it to those waiting for it).
async fn computed<R>(
    db: &impl ConnectionTrait,
    ranking: &Arc<Ranking>,
    actor: &Actor,
    key: ListKey,
    render: R,
    due: Due,
) -> Result<Arc<CachedList>>
where
    R: FnOnce(Ranked) -> anyhow::Result<Bytes> + Send + 'static,
{
    let Due {
        claim,
        stamp,
        today,
    } = due;
    let need_id = NeedId(key.need_id);
    let posted = needs::decided(db, Some(actor), need_id, |need| key.action(need)).await?;
    let region = repo::regions::by_id(db, posted.need.region_id)
        .await?
        .ok_or(Error::NotFound)?;
    let scored = convert::scored_need(&posted.need, &posted.organization, &region)?;
    let applications = ranking::applicants(db, posted.need.id).await?;
    let congestion = sharing::congestion_of(&region);
    let loads = if key.everyone && congestion > 0.0 {
        repo::sharing::loads(db, today).await?
    } else {
        HashMap::new()
    };
    let place = sharing::place_of(&region);

    // Ranking a region and writing the reasons is CPU work: off the async threads, so
    // the requests they are serving meanwhile (kept lists, /health) do not wait.
    let index = Arc::clone(ranking);
    let need = posted.need.clone();
    let (body, shared) = tokio::task::spawn_blocking(move || {
        let scouting = Scouting {
            region: &place,
            applicants: &[],
            weight: congestion,
            loads: &loads,
        };
        let ranked = rank(&index, need, &scored, &applications, &key, today, scouting);
        let mut shared: Vec<(Uuid, &'static str)> = ranked
            .shared
            .iter()
            .map(|(&id, &consent)| (id, consent))
            .collect();
        shared.sort_unstable();
        render(ranked).map(|body| (body, shared))
    })
    .await
    .context("ranking a need's candidates")??;
    let list = Arc::new(CachedList::new(body, posted.facts(), stamp).with_shared(shared));
    claim.store_shared(Arc::clone(&list));
    Ok(list)
}

/// A need's candidates, ranked with the reasons of each.
fn rank(
    ranking: &Ranking,
    need: need::Model,
    scored: &ScoredNeed,
    applications: &[ranking::Applicant],
    key: &ListKey,
    today: NaiveDate,
    scouting: Scouting<'_>,
) -> Ranked {
    let applicant_ids: Vec<engine::Id> = applications
        .iter()
        .map(|a| ranking::engine_id(a.professional_id))
        .collect();
    let proposals: Vec<(engine::Id, &str)> = applications
        .iter()
        .map(|a| (ranking::engine_id(a.professional_id), a.message.as_str()))
        .collect();
    let request = RankRequest {
        k: key.limit,
        today,
        weights: scored.weights,
        mode: if key.reciprocal {
            Mode::Reciprocal
        } else {
            Mode::Need
        },
        include_excluded: key.include_excluded,
        only: None,
        proposals: &proposals,
        explain: true,
        explain_preference: false,
    };
    let scouted = if key.everyone {
        ranking.scout(
            &scored.need,
            request,
            &Scouting {
                applicants: &applicant_ids,
                ..scouting
            },
        )
    } else {
        Scouted {
            candidates: ranking.rank(&scored.need, Pool::Only(&applicant_ids), request),
            ..Scouted::default()
        }
    };
    Ranked {
        candidates: scouted.candidates,
        damped: scouted.damped,
        shared: scouted.shared,
        applications: applications
            .iter()
            .map(|a| (a.professional_id, a.id))
            .collect(),
        proposals: applications
            .iter()
            .map(|a| (a.professional_id, a.message.clone()))
            .collect(),
        need,
    }
}

/// An open need recommended to a professional.
#[derive(Debug)]
pub struct Recommendation {
    /// The need.
    pub need: need::Model,
    /// Who posted it.
    pub organization: organization::Model,
    /// Its scores both ways, with the reasons.
    pub ranked: RankedNeed,
}

/// Open needs ranked for the actor (a professional with a profile) by the reciprocal
/// score; needs they are hard-excluded from are left out.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn recommendations(
    db: &impl ConnectionTrait,
    ranking: &Ranking,
    actor: &Actor,
    requested: Option<u64>,
) -> Result<Vec<Recommendation>> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    let k = limit(requested)?;
    let stored = repo::profiles::by_user(db, actor.id)
        .await?
        .ok_or(Error::NotFound)?;
    let engagements = ranking::contracted_counts(db, &[actor.id]).await?;
    let profile =
        convert::engine_profile(&stored, engagements.get(&actor.id).copied().unwrap_or(0))?;
    let open = ranking::open_needs(db).await?;
    let ranked = ranking::recommend(ranking, &profile, &open, scoring::today(), k);
    Ok(ranked
        .into_iter()
        .map(|(need, organization, ranked)| Recommendation {
            need: need.clone(),
            organization: organization.clone(),
            ranked,
        })
        .collect())
}
