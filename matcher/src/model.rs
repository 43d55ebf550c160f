//! The matcher's input: a need and a professional's profile, as plain data.
//!
//! These types are the contract between the service and the engine. The service
//! converts its rows into them; the engine never sees a database, a clock or a file.
//! Ids are `u128` (a UUID's bits), so ties break by a stable, total order.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A stable identifier: the 128 bits of a UUID.
pub type Id = u128;

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name (`snake_case`), as in the HTTP API.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the wire name; `None` for anything else.
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

string_enum! {
    /// The role a need recruits for, or a professional has held.
    Role {
        /// Chief marketing officer.
        Cmo => "cmo",
        /// Chief human resources officer.
        Chro => "chro",
        /// Chief financial officer.
        Cfo => "cfo",
        /// Chief technology officer.
        Cto => "cto",
        /// Chief digital officer.
        Cdo => "cdo",
        /// Chief operating officer.
        Coo => "coo",
        /// Chief strategy officer.
        Cso => "cso",
        /// Public relations (広報).
        Pr => "pr",
        /// Sales.
        Sales => "sales",
        /// Designer.
        Designer => "designer",
        /// Engineer.
        Engineer => "engineer",
        /// Anything else.
        Other => "other",
    }
}

string_enum! {
    /// Hands-on work or advice.
    Style {
        /// Does the work (実務).
        HandsOn => "hands_on",
        /// Advises (助言).
        Advisory => "advisory",
        /// Either is fine.
        Either => "either",
    }
}

string_enum! {
    /// Where the work happens.
    WorkStyle {
        /// Fully remote.
        Remote => "remote",
        /// Remote with some visits.
        Hybrid => "hybrid",
        /// On site.
        Onsite => "onsite",
    }
}

string_enum! {
    /// When meetings can happen. Daytime meetings are a known cause of failure,
    /// because most professionals have a main job.
    MeetingSlot {
        /// Weekday, working hours.
        WeekdayDay => "weekday_day",
        /// Weekday evening.
        WeekdayEvening => "weekday_evening",
        /// Weekend.
        Weekend => "weekend",
    }
}

string_enum! {
    /// How a professional is tied to a place (関係人口).
    TieKind {
        /// Born or grew up there.
        Hometown => "hometown",
        /// Family lives there.
        Family => "family",
        /// Lived there.
        Lived => "lived",
        /// Worked there.
        Worked => "worked",
        /// Has visited.
        Visited => "visited",
        /// Interested in the place.
        Interest => "interest",
    }
}

/// A place: a prefecture (as written, e.g. `長野県`) and optionally a city (`塩尻市`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Place {
    /// Prefecture name, e.g. `長野県`.
    pub prefecture: String,
    /// City, ward, town or village, e.g. `塩尻市`; empty when unknown.
    pub city: String,
}

/// A skill a need asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillRequirement {
    /// Taxonomy key, e.g. `digital_marketing`.
    pub skill: String,
    /// Lowest level that earns full credit, 1–5.
    pub min_level: u8,
    /// A `must` skill weighs three times a nice-to-have one.
    pub must: bool,
}

/// A skill a professional has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkillLevel {
    /// Taxonomy key.
    pub skill: String,
    /// Self-assessed level, 1–5.
    pub level: u8,
    /// Years of practice.
    pub years: u8,
}

/// A role a professional has held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleExperience {
    /// The role.
    pub role: Role,
    /// Years in it.
    pub years: u8,
}

/// A tie to a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tie {
    /// Where.
    pub place: Place,
    /// What kind of tie.
    pub kind: TieKind,
}

/// A need (募集): the written spec of one engagement, with its organization's place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Need {
    /// Stable id.
    pub id: Id,
    /// Where the organization is.
    pub place: Place,
    /// The organization's industry (taxonomy key or free text).
    pub industry: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Goal.
    pub goal: String,
    /// Role recruited for.
    pub role: Role,
    /// Hands-on or advisory.
    pub style: Style,
    /// Skills asked for.
    pub skills: Vec<SkillRequirement>,
    /// Theme keys.
    pub themes: Vec<String>,
    /// Monthly hours asked, inclusive range.
    pub hours_min: u16,
    /// Upper end of the monthly hours.
    pub hours_max: u16,
    /// Planned length.
    pub duration_months: u16,
    /// Where the work happens.
    pub work_style: WorkStyle,
    /// On-site visits asked per month.
    pub onsite_visits_per_month: u8,
    /// When meetings can happen.
    pub meeting_slots: Vec<MeetingSlot>,
    /// Monthly budget, lower end, JPY.
    pub compensation_min_jpy: u32,
    /// Monthly budget, upper end, JPY.
    pub compensation_max_jpy: u32,
    /// Unpaid engagement.
    pub pro_bono: bool,
    /// How many professionals are wanted.
    pub headcount: u16,
    /// Application deadline, if any.
    pub apply_by: Option<NaiveDate>,
}

/// A professional's profile (複業人材).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable id.
    pub id: Id,
    /// Inactive and erased profiles are excluded from rankings.
    pub active: bool,
    /// One-line headline.
    pub headline: String,
    /// Free-text biography.
    pub bio: String,
    /// What they want to do (canよりwant).
    pub motivation: String,
    /// Skills.
    pub skills: Vec<SkillLevel>,
    /// Roles held.
    pub roles: Vec<RoleExperience>,
    /// Industry keys.
    pub industries: Vec<String>,
    /// Theme keys.
    pub themes: Vec<String>,
    /// Hands-on or advisory.
    pub style: Style,
    /// Hours offered per month.
    pub hours_per_month: u16,
    /// First day available, if not now.
    pub available_from: Option<NaiveDate>,
    /// Most engagements at once.
    pub max_engagements: u8,
    /// Engagements currently held (introduced or later, not ended).
    pub active_engagements: u8,
    /// Where they prefer to work.
    pub work_style: WorkStyle,
    /// Most on-site visits a month they offer.
    pub max_onsite_visits_per_month: u8,
    /// Where they live.
    pub home: Place,
    /// Ties to places.
    pub ties: Vec<Tie>,
    /// Places of earlier engagements (they add to regional affinity).
    pub past_engagements: Vec<Place>,
    /// When meetings can happen.
    pub meeting_slots: Vec<MeetingSlot>,
    /// Lowest paid fee per month, JPY.
    pub min_compensation_jpy: u32,
    /// Will work unpaid.
    pub pro_bono_ok: bool,
}
