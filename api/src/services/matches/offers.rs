//! What a viewer may do to a match now: the policy's answer for who they are and the
//! state machine's for where the match stands, asked together, so a door offers exactly
//! the actions the services would carry out and no rule is written twice.

use super::MatchRecord;
use crate::{
    access::{self, Action, Actor, MatchFacts},
    domain::matching::{Event, OutcomeResult},
};

/// The actions open to one viewer of one match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offers {
    /// Accept the scout invitation ([`super::accept`]).
    pub accept: bool,
    /// Say no ([`super::decline`]): before they met it cancels, after it declines.
    pub decline: bool,
    /// Call the match off as its coordinator ([`super::cancel`]).
    pub cancel: bool,
    /// Schedule the meeting, or move the scheduled one ([`crate::services::meetings::schedule`]).
    pub schedule: bool,
    /// Call the scheduled meeting off ([`crate::services::meetings::cancel`]).
    pub cancel_meeting: bool,
    /// The outcomes that may be recorded now ([`super::record_outcome`]).
    pub outcomes: Vec<OutcomeResult>,
}

impl Offers {
    /// Whether anything at all is offered.
    pub fn any(&self) -> bool {
        self.accept
            || self.decline
            || self.cancel
            || self.schedule
            || self.cancel_meeting
            || !self.outcomes.is_empty()
    }
}

/// What `actor` may do to the match of `record` now.
pub fn offers(actor: &Actor, record: &MatchRecord) -> Offers {
    let facts = record.facts();
    let may = |action: fn(MatchFacts) -> Action, event: Event| {
        access::decide(Some(actor), action(facts)).allowed() && record.status.apply(event).is_ok()
    };
    Offers {
        accept: may(Action::AnswerScout, Event::Accept),
        decline: may(Action::DeclineMatch, Event::Decline),
        cancel: may(Action::CloseMatch, Event::Cancel),
        schedule: may(Action::ArrangeMeeting, Event::ScheduleMeeting),
        cancel_meeting: may(Action::ArrangeMeeting, Event::CancelMeeting),
        outcomes: [
            OutcomeResult::Met,
            OutcomeResult::Contracted,
            OutcomeResult::Declined,
        ]
        .into_iter()
        .filter(|result| may(Action::CloseMatch, result.event()))
        .collect(),
    }
}
