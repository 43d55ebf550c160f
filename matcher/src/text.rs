//! Text: NFKC normalisation and CJK-bigram / Latin-word tokenisation.
