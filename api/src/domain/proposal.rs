//! Proposed meeting times: the request that proposes up to three times instead of one,
//! the rules it must pass, what each emailed link answers, and the times Musubi suggests
//! from both sides' meeting slots.
//!
//! Suggestions are in Asia/Tokyo (no daylight saving): a weekday evening starts at
//! 19:00 (Monday–Friday), a weekend slot at 10:00 (Saturday, Sunday), a weekday day at
//! 14:00 (Monday–Friday). They start no sooner than 48 hours after `now` (a
//! professional with a main job needs the time to answer), one per day, the earliest
//! first.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveTime, Utc, Weekday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    enums::MeetingSlot,
    error::{FieldError, FieldErrors},
    meeting::{MeetingMode, MeetingSpec, ScheduleMeeting},
};

/// The most times one proposal may offer.
pub const MAX_PROPOSALS: usize = 3;

/// How many times Musubi suggests.
pub const SUGGESTIONS: usize = 3;

/// Suggestions start this long after now.
pub const SUGGEST_AFTER_HOURS: i64 = 48;

/// `POST /matches/{id}/meetings`: either `starts_at` (schedule that time, as always) or
/// `proposals` (offer 1–3 times; the professional picks one by email or on the match
/// page), never both.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequest {
    /// Start, RFC 3339 with offset (e.g. `2027-01-15T19:00:00+09:00`): schedules the
    /// meeting at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<DateTime<FixedOffset>>,
    /// 1–3 distinct future starts, RFC 3339 with offset: proposes them to the
    /// professional instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposals: Option<Vec<DateTime<FixedOffset>>>,
    /// Length, 15–480 minutes.
    pub duration_minutes: u16,
    /// Online or on site.
    pub mode: MeetingMode,
    /// Online: the video link, an `https://` URL. On site: the place, one line. 1–500 characters.
    pub location_or_url: String,
}

/// What a [`MeetingRequest`] asks for.
#[derive(Debug)]
pub enum MeetingAsk {
    /// Schedule this time now (the request as it always was).
    Schedule(ScheduleMeeting),
    /// Propose these times.
    Propose(ProposeTimes),
}

/// Proposed times before their rules are checked.
#[derive(Debug, Clone, Serialize)]
pub struct ProposeTimes {
    /// 1–3 starts.
    pub proposals: Vec<DateTime<FixedOffset>>,
    /// Length, 15–480 minutes.
    pub duration_minutes: u16,
    /// Online or on site.
    pub mode: MeetingMode,
    /// The link or the place.
    pub location_or_url: String,
}

impl MeetingRequest {
    /// Which of the two forms the request is: exactly one of `starts_at` and
    /// `proposals` must be given.
    pub fn ask(self) -> Result<MeetingAsk, FieldErrors> {
        match (self.starts_at, self.proposals) {
            (Some(starts_at), None) => Ok(MeetingAsk::Schedule(ScheduleMeeting {
                starts_at,
                duration_minutes: self.duration_minutes,
                mode: self.mode,
                location_or_url: self.location_or_url,
            })),
            (None, Some(proposals)) => Ok(MeetingAsk::Propose(ProposeTimes {
                proposals,
                duration_minutes: self.duration_minutes,
                mode: self.mode,
                location_or_url: self.location_or_url,
            })),
            (Some(_), Some(_)) => Err(vec![FieldError::new(
                "proposals",
                "give either starts_at or proposals, not both",
            )]),
            (None, None) => Err(vec![FieldError::new(
                "starts_at",
                "give starts_at (one time) or proposals (up to three)",
            )]),
        }
    }
}

/// Proposed times that passed every rule: each a meeting as [`ScheduleMeeting::parse`]
/// accepts it, distinct, at most three, in the order given.
#[derive(Debug, Clone)]
pub struct ProposalSpec {
    meetings: Vec<MeetingSpec>,
}

impl ProposalSpec {
    /// The times, each a full meeting.
    pub fn meetings(&self) -> &[MeetingSpec] {
        &self.meetings
    }

    /// The starts, in the order given.
    pub fn times(&self) -> Vec<DateTime<Utc>> {
        self.meetings.iter().map(MeetingSpec::starts_at).collect()
    }
}

