//! What waits for someone, for their home page (`/me`): a professional's scout
//! invitations to answer and meetings coming; an SME's new applicants per need,
//! introductions still without a meeting and meetings coming; a coordinator's matches
//! waiting on someone and the meetings of the coming week.
//!
//! Made of the list services, so each list holds only what the actor may see
//! ([`crate::access::audience`]); only the first rows of each are looked at, the desk
//! pages have the rest.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::{Result, applications, matches, matches::MatchRecord};
use crate::{
    access::{self, Actor},
    domain::{
        account::AccountRole, enums::ApplicationStatus, matching::MatchStatus,
        meeting::MeetingStatus,
    },
    repo::page::PageRequest,
};

/// The most rows of each list looked at.
const LOOKED_AT: u64 = 50;

/// A coordinator's meetings: those of the coming week.
const COORDINATOR_DAYS: i64 = 7;

/// Applicants of one need not introduced yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApplicants {
    /// The need.
    pub need_id: Uuid,
    /// Its title.
    pub need_title: String,
    /// How many.
    pub count: usize,
}

/// What waits for one actor.
#[derive(Debug, Clone, Default)]
pub struct Waiting {
    /// Scouts waiting for the professional's answer (a professional's own, a
    /// coordinator's region's).
    pub answers: Vec<MatchRecord>,
    /// Introductions without a meeting yet (an SME's, a coordinator's region's).
    pub introductions: Vec<MatchRecord>,
    /// Scheduled meetings from now on, soonest first (a coordinator's: the coming week).
    pub meetings: Vec<MatchRecord>,
    /// An SME's needs with applicants not yet introduced, newest application first.
    pub applicants: Vec<NewApplicants>,
}

fn first(limit: u64) -> PageRequest {
    PageRequest {
        limit,
        before: None,
    }
}

/// The first rows of the actor's matches in `status`, newest first.
pub(super) async fn in_status(
    db: &impl ConnectionTrait,
    actor: &Actor,
    status: MatchStatus,
) -> Result<Vec<MatchRecord>> {
    Ok(matches::list(db, actor, Some(status), first(LOOKED_AT))
        .await?
        .items)
}

/// What waits for `actor` as of `now`.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn of(db: &impl ConnectionTrait, actor: &Actor, now: DateTime<Utc>) -> Result<Waiting> {
    // A coordinator without a region has no desk, and nothing waits for them.
    if access::audience(actor).is_err() {
        return Ok(Waiting::default());
    }
    let role = actor.role;
    let answers = if role == AccountRole::Sme {
        Vec::new()
    } else {
        in_status(db, actor, MatchStatus::Proposed).await?
    };
    let introductions = if role == AccountRole::Professional {
        Vec::new()
    } else {
        in_status(db, actor, MatchStatus::Introduced).await?
    };
    let until = (role == AccountRole::Coordinator).then(|| now + Duration::days(COORDINATOR_DAYS));
    let mut meetings: Vec<MatchRecord> = in_status(db, actor, MatchStatus::MeetingScheduled)
        .await?
        .into_iter()
        .filter(|record| {
            record.meeting.as_ref().is_some_and(|meeting| {
                meeting.status == MeetingStatus::Scheduled.as_str()
                    && meeting.starts_at >= now
                    && until.is_none_or(|until| meeting.starts_at < until)
            })
        })
        .collect();
    meetings.sort_by_key(|record| record.meeting.as_ref().map(|meeting| meeting.starts_at));
    let applicants = if role == AccountRole::Sme {
        new_applicants(db, actor).await?
    } else {
        Vec::new()
    };
    Ok(Waiting {
        answers,
        introductions,
        meetings,
        applicants,
    })
}

/// An SME's submitted applications that no match has taken up yet, counted per need.
async fn new_applicants(db: &impl ConnectionTrait, actor: &Actor) -> Result<Vec<NewApplicants>> {
    let looked_at = first(LOOKED_AT * 4);
    let matched: HashSet<(Uuid, Uuid)> = matches::list(db, actor, None, looked_at)
        .await?
        .items
        .iter()
        .map(|record| (record.row.need_id, record.row.professional_id))
        .collect();
    let mut counts: Vec<NewApplicants> = Vec::new();
    let mut at: HashMap<Uuid, usize> = HashMap::new();
    for detail in applications::list(db, actor, None, looked_at).await?.items {
        let row = &detail.application;
        if row.status()? != ApplicationStatus::Submitted
            || matched.contains(&(row.need_id, row.professional_id))
        {
            continue;
        }
        match at.get(&row.need_id) {
            Some(&index) => counts[index].count += 1,
            None => {
                at.insert(row.need_id, counts.len());
                counts.push(NewApplicants {
                    need_id: row.need_id,
                    need_title: detail.need_title.clone(),
                    count: 1,
                });
            }
        }
    }
    Ok(counts)
}
