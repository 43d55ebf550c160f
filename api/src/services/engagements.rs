//! Engagements: what follows a contract (issue 13). Support after the match decides
//! whether an engagement succeeds (DOMAIN.md), so Musubi keeps asking.
//!
//! - A match that becomes `contracted` opens one ([`open`]): it starts today (Asia/Tokyo),
//!   runs the need's `duration_months` at the need's upper monthly hours; the parties or
//!   the coordinator set these anew ([`adjust`]).
//! - Once a month, by the clock ([`run_once`]), both sides get a check-in email with
//!   three one-click answers (順調 / 相談したい / 終了したい; [`super::links`], one batch
//!   per email). The link's page records the answer ([`answer_by_link`]) and offers a
//!   comment; a logged-in side answers through the API ([`answer`]).
//! - 相談したい, 終了したい, or a check-in unanswered for [`AT_RISK_AFTER_DAYS`] puts the
//!   engagement *at risk* on the coordinator's desk, until both sides answer 順調 to a
//!   later round or it ends.
//! - It ends `completed` ([`complete`], with a short retrospective from each side) or is
//!   `extended` to a new end date ([`extend`]); who and when go in its history.
//! - While active it counts against the professional's `max_engagements`: opening and
//!   completing record a profile change, so the ranking index (and every candidate list
//!   cached on it) sees the new count at once in this process and within the feed's poll
//!   in the others.

use std::{sync::Arc, time::Duration as StdDuration};

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Error, Result,
    links::{self, Grant, Purpose},
    matches::{Mail, Parties},
};
use crate::{
    access::{self, Action, Actor},
    auth::reset,
    config::Settings,
    domain::{
        account::AccountRole,
        engagement::{
            AdjustEngagement, AnswerCheckIn, CheckInAnswer, CompleteEngagement, EngagementEvent,
            EngagementStatus, ExtendEngagement, IllegalTransition, Retrospective, RiskReason,
            TEXT_MAX,
        },
        error::ConflictCode,
    },
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::{check_in, engagement, engagement_event, matches},
    ranking::Ranking,
    repo::{self, action_links::LinkRefusal},
};

/// Days a check-in may go unanswered before the engagement is at risk.
pub const AT_RISK_AFTER_DAYS: i64 = 14;
/// Days a check-in email's links work.
pub const LINK_VALID_DAYS: u32 = 28;

/// An engagement with everything a door may show of it.
#[derive(Debug, Clone)]
pub struct EngagementRecord {
    /// The row.
    pub row: engagement::Model,
    /// Where it stands.
    pub status: EngagementStatus,
    /// Why it is on the coordinator's desk, if it is.
    pub at_risk: Option<RiskReason>,
    /// The need, the organization, the people, the region.
    pub parties: Parties,
    /// Every step, oldest first.
    pub history: Vec<engagement_event::Model>,
    /// Every check-in sent, oldest round first.
    pub check_ins: Vec<check_in::Model>,
}

impl EngagementRecord {
    /// The retrospective a side wrote, if any.
    pub fn retrospective_of(&self, user_id: Uuid) -> Option<Retrospective> {
        self.history
            .iter()
            .filter(|event| event.kind == "retrospective" && event.actor_id == Some(user_id))
            .find_map(|event| serde_json::from_value(event.detail.clone()).ok())
    }

    /// Whether the actor may complete or extend it (the coordinator or the SME, while
    /// it is active).
    pub fn may_close(&self, actor: &Actor) -> bool {
        self.status == EngagementStatus::Active && actor.role != AccountRole::Professional
    }

    /// Whether the actor is one of the two sides (who answer check-ins and write a
    /// retrospective).
    pub fn is_side(&self, actor: &Actor) -> bool {
        actor.id == self.parties.professional.id || actor.id == self.parties.owner.id
    }
}

/// A side's answer to a check-in, as a link's page shows it.
#[derive(Debug, Clone)]
pub struct LinkAnswer {
    /// The match the engagement follows.
    pub match_id: Uuid,
    /// The need's title.
    pub need_title: String,
    /// The answer recorded.
    pub answer: CheckInAnswer,
}

