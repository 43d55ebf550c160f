//! The actions of `/matches/{id}`: each a form that posts to a path under the match and
//! comes back to it with a 303 (`?done=…` says what was done), or shows the page again
//! with the error beside its field and what was typed kept. Which forms the page shows
//! is [`services::matches::offers`]'s answer (the access policy and the state machine);
//! each action is the service the JSON API calls, which writes the emails.
//!
//! - `POST /matches/{id}/accept`: the scouted professional accepts.
//! - `POST /matches/{id}/decline`: the professional or the SME says no, with a reason.
//! - `POST /matches/{id}/cancel`: a coordinator of the region calls the match off.
//! - `POST /matches/{id}/meeting`: the SME or a coordinator schedules the meeting (a
//!   date and time in Japan time) or moves it; `POST /matches/{id}/meeting/cancel`
//!   calls it off.
//! - `POST /matches/{id}/outcome`: a coordinator records what came of the meeting.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use super::matches::render;
use crate::{
    domain::{
        error::FieldErrors,
        ids::MatchId,
        matching::{MatchStatus, Outcome, OutcomeResult, Reason},
        meeting::{MeetingMode, ScheduleMeeting},
    },
    entities::meeting,
    services::{self, matches::Mail},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        form::{Errors, SelectField, TextField},
        frame::{Frame, see_other},
    },
};

/// Japan is nine hours ahead of UTC all year (no daylight saving).
const TOKYO_HOURS: i64 = 9;

/// A form with a free-text note (a reason, an outcome's note), as the page draws it.
#[derive(Debug, Default)]
pub struct NoteForm {
    /// What was typed.
    pub text: String,
    /// What is wrong with it.
    pub error: Option<&'static str>,
}

/// The meeting form, as the page draws it.
#[derive(Debug)]
pub struct MeetingForm {
    /// Scheduling anew, or moving the scheduled meeting.
    pub moving: bool,
    /// Date, start time, duration.
    pub when: Vec<TextField>,
    /// Which mode is chosen (`online`, `onsite`, or none).
    pub mode: String,
    /// What is wrong with the mode.
    pub mode_error: Option<String>,
    /// The URL or the place (a one-item list, for `field.html`).
    pub place: Vec<TextField>,
}

impl MeetingForm {
    /// Whether `mode` is the chosen one.
    pub fn is_mode(&self, mode: &str) -> bool {
        self.mode == mode
    }
}

/// The outcome form, as the page draws it.
#[derive(Debug)]
pub struct OutcomeForm {
    /// What happened (a one-item list, for `select.html`).
    pub result: Vec<SelectField>,
    /// The note.
    pub note: NoteForm,
}

/// The forms of a match page, for the viewer.
#[derive(Debug, Default)]
pub struct Actions {
    /// `/matches/{id}`: every action posts under it.
    pub base: String,
    /// Why the last action could not be done (the match moved on meanwhile).
    pub refusal: Option<&'static str>,
    /// Accept the scout.
    pub accept: bool,
    /// Say no (the professional, the SME).
    pub decline: Option<NoteForm>,
    /// Call the match off (a coordinator).
    pub cancel: Option<NoteForm>,
    /// Schedule or move the meeting.
    pub meeting: Option<MeetingForm>,
    /// Call the meeting off.
    pub cancel_meeting: bool,
    /// Record the outcome (a coordinator).
    pub outcome: Option<OutcomeForm>,
}

impl Actions {
    /// Whether the page has any form.
    pub fn any(&self) -> bool {
        self.accept
            || self.decline.is_some()
            || self.cancel.is_some()
            || self.meeting.is_some()
            || self.cancel_meeting
            || self.outcome.is_some()
    }
}

/// What a form that failed sent, to draw it again.
#[derive(Debug, Default)]
pub struct Again {
    /// Why the action was refused as a whole.
    pub refusal: Option<&'static str>,
    /// The decline form as sent.
    pub decline: Option<NoteForm>,
    /// The cancel form as sent.
    pub cancel: Option<NoteForm>,
    /// The meeting form as sent, with its errors.
    pub meeting: Option<(MeetingInput, Errors)>,
    /// The outcome form as sent, with what is wrong with the result and the note.
    pub outcome: Option<(OutcomeInput, Option<&'static str>, Option<&'static str>)>,
}

