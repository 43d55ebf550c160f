//! The region-wide suggestion (issue 12): who to introduce to whom across a whole
//! region at once, for its coordinator.
//!
//! 1. **Rank** every open need of the region that still has a place: with
//!    `scope=all`, every listed profile (all the needs in one pass over the index,
//!    sixteen at a time, shared over the cores; each need scores its own applicants'
//!    proposals only, exactly as its candidate list scores them); with
//!    `scope=applicants`, each need's applicants. The best [`EDGES_PER_NEED`] of
//!    each need at or above the floor become candidate edges, except a pair that
//!    already has a match (a second one would be refused).
//! 2. **Capacities.** A need takes its `headcount` less its engagements in progress; a
//!    professional their `max_engagements` (as the ranking index holds their profile,
//!    the one it was just ranked on) less theirs, in any region. In progress:
//!    `introduced`, `meeting_scheduled`, `met` and `contracted`
//!    ([`repo::matches::IN_PROGRESS`]); a scout not yet answered (`proposed`) holds no
//!    place yet.
//! 3. **Solve** with [`engine::assign::assign`] (`max_weight`: the largest total of the
//!    needs' scores) or [`engine::assign::stable`] (`stable`: needs propose by their
//!    score, professionals keep the offers they prefer by their own `preference`), on
//!    the same edges, and **audit** the answer: total score, places filled, blocking
//!    pairs ([`engine::assign::audit`]).
//! 4. **Explain** the chosen pairs only, with the same reasons as the candidate lists
//!    (shared over the cores too).
//!
//! Each part is timed ([`Timings`]); the JSON route reports them in `Server-Timing`.
//!
//! Scores go to the solver as hundredths (`round(score × 100)`), as
//! [`AssignmentBuilder`](engine::assign::AssignmentBuilder) does.

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use chrono::NaiveDate;
use musubi_matcher::{self as engine, Candidate, Mode, RankRequest, assign::Audit};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    domain::ids::RegionId,
    entities::need,
    ranking::{self, Applicant, Pool, Ranking, convert},
    repo, scoring,
};

/// The score floor when none is asked: a pair scoring below 30 of 100 is weak advice.
pub const DEFAULT_FLOOR: f64 = 30.0;

/// At most this many candidate edges per need: its best-scoring ones.
pub const EDGES_PER_NEED: usize = 50;

/// How the pairs are chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Method {
    /// The largest total score ([`engine::assign::assign`]).
    #[default]
    MaxWeight,
    /// Need-proposing deferred acceptance ([`engine::assign::stable`]).
    Stable,
}

/// What is asked.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Options {
    /// The score floor, 0–100 ([`DEFAULT_FLOOR`] when `None`).
    pub floor: Option<f64>,
    /// How the pairs are chosen.
    pub method: Method,
    /// Everyone listed (`scope=all`), not only each need's applicants.
    pub everyone: bool,
}

/// One suggested introduction.
#[derive(Debug)]
pub struct SuggestedPair {
    /// The need.
    pub need_id: Uuid,
    /// Its title.
    pub need_title: String,
    /// The professional.
    pub professional_id: Uuid,
    /// Their submitted application to the need, if any (then `POST /matches`
    /// introduces; otherwise it scouts).
    pub application_id: Option<Uuid>,
    /// The ranking of the pair: scores, and the need's reasons.
    pub candidate: Candidate,
    /// From another region of the alliance, shown with their consent (`all` or
    /// `list`): the display is recorded as a provision.
    pub other_region: Option<&'static str>,
}

/// The region's suggestion and its audit.
#[derive(Debug)]
pub struct Suggestion {
    /// The region.
    pub region_id: Uuid,
    /// The floor used.
    pub floor: f64,
    /// How the pairs were chosen.
    pub method: Method,
    /// Whether everyone was ranked.
    pub everyone: bool,
    /// The pairs, by need id, then professional id.
    pub pairs: Vec<SuggestedPair>,
    /// Total score (hundredths), places filled, blocking pairs.
    pub audit: Audit,
    /// Open needs of the region with a place left.
    pub needs: usize,
    /// Candidate edges the choice was made on.
    pub edges: usize,
    /// How long each part took.
    pub timings: Timings,
}

/// How long each part of a suggestion took, wall time (`GET
/// /regions/{id}/assignment` reports them in its `Server-Timing` header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Reading the region: its needs, their organizations, applicants, matches and
    /// engagements in progress.
    pub load: Duration,
    /// Ranking every open need.
    pub rank: Duration,
    /// Building the candidate edges and the professionals' capacities (a read of their
    /// `max_engagements`).
    pub edges: Duration,
    /// Solving (`max_weight` or `stable`).
    pub solve: Duration,
    /// The audit: total, places filled, blocking pairs.
    pub audit: Duration,
    /// The reasons of the chosen pairs.
    pub explain: Duration,
}