/// What a check-in link grants: one answer to one check-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct CheckInChoice {
    check_in_id: Uuid,
    answer: CheckInAnswer,
}

impl From<IllegalTransition> for Error {
    fn from(error: IllegalTransition) -> Self {
        Error::conflict(ConflictCode::IllegalTransition, error.to_string())
    }
}

fn changed_meanwhile() -> Error {
    Error::conflict(
        ConflictCode::IllegalTransition,
        "the engagement changed while this request was made; reload it",
    )
}

/// The clock, to the microsecond both databases keep (the doors pass it in).
pub fn now() -> DateTime<Utc> {
    repo::now()
}

/// The day `at` falls on in Asia/Tokyo (UTC+9 all year).
pub fn tokyo_day(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(9)).date_naive()
}

/// The last day of `months` months from `starts_on`.
fn last_day(starts_on: NaiveDate, months: u32) -> NaiveDate {
    starts_on
        .checked_add_months(Months::new(months))
        .and_then(|day| day.pred_opt())
        .unwrap_or(starts_on)
}

/// How many months from `starts_on` reach `ends_on` (at least one).
fn months_until(starts_on: NaiveDate, ends_on: NaiveDate) -> u32 {
    (1..=1_200)
        .find(|&months| last_day(starts_on, months) >= ends_on)
        .unwrap_or(1_200)
}

/// The day check-in round `round` is due: `round` months after the start.
fn due_on(starts_on: NaiveDate, round: u32) -> NaiveDate {
    starts_on
        .checked_add_months(Months::new(round))
        .unwrap_or(NaiveDate::MAX)
}

fn status_of(row: &engagement::Model) -> Result<EngagementStatus> {
    EngagementStatus::parse(&row.status)
        .ok_or_else(|| anyhow::anyhow!("engagement {} has status {:?}", row.id, row.status).into())
}

fn by(actor: &Actor) -> Option<(Uuid, AccountRole)> {
    Some((actor.id, actor.role))
}

/// Opens the engagement of a match that has just become `contracted`, in its
/// transaction; the professional's active count changes, so the ranking index is told.
pub async fn open(
    txn: &impl ConnectionTrait,
    contracted: &matches::Model,
    parties: &Parties,
    actor: Option<(Uuid, AccountRole)>,
    now: DateTime<Utc>,
) -> Result<engagement::Model> {
    let starts_on = tokyo_day(now);
    let months = u32::try_from(parties.need.duration_months)
        .unwrap_or(1)
        .clamp(1, crate::domain::engagement::MONTHS_MAX);
    let hours = parties.need.hours_max.max(parties.need.hours_min).max(1);
    let opened = repo::engagements::insert(
        txn,
        repo::engagements::NewEngagement {
            match_id: contracted.id,
            region_id: contracted.region_id,
            professional_id: contracted.professional_id,
            starts_on,
            months: months as i32,
            ends_on: last_day(starts_on, months),
            hours_per_month: hours,
        },
        now,
    )
    .await?;
    repo::engagements::record_event(
        txn,
        opened.id,
        "opened",
        actor,
        serde_json::json!({
            "starts_on": opened.starts_on,
            "months": opened.months,
            "ends_on": opened.ends_on,
            "hours_per_month": opened.hours_per_month,
        }),
        now,
    )
    .await?;
    repo::profiles::record_change(txn, contracted.professional_id).await?;
    Ok(opened)
}

async fn record_of(db: &impl ConnectionTrait, row: engagement::Model) -> Result<EngagementRecord> {
    let found = repo::matches::by_id(db, row.match_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("engagement {} has no match", row.id))?;
    let parties = Parties::of_match(db, &found).await?;
    record(db, row, parties).await
}

