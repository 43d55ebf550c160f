//! Hard exclusions: pairs that never appear in a ranking.
//!
//! A low score still ranks; an exclusion does not, because the pair cannot work at
//! all (MATCHING.md, "Hard exclusions"). With `include_excluded` a coordinator sees
//! them anyway, after every eligible candidate, each with its reason.

use serde::{Deserialize, Serialize};

use crate::factors::Reason;
use crate::model::{Need, Profile, WorkStyle};

/// Why a pair is left out of rankings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// The profile is inactive or erased.
    Inactive,
    /// The hours offered are below half of the need's minimum.
    HoursBelowHalf,
    /// The professional's paid minimum is above the need's maximum budget.
    CompensationAboveBudget,
    /// A pro bono need, and the professional does not work pro bono.
    ProBonoNotAccepted,
    /// The need asks on-site visits; the professional is remote with no visits.
    VisitsRuledOut,
    /// The professional already holds `max_engagements` engagements.
    AtMaxEngagements,
}

impl Exclusion {
    /// Every exclusion, in declaration order.
    pub const ALL: [Exclusion; 6] = [
        Exclusion::Inactive,
        Exclusion::HoursBelowHalf,
        Exclusion::CompensationAboveBudget,
        Exclusion::ProBonoNotAccepted,
        Exclusion::VisitsRuledOut,
        Exclusion::AtMaxEngagements,
    ];

    /// The wire name, e.g. `hours_below_half`.
    pub fn as_str(self) -> &'static str {
        match self {
            Exclusion::Inactive => "inactive",
            Exclusion::HoursBelowHalf => "hours_below_half",
            Exclusion::CompensationAboveBudget => "compensation_above_budget",
            Exclusion::ProBonoNotAccepted => "pro_bono_not_accepted",
            Exclusion::VisitsRuledOut => "visits_ruled_out",
            Exclusion::AtMaxEngagements => "at_max_engagements",
        }
    }

    /// Parses the wire name; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|exclusion| exclusion.as_str() == text)
    }

    /// Why, in words a coordinator can read (and may pass on kindly).
    pub fn reason(self) -> Reason {
        let (ja, en) = match self {
            Exclusion::Inactive => (
                "プロフィールが非公開または削除済みです",
                "The profile is inactive or erased",
            ),
            Exclusion::HoursBelowHalf => (
                "稼働可能時間が募集の下限の半分に届きません",
                "The hours offered are below half of the need's minimum",
            ),
            Exclusion::CompensationAboveBudget => (
                "希望報酬の下限が募集の予算上限を超えています",
                "The minimum fee asked is above the need's maximum budget",
            ),
            Exclusion::ProBonoNotAccepted => (
                "無償（プロボノ）の募集ですが、本人はプロボノを受けていません",
                "A pro bono need, and the professional does not work pro bono",
            ),
            Exclusion::VisitsRuledOut => (
                "現地訪問が必要ですが、本人はフルリモートで訪問不可です",
                "On-site visits are asked; the professional is fully remote with no visits",
            ),
            Exclusion::AtMaxEngagements => (
                "本人の同時参画数が上限に達しています",
                "The professional already holds as many engagements as they take",
            ),
        };
        Reason::new(ja, en)
    }

    /// This exclusion's bit in a [`mask`](Exclusion::from_mask).
    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }

    /// The exclusions whose bits are set, in declaration order.
    pub(crate) fn from_mask(mask: u8) -> Vec<Exclusion> {
        Self::ALL
            .into_iter()
            .filter(|exclusion| mask & exclusion.bit() != 0)
            .collect()
    }
}

impl std::fmt::Display for Exclusion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every exclusion that applies to the pair, in declaration order; empty when the pair
/// may be ranked.
pub fn exclusions(need: &Need, profile: &Profile) -> Vec<Exclusion> {
    let mut found = Vec::new();
    if !profile.active {
        found.push(Exclusion::Inactive);
    }
    if u32::from(profile.hours_per_month) * 2 < u32::from(need.hours_min) {
        found.push(Exclusion::HoursBelowHalf);
    }
    if !need.pro_bono && profile.min_compensation_jpy > budget_max(need) {
        found.push(Exclusion::CompensationAboveBudget);
    }
    if need.pro_bono && !profile.pro_bono_ok {
        found.push(Exclusion::ProBonoNotAccepted);
    }
    if visits_asked(need)
        && profile.work_style == WorkStyle::Remote
        && profile.max_onsite_visits_per_month == 0
    {
        found.push(Exclusion::VisitsRuledOut);
    }
    if profile.active_engagements >= profile.max_engagements {
        found.push(Exclusion::AtMaxEngagements);
    }
    found
}

/// The top of the budget; a range entered upside down counts by its larger end.
pub(crate) fn budget_max(need: &Need) -> u32 {
    need.compensation_max_jpy.max(need.compensation_min_jpy)
}

/// Whether the need asks anyone to come: visits per month, or on-site work.
pub(crate) fn visits_asked(need: &Need) -> bool {
    need.onsite_visits_per_month > 0 || need.work_style == WorkStyle::Onsite
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_bits_are_distinct() {
        let mut mask = 0u8;
        for exclusion in Exclusion::ALL {
            assert_eq!(Exclusion::parse(exclusion.as_str()), Some(exclusion));
            assert_eq!(mask & exclusion.bit(), 0);
            mask |= exclusion.bit();
        }
        assert_eq!(Exclusion::from_mask(mask), Exclusion::ALL);
    }
}
