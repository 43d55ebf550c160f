//! The form of `/region/weights` as sent: each factor's number (or its slider, when only
//! the slider was moved), read into weights or into errors beside the fields.

use std::collections::HashMap;

use musubi_matcher::{Factor, Weights};

use super::NEED;
use crate::{
    ranking::weights::RegionWeights,
    web::{form::Errors, frame::Frame},
};

/// The slider's range, in points (a weight of 0.25 is 25 points).
const SLIDER_MAX: f64 = 100.0;

/// What the form holds: each factor's number as entered, and the need.
#[derive(Debug, Clone)]
pub(super) struct Entered {
    pub(super) values: [String; 7],
    pub(super) need: String,
}

impl Entered {
    /// The stored weights, in points.
    pub(super) fn of_weights(weights: &Weights, need: String) -> Self {
        Self {
            values: Factor::ALL.map(|factor| points(weights.get(factor))),
            need,
        }
    }

    /// What was sent: for each factor, a changed number, else a moved slider, else the
    /// number as it was.
    pub(super) fn of_form(form: &HashMap<String, String>) -> Self {
        let get = |name: &str| form.get(name).map(|value| value.trim()).unwrap_or("");
        Self {
            values: Factor::ALL.map(|factor| {
                let id = factor.as_str();
                let typed = get(id);
                let was = form.get(&format!("{id}_was")).map(|was| was.trim());
                let slider = form.get(&format!("{id}_slider")).map(|s| s.trim());
                match (was, slider) {
                    (Some(was), Some(slider)) if typed == was && slider != slider_of(was) => {
                        slider.to_owned()
                    }
                    _ => typed.to_owned(),
                }
            }),
            need: get(NEED).to_owned(),
        }
    }

    /// The weights entered, or what is wrong with them: each field's error beside it
    /// (in `errors`), or that every weight is zero.
    pub(super) fn parse(
        &self,
        frame: &Frame,
        errors: &mut Errors,
    ) -> Result<RegionWeights, Refused> {
        let mut numbers = [0.0f64; 7];
        for ((factor, text), number) in Factor::ALL.iter().zip(&self.values).zip(&mut numbers) {
            match number_of(text) {
                Some(value) if value < 0.0 => {
                    errors.add(factor.as_str(), frame.msg("weights.error.negative"));
                }
                Some(value) => *number = value,
                None => errors.add(factor.as_str(), frame.msg("weights.error.number")),
            }
        }
        if !errors.is_empty() {
            return Err(Refused::Fields);
        }
        if numbers.iter().all(|&value| value == 0.0) {
            return Err(Refused::AllZero);
        }
        Ok(RegionWeights::from_values(numbers))
    }
}

/// Why the weights entered were refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Refused {
    /// Some fields are not numbers 0 or more (each said beside it).
    Fields,
    /// Every weight is zero (said once, above them all).
    AllZero,
}

/// A typed number: ASCII or full-width digits, finite.
pub(super) fn number_of(text: &str) -> Option<f64> {
    let ascii: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (u32::from(c) - u32::from('０')) as u8),
            '．' => '.',
            '－' | '−' => '-',
            other => other,
        })
        .collect();
    // Rust reads `inf` and `NaN` as numbers; a weight is neither.
    ascii.parse::<f64>().ok().filter(|value| value.is_finite())
}

/// A weight (summing to 1 with the others) in points, without trailing zeros.
pub(super) fn points(weight: f32) -> String {
    let text = format!("{:.2}", f64::from(weight) * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// Where a slider stands for a number: rounded into its range (0 when not a number).
pub(super) fn slider_of(text: &str) -> String {
    let value = number_of(text)
        .unwrap_or(0.0)
        .clamp(0.0, SLIDER_MAX)
        .round();
    format!("{value:.0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_changed_number_wins_then_a_moved_slider_then_the_value_as_it_was() {
        let entered = Entered::of_form(&form(&[
            // Typed over: the number wins, wherever the slider is.
            ("skill_fit", "40"),
            ("skill_fit_was", "25"),
            ("skill_fit_slider", "25"),
            // Slid: the slider wins.
            ("motivation_fit", "20"),
            ("motivation_fit_was", "20"),
            ("motivation_fit_slider", "55"),
            // Neither: the number as it was, even past the slider's range.
            ("experience_fit", "70.59"),
            ("experience_fit_was", "70.59"),
            ("experience_fit_slider", "71"),
            // No slider sent (a script or a test): the number.
            ("availability_fit", "abc"),
        ]));
        assert_eq!(entered.values[0], "40");
        assert_eq!(entered.values[1], "55");
        assert_eq!(entered.values[2], "70.59");
        assert_eq!(entered.values[3], "abc");
        assert_eq!(entered.values[4], "");
    }

    #[test]
    fn numbers_may_be_typed_full_width_and_never_infinite() {
        assert_eq!(number_of("２５．５"), Some(25.5));
        assert_eq!(number_of(" 3 "), Some(3.0));
        assert_eq!(number_of("inf"), None);
        assert_eq!(number_of("NaN"), None);
        assert_eq!(number_of(""), None);
        assert_eq!(points(0.705_882), "70.59");
        assert_eq!(points(0.25), "25");
        assert_eq!(slider_of("150"), "100");
        assert_eq!(slider_of("x"), "0");
    }
}
