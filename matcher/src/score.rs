//! The total score of a pair and its explanation.
//!
//! [`score`] is the reference: the [index](crate::index) ranks with the same kernels
//! and gives the same total for the same pair, need, [`Context`] and corpus.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::exclusion::Exclusion;
use crate::factors::encode::{
    Encoded, PlaceCode, PlaceKind, RowRef, Vocab, code_level, code_skill,
};
use crate::factors::kernel;
use crate::factors::query::NeedQuery;
use crate::factors::reasons::{self, TextMatch};
use crate::factors::{Pair, Reason};
use crate::index::Corpus;
use crate::model::{Need, Profile, Role};
use crate::taxonomy;
use crate::weights::{Factor, Weights};

/// What scoring needs besides the pair: the date, the region's weights, and
/// optionally the proposal and the text statistics of a profile corpus.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Today, in the service's time zone (the engine has no clock).
    pub today: NaiveDate,
    /// The region's factor weights.
    pub weights: Weights,
    /// The proposal (提案) the professional applied with, if any.
    pub proposal: Option<&'a str>,
    /// BM25 statistics (document frequencies, average length) of the profiles; pass
    /// [`ProfileIndex::corpus`](crate::index::ProfileIndex::corpus) to get exactly
    /// the score the index ranks by. `None` treats every term as equally rare.
    pub corpus: Option<&'a Corpus>,
}

impl<'a> Context<'a> {
    /// Default weights, no proposal, no corpus.
    pub fn new(today: NaiveDate) -> Self {
        Self {
            today,
            weights: Weights::default(),
            proposal: None,
            corpus: None,
        }
    }

    /// With a region's weights.
    pub fn with_weights(self, weights: Weights) -> Self {
        Self { weights, ..self }
    }

    /// With the proposal the professional applied with.
    pub fn with_proposal(self, proposal: &'a str) -> Self {
        Self {
            proposal: Some(proposal),
            ..self
        }
    }

    /// With an index's text statistics.
    pub fn with_corpus(self, corpus: &'a Corpus) -> Self {
        Self {
            corpus: Some(corpus),
            ..self
        }
    }
}

/// One factor of an [`Explanation`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorScore {
    /// Which factor.
    pub factor: Factor,
    /// In `[0, 1]`.
    pub score: f32,
    /// Its weight in the total (the weights sum to 1).
    pub weight: f32,
    /// Why, in Japanese and English.
    pub reasons: Vec<Reason>,
}

/// A pair's total and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// `100 × Σ weight × score`, in `[0, 100]`.
    pub total: f32,
    /// Every factor, in the order of [`Factor::ALL`].
    pub factors: Vec<FactorScore>,
    /// Hard exclusions; a pair with any is left out of rankings.
    pub exclusions: Vec<Exclusion>,
}

impl Explanation {
    /// Whether any hard exclusion applies.
    pub fn is_excluded(&self) -> bool {
        !self.exclusions.is_empty()
    }

    /// One factor's part.
    pub fn factor(&self, factor: Factor) -> Option<&FactorScore> {
        self.factors.iter().find(|part| part.factor == factor)
    }

    /// Builds the explanation of an encoded pair.
    pub(crate) fn build(q: &NeedQuery<'_>, row: &RowRef<'_>, text: &TextMatch) -> Self {
        Self::from_scores(q, row, text, &kernel::factor_scores(q, row, text.scores))
    }

    /// [`build`](Self::build) with the factor scores already computed.
    pub(crate) fn from_scores(
        q: &NeedQuery<'_>,
        row: &RowRef<'_>,
        text: &TextMatch,
        scores: &[f32; 7],
    ) -> Self {
        let factors = Factor::ALL
            .iter()
            .map(|&factor| FactorScore {
                factor,
                score: scores[factor.index()],
                weight: q.weights[factor.index()],
                reasons: reasons::factor_reasons(factor, q, row, text),
            })
            .collect();
        Self {
            total: kernel::weighted_total(&q.weights, scores),
            factors,
            exclusions: Exclusion::from_mask(kernel::exclusion_mask(q, row)),
        }
    }
}

/// Scores `need` against `profile`: every factor with its reasons, the total and
/// the exclusions.
pub fn score(need: &Need, profile: &Profile, ctx: &Context<'_>) -> Explanation {
    let pair = Pair::new(need, profile, ctx);
    Explanation::build(&pair.query, &pair.encoded.row(), &pair.text)
}

/// The total alone, as [`score`] computes it, without building reasons.
pub fn total(need: &Need, profile: &Profile, ctx: &Context<'_>) -> f32 {
    let pair = Pair::new(need, profile, ctx);
    kernel::weighted_total(&pair.query.weights, &pair.scores())
}

/// A pseudonymous one-line description for an SME to see before an introduction,
/// e.g. `CMO / 東京都 / 長野県出身`: the longest-held role (or the strongest skill),
/// the home prefecture, and the strongest tie's prefecture. It is built from
/// structured fields only — never the name, bio, employer, headline or any free text
/// (a city is free text, so only prefectures appear).
pub fn display(profile: &Profile) -> String {
    // Encoding reads the text too; a throw-away vocabulary keeps this pure.
    let encoded = Encoded::new(profile, &mut Vocab::default());
    display_row(&encoded.row())
}

/// [`display`] of an encoded row.
pub(crate) fn display_row(row: &RowRef<'_>) -> String {
    let mut line = String::with_capacity(64);

    let mut best_role: Option<(Role, u8)> = None;
    for (position, &role) in Role::ALL.iter().enumerate() {
        let years = row.s.years_in(4 * position as u32);
        if years > 0 && best_role.is_none_or(|(_, best)| years > best) {
            best_role = Some((role, years));
        }
    }
    if let Some((role, _)) = best_role {
        let label = taxonomy::role_label(role).ja;
        // `CMO（マーケティング責任者）` → `CMO`: short enough for a list.
        next_part(&mut line).push_str(label.split('（').next().unwrap_or(label));
    } else {
        let mut best_skill: Option<u16> = None;
        for &code in row.skills {
            if best_skill.is_none_or(|best| code_level(code) > code_level(best)) {
                best_skill = Some(code);
            }
        }
        if let Some(skill) = best_skill.and_then(|code| taxonomy::skill_by_id(code_skill(code))) {
            next_part(&mut line).push_str(skill.ja);
        }
    }

    if let Some(home) = taxonomy::prefecture_by_code(row.s.home_prefecture) {
        next_part(&mut line).push_str(home.ja);
    }

    let mut strongest: Option<(PlaceKind, u8)> = None;
    for &code in row.places {
        let place = PlaceCode(code);
        let Some(kind) = place.kind() else { continue };
        if matches!(kind, PlaceKind::Home | PlaceKind::Past) {
            continue;
        }
        if strongest.is_none_or(|(best, _)| kind < best) {
            strongest = Some((kind, place.prefecture()));
        }
    }
    if let Some((kind, code)) = strongest
        && let Some(prefecture) = taxonomy::prefecture_by_code(code)
    {
        let part = next_part(&mut line);
        part.push_str(prefecture.ja);
        part.push_str(match kind {
            PlaceKind::Hometown => "出身",
            PlaceKind::Family => "に家族",
            PlaceKind::Lived => "に居住経験",
            PlaceKind::Worked => "で勤務経験",
            PlaceKind::Visited => "を訪問",
            _ => "に関心",
        });
    }

    if line.is_empty() {
        line.push_str("複業人材");
    }
    line
}

/// `line` with a separator appended if it holds a part already.
fn next_part(line: &mut String) -> &mut String {
    if !line.is_empty() {
        line.push_str(" / ");
    }
    line
}
