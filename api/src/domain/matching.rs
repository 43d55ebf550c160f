//! The match state machine of API.md. Every transition is checked here, in one table;
//! anything else is an `IllegalTransition` that names the current state (409).
//!
//! ```text
//! proposed ──accept──► introduced ──schedule──► meeting_scheduled ──met──► met ──contracted──► contracted
//!    │                     ▲                        │   ▲ (reschedule)         └──declined──► declined
//!    │                     └────cancel meeting──────┘   │
//!    └── any state before met ──decline / cancel──► cancelled
//! ```

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    error::FieldErrors,
    ids::{NeedId, UserId},
    text::{Errors, MultiLine},
};

/// Where a match stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchStatus {
    /// Scouted: waiting for the professional to accept.
    Proposed,
    /// Both sides have each other's contact.
    Introduced,
    /// An introduction meeting is on the calendar.
    MeetingScheduled,
    /// They met.
    Met,
    /// They agreed to work together.
    Contracted,
    /// They met and decided not to.
    Declined,
    /// Stopped before they met.
    Cancelled,
}

impl MatchStatus {
    /// Every status.
    pub const ALL: [MatchStatus; 7] = [
        Self::Proposed,
        Self::Introduced,
        Self::MeetingScheduled,
        Self::Met,
        Self::Contracted,
        Self::Declined,
        Self::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Introduced => "introduced",
            Self::MeetingScheduled => "meeting_scheduled",
            Self::Met => "met",
            Self::Contracted => "contracted",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    /// Whether contact details have been exchanged in this state.
    pub fn contact_shared(self) -> bool {
        !matches!(self, Self::Proposed | Self::Cancelled)
    }

    /// Whether the match is over.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Contracted | Self::Declined | Self::Cancelled)
    }

    /// The state after `event`, or the reason it cannot happen now.
    pub fn apply(self, event: Event) -> Result<MatchStatus, IllegalTransition> {
        use Event::*;
        use MatchStatus::*;
        let next = match (self, event) {
            (Proposed, Accept) => Introduced,
            (Met, Decline) => Declined,
            (Proposed | Introduced | MeetingScheduled, Decline | Cancel) => Cancelled,
            (Introduced | MeetingScheduled, ScheduleMeeting) => MeetingScheduled,
            (MeetingScheduled, CancelMeeting) => Introduced,
            (MeetingScheduled, OutcomeMet) => Met,
            (Met, OutcomeContracted) => Contracted,
            (Met, OutcomeDeclined) => Declined,
            _ => return Err(IllegalTransition { from: self, event }),
        };
        Ok(next)
    }
}

/// Something that happens to a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The scouted professional accepts.
    Accept,
    /// The professional or the SME says no.
    Decline,
    /// A coordinator calls it off.
    Cancel,
    /// A meeting is scheduled or rescheduled.
    ScheduleMeeting,
    /// The meeting is called off; the match stays introduced.
    CancelMeeting,
    /// The coordinator records that they met.
    OutcomeMet,
    /// The coordinator records a contract.
    OutcomeContracted,
    /// The coordinator records that they decided not to.
    OutcomeDeclined,
}

impl Event {
    /// A short English name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Decline => "decline",
            Self::Cancel => "cancel",
            Self::ScheduleMeeting => "schedule a meeting",
            Self::CancelMeeting => "cancel the meeting",
            Self::OutcomeMet => "record that they met",
            Self::OutcomeContracted => "record a contract",
            Self::OutcomeDeclined => "record a decline",
        }
    }
}

/// How a match came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatchOrigin {
    /// From a submitted application: the professional asked for it.
    Application,
    /// Scouted by the coordinator: the professional has to accept first.
    Scout,
}

impl MatchOrigin {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Application => "application",
            Self::Scout => "scout",
        }
    }
}

/// Notes and reasons are free text of up to this many characters.
const NOTE_MAX: usize = 2_000;

fn finish<T>(errors: Errors, value: Option<T>) -> Result<T, FieldErrors> {
    match value {
        Some(value) if errors.0.is_empty() => Ok(value),
        _ => Err(errors.0),
    }
}

/// `POST /matches`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMatch {
    /// The need.
    pub need_id: Uuid,
    /// The professional.
    pub professional_id: Uuid,
    /// The coordinator's note, sent with the introduction (up to 2000 characters).
    #[serde(default)]
    pub note: String,
}

/// A request to introduce a pair that passed every rule: only [`CreateMatch::parse`]
/// makes one.
#[derive(Debug, Clone)]
pub struct MatchSpec {
    need_id: NeedId,
    professional_id: UserId,
    note: MultiLine,
}

impl CreateMatch {
    /// Checks the note.
    pub fn parse(self) -> Result<MatchSpec, FieldErrors> {
        let mut errors = Errors::default();
        let note = errors.lines("note", &self.note, 0, NOTE_MAX);
        finish(errors, note).map(|note| MatchSpec {
            need_id: self.need_id.into(),
            professional_id: self.professional_id.into(),
            note,
        })
    }
}

impl MatchSpec {
    /// The need.
    pub fn need_id(&self) -> NeedId {
        self.need_id
    }

    /// The professional.
    pub fn professional_id(&self) -> UserId {
        self.professional_id
    }

    /// The coordinator's note (may be empty).
    pub fn note(&self) -> &str {
        self.note.as_str()
    }
}

/// `POST /matches/{id}/decline` (and `/cancel`).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Why (optional, up to 2000 characters); shared with the other side.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Reason {
    /// The reason's text, empty when none was given.
    pub fn parse(self) -> Result<MultiLine, FieldErrors> {
        let mut errors = Errors::default();
        let reason = errors.lines("reason", &self.reason.unwrap_or_default(), 0, NOTE_MAX);
        finish(errors, reason)
    }
}

