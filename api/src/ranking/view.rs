//! How a score's explanation goes over the wire: the same shapes in candidate lists,
//! recommendations and the snapshots stored on applications and matches.
//!
//! Reasons come from the matcher, which builds them from structured fields and from
//! the *need's* words (the words a motivation shares with the need are quoted from the
//! need's text). The bio is never indexed or scored, so no reason can quote it: an SME
//! may see every reason of a pseudonymous candidate.

use musubi_matcher::{
    Exclusion, Explanation, FactorScore, Preference,
    reciprocal::{Aspect, AspectScore},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A score rounded for display: two decimals of a 0–100 total.
pub fn total(value: f32) -> f64 {
    round(value, 100.0)
}

/// A factor score or weight rounded for display: four decimals of a 0–1 value.
pub fn unit(value: f32) -> f64 {
    round(value, 10_000.0)
}

fn round(value: f32, scale: f64) -> f64 {
    (f64::from(value) * scale).round() / scale
}

/// One factor of a score, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"factor": "skill_fit", "label": "スキル適合", "score": 0.92, "weight": 0.25,
    "reasons": ["必須スキル デジタルマーケティング: レベル4 (要求3)"],
    "reasons_en": ["Must-have skill Digital marketing: level 4 (asked 3)"]}))]
pub struct FactorView {
    /// `skill_fit`, `motivation_fit`, `experience_fit`, `availability_fit`,
    /// `regional_affinity`, `work_style_fit` or `compensation_fit`.
    pub factor: String,
    /// Japanese label of the factor.
    pub label: String,
    /// In `[0, 1]`.
    pub score: f64,
    /// Its weight in the total (the region's weights, summing to 1).
    pub weight: f64,
    /// Why, in Japanese.
    pub reasons: Vec<String>,
    /// The same reasons in English.
    pub reasons_en: Vec<String>,
}

impl From<&FactorScore> for FactorView {
    fn from(part: &FactorScore) -> Self {
        Self {
            factor: part.factor.as_str().to_owned(),
            label: part.factor.label_ja().to_owned(),
            score: unit(part.score),
            weight: unit(part.weight),
            reasons: part.reasons.iter().map(|r| r.ja.clone()).collect(),
            reasons_en: part.reasons.iter().map(|r| r.en.clone()).collect(),
        }
    }
}

/// A hard exclusion, with why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"exclusion": "hours_below_half", "reason": "稼働可能時間が募集の下限の半分に届きません",
    "reason_en": "The hours offered are below half of the need's minimum"}))]
pub struct ExclusionView {
    /// `inactive`, `hours_below_half`, `compensation_above_budget`,
    /// `pro_bono_not_accepted`, `visits_ruled_out` or `at_max_engagements`.
    pub exclusion: String,
    /// Why, in Japanese.
    pub reason: String,
    /// Why, in English.
    pub reason_en: String,
}

impl From<Exclusion> for ExclusionView {
    fn from(exclusion: Exclusion) -> Self {
        let reason = exclusion.reason();
        Self {
            exclusion: exclusion.as_str().to_owned(),
            reason: reason.ja,
            reason_en: reason.en,
        }
    }
}

/// One aspect of the professional's preference for a need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AspectView {
    /// `themes`, `pay`, `work_style`, `hours` or `region`.
    pub aspect: String,
    /// In `[0, 1]`.
    pub score: f64,
    /// Its weight (the weights sum to 1).
    pub weight: f64,
    /// Why, in Japanese.
    pub reasons: Vec<String>,
    /// The same reasons in English.
    pub reasons_en: Vec<String>,
}

impl From<&AspectScore> for AspectView {
    fn from(part: &AspectScore) -> Self {
        let aspect: Aspect = part.aspect;
        Self {
            aspect: aspect.as_str().to_owned(),
            score: unit(part.score),
            weight: unit(part.weight),
            reasons: part.reasons.iter().map(|r| r.ja.clone()).collect(),
            reasons_en: part.reasons.iter().map(|r| r.en.clone()).collect(),
        }
    }
}

/// Every factor of an explanation.
pub fn factors(explanation: Option<&Explanation>) -> Vec<FactorView> {
    explanation
        .map(|explanation| explanation.factors.iter().map(FactorView::from).collect())
        .unwrap_or_default()
}

/// Every aspect of a preference.
pub fn aspects(preference: Option<&Preference>) -> Vec<AspectView> {
    preference
        .map(|preference| preference.aspects.iter().map(AspectView::from).collect())
        .unwrap_or_default()
}

/// The exclusions, as views.
pub fn exclusions(exclusions: &[Exclusion]) -> Vec<ExclusionView> {
    exclusions
        .iter()
        .copied()
        .map(ExclusionView::from)
        .collect()
}

/// A stored score snapshot: why a pair scored what it did on a given day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Snapshot {
    /// The need's score of the professional, 0–100.
    pub score: f64,
    /// The professional's preference for the need, 0–100.
    pub preference: f64,
    /// The harmonic mean of the two.
    pub reciprocal_score: f64,
    /// Every factor with its reasons.
    pub factors: Vec<FactorView>,
    /// Whether a hard exclusion applies.
    pub excluded: bool,
    /// The hard exclusions, with why.
    pub exclusions: Vec<ExclusionView>,
    /// The day it was scored on (Asia/Tokyo).
    pub scored_on: chrono::NaiveDate,
}