/// The page's forms for a viewer offered `offers`, drawn afresh or as `again` sent them.
pub fn actions(
    frame: &Frame,
    id: Uuid,
    offers: &services::matches::Offers,
    current: Option<&meeting::Model>,
    again: Again,
    errors: &mut Errors,
) -> Actions {
    // (The handlers below are unit structs of these names: bind to others.)
    let Again {
        refusal,
        decline: sent_decline,
        cancel: sent_cancel,
        meeting: sent_meeting,
        outcome: sent_outcome,
    } = again;
    let moving = offers.cancel_meeting;
    let meeting_form = offers.schedule.then(|| {
        let (input, sent_errors) = sent_meeting.unwrap_or_else(|| {
            (
                current
                    .filter(|_| moving)
                    .map(MeetingInput::of)
                    .unwrap_or_default(),
                Errors::default(),
            )
        });
        let form = meeting_form(frame, moving, &input, &sent_errors);
        *errors = sent_errors;
        form
    });
    let outcome_form = (!offers.outcomes.is_empty()).then(|| {
        let (input, result_error, note_error) = sent_outcome.unwrap_or_default();
        let choices = offers.outcomes.iter().map(|result| {
            let key = match result {
                OutcomeResult::Met => "match.outcome.met",
                OutcomeResult::Contracted => "match.outcome.contracted",
                OutcomeResult::Declined => "match.outcome.declined",
            };
            (outcome_value(*result).to_owned(), frame.msg(key).to_owned())
        });
        let mut select = SelectField::new(
            "result",
            frame.msg("match.outcome.result"),
            frame.msg("match.outcome.choose"),
            choices,
            &input.result,
        );
        select.error = result_error.map(|key| frame.msg(key).to_owned());
        OutcomeForm {
            result: vec![select],
            note: NoteForm {
                text: input.note,
                error: note_error,
            },
        }
    });
    Actions {
        base: format!("/matches/{id}"),
        refusal,
        accept: offers.accept,
        decline: offers.decline.then(|| sent_decline.unwrap_or_default()),
        cancel: offers.cancel.then(|| sent_cancel.unwrap_or_default()),
        meeting: meeting_form,
        cancel_meeting: offers.cancel_meeting,
        outcome: outcome_form,
    }
}

fn outcome_value(result: OutcomeResult) -> &'static str {
    match result {
        OutcomeResult::Met => "met",
        OutcomeResult::Contracted => "contracted",
        OutcomeResult::Declined => "declined",
    }
}

fn meeting_form(frame: &Frame, moving: bool, input: &MeetingInput, errors: &Errors) -> MeetingForm {
    let when = vec![
        TextField::new("date", frame.msg("match.schedule.date"), "date")
            .value(&input.date)
            .required()
            .error(errors),
        TextField::new("time", frame.msg("match.schedule.time"), "time")
            .value(&input.time)
            .required()
            .error(errors),
        TextField::new(
            "duration_minutes",
            frame.msg("match.schedule.duration"),
            "number",
        )
        .value(&input.duration_minutes)
        .hint(frame.msg("match.schedule.duration.hint"))
        .required()
        .error(errors),
    ];
    let place = TextField::new("location_or_url", frame.msg("match.schedule.place"), "text")
        .value(&input.location_or_url)
        .hint(frame.msg("match.schedule.place.hint"))
        .required()
        .error(errors);
    MeetingForm {
        moving,
        when,
        mode: input.mode.clone(),
        mode_error: errors.of("mode").map(str::to_owned),
        place: vec![place],
    }
}

fn match_id(id: &str) -> Result<Uuid, PageError> {
    Uuid::parse_str(id).map_err(|_| PageError::NotFound)
}

fn done(id: Uuid, what: &str) -> HttpResponse {
    see_other(&format!("/matches/{id}?done={what}")).finish()
}

fn mail(state: &AppState) -> Mail<'_> {
    Mail::from(&*state.settings)
}