async fn record(
    db: &impl ConnectionTrait,
    row: engagement::Model,
    parties: Parties,
) -> Result<EngagementRecord> {
    let history = repo::engagements::history(db, row.id).await?;
    let check_ins = repo::engagements::check_ins(db, row.id).await?;
    Ok(EngagementRecord {
        status: status_of(&row)?,
        at_risk: row.at_risk_reason.as_deref().and_then(RiskReason::parse),
        row,
        parties,
        history,
        check_ins,
    })
}

/// The engagement `id` and its parties when the actor may read it (parties of its match
/// and the region's coordinators; 404 for everyone else).
async fn readable(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<(engagement::Model, Parties)> {
    let row = repo::engagements::by_id(db, id)
        .await?
        .ok_or(Error::NotFound)?;
    let found = repo::matches::by_id(db, row.match_id)
        .await?
        .ok_or(Error::NotFound)?;
    let parties = Parties::of_match(db, &found).await?;
    access::decide(Some(actor), Action::ReadMatch(parties.facts(&found))).check()?;
    Ok((row, parties))
}

/// One engagement with its check-ins and history.
#[tracing::instrument(skip_all, fields(engagement_id = %id))]
pub async fn get(db: &impl ConnectionTrait, actor: &Actor, id: Uuid) -> Result<EngagementRecord> {
    let (row, parties) = readable(db, actor, id).await?;
    record(db, row, parties).await
}

/// The engagement of a match, if it has one (the match page, after it read the match).
pub async fn of_match(
    db: &impl ConnectionTrait,
    actor: &Actor,
    match_id: Uuid,
) -> Result<Option<EngagementRecord>> {
    let Some(row) = repo::engagements::of_match(db, match_id).await? else {
        return Ok(None);
    };
    let (row, parties) = readable(db, actor, row.id).await?;
    Ok(Some(record(db, row, parties).await?))
}

/// The actor's engagements, newest first: a professional's own, an SME's on its needs,
/// a coordinator's region's; optionally only those in one state, or only those at risk.
#[tracing::instrument(skip_all, fields(user_id = %actor.id))]
pub async fn list(
    db: &impl ConnectionTrait,
    actor: &Actor,
    status: Option<EngagementStatus>,
    at_risk: Option<bool>,
) -> Result<Vec<EngagementRecord>> {
    let audience = access::audience(actor)?;
    let rows = repo::engagements::list(db, audience, status, at_risk).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(record_of(db, row).await?);
    }
    Ok(out)
}

/// The at-risk engagements of a region, oldest risk first (the coordinator's desk).
pub async fn at_risk_in_region(
    db: &impl ConnectionTrait,
    region_id: Uuid,
) -> Result<Vec<EngagementRecord>> {
    let rows = repo::engagements::list(
        db,
        repo::Audience::Region(region_id),
        Some(EngagementStatus::Active),
        Some(true),
    )
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(record_of(db, row).await?);
    }
    out.sort_by_key(|record| record.row.at_risk_since);
    Ok(out)
}

/// A region's engagement figures for its report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Engagements opened (every contract since engagements exist).
    pub started: u64,
    /// Active and on the coordinator's desk now.
    pub at_risk: u64,
    /// Completed.
    pub completed: u64,
    /// Extended at least once.
    pub extended: u64,
}

/// The engagement figures of a region (the caller checked the actor).
pub async fn counts(db: &impl ConnectionTrait, region_id: Uuid) -> Result<Counts> {
    let (started, at_risk, completed, extended) =
        repo::engagements::region_counts(db, region_id).await?;
    Ok(Counts {
        started,
        at_risk,
        completed,
        extended,
    })
}

/// Refuses the professional: the coordinator or the SME completes and extends.
fn gate_close(actor: &Actor) -> Result<()> {
    if actor.role == AccountRole::Professional {
        return Err(Error::Forbidden(
            "the coordinator or the SME completes or extends an engagement",
        ));
    }
    Ok(())
}

/// Refuses a coordinator: the two sides answer check-ins and look back.
fn gate_side(actor: &Actor) -> Result<()> {
    if actor.role == AccountRole::Coordinator {
        return Err(Error::Forbidden(
            "only the professional and the SME answer for themselves",
        ));
    }
    Ok(())
}

