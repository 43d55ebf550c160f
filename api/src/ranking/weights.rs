//! A region's factor weights: the wire shape, its validation through the matcher's
//! [`Weights`], and where they are stored (`regions.weights`, `NULL` = the defaults).

use anyhow::Context;
use musubi_matcher::{Factor, Weights};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    domain::error::{FieldError, FieldErrors},
    entities::region,
};

/// The seven factor weights of a region. On `PUT` every one is required, each must be
/// a finite number ≥ 0 and not all zero; they are stored scaled to sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"skill_fit": 0.25, "motivation_fit": 0.2, "experience_fit": 0.15,
    "availability_fit": 0.15, "regional_affinity": 0.1, "work_style_fit": 0.1, "compensation_fit": 0.05}))]
pub struct RegionWeights {
    /// Required skills covered at the asked level.
    pub skill_fit: f64,
    /// Shared themes and motivation text (canよりwant).
    pub motivation_fit: f64,
    /// Role held, industry, hands-on/advisory style.
    pub experience_fit: f64,
    /// Hours, start date, meeting slots.
    pub availability_fit: f64,
    /// Ties to the need's city, prefecture or wider region.
    pub regional_affinity: f64,
    /// Remote/hybrid/on-site and visits.
    pub work_style_fit: f64,
    /// Budget against the professional's minimum, or pro bono.
    pub compensation_fit: f64,
}

impl RegionWeights {
    fn values(&self) -> [f64; 7] {
        [
            self.skill_fit,
            self.motivation_fit,
            self.experience_fit,
            self.availability_fit,
            self.regional_affinity,
            self.work_style_fit,
            self.compensation_fit,
        ]
    }

    /// The seven weights in the order of [`Factor::ALL`].
    pub fn from_values(values: [f64; 7]) -> Self {
        let [
            skill_fit,
            motivation_fit,
            experience_fit,
            availability_fit,
            regional_affinity,
            work_style_fit,
            compensation_fit,
        ] = values;
        Self {
            skill_fit,
            motivation_fit,
            experience_fit,
            availability_fit,
            regional_affinity,
            work_style_fit,
            compensation_fit,
        }
    }

    /// Validates through the matcher and normalises. Every bad field is named; the
    /// matcher has the last word (and its message names the factor too).
    pub fn parse(&self) -> Result<Weights, FieldErrors> {
        let mut errors = Vec::new();
        let mut raw = [0.0f32; 7];
        for ((factor, value), slot) in Factor::ALL.iter().zip(self.values()).zip(&mut raw) {
            // JSON has no NaN or infinity, but a huge number overflows an f32.
            let narrowed = value as f32;
            if !value.is_finite() || !narrowed.is_finite() {
                errors.push(FieldError::new(factor.as_str(), "must be a finite number"));
            } else if value < 0.0 {
                errors.push(FieldError::new(factor.as_str(), "must not be negative"));
            }
            *slot = narrowed;
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Weights::new(raw).map_err(|error| {
            let message = error.to_string();
            let named = Factor::ALL
                .iter()
                .find(|factor| message.contains(factor.as_str()));
            match named {
                Some(factor) => vec![FieldError::new(factor.as_str(), message)],
                // All zero: no one field is to blame, so every one is named.
                None => Factor::ALL
                    .iter()
                    .map(|factor| {
                        FieldError::new(
                            factor.as_str(),
                            "all weights are zero; at least one must be positive",
                        )
                    })
                    .collect(),
            }
        })
    }
}

impl From<Weights> for RegionWeights {
    fn from(weights: Weights) -> Self {
        let w = |factor| round(weights.get(factor));
        Self {
            skill_fit: w(Factor::SkillFit),
            motivation_fit: w(Factor::MotivationFit),
            experience_fit: w(Factor::ExperienceFit),
            availability_fit: w(Factor::AvailabilityFit),
            regional_affinity: w(Factor::RegionalAffinity),
            work_style_fit: w(Factor::WorkStyleFit),
            compensation_fit: w(Factor::CompensationFit),
        }
    }
}

/// Six decimals: enough to add up to 1, without f32's `0.20000000298`.
fn round(value: f32) -> f64 {
    (f64::from(value) * 1e6).round() / 1e6
}

/// A region's weights: its stored ones, or the defaults when none are set.
pub fn of_region(region: &region::Model) -> anyhow::Result<Weights> {
    match &region.weights {
        None | Some(serde_json::Value::Null) => Ok(Weights::default()),
        Some(stored) => serde_json::from_value(stored.clone())
            .with_context(|| format!("region {} holds invalid weights {stored}", region.id)),
    }
}

/// Stores validated weights on a region (normalised, as the matcher holds them).
pub async fn store(
    db: &impl ConnectionTrait,
    region: region::Model,
    weights: Weights,
) -> anyhow::Result<region::Model> {
    let mut model: region::ActiveModel = region.into();
    model.weights = Set(Some(
        serde_json::to_value(weights).context("serialising weights")?,
    ));
    model.update(db).await.context("storing a region's weights")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(skill_fit: f64) -> RegionWeights {
        RegionWeights {
            skill_fit,
            motivation_fit: 0.2,
            experience_fit: 0.15,
            availability_fit: 0.15,
            regional_affinity: 0.1,
            work_style_fit: 0.1,
            compensation_fit: 0.05,
        }
    }

    fn fields(errors: FieldErrors) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn weights_are_normalised_to_sum_to_one() {
        let weights = body(0.75).parse().unwrap();
        let sum: f32 = weights.as_array().iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        assert!((weights.get(Factor::SkillFit) - 0.75 / 1.5).abs() < 1e-6);
        let view = RegionWeights::from(weights);
        assert_eq!(view.skill_fit, 0.5);
    }

    #[test]
    fn a_negative_or_overflowing_weight_is_named() {
        assert_eq!(fields(body(-0.1).parse().unwrap_err()), ["skill_fit"]);
        assert_eq!(fields(body(1e300).parse().unwrap_err()), ["skill_fit"]);
    }

    #[test]
    fn all_zero_names_every_field() {
        let zero = RegionWeights {
            skill_fit: 0.0,
            motivation_fit: 0.0,
            experience_fit: 0.0,
            availability_fit: 0.0,
            regional_affinity: 0.0,
            work_style_fit: 0.0,
            compensation_fit: 0.0,
        };
        assert_eq!(fields(zero.parse().unwrap_err()).len(), 7);
    }

    #[test]
    fn stored_weights_round_trip() {
        let weights = body(0.5).parse().unwrap();
        let stored = serde_json::to_value(weights).unwrap();
        let back: Weights = serde_json::from_value(stored).unwrap();
        assert_eq!(back, weights);
    }
}
