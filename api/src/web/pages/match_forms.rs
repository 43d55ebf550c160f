//! What the forms of a match page ([`super::match_actions`]) show and send: each form
//! as the page draws it (afresh, or sent back with its errors and what was typed), and
//! the meeting form read in Japan time.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    domain::{
        error::FieldErrors,
        matching::OutcomeResult,
        meeting::{MeetingMode, ScheduleMeeting},
    },
    entities::meeting,
    services,
    web::{
        form::{Errors, SelectField, TextField},
        frame::Frame,
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
    /// Up to two more times to propose instead (dates and times), the professional
    /// choosing one.
    pub more: Vec<TextField>,
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

/// The page's forms for a viewer offered `offers`, drawn afresh or as `again` sent them;
/// a first meeting's form is filled with the `suggested` time, if any.
pub fn actions(
    frame: &Frame,
    id: Uuid,
    offers: &services::matches::Offers,
    current: Option<&meeting::Model>,
    again: Again,
    errors: &mut Errors,
    suggested: Option<DateTime<Utc>>,
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
                    .map_or_else(|| MeetingInput::new(suggested), MeetingInput::of),
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

pub(super) fn outcome_value(result: OutcomeResult) -> &'static str {
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
    let more = [
        ("date2", "time2", &input.date2, &input.time2),
        ("date3", "time3", &input.date3, &input.time3),
    ]
    .into_iter()
    .flat_map(|(date_id, time_id, date, time)| {
        [
            TextField::new(date_id, frame.msg("match.proposal.form.date"), "date")
                .value(date)
                .error(errors),
            TextField::new(time_id, frame.msg("match.proposal.form.time"), "time")
                .value(time)
                .error(errors),
        ]
    })
    .collect();
    MeetingForm {
        moving,
        when,
        mode: input.mode.clone(),
        mode_error: errors.of("mode").map(str::to_owned),
        place: vec![place],
        more,
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
    /// A second time to propose (optional).
    #[serde(default)]
    date2: String,
    #[serde(default)]
    time2: String,
    /// A third time to propose (optional).
    #[serde(default)]
    date3: String,
    #[serde(default)]
    time3: String,
}

/// A date and a time typed in Japan time, as an instant; `None` when unreadable.
fn tokyo_instant(date: &str, time: &str) -> Option<DateTime<Utc>> {
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    let time = ["%H:%M", "%H:%M:%S"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(time.trim(), format).ok())?;
    Some(DateTime::<Utc>::from_naive_utc_and_offset(
        NaiveDateTime::new(date, time) - Duration::hours(TOKYO_HOURS),
        Utc,
    ))
}

/// The length a new meeting form suggests: an introduction meeting is about an hour.
const SUGGESTED_MINUTES: &str = "60";

impl MeetingInput {
    /// The form for a first meeting: the suggested time (where both sides' meeting
    /// slots meet, see `services::proposals::suggest_for`), the usual length, online.
    fn new(suggested: Option<DateTime<Utc>>) -> Self {
        let local = suggested.map(|at| at + Duration::hours(TOKYO_HOURS));
        Self {
            date: local
                .map(|at| at.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            time: local
                .map(|at| at.format("%H:%M").to_string())
                .unwrap_or_default(),
            duration_minutes: SUGGESTED_MINUTES.to_owned(),
            mode: "online".to_owned(),
            ..Self::default()
        }
    }

    /// The form filled with the scheduled meeting, to move it.
    fn of(meeting: &meeting::Model) -> Self {
        let local = meeting.starts_at + Duration::hours(TOKYO_HOURS);
        Self {
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            duration_minutes: meeting.duration_minutes.to_string(),
            mode: meeting.mode.clone(),
            location_or_url: meeting.location_or_url.clone(),
            ..Self::default()
        }
    }

    /// The other times typed to propose (the second, the third), in order; an
    /// unreadable one is an error beside its date.
    pub(super) fn more_times(&self, frame: &Frame, errors: &mut Errors) -> Vec<DateTime<Utc>> {
        let mut times = Vec::new();
        for (field, date, time) in [
            ("date2", &self.date2, &self.time2),
            ("date3", &self.date3, &self.time3),
        ] {
            if date.trim().is_empty() && time.trim().is_empty() {
                continue;
            }
            match tokyo_instant(date, time) {
                Some(at) => times.push(at),
                None => errors.add(field, frame.msg("match.proposal.form.invalid")),
            }
        }
        times
    }

    /// The request the service takes, and what is wrong with the form as a form (an
    /// unreadable date or time, no mode). With such errors the request holds
    /// stand-ins, so the rules of the other fields can still be told.
    pub(super) fn request(&self, frame: &Frame, errors: &mut Errors) -> ScheduleMeeting {
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
pub(super) fn meeting_errors(
    frame: &Frame,
    mode: MeetingMode,
    found: &FieldErrors,
    errors: &mut Errors,
) {
    for error in found {
        let (field, key) = match error.field.as_str() {
            "starts_at" | "proposals[0]" | "proposals" => ("date", "match.schedule.starts.past"),
            "proposals[1]" | "proposals[2]" => (
                if error.field == "proposals[1]" {
                    "date2"
                } else {
                    "date3"
                },
                if error.message.contains("repeats") {
                    "match.proposal.form.repeated"
                } else {
                    "match.schedule.starts.past"
                },
            ),
            "duration_minutes" => ("duration_minutes", "match.schedule.duration.invalid"),
            "location_or_url" if mode == MeetingMode::Online => {
                ("location_or_url", "match.schedule.url.invalid")
            }
            _ => ("location_or_url", "match.schedule.place.invalid"),
        };
        errors.add(field, frame.msg(key));
    }
}

/// What the outcome form sends.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutcomeInput {
    #[serde(default)]
    pub(super) result: String,
    #[serde(default)]
    pub(super) note: String,
}
