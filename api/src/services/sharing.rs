//! Sharing with consent across the alliance (issue 14): a professional chooses which
//! regions may find them, withdraws it at any time, and every display of their profile
//! to a region not their own is kept as a provision record (APPI third-party
//! provision), listed in their export.
//!
//! Who a region may find is [`Findable::may_find`] (see [`crate::domain::sharing`] for
//! what makes a region one of a professional's own). The ranking index holds each
//! profile's consent beside it and judges scouting lists by it
//! ([`crate::ranking::scout`]); [`may_find`] asks the same of the database, for code
//! that has no index at hand.
//!
//! Withdrawing (writing `ties` again) takes the professional out of other regions'
//! lists at once in this process (the index is updated after the commit, and the write
//! makes every kept list stale), and in the others within the change feed's poll plus
//! a kept list's freshness ([`crate::ranking::cache::FRESH`]). The records stay.

use chrono::{DateTime, Utc};
use musubi_matcher::congestion;
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};
use uuid::Uuid;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    domain::sharing::{Consent, Findable, RegionPlace, SharingMode},
    entities::{profile, provision, region},
    ranking::Ranking,
    repo,
};

/// What a candidate list or a suggestion shows of a professional (pseudonymous): the
/// display line (role, home prefecture, a tie), the scores and their reasons.
pub const LISTED_FIELDS: &[&str] = &["display", "scores", "reasons"];

/// What a coordinator's profile page shows: the full profile and the name.
pub const PROFILE_FIELDS: &[&str] = &["profile", "display_name"];

/// A region as sharing judges it.
pub fn place_of(region: &region::Model) -> RegionPlace {
    RegionPlace {
        id: region.id,
        prefecture: region.prefecture.clone(),
    }
}

/// The region's congestion dampening weight (0, none, unless its coordinators set one;
/// see [`musubi_matcher::congestion`]).
pub fn congestion_of(region: &region::Model) -> f32 {
    region
        .congestion_weight
        .map_or(0.0, |weight| weight as f32)
        .clamp(0.0, congestion::MAX_WEIGHT)
}

/// Which regions may find a stored profile, under `consent`.
fn findable(profile: &profile::Model, consent: Consent) -> anyhow::Result<Findable> {
    let input = repo::profiles::to_input(profile)?;
    Ok(Findable::new(
        consent,
        std::iter::once(input.home.prefecture.as_str())
            .chain(input.ties.iter().map(|tie| tie.prefecture.as_str())),
    ))
}

/// Whether `region_id` may find the professional: a listed profile, and the region one
/// of their own or consented to. From the database (the ranking index holds the same,
/// see [`Ranking::may_find`]).
pub async fn may_find(
    db: &impl ConnectionTrait,
    professional: Uuid,
    region_id: Uuid,
) -> Result<bool> {
    let Some(profile) = repo::profiles::by_user(db, professional).await? else {
        return Ok(false);
    };
    let Some(region) = repo::regions::by_id(db, region_id).await? else {
        return Ok(false);
    };
    let (consent, _) = repo::sharing::consent(db, professional).await?;
    Ok(profile.active && findable(&profile, consent)?.may_find(&place_of(&region)))
}

/// Whether a coordinator of `region_id` may reach the professional of `profile` with a
/// scout: the region is one of their own, or one they consented to. (Listed or not:
/// unlisting is judged where it always was.)
pub async fn may_reach(
    db: &impl ConnectionTrait,
    profile: &profile::Model,
    region_id: Uuid,
) -> Result<bool> {
    let Some(region) = repo::regions::by_id(db, region_id).await? else {
        return Ok(false);
    };
    let (consent, _) = repo::sharing::consent(db, profile.user_id).await?;
    Ok(findable(profile, consent)?.may_find(&place_of(&region)))
}

/// One region of the alliance, as a professional's sharing shows it.
#[derive(Debug, Clone)]
pub struct AllianceRegion {
    /// The region.
    pub region: region::Model,
    /// One of their own (home or ties): it finds them whatever they choose.
    pub own: bool,
    /// It may find them under their current consent.
    pub may_find: bool,
}

/// A professional's sharing: their consent and every region of the alliance.
#[derive(Debug, Clone)]
pub struct Sharing {
    /// Their consent.
    pub consent: Consent,
    /// When they last chose (`None`: never, so the default).
    pub updated_at: Option<DateTime<Utc>>,
    /// Every region, by name.
    pub regions: Vec<AllianceRegion>,
}

