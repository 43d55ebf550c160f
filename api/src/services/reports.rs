//! A region's monthly funnel, for its coordinators.

use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::Result;
use crate::{
    access::{self, Action, Actor},
    domain::ids::RegionId,
    repo::{self, reply_speed::ReplySpeed, reports::MonthCounts},
};

/// The funnel of a region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionReport {
    /// The region.
    pub region_id: Uuid,
    /// Per month (Asia/Tokyo), oldest first; months with nothing are left out.
    pub months: Vec<MonthCounts>,
    /// All months together (`month` is `total`).
    pub total: MonthCounts,
    /// How fast matches move: median days to an introduction and to a first meeting.
    pub reply_speed: ReplySpeed,
    /// What followed the contracts: engagements started, at risk now, completed,
    /// extended.
    pub engagements: super::engagements::Counts,
}

/// Needs, applications, introductions, meetings and contracts per month, for a
/// coordinator of the region.
#[tracing::instrument(skip_all, fields(region_id = %id))]
pub async fn region(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: RegionId,
) -> Result<RegionReport> {
    access::decide(Some(actor), Action::CoordinateRegion(id.into())).check()?;
    let months = repo::reports::funnel(db, id.into()).await?;
    let total = sum(&months);
    let reply_speed = repo::reply_speed::of_region(db, id.into()).await?;
    let engagements = super::engagements::counts(db, id.into()).await?;
    Ok(RegionReport {
        region_id: id.into(),
        months,
        total,
        reply_speed,
        engagements,
    })
}

fn sum(months: &[MonthCounts]) -> MonthCounts {
    months.iter().fold(
        MonthCounts {
            month: "total".to_owned(),
            ..Default::default()
        },
        |mut sum, month| {
            sum.needs += month.needs;
            sum.applications += month.applications;
            sum.introductions += month.introductions;
            sum.meetings += month.meetings;
            sum.contracts += month.contracts;
            sum
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_adds_every_month() {
        let month = |month: &str, needs, contracts| MonthCounts {
            month: month.to_owned(),
            needs,
            applications: 2,
            introductions: 1,
            meetings: 1,
            contracts,
        };
        let total = sum(&[month("2026-11", 3, 0), month("2026-12", 1, 1)]);
        assert_eq!(
            total,
            MonthCounts {
                month: "total".to_owned(),
                needs: 4,
                applications: 4,
                introductions: 2,
                meetings: 2,
                contracts: 1,
            }
        );
    }
}
