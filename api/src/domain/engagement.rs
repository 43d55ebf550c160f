//! The engagement state machine: what follows a contract. Every transition is checked
//! here; anything else is an [`IllegalTransition`] that names the current state (409).
//!
//! ```text
//! (match contracted) ──► active ──complete──► completed
//!                          │  ▲
//!                          └──┘ extend (a new end date; it stays active)
//! ```
//!
//! While `active`, both sides answer a monthly check-in (順調 / 相談したい / 終了したい);
//! 相談したい, 終了したい or no answer for 14 days puts the engagement *at risk* on the
//! coordinator's desk: a flag beside the state, not a state of its own.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::error::{FieldError, FieldErrors};

/// Where an engagement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EngagementStatus {
    /// Under way: check-ins go out monthly; it counts against `max_engagements`.
    Active,
    /// Over: no more check-ins; the professional's place is free again.
    Completed,
}

impl EngagementStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Completed => "completed",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Active, Self::Completed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }

    /// The state after `event`, or the reason it cannot happen now.
    pub fn apply(self, event: EngagementEvent) -> Result<Self, IllegalTransition> {
        match (self, event) {
            (Self::Active, EngagementEvent::Complete) => Ok(Self::Completed),
            (Self::Active, EngagementEvent::Extend) => Ok(Self::Active),
            (Self::Active, EngagementEvent::Adjust | EngagementEvent::CheckIn) => Ok(Self::Active),
            _ => Err(IllegalTransition { from: self, event }),
        }
    }
}

/// Something that happens to an engagement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngagementEvent {
    /// It ends as agreed (or early).
    Complete,
    /// It goes on to a new end date.
    Extend,
    /// Its start, length or monthly hours are set anew.
    Adjust,
    /// A side answers a check-in.
    CheckIn,
}

impl EngagementEvent {
    /// A short English name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Complete => "complete it",
            Self::Extend => "extend it",
            Self::Adjust => "change its terms",
            Self::CheckIn => "answer a check-in",
        }
    }
}

/// A transition the state machine does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {}: the engagement is {}", .event.describe(), .from.as_str())]
pub struct IllegalTransition {
    /// The current state.
    pub from: EngagementStatus,
    /// What was attempted.
    pub event: EngagementEvent,
}

/// An answer to a monthly check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckInAnswer {
    /// 順調: it goes well.
    Fine,
    /// 相談したい: I would like to talk it over (puts it at risk).
    Consult,
    /// 終了したい: I would like to end it (puts it at risk).
    End,
}

impl CheckInAnswer {
    /// Every answer, in the order the email offers them.
    pub const ALL: [Self; 3] = [Self::Fine, Self::Consult, Self::End];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fine => "fine",
            Self::Consult => "consult",
            Self::End => "end",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|answer| answer.as_str() == text)
    }

    /// Whether the coordinator should step in.
    pub fn at_risk(self) -> bool {
        !matches!(self, Self::Fine)
    }
}

/// Why an engagement is on the coordinator's desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskReason {
    /// A side answered 相談したい.
    Consult,
    /// A side answered 終了したい.
    End,
    /// A check-in went unanswered for 14 days.
    NoAnswer,
}

impl RiskReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Consult => "consult",
            Self::End => "end",
            Self::NoAnswer => "no_answer",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Consult, Self::End, Self::NoAnswer]
            .into_iter()
            .find(|reason| reason.as_str() == text)
    }
}

/// Free text answers are up to this many characters.
pub const TEXT_MAX: usize = 2_000;
/// The longest engagement, in months (and the longest extension at once).
pub const MONTHS_MAX: u32 = 36;
/// The most hours a month an engagement may be agreed for.
pub const HOURS_MAX: u32 = 200;

/// `PATCH /engagements/{id}`: the terms set anew (any of them).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustEngagement {
    /// The first day (Asia/Tokyo).
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// The agreed length in months, from `starts_on` (1–36); sets `ends_on`.
    #[serde(default)]
    pub months: Option<u32>,
    /// The agreed hours a month (1–200).
    #[serde(default)]
    pub hours_per_month: Option<u32>,
}

