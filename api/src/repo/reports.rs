//! The monthly funnel of a region: needs → applications → introductions → meetings →
//! contracts, counted by the month (Asia/Tokyo) each step happened.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::{
    domain::matching::MatchStatus,
    entities::{application, match_event, matches, need},
};

/// One month of the funnel.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct MonthCounts {
    /// `YYYY-MM`, in Asia/Tokyo.
    pub month: String,
    /// Needs posted.
    pub needs: u64,
    /// Applications received.
    pub applications: u64,
    /// Introductions made (matches that reached `introduced`).
    pub introductions: u64,
    /// Meetings first scheduled.
    pub meetings: u64,
    /// Contracts.
    pub contracts: u64,
}

fn month_of(at: DateTime<Utc>) -> String {
    crate::email::in_tokyo(at).format("%Y-%m").to_string()
}

/// Counts a region's funnel by month, oldest first.
pub async fn funnel(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> anyhow::Result<Vec<MonthCounts>> {
    let mut months: BTreeMap<String, MonthCounts> = BTreeMap::new();
    let mut bump = |at: DateTime<Utc>, field: fn(&mut MonthCounts) -> &mut u64| {
        let month = month_of(at);
        let entry = months.entry(month.clone()).or_insert_with(|| MonthCounts {
            month,
            ..Default::default()
        });
        *field(entry) += 1;
    };

    let needs: Vec<DateTime<Utc>> = need::Entity::find()
        .select_only()
        .column(need::Column::CreatedAt)
        .filter(need::Column::RegionId.eq(region_id))
        .into_tuple()
        .all(db)
        .await
        .context("counting needs")?;
    needs.into_iter().for_each(|at| bump(at, |m| &mut m.needs));

    let region_needs = need::Entity::find()
        .select_only()
        .column(need::Column::Id)
        .filter(need::Column::RegionId.eq(region_id))
        .into_query();
    let applications: Vec<DateTime<Utc>> = application::Entity::find()
        .select_only()
        .column(application::Column::CreatedAt)
        .filter(application::Column::NeedId.in_subquery(region_needs))
        .into_tuple()
        .all(db)
        .await
        .context("counting applications")?;
    applications
        .into_iter()
        .for_each(|at| bump(at, |m| &mut m.applications));

    let region_matches = matches::Entity::find()
        .select_only()
        .column(matches::Column::Id)
        .filter(matches::Column::RegionId.eq(region_id))
        .into_query();
    let events = match_event::Entity::find()
        .filter(match_event::Column::MatchId.in_subquery(region_matches))
        .all(db)
        .await
        .context("counting match events")?;
    for event in events {
        let (from, to) = (event.from_status()?, event.to_status()?);
        // A reschedule is meeting_scheduled → meeting_scheduled: not a new meeting, and
        // a meeting called off goes back to introduced: not a new introduction.
        let again = from == Some(MatchStatus::MeetingScheduled);
        match to {
            MatchStatus::Introduced if !again => bump(event.created_at, |m| &mut m.introductions),
            MatchStatus::MeetingScheduled if !again => bump(event.created_at, |m| &mut m.meetings),
            MatchStatus::Contracted => bump(event.created_at, |m| &mut m.contracts),
            _ => {}
        }
    }
    Ok(months.into_values().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_counted_in_tokyo_time() {
        let late_utc = DateTime::parse_from_rfc3339("2026-11-30T16:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            month_of(late_utc),
            "2026-12",
            "01:00 on 1 December in Tokyo"
        );
    }
}