/// Sets the start, the length or the monthly hours anew (the parties or the coordinator,
/// while active). A new start or length moves the end date.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, engagement_id = %id))]
pub async fn adjust(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    request: AdjustEngagement,
    now: DateTime<Utc>,
) -> Result<EngagementRecord> {
    request.check()?;
    let (row, parties) = readable(db, actor, id).await?;
    let from = status_of(&row)?;
    from.apply(EngagementEvent::Adjust)?;
    committed(db, async move |txn| {
        let mut changed = row.clone();
        if let Some(starts_on) = request.starts_on {
            changed.starts_on = starts_on;
        }
        if let Some(months) = request.months {
            changed.months = months as i32;
        }
        if let Some(hours) = request.hours_per_month {
            changed.hours_per_month = hours as i32;
        }
        if request.starts_on.is_some() || request.months.is_some() {
            changed.ends_on = last_day(changed.starts_on, changed.months.max(1) as u32);
        }
        changed.updated_at = now;
        if !repo::engagements::update(txn, &changed, from).await? {
            return Err(changed_meanwhile());
        }
        repo::engagements::record_event(
            txn,
            changed.id,
            "adjusted",
            by(actor),
            serde_json::json!({
                "starts_on": changed.starts_on,
                "months": changed.months,
                "ends_on": changed.ends_on,
                "hours_per_month": changed.hours_per_month,
            }),
            now,
        )
        .await?;
        record(txn, changed, parties).await
    })
    .await
}

/// `active` → `completed` (the coordinator or the SME), with the completing side's
/// retrospective if given. The professional's place is free again: the ranking index is
/// told in the same transaction.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, engagement_id = %id))]
pub async fn complete(
    db: &DatabaseConnection,
    ranking: &Ranking,
    actor: &Actor,
    id: Uuid,
    request: CompleteEngagement,
    now: DateTime<Utc>,
) -> Result<EngagementRecord> {
    gate_close(actor)?;
    if let Some(retrospective) = &request.retrospective {
        retrospective.check()?;
    }
    let (row, parties) = readable(db, actor, id).await?;
    let from = status_of(&row)?;
    let to = from.apply(EngagementEvent::Complete)?;
    let done = committed(db, async move |txn| {
        let changed = engagement::Model {
            status: to.as_str().to_owned(),
            completed_at: Some(now),
            updated_at: now,
            at_risk_since: None,
            at_risk_reason: None,
            ..row
        };
        if !repo::engagements::update(txn, &changed, from).await? {
            return Err(changed_meanwhile());
        }
        repo::engagements::clear_at_risk(txn, changed.id).await?;
        repo::engagements::record_event(
            txn,
            changed.id,
            "completed",
            by(actor),
            serde_json::json!({ "ends_on": changed.ends_on }),
            now,
        )
        .await?;
        if let Some(retrospective) = request.retrospective.filter(|r| !r.is_empty()) {
            repo::engagements::record_event(
                txn,
                changed.id,
                "retrospective",
                by(actor),
                repo::to_json(&retrospective)?,
                now,
            )
            .await?;
        }
        links::retire(txn, changed.match_id, Purpose::CheckIn, now).await?;
        repo::profiles::record_change(txn, changed.professional_id).await?;
        record(txn, changed, parties).await
    })
    .await?;
    // This process ranks the freed place at once (the others within the feed's poll).
    if let Err(error) = ranking.refresh(db, &[done.row.professional_id]).await {
        tracing::warn!(
            error = format!("{error:#}"),
            "refreshing the ranking index after a completion"
        );
    }
    Ok(done)
}

