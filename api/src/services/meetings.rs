//! Introduction meetings (面談): schedule, reschedule, cancel. Each change emails every
//! participant an RFC 5545 invitation (one UID for the meeting's life, a higher SEQUENCE
//! on each change, METHOD:CANCEL when it is off) and keeps one reminder queued for 24
//! hours before the start.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{
    Result,
    matches::{
        BeforeCommit, Mail, MatchRecord, Parties, allowed, changed_meanwhile, committed, gate,
        record,
    },
};
use crate::{
    access::{Action, Actor},
    domain::{
        account::AccountRole,
        ids::MatchId,
        matching::{Event, MatchStatus},
        meeting::{MeetingSpec, MeetingStatus, ScheduleMeeting},
    },
    email::{
        ics,
        outbox::{self, Calendar, NewEmail, kind},
        templates,
    },
    entities::{matches, meeting, user},
    repo,
};

/// The reminder goes out this long before the start.
const REMINDER_BEFORE_HOURS: i64 = 24;

/// Who is invited: the professional, the SME's contact, and the coordinator.
fn attendees(parties: &Parties) -> Vec<&user::Model> {
    let mut people = vec![&parties.professional, &parties.owner];
    if let Some(coordinator) = &parties.coordinator {
        people.push(coordinator);
    }
    people
        .into_iter()
        .filter(|user| user.erased_at.is_none())
        .collect()
}