/// An outcome the coordinator records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeResult {
    /// They met.
    Met,
    /// They agreed to work together.
    Contracted,
    /// They decided not to.
    Declined,
}

impl OutcomeResult {
    /// The event that records it.
    pub fn event(self) -> Event {
        match self {
            Self::Met => Event::OutcomeMet,
            Self::Contracted => Event::OutcomeContracted,
            Self::Declined => Event::OutcomeDeclined,
        }
    }
}

/// `POST /matches/{id}/outcome`.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// What happened.
    pub result: OutcomeResult,
    /// Note (up to 2000 characters).
    #[serde(default)]
    pub note: String,
}

/// A recorded outcome that passed every rule: only [`Outcome::parse`] makes one.
#[derive(Debug, Clone)]
pub struct OutcomeSpec {
    result: OutcomeResult,
    note: MultiLine,
}

impl Outcome {
    /// Checks the note.
    pub fn parse(self) -> Result<OutcomeSpec, FieldErrors> {
        let mut errors = Errors::default();
        let note = errors.lines("note", &self.note, 0, NOTE_MAX);
        finish(errors, note).map(|note| OutcomeSpec {
            result: self.result,
            note,
        })
    }
}

impl OutcomeSpec {
    /// What happened.
    pub fn result(&self) -> OutcomeResult {
        self.result
    }

    /// The note (may be empty).
    pub fn note(&self) -> &str {
        self.note.as_str()
    }
}

/// A transition the state machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {}: the match is {}", .event.describe(), .from.as_str())]
pub struct IllegalTransition {
    /// The current state.
    pub from: MatchStatus,
    /// What was attempted.
    pub event: Event,
}

#[cfg(test)]
mod tests {
    use super::{Event::*, MatchStatus::*, *};

    const EVENTS: [Event; 8] = [
        Accept,
        Decline,
        Cancel,
        ScheduleMeeting,
        CancelMeeting,
        OutcomeMet,
        OutcomeContracted,
        OutcomeDeclined,
    ];

    #[test]
    fn the_happy_paths_of_api_md() {
        let scouted = [
            Accept,
            ScheduleMeeting,
            ScheduleMeeting,
            OutcomeMet,
            OutcomeContracted,
        ];
        let end = scouted
            .iter()
            .try_fold(Proposed, |state, event| state.apply(*event));
        assert_eq!(end, Ok(Contracted));
        let applied = [
            ScheduleMeeting,
            CancelMeeting,
            ScheduleMeeting,
            OutcomeMet,
            OutcomeDeclined,
        ];
        assert_eq!(
            applied
                .iter()
                .try_fold(Introduced, |state, event| state.apply(*event)),
            Ok(Declined)
        );
    }

    #[test]
    fn declining_before_met_cancels_and_after_met_declines() {
        for state in [Proposed, Introduced, MeetingScheduled] {
            assert_eq!(state.apply(Decline), Ok(Cancelled), "{state:?}");
            assert_eq!(state.apply(Cancel), Ok(Cancelled), "{state:?}");
        }
        assert_eq!(Met.apply(Decline), Ok(Declined));
        assert!(
            Met.apply(Cancel).is_err(),
            "after met there is nothing to cancel"
        );
    }

    #[test]
    fn final_states_accept_nothing() {
        for state in [Contracted, Declined, Cancelled] {
            for event in EVENTS {
                let error = state.apply(event).unwrap_err();
                assert_eq!(error.from, state);
            }
        }
    }

    #[test]
    fn exactly_the_listed_transitions_are_legal() {
        let legal: usize = MatchStatus::ALL
            .iter()
            .map(|s| EVENTS.iter().filter(|e| s.apply(**e).is_ok()).count())
            .sum();
        // proposed: accept, decline, cancel; introduced: decline, cancel, schedule;
        // meeting_scheduled: decline, cancel, schedule, cancel meeting, met;
        // met: decline, contracted, declined.
        assert_eq!(legal, 3 + 3 + 5 + 3);
    }

    #[test]
    fn an_illegal_transition_names_the_current_state() {
        let error = Proposed.apply(OutcomeContracted).unwrap_err();
        assert_eq!(
            error.to_string(),
            "cannot record a contract: the match is proposed"
        );
    }

    #[test]
    fn notes_and_reasons_are_up_to_2000_characters_of_text() {
        let long = "あ".repeat(2_001);
        let create = |note: &str| CreateMatch {
            need_id: Uuid::nil(),
            professional_id: Uuid::nil(),
            note: note.to_owned(),
        };
        assert_eq!(
            create("よろしく\nお願いします").parse().unwrap().note(),
            "よろしく\nお願いします"
        );
        assert_eq!(create(&long).parse().unwrap_err()[0].field, "note");
        assert_eq!(create("bell\u{7}").parse().unwrap_err()[0].field, "note");
        assert_eq!(Reason::default().parse().unwrap().as_str(), "");
        let reason = Reason {
            reason: Some(long.clone()),
        };
        assert_eq!(reason.parse().unwrap_err()[0].field, "reason");
        let outcome = Outcome {
            result: OutcomeResult::Contracted,
            note: long,
        };
        assert_eq!(outcome.parse().unwrap_err()[0].field, "note");
        assert_eq!(OutcomeResult::Met.event(), OutcomeMet);
    }

    #[test]
    fn names_round_trip() {
        for status in MatchStatus::ALL {
            assert_eq!(MatchStatus::parse(status.as_str()), Some(status));
        }
    }
}