/// `active` → `extended` → `active` with a new end date (the coordinator or the SME).
#[tracing::instrument(skip_all, fields(user_id = %actor.id, engagement_id = %id))]
pub async fn extend(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    request: ExtendEngagement,
    now: DateTime<Utc>,
) -> Result<EngagementRecord> {
    gate_close(actor)?;
    let (row, parties) = readable(db, actor, id).await?;
    let from = status_of(&row)?;
    let to = from.apply(EngagementEvent::Extend)?;
    let ends_on = request.new_end(row.ends_on)?;
    committed(db, async move |txn| {
        let previous = row.ends_on;
        let changed = engagement::Model {
            status: to.as_str().to_owned(),
            months: months_until(row.starts_on, ends_on) as i32,
            ends_on,
            updated_at: now,
            ..row
        };
        if !repo::engagements::update(txn, &changed, from).await? {
            return Err(changed_meanwhile());
        }
        repo::engagements::record_event(
            txn,
            changed.id,
            "extended",
            by(actor),
            serde_json::json!({ "from": previous, "to": changed.ends_on }),
            now,
        )
        .await?;
        record(txn, changed, parties).await
    })
    .await
}

/// A side's look back at a completed engagement (once each; the completing side may
/// have given theirs already).
#[tracing::instrument(skip_all, fields(user_id = %actor.id, engagement_id = %id))]
pub async fn look_back(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    retrospective: Retrospective,
    now: DateTime<Utc>,
) -> Result<EngagementRecord> {
    gate_side(actor)?;
    retrospective.check()?;
    let (row, parties) = readable(db, actor, id).await?;
    let status = status_of(&row)?;
    if status != EngagementStatus::Completed {
        return Err(Error::conflict(
            ConflictCode::IllegalTransition,
            format!(
                "cannot look back before the end: the engagement is {}",
                status.as_str()
            ),
        ));
    }
    let current = record(db, row, parties).await?;
    if current.retrospective_of(actor.id).is_some() {
        return Err(Error::conflict(
            ConflictCode::Duplicate,
            "your retrospective is recorded already",
        ));
    }
    committed(db, async move |txn| {
        repo::engagements::record_event(
            txn,
            current.row.id,
            "retrospective",
            by(actor),
            repo::to_json(&retrospective)?,
            now,
        )
        .await?;
        record(txn, current.row, current.parties).await
    })
    .await
}

/// A logged-in side answers their latest check-in not answered yet (409 when none
/// waits); the email's links stop working.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, engagement_id = %id))]
pub async fn answer(
    db: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    request: AnswerCheckIn,
    now: DateTime<Utc>,
) -> Result<EngagementRecord> {
    gate_side(actor)?;
    if request.comment.chars().count() > TEXT_MAX {
        return Err(Error::invalid("comment", "must be at most 2000 characters"));
    }
    let (row, parties) = readable(db, actor, id).await?;
    status_of(&row)?.apply(EngagementEvent::CheckIn)?;
    let waiting = repo::engagements::check_ins(db, row.id)
        .await?
        .into_iter()
        .rev()
        .find(|check_in| check_in.user_id == actor.id && check_in.answer.is_none())
        .ok_or_else(|| {
            Error::conflict(
                ConflictCode::IllegalTransition,
                "no check-in is waiting for your answer",
            )
        })?;
    committed(db, async move |txn| {
        let comment = Some(request.comment.trim()).filter(|text| !text.is_empty());
        let given = Given {
            answer: request.answer,
            comment,
            link_hash: None,
            actor: by(actor),
        };
        if !record_answer(txn, &row, &waiting, given, now).await? {
            return Err(Error::conflict(
                ConflictCode::IllegalTransition,
                "this check-in was answered meanwhile",
            ));
        }
        // The email's links would answer it a second time: they do nothing now.
        repo::engagements::retire_links_of(txn, row.match_id, actor.id, now).await?;
        let row = repo::engagements::by_id(txn, row.id)
            .await?
            .ok_or(Error::NotFound)?;
        record(txn, row, parties).await
    })
    .await
}