impl AdjustEngagement {
    /// Checks the ranges; every invalid field is named.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = Vec::new();
        if let Some(months) = self.months
            && !(1..=MONTHS_MAX).contains(&months)
        {
            errors.push(FieldError::new("months", "must be between 1 and 36"));
        }
        if let Some(hours) = self.hours_per_month
            && !(1..=HOURS_MAX).contains(&hours)
        {
            errors.push(FieldError::new(
                "hours_per_month",
                "must be between 1 and 200",
            ));
        }
        if self.starts_on.is_none() && self.months.is_none() && self.hours_per_month.is_none() {
            errors.push(FieldError::new(
                "",
                "give starts_on, months or hours_per_month",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `POST /engagements/{id}/extend`: a new end date, or a number of months more (one of
/// the two).
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendEngagement {
    /// The new last day; after the current one.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Months more (1–36), counted from the current end.
    #[serde(default)]
    pub months: Option<u32>,
}

impl ExtendEngagement {
    /// The new end date after `current`, or what is wrong.
    pub fn new_end(&self, current: NaiveDate) -> Result<NaiveDate, FieldErrors> {
        let invalid = |field: &str, message: &str| Err(vec![FieldError::new(field, message)]);
        match (self.ends_on, self.months) {
            (Some(_), Some(_)) | (None, None) => invalid("", "give either ends_on or months"),
            (Some(ends_on), None) if ends_on <= current => {
                invalid("ends_on", "must be after the current end date")
            }
            (Some(ends_on), None) => Ok(ends_on),
            (None, Some(months)) if !(1..=MONTHS_MAX).contains(&months) => {
                invalid("months", "must be between 1 and 36")
            }
            (None, Some(months)) => current
                .checked_add_months(chrono::Months::new(months))
                .map_or_else(|| invalid("months", "is too far"), Ok),
        }
    }
}

/// A short look back at completion: two optional questions to each side.
#[derive(Debug, Default, Clone, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Retrospective {
    /// うまくいったこと: what went well (up to 2000 characters).
    #[serde(default)]
    pub went_well: String,
    /// 次に活かしたいこと: what to do differently next time (up to 2000 characters).
    #[serde(default)]
    pub next_time: String,
}

impl Retrospective {
    /// Checks the lengths.
    pub fn check(&self) -> Result<(), FieldErrors> {
        let mut errors = Vec::new();
        for (field, text) in [
            ("went_well", &self.went_well),
            ("next_time", &self.next_time),
        ] {
            if text.chars().count() > TEXT_MAX {
                errors.push(FieldError::new(
                    format!("retrospective.{field}"),
                    "must be at most 2000 characters",
                ));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.went_well.trim().is_empty() && self.next_time.trim().is_empty()
    }
}

/// `POST /engagements/{id}/complete`.
#[derive(Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteEngagement {
    /// The completing side's look back (optional).
    #[serde(default)]
    pub retrospective: Option<Retrospective>,
}

/// `POST /engagements/{id}/check-ins`: the caller's answer to the current check-in.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerCheckIn {
    /// 順調, 相談したい or 終了したい.
    pub answer: CheckInAnswer,
    /// An optional comment (up to 2000 characters).
    #[serde(default)]
    pub comment: String,
}

#[cfg(test)]
mod tests {
    use super::{EngagementEvent::*, EngagementStatus::*, *};

    #[test]
    fn only_an_active_engagement_moves_and_the_refusal_names_the_state() {
        assert_eq!(Active.apply(Complete), Ok(Completed));
        assert_eq!(Active.apply(Extend), Ok(Active));
        for event in [Complete, Extend, Adjust, CheckIn] {
            let error = Completed.apply(event).unwrap_err();
            assert!(
                error.to_string().ends_with("the engagement is completed"),
                "{error}"
            );
        }
    }

    #[test]
    fn an_extension_needs_a_later_date_or_a_number_of_months() {
        let end = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
        let by = |ends_on, months| ExtendEngagement { ends_on, months }.new_end(end);
        assert_eq!(
            by(None, Some(3)),
            Ok(NaiveDate::from_ymd_opt(2027, 6, 30).unwrap())
        );
        assert!(by(Some(end), None).is_err());
        assert!(by(None, None).is_err());
        assert!(by(Some(end), Some(1)).is_err());
        assert!(by(None, Some(0)).is_err());
    }
}