impl Timings {
    /// The parts as `(name, duration)`, in order.
    pub fn parts(&self) -> [(&'static str, Duration); 6] {
        [
            ("load", self.load),
            ("rank", self.rank),
            ("edges", self.edges),
            ("solve", self.solve),
            ("audit", self.audit),
            ("explain", self.explain),
        ]
    }
}

/// The floor asked for, checked: a score between 0 and 100.
pub fn floor(requested: Option<f64>) -> Result<f64> {
    let floor = requested.unwrap_or(DEFAULT_FLOOR);
    if !floor.is_finite() || !(0.0..=100.0).contains(&floor) {
        return Err(Error::invalid("floor", "must be a score between 0 and 100"));
    }
    Ok(floor)
}

/// A score as the solver compares it.
fn units(score: f64) -> i64 {
    (score * 100.0).round() as i64
}

/// A need to rank: the matcher's need, its places left, its applicants.
struct Open {
    model: need::Model,
    engine: engine::Need,
    places: u32,
    applicants: Vec<Applicant>,
}

/// The region-wide suggestion (see the [module documentation](self)): for a coordinator
/// of the region; other roles are refused (403), other regions' coordinators do not
/// find it (404). The caller is judged before the options.
#[tracing::instrument(skip_all, fields(region_id = %region_id))]
pub async fn suggest(
    db: &impl ConnectionTrait,
    ranking: &Arc<Ranking>,
    actor: &Actor,
    region_id: RegionId,
    options: Options,
) -> Result<Suggestion> {
    let region_id: Uuid = region_id.into();
    access::decide(Some(actor), Action::CoordinateRegion(region_id)).check()?;
    let floor = floor(options.floor)?;
    let mut timings = Timings::default();
    let started = Instant::now();
    let region = repo::regions::by_id(db, region_id)
        .await?
        .ok_or(Error::NotFound)?;
    let weights = ranking::weights::of_region(&region)?;
    let place = super::sharing::place_of(&region);

    let needs = repo::needs::open_in_region(db, region_id).await?;
    let organizations = repo::needs::organizations_of(db, &needs).await?;
    let mut applicants = ranking::applicants_in_region(db, region_id).await?;
    let matched = repo::matches::pairs_in_region(db, region_id).await?;
    let in_progress = repo::matches::in_progress_counts(db).await?;
    let counted: HashSet<&str> = repo::matches::IN_PROGRESS
        .iter()
        .map(|status| status.as_str())
        .collect();
    let mut taken: HashMap<Uuid, u32> = HashMap::new();
    for (need_id, _, status) in &matched {
        if counted.contains(status.as_str()) {
            *taken.entry(*need_id).or_default() += 1;
        }
    }
    let matched: HashSet<(Uuid, Uuid)> = matched
        .into_iter()
        .map(|(need, professional, _)| (need, professional))
        .collect();

    let mut open = Vec::with_capacity(needs.len());
    for model in needs {
        let headcount = u32::try_from(model.headcount).unwrap_or(0);
        let places = headcount.saturating_sub(taken.get(&model.id).copied().unwrap_or(0));
        let Some(organization) = organizations.get(&model.organization_id) else {
            continue;
        };
        if places == 0 {
            continue;
        }
        let scored = match convert::scored_need(&model, organization, &region) {
            Ok(scored) => scored,
            Err(error) => {
                tracing::error!(need_id = %model.id, ?error, "a stored need cannot be scored");
                continue;
            }
        };
        open.push(Open {
            applicants: applicants.remove(&model.id).unwrap_or_default(),
            engine: scored.need,
            model,
            places,
        });
    }

    timings.load = started.elapsed();

    // Ranking a region is CPU work: off the async threads.
    let started = Instant::now();
    let today = scoring::today();
    let index = Arc::clone(ranking);
    let everyone = options.everyone;
    let (open, ranked, place) = tokio::task::spawn_blocking(move || {
        let ranked = rank(&index, &open, weights, everyone, today, &place);
        (open, ranked, place)
    })
    .await
    .context("ranking a region's needs")?;
    timings.rank = started.elapsed();

    // The candidate edges, and the professionals they name.
    let started = Instant::now();
    let floor_units = units(floor);
    let mut edges: Vec<(u32, Candidate)> = Vec::new();
    for (j, (need, candidates)) in open.iter().zip(ranked).enumerate() {
        for candidate in candidates {
            let professional = ranking::professional_id(candidate.profile_id);
            if units(f64::from(candidate.score)) >= floor_units
                && !matched.contains(&(need.model.id, professional))
            {
                edges.push((j as u32, candidate));
            }
        }
    }
    let mut professionals: Vec<Uuid> = edges
        .iter()
        .map(|(_, c)| ranking::professional_id(c.profile_id))
        .collect();
    professionals.sort_unstable();
    professionals.dedup();
    // Their `max_engagements` as the index holds them: the profiles the ranking just
    // read (a database read of tens of thousands of ids took longer than the solve).
    let max_engagements = ranking.max_engagements(&professionals);
    let professional_capacity: Vec<u32> = professionals
        .iter()
        .zip(max_engagements)
        .map(|(id, max)| max.saturating_sub(in_progress.get(id).copied().unwrap_or(0)))
        .collect();
    timings.edges = started.elapsed();

    let method = options.method;
    let index = Arc::clone(ranking);
    let ((pairs, audit, needs, edge_count), timings) = tokio::task::spawn_blocking(move || {
        solve(
            timings,
            &index,
            &open,
            &professionals,
            professional_capacity,
            edges,
            floor_units,
            method,
            weights,
            today,
        )
    })
    .await
    .context("solving a region's assignment")??;
    let (pairs, shown) = mark_other_regions(ranking, &place, pairs);
    repo::sharing::record_provisions(
        db,
        repo::sharing::NewProvisions {
            region_id,
            actor_id: Some(actor.id),
            fields: super::sharing::LISTED_FIELDS,
            channel: "suggestion",
            shown: &shown,
        },
    )
    .await?;
    Ok(Suggestion {
        timings,
        region_id,
        floor,
        method,
        everyone,
        pairs,
        audit,
        needs,
        edges: edge_count,
    })
}

/// Marks the pairs whose professional comes from another region of the alliance (not
/// an applicant of the need), and lists them as provisions to record.
fn mark_other_regions(
    ranking: &Ranking,
    region: &crate::domain::sharing::RegionPlace,
    mut pairs: Vec<SuggestedPair>,
) -> (Vec<SuggestedPair>, Vec<repo::sharing::Shown>) {
    let mut shown = Vec::new();
    for pair in &mut pairs {
        if pair.application_id.is_some() {
            continue;
        }
        pair.other_region = ranking.provision_consent(pair.professional_id, region);
        if let Some(consent) = pair.other_region {
            shown.push(repo::sharing::Shown {
                professional_id: pair.professional_id,
                need_id: Some(pair.need_id),
                consent,
            });
        }
    }
    (pairs, shown)
}

/// A ranking request by the need's score, of the eligible only (also for a weights
/// preview).
pub(super) fn request<'a>(
    k: usize,
    weights: engine::Weights,
    today: NaiveDate,
    proposals: &'a [(engine::Id, &'a str)],
    explain: bool,
) -> RankRequest<'a> {
    RankRequest {
        k,
        today,
        weights,
        mode: Mode::Need,
        include_excluded: false,
        only: None,
        proposals,
        explain,
        explain_preference: false,
    }
}

