//! The one conversion between stored columns and domain types: a status or kind is a
//! string in the database and an enum everywhere else, and only this module turns one
//! into the other. A stored value that does not parse is a bug worth a 500.

use anyhow::anyhow;

use crate::{
    domain::{
        enums::{ApplicationStatus, NeedStatus, OrganizationKind},
        matching::MatchStatus,
    },
    entities::{application, matches, need, organization},
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
