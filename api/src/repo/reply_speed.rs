//! How fast a region's matches move, the figures the field cares about: the days from
//! an application to its introduction, and from an introduction to the first meeting
//! being scheduled (the date agreed), each as the median over the region's matches.

use std::collections::HashMap;

use anyhow::Context;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entities::{application, match_event, matches};

/// The reply-speed figures of a region.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct ReplySpeed {
    /// Median days from an application to its introduction (matches made from an
    /// application), to one decimal; `null` with none.
    pub median_days_to_introduction: Option<f64>,
    /// How many introductions that median is over.
    pub introductions_measured: u64,
    /// Median days from an introduction (the first time a match reached `introduced`) to
    /// its first meeting being scheduled (the first `meeting_scheduled`), to one decimal;
    /// `null` with none.
    pub median_days_to_first_meeting: Option<f64>,
    /// How many matches that median is over.
    pub meetings_measured: u64,
}

/// The median of some spans, in days to one decimal (the mean of the middle two for an
/// even count); `None` for none.
pub fn median_days(spans: &[chrono::Duration]) -> Option<f64> {
    let mut seconds: Vec<i64> = spans.iter().map(chrono::Duration::num_seconds).collect();
    seconds.sort_unstable();
    let middle = seconds.len() / 2;
    let median = match seconds.len() {
        0 => return None,
        n if n % 2 == 1 => seconds[middle] as f64,
        _ => (seconds[middle - 1] + seconds[middle]) as f64 / 2.0,
    };
    Some((median / 86_400.0 * 10.0).round() / 10.0)
}

/// The reply-speed figures of a region's matches.
pub async fn of_region(db: &impl ConnectionTrait, region_id: Uuid) -> anyhow::Result<ReplySpeed> {
    let rows = matches::Entity::find()
        .filter(matches::Column::RegionId.eq(region_id))
        .all(db)
        .await
        .context("reading a region's matches")?;
    if rows.is_empty() {
        return Ok(ReplySpeed::default());
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
    let events = match_event::Entity::find()
        .filter(match_event::Column::MatchId.is_in(ids.iter().copied()))
        .order_by_asc(match_event::Column::CreatedAt)
        .order_by_asc(match_event::Column::Id)
        .all(db)
        .await
        .context("reading a region's match history")?;
    let mut introduced: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    let mut scheduled: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    for event in &events {
        let first = match event.to_status.as_str() {
            "introduced" => &mut introduced,
            "meeting_scheduled" => &mut scheduled,
            _ => continue,
        };
        first.entry(event.match_id).or_insert(event.created_at);
    }
    let application_ids: Vec<Uuid> = rows.iter().filter_map(|row| row.application_id).collect();
    let applied: HashMap<Uuid, DateTime<Utc>> = if application_ids.is_empty() {
        HashMap::new()
    } else {
        application::Entity::find()
            .filter(application::Column::Id.is_in(application_ids))
            .all(db)
            .await
            .context("reading a region's applications")?
            .into_iter()
            .map(|row| (row.id, row.created_at))
            .collect()
    };
    let mut to_introduction = Vec::new();
    let mut to_meeting = Vec::new();
    for row in &rows {
        let Some(introduced_at) = introduced.get(&row.id) else {
            continue;
        };
        if let Some(applied_at) = row.application_id.and_then(|id| applied.get(&id)) {
            to_introduction.push(*introduced_at - *applied_at);
        }
        if let Some(scheduled_at) = scheduled.get(&row.id) {
            to_meeting.push(*scheduled_at - *introduced_at);
        }
    }
    Ok(ReplySpeed {
        median_days_to_introduction: median_days(&to_introduction),
        introductions_measured: to_introduction.len() as u64,
        median_days_to_first_meeting: median_days(&to_meeting),
        meetings_measured: to_meeting.len() as u64,
    })
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn the_median_is_the_middle_or_the_mean_of_the_middle_two() {
        let days = |list: &[i64]| list.iter().map(|d| Duration::days(*d)).collect::<Vec<_>>();
        assert_eq!(median_days(&[]), None);
        assert_eq!(median_days(&days(&[5, 1, 3])), Some(3.0));
        assert_eq!(median_days(&days(&[4, 1, 2, 10])), Some(3.0));
        assert_eq!(median_days(&[Duration::hours(36)]), Some(1.5));
    }
}