/// The answer to an action that failed: the page again with what went wrong, or the
/// error page of a match the viewer may not act on.
async fn failed(
    request: &HttpRequest,
    state: &AppState,
    user: &PageUser,
    id: Uuid,
    error: services::Error,
    mut again: Again,
) -> Result<HttpResponse, PageError> {
    let status = match error {
        services::Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        services::Error::Conflict(..) => {
            again = Again {
                refusal: Some("match.refused.changed"),
                ..Again::default()
            };
            StatusCode::CONFLICT
        }
        other => return Err(other.into()),
    };
    render(request, state, user, id, status, None, again).await
}

/// What a form with only its token sends.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// The scouted professional accepts.
#[post("/matches/{id}/accept")]
pub async fn accept(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    match services::matches::accept(&state.db, mail(&state), &user.caller, MatchId(id)).await {
        Ok(_) => Ok(done(id, "accepted")),
        Err(error) => failed(&request, &state, &user, id, error, Again::default()).await,
    }
}

/// What the decline and cancel forms send.
#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

fn reason_error(errors: &FieldErrors) -> Option<&'static str> {
    errors
        .iter()
        .any(|error| error.field == "reason")
        .then_some("match.note.invalid")
}

/// The professional or the SME says no.
#[post("/matches/{id}/decline")]
pub async fn decline(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let reason = Reason {
        reason: Some(form.reason.clone()),
    };
    match services::matches::decline(&state.db, mail(&state), &user.caller, MatchId(id), reason)
        .await
    {
        Ok(_) => Ok(done(id, "declined")),
        Err(error) => {
            let again = Again {
                decline: Some(NoteForm {
                    error: match &error {
                        services::Error::Invalid(errors) => reason_error(errors),
                        _ => None,
                    },
                    text: form.reason,
                }),
                ..Again::default()
            };
            failed(&request, &state, &user, id, error, again).await
        }
    }
}

/// A coordinator of the region calls the match off.
#[post("/matches/{id}/cancel")]
pub async fn cancel(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let reason = Reason {
        reason: Some(form.reason.clone()),
    };
    match services::matches::cancel(&state.db, mail(&state), &user.caller, MatchId(id), reason)
        .await
    {
        Ok(_) => Ok(done(id, "cancelled")),
        Err(error) => {
            let again = Again {
                cancel: Some(NoteForm {
                    error: match &error {
                        services::Error::Invalid(errors) => reason_error(errors),
                        _ => None,
                    },
                    text: form.reason,
                }),
                ..Again::default()
            };
            failed(&request, &state, &user, id, error, again).await
        }
    }
}

/// What the meeting form sends: the date and time in Japan time.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingInput {
    #[serde(default)]
    date: String,
    #[serde(default)]
    time: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    location_or_url: String,
}

impl MeetingInput {
    /// The form filled with the scheduled meeting, to move it.
    fn of(meeting: &meeting::Model) -> Self {
        let local = meeting.starts_at + Duration::hours(TOKYO_HOURS);
        Self {
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            duration_minutes: meeting.duration_minutes.to_string(),
            mode: meeting.mode.clone(),
            location_or_url: meeting.location_or_url.clone(),
        }
    }

    /// The request the service takes, and what is wrong with the form as a form (an
    /// unreadable date or time, no mode). With such errors the request holds
    /// stand-ins, so the rules of the other fields can still be told.
    fn request(&self, frame: &Frame, errors: &mut Errors) -> ScheduleMeeting {
        let date = NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
            .inspect_err(|_| errors.add("date", frame.msg("match.schedule.date.invalid")))
            .ok();
        let time = ["%H:%M", "%H:%M:%S"]
            .iter()
            .find_map(|format| NaiveTime::parse_from_str(self.time.trim(), format).ok());
        if time.is_none() {
            errors.add("time", frame.msg("match.schedule.time.invalid"));
        }
        let starts_at = match (date, time) {
            (Some(date), Some(time)) => DateTime::<Utc>::from_naive_utc_and_offset(
                NaiveDateTime::new(date, time) - Duration::hours(TOKYO_HOURS),
                Utc,
            ),
            _ => Utc::now() + Duration::days(1),
        };
        let duration_minutes = self.duration_minutes.trim().parse().unwrap_or_else(|_| {
            errors.add(
                "duration_minutes",
                frame.msg("match.schedule.duration.invalid"),
            );
            60
        });
        let mode = MeetingMode::parse(&self.mode).unwrap_or_else(|| {
            errors.add("mode", frame.msg("match.schedule.mode.missing"));
            MeetingMode::Onsite
        });
        ScheduleMeeting {
            starts_at: starts_at.fixed_offset(),
            duration_minutes,
            mode,
            location_or_url: self.location_or_url.clone(),
        }
    }
}