/// Follows a check-in link (no login): uses it and the other answers of its email, and
/// records its answer, in one transaction. A link used, expired, changed or unknown
/// does nothing and says why.
#[tracing::instrument(skip_all)]
pub async fn answer_by_link(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<std::result::Result<LinkAnswer, (LinkRefusal, Option<Uuid>)>> {
    let token = token.to_owned();
    let done = db
        .transaction_async(async move |txn| {
            let followed = match links::redeem::<CheckInChoice>(txn, Purpose::CheckIn, &token, now)
                .await?
            {
                Ok(followed) => followed,
                Err(refusal) => {
                    let match_id = repo::engagements::link_match(txn, &reset::hash(&token)).await?;
                    return Ok(Err((refusal, match_id)));
                }
            };
            let check_in = repo::engagements::check_in(txn, followed.choice.check_in_id)
                .await?
                .filter(|check_in| check_in.user_id == followed.user_id);
            let row = match &check_in {
                Some(check_in) => repo::engagements::by_id(txn, check_in.engagement_id).await?,
                None => None,
            };
            let (Some(check_in), Some(row)) = (check_in, row) else {
                return Ok(Err((LinkRefusal::Unknown, Some(followed.match_id))));
            };
            if status_of(&row)? != EngagementStatus::Active || check_in.answer.is_some() {
                // Ended or answered on the page meanwhile: nothing to record.
                return Ok(Err((LinkRefusal::Used, Some(row.match_id))));
            }
            let role = if followed.user_id == row.professional_id {
                AccountRole::Professional
            } else {
                AccountRole::Sme
            };
            let hash = reset::hash(&token);
            let given = Given {
                answer: followed.choice.answer,
                comment: None,
                link_hash: Some(&hash),
                actor: Some((followed.user_id, role)),
            };
            record_answer(txn, &row, &check_in, given, now).await?;
            let found = repo::matches::by_id(txn, row.match_id)
                .await?
                .ok_or(Error::NotFound)?;
            let need_title = repo::needs::by_id(txn, found.need_id)
                .await?
                .map(|need| need.title)
                .unwrap_or_default();
            Ok::<_, Error>(Ok(LinkAnswer {
                match_id: row.match_id,
                need_title,
                answer: followed.choice.answer,
            }))
        })
        .await?;
    crate::email::worker::wake();
    Ok(done)
}

/// Adds the optional comment of the page a check-in link opened, proven by the same
/// link (it answered the check-in; the comment is written once). False when the link
/// answered nothing or the comment was written before.
#[tracing::instrument(skip_all)]
pub async fn comment_by_link(db: &DatabaseConnection, token: &str, comment: &str) -> Result<bool> {
    let comment = comment.trim();
    if comment.chars().count() > TEXT_MAX {
        return Err(Error::invalid("comment", "must be at most 2000 characters"));
    }
    if comment.is_empty() {
        return Ok(false);
    }
    let Some(check_in) = repo::engagements::answered_by_link(db, &reset::hash(token)).await? else {
        return Ok(false);
    };
    Ok(repo::engagements::add_comment(db, check_in.id, comment).await?)
}

/// What a used check-in link answered (for the page its comment form comes back to).
pub async fn answered_by_link(
    db: &impl ConnectionTrait,
    token: &str,
) -> Result<Option<LinkAnswer>> {
    let Some(check_in) = repo::engagements::answered_by_link(db, &reset::hash(token)).await? else {
        return Ok(None);
    };
    let Some(answer) = check_in.answer.as_deref().and_then(CheckInAnswer::parse) else {
        return Ok(None);
    };
    let Some(row) = repo::engagements::by_id(db, check_in.engagement_id).await? else {
        return Ok(None);
    };
    let found = repo::matches::by_id(db, row.match_id)
        .await?
        .ok_or(Error::NotFound)?;
    let need_title = repo::needs::by_id(db, found.need_id)
        .await?
        .map(|need| need.title)
        .unwrap_or_default();
    Ok(Some(LinkAnswer {
        match_id: row.match_id,
        need_title,
        answer,
    }))
}

/// One side's answer as given: what, with which comment, through which link, by whom.
struct Given<'a> {
    answer: CheckInAnswer,
    comment: Option<&'a str>,
    link_hash: Option<&'a str>,
    actor: Option<(Uuid, AccountRole)>,
}

