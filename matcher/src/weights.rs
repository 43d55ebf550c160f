//! Per-region factor weights, validated and normalised.
//!
//! Coordinators tune how much each [`Factor`] counts in their region. Whatever they
//! enter is checked (finite, non-negative, not all zero) and scaled to sum to 1, so
//! a total stays in `[0, 100]` and two regions' weights compare as proportions.
//!
//! ```
//! use musubi_matcher::weights::{Factor, Weights};
//!
//! // A region that cares twice as much about ties to the place.
//! let weights = Weights::from_pairs([
//!     (Factor::SkillFit, 25.0),
//!     (Factor::MotivationFit, 20.0),
//!     (Factor::ExperienceFit, 15.0),
//!     (Factor::AvailabilityFit, 15.0),
//!     (Factor::RegionalAffinity, 20.0),
//!     (Factor::WorkStyleFit, 10.0),
//!     (Factor::CompensationFit, 5.0),
//! ])?;
//! assert!((weights.get(Factor::RegionalAffinity) - 20.0 / 110.0).abs() < 1e-6);
//! assert!(Weights::new([0.0; 7]).is_err());
//! # Ok::<(), musubi_matcher::Error>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// One factor of the Shiojiri model (see `MATCHING.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Required skills covered at the asked level.
    SkillFit,
    /// Will over skill: shared themes and text similarity of motivation and need.
    MotivationFit,
    /// The role held, industry overlap, hands-on/advisory style.
    ExperienceFit,
    /// Monthly hours, start date, meeting slots.
    AvailabilityFit,
    /// Ties to the need's city, prefecture or wider region.
    RegionalAffinity,
    /// Remote/hybrid/on-site compatibility and visits.
    WorkStyleFit,
    /// Budget against the professional's minimum, or pro bono.
    CompensationFit,
}

impl Factor {
    /// Every factor, in the order of `MATCHING.md`'s table (and of [`Weights::new`]).
    pub const ALL: [Factor; 7] = [
        Factor::SkillFit,
        Factor::MotivationFit,
        Factor::ExperienceFit,
        Factor::AvailabilityFit,
        Factor::RegionalAffinity,
        Factor::WorkStyleFit,
        Factor::CompensationFit,
    ];

    /// The wire name, e.g. `skill_fit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Factor::SkillFit => "skill_fit",
            Factor::MotivationFit => "motivation_fit",
            Factor::ExperienceFit => "experience_fit",
            Factor::AvailabilityFit => "availability_fit",
            Factor::RegionalAffinity => "regional_affinity",
            Factor::WorkStyleFit => "work_style_fit",
            Factor::CompensationFit => "compensation_fit",
        }
    }

    /// Parses the wire name; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|factor| factor.as_str() == text)
    }

    /// Position in [`Factor::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Japanese label for a coordinator's screen.
    pub fn label_ja(self) -> &'static str {
        match self {
            Factor::SkillFit => "スキル適合",
            Factor::MotivationFit => "動機・共感",
            Factor::ExperienceFit => "経験",
            Factor::AvailabilityFit => "稼働条件",
            Factor::RegionalAffinity => "地域とのつながり",
            Factor::WorkStyleFit => "働き方",
            Factor::CompensationFit => "報酬",
        }
    }
}

impl std::fmt::Display for Factor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Factor weights: non-negative, finite, summing to 1.
///
/// Serialises as a map from factor name to weight; deserialising validates and
/// normalises, so a stored region configuration can never produce an invalid total.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<Factor, f32>", into = "BTreeMap<Factor, f32>")]
pub struct Weights {
    values: [f32; 7],
}

impl Default for Weights {
    /// The default weights of `MATCHING.md`: 0.25, 0.20, 0.15, 0.15, 0.10, 0.10, 0.05.
    fn default() -> Self {
        // Written out rather than normalised so the defaults are exactly the table's.
        Self {
            values: [0.25, 0.20, 0.15, 0.15, 0.10, 0.10, 0.05],
        }
    }
}

