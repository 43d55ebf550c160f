//! Proposed meeting times (面談日程の候補): the SME or a coordinator proposes up to three
//! times; the professional confirms one with a click in the email (no login) or on the
//! match page, or says none of them works.
//!
//! - Proposing needs what scheduling needs (the match `introduced` or
//!   `meeting_scheduled`, else 409 naming the state). It withdraws any earlier proposal
//!   of the match (its links stop working) and emails the professional one link per time
//!   and one for "none of these work", all of one batch: using one uses them all.
//! - Confirming a time schedules the meeting by the very step `POST /matches/{id}/meetings`
//!   takes with `starts_at` ([`super::meetings`]): the invitation to everyone, the same
//!   transition, the same history (by the professional).
//! - "None of these work" settles the proposal and emails the proposer for other times.
//! - **Expiry**: a time can be chosen until it starts and for at most
//!   [`ANSWER_WITHIN_DAYS`] days after the proposal; the proposal stops being offered
//!   when its last time can no longer be chosen. Each link expires with its time; the
//!   "none" link with the proposal.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use super::{
    Error, Result,
    links::{self, Followed, Grant, Purpose},
    matches::{BeforeCommit, Mail, MatchRecord, Parties, allowed, committed, gate, record},
    meetings::schedule_in,
};
use crate::{
    access::{Action, Actor},
    domain::{
        account::AccountRole,
        enums::MeetingSlot,
        error::ConflictCode,
        ids::MatchId,
        matching::Event,
        meeting::{MeetingMode, ScheduleMeeting},
        proposal::{self, MeetingAsk, MeetingRequest, ProposeTimes, TimeChoice},
    },
    email::{
        outbox::{self, NewEmail, kind},
        templates,
    },
    entities::{matches, meeting_proposal},
    repo::{
        self,
        action_links::LinkRefusal,
        proposals::{NewProposal, ProposalStatus},
    },
};

/// A proposal can be answered for at most this many days.
pub const ANSWER_WITHIN_DAYS: i64 = 7;

/// When the time `starts_at` of a proposal made at `created_at` stops being choosable.
pub fn time_open_until(starts_at: DateTime<Utc>, created_at: DateTime<Utc>) -> DateTime<Utc> {
    starts_at.min(created_at + Duration::days(ANSWER_WITHIN_DAYS))
}

/// The times of a stored proposal, in the order given.
pub fn times_of(found: &meeting_proposal::Model) -> Result<Vec<DateTime<Utc>>> {
    Ok(repo::from_json(&found.times, "meeting_proposals.times")?)
}

/// The times of a proposal that can still be chosen at `now`, with their index.
pub fn open_times(
    found: &meeting_proposal::Model,
    now: DateTime<Utc>,
) -> Result<Vec<(usize, DateTime<Utc>)>> {
    Ok(times_of(found)?
        .into_iter()
        .enumerate()
        .filter(|(_, starts_at)| time_open_until(*starts_at, found.created_at) > now)
        .collect())
}

/// `POST /matches/{id}/meetings`: schedules the one time given, or proposes the times
/// given (a role that may never arrange a meeting is refused before the body is judged).
pub async fn arrange(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    request: MeetingRequest,
    before_commit: impl BeforeCommit<MatchRecord>,
) -> Result<MatchRecord> {
    gate(actor, Action::ArrangeMeeting)?;
    match request.ask().map_err(Error::Invalid)? {
        MeetingAsk::Schedule(one) => {
            super::meetings::schedule(db, mail, actor, id, one, before_commit).await
        }
        MeetingAsk::Propose(times) => propose(db, mail, actor, id, times, before_commit).await,
    }
}

/// Proposes 1–3 times for the match's meeting (the SME or a coordinator of the region),
/// and emails the professional a one-click link for each.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn propose(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    request: ProposeTimes,
    before_commit: impl BeforeCommit<MatchRecord>,
) -> Result<MatchRecord> {
    gate(actor, Action::ArrangeMeeting)?;
    let now = repo::now();
    let spec = request.parse(now).map_err(Error::Invalid)?;
    let (found, parties) = allowed(db, actor, id, Action::ArrangeMeeting).await?;
    // Proposing is a step towards scheduling: allowed where scheduling is.
    found.status()?.apply(Event::ScheduleMeeting)?;
    if parties.professional.erased_at.is_some() {
        return Err(Error::conflict(
            ConflictCode::IllegalTransition,
            "the professional has left Musubi",
        ));
    }
    committed(db, async move |txn| {
        repo::proposals::replace_pending(txn, found.id, now).await?;
        links::retire(txn, found.id, Purpose::MeetingTime, now).await?;
        let times = spec.times();
        let first = spec
            .meetings()
            .first()
            .ok_or_else(|| Error::invalid("proposals", "give 1 to 3 times"))?;
        let expires_at = times
            .iter()
            .map(|starts_at| time_open_until(*starts_at, now))
            .max()
            .unwrap_or(now);
        let batch = links::new_batch();
        let stored = repo::proposals::insert(
            txn,
            NewProposal {
                match_id: found.id,
                batch,
                proposed_by: actor.id,
                proposer_role: actor.role,
                times: &times,
                duration_minutes: i32::from(first.duration_minutes()),
                mode: first.mode(),
                location_or_url: first.location_or_url(),
                created_at: now,
                expires_at,
            },
        )
        .await?;
        email_times(txn, mail, &found, &parties, &stored, now).await?;
        let record = record(txn, found, parties).await?;
        before_commit.run(txn, &record).await?;
        Ok(record)
    })
    .await
}

