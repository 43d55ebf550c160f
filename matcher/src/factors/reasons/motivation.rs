//! The reasons of motivation fit (shared themes, the words the motivation or the
//! proposal shares with the need) and of the professional's interest in the need's
//! themes.

use crate::factors::Reason;
use crate::factors::bm25::shared_words;
use crate::factors::encode::RowRef;
use crate::factors::query::NeedQuery;

use super::TextMatch;
use super::format::{Fixed, Joined, text};
use super::labels::theme_labels;

pub(super) fn motivation_reasons(
    q: &NeedQuery<'_>,
    row: &RowRef<'_>,
    text: &TextMatch,
) -> Vec<Reason> {
    let mut reasons = Vec::with_capacity(2);
    if q.themes != 0 {
        let common = q.themes & row.s.themes;
        let total = q.themes.count_ones();
        reasons.push(if common == 0 {
            Reason::new(
                text!("共通テーマなし (募集のテーマ: ", q.labels().themes.0, ")"),
                text!(
                    "No shared theme (the need's themes: ",
                    q.labels().themes.1,
                    ")"
                ),
            )
        } else {
            shared_themes(("共通テーマ: ", "Shared themes: "), common, total)
        });
    }
    if q.text.has_text() {
        let use_proposal = text.has_proposal && text.scores.proposal > text.scores.motivation;
        let (similarity, keys, source_ja, source_en) = if use_proposal {
            (
                text.scores.proposal,
                &text.proposal_keys,
                "提案文",
                "proposal",
            )
        } else {
            (
                text.scores.motivation,
                &text.motivation_keys,
                "志望動機",
                "motivation",
            )
        };
        let words = shared_words(&q.text.tokens, &q.text.token_keys, keys, 5);
        reasons.push(if similarity > 0.0 && !words.is_empty() {
            Reason::new(
                text!(
                    source_ja,
                    "と募集文の共通語: ",
                    Joined(&words, "、"),
                    " (類似度",
                    Fixed(similarity, 2),
                    ")"
                ),
                text!(
                    "Words the ",
                    source_en,
                    " shares with the need: ",
                    Joined(&words, ", "),
                    " (similarity ",
                    Fixed(similarity, 2),
                    ")"
                ),
            )
        } else if text.has_proposal {
            Reason::new(
                "志望動機・提案文と募集文に共通する語がありません",
                "Neither the motivation nor the proposal shares words with the need",
            )
        } else {
            Reason::new(
                "志望動機と募集文に共通する語がありません",
                "The motivation shares no words with the need",
            )
        });
    }
    if reasons.is_empty() {
        reasons.push(Reason::new(
            "募集にテーマも本文もないため中立評価",
            "The need has no themes or text to compare: neutral",
        ));
    }
    reasons
}

/// The themes in `common` after `lead` (`(ja, en)`), and how many of `total`:
/// `共通テーマ: 地域活性化 (1/2)`.
fn shared_themes(lead: (&str, &str), common: u32, total: u32) -> Reason {
    let shared = common.count_ones();
    Reason::new(
        text!(
            lead.0,
            theme_labels(common, true),
            " (",
            shared,
            "/",
            total,
            ")"
        ),
        text!(
            lead.1,
            theme_labels(common, false),
            " (",
            shared,
            " of ",
            total,
            ")"
        ),
    )
}

/// The professional's side: how the need's themes meet the themes they care about.
pub(super) fn interest_reasons(q: &NeedQuery<'_>, row: &RowRef<'_>) -> Vec<Reason> {
    let theirs = row.s.themes;
    if theirs == 0 {
        return vec![Reason::new(
            "関心テーマが未記入 (中立評価)",
            "No themes given (neutral)",
        )];
    }
    let common = theirs & q.themes;
    let total = theirs.count_ones();
    vec![if common == 0 {
        Reason::new(
            "関心テーマに合う募集ではありません",
            "The need touches none of their themes",
        )
    } else {
        shared_themes(
            ("関心テーマと一致: ", "Matches their themes: "),
            common,
            total,
        )
    }]
}