/// Records one side's answer; 相談したい and 終了したい put the engagement at risk, and both
/// sides answering 順調 to the latest round takes it off the desk.
async fn record_answer(
    txn: &impl ConnectionTrait,
    row: &engagement::Model,
    check_in: &check_in::Model,
    given: Given<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let Given {
        answer,
        comment,
        link_hash,
        actor,
    } = given;
    if !repo::engagements::answer_check_in(txn, check_in.id, answer, comment, link_hash, now)
        .await?
    {
        return Ok(false);
    }
    repo::engagements::record_event(
        txn,
        row.id,
        "check_in_answered",
        actor,
        serde_json::json!({ "round": check_in.round, "answer": answer.as_str() }),
        now,
    )
    .await?;
    if answer.at_risk() {
        let reason = if answer == CheckInAnswer::Consult {
            RiskReason::Consult
        } else {
            RiskReason::End
        };
        if repo::engagements::mark_at_risk(txn, row.id, reason, now).await? {
            repo::engagements::record_event(
                txn,
                row.id,
                "at_risk",
                actor,
                serde_json::json!({ "reason": reason.as_str() }),
                now,
            )
            .await?;
        }
    } else if check_in.round >= row.check_in_round {
        // Both sides fine with the latest round: off the desk.
        let others_fine = repo::engagements::check_ins(txn, row.id)
            .await?
            .iter()
            .filter(|other| other.round == check_in.round && other.id != check_in.id)
            .all(|other| other.answer.as_deref() == Some(CheckInAnswer::Fine.as_str()));
        if others_fine {
            repo::engagements::clear_at_risk(txn, row.id).await?;
        }
    }
    Ok(true)
}

/// Runs `work` in one transaction, then wakes the mail worker.
async fn committed<T, F>(db: &DatabaseConnection, work: F) -> Result<T>
where
    T: Send,
    F: for<'c> AsyncFnOnce(&'c DatabaseTransaction) -> Result<T> + Send,
{
    let done = db.transaction_async(work).await?;
    crate::email::worker::wake();
    Ok(done)
}

/// What one run of the clock did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Run {
    /// Check-in emails queued.
    pub emails: usize,
    /// Engagements newly at risk because a check-in went unanswered.
    pub at_risk: usize,
}

/// Sends the check-ins due at `now` (the latest round due of each active engagement,
/// once: a missed month is not sent twice) and puts on the desk the engagements whose
/// check-in went unanswered for [`AT_RISK_AFTER_DAYS`]. Safe to run in several processes
/// at once: a round is claimed by a conditional update before its emails are queued, in
/// one transaction.
#[tracing::instrument(skip_all)]
pub async fn run_once(
    db: &DatabaseConnection,
    settings: &Settings,
    now: DateTime<Utc>,
) -> anyhow::Result<Run> {
    let mail = Mail::from(settings);
    let today = tokyo_day(now);
    let mut run = Run::default();
    for row in repo::engagements::active(db).await? {
        let Some(round) = (1..=1_200u32)
            .take_while(|&round| due_on(row.starts_on, round) <= today)
            .last()
        else {
            continue;
        };
        if round as i32 <= row.check_in_round || due_on(row.starts_on, round) > row.ends_on {
            continue;
        }
        let sent = db
            .transaction_async(async |txn| send_round(txn, mail, &row, round as i32, now).await)
            .await
            .map_err(Error::from)?;
        run.emails += sent;
    }
    let overdue =
        repo::engagements::unanswered_since(db, now - Duration::days(AT_RISK_AFTER_DAYS)).await?;
    for check_in in overdue {
        let marked = db
            .transaction_async(async |txn| {
                let marked = repo::engagements::mark_at_risk(
                    txn,
                    check_in.engagement_id,
                    RiskReason::NoAnswer,
                    now,
                )
                .await?;
                if marked {
                    repo::engagements::record_event(
                        txn,
                        check_in.engagement_id,
                        "at_risk",
                        None,
                        serde_json::json!({
                            "reason": RiskReason::NoAnswer.as_str(),
                            "round": check_in.round,
                            "user_id": check_in.user_id,
                        }),
                        now,
                    )
                    .await?;
                }
                Ok::<_, Error>(marked)
            })
            .await
            .map_err(Error::from)?;
        run.at_risk += usize::from(marked);
    }
    if run.emails > 0 {
        crate::email::worker::wake();
    }
    Ok(run)
}

