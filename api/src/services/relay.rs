//! The kind relay (issue 14): when a need is closed or its places are filled, every
//! applicant who was not introduced gets one email in the need's voice — thanks, no
//! judgement, and up to three open needs ranked for them by the reciprocal score, each
//! with one line why it fits, never the need they just lost.
//!
//! Two steps, so that closing stays fast and nothing is lost:
//!
//! 1. [`record`] runs in the closing (or contracting) transaction: one `relays` row per
//!    applicant owed a relay, the pair as the key, so nobody is relayed twice for one
//!    need however often it is closed.
//! 2. [`deliver_waiting`] writes each waiting relay's email to the outbox and marks the
//!    row queued, in one transaction per relay. The door runs it right after the
//!    commit ([`deliver_soon`]); the clock runs it every [`RETRY_EVERY`] too, for relays a
//!    stopped process left waiting.
//!
//! Which regions' needs a relay may suggest is decided in one place, [`regions_for`].

use std::{collections::HashSet, sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use musubi_matcher::{RankedNeed, Reason};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

use crate::{
    access::{self, Action, Actor},
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::{application, relay},
    ranking::{self, OpenNeeds, Ranking, convert},
    repo::{self, relays::Cause},
    scoring,
};

use super::Result;

/// Most needs a relay suggests.
pub const SUGGESTED: usize = 3;

/// How often the clock writes the emails of relays left waiting.
pub const RETRY_EVERY: Duration = Duration::from_secs(60);

/// Relays written a round.
const ROUND: u64 = 200;

/// The regions whose open needs a relay may suggest to a professional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// Every region's.
    All,
    /// Only these regions'.
    Only(HashSet<Uuid>),
}

impl Regions {
    /// Whether a need of `region_id` may be suggested.
    pub fn includes(&self, region_id: Uuid) -> bool {
        match self {
            Self::All => true,
            Self::Only(regions) => regions.contains(&region_id),
        }
    }
}

/// The regions a relay to `professional_id` may draw needs from: the one place that
/// decides it. The regions that may find them (their own, and those they consented
/// to, [`super::sharing::may_find`]): a relay suggests only where they agreed to be
/// found. Nothing for an unlisted profile.
pub async fn regions_for(
    db: &impl ConnectionTrait,
    professional_id: Uuid,
) -> anyhow::Result<Regions> {
    let mut found = HashSet::new();
    for region in repo::regions::all(db).await? {
        if super::sharing::may_find(db, professional_id, region.id).await? {
            found.insert(region.id);
        }
    }
    Ok(Regions::Only(found))
}

/// Records the relays a need owes its applicants (see [`repo::relays::record`]); run it
/// in the transaction that closes the need or fills its last place. Returns how many
/// were added.
pub async fn record(
    db: &impl ConnectionTrait,
    need_id: Uuid,
    cause: Cause,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    repo::relays::record(db, need_id, cause, now).await
}

/// Whether a need's places are all taken: as many contracted matches as its headcount.
pub async fn filled(db: &impl ConnectionTrait, need_id: Uuid) -> anyhow::Result<bool> {
    let Some(need) = repo::needs::by_id(db, need_id).await? else {
        return Ok(false);
    };
    let contracted = repo::relays::contracted_count(db, need_id).await?;
    Ok(contracted >= u64::try_from(need.headcount.max(1)).unwrap_or(1))
}

/// Writes the emails of waiting relays, a round at a time, until none waits; returns
/// how many relays it finished.
pub async fn deliver_waiting(
    db: &DatabaseConnection,
    ranking: &Ranking,
    public_url: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let mut done = 0;
    loop {
        let waiting = repo::relays::waiting(db, ROUND).await?;
        if waiting.is_empty() {
            break;
        }
        let open = ranking::open_needs(db).await?;
        let mut progressed = false;
        for row in &waiting {
            if deliver(db, ranking, &open, public_url, row, now).await? {
                done += 1;
                progressed = true;
            }
        }
        if !progressed || waiting.len() < usize::try_from(ROUND).unwrap_or(usize::MAX) {
            break;
        }
    }
    if done > 0 {
        crate::email::worker::wake();
    }
    Ok(done)
}

/// Runs [`deliver_waiting`] in the background (after a close has committed): the
/// closing request does not wait for the ranking, and a failure is retried by the clock.
pub fn deliver_soon(db: DatabaseConnection, ranking: Arc<Ranking>, public_url: String) {
    tokio::spawn(async move {
        if let Err(error) = deliver_waiting(&db, &ranking, &public_url, repo::now()).await {
            tracing::warn!(error = %error, "relays not written yet; the clock retries");
        }
    });
}

