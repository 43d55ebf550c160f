//! The one conversion between stored columns and domain types: a status or kind is a
//! string in the database and an enum everywhere else, and only this module turns one
//! into the other. A stored value that does not parse is a bug worth a 500.

use anyhow::anyhow;

use crate::{
    domain::{
        account::AccountRole,
        enums::{ApplicationStatus, NeedStatus, OrganizationKind},
        matching::MatchStatus,
    },
    email::outbox::OutboxStatus,
    entities::{application, match_event, matches, need, organization, outbox, user},
};

fn parsed<T>(value: Option<T>, column: &str, stored: &str) -> anyhow::Result<T> {
    value.ok_or_else(|| anyhow!("column {column} holds an unknown value {stored:?}"))
}

impl need::Model {
    /// Open or closed.
    pub fn status(&self) -> anyhow::Result<NeedStatus> {
        parsed(
            NeedStatus::parse(&self.status),
            "needs.status",
            &self.status,
        )
    }

    /// Whether it accepts applications (a row that does not parse is not open).
    pub fn is_open(&self) -> bool {
        matches!(self.status(), Ok(NeedStatus::Open))
    }
}

impl application::Model {
    /// Submitted or withdrawn.
    pub fn status(&self) -> anyhow::Result<ApplicationStatus> {
        parsed(
            ApplicationStatus::parse(&self.status),
            "applications.status",
            &self.status,
        )
    }
}

impl matches::Model {
    /// Where the match stands.
    pub fn status(&self) -> anyhow::Result<MatchStatus> {
        parsed(
            MatchStatus::parse(&self.status),
            "matches.status",
            &self.status,
        )
    }
}

impl organization::Model {
    /// An SME or a municipality.
    pub fn kind(&self) -> anyhow::Result<OrganizationKind> {
        parsed(
            OrganizationKind::parse(&self.kind),
            "organizations.kind",
            &self.kind,
        )
    }
}

impl user::Model {
    /// SME, professional or coordinator.
    pub fn role(&self) -> anyhow::Result<AccountRole> {
        parsed(AccountRole::parse(&self.role), "users.role", &self.role)
    }
}

impl outbox::Model {
    /// Where the email is in delivery.
    pub fn status(&self) -> anyhow::Result<OutboxStatus> {
        parsed(
            OutboxStatus::parse(&self.status),
            "outbox.status",
            &self.status,
        )
    }
}

impl match_event::Model {
    /// The status the match left (`None` for its first event).
    pub fn from_status(&self) -> anyhow::Result<Option<MatchStatus>> {
        self.from_status
            .as_deref()
            .map(|stored| {
                parsed(
                    MatchStatus::parse(stored),
                    "match_events.from_status",
                    stored,
                )
            })
            .transpose()
    }

    /// The status the match reached.
    pub fn to_status(&self) -> anyhow::Result<MatchStatus> {
        parsed(
            MatchStatus::parse(&self.to_status),
            "match_events.to_status",
            &self.to_status,
        )
    }
}

impl crate::entities::meeting::Model {
    /// Online or on site.
    pub fn mode(&self) -> anyhow::Result<crate::domain::meeting::MeetingMode> {
        parsed(
            crate::domain::meeting::MeetingMode::parse(&self.mode),
            "meetings.mode",
            &self.mode,
        )
    }

    /// Scheduled, held or cancelled.
    pub fn status(&self) -> anyhow::Result<crate::domain::meeting::MeetingStatus> {
        parsed(
            crate::domain::meeting::MeetingStatus::parse(&self.status),
            "meetings.status",
            &self.status,
        )
    }
}
