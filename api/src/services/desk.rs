//! The coordinator's desk (`/region`): the region's open needs with their applicant
//! counts, those with the fewest applicants first (recommendations help them most), and
//! what waits on the coordinator — applications not introduced yet, scouts waiting for
//! an answer, introductions without a meeting, the week's meetings, matches met with no
//! outcome recorded, dead mail, and engagements at risk.
//!
//! Made of the list services ([`super::waiting`], [`super::applications`]) and a few
//! region-wide queries that count in the database (one grouped query for every need's
//! applicants, not one per need).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Result, applications, matches::MatchRecord, waiting};
use crate::{
    access::{self, Actor},
    domain::{ids::RegionId, matching::MatchStatus},
    email::outbox::{self, OutboxStatus},
    entities::need,
    repo,
};

/// The most new applications the desk lists (the oldest, which have waited longest).
const NEW_APPLICATIONS: usize = 50;

/// One open need as the desk lists it.
#[derive(Debug, Clone)]
pub struct OpenNeed {
    /// The need.
    pub need: need::Model,
    /// The organization's name.
    pub organization: String,
    /// Submitted (not withdrawn) applications.
    pub applicants: u64,
    /// Whole days since it was posted.
    pub days_open: i64,
}

/// A coordinator's desk.
#[derive(Debug, Clone)]
pub struct Desk {
    /// The region.
    pub region_id: Uuid,
    /// Open needs: fewest applicants first, then the oldest.
    pub needs: Vec<OpenNeed>,
    /// Submitted applications to open needs that no match has taken up, oldest first
    /// (at most [`NEW_APPLICATIONS`]).
    pub new_applications: Vec<applications::Detail>,
    /// How many such applications there are in all.
    pub new_applications_total: usize,
    /// Scouts waiting for the professional's answer, the longest waiting first.
    pub scouts: Vec<MatchRecord>,
    /// Introductions without a meeting yet.
    pub introductions: Vec<MatchRecord>,
    /// Meetings of the coming week, soonest first.
    pub meetings: Vec<MatchRecord>,
    /// Matches whose parties met, with no outcome recorded.
    pub unrecorded: Vec<MatchRecord>,
    /// Emails of the region given up on (`dead`).
    pub dead_mail: u64,
    /// Engagements at risk (相談したい, 終了したい, or a check-in unanswered for 14 days),
    /// the longest at risk first.
    pub at_risk: Vec<super::engagements::EngagementRecord>,
}

/// Whole days from `then` to `now` (0 for a time not yet past).
pub fn days_since(then: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    (now - then).num_days().max(0)
}

/// The region whose desk the actor works: 403 for other roles and for a coordinator
/// without a region.
pub fn region(actor: &Actor) -> Result<RegionId> {
    Ok(RegionId(access::desk_region(actor)?))
}

/// The desk of `actor`'s region as of `now`.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn of(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<Desk> {
    let region_id = Uuid::from(region(actor)?);
    let needs = open_needs(db, region_id, now).await?;

    // An application is new until a match of its pair exists (an introduction made
    // from it, or a scout of the same person for the same need).
    let matched: HashSet<(Uuid, Uuid)> = repo::matches::pairs_in_region(db, region_id)
        .await?
        .into_iter()
        .map(|(need_id, professional_id, _)| (need_id, professional_id))
        .collect();
    let mut waiting_applications: Vec<_> =
        repo::applications::submitted_to_open_needs(db, region_id)
            .await?
            .into_iter()
            .filter(|row| !matched.contains(&(row.need_id, row.professional_id)))
            .collect();
    let new_applications_total = waiting_applications.len();
    waiting_applications.truncate(NEW_APPLICATIONS);
    let new_applications = applications::details(db, actor, waiting_applications).await?;

    let waiting = waiting::of(db, actor, now).await?;
    let mut scouts = waiting.answers;
    scouts.sort_by_key(|record| (record.row.created_at, record.row.id));
    let unrecorded = waiting::in_status(db, actor, MatchStatus::Met).await?;
    let dead_mail = outbox::count_in_region(db, region_id, OutboxStatus::Dead).await?;
    Ok(Desk {
        region_id,
        needs,
        new_applications,
        new_applications_total,
        scouts,
        introductions: waiting.introductions,
        meetings: waiting.meetings,
        unrecorded,
        dead_mail,
        at_risk: super::engagements::at_risk_in_region(db, region_id).await?,
    })
}

/// The region's open needs with their applicant counts, in the desk's order: three
/// queries (needs, organizations, counts) however many needs there are.
async fn open_needs(
    db: &impl ConnectionTrait,
    region_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<OpenNeed>> {
    let needs = repo::needs::open_in_region(db, region_id).await?;
    let organizations = repo::needs::organizations_of(db, &needs).await?;
    let counts = repo::needs::applicant_counts(db, region_id).await?;
    let mut listed: Vec<OpenNeed> = needs
        .into_iter()
        .map(|need| OpenNeed {
            organization: organizations
                .get(&need.organization_id)
                .map(|organization| organization.name.clone())
                .unwrap_or_default(),
            applicants: counts.get(&need.id).copied().unwrap_or_default(),
            days_open: days_since(need.created_at, now),
            need,
        })
        .collect();
    sort_for_desk(&mut listed);
    Ok(listed)
}

/// Fewest applicants first, then the oldest posting (ids are time-ordered, so they
/// settle a tie of the same instant).
fn sort_for_desk(needs: &mut [OpenNeed]) {
    needs.sort_by_key(|open| (open.applicants, open.need.created_at, open.need.id));
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn open(title: &str, applicants: u64, posted: DateTime<Utc>) -> OpenNeed {
        OpenNeed {
            need: need::Model {
                id: Uuid::now_v7(),
                organization_id: Uuid::nil(),
                region_id: Uuid::nil(),
                status: "open".to_owned(),
                title: title.to_owned(),
                description: String::new(),
                goal: String::new(),
                role: "cmo".to_owned(),
                style: "hands_on".to_owned(),
                skills: serde_json::json!([]),
                themes: serde_json::json!([]),
                hours_min: 8,
                hours_max: 16,
                duration_months: 3,
                work_style: "remote".to_owned(),
                onsite_visits_per_month: 0,
                meeting_slots: serde_json::json!([]),
                compensation_min_jpy: 0,
                compensation_max_jpy: 0,
                pro_bono: true,
                headcount: 1,
                apply_by: None,
                created_at: posted,
                updated_at: posted,
            },
            organization: String::new(),
            applicants,
            days_open: 0,
        }
    }

    #[test]
    fn needs_with_fewer_applicants_come_first_then_the_oldest() {
        let now = Utc::now();
        let mut needs = vec![
            open("two, old", 2, now - Duration::days(30)),
            open("none, new", 0, now - Duration::days(1)),
            open("one", 1, now - Duration::days(5)),
            open("none, old", 0, now - Duration::days(9)),
        ];
        sort_for_desk(&mut needs);
        let titles: Vec<&str> = needs.iter().map(|open| open.need.title.as_str()).collect();
        assert_eq!(titles, ["none, old", "none, new", "one", "two, old"]);
    }

    #[test]
    fn days_are_whole_days_and_never_negative() {
        let now = Utc::now();
        assert_eq!(days_since(now - Duration::hours(47), now), 1);
        assert_eq!(days_since(now - Duration::days(3), now), 3);
        assert_eq!(days_since(now + Duration::hours(1), now), 0);
    }
}
