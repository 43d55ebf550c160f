//! The professional's side of a pair, and the reciprocal (harmonic) score.
//!
//! A match needs both sides to want it. [`preference`] scores a need from the
//! professional's side; [`reciprocal_score`] is the harmonic mean of the two
//! directions, so a pair is only as strong as its less keen side; [`rank_needs`]
//! ranks open needs for a professional by it (`GET /profiles/me/recommendations`).
//!
//! | aspect | weight | score |
//! |---|---|---|
//! | `themes` | 0.30 | share of *their* themes the need touches (0.5 if they named none) |
//! | `pay` | 0.25 | budget at or below their minimum… fully above it 1, partly 0.5–1, not at all 0; pro bono 0.7 if they accept it |
//! | `work_style` | 0.20 | 0.6 × work-style match + 0.4 × `min(1, visits offered / asked)` |
//! | `hours` | 0.10 | their hours against the need's minimum |
//! | `region` | 0.15 | their tie to the need's place, as in `regional_affinity` |

use serde::{Deserialize, Serialize};

use crate::factors::encode::{Encoded, RowRef, Vocab};
use crate::factors::kernel::{self, PREFERENCE_WEIGHTS};
use crate::factors::query::{self, NeedQuery};
use crate::factors::reasons;
use crate::factors::{Reason, text_match};
use crate::model::{Id, Need, Profile};
use crate::score::{Context, Explanation};
use crate::weights::Factor;

/// One aspect of the professional's preference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The need's themes against theirs.
    Themes,
    /// Pay above their minimum.
    Pay,
    /// Work style and visits.
    WorkStyle,
    /// Hours asked against hours offered.
    Hours,
    /// A region they are tied to.
    Region,
}

impl Aspect {
    /// Every aspect, in the order of the module table.
    pub const ALL: [Aspect; 5] = [
        Aspect::Themes,
        Aspect::Pay,
        Aspect::WorkStyle,
        Aspect::Hours,
        Aspect::Region,
    ];

    /// The wire name, e.g. `work_style`.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Themes => "themes",
            Aspect::Pay => "pay",
            Aspect::WorkStyle => "work_style",
            Aspect::Hours => "hours",
            Aspect::Region => "region",
        }
    }

    /// Parses the wire name; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|aspect| aspect.as_str() == text)
    }
}

/// One aspect of a [`Preference`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AspectScore {
    /// Which aspect.
    pub aspect: Aspect,
    /// In `[0, 1]`.
    pub score: f32,
    /// Its weight (the weights sum to 1).
    pub weight: f32,
    /// Why.
    pub reasons: Vec<Reason>,
}

/// How much the professional would want the need, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Preference {
    /// In `[0, 100]`.
    pub total: f32,
    /// Every aspect, in the order of [`Aspect::ALL`].
    pub aspects: Vec<AspectScore>,
}