async fn sharing_of(db: &impl ConnectionTrait, professional: Uuid) -> Result<Sharing> {
    let (consent, updated_at) = repo::sharing::consent(db, professional).await?;
    let profile = repo::profiles::by_user(db, professional).await?;
    let findable = match &profile {
        Some(profile) => findable(profile, consent.clone())?,
        None => Findable::new(consent.clone(), []),
    };
    let regions = repo::regions::all(db)
        .await?
        .into_iter()
        .map(|region| {
            let place = place_of(&region);
            AllianceRegion {
                own: findable.own(&place),
                may_find: findable.may_find(&place),
                region,
            }
        })
        .collect();
    Ok(Sharing {
        consent,
        updated_at,
        regions,
    })
}

/// The caller's sharing (a professional's).
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn get(db: &impl ConnectionTrait, actor: &Actor) -> Result<Sharing> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    sharing_of(db, actor.id).await
}

/// Parses a consent from the wire: a `list` names at least one region, and every region
/// named exists; the regions of another mode are dropped.
pub async fn parse(
    db: &impl ConnectionTrait,
    mode: SharingMode,
    regions: &[Uuid],
) -> Result<Consent> {
    if mode != SharingMode::List {
        return Ok(Consent {
            mode,
            regions: Vec::new(),
        });
    }
    if regions.is_empty() {
        return Err(Error::invalid(
            "regions",
            "choose at least one region for a list",
        ));
    }
    let known: Vec<Uuid> = repo::regions::all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut chosen: Vec<Uuid> = Vec::with_capacity(regions.len());
    for id in regions {
        if !known.contains(id) {
            return Err(Error::invalid("regions", format!("no region {id}")));
        }
        if !chosen.contains(id) {
            chosen.push(*id);
        }
    }
    Ok(Consent {
        mode,
        regions: chosen,
    })
}

/// Stores the caller's consent (withdrawing is writing `ties`), and ranks them under it
/// from the next request on in this process (the change feed carries it to the others).
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn put(
    db: &DatabaseConnection,
    ranking: &Ranking,
    actor: &Actor,
    mode: SharingMode,
    regions: &[Uuid],
) -> Result<Sharing> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    let consent = parse(db, mode, regions).await?;
    let user_id = actor.id;
    db.transaction::<_, _, Error>(move |txn| {
        Box::pin(async move {
            repo::sharing::store_consent(txn, user_id, &consent).await?;
            // The feed reloads the profile with its consent in every process.
            repo::profiles::record_change(txn, user_id).await?;
            Ok(())
        })
    })
    .await?;
    // Should this fail, the change feed catches up within a poll.
    if let Err(error) = ranking.refresh(db, &[user_id]).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "ranking index not updated in place"
        );
    }
    sharing_of(db, user_id).await
}

/// Records that a coordinator opened the profile page of a professional of another
/// region (not one of their own, and not a region they applied in). The consent
/// recorded is the one the region finds them under, or `proposal` when only an
/// earlier scout lets the coordinator open it.
pub async fn record_profile_view(
    db: &impl ConnectionTrait,
    actor: &Actor,
    profile: &profile::Model,
) -> Result<()> {
    let Some(region_id) = actor.region_id else {
        return Ok(());
    };
    let Some(region) = repo::regions::by_id(db, region_id).await? else {
        return Ok(());
    };
    let place = place_of(&region);
    let (consent, _) = repo::sharing::consent(db, profile.user_id).await?;
    let findable = findable(profile, consent)?;
    if findable.own(&place)
        || repo::applications::applied_in_region(db, profile.user_id, region_id).await?
    {
        return Ok(());
    }
    let consent = findable.provision_consent(&place).unwrap_or("proposal");
    repo::sharing::record_provisions(
        db,
        repo::sharing::NewProvisions {
            region_id,
            actor_id: Some(actor.id),
            fields: PROFILE_FIELDS,
            channel: "profile_view",
            shown: &[repo::sharing::Shown {
                professional_id: profile.user_id,
                need_id: None,
                consent,
            }],
        },
    )
    .await?;
    Ok(())
}

/// One provision of the caller's profile, with the region's name.
#[derive(Debug, Clone)]
pub struct Provision {
    /// The record.
    pub record: provision::Model,
    /// The region's name (empty if it is gone).
    pub region_name: String,
}

/// Every provision of a professional's profile, oldest first (for their export).
pub async fn provisions_of(
    db: &impl ConnectionTrait,
    professional: Uuid,
) -> Result<Vec<Provision>> {
    let rows = repo::sharing::provisions_of(db, professional).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let regions = repo::regions::all(db).await?;
    Ok(rows
        .into_iter()
        .map(|record| Provision {
            region_name: regions
                .iter()
                .find(|r| r.id == record.region_id)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            record,
        })
        .collect())
}

/// Every provision of the caller's profile, oldest first (a professional's).
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn mine(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<Provision>> {
    access::decide(Some(actor), Action::OwnProfile).check()?;
    provisions_of(db, actor.id).await
}