impl Weights {
    /// Weights in the order of [`Factor::ALL`], scaled to sum to 1.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidWeights`] when a weight is negative or not finite, or all
    /// are zero.
    pub fn new(raw: [f32; 7]) -> Result<Self> {
        for (factor, value) in Factor::ALL.iter().zip(raw) {
            if !value.is_finite() {
                return Err(invalid(format!("{factor} is not a finite number")));
            }
            if value < 0.0 {
                return Err(invalid(format!("{factor} is negative")));
            }
        }
        let sum: f32 = raw.iter().sum();
        if sum <= 0.0 || !sum.is_finite() {
            return Err(invalid("all weights are zero".to_owned()));
        }
        Ok(Self {
            values: raw.map(|value| value / sum),
        })
    }

    /// Weights from `(factor, weight)` pairs; a factor left out weighs 0.
    ///
    /// # Errors
    ///
    /// As [`Weights::new`], and when a factor is given twice.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Factor, f32)>) -> Result<Self> {
        let mut raw = [0.0; 7];
        let mut seen = [false; 7];
        for (factor, value) in pairs {
            if std::mem::replace(&mut seen[factor.index()], true) {
                return Err(invalid(format!("{factor} is given twice")));
            }
            raw[factor.index()] = value;
        }
        Self::new(raw)
    }

    /// The weight of one factor.
    pub fn get(&self, factor: Factor) -> f32 {
        self.values[factor.index()]
    }

    /// All weights, in the order of [`Factor::ALL`].
    pub fn as_array(&self) -> [f32; 7] {
        self.values
    }

    /// `(factor, weight)` pairs, in the order of [`Factor::ALL`].
    pub fn iter(&self) -> impl Iterator<Item = (Factor, f32)> + '_ {
        Factor::ALL.into_iter().zip(self.values)
    }
}

impl TryFrom<BTreeMap<Factor, f32>> for Weights {
    type Error = Error;

    fn try_from(map: BTreeMap<Factor, f32>) -> Result<Self> {
        Self::from_pairs(map)
    }
}

impl From<Weights> for BTreeMap<Factor, f32> {
    fn from(weights: Weights) -> Self {
        weights.iter().collect()
    }
}

fn invalid(reason: String) -> Error {
    Error::new(ErrorKind::InvalidWeights { reason })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_weights_are_the_table_and_sum_to_one() {
        let weights = Weights::default();
        assert_eq!(weights.get(Factor::SkillFit), 0.25);
        assert_eq!(weights.get(Factor::CompensationFit), 0.05);
        let sum: f32 = weights.as_array().iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
    }

    #[test]
    fn new_normalises_to_one() {
        let weights = Weights::new([2.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0]).unwrap();
        assert_eq!(weights.get(Factor::SkillFit), 0.5);
        assert_eq!(weights.get(Factor::MotivationFit), 0.5);
        assert_eq!(weights.get(Factor::ExperienceFit), 0.0);
    }

    #[test]
    fn negative_nan_and_all_zero_weights_are_rejected() {
        for raw in [
            [-1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            [f32::NAN, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            [f32::INFINITY, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            [0.0; 7],
        ] {
            let error = Weights::new(raw).unwrap_err();
            assert!(matches!(error.kind(), ErrorKind::InvalidWeights { .. }));
        }
    }

    #[test]
    fn a_factor_given_twice_is_rejected() {
        let error =
            Weights::from_pairs([(Factor::SkillFit, 1.0), (Factor::SkillFit, 2.0)]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid weights: skill_fit is given twice"
        );
    }

    #[test]
    fn factor_names_round_trip() {
        for factor in Factor::ALL {
            assert_eq!(Factor::parse(factor.as_str()), Some(factor));
            assert_eq!(
                factor.index(),
                Factor::ALL.iter().position(|f| *f == factor).unwrap()
            );
        }
        assert_eq!(Factor::parse("skills"), None);
    }
}
