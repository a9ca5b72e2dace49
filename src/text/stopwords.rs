//! The words that say nothing about which measure is meant: stop words ("za", "v"), and the
//! question words, pronouns, auxiliaries and verbs of wanting and getting a question is made
//! of around what it asks. Queries drop them (`analysis`), the stemmer keeps a word from being
//! cut down to one of them (`stemmer`), and no slip or kin is taken for one (`search::query`).
//! Its own module so that the analyser and the stemmer, which the analyser is built from, can
//! both read it. As the stemmer reads it, a word added here may change the terms of an index:
//! bump `analysis::ANALYZER_VERSION` with it.

use std::sync::LazyLock;

/// Words too common to narrow a search ("subvencije za najem v centru"), dropped from queries
/// unless the query has nothing else. Folded forms, as the analyser makes them.
pub const STOP_WORDS: &[&str] = &[
    "a", "ali", "bi", "da", "do", "in", "iz", "je", "k", "h", "ki", "kot", "na", "ne", "o", "ob",
    "od", "pa", "po", "pri", "s", "se", "so", "ter", "tudi", "v", "z", "za", "zaradi",
];

/// The words a question is made of around what it asks ("kje dobim nasvet, ko ustanavljam
/// podjetje", "ali lahko kot s.p. dobim subvencijo"): question words, pronouns, auxiliaries and
/// the verbs of wanting and getting. They say nothing about which measure is meant, and in an
/// entry's text they are rare or incidental, so letting them match decided rankings by chance.
/// Dropped from queries like `STOP_WORDS`; folded forms.
pub const QUESTION_WORDS: &[&str] = &[
    // Question words.
    "kje",
    "kako",
    "kaj",
    "kdo",
    "koga",
    "komu",
    "kdaj",
    "koliko",
    "zakaj",
    "kam",
    "kod",
    "kateri",
    "katera",
    "katero",
    "katere",
    "kateremu",
    "katerih",
    "katerim",
    "kaksen",
    "kaksna",
    "kaksno",
    "kaksne",
    "kaksni",
    "kaksnih",
    "ce",
    "ko",
    "ker",
    "kadar",
    "naj",
    // Pronouns.
    "jaz",
    "mi",
    "me",
    "meni",
    "mene",
    "moj",
    "moja",
    "moje",
    "moji",
    "nas",
    "nam",
    "nami",
    "nase",
    "nasa",
    "nasi",
    "ti",
    "te",
    "tebi",
    "vi",
    "vas",
    "vam",
    "si",
    "sebi",
    "to",
    "ta",
    "tega",
    "temu",
    "tem",
    "nekaj",
    "vse",
    "vsi",
    "ga",
    "jo",
    "jih",
    "mu",
    "ji",
    "jim",
    "on",
    "ona",
    "oni",
    // Two people ("midva bi odprla", "naju zanima").
    "midva",
    "medve",
    "vidva",
    "vidve",
    "onadva",
    "onidve",
    "naju",
    "vaju",
    "njiju",
    "kdor",
    "kar",
    "cesar",
    "nic",
    // Conjunctions, particles and adverbs of time and place that carry no topic ("preden
    // ustanovim", "potem", "samo", "lani"); some of them stem like words that do ("potem" →
    // pot, "samo" → sam).
    "preden",
    "ampak",
    "vendar",
    "saj",
    "kajti",
    "kakor",
    "torej",
    "pac",
    "sicer",
    "morda",
    "zelo",
    "bolj",
    "samo",
    "le",
    "nato",
    "potem",
    "zdaj",
    "sedaj",
    "tam",
    "tu",
    "tukaj",
    "kjer",
    "lani",
    "prej",
    "letos",
    "vec",
    // How often and where else ("je v središču vedno več praznih izložb", "kako so drugje"):
    // words the handbook lacks, so the typo search took them for words it has ("vedno" for
    // "vidno", "drugje" for "druge").
    "vedno",
    "sele",
    "nikoli",
    "pogosto",
    "vcasih",
    "takoj",
    "kmalu",
    "zares",
    "drugje",
    "povsod",
    "nekje",
    "nikjer",
    // "Part" ("povrne del stroškov", "plača del promocije"): how much, never what. Its stem is
    // that of "delo" (work), so matched it found the measures for jobs.
    "del",
    // Prepositions of time and place ("med epidemijo", "pred dvema letoma", "okoli milijon").
    "med",
    "pred",
    "pod",
    "nad",
    "cez",
    "okoli",
    // Auxiliaries and modal words.
    "sem",
    "smo",
    "ste",
    "sva",
    "sta",
    "bo",
    "bom",
    "bomo",
    "bil",
    "bila",
    "bili",
    "lahko",
    "mogoce",
    "moram",
    "moramo",
    "mora",
    "morajo",
    "morem",
    "moremo",
    "treba",
    "potrebno",
    "sploh",
    "ze",
    "res",
    "prosim",
    // Wanting, getting, looking for, having.
    "dobim",
    "dobimo",
    "dobi",
    "dobis",
    "dobijo",
    "dobiti",
    "dobil",
    "dobila",
    "dobili",
    "zelim",
    "zelimo",
    "hocem",
    "hocemo",
    "rad",
    "rada",
    "radi",
    "rade",
    "iscem",
    "iscemo",
    "imam",
    "imamo",
    "ima",
    "imajo",
    "obstaja",
    "obstajajo",
    // Going ("šel sem na občino", "kam gre denar"): "šel" folds to the stem of "šele".
    "iti",
    "grem",
    "gres",
    "gre",
    "gremo",
    "greste",
    "gredo",
    "sel",
    "sla",
    "slo",
    "sli",
    "sle",
];

