//! A candidate's factors as bars with the matcher's reasons in words: the view piece the
//! candidates page and the region-wide suggestion share (`factor_bars.html`).

use crate::{ranking::view::FactorView, web::frame::Frame};

/// One factor as a bar.
#[derive(Debug)]
pub(crate) struct Bar {
    /// The id of its label (the meter is named by it).
    pub id: String,
    pub label: String,
    /// In `[0, 1]`.
    pub value: f64,
    pub percent: String,
    pub weight: String,
    pub reasons: Vec<String>,
}

/// The factor's label in the page's language.
fn factor_label(frame: &Frame, factor: &FactorView) -> String {
    let key = match factor.factor.as_str() {
        "skill_fit" => "candidates.factor.skill_fit",
        "motivation_fit" => "candidates.factor.motivation_fit",
        "experience_fit" => "candidates.factor.experience_fit",
        "availability_fit" => "candidates.factor.availability_fit",
        "regional_affinity" => "candidates.factor.regional_affinity",
        "work_style_fit" => "candidates.factor.work_style_fit",
        "compensation_fit" => "candidates.factor.compensation_fit",
        // A factor the catalogue does not know yet: the matcher's own label.
        _ => return factor.label.clone(),
    };
    frame.msg(key).to_owned()
}

/// The bars of `factors`, their label ids starting with `prefix` (unique on the page).
pub(crate) fn bars(frame: &Frame, prefix: &str, factors: &[FactorView]) -> Vec<Bar> {
    factors
        .iter()
        .map(|factor| Bar {
            id: format!("{prefix}-{}", factor.factor),
            label: factor_label(frame, factor),
            value: factor.score.clamp(0.0, 1.0),
            percent: format!("{:.0}%", factor.score * 100.0),
            weight: frame.msg_with(
                "candidates.weight",
                &[("percent", &format!("{:.0}", factor.weight * 100.0))],
            ),
            reasons: match frame.lang_code() {
                "en" => factor.reasons_en.clone(),
                _ => factor.reasons.clone(),
            },
        })
        .collect()
}
