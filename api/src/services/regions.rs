//! Regions (地域) and their factor weights, which the region's coordinators tune.
//! Rankings read the weights on every request, so a change applies at once, in every
//! server process.

use musubi_matcher::Weights;
use sea_orm::ConnectionTrait;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    domain::ids::RegionId,
    entities::{need, region},
    ranking::weights::{self, RegionWeights},
    repo,
};

/// Every region, by name.
#[tracing::instrument(skip_all)]
pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<region::Model>> {
    access::decide(None, Action::Browse).check()?;
    Ok(repo::regions::all(db).await?)
}

/// One region.
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn get(db: &impl ConnectionTrait, id: RegionId) -> Result<region::Model> {
    repo::regions::by_id(db, id.into())
        .await?
        .ok_or(Error::NotFound)
}

/// The caller's own region: other roles are forbidden, a coordinator of another region
/// does not find it.
async fn coordinated(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: RegionId,
) -> Result<region::Model> {
    access::decide(Some(actor), Action::CoordinateRegion(id.into())).check()?;
    get(db, id).await
}

/// The region's factor weights (the defaults of MATCHING.md until a coordinator sets
/// them), summing to 1.
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn weights(db: &impl ConnectionTrait, actor: &Actor, id: RegionId) -> Result<Weights> {
    let region = coordinated(db, actor, id).await?;
    Ok(weights::of_region(&region)?)
}

/// Sets the region's factor weights, stored scaled to sum to 1; returns them so. The
/// caller is judged before the weights, so a stranger hears 403 or 404, not 422.
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn set_weights(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: RegionId,
    body: &RegionWeights,
) -> Result<Weights> {
    let region = coordinated(db, actor, id).await?;
    let parsed = body.parse()?;
    let region = weights::store(db, region, parsed).await?;
    Ok(weights::of_region(&region)?)
}

/// The region a coordinator works (their desk): other roles are forbidden.
pub fn own(actor: &Actor) -> Result<RegionId> {
    Ok(access::desk_region(actor)?.into())
}

/// The open needs of the coordinator's own region, oldest first.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn open_needs(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<need::Model>> {
    let region = own(actor)?;
    Ok(repo::needs::open_in_region(db, region.into()).await?)
}
