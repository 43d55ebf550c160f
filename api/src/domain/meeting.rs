//! The introduction meeting (面談): how it happens, where it stands, and the one rule a
//! request to schedule it must pass.

use chrono::{DateTime, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    error::FieldErrors,
    text::{Errors, SingleLine},
};

/// How the meeting happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingMode {
    /// A video call.
    Online,
    /// On site (フィールドワーク).
    Onsite,
}

impl MeetingMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Onsite => "onsite",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Online, Self::Onsite]
            .into_iter()
            .find(|mode| mode.as_str() == text)
    }
}

/// Where a meeting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingStatus {
    /// On the calendar.
    Scheduled,
    /// It took place (the outcome `met` was recorded).
    Held,
    /// Called off.
    Cancelled,
}

impl MeetingStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scheduled => "scheduled",
            Self::Held => "held",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Scheduled, Self::Held, Self::Cancelled]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// `POST /matches/{id}/meetings`: schedule, or reschedule the current meeting.
#[derive(Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleMeeting {
    /// Start, RFC 3339 with offset (e.g. `2027-01-15T19:00:00+09:00`).
    pub starts_at: DateTime<FixedOffset>,
    /// Length, 15–480 minutes.
    pub duration_minutes: u16,
    /// Online or on site.
    pub mode: MeetingMode,
    /// Online: the video link, an `https://` URL. On site: the place, one line. 1–500 characters.
    pub location_or_url: String,
}

/// A meeting request that passed every rule: only [`ScheduleMeeting::parse`] makes one.
#[derive(Debug, Clone)]
pub struct MeetingSpec {
    starts_at: DateTime<Utc>,
    duration_minutes: u16,
    mode: MeetingMode,
    location_or_url: SingleLine,
}

impl MeetingSpec {
    /// Start, in the future when parsed.
    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    /// Length, 15–480 minutes.
    pub fn duration_minutes(&self) -> u16 {
        self.duration_minutes
    }

    /// Online or on site.
    pub fn mode(&self) -> MeetingMode {
        self.mode
    }

    /// The `https://` link (online) or the place (on site), one line.
    pub fn location_or_url(&self) -> &str {
        self.location_or_url.as_str()
    }
}

impl ScheduleMeeting {
    /// Checks the request against the rules of a meeting, as of `now`.
    pub fn parse(self, now: DateTime<Utc>) -> Result<MeetingSpec, FieldErrors> {
        let mut errors = Errors::default();
        errors.range("duration_minutes", self.duration_minutes, 15, 480);
        let location = check_location(&mut errors, self.mode, &self.location_or_url);
        let starts_at = self.starts_at.with_timezone(&Utc);
        if starts_at <= now {
            errors.add("starts_at", "must be in the future");
        }
        match location {
            Some(location_or_url) if errors.0.is_empty() => Ok(MeetingSpec {
                starts_at,
                duration_minutes: self.duration_minutes,
                mode: self.mode,
                location_or_url,
            }),
            _ => Err(errors.0),
        }
    }
}

/// An online meeting's link must be an `https://` URL (it becomes a link in every
/// invitation, so `javascript:` or plain `http:` never may); an on-site place is one line
/// of text. Both go into email and calendar lines, so neither may hold a line break.
fn check_location(errors: &mut Errors, mode: MeetingMode, value: &str) -> Option<SingleLine> {
    const FIELD: &str = "location_or_url";
    let line = errors.line(FIELD, value, 1, 500)?;
    if mode == MeetingMode::Onsite {
        return Some(line);
    }
    match url::Url::parse(value.trim()) {
        Ok(link) if link.scheme() == "https" && link.host_str().is_some_and(|h| !h.is_empty()) => {
            return Some(line);
        }
        Ok(_) => errors.add(FIELD, "an online meeting's link must be an https:// URL"),
        Err(_) => errors.add(
            FIELD,
            "an online meeting's link must be an https:// URL, e.g. https://meet.example.jp/abc",
        ),
    }
    None
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn request(mode: MeetingMode, location: &str, in_hours: i64) -> ScheduleMeeting {
        ScheduleMeeting {
            starts_at: (Utc::now() + Duration::hours(in_hours)).fixed_offset(),
            duration_minutes: 60,
            mode,
            location_or_url: location.to_owned(),
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_iter().map(|error| error.field).collect()
    }

    #[test]
    fn an_online_meeting_needs_an_https_link_and_an_onsite_one_a_line() {
        let online = request(MeetingMode::Online, "https://meet.example.jp/abc", 48);
        let spec = online.parse(Utc::now()).unwrap();
        assert_eq!(spec.mode(), MeetingMode::Online);
        assert_eq!(spec.location_or_url(), "https://meet.example.jp/abc");
        for bad in [
            "http://meet.example.jp",
            "javascript:alert(1)",
            "塩尻市役所",
        ] {
            let error = request(MeetingMode::Online, bad, 48).parse(Utc::now());
            assert_eq!(fields(error.unwrap_err()), ["location_or_url"], "{bad}");
        }
        assert!(
            request(MeetingMode::Onsite, "塩尻市役所 3階", 48)
                .parse(Utc::now())
                .is_ok()
        );
        let two_lines = request(MeetingMode::Onsite, "塩尻市役所\n3階", 48);
        assert_eq!(
            fields(two_lines.parse(Utc::now()).unwrap_err()),
            ["location_or_url"]
        );
    }

    #[test]
    fn a_meeting_is_in_the_future_and_of_a_sensible_length() {
        let mut past = request(MeetingMode::Onsite, "塩尻市役所", -1);
        past.duration_minutes = 5;
        assert_eq!(
            fields(past.parse(Utc::now()).unwrap_err()),
            ["duration_minutes", "starts_at"]
        );
    }

    #[test]
    fn stored_names_round_trip() {
        for mode in [MeetingMode::Online, MeetingMode::Onsite] {
            assert_eq!(MeetingMode::parse(mode.as_str()), Some(mode));
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
        for status in [
            MeetingStatus::Scheduled,
            MeetingStatus::Held,
            MeetingStatus::Cancelled,
        ] {
            assert_eq!(MeetingStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(MeetingMode::parse("hybrid"), None);
    }
}
