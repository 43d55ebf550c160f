//! Text: NFKC normalisation and CJK-bigram / Latin-word tokenisation.
//!
//! The tokens are those of Elasticsearch's `standard` tokenizer followed by the
//! `cjk_bigram` filter (and a `lowercase` filter), after NFKC normalisation, so an
//! index built here and one built in a search cluster agree:
//!
//! - a run of letters and digits (any script but CJK) is one lower-cased word;
//!   `.`/`'` between two letters or digits, `,`/`;` between two digits and `_`
//!   between any two of them stay inside the word (`node.js`, `3.14`, `1,000`,
//!   `digital_marketing`), as in Unicode word segmentation (UAX #29);
//! - a run of Han, Hiragana, Katakana (with `ー`) and Hangul becomes its overlapping
//!   character bigrams; a run of one character is kept as a unigram;
//! - anything else (spaces, punctuation, symbols, `・`) ends a run.
//!
//! ```
//! use musubi_matcher::text::tokenize;
//!
//! assert_eq!(tokenize("ＥＣサイト"), ["ec", "サイ", "イト"]);
//! ```

use unicode_normalization::UnicodeNormalization;

/// NFKC-normalises `text`, then lower-cases it.
///
/// Full-width Latin becomes ASCII, half-width katakana becomes full-width, and
/// compatibility characters (`①`, `㈱`) are spelt out.
///
/// ```
/// use musubi_matcher::text::normalize;
///
/// assert_eq!(normalize("ＭＡＲＫＥＴＩＮＧ"), "marketing");
/// assert_eq!(normalize("ﾏｰｹ"), "マーケ");
/// ```
pub fn normalize(text: &str) -> String {
    if text.is_ascii() {
        // NFKC is the identity on ASCII; skip the decomposition machinery.
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.nfkc() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Splits `text` into search terms (see the [module documentation](self)).
///
/// ```
/// use musubi_matcher::text::tokenize;
///
/// assert_eq!(
///     tokenize("漆器のEC"),
///     ["漆器", "器の", "ec"],
/// );
/// ```
pub fn tokenize(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// Like [`tokenize`], but appends to `tokens` so a caller can reuse one buffer.
pub(crate) fn tokenize_into(text: &str, tokens: &mut Vec<String>) {
    for_each_token(text, |token| tokens.push(token.to_owned()));
}

/// Calls `emit` with each term of `text`, in order, without allocating a `String` per
/// term; the `&str` is only valid during the call.
pub(crate) fn for_each_token(text: &str, mut emit: impl FnMut(&str)) {
    let normalized = normalize(text);
    let mut scanner = Scanner::default();
    let mut chars = normalized.chars().peekable();
    while let Some(c) = chars.next() {
        match class(c) {
            Class::Cjk => {
                scanner.flush_word(&mut emit);
                scanner.push_cjk(c, &mut emit);
            }
            Class::Word => {
                scanner.flush_cjk(&mut emit);
                scanner.word.push(c);
            }
            Class::Other => {
                let joins = !scanner.word.is_empty()
                    && chars
                        .peek()
                        .is_some_and(|&next| joins_word(scanner.word_last(), c, next));
                if joins {
                    scanner.word.push(c);
                } else {
                    scanner.flush_word(&mut emit);
                    scanner.flush_cjk(&mut emit);
                }
            }
        }
    }
    scanner.flush_word(&mut emit);
    scanner.flush_cjk(&mut emit);
}

/// The state between characters: the word being built, or the CJK run seen so far.
#[derive(Default)]
struct Scanner {
    word: String,
    /// The last CJK character of the current run.
    cjk_prev: Option<char>,
    /// How many CJK characters the current run has (capped at 2: only "one" matters).
    cjk_len: u8,
    /// Scratch for the bigram or unigram handed to `emit`.
    pair: String,
}

impl Scanner {
    fn word_last(&self) -> char {
        self.word.chars().next_back().unwrap_or(' ')
    }

    fn flush_word(&mut self, emit: &mut impl FnMut(&str)) {
        if self.word.is_empty() {
            return;
        }
        // Joiners are taken only between two word characters, so a word never ends
        // in one. (UAX #29 would keep a leading or trailing `_`; dropping it changes
        // no match.)
        emit(&self.word);
        self.word.clear();
    }

    fn push_cjk(&mut self, c: char, emit: &mut impl FnMut(&str)) {
        if let Some(prev) = self.cjk_prev {
            self.pair.clear();
            self.pair.push(prev);
            self.pair.push(c);
            emit(&self.pair);
        }
        self.cjk_prev = Some(c);
        self.cjk_len = self.cjk_len.saturating_add(1).min(2);
    }

    fn flush_cjk(&mut self, emit: &mut impl FnMut(&str)) {
        if let Some(prev) = self.cjk_prev.take()
            && self.cjk_len == 1
        {
            self.pair.clear();
            self.pair.push(prev);
            emit(&self.pair);
        }
        self.cjk_len = 0;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Han, Hiragana, Katakana, Hangul: bigrammed.
    Cjk,
    /// Letters and digits of other scripts: words.
    Word,
    /// Spaces, punctuation, symbols: separators.
    Other,
}

fn class(c: char) -> Class {
    if c.is_ascii() {
        return if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Other
        };
    }
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Other
    }
}

/// Han (with the iteration marks `々〆〇`), Hiragana, Katakana (with `ー`, without the
/// middle dot `・`) and Hangul: the scripts `cjk_bigram` bigrams.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'     // 々 〆 〇
        | '\u{3021}'..='\u{3029}'   // Hangzhou numerals
        | '\u{3031}'..='\u{3035}'   // vertical kana repeat marks
        | '\u{3038}'..='\u{303B}'
        | '\u{3041}'..='\u{309F}'   // Hiragana, with ゛゜ゝゞ
        | '\u{30A0}'..='\u{30FA}'   // Katakana
        | '\u{30FC}'..='\u{30FF}'   // ー ヽ ヾ ヿ (not the middle dot ・ U+30FB)
        | '\u{31F0}'..='\u{31FF}'   // Katakana phonetic extensions
        | '\u{3400}'..='\u{4DBF}'   // CJK extension A
        | '\u{4E00}'..='\u{9FFF}'   // CJK unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{1100}'..='\u{11FF}'   // Hangul jamo
        | '\u{3131}'..='\u{318E}'   // Hangul compatibility jamo
        | '\u{A960}'..='\u{A97F}'
        | '\u{AC00}'..='\u{D7A3}'   // Hangul syllables
        | '\u{D7B0}'..='\u{D7FF}'
        | '\u{1B000}'..='\u{1B16F}' // Kana supplement and extensions
        | '\u{20000}'..='\u{3134F}' // CJK extensions B–G
    )
}

