//! How text becomes search terms. Every full-text field and every query goes through the same
//! analysers, so that "sredisce" finds "središče" and "najemnino" finds "najemnine": Unicode NFC
//! (editors paste decomposed letters from PDFs), lowercasing, folding of diacritics (č→c, š→s,
//! ž→z, ć→c, đ→d and foreign letters), and, in the stemmed analyser, the Slovenian stemmer.
//! Each text field is indexed twice, stemmed and exact (folded only), so an exact word can rank
//! above another form of it.

use std::ops::Range;

use tantivy::Index;
use tantivy::tokenizer::{Language, RawTokenizer, Stemmer, TextAnalyzer, TokenStream};
use unicode_normalization::UnicodeNormalization;

use crate::text::stemmer::SlovenianStemmer;
use crate::text::stopwords::is_stop_word;
use crate::text::tokenizer::FoldingTokenizer;

/// The stemmed analyser's name in Tantivy.
pub const ANALYZER: &str = "sl";
/// The exact (folded, not stemmed) analyser's name in Tantivy.
pub const EXACT_ANALYZER: &str = "sl_exact";
/// The English analyser's name: for an entry's optional `title_en` and `summary_en`.
pub const ENGLISH_ANALYZER: &str = "en";

/// Bumped whenever an analyser changes what terms it makes, so stale indexes are rebuilt.
pub const ANALYZER_VERSION: u32 = 11;

/// Words longer than this are junk (hashes, URLs glued together) and are dropped.
const MAX_TOKEN_BYTES: usize = 60;

/// Folded words: lowercase, without diacritics.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(FoldingTokenizer::new(MAX_TOKEN_BYTES)).build()
}

/// Folded and stemmed words.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(FoldingTokenizer::new(MAX_TOKEN_BYTES))
        .filter(SlovenianStemmer)
        .build()
}

/// Folded words with Snowball's English stemmer ("subsidies" → "subsidi"), for the English
/// text of entries. Folding first keeps it consistent with the exact field.
pub fn english_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(FoldingTokenizer::new(MAX_TOKEN_BYTES))
        .filter(Stemmer::new(Language::English))
        .build()
}

/// The English stem of one folded word, as `english_analyzer` makes it in the index.
pub fn english_stem(folded: &str) -> String {
    ENGLISH.with(|analyzer| {
        let mut analyzer = analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(folded);
        let mut out = String::new();
        while stream.advance() {
            out.push_str(&stream.token().text);
        }
        out
    })
}

/// Registers the analysers; needed on every open of an index, before indexing or searching.
pub fn register(index: &Index) {
    index.tokenizers().register(ANALYZER, analyzer());
    index
        .tokenizers()
        .register(EXACT_ANALYZER, exact_analyzer());
    index
        .tokenizers()
        .register(ENGLISH_ANALYZER, english_analyzer());
}

/// One word of a text as the analysers see it, for `/api/analyze` and `handbook analyze`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Analyzed {
    /// The word as written.
    pub text: String,
    /// Byte offsets of the word in the (NFC-normalised) text.
    pub start: usize,
    pub end: usize,
    /// Lowercase, without diacritics: the exact term.
    pub folded: String,
    /// The word's folded lemma (`text::lemma`), or the word where the model leaves it.
    pub lemma: String,
    /// The index term the stemmed analyser makes of the word: what search matches other
    /// forms on; a verb's infinitive, else the stem of the lemma. (Today the same as `stem`,
    /// which is kept for clients that read it.)
    pub term: String,
    /// The stemmed term.
    pub stem: String,
    /// The key of the word's family (`text::family`): the looser level search falls back on
    /// for a word the handbook has in no form, and adds for a verb.
    pub family: String,
    /// Dropped from queries as too common.
    pub stop: bool,
}

/// Every word of `text` with its exact and stemmed terms.
pub fn analyze(text: &str) -> Vec<Analyzed> {
    let mut out = Vec::new();
    exact_tokens(text, |t, normalized| {
        let lemma = crate::text::lemma::lemma(&t.text);
        let term = crate::text::stemmer::term_of_lemma(&lemma);
        let stop = never_counts(&t.text, &term);
        out.push(Analyzed {
            text: normalized[t.offset_from..t.offset_to].to_string(),
            start: t.offset_from,
            end: t.offset_to,
            folded: t.text.clone(),
            lemma,
            stem: term.clone(),
            family: crate::text::family::family(&term),
            term,
            stop,
        });
    });
    out
}

