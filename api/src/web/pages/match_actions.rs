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
//!   date and time in Japan time) or moves it — or, with one or two more times filled
//!   in, proposes them all for the professional to pick (`services::proposals`);
//!   `POST /matches/{id}/meeting/cancel` calls it off.
//! - `POST /matches/{id}/outcome`: a coordinator records what came of the meeting.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{
    match_forms::{Again, MeetingInput, NoteForm, OutcomeInput, meeting_errors, outcome_value},
    matches::render,
};
use crate::{
    domain::{
        error::FieldErrors,
        ids::MatchId,
        matching::{MatchStatus, Outcome, OutcomeResult, Reason},
        proposal::ProposeTimes,
    },
    services::{self, matches::Mail},
    state::AppState,
    web::{
        caller::PageUser,
        csrf::CsrfForm,
        errors::PageError,
        form::Errors,
        frame::{Frame, see_other},
    },
};

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

/// The reason form sent back, with what the service found wrong in it.
fn reason_again(error: &services::Error, text: String) -> NoteForm {
    let error = match error {
        services::Error::Invalid(errors) => reason_error(errors),
        _ => None,
    };
    NoteForm { error, text }
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
    end_with_reason(&request, &state, &user, &id, form, Ending::Decline).await
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
    end_with_reason(&request, &state, &user, &id, form, Ending::Cancel).await
}

/// The two ways a match is ended with a reason.
#[derive(Debug, Clone, Copy)]
enum Ending {
    Decline,
    Cancel,
}

/// Ends the match as `ending` says, then shows it; on a refusal, the form again with
/// the reason kept.
async fn end_with_reason(
    request: &HttpRequest,
    state: &AppState,
    user: &PageUser,
    id: &str,
    form: ReasonForm,
    ending: Ending,
) -> Result<HttpResponse, PageError> {
    let id = match_id(id)?;
    let reason = Reason {
        reason: Some(form.reason.clone()),
    };
    let (db, actor, which) = (&state.db, &user.caller, MatchId(id));
    let result = match ending {
        Ending::Decline => services::matches::decline(db, mail(state), actor, which, reason).await,
        Ending::Cancel => services::matches::cancel(db, mail(state), actor, which, reason).await,
    };
    match result {
        Ok(_) => Ok(done(
            id,
            match ending {
                Ending::Decline => "declined",
                Ending::Cancel => "cancelled",
            },
        )),
        Err(error) => {
            let kept = Some(reason_again(&error, form.reason));
            let again = match ending {
                Ending::Decline => Again {
                    decline: kept,
                    ..Again::default()
                },
                Ending::Cancel => Again {
                    cancel: kept,
                    ..Again::default()
                },
            };
            failed(request, state, user, id, error, again).await
        }
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
    let more = input.more_times(&frame, &mut errors);
    let mode = meeting.mode;
    let proposing = !more.is_empty();
    let result = if errors.is_empty() && proposing {
        // Other times given: the professional is offered them all and picks one.
        let times = ProposeTimes {
            proposals: std::iter::once(meeting.starts_at)
                .chain(more.iter().map(|at| at.fixed_offset()))
                .collect(),
            duration_minutes: meeting.duration_minutes,
            mode: meeting.mode,
            location_or_url: meeting.location_or_url.clone(),
        };
        services::proposals::propose(
            &state.db,
            mail(&state),
            &user.caller,
            MatchId(id),
            times,
            (),
        )
        .await
    } else if errors.is_empty() {
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
        Ok(_) if proposing => Ok(done(id, "proposed")),
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
        Ok(_) => {
            // A contract may have filled the need's last place: its kind relays go out.
            services::relay::deliver_soon(
                state.db.clone(),
                state.ranking.clone(),
                state.settings.public_url.clone(),
            );
            Ok(done(id, "outcome"))
        }
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