/// Whether `mid`, between word characters `before` and `after`, stays in the word.
fn joins_word(before: char, mid: char, after: char) -> bool {
    if class(after) != Class::Word {
        return false;
    }
    match mid {
        '_' => true,
        '.' | '\'' | '\u{2019}' => before != '_',
        ',' | ';' => before.is_numeric() && after.is_numeric(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_sentence_matches_elasticsearch_cjk_bigram() {
        assert_eq!(
            tokenize("東京都は、日本の首都であり"),
            [
                "東京", "京都", "都は", "日本", "本の", "の首", "首都", "都で", "であ", "あり"
            ]
        );
    }

    #[test]
    fn half_width_katakana_is_normalised_before_bigramming() {
        assert_eq!(tokenize("ﾏｰｹ"), ["マー", "ーケ"]);
        assert_eq!(tokenize("ﾏｰｹ"), tokenize("マーケ"));
    }

    #[test]
    fn full_width_latin_becomes_a_lower_case_word() {
        assert_eq!(tokenize("ＥＣサイト"), ["ec", "サイ", "イト"]);
    }

    #[test]
    fn mixed_scripts_split_at_script_boundaries() {
        assert_eq!(
            tokenize("長野県でDX推進 (2025年度)"),
            ["長野", "野県", "県で", "dx", "推進", "2025", "年度"]
        );
        assert_eq!(
            tokenize("Shopify・BASEでEC運営"),
            ["shopify", "base", "で", "ec", "運営"]
        );
    }

    #[test]
    fn a_lone_cjk_character_is_a_unigram() {
        assert_eq!(tokenize("月3回"), ["月", "3", "回"]);
        assert_eq!(tokenize("「漆」"), ["漆"]);
    }

    #[test]
    fn punctuation_and_the_middle_dot_split_cjk_runs() {
        assert_eq!(tokenize("デザイン・広報"), ["デザ", "ザイ", "イン", "広報"]);
        assert_eq!(tokenize("人事。採用"), ["人事", "採用"]);
    }

    #[test]
    fn empty_and_separator_only_strings_have_no_tokens() {
        assert!(tokenize("").is_empty());
        assert!(tokenize("  、。!? ・ ").is_empty());
    }

    #[test]
    fn word_internal_punctuation_follows_uax29() {
        assert_eq!(tokenize("Node.js and can't"), ["node.js", "and", "can't"]);
        assert_eq!(tokenize("1,000円 3.14"), ["1,000", "円", "3.14"]);
        assert_eq!(tokenize("digital_marketing"), ["digital_marketing"]);
        assert_eq!(tokenize("end. Next, a,b"), ["end", "next", "a", "b"]);
    }

    #[test]
    fn hangul_is_bigrammed_like_kanji() {
        assert_eq!(tokenize("한국어"), ["한국", "국어"]);
    }

    #[test]
    fn accented_latin_is_one_lower_case_word() {
        assert_eq!(tokenize("Café CRÈME"), ["café", "crème"]);
    }

    #[test]
    fn tokenize_into_appends_to_the_buffer() {
        let mut buffer = vec!["kept".to_owned()];
        tokenize_into("採用 HR", &mut buffer);
        assert_eq!(buffer, ["kept", "採用", "hr"]);
    }

    proptest::proptest! {
        #[test]
        fn tokens_are_non_empty_and_cjk_tokens_are_one_or_two_chars(text in SAMPLE) {
            for token in tokenize(&text) {
                let chars: Vec<char> = token.chars().collect();
                proptest::prop_assert!(!chars.is_empty());
                if chars.iter().any(|&c| is_cjk(c)) {
                    proptest::prop_assert!(chars.len() <= 2, "{token}");
                    proptest::prop_assert!(chars.iter().all(|&c| is_cjk(c)), "{token}");
                }
            }
        }

        #[test]
        fn tokenizing_normalised_text_changes_nothing(text in SAMPLE) {
            proptest::prop_assert_eq!(tokenize(&normalize(&text)), tokenize(&text));
        }

        #[test]
        fn a_space_separates_token_streams(a in SAMPLE, b in SAMPLE) {
            let mut expected = tokenize(&a);
            expected.extend(tokenize(&b));
            proptest::prop_assert_eq!(tokenize(&format!("{a} {b}")), expected);
        }
    }

    /// Short strings over the characters Japanese needs and profiles are written in.
    const SAMPLE: &str =
        "[a-zA-Z0-9ＡＢｃ１２あいうのはでアイウマーケティングｱｲｳﾏｰｹﾞ漢字東京都、。・!?.,_' -]{0,12}";

    #[test]
    fn normalize_folds_width_and_case() {
        assert_eq!(normalize("ＭＡＲＫＥＴＩＮＧ"), "marketing");
        assert_eq!(normalize("ﾏｰｹﾃｨﾝｸﾞ"), "マーケティング");
        assert_eq!(normalize("㈱塩尻"), "(株)塩尻");
        assert_eq!(normalize(""), "");
    }
}
