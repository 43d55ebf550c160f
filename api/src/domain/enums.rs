//! The API's enums. Each mirrors an enum of the matcher (the engine's own type) and
//! converts to and from it; these carry the OpenAPI schema.

use musubi_matcher::{
    MeetingSlot as EngineMeetingSlot, Role as EngineRole, Style as EngineStyle,
    TieKind as EngineTieKind, WorkStyle as EngineWorkStyle,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident => $engine:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[doc = concat!("`", stringify!($variant), "`")] $variant),+
        }

        impl From<$name> for $engine {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => $engine::$variant),+
                }
            }
        }

        impl From<$engine> for $name {
            fn from(value: $engine) -> Self {
                match value {
                    $($engine::$variant => $name::$variant),+
                }
            }
        }

        impl $name {
            /// The stored (wire) name.
            pub fn as_str(self) -> &'static str {
                $engine::from(self).as_str()
            }

            /// Parses a stored name.
            pub fn parse(text: &str) -> Option<Self> {
                $engine::parse(text).map(Into::into)
            }
        }
    };
}

wire_enum! {
    /// The role a need recruits for, or a professional has held.
    Role => EngineRole { Cmo, Chro, Cfo, Cto, Cdo, Coo, Cso, Pr, Sales, Designer, Engineer, Other }
}

wire_enum! {
    /// Hands-on work (実務) or advice (助言).
    Style => EngineStyle { HandsOn, Advisory, Either }
}

wire_enum! {
    /// Where the work happens.
    WorkStyle => EngineWorkStyle { Remote, Hybrid, Onsite }
}

wire_enum! {
    /// When meetings can happen.
    MeetingSlot => EngineMeetingSlot { WeekdayDay, WeekdayEvening, Weekend }
}

wire_enum! {
    /// How a professional is tied to a place (関係人口).
    TieKind => EngineTieKind { Hometown, Family, Lived, Worked, Visited, Interest }
}

/// An organization's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrganizationKind {
    /// A small or medium enterprise.
    Sme,
    /// A municipality (市町村).
    Municipality,
}

impl OrganizationKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sme => "sme",
            Self::Municipality => "municipality",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "sme" => Some(Self::Sme),
            "municipality" => Some(Self::Municipality),
            _ => None,
        }
    }
}

/// A need's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    /// Accepting applications.
    Open,
    /// Closed by its owner or a coordinator.
    Closed,
}

/// An application's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    /// Sent, waiting for the coordinator.
    Submitted,
    /// Withdrawn by the applicant.
    Withdrawn,
}

impl ApplicationStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Submitted, Self::Withdrawn]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

impl NeedStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Closed => "closed",
        }
    }

    /// Parses a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Open, Self::Closed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_the_engine() {
        assert_eq!(Role::Cmo.as_str(), "cmo");
        assert_eq!(Style::HandsOn.as_str(), "hands_on");
        assert_eq!(
            serde_json::to_value(MeetingSlot::WeekdayEvening).unwrap(),
            "weekday_evening"
        );
        assert_eq!(TieKind::parse("hometown"), Some(TieKind::Hometown));
        for role in EngineRole::ALL {
            assert_eq!(Role::from(*role).as_str(), role.as_str());
        }
    }
}
