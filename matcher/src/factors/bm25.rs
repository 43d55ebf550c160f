//! BM25-style similarity of a need's text to a profile's motivation or a proposal.
//!
//! The need is the query (title, description, goal), the professional's text the
//! document. Against an index the statistics (document frequencies, average length)
//! are the index's own [`Corpus`]; a pair scored with no corpus treats every term as
//! equally rare and each text as of average length.
//!
//! Two choices keep a ranked scan fast and the score stable:
//!
//! - the query keeps the need's [`QUERY_TERMS`] most distinctive terms (highest idf,
//!   then earliest in the need's text) — against profiles, only terms some profile
//!   uses, and only while their document frequencies add up to at most the number of
//!   profiles, so words nearly everyone writes (the near-stop-words of Japanese
//!   bigrams: `した`, `たい`) cost nothing and say nothing; against a proposal, any
//!   term;
//! - the BM25 sum is divided by its ceiling (every kept term present, saturated) and
//!   bent by `s ↦ (1 + c)·s / (s + c)` with `c = 0.1`, because a short motivation
//!   that shares a tenth of a need's distinctive vocabulary already speaks to it:
//!   `s = 0.1` gives 0.55, `s = 0.3` gives 0.83, `s = 1` gives 1.

use crate::index::Corpus;
use crate::model::Need;
use crate::text;

use super::encode::{Doc, term_key};

/// BM25 term-frequency saturation.
pub(crate) const K1: f32 = 1.2;
/// BM25 length normalisation.
pub(crate) const B: f32 = 0.75;
/// The most terms of a need that are matched (see the module documentation).
pub(crate) const QUERY_TERMS: usize = 32;
/// The bend of the similarity curve (see the module documentation).
const BEND: f32 = 0.1;

/// No corpus term id: the term is in no profile.
pub(crate) const NO_TERM: u32 = u32::MAX;

/// One term of a need's query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct QueryTerm {
    /// The term's key.
    pub key: u64,
    /// Its inverse document frequency.
    pub idf: f32,
    /// The corpus term id, or [`NO_TERM`].
    pub term: u32,
}

/// A need's text, ready to be matched.
#[derive(Debug, Clone, Default)]
pub(crate) struct TextQuery {
    /// Terms matched against profiles' text, in accumulation order.
    pub profile_terms: Vec<QueryTerm>,
    /// One over the BM25 ceiling of `profile_terms` (0 when there are none).
    pub profile_scale: f32,
    /// Terms matched against a proposal.
    pub proposal_terms: Vec<QueryTerm>,
    /// One over the BM25 ceiling of `proposal_terms` (0 when there are none).
    pub proposal_scale: f32,
    /// Average document length; 0 without a corpus (each text is its own average).
    pub average_len: f32,
    /// The need's tokens in order, for naming shared words in reasons…
    pub tokens: Vec<String>,
    /// …and their keys.
    pub token_keys: Vec<u64>,
}