/// The meeting's rules broken, beside their fields.
fn meeting_errors(frame: &Frame, mode: MeetingMode, found: &FieldErrors, errors: &mut Errors) {
    for error in found {
        let (field, key) = match error.field.as_str() {
            "starts_at" => ("date", "match.schedule.starts.past"),
            "duration_minutes" => ("duration_minutes", "match.schedule.duration.invalid"),
            "location_or_url" if mode == MeetingMode::Online => {
                ("location_or_url", "match.schedule.url.invalid")
            }
            _ => ("location_or_url", "match.schedule.place.invalid"),
        };
        errors.add(field, frame.msg(key));
    }
}

/// Schedules the meeting, or moves the scheduled one.
#[post("/matches/{id}/meeting")]
pub async fn schedule(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<MeetingInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let frame = Frame::new(&request, Some(&user));
    let mut errors = Errors::default();
    let meeting = input.request(&frame, &mut errors);
    let mode = meeting.mode;
    let result = if errors.is_empty() {
        services::meetings::schedule(
            &state.db,
            mail(&state),
            &user.caller,
            MatchId(id),
            meeting,
            (),
        )
        .await
    } else {
        // Tell the other fields' rules too, as the service would.
        if let Err(found) = meeting.parse(Utc::now()) {
            meeting_errors(&frame, mode, &found, &mut errors);
        }
        Err(services::Error::Invalid(Vec::new()))
    };
    match result {
        Ok(record) => {
            let moved = record
                .history
                .iter()
                .rev()
                .nth(1)
                .is_some_and(|event| event.to_status == MatchStatus::MeetingScheduled.as_str());
            Ok(done(id, if moved { "rescheduled" } else { "scheduled" }))
        }
        Err(error) => {
            if let services::Error::Invalid(found) = &error {
                meeting_errors(&frame, mode, found, &mut errors);
            }
            let again = Again {
                meeting: Some((input, errors)),
                ..Again::default()
            };
            failed(&request, &state, &user, id, error, again).await
        }
    }
}

/// Calls the scheduled meeting off.
#[post("/matches/{id}/meeting/cancel")]
pub async fn cancel_meeting(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    match services::meetings::cancel(&state.db, mail(&state), &user.caller, MatchId(id)).await {
        Ok(_) => Ok(done(id, "meeting_cancelled")),
        Err(error) => failed(&request, &state, &user, id, error, Again::default()).await,
    }
}

/// What the outcome form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutcomeInput {
    #[serde(default)]
    result: String,
    #[serde(default)]
    note: String,
}

/// A coordinator records what came of the meeting.
#[post("/matches/{id}/outcome")]
pub async fn outcome(
    request: HttpRequest,
    state: web::Data<AppState>,
    user: PageUser,
    id: web::Path<String>,
    CsrfForm(input): CsrfForm<OutcomeInput>,
) -> Result<HttpResponse, PageError> {
    let id = match_id(&id)?;
    let result = [
        OutcomeResult::Met,
        OutcomeResult::Contracted,
        OutcomeResult::Declined,
    ]
    .into_iter()
    .find(|result| outcome_value(*result) == input.result);
    let answer = match result {
        Some(result) => {
            let outcome = Outcome {
                result,
                note: input.note.clone(),
            };
            services::matches::record_outcome(&state.db, &user.caller, MatchId(id), outcome, ())
                .await
        }
        None => Err(services::Error::Invalid(Vec::new())),
    };
    match answer {
        Ok(_) => Ok(done(id, "outcome")),
        Err(error) => {
            let note_error = match &error {
                services::Error::Invalid(errors) => errors
                    .iter()
                    .any(|error| error.field == "note")
                    .then_some("match.note.invalid"),
                _ => None,
            };
            let result_error = result.is_none().then_some("match.outcome.missing");
            let again = Again {
                outcome: Some((input, result_error, note_error)),
                ..Again::default()
            };
            failed(&request, &state, &user, id, error, again).await
        }
    }
}
