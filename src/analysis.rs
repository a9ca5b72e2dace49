//! How text becomes search terms. Every full-text field and every query goes through the same
//! analyser, so that "sredisce" finds "središče": Unicode NFC (editors paste decomposed letters
//! from PDFs), lowercasing and folding of diacritics (č→c, š→s, ž→z, ć→c, đ→d and foreign
//! letters).

use tantivy::Index;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenStream,
};
use unicode_normalization::UnicodeNormalization;

/// The name under which the analyser is registered in Tantivy.
pub const ANALYZER: &str = "sl";

/// Bumped whenever the analyser changes what terms it makes, so stale indexes are rebuilt.
pub const ANALYZER_VERSION: u32 = 1;

/// Words longer than this are junk (hashes, URLs glued together) and are dropped.
const MAX_TOKEN_BYTES: usize = 60;

pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Registers the analyser; needed on every open of an index, before indexing or searching.
pub fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
}

/// Canonical Unicode form for all text that enters the handbook or a query.
pub fn normalize(text: &str) -> String {
    text.nfc().collect()
}

/// The terms the analyser makes of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    let mut analyzer = analyzer();
    let normalized = normalize(text);
    let mut stream = analyzer.token_stream(&normalized);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Words too common to narrow a search ("subvencije za najem v centru"), dropped from queries
/// unless the query has nothing else. Folded forms, as the analyser makes them.
pub const STOP_WORDS: &[&str] = &[
    "a", "ali", "bi", "da", "do", "in", "iz", "je", "k", "h", "ki", "kot", "na", "ne", "o", "ob",
    "od", "pa", "po", "pri", "s", "se", "so", "ter", "tudi", "v", "z", "za", "zaradi",
];

pub fn is_stop_word(term: &str) -> bool {
    STOP_WORDS.contains(&term)
}

/// Lowercase, diacritic-free form of a short label, for comparisons and for slugs.
pub fn fold(text: &str) -> String {
    terms(text).join(" ")
}

/// A key made from a label: "Jugovzhodna Slovenija" → `jugovzhodna-slovenija`.
pub fn slug(text: &str) -> String {
    terms(text).join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diacritics_fold_so_words_match_without_them() {
        assert_eq!(terms("Središče ČŠŽ ćđ"), ["sredisce", "csz", "cd"]);
    }

    #[test]
    fn decomposed_letters_are_composed_before_tokenising() {
        // "č" as c + combining caron, as it comes out of some PDFs.
        assert_eq!(terms("proc\u{030c}elja"), terms("pročelja"));
        assert_eq!(terms("c\u{30c}asopis"), ["casopis"]);
    }

    #[test]
    fn slugs_are_lowercase_ascii_with_hyphens() {
        assert_eq!(slug("Jugovzhodna Slovenija"), "jugovzhodna-slovenija");
        assert_eq!(slug("Obalno-kraška"), "obalno-kraska");
    }
}