impl TextQuery {
    /// The query of `need`'s title, description and goal.
    pub(crate) fn new(need: &Need, corpus: Option<&Corpus>) -> Self {
        let mut tokens = Vec::new();
        for part in [&need.title, &need.description, &need.goal] {
            text::tokenize_into(part, &mut tokens);
        }
        let token_keys: Vec<u64> = tokens.iter().map(|token| term_key(token)).collect();
        // Distinct terms in order of first appearance.
        let mut keys: Vec<u64> = Vec::with_capacity(tokens.len());
        let mut seen = std::collections::HashSet::with_capacity(tokens.len());
        for &key in &token_keys {
            if seen.insert(key) {
                keys.push(key);
            }
        }
        let (profile_terms, proposal_terms, average_len) = match corpus {
            None => {
                let terms: Vec<QueryTerm> = keys
                    .iter()
                    .map(|&key| QueryTerm {
                        key,
                        idf: 1.0,
                        term: NO_TERM,
                    })
                    .collect();
                (terms.clone(), terms, 0.0)
            }
            Some(corpus) => {
                let docs = corpus.docs();
                let mut terms: Vec<(QueryTerm, u32)> = keys
                    .iter()
                    .map(|&key| {
                        let (term, df) = corpus.term(key).unwrap_or((NO_TERM, 0));
                        let query_term = QueryTerm {
                            key,
                            idf: idf(docs, df),
                            term,
                        };
                        (query_term, df)
                    })
                    .collect();
                // Highest idf first; the sort is stable, so ties keep text order.
                terms.sort_by(|a, b| b.0.idf.total_cmp(&a.0.idf));
                let mut budget = u64::from(docs.max(1));
                let mut profile_terms: Vec<QueryTerm> = Vec::new();
                for (term, df) in &terms {
                    if profile_terms.len() == QUERY_TERMS {
                        break;
                    }
                    if *df == 0 {
                        continue;
                    }
                    let Some(left) = budget.checked_sub(u64::from(*df)) else {
                        break;
                    };
                    budget = left;
                    profile_terms.push(*term);
                }
                // Summed in key order: it depends on the terms alone (not on the
                // order the index met them in, as ids would), so an index updated any
                // way sums exactly as a fresh one; and a batch of needs shares it.
                profile_terms.sort_by_key(|term| term.key);
                let proposal_terms = terms
                    .iter()
                    .map(|(term, _)| *term)
                    .take(QUERY_TERMS)
                    .collect();
                (profile_terms, proposal_terms, corpus.average_len())
            }
        };
        Self {
            profile_scale: inverse(ceiling(&profile_terms)),
            proposal_scale: inverse(ceiling(&proposal_terms)),
            profile_terms,
            proposal_terms,
            average_len,
            tokens,
            token_keys,
        }
    }

    /// Whether the need has any text to compare at all.
    pub(crate) fn has_text(&self) -> bool {
        !self.proposal_terms.is_empty()
    }
}

/// Robertson–Spärck Jones idf, never negative.
pub(crate) fn idf(docs: u32, df: u32) -> f32 {
    let docs = docs as f32;
    let df = df as f32;
    (1.0 + (docs - df + 0.5) / (df + 0.5)).ln()
}

/// One term's BM25 contribution: `idf × saturation`. Both the index and a pair on
/// its own call this, in the same order, so their sums agree to the bit.
#[inline]
pub(crate) fn contribution(idf: f32, tf: u16, doc_len: u16, average_len: f32) -> f32 {
    idf * saturation(tf, doc_len, average_len)
}

/// BM25's term-frequency saturation with length normalisation.
#[inline]
pub(crate) fn saturation(tf: u16, doc_len: u16, average_len: f32) -> f32 {
    let tf = f32::from(tf);
    let relative_len = if average_len > 0.0 {
        f32::from(doc_len) / average_len
    } else {
        1.0
    };
    (tf * (K1 + 1.0)) / (tf + K1 * (1.0 - B + B * relative_len))
}

/// [`saturation`] of a single occurrence, by document length, precomputed for a
/// scan (almost every posting has `tf = 1`).
#[derive(Debug, Clone, Default)]
pub(crate) struct SaturationTable {
    once: Vec<f32>,
    average_len: f32,
}

impl SaturationTable {
    /// The table for documents up to `max_len` tokens (longer ones are computed).
    pub(crate) fn new(average_len: f32, max_len: u16) -> Self {
        Self {
            once: (0..=max_len)
                .map(|len| saturation(1, len, average_len))
                .collect(),
            average_len,
        }
    }

    /// Exactly [`saturation`]`(tf, doc_len, average_len)`.
    #[inline]
    pub(crate) fn get(&self, tf: u16, doc_len: u16) -> f32 {
        match self.once.get(usize::from(doc_len)) {
            Some(&value) if tf == 1 => value,
            _ => saturation(tf, doc_len, self.average_len),
        }
    }
}

/// The BM25 sum of `terms` over `doc`, accumulated in the terms' order.
pub(crate) fn raw_score(terms: &[QueryTerm], doc: &Doc, average_len: f32) -> f32 {
    let mut sum = 0.0f32;
    for term in terms {
        let tf = doc.tf(term.key);
        if tf > 0 {
            sum += contribution(term.idf, tf, doc.len, average_len);
        }
    }
    sum
}