/// The byte range and folded form of each word of `text`, which must be composed already
/// (`normalize`), until `each` returns false. For marking matches in snippets, which need
/// neither stems nor copies of most words, and stop after the passage they show.
pub fn words(text: &str, mut each: impl FnMut(Range<usize>, &str) -> bool) {
    debug_assert_eq!(normalize(text), text, "words() takes composed text");
    EXACT.with(|analyzer| {
        let mut analyzer = analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            if !each(t.offset_from..t.offset_to, &t.text) {
                break;
            }
        }
    });
}

/// Each token of the exact analyser over `text` (composed first), with the composed text its
/// offsets point into.
fn exact_tokens(text: &str, mut each: impl FnMut(&tantivy::tokenizer::Token, &str)) {
    let normalized = normalize(text);
    EXACT.with(|analyzer| {
        let mut analyzer = analyzer.borrow_mut();
        let mut stream = analyzer.token_stream(&normalized);
        while stream.advance() {
            each(stream.token(), &normalized);
        }
    });
}

/// Canonical Unicode form for all text that enters the handbook or a query.
pub fn normalize(text: &str) -> String {
    // Nearly all text is composed already; checking is cheaper than recomposing, and every
    // string of every entry passes through here.
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        return text.to_string();
    }
    text.nfc().collect()
}

thread_local! {
    /// Building an analyser allocates; short texts (labels, sort keys, queries) reuse one.
    static EXACT: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(exact_analyzer());
    /// One word in, its English stem out.
    static ENGLISH: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(Stemmer::new(Language::English))
            .build(),
    );
}

/// The exact (folded) terms of `text`, in order.
pub fn terms(text: &str) -> Vec<String> {
    // Not through `analyze`: stems are not needed here, and every title's sort key is made
    // this way when a snapshot is built.
    let mut out = Vec::new();
    exact_tokens(text, |t, _| out.push(t.text.clone()));
    out
}

/// Filler that declines or conjugates: possessive and other pronouns, and the verbs of
/// getting and being, given by one form each; every form with the same stem is dropped from
/// queries, as `QUESTION_WORDS` are ("svojo", "njihovega", "takšno", "dobivam", "bodo").
/// "denar" is filler here too: nearly every measure gives money, but few say "denar", so in
/// "kje dobim denar za …" it would rank the few that mention it in passing first; the
/// adjective ("denarna pomoč") stays a word. Folded forms (folding here would re-enter the
/// analyser).
const FILLER: &[&str] = &[
    "svoj",
    "njihov",
    "njegov",
    "njen",
    "taksen",
    "tak",
    "nekaksen",
    "vsak",
    "dobivati",
    "bodo",
    "denar",
    "bilo",
    // The possessives of "you" and of two ("najino podjetje", "njun lokal"): no measure says
    // them, so as words the handbook lacks they were taken for slips of words it has.
    "tvoj",
    "najin",
    "vajin",
    "njun",
    // The spoken "some" and "what kind of" people type as they say them ("kak denar", "kaka
    // pomoč", "neki nasveta"): the stem of "kako" and "nekaj", so they matched the measures
    // that say "kako" in passing.
    "kak",
    "neki",
    // The verbs of must, having, wanting, needing and looking for, in every person and
    // tense ("sem moral", "smo želeli", "potrebujemo kredit", "ali je iskala"): the forms
    // `QUESTION_WORDS` lists ("moram", "imam", "iščem") are only the commonest, and the
    // lemma model gives every form the infinitive's term. The nouns "hotel", "potreba" and
    // "želja" have terms of their own (hotl, potreb, zelj); "moči" (can) is not here, as it
    // stems like "moč" (power).
    "morati",
    "imeti",
    "hoteti",
    "zeleti",
    "potrebovati",
    "iskati",
    // Someone, some, somehow, any ("ali nekdo pomaga", "nekatere občine"): no measure is
    // about them.
    "nekdo",
    "nekateri",
    "nekako",
    "kdorkoli",
    "karkoli",
    // How people ask around what they ask ("zanima me …", "kje najdem …", "a veste, kdo
    // ponuja …", "ali obstaja možnost …", "informacije glede …", "je na voljo …").
    "zanimati",
    "najti",
    "vedeti",
    "povedati",
    "ponujati",
    "moznost",
    "informacija",
    "glede",
    "volja",
    // What it takes ("kakšni so pogoji za …"): every measure has conditions.
    "pogoj",
    // Talking about asking ("kam se obrnem", "koga naj vprašam", "kako pridem do …", "ali še
    // velja …", "kaj naj naredim", "mislim, da …", "slišal sem za …", "kaj se dogaja z …",
    // "ali kdo ve", "ne vem"): "vem" and "ve" are terms of their own, the rest the
    // infinitive's.
    "obrniti",
    "vprasati",
    "priti",
    "veljati",
    "narediti",
    "misliti",
    "slisati",
    "dogajati",
    "vem",
    "ve",
];