/// Writes one relay's email and marks it queued, together; `false` when another
/// process had already done it.
async fn deliver(
    db: &DatabaseConnection,
    ranking: &Ranking,
    open: &OpenNeeds,
    public_url: &str,
    row: &relay::Model,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let email = compose(db, ranking, open, public_url, row).await?;
    let txn = db.begin().await?;
    let (outbox_id, suggested) = match email {
        Some((email, suggested)) => (Some(outbox::enqueue(&txn, email).await?), suggested),
        None => (None, 0),
    };
    if repo::relays::mark_queued(&txn, row, outbox_id, suggested, now).await? {
        txn.commit().await?;
        Ok(true)
    } else {
        txn.rollback().await?;
        Ok(false)
    }
}

/// The relay's email and how many needs it suggests; `None` when there is nobody to
/// write to (the professional erased their data, or turned relays off since).
async fn compose(
    db: &impl ConnectionTrait,
    ranking: &Ranking,
    open: &OpenNeeds,
    public_url: &str,
    row: &relay::Model,
) -> anyhow::Result<Option<(NewEmail, i32)>> {
    let professional_id = row.professional_id;
    let (Some(stored), Some(user)) = (
        repo::profiles::by_user(db, professional_id).await?,
        repo::users::by_id(db, professional_id).await?,
    ) else {
        return Ok(None);
    };
    if !repo::relays::enabled(db, professional_id).await? {
        return Ok(None);
    }
    let Some((need, organization)) = repo::needs::with_organization(db, row.need_id).await? else {
        return Ok(None);
    };
    let region_name = repo::regions::by_id(db, need.region_id)
        .await?
        .map(|region| region.name)
        .unwrap_or_default();
    let engagements = ranking::contracted_counts(db, &[professional_id]).await?;
    let profile = convert::engine_profile(
        &stored,
        engagements.get(&professional_id).copied().unwrap_or(0),
    )?;
    // Never the need they lost, nor one they have applied to already.
    let mut skipped: HashSet<Uuid> = application::Entity::find()
        .select_only()
        .column(application::Column::NeedId)
        .filter(application::Column::ProfessionalId.eq(professional_id))
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    skipped.insert(row.need_id);
    let regions = regions_for(db, professional_id).await?;
    let pool = open.filtered(|candidate| {
        regions.includes(candidate.region_id) && !skipped.contains(&candidate.id)
    });
    let ranked = ranking::recommend(ranking, &profile, &pool, scoring::today(), SUGGESTED);
    let links: Vec<String> = ranked
        .iter()
        .map(|(need, _, _)| need_link(public_url, need.id))
        .collect();
    let whys: Vec<Reason> = ranked.iter().map(|(_, _, ranked)| why(ranked)).collect();
    let suggestions = ranked
        .iter()
        .zip(&links)
        .zip(&whys)
        .map(
            |(((need, organization, _), link), why)| templates::Suggestion {
                title: &need.title,
                organization_name: &organization.name,
                why_ja: &why.ja,
                why_en: &why.en,
                link: link.clone(),
            },
        )
        .collect::<Vec<_>>();
    let suggested = i32::try_from(suggestions.len()).unwrap_or(0);
    let rendered = templates::relay(&templates::Relay {
        recipient_name: &user.display_name,
        region_name: &region_name,
        organization_name: &organization.name,
        suggestions,
        settings_link: format!("{}/me/profile#relays", public_url.trim_end_matches('/')),
    });
    let email = NewEmail::new(kind::RELAY, &user.email, &user.display_name, rendered)
        .to_user(user.id)
        .in_region(need.region_id);
    Ok(Some((email, suggested)))
}

/// The page of a need.
fn need_link(public_url: &str, need_id: Uuid) -> String {
    format!("{}/needs/{need_id}", public_url.trim_end_matches('/'))
}

/// One line why a need fits: the first reason of the factor that adds most to the
/// need's score of them, or else of the aspect of their own wishes that fits best.
pub fn why(ranked: &RankedNeed) -> Reason {
    let factor = ranked
        .explanation
        .factors
        .iter()
        .filter(|part| !part.reasons.is_empty())
        .max_by(|a, b| (a.score * a.weight).total_cmp(&(b.score * b.weight)))
        .and_then(|part| part.reasons.first());
    let aspect = || {
        ranked
            .preference_detail
            .aspects
            .iter()
            .filter(|part| !part.reasons.is_empty())
            .max_by(|a, b| (a.score * a.weight).total_cmp(&(b.score * b.weight)))
            .and_then(|part| part.reasons.first())
    };
    factor.or_else(aspect).cloned().unwrap_or_else(|| {
        Reason::new(
            "あなたの希望と募集の条件が合っています",
            "The need's terms fit your wishes",
        )
    })
}

/// Whether the professional (the actor) receives relays.
pub async fn preference(db: &impl ConnectionTrait, actor: &Actor) -> Result<bool> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    Ok(repo::relays::enabled(db, actor.id).await?)
}

/// Turns the professional's (the actor's) relays on or off.
pub async fn set_preference(
    db: &impl ConnectionTrait,
    actor: &Actor,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<bool> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    repo::relays::set_enabled(db, actor.id, enabled, now).await?;
    Ok(enabled)
}