/// Claims round `round` of one engagement and queues its two check-in emails (each
/// with its own batch of three links); 0 when another process got there first.
async fn send_round(
    txn: &DatabaseTransaction,
    mail: Mail<'_>,
    row: &engagement::Model,
    round: i32,
    now: DateTime<Utc>,
) -> Result<usize> {
    if !repo::engagements::claim_round(txn, row.id, round).await? {
        return Ok(0);
    }
    let found = repo::matches::by_id(txn, row.match_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("engagement {} has no match", row.id))?;
    let parties = Parties::of_match(txn, &found).await?;
    let expires_at = now + Duration::days(i64::from(LINK_VALID_DAYS));
    let ends_on = row.ends_on.to_string();
    let mut sent = 0;
    for person in [&parties.professional, &parties.owner] {
        if person.erased_at.is_some() {
            continue;
        }
        let check_in =
            repo::engagements::insert_check_in(txn, row.id, round, person.id, now).await?;
        let batch = links::new_batch();
        let mut urls = Vec::with_capacity(3);
        for answer in CheckInAnswer::ALL {
            let grant = Grant {
                purpose: Purpose::CheckIn,
                batch,
                match_id: row.match_id,
                user_id: person.id,
                choice: CheckInChoice {
                    check_in_id: check_in.id,
                    answer,
                },
                expires_at,
            };
            urls.push(links::issue(txn, mail.public_url, &grant, now).await?);
        }
        let [fine, consult, end]: [String; 3] = urls
            .try_into()
            .map_err(|_| anyhow::anyhow!("three links were issued"))?;
        let links = templates::CheckInLinks { fine, consult, end };
        let rendered = templates::check_in(&templates::CheckIn {
            recipient_name: &person.display_name,
            region_name: &parties.region.name,
            need_title: &parties.need.title,
            round: round as u32,
            ends_on: &ends_on,
            links: &links,
            valid_days: LINK_VALID_DAYS,
        });
        let email = NewEmail::new(
            kind::CHECK_IN,
            &person.email,
            &person.display_name,
            rendered,
        );
        outbox::enqueue(
            txn,
            email
                .to_user(person.id)
                .in_region(row.region_id)
                .about_match(row.match_id),
        )
        .await?;
        sent += 1;
    }
    repo::engagements::record_event(
        txn,
        row.id,
        "check_in_sent",
        None,
        serde_json::json!({ "round": round }),
        now,
    )
    .await?;
    Ok(sent)
}

/// Runs the check-ins now and every `every` after, until `shutdown`.
pub fn spawn(
    db: DatabaseConnection,
    settings: Arc<Settings>,
    every: StdDuration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    super::periodic::spawn("engagement check-ins", every, shutdown, move || {
        let (db, settings) = (db.clone(), settings.clone());
        async move {
            let run = run_once(&db, &settings, Utc::now()).await?;
            Ok((run.emails + run.at_risk) as u64)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn three_months_from_the_fifth_end_on_the_fourth() {
        assert_eq!(last_day(day(2026, 12, 5), 3), day(2027, 3, 4));
        assert_eq!(months_until(day(2026, 12, 5), day(2027, 3, 4)), 3);
        assert_eq!(months_until(day(2026, 12, 5), day(2027, 3, 5)), 4);
        assert_eq!(due_on(day(2026, 12, 5), 1), day(2027, 1, 5));
    }

    #[test]
    fn the_day_is_tokyos() {
        let late = DateTime::parse_from_rfc3339("2026-12-05T16:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(tokyo_day(late), day(2026, 12, 6));
    }
}