/// The proposals of a need's applicants, as the matcher scores them.
pub(super) fn proposals(applicants: &[Applicant]) -> Vec<(engine::Id, &str)> {
    applicants
        .iter()
        .map(|a| (ranking::engine_id(a.professional_id), a.message.as_str()))
        .collect()
}

/// Each need's best [`EDGES_PER_NEED`] candidates, in the order of `open`.
fn rank(
    ranking: &Ranking,
    open: &[Open],
    weights: engine::Weights,
    everyone: bool,
    today: NaiveDate,
    region: &crate::domain::sharing::RegionPlace,
) -> Vec<Vec<Candidate>> {
    if everyone {
        // Every need in one pass over the index (a few, sixteen needs at a time, on
        // each core), each scoring its own applicants' proposals.
        let needs: Vec<engine::Need> = open.iter().map(|need| need.engine.clone()).collect();
        let owned: Vec<Vec<(engine::Id, &str)>> = open
            .iter()
            .map(|need| proposals(&need.applicants))
            .collect();
        let each: Vec<&[(engine::Id, &str)]> = owned.iter().map(Vec::as_slice).collect();
        let applicants: Vec<Vec<engine::Id>> = owned
            .iter()
            .map(|proposals| proposals.iter().map(|&(id, _)| id).collect())
            .collect();
        let applicants: Vec<&[engine::Id]> = applicants.iter().map(Vec::as_slice).collect();
        // What the region may find (its own people and those who consented), and each
        // need's applicants.
        return ranking.rank_region_proposing(
            &needs,
            &each,
            &applicants,
            request(EDGES_PER_NEED, weights, today, &[], false),
            region,
            threads(),
        );
    }
    let mut ranked: Vec<Vec<Candidate>> = vec![Vec::new(); open.len()];
    for (j, need) in open.iter().enumerate() {
        if need.applicants.is_empty() {
            continue;
        }
        let proposals = proposals(&need.applicants);
        let ids: Vec<engine::Id> = proposals.iter().map(|&(id, _)| id).collect();
        ranked[j] = ranking.rank(
            &need.engine,
            Pool::Only(&ids),
            request(EDGES_PER_NEED, weights, today, &proposals, false),
        );
    }
    ranked
}