/// Issues the links of a proposal and queues the professional's email.
async fn email_times(
    txn: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
    stored: &meeting_proposal::Model,
    now: DateTime<Utc>,
) -> Result<()> {
    let professional = &parties.professional;
    let grant = |time: Option<usize>, expires_at| Grant {
        purpose: Purpose::MeetingTime,
        batch: stored.batch,
        match_id: found.id,
        user_id: professional.id,
        choice: TimeChoice {
            proposal: stored.id,
            time,
        },
        expires_at,
    };
    let mut offered = Vec::new();
    for (index, starts_at) in times_of(stored)?.into_iter().enumerate() {
        let expires_at = time_open_until(starts_at, stored.created_at);
        let url = links::issue(txn, mail.public_url, &grant(Some(index), expires_at), now).await?;
        offered.push(templates::OfferedTime { starts_at, url });
    }
    let none_url = links::issue(txn, mail.public_url, &grant(None, stored.expires_at), now).await?;
    let rendered = templates::meeting_proposal(&templates::MeetingProposal {
        recipient_name: &professional.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        with_name: &parties.organization.name,
        times: offered,
        duration_minutes: u32::try_from(stored.duration_minutes).unwrap_or(60),
        mode: MeetingMode::parse(&stored.mode).unwrap_or(MeetingMode::Online),
        location_or_url: &stored.location_or_url,
        none_url,
        answer_by: stored.expires_at,
        public_url: mail.public_url,
        match_id: found.id,
    });
    let email = NewEmail::new(
        kind::MEETING_PROPOSAL,
        &professional.email,
        &professional.display_name,
        rendered,
    );
    outbox::enqueue(
        txn,
        email
            .to_user(professional.id)
            .in_region(found.region_id)
            .about_match(found.id),
    )
    .await?;
    Ok(())
}

/// What answering a proposal did.
#[derive(Debug, Clone, PartialEq)]
pub enum Answered {
    /// The meeting is scheduled at this time.
    Scheduled {
        /// The match.
        match_id: Uuid,
        /// The start chosen.
        starts_at: DateTime<Utc>,
    },
    /// The proposer was asked for other times.
    OtherTimesAsked {
        /// The match.
        match_id: Uuid,
    },
    /// The link does nothing (the match it names, when it names one).
    Refused(LinkRefusal, Option<Uuid>),
}

/// Follows an emailed link (no login): confirms its time, or asks for other times. A
/// link used before (or another of its email), changed, expired, or whose proposal is no
/// longer pending does nothing and says why.
#[tracing::instrument(skip_all)]
pub async fn follow_link(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Answered> {
    let answered = committed(db, async move |txn| {
        let followed: Followed<TimeChoice> =
            match links::redeem(txn, Purpose::MeetingTime, token, now).await? {
                Ok(followed) => followed,
                Err(refusal) => return Ok(Answered::Refused(refusal, None)),
            };
        let Some(found) = repo::matches::by_id(txn, followed.match_id).await? else {
            return Ok(Answered::Refused(LinkRefusal::Unknown, None));
        };
        if found.professional_id != followed.user_id {
            return Ok(Answered::Refused(LinkRefusal::Unknown, None));
        }
        let parties = Parties::of_match(txn, &found).await?;
        answer(txn, mail, found, &parties, followed.choice, now).await
    })
    .await;
    match answered {
        // The match moved on since the email (cancelled, say): nothing was changed and
        // the link stays as it was.
        Err(Error::Conflict(..)) => {
            let match_id =
                match links::peek::<TimeChoice>(db, Purpose::MeetingTime, token, now).await? {
                    Ok(followed) => Some(followed.match_id),
                    Err(_) => None,
                };
            Ok(Answered::Refused(LinkRefusal::Used, match_id))
        }
        other => other,
    }
}

/// The professional answers on the match page: the time `time` of proposal `proposal`,
/// or none of them (`None`). The proposal's links stop working.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn choose(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    proposal: Uuid,
    time: Option<usize>,
) -> Result<Answered> {
    let (found, parties) = allowed(db, actor, id, Action::AnswerScout).await?;
    let now = repo::now();
    committed(db, async move |txn| {
        links::retire(txn, found.id, Purpose::MeetingTime, now).await?;
        let choice = TimeChoice { proposal, time };
        match answer(txn, mail, found, &parties, choice, now).await? {
            Answered::Refused(..) => Err(Error::conflict(
                ConflictCode::IllegalTransition,
                "these times can no longer be chosen; reload the match",
            )),
            done => Ok(done),
        }
    })
    .await
}

