//! A region's congestion dampening weight, which its coordinators tune beside the
//! factor weights: how much lower a professional already much asked this month is
//! shown in the region's scouting lists (`scope=all`). The formula is
//! [`musubi_matcher::congestion`]'s: `score / (1 + weight · load)`, where the load is
//! the professional's pending scouts and this month's introductions
//! ([`repo::sharing::loads`]); a need's own applicants are never dampened. `0` (the
//! default) turns it off.

use musubi_matcher::congestion::MAX_WEIGHT;
use sea_orm::ConnectionTrait;

use super::{Error, Result};
use crate::{
    access::{self, Action, Actor},
    domain::ids::RegionId,
    repo,
};

/// A weight to suggest: three introductions take a score of 80 to about 61.
pub const SUGGESTED: f64 = 0.1;

/// The region's congestion weight (0 until its coordinators set one).
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: RegionId) -> Result<f64> {
    access::decide(Some(actor), Action::CoordinateRegion(id.into())).check()?;
    let region = super::regions::get(db, id).await?;
    Ok(region.congestion_weight.unwrap_or(0.0))
}

/// Checks a weight: a finite number from 0 to [`MAX_WEIGHT`].
pub fn parse(weight: f64) -> Result<f64> {
    if !weight.is_finite() || !(0.0..=f64::from(MAX_WEIGHT)).contains(&weight) {
        return Err(Error::invalid(
            "weight",
            format!("must be a number from 0 to {MAX_WEIGHT}"),
        ));
    }
    Ok(weight)
}

/// Sets the region's congestion weight; rankings use it from the next request on. The
/// caller is judged before the weight.
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn set(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: RegionId,
    weight: f64,
) -> Result<f64> {
    access::decide(Some(actor), Action::CoordinateRegion(id.into())).check()?;
    let region = super::regions::get(db, id).await?;
    let weight = parse(weight)?;
    let region = repo::regions::set_congestion(db, region, weight).await?;
    Ok(region.congestion_weight.unwrap_or(0.0))
}