impl ProposeTimes {
    /// Checks the proposal as of `now`: 1–3 distinct future times (an error names
    /// `proposals` or the time, `proposals[1]`), and the rest as for one meeting.
    pub fn parse(self, now: DateTime<Utc>) -> Result<ProposalSpec, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        if self.proposals.is_empty() || self.proposals.len() > MAX_PROPOSALS {
            errors.push(FieldError::new(
                "proposals",
                format!("give 1 to {MAX_PROPOSALS} times"),
            ));
        }
        let mut meetings = Vec::new();
        let mut seen: Vec<DateTime<Utc>> = Vec::new();
        for (index, starts_at) in self.proposals.iter().enumerate() {
            let field = format!("proposals[{index}]");
            let one = ScheduleMeeting {
                starts_at: *starts_at,
                duration_minutes: self.duration_minutes,
                mode: self.mode,
                location_or_url: self.location_or_url.clone(),
            };
            let instant = starts_at.with_timezone(&Utc);
            if seen.contains(&instant) {
                errors.push(FieldError::new(&field, "repeats an earlier time"));
            }
            seen.push(instant);
            match one.parse(now) {
                Ok(meeting) => meetings.push(meeting),
                Err(found) => {
                    for error in found {
                        let named = if error.field == "starts_at" {
                            FieldError::new(&field, error.message)
                        } else {
                            error
                        };
                        if !errors.contains(&named) {
                            errors.push(named);
                        }
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(ProposalSpec { meetings })
        } else {
            Err(errors)
        }
    }
}

/// Who owes the next answer of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwedBy {
    /// The professional (a scout, or proposed times).
    Professional,
    /// The SME (an introduction not followed up).
    Organization,
}

/// What one emailed link answers: a time of a proposal, or none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeChoice {
    /// The proposal.
    pub proposal: Uuid,
    /// The index of the time; `None` for "none of these work".
    pub time: Option<usize>,
}

/// The slots two sides share: the need's (the SME side) with the professional's; the
/// professional's alone when the need names none or they share none; weekday evenings
/// when nobody named any.
pub fn shared_slots(need: &[MeetingSlot], professional: &[MeetingSlot]) -> Vec<MeetingSlot> {
    let both: Vec<MeetingSlot> = need
        .iter()
        .copied()
        .filter(|slot| professional.contains(slot))
        .collect();
    let chosen = if !both.is_empty() {
        both
    } else if !professional.is_empty() {
        professional.to_vec()
    } else if !need.is_empty() {
        need.to_vec()
    } else {
        vec![MeetingSlot::WeekdayEvening]
    };
    let mut sorted = chosen;
    sorted.sort_by_key(|slot| slot.as_str());
    sorted.dedup();
    sorted
}

/// Tokyo is nine hours ahead of UTC all year.
const TOKYO_HOURS: i64 = 9;

/// When on a day of `weekday` a slot starts, if it covers that day.
fn slot_start(slot: MeetingSlot, weekday: Weekday) -> Option<NaiveTime> {
    let weekend = matches!(weekday, Weekday::Sat | Weekday::Sun);
    let (hour, fits) = match slot {
        MeetingSlot::WeekdayEvening => (19, !weekend),
        MeetingSlot::Weekend => (10, weekend),
        MeetingSlot::WeekdayDay => (14, !weekend),
    };
    fits.then(|| NaiveTime::from_hms_opt(hour, 0, 0)).flatten()
}