/// The cores to share CPU work over.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `f` of every item, in order, the items shared out in runs over [`threads`].
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let share = items.len().div_ceil(threads()).max(1);
    if share == items.len() {
        return items.iter().map(f).collect();
    }
    std::thread::scope(|scope| {
        let f = &f;
        let parts: Vec<_> = items
            .chunks(share)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
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

type Solved = ((Vec<SuggestedPair>, Audit, usize, usize), Timings);

/// Chooses the pairs, audits them, and explains the chosen ones.
#[expect(
    clippy::too_many_arguments,
    reason = "one call site, all of it owned data"
)]
fn solve(
    mut timings: Timings,
    ranking: &Ranking,
    open: &[Open],
    professionals: &[Uuid],
    professional_capacity: Vec<u32>,
    edges: Vec<(u32, Candidate)>,
    floor: i64,
    method: Method,
    weights: engine::Weights,
    today: NaiveDate,
) -> Result<Solved> {
    let index_of = |id: Uuid| {
        professionals
            .binary_search(&id)
            .map(|at| at as u32)
            .unwrap_or(u32::MAX)
    };
    let problem = engine::assign::Problem {
        need_capacity: open.iter().map(|need| need.places).collect(),
        professional_capacity,
        edges: edges
            .iter()
            .map(|(need, candidate)| engine::assign::Edge {
                need: *need,
                professional: index_of(ranking::professional_id(candidate.profile_id)),
                score: units(f64::from(candidate.score)),
            })
            .collect(),
        floor,
    };
    let preference: Vec<i64> = edges
        .iter()
        .map(|(_, candidate)| units(f64::from(candidate.preference)))
        .collect();
    let started = Instant::now();
    let chosen = match method {
        Method::MaxWeight => engine::assign::assign(&problem),
        Method::Stable => engine::assign::stable(&problem, &preference),
    }
    .context("solving the assignment")?;
    timings.solve = started.elapsed();
    let started = Instant::now();
    let audit =
        engine::assign::audit(&problem, &preference, &chosen.pairs).context("auditing it")?;
    timings.audit = started.elapsed();
    let started = Instant::now();

    // The chosen edges, and their reasons (ranked again for the chosen few only).
    let mut by_pair: HashMap<(u32, u32), Candidate> = HashMap::with_capacity(chosen.pairs.len());
    let wanted: HashSet<(u32, u32)> = chosen.pairs.iter().copied().collect();
    for ((need, candidate), edge) in edges.into_iter().zip(&problem.edges) {
        let key = (need, edge.professional);
        if wanted.contains(&key) {
            by_pair.entry(key).or_insert(candidate);
        }
    }
    let runs: Vec<&[(u32, u32)]> = chosen.pairs.chunk_by(|a, b| a.0 == b.0).collect();
    let explained = in_parallel(&runs, |run| {
        let need = &open[run[0].0 as usize];
        let ids: Vec<engine::Id> = run
            .iter()
            .map(|&(_, p)| ranking::engine_id(professionals[p as usize]))
            .collect();
        let proposals = proposals(&need.applicants);
        ranking.rank(
            &need.engine,
            Pool::Only(&ids),
            request(ids.len(), weights, today, &proposals, true),
        )
    });
    let mut pairs = Vec::with_capacity(chosen.pairs.len());
    for (run, explained) in runs.into_iter().zip(explained) {
        let need = &open[run[0].0 as usize];
        for &(j, p) in run {
            let Some(mut candidate) = by_pair.remove(&(j, p)) else {
                continue;
            };
            if let Some(found) = explained
                .iter()
                .find(|found| found.profile_id == candidate.profile_id)
            {
                candidate.explanation.clone_from(&found.explanation);
            }
            let professional_id = professionals[p as usize];
            pairs.push(SuggestedPair {
                need_id: need.model.id,
                need_title: need.model.title.clone(),
                professional_id,
                application_id: need
                    .applicants
                    .iter()
                    .find(|a| a.professional_id == professional_id)
                    .map(|a| a.id),
                candidate,
                other_region: None,
            });
        }
    }
    pairs.sort_by_key(|pair| (pair.need_id, pair.professional_id));
    timings.explain = started.elapsed();
    Ok(((pairs, audit, open.len(), problem.edges.len()), timings))
}
