//! The seven factors of the Shiojiri model, each in [0, 1] with reasons.
//!
//! Each public function scores one factor of a pair and says why, Japanese first and
//! English beside. The numbers, as the code computes them:
//!
//! | factor | score |
//! |---|---|
//! | [`skill_fit`] | per asked skill, the best of the professional's skills: credit × `min(1, level / min_level)`, where credit is 1 for the skill itself, 0.7 for a more specific one (asked `marketing`, has `digital_marketing`), 0.5 for a more general one, 0.3 for a sibling; averaged with `must` skills weighing 3×; 1 when no skill is asked |
//! | [`motivation_fit`] | ½ shared themes (share of the need's themes) + ½ text similarity (BM25 of the need's title, description and goal against the motivation and headline, or the proposal if that is better); either alone when the need lacks the other |
//! | [`experience_fit`] | ½ role (none 0, 1 year 0.6, 2 years 0.8, 3+ years 1) + ¼ industry (known or not) + ¼ style (hands-on vs advisory compatible); role ⅔ and style ⅓ when the need names no industry |
//! | [`availability_fit`] | (0.7 × hours (`offered / minimum`, at most 1) + 0.3 × start (1 if available by `apply_by` or today, falling to 0 at 90 days late)) × slots (no meeting slot in common 0.15; otherwise 0.75 + 0.25 × the share of the need's slots covered) |
//! | [`regional_affinity`] | the strongest tie: living there, hometown or family 1.0; lived or worked 0.8; visited or interest 0.5 — in the need's city; 80 % of that for the need's prefecture but another city; 0.3 for any tie to another prefecture of the wider region (e.g. 甲信越). Earlier engagements add 0.2 each in the city and 0.1 in the prefecture, up to 0.2; at most 1 |
//! | [`work_style_fit`] | remote/hybrid/on-site compatibility (e.g. an on-site need and a remote professional 0.1); when visits are asked, half that and half `min(1, offered / asked)` × distance (living in the prefecture 1, the wider region 0.9, elsewhere 0.75) |
//! | [`compensation_fit`] | pro bono: 1 if `pro_bono_ok`, else 0. Paid: a minimum at or below the budget's lower end 1, inside the range falling to 0.5 at its top, above it 0 |
//!
//! The functions here encode the pair each time they are called; to score a pair
//! fully use [`score`](crate::score::score), and to rank many use the
//! [index](crate::index).

pub(crate) mod bm25;
pub(crate) mod encode;
pub(crate) mod kernel;
pub(crate) mod query;
pub(crate) mod reasons;

use serde::{Deserialize, Serialize};

use crate::model::{Need, Profile};
use crate::score::Context;
use crate::weights::Factor;

use encode::{Doc, Encoded, Vocab};
use kernel::TextScores;
use query::NeedQuery;
use reasons::TextMatch;

/// A reason a coordinator can read, in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reason {
    /// Japanese, e.g. `必須スキル デジタルマーケティング: レベル4 (要求3)`.
    pub ja: String,
    /// English, e.g. `Must-have skill Digital marketing: level 4 (asked 3)`.
    pub en: String,
}

impl Reason {
    /// A reason from its two languages.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            ja: ja.into(),
            en: en.into(),
        }
    }
}

impl std::fmt::Display for Reason {
    /// The Japanese, then the English in parentheses.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.ja, self.en)
    }
}

/// One factor's score in `[0, 1]` and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorOutcome {
    /// In `[0, 1]`.
    pub score: f32,
    /// Why, most important first.
    pub reasons: Vec<Reason>,
}

/// Scores `factor` of the pair.
pub fn evaluate(
    factor: Factor,
    need: &Need,
    profile: &Profile,
    ctx: &Context<'_>,
) -> FactorOutcome {
    Pair::new(need, profile, ctx).outcome(factor)
}

/// Required skills covered at the asked level (see the [module table](self)).
pub fn skill_fit(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::SkillFit, need, profile, ctx)
}

/// Shared themes and text similarity, with the proposal when `ctx` has one.
pub fn motivation_fit(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::MotivationFit, need, profile, ctx)
}

/// Role held, industry, hands-on/advisory style.
pub fn experience_fit(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::ExperienceFit, need, profile, ctx)
}

/// Hours, start date against `apply_by` (or `ctx.today`), meeting slots.
pub fn availability_fit(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::AvailabilityFit, need, profile, ctx)
}

/// Ties to the need's city, prefecture or wider region, and earlier engagements.
pub fn regional_affinity(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::RegionalAffinity, need, profile, ctx)
}

/// Remote/hybrid/on-site, visits and distance.
pub fn work_style_fit(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::WorkStyleFit, need, profile, ctx)
}

/// Budget against the professional's minimum, or pro bono.
pub fn compensation_fit(need: &Need, profile: &Profile, ctx: &Context<'_>) -> FactorOutcome {
    evaluate(Factor::CompensationFit, need, profile, ctx)
}

/// A pair encoded on its own, ready for the kernels and the reasons.
pub(crate) struct Pair<'n> {
    pub query: NeedQuery<'n>,
    pub encoded: Encoded,
    pub text: TextMatch,
}

impl<'n> Pair<'n> {
    pub(crate) fn new(need: &'n Need, profile: &Profile, ctx: &Context<'_>) -> Self {
        let mut vocab = Vocab::default();
        query::intern_need(need, &mut vocab);
        let encoded = Encoded::new(profile, &mut vocab);
        let query = NeedQuery::new(need, &ctx.weights, ctx.today, &vocab, ctx.corpus);
        let text = text_match(&query, &encoded.doc, ctx.proposal);
        Self {
            query,
            encoded,
            text,
        }
    }

    pub(crate) fn scores(&self) -> [f32; 7] {
        kernel::factor_scores(&self.query, &self.encoded.row(), self.text.scores)
    }

    pub(crate) fn outcome(&self, factor: Factor) -> FactorOutcome {
        let row = self.encoded.row();
        FactorOutcome {
            score: self.scores()[factor.index()],
            reasons: reasons::factor_reasons(factor, &self.query, &row, &self.text),
        }
    }
}

/// How a profile's text (and proposal) matches the need, computed directly.
pub(crate) fn text_match(q: &NeedQuery<'_>, doc: &Doc, proposal: Option<&str>) -> TextMatch {
    let raw = bm25::raw_score(&q.text.profile_terms, doc, q.text.average_len);
    let (proposal_similarity, proposal_keys) = match proposal {
        Some(text) => proposal_match(q, text),
        None => (0.0, Vec::new()),
    };
    TextMatch {
        scores: TextScores::from_raw(q, raw, proposal_similarity),
        has_proposal: proposal.is_some(),
        motivation_keys: bm25::matched_keys(&q.text.profile_terms, doc),
        proposal_keys,
    }
}

/// The similarity of a proposal to the need, and the need's terms it uses.
pub(crate) fn proposal_match(q: &NeedQuery<'_>, proposal: &str) -> (f32, Vec<u64>) {
    let doc = Doc::new(&[proposal]);
    let raw = bm25::raw_score(&q.text.proposal_terms, &doc, q.text.average_len);
    (
        bm25::similarity(raw, q.text.proposal_scale),
        bm25::matched_keys(&q.text.proposal_terms, &doc),
    )
}