impl Preference {
    pub(crate) fn build(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Self {
        Self::with_reasons(q, row, |aspect| reasons::preference_reasons(aspect, q, row))
    }

    /// [`build`](Self::build) beside the need's side of the same pair: the reasons
    /// both sides give in the same words (pay, hours, region) are taken from
    /// `explanation` instead of being written again.
    pub(crate) fn build_beside(
        q: &NeedQuery<'_>,
        row: &RowRef<'_>,
        explanation: &Explanation,
    ) -> Self {
        let shared = |aspect: usize| -> Option<Vec<Reason>> {
            let reasons = |factor: Factor| explanation.factor(factor).map(|f| &f.reasons);
            match aspect {
                1 => reasons(Factor::CompensationFit).cloned(),
                // The need's availability reasons start with the hours.
                3 => reasons(Factor::AvailabilityFit)
                    .and_then(|reasons| reasons.first())
                    .map(|hours| vec![hours.clone()]),
                4 => reasons(Factor::RegionalAffinity).cloned(),
                _ => None,
            }
        };
        Self::with_reasons(q, row, |aspect| {
            shared(aspect).unwrap_or_else(|| reasons::preference_reasons(aspect, q, row))
        })
    }

    /// The aspects' scores, each with the reasons `reasons_of(aspect index)` gives.
    fn with_reasons(
        q: &NeedQuery<'_>,
        row: &RowRef<'_>,
        mut reasons_of: impl FnMut(usize) -> Vec<Reason>,
    ) -> Self {
        let scores = kernel::preference_scores(q, row);
        let aspects = Aspect::ALL
            .iter()
            .enumerate()
            .map(|(i, &aspect)| AspectScore {
                aspect,
                score: scores[i],
                weight: PREFERENCE_WEIGHTS[i],
                reasons: reasons_of(i),
            })
            .collect();
        Self {
            total: kernel::weighted_total(&PREFERENCE_WEIGHTS, &scores),
            aspects,
        }
    }
}

/// The professional's preference for `need`, in `[0, 100]`, with reasons.
pub fn preference(profile: &Profile, need: &Need, ctx: &Context<'_>) -> Preference {
    let mut vocab = Vocab::default();
    query::intern_need(need, &mut vocab);
    let encoded = Encoded::new(profile, &mut vocab);
    let q = NeedQuery::new(need, &ctx.weights, ctx.today, &vocab, ctx.corpus);
    Preference::build(&q, &encoded.row())
}

/// The preference total alone.
pub(crate) fn preference_total(q: &NeedQuery<'_>, row: &RowRef<'_>) -> f32 {
    kernel::weighted_total(&PREFERENCE_WEIGHTS, &kernel::preference_scores(q, row))
}

/// The harmonic mean of the need's score of the professional and the professional's
/// preference for the need, both in `[0, 100]`; 0 when either is 0.
///
/// ```
/// use musubi_matcher::reciprocal::reciprocal_score;
///
/// assert_eq!(reciprocal_score(80.0, 80.0), 80.0);
/// assert!(reciprocal_score(100.0, 20.0) < 60.0); // a lukewarm side drags it down
/// assert_eq!(reciprocal_score(90.0, 0.0), 0.0);
/// ```
pub fn reciprocal_score(need_score: f32, preference: f32) -> f32 {
    kernel::harmonic(need_score, preference)
}

/// A need recommended to a professional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedNeed {
    /// The need.
    pub need_id: Id,
    /// The need's score of the professional, in `[0, 100]`.
    pub score: f32,
    /// The professional's preference for the need, in `[0, 100]`.
    pub preference: f32,
    /// The harmonic mean of the two: what the list is ordered by.
    pub reciprocal_score: f32,
    /// Why the need would want them.
    pub explanation: Explanation,
    /// Why they would want the need.
    pub preference_detail: Preference,
}

/// The `k` needs best for `profile` by reciprocal score (ties: smaller need id
/// first). Needs the pair is excluded from are left out. `ctx.proposal` is ignored:
/// a recommendation comes before any application.
pub fn rank_needs(
    profile: &Profile,
    needs: &[Need],
    ctx: &Context<'_>,
    k: usize,
) -> Vec<RankedNeed> {
    let mut vocab = Vocab::default();
    for need in needs {
        query::intern_need(need, &mut vocab);
    }
    let encoded = Encoded::new(profile, &mut vocab);
    let row = encoded.row();

    let mut ranked: Vec<(f32, f32, f32, NeedQuery<'_>)> = Vec::new();
    for need in needs {
        let q = NeedQuery::new(need, &ctx.weights, ctx.today, &vocab, ctx.corpus);
        if kernel::exclusion_mask(&q, &row) != 0 {
            continue;
        }
        let text = text_match(&q, &encoded.doc, None);
        let score =
            kernel::weighted_total(&q.weights, &kernel::factor_scores(&q, &row, text.scores));
        let preference = preference_total(&q, &row);
        ranked.push((kernel::harmonic(score, preference), score, preference, q));
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.3.need.id.cmp(&b.3.need.id)));
    ranked.truncate(k);
    ranked
        .into_iter()
        .map(|(reciprocal, score, preference, q)| {
            let text = text_match(&q, &encoded.doc, None);
            RankedNeed {
                need_id: q.need.id,
                score,
                preference,
                reciprocal_score: reciprocal,
                explanation: Explanation::build(&q, &row, &text),
                preference_detail: Preference::build(&q, &row),
            }
        })
        .collect()
}