/// Carries out an answer inside the caller's transaction.
async fn answer(
    txn: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: matches::Model,
    parties: &Parties,
    choice: TimeChoice,
    now: DateTime<Utc>,
) -> Result<Answered> {
    let match_id = found.id;
    let refused = |why| Ok(Answered::Refused(why, Some(match_id)));
    let Some(stored) = repo::proposals::by_id(txn, choice.proposal).await? else {
        return refused(LinkRefusal::Unknown);
    };
    if stored.match_id != match_id {
        return refused(LinkRefusal::Unknown);
    }
    if stored.status != ProposalStatus::Pending.as_str() {
        return refused(LinkRefusal::Used);
    }
    let by = (parties.professional.id, AccountRole::Professional);
    let Some(index) = choice.time else {
        if stored.expires_at <= now {
            return refused(LinkRefusal::Expired);
        }
        if !repo::proposals::settle(txn, stored.id, ProposalStatus::Declined, None, now).await? {
            return refused(LinkRefusal::Used);
        }
        ask_for_other_times(txn, mail, &found, parties, &stored).await?;
        return Ok(Answered::OtherTimesAsked { match_id });
    };
    let Some(starts_at) = times_of(&stored)?.get(index).copied() else {
        return refused(LinkRefusal::Unknown);
    };
    if time_open_until(starts_at, stored.created_at) <= now {
        return refused(LinkRefusal::Expired);
    }
    let spec = ScheduleMeeting {
        starts_at: starts_at.fixed_offset(),
        duration_minutes: u16::try_from(stored.duration_minutes).unwrap_or(60),
        mode: MeetingMode::parse(&stored.mode).unwrap_or(MeetingMode::Online),
        location_or_url: stored.location_or_url.clone(),
    }
    .parse(now)
    .map_err(Error::Invalid)?;
    if !repo::proposals::settle(
        txn,
        stored.id,
        ProposalStatus::Confirmed,
        Some(starts_at),
        now,
    )
    .await?
    {
        return refused(LinkRefusal::Used);
    }
    let from = found.status()?;
    schedule_in(txn, mail, found, parties, from, &spec, by).await?;
    Ok(Answered::Scheduled {
        match_id,
        starts_at,
    })
}

/// Emails whoever proposed that none of the times works.
async fn ask_for_other_times(
    txn: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
    stored: &meeting_proposal::Model,
) -> Result<()> {
    let proposer = if stored.proposed_by == parties.owner.id {
        Some(parties.owner.clone())
    } else {
        repo::users::by_id(txn, stored.proposed_by).await?
    };
    let Some(proposer) = proposer.filter(|user| user.erased_at.is_none()) else {
        return Ok(());
    };
    let rendered = templates::meeting_times_declined(&templates::TimesDeclined {
        recipient_name: &proposer.display_name,
        region_name: &parties.region.name,
        need_title: &parties.need.title,
        with_name: &parties.professional.display_name,
        public_url: mail.public_url,
        match_id: found.id,
    });
    let email = NewEmail::new(
        kind::MEETING_TIMES_DECLINED,
        &proposer.email,
        &proposer.display_name,
        rendered,
    );
    outbox::enqueue(
        txn,
        email
            .to_user(proposer.id)
            .in_region(found.region_id)
            .about_match(found.id),
    )
    .await?;
    Ok(())
}

/// Times Musubi suggests for a match's meeting.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggested {
    /// The slots both sides share (or the professional's, see
    /// [`proposal::shared_slots`]).
    pub slots: Vec<MeetingSlot>,
    /// Up to three starts, the earliest first, none in the next 48 hours.
    pub times: Vec<DateTime<Utc>>,
}

/// The meeting slots of a stored need or profile (none when the column holds none).
fn slots_of(value: &serde_json::Value) -> Vec<MeetingSlot> {
    serde_json::from_value(value.clone()).unwrap_or_default()
}

/// The times to suggest for the meeting of a match's parties, as of `now`.
pub fn suggest_for(parties: &Parties, now: DateTime<Utc>) -> Suggested {
    let need = slots_of(&parties.need.meeting_slots);
    let professional = parties
        .profile
        .as_ref()
        .map(|profile| slots_of(&profile.meeting_slots))
        .unwrap_or_default();
    let slots = proposal::shared_slots(&need, &professional);
    let times = proposal::suggest(&slots, now);
    Suggested { slots, times }
}

/// Suggested times for the match's meeting, for whoever arranges it.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn suggested(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: MatchId,
    now: DateTime<Utc>,
) -> Result<Suggested> {
    let (found, parties) = allowed(db, actor, id, Action::ArrangeMeeting).await?;
    found.status()?.apply(Event::ScheduleMeeting)?;
    Ok(suggest_for(&parties, now))
}