/// The words that ask: a text with one of them (or a question mark, `search::query::asks`) is a
/// question however few words it has that count. Folded. "ali" asks ("ali lahko …") or joins
/// ("fasade ali strehe"), and either way its words are alternatives, not all required; "a"
/// asks only at the start ("a je kaj za …").
pub const INTERROGATIVES: &[&str] = &[
    "kje", "kako", "kaj", "kdo", "koga", "komu", "kdaj", "koliko", "zakaj", "kam", "kod", "ali",
    "kateri", "katera", "katero", "katere", "kateremu", "katerih", "katerim", "kaksen", "kaksna",
    "kaksno", "kaksne", "kaksni", "kaksnih",
];

/// Every stop and question word, for `is_stop_word`: the stemmer asks of every word it stems
/// (`stemmer`), and so does the highlighter of every word of a snippet.
static NEVER_COUNTS: LazyLock<foldhash::HashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().chain(QUESTION_WORDS).copied().collect());

/// Is `term` (folded) a word that never counts: a stop word or a question word?
pub fn is_stop_word(term: &str) -> bool {
    NEVER_COUNTS.contains(term)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_that_asks_is_a_stop_word_so_it_never_counts_as_a_word_to_match() {
        for w in INTERROGATIVES {
            assert!(is_stop_word(w), "{w}");
        }
    }

    #[test]
    fn every_stop_and_question_word_is_listed_once_in_folded_form() {
        let all: Vec<&str> = STOP_WORDS.iter().chain(QUESTION_WORDS).copied().collect();
        let mut seen = std::collections::HashSet::new();
        for w in &all {
            assert!(seen.insert(*w), "{w} is listed twice");
            // Folded: lowercase letters without diacritics, as the analyser makes them.
            assert!(
                w.bytes().all(|b| b.is_ascii_lowercase()),
                "{w} is not folded"
            );
        }
        assert!(is_stop_word("kje") && is_stop_word("lahko") && !is_stop_word("nasvet"));
        // Words without a topic that stem like words with one: "potem" as "pot", "samo" as
        // "sam".
        assert!(is_stop_word("potem") && is_stop_word("samo") && is_stop_word("preden"));
        assert!(!is_stop_word("pot") && !is_stop_word("brez"));
        // How often and where else, which the typo search took for "vidno" and "druge".
        assert!(is_stop_word("vedno") && is_stop_word("drugje"));
        // "šel" (went) and "šele" (not until), which fold to one stem.
        assert!(is_stop_word("sel") && is_stop_word("sele"));
    }
}
