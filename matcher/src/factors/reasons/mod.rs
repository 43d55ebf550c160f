//! Reasons: each factor's numbers in words a coordinator can read, Japanese first.
//!
//! Every reason is built from the same encoded row and prepared need as the score,
//! never from the profile's free text, so an explanation can be shown to an SME
//! before an introduction without leaking a name, employer or bio.
//!
//! One file a concept: [`format`] writes the strings, [`labels`] holds the label
//! tables, and each factor's reasons are built in the file of its name.

mod availability;
mod compensation;
mod experience;
mod format;
mod labels;
mod motivation;
mod region;
mod skill;
mod work_style;

use crate::factors::Reason;
use crate::factors::encode::RowRef;
use crate::factors::kernel::TextScores;
use crate::factors::query::NeedQuery;
use crate::taxonomy;
use crate::weights::Factor;

use format::{text, yen_en, yen_ja};
use labels::{slot_labels, theme_labels};

/// Which need terms a profile's text and proposal share, for naming the words.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TextMatch {
    pub scores: TextScores,
    /// Whether a proposal was given.
    pub has_proposal: bool,
    /// Keys of the need's profile-query terms in the motivation.
    pub motivation_keys: Vec<u64>,
    /// Keys of the need's proposal-query terms in the proposal.
    pub proposal_keys: Vec<u64>,
}

/// The need's side of the reasons, which every candidate's reasons repeat: built
/// once per prepared need, on the first explanation.
#[derive(Debug, Clone)]
pub(crate) struct NeedLabels {
    /// `(ja, en)` of the need's industry, when it names one.
    industry: Option<(String, String)>,
    /// `(ja, en)` of the date a start is judged by.
    start_by: (String, String),
    /// `(ja, en)` of the budget.
    budget: (String, String),
    /// `(ja, en)` of the need's themes and meeting slots.
    themes: (String, String),
    slots: (String, String),
}

impl NeedLabels {
    pub(crate) fn new(q: &NeedQuery<'_>) -> Self {
        let need = q.need;
        let industry =
            (q.industry != 0).then(|| match taxonomy::resolve_industry(&need.industry) {
                Some(industry) => (industry.ja.to_owned(), industry.en.to_owned()),
                None => (need.industry.clone(), need.industry.clone()),
            });
        let start_by = match need.apply_by {
            Some(date) => (text!("応募締切 ", date), text!("apply by ", date)),
            None => (text!("本日 ", q.today), text!("today ", q.today)),
        };
        let (lo, hi) = (q.budget_min, q.budget_max);
        Self {
            industry,
            start_by,
            budget: (
                text!("予算 月", yen_ja(lo), "〜", yen_ja(hi)),
                text!("budget ", yen_en(lo), "–", yen_en(hi), " a month"),
            ),
            themes: (
                theme_labels(q.themes, true).to_string(),
                theme_labels(q.themes, false).to_string(),
            ),
            slots: (
                slot_labels(q.slots, true).to_string(),
                slot_labels(q.slots, false).to_string(),
            ),
        }
    }
}

/// The reasons of one factor.
pub(crate) fn factor_reasons(
    factor: Factor,
    q: &NeedQuery<'_>,
    row: &RowRef<'_>,
    text: &TextMatch,
) -> Vec<Reason> {
    match factor {
        Factor::SkillFit => skill::skill_reasons(q, row),
        Factor::MotivationFit => motivation::motivation_reasons(q, row, text),
        Factor::ExperienceFit => experience::experience_reasons(q, row),
        Factor::AvailabilityFit => availability::availability_reasons(q, row),
        Factor::RegionalAffinity => region::regional_reasons(q, row),
        Factor::WorkStyleFit => work_style::work_style_reasons(q, row),
        Factor::CompensationFit => compensation::compensation_reasons(q, row),
    }
}

/// Reasons of the professional's side, aspect by aspect.
pub(crate) fn preference_reasons(
    aspect: usize,
    q: &NeedQuery<'_>,
    row: &RowRef<'_>,
) -> Vec<Reason> {
    match aspect {
        0 => motivation::interest_reasons(q, row),
        1 => compensation::compensation_reasons(q, row),
        2 => work_style::work_style_reasons_with(q, row, false),
        3 => vec![availability::hours_reason(q, row)],
        _ => region::regional_reasons(q, row),
    }
}
