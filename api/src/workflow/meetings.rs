//! Introduction meetings (面談): schedule, reschedule, cancel. Each change emails every
//! participant an RFC 5545 invitation (one UID for the meeting's life, a higher SEQUENCE
//! on each change, METHOD:CANCEL when it is off) and keeps one reminder queued for 24
//! hours before the start.

use actix_web::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{matches::in_transaction, parties::Parties, view};
use crate::{
    auth::{AccountRole, AuthUser},
    domain::{
        matching::{Event, MatchStatus},
        text::Errors,
    },
    email::{
        ics,
        outbox::{self, Calendar, NewEmail, kind},
        templates,
    },
    entities::{matches, meeting, user},
    error::{ApiError, ApiResult},
    idempotency::Claim,
    repo,
    state::AppState,
};

/// How the meeting happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingMode {
    /// A video call.
    Online,
    /// On site (フィールドワーク).
    Onsite,
}

impl MeetingMode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Onsite => "onsite",
        }
    }
}

/// `POST /matches/{id}/meetings`: schedule, or reschedule the current meeting.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleMeeting {
    /// Start, RFC 3339 with offset (e.g. `2027-01-15T19:00:00+09:00`).
    pub starts_at: DateTime<chrono::FixedOffset>,
    /// Length, 15–480 minutes.
    pub duration_minutes: u16,
    /// Online or on site.
    pub mode: MeetingMode,
    /// Online: the video link, an `https://` URL. On site: the place, one line. 1–500 characters.
    pub location_or_url: String,
}

/// An online meeting's link must be an `https://` URL (it becomes a link in every
/// invitation, so `javascript:` or plain `http:` never may); an on-site place is one line
/// of text. Both go into email and calendar lines, so neither may hold a line break.
fn check_location(errors: &mut Errors, mode: MeetingMode, value: &str) {
    const FIELD: &str = "location_or_url";
    if errors.line(FIELD, value, 1, 500).is_none() || mode == MeetingMode::Onsite {
        return;
    }
    match url::Url::parse(value.trim()) {
        Ok(link) if link.scheme() == "https" && link.host_str().is_some_and(|h| !h.is_empty()) => {}
        Ok(_) => errors.add(FIELD, "an online meeting's link must be an https:// URL"),
        Err(_) => errors.add(
            FIELD,
            "an online meeting's link must be an https:// URL, e.g. https://meet.example.jp/abc",
        ),
    }
}

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
    txn: &DatabaseTransaction,
    public_url: &str,
    found: &matches::Model,
    parties: &Parties,
    meeting: &meeting::Model,
    notice: Notice,
    previous_starts_at: Option<DateTime<Utc>>,
) -> ApiResult<()> {
    let document = invitation(parties, meeting);
    let calendar = if notice == Notice::Cancelled {
        Calendar::cancel(&document)
    } else {
        Calendar::request(&document)
    };
    let mode = if meeting.mode == "online" {
        templates::MeetingMode::Online
    } else {
        templates::MeetingMode::Onsite
    };
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
            public_url,
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
            txn,
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
                txn,
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
/// reminder replaced).
pub async fn schedule(
    state: &AppState,
    caller: &AuthUser,
    id: Uuid,
    request: ScheduleMeeting,
    claim: Claim,
) -> ApiResult<view::MatchView> {
    if caller.role == AccountRole::Professional {
        return Err(ApiError::Forbidden(
            "meetings are arranged by the coordinator or the SME",
        ));
    }
    let mut errors = Errors::default();
    errors.range("duration_minutes", request.duration_minutes, 15, 480);
    check_location(&mut errors, request.mode, &request.location_or_url);
    let starts_at = request.starts_at.with_timezone(&Utc);
    if starts_at <= repo::now() {
        errors.add("starts_at", "must be in the future");
    }
    errors.finish()?;
    let (found, _) = super::matches::visible(state, caller, id).await?;
    let from = MatchStatus::parse(&found.status).unwrap_or(MatchStatus::Cancelled);
    let to = from.apply(Event::ScheduleMeeting)?;
    let caller = caller.clone();
    let public_url = state.settings.public_url.clone();
    in_transaction(state, move |txn| {
        Box::pin(async move {
            let rescheduling = from == MatchStatus::MeetingScheduled;
            let slot = repo::matches::MeetingSlot {
                starts_at,
                duration_minutes: i32::from(request.duration_minutes),
                mode: request.mode.as_str().to_owned(),
                location_or_url: request.location_or_url.clone(),
            };
            let previous = repo::matches::current_meeting(txn, found.id)
                .await?
                .map(|meeting| meeting.starts_at);
            let meeting = repo::matches::schedule_meeting(txn, found.id, slot).await?;
            let note = format!(
                "{} {}",
                meeting.starts_at.to_rfc3339(),
                request.mode.as_str()
            );
            let updated = repo::matches::transition(
                txn,
                found,
                from,
                to,
                Some((caller.id, caller.role)),
                &note,
            )
            .await?;
            let parties = Parties::of_match(txn, &updated).await?;
            if rescheduling {
                outbox::cancel_pending(txn, updated.id, kind::MEETING_REMINDER).await?;
            }
            let notice = if rescheduling {
                Notice::Updated
            } else {
                Notice::New
            };
            notify(
                txn,
                &public_url,
                &updated,
                &parties,
                &meeting,
                notice,
                previous.filter(|_| rescheduling),
            )
            .await?;
            let view = view::build(txn, &caller, &updated, &parties).await?;
            claim.complete(txn, StatusCode::CREATED, &view).await?;
            Ok(view)
        })
    })
    .await
}

/// Calls off the current meeting; the match goes back to `introduced`.
pub async fn cancel(state: &AppState, caller: &AuthUser, id: Uuid) -> ApiResult<view::MatchView> {
    if caller.role == AccountRole::Professional {
        return Err(ApiError::Forbidden(
            "meetings are arranged by the coordinator or the SME",
        ));
    }
    let (found, _) = super::matches::visible(state, caller, id).await?;
    let from = MatchStatus::parse(&found.status).unwrap_or(MatchStatus::Cancelled);
    let to = from.apply(Event::CancelMeeting)?;
    let caller = caller.clone();
    let public_url = state.settings.public_url.clone();
    in_transaction(state, move |txn| {
        Box::pin(async move {
            let updated = repo::matches::transition(
                txn,
                found,
                from,
                to,
                Some((caller.id, caller.role)),
                "meeting cancelled",
            )
            .await?;
            let parties = Parties::of_match(txn, &updated).await?;
            call_off(txn, &public_url, &updated, &parties).await?;
            view::build(txn, &caller, &updated, &parties).await
        })
    })
    .await
}

/// Cancels the match's scheduled meeting, if any: METHOD:CANCEL to everyone, reminder
/// withdrawn. Used when a meeting is cancelled and when the whole match ends.
pub async fn call_off(
    txn: &DatabaseTransaction,
    public_url: &str,
    found: &matches::Model,
    parties: &Parties,
) -> ApiResult<()> {
    let Some(meeting) = repo::matches::current_meeting(txn, found.id)
        .await?
        .filter(|m| m.status == "scheduled")
    else {
        return Ok(());
    };
    let meeting = repo::matches::set_meeting_status(txn, meeting, "cancelled").await?;
    outbox::cancel_pending(txn, found.id, kind::MEETING_REMINDER).await?;
    notify(
        txn,
        public_url,
        found,
        parties,
        &meeting,
        Notice::Cancelled,
        None,
    )
    .await
}