/// The query terms present in `doc`.
pub(crate) fn matched_keys(terms: &[QueryTerm], doc: &Doc) -> Vec<u64> {
    terms
        .iter()
        .filter(|term| doc.tf(term.key) > 0)
        .map(|term| term.key)
        .collect()
}

/// The similarity in `[0, 1]` of a BM25 sum, given one over its ceiling.
#[inline]
pub(crate) fn similarity(raw: f32, scale: f32) -> f32 {
    // No branch: `raw` is never negative and a scale of 0 gives 0, so a scan's loop
    // stays straight.
    let share = (raw * scale).min(1.0);
    ((1.0 + BEND) * share / (share + BEND)).min(1.0)
}

/// `1 / x`, or 0 for 0.
pub(crate) fn inverse(x: f32) -> f32 {
    if x > 0.0 { 1.0 / x } else { 0.0 }
}

fn ceiling(terms: &[QueryTerm]) -> f32 {
    let mut sum = 0.0f32;
    for term in terms {
        sum += term.idf * (K1 + 1.0);
    }
    sum
}

/// The need's words shared with a text, for a reason: runs of the need's tokens (with
/// their `keys`) whose keys are in `matched`, overlapping CJK bigrams joined back into
/// words (`伝統`, `統工`, `工芸` → `伝統工芸`), distinct, in text order, at most
/// `limit`.
pub(crate) fn shared_words(
    tokens: &[String],
    keys: &[u64],
    matched: &[u64],
    limit: usize,
) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut run: Option<String> = None;
    let mut previous: Option<&str> = None;
    for (token, key) in tokens.iter().zip(keys) {
        let hit = matched.contains(key);
        if !hit {
            if let Some(word) = run.take() {
                push_distinct(&mut words, word);
            }
            previous = None;
            continue;
        }
        match (&mut run, previous) {
            (Some(word), Some(last)) if joins(last, token) => {
                word.extend(token.chars().skip(1));
            }
            _ => {
                if let Some(word) = run.take() {
                    push_distinct(&mut words, word);
                }
                run = Some(token.clone());
            }
        }
        previous = Some(token);
    }
    if let Some(word) = run {
        push_distinct(&mut words, word);
    }
    words.truncate(limit);
    words
}

/// Whether bigram `next` continues bigram `last` (`伝統` then `統工`).
fn joins(last: &str, next: &str) -> bool {
    let mut last_chars = last.chars();
    let mut next_chars = next.chars();
    match (
        last_chars.next(),
        last_chars.next(),
        last_chars.next(),
        next_chars.next(),
        next_chars.next(),
        next_chars.next(),
    ) {
        (Some(_), Some(end), None, Some(start), Some(_), None) => end == start,
        _ => false,
    }
}

fn push_distinct(words: &mut Vec<String>, word: String) {
    if !words.contains(&word) {
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<String> {
        text::tokenize(text)
    }

    #[test]
    fn shared_bigrams_join_back_into_words() {
        let need = tokens("伝統工芸の漆器をECで売る");
        let matched: Vec<u64> = ["伝統", "統工", "工芸", "漆器", "ec"]
            .iter()
            .map(|t| term_key(t))
            .collect();
        let keys: Vec<u64> = need.iter().map(|token| term_key(token)).collect();
        assert_eq!(
            shared_words(&need, &keys, &matched, 5),
            ["伝統工芸", "漆器", "ec"]
        );
    }

    #[test]
    fn similarity_is_bent_and_bounded() {
        assert_eq!(similarity(0.0, 0.1), 0.0);
        assert_eq!(similarity(10.0, 0.1), 1.0);
        assert!((similarity(1.0, 0.1) - 0.55).abs() < 1e-6);
        assert_eq!(similarity(5.0, inverse(0.0)), 0.0);
    }

    #[test]
    fn idf_falls_with_document_frequency() {
        assert!(idf(100, 1) > idf(100, 50));
        assert!(idf(100, 100) > 0.0);
    }
}
