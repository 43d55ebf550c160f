//! The monthly funnel of a region: needs → applications → introductions → meetings →
//! contracts, counted by the month (Asia/Tokyo) each step happened.

use std::collections::BTreeMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use uuid::Uuid;

use crate::entities::{application, match_event, matches, need};

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
    let events: Vec<(Option<String>, String, DateTime<Utc>)> = match_event::Entity::find()
        .select_only()
        .column(match_event::Column::FromStatus)
        .column(match_event::Column::ToStatus)
        .column(match_event::Column::CreatedAt)
        .filter(match_event::Column::MatchId.in_subquery(region_matches))
        .into_tuple()
        .all(db)
        .await
        .context("counting match events")?;
    for (from, to, at) in events {
        match to.as_str() {
            "introduced" if from.as_deref() != Some("meeting_scheduled") => {
                bump(at, |m| &mut m.introductions)
            }
            // A reschedule is meeting_scheduled → meeting_scheduled: not a new meeting.
            "meeting_scheduled" if from.as_deref() != Some("meeting_scheduled") => {
                bump(at, |m| &mut m.meetings)
            }
            "contracted" => bump(at, |m| &mut m.contracts),
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