/// Up to [`SUGGESTIONS`] meeting times in `slots`, one per day (the earliest slot of the
/// day), none sooner than 48 hours after `now`, the earliest first.
pub fn suggest(slots: &[MeetingSlot], now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let earliest = now + Duration::hours(SUGGEST_AFTER_HOURS);
    let mut day = (earliest + Duration::hours(TOKYO_HOURS)).date_naive();
    let mut found = Vec::new();
    // Any slot comes round within a week; three of them within three weeks.
    for _ in 0..21 {
        let start = slots
            .iter()
            .filter_map(|slot| slot_start(*slot, day.weekday()))
            .map(|time| (day.and_time(time) - Duration::hours(TOKYO_HOURS)).and_utc())
            .filter(|at| *at >= earliest)
            .min();
        if let Some(start) = start {
            found.push(start);
            if found.len() == SUGGESTIONS {
                break;
            }
        }
        day = day.succ_opt().unwrap_or(day);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn propose(times: &[DateTime<Utc>]) -> ProposeTimes {
        ProposeTimes {
            proposals: times.iter().map(|t| t.fixed_offset()).collect(),
            duration_minutes: 60,
            mode: MeetingMode::Online,
            location_or_url: "https://meet.example.jp/abc".to_owned(),
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_iter().map(|error| error.field).collect()
    }

    #[test]
    fn one_to_three_distinct_future_times_pass() {
        let now = Utc::now();
        let day = |n| now + Duration::days(n);
        let spec = propose(&[day(3), day(4), day(5)]).parse(now).unwrap();
        assert_eq!(spec.times(), [day(3), day(4), day(5)]);
        assert_eq!(fields(propose(&[]).parse(now).unwrap_err()), ["proposals"]);
        assert_eq!(
            fields(
                propose(&[day(1), day(2), day(3), day(4)])
                    .parse(now)
                    .unwrap_err()
            ),
            ["proposals"]
        );
        assert_eq!(
            fields(propose(&[day(3), day(-1)]).parse(now).unwrap_err()),
            ["proposals[1]"]
        );
        assert_eq!(
            fields(propose(&[day(3), day(3)]).parse(now).unwrap_err()),
            ["proposals[1]"]
        );
        let mut bad = propose(&[day(3), day(4)]);
        bad.location_or_url = "http://plain.example.jp".to_owned();
        assert_eq!(
            fields(bad.parse(now).unwrap_err()),
            ["location_or_url"],
            "the shared field is named once"
        );
    }

    #[test]
    fn exactly_one_of_starts_at_and_proposals() {
        let request = |starts_at, proposals| MeetingRequest {
            starts_at,
            proposals,
            duration_minutes: 60,
            mode: MeetingMode::Online,
            location_or_url: "https://meet.example.jp/abc".to_owned(),
        };
        let time = Utc::now().fixed_offset();
        assert!(matches!(
            request(Some(time), None).ask(),
            Ok(MeetingAsk::Schedule(_))
        ));
        assert!(matches!(
            request(None, Some(vec![time])).ask(),
            Ok(MeetingAsk::Propose(_))
        ));
        assert_eq!(
            fields(request(Some(time), Some(vec![time])).ask().unwrap_err()),
            ["proposals"]
        );
        assert_eq!(
            fields(request(None, None).ask().unwrap_err()),
            ["starts_at"]
        );
    }

    #[test]
    fn slots_overlap_or_fall_back_to_the_professionals() {
        use MeetingSlot::*;
        assert_eq!(
            shared_slots(&[WeekdayEvening, Weekend], &[Weekend]),
            [Weekend]
        );
        assert_eq!(shared_slots(&[WeekdayDay], &[Weekend]), [Weekend]);
        assert_eq!(shared_slots(&[], &[WeekdayDay]), [WeekdayDay]);
        assert_eq!(shared_slots(&[], &[]), [WeekdayEvening]);
    }

    #[test]
    fn suggestions_skip_the_next_48_hours_and_keep_to_the_slots() {
        // Wednesday 2027-01-13 10:00 in Tokyo.
        let now = at("2027-01-13T10:00:00+09:00");
        assert_eq!(
            suggest(&[MeetingSlot::WeekdayEvening], now),
            [
                at("2027-01-15T19:00:00+09:00"),
                at("2027-01-18T19:00:00+09:00"),
                at("2027-01-19T19:00:00+09:00"),
            ]
        );
        assert_eq!(
            suggest(&[MeetingSlot::Weekend, MeetingSlot::WeekdayDay], now),
            [
                at("2027-01-15T14:00:00+09:00"),
                at("2027-01-16T10:00:00+09:00"),
                at("2027-01-17T10:00:00+09:00"),
            ]
        );
        // Friday 20:00: the evening of Sunday is no slot, Monday's is.
        let late = at("2027-01-15T20:00:00+09:00");
        assert_eq!(
            suggest(&[MeetingSlot::WeekdayEvening], late)[0],
            at("2027-01-18T19:00:00+09:00")
        );
    }
}