fn invitation(parties: &Parties, meeting: &meeting::Model) -> ics::Meeting {
    let organizer = parties.coordinator.as_ref().unwrap_or(&parties.owner);
    ics::Meeting {
        uid: meeting.uid.clone(),
        sequence: u32::try_from(meeting.sequence).unwrap_or_default(),
        starts_at: meeting.starts_at,
        duration_minutes: u32::try_from(meeting.duration_minutes).unwrap_or(60),
        summary: format!(
            "【Musubi】面談: {} / Introduction meeting",
            parties.need.title
        ),
        description: format!(
            "{} と {} の面談です。\nIntroduction meeting between {} and {}.",
            parties.organization.name,
            parties.professional.display_name,
            parties.organization.name,
            parties.professional.display_name
        ),
        location: meeting.location_or_url.clone(),
        organizer: ics::Party::new(organizer.display_name.clone(), organizer.email.clone()),
        attendees: attendees(parties)
            .into_iter()
            .map(|user| ics::Party::new(user.display_name.clone(), user.email.clone()))
            .collect(),
        stamp: repo::now(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    New,
    Updated,
    Cancelled,
}

/// Who the recipient meets, in their email.
fn counterpart_of(parties: &Parties, user: &user::Model) -> String {
    if user.id == parties.professional.id {
        parties.organization.name.clone()
    } else if user.id == parties.owner.id {
        parties.professional.display_name.clone()
    } else {
        format!(
            "{} / {}",
            parties.organization.name, parties.professional.display_name
        )
    }
}

async fn notify(
    db: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
    meeting: &meeting::Model,
    notice: Notice,
    previous_starts_at: Option<DateTime<Utc>>,
) -> anyhow::Result<()> {
    let document = invitation(parties, meeting);
    let calendar = if notice == Notice::Cancelled {
        Calendar::cancel(&document)
    } else {
        Calendar::request(&document)
    };
    let mode = meeting.mode()?;
    for user in attendees(parties) {
        let with_name = counterpart_of(parties, user);
        let context = templates::MeetingNotice {
            recipient_name: &user.display_name,
            region_name: &parties.region.name,
            need_title: &parties.need.title,
            with_name: &with_name,
            starts_at: meeting.starts_at,
            duration_minutes: u32::try_from(meeting.duration_minutes).unwrap_or(60),
            mode,
            location_or_url: &meeting.location_or_url,
            previous_starts_at,
            reason: None,
            public_url: mail.public_url,
            match_id: found.id,
        };
        let (kind, rendered) = match notice {
            Notice::New => (
                kind::MEETING_INVITATION,
                templates::meeting_invitation(&context),
            ),
            Notice::Updated => (kind::MEETING_UPDATED, templates::meeting_updated(&context)),
            Notice::Cancelled => (
                kind::MEETING_CANCELLED,
                templates::meeting_cancelled(&context),
            ),
        };
        let email = NewEmail::new(kind, &user.email, &user.display_name, rendered)
            .with_calendar(calendar.clone());
        outbox::enqueue(
            db,
            email
                .to_user(user.id)
                .in_region(found.region_id)
                .about_match(found.id),
        )
        .await?;
        if notice != Notice::Cancelled {
            let remind_at =
                (meeting.starts_at - Duration::hours(REMINDER_BEFORE_HOURS)).max(repo::now());
            let reminder = NewEmail::new(
                kind::MEETING_REMINDER,
                &user.email,
                &user.display_name,
                templates::meeting_reminder(&context),
            );
            outbox::enqueue(
                db,
                reminder
                    .to_user(user.id)
                    .in_region(found.region_id)
                    .about_match(found.id)
                    .send_after(remind_at),
            )
            .await?;
        }
    }
    Ok(())
}

/// Schedules the introduction meeting, or moves it (same UID, higher SEQUENCE, the old
/// reminder replaced). The coordinators of the region and the SME arrange meetings.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn schedule(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
    request: ScheduleMeeting,
    before_commit: impl BeforeCommit<MatchRecord>,
) -> Result<MatchRecord> {
    gate(actor, Action::ArrangeMeeting)?;
    let spec = request.parse(repo::now()).map_err(super::Error::Invalid)?;
    let (found, parties) = allowed(db, actor, id, Action::ArrangeMeeting).await?;
    let from = found.status()?;
    from.apply(Event::ScheduleMeeting)?;
    committed(db, async move |txn| {
        let by = (actor.id, actor.role);
        let updated = schedule_in(txn, mail, found, &parties, from, &spec, by).await?;
        let record = record(txn, updated, parties).await?;
        before_commit.run(txn, &record).await?;
        Ok(record)
    })
    .await
}

/// Schedules the meeting of `found` (in `from`) as `spec` says, or moves it, inside the
/// caller's transaction, by `by`: the meeting saved, the match moved to
/// `meeting_scheduled` and its history written, the invitation (or its update) queued for
/// everyone with the reminder, and any times still proposed for it withdrawn (their
/// links stop working). A time chosen from a proposal is scheduled by this same step.
pub(super) async fn schedule_in(
    txn: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: matches::Model,
    parties: &Parties,
    from: MatchStatus,
    spec: &MeetingSpec,
    by: (uuid::Uuid, AccountRole),
) -> Result<matches::Model> {
    let to = from.apply(Event::ScheduleMeeting)?;
    let rescheduling = from == MatchStatus::MeetingScheduled;
    let slot = repo::matches::MeetingSlot {
        starts_at: spec.starts_at(),
        duration_minutes: i32::from(spec.duration_minutes()),
        mode: spec.mode(),
        location_or_url: spec.location_or_url().to_owned(),
    };
    let previous = repo::matches::current_meeting(txn, found.id)
        .await?
        .map(|meeting| meeting.starts_at);
    let meeting = repo::matches::schedule_meeting(txn, found.id, slot).await?;
    let note = format!(
        "{} {}",
        meeting.starts_at.to_rfc3339(),
        spec.mode().as_str()
    );
    let updated = repo::matches::transition(txn, found, from, to, Some(by), &note)
        .await?
        .ok_or_else(changed_meanwhile)?;
    if rescheduling {
        outbox::cancel_pending(txn, updated.id, kind::MEETING_REMINDER).await?;
    }
    let notice = if rescheduling {
        Notice::Updated
    } else {
        Notice::New
    };
    let previous = previous.filter(|_| rescheduling);
    notify(txn, mail, &updated, parties, &meeting, notice, previous).await?;
    let at = repo::now();
    repo::proposals::replace_pending(txn, updated.id, at).await?;
    super::links::retire(txn, updated.id, super::links::Purpose::MeetingTime, at).await?;
    Ok(updated)
}

/// The `.ics` of a match's meeting, for the parties to download: the invitation while it
/// stands, the cancellation once it is off (same UID and sequence as the last email);
/// `None` when the match has no meeting. The door decides who may have it.
pub fn calendar(record: &MatchRecord) -> Option<String> {
    let meeting = record.meeting.as_ref()?;
    let document = invitation(&record.parties, meeting);
    Some(if meeting.status == MeetingStatus::Cancelled.as_str() {
        ics::cancel(&document)
    } else {
        ics::request(&document)
    })
}

/// Calls off the current meeting; the match goes back to `introduced`.
#[tracing::instrument(skip_all, fields(user_id = %actor.id, match_id = %id))]
pub async fn cancel(
    db: &DatabaseConnection,
    mail: Mail<'_>,
    actor: &Actor,
    id: MatchId,
) -> Result<MatchRecord> {
    let (found, parties) = allowed(db, actor, id, Action::ArrangeMeeting).await?;
    let from = found.status()?;
    let to = from.apply(Event::CancelMeeting)?;
    committed(db, async move |txn| {
        let by = Some((actor.id, actor.role));
        let updated = repo::matches::transition(txn, found, from, to, by, "meeting cancelled")
            .await?
            .ok_or_else(changed_meanwhile)?;
        call_off(txn, mail, &updated, &parties).await?;
        record(txn, updated, parties).await
    })
    .await
}

/// Cancels the match's scheduled meeting, if any: METHOD:CANCEL to everyone, reminder
/// withdrawn; times still proposed are withdrawn too (their links stop working). Used
/// when a meeting is cancelled and when the whole match ends.
pub(super) async fn call_off(
    db: &impl ConnectionTrait,
    mail: Mail<'_>,
    found: &matches::Model,
    parties: &Parties,
) -> anyhow::Result<()> {
    let at = repo::now();
    repo::proposals::replace_pending(db, found.id, at).await?;
    crate::repo::action_links::retire(
        db,
        found.id,
        super::links::Purpose::MeetingTime.as_str(),
        at,
    )
    .await?;
    let Some(meeting) = repo::matches::current_meeting(db, found.id).await? else {
        return Ok(());
    };
    if meeting.status()? != MeetingStatus::Scheduled {
        return Ok(());
    }
    let meeting = repo::matches::set_meeting_status(db, meeting, MeetingStatus::Cancelled).await?;
    outbox::cancel_pending(db, found.id, kind::MEETING_REMINDER).await?;
    notify(db, mail, found, parties, &meeting, Notice::Cancelled, None).await
}