static FILLER_STEMS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    FILLER
        .iter()
        .map(|w| crate::text::stemmer::stem(w))
        .collect()
});

/// Is `stem` the stem of a word of `FILLER`?
fn is_filler_stem(stem: &str) -> bool {
    FILLER_STEMS.iter().any(|f| f == stem)
}

/// Is a word (`folded`, with its `stem`) one that never counts in a query: a stop or
/// question word as written, or filler in any form?
pub fn never_counts(folded: &str, stem: &str) -> bool {
    is_stop_word(folded) || is_filler_stem(stem)
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
    fn filler_that_declines_is_a_stop_word_in_every_form() {
        let stop = |text: &str| analyze(text).iter().map(|w| w.stop).collect::<Vec<_>>();
        assert_eq!(
            stop("svojo svojega njihovih takšno dobivam denarja"),
            [true; 6]
        );
        assert_eq!(stop("prenos obrti svetovanje denarna"), [false; 4]);
        // Must, having, wanting, needing, looking for, in any person and tense; someone and
        // some. The nouns beside them stay: a hotel, power, a need, a wish, job seekers.
        assert_eq!(
            stop("morala imeli nimam želeli potrebujemo iščejo nekdo nekatere"),
            [true; 8]
        );
        assert_eq!(stop("hotel moč potrebe želja iskalci"), [false; 5]);
        // How people ask around what they ask; an offer, a viewing, "conditional" stay.
        assert_eq!(
            stop("zanima najdem veste poveste ponuja možnosti informacije glede voljo pogoji"),
            [true; 10]
        );
        assert_eq!(stop("ponudba informacijski ogled pogojno"), [false; 4]);
        // Talking about asking; a question, validity, an arrival and an event stay.
        assert_eq!(
            stop("obrnem vprašam pridem velja naredim mislim slišal dogaja vem ve"),
            [true; 10]
        );
        assert_eq!(stop("vprašanje veljavnost prihod dogodek"), [false; 4]);
        // Two people and their possessives; "vasi" stays, as villages.
        assert_eq!(
            stop("najino njunega tvojo vajina midva naju vasi"),
            [true, true, true, true, true, true, false]
        );
        // Spoken "some" and "what kind of"; "kakovost" (quality) and "nekdanji" stay.
        assert_eq!(
            stop("kak kaka kakega neki nek kakovost nekdanji"),
            [true, true, true, true, true, false, false]
        );
    }

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
    fn analysis_shows_exact_and_stemmed_terms_with_offsets() {
        let a = analyze("Najemnine v središču");
        let words: Vec<_> = a
            .iter()
            .map(|w| (w.text.as_str(), w.folded.as_str(), w.stem.as_str(), w.stop))
            .collect();
        assert_eq!(
            words,
            [
                ("Najemnine", "najemnine", "najemnin", false),
                ("v", "v", "v", true),
                ("središču", "srediscu", "sredisc", false)
            ]
        );
        assert_eq!((a[2].start, a[2].end), (12, 22));
    }

    #[test]
    fn english_words_are_stemmed_for_the_english_text() {
        assert_eq!(english_stem("subsidies"), english_stem("subsidy"));
        assert_eq!(english_stem("grants"), "grant");
    }

    #[test]
    fn slugs_are_lowercase_ascii_with_hyphens() {
        assert_eq!(slug("Jugovzhodna Slovenija"), "jugovzhodna-slovenija");
        assert_eq!(slug("Obalno-kraška"), "obalno-kraska");
    }
}
