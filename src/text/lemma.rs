//! The lemma model: takes a folded Slovenian word form to its folded lemma ("pomagam" →
//! "pomagati", "obcine" → "obcina", "podpisujete" → "podpisovati"), so that the stemmer can
//! tell a verb's forms from a noun's that look alike (prijavim, prijava) and join the forms
//! of a verb that no ending rule joins (izvedes, izvesti).
//!
//! The model is a list of rules learned offline by `scripts/lexicon.py` from what the LemmaGen
//! lemmatiser says about wordfreq's Slovenian words, the shipped handbook's words and the
//! paradigms of their lemmas (`lemma/sl.rules`, CC BY-SA 4.0 like its sources; see
//! `docs/search-quality.md`). Each rule sits at an ending and says how many letters to cut and
//! which to add; a word takes the rule of its longest ending in the list, or of the whole
//! word where the list has it, so that the words it was learned from get exactly their lemma
//! and an unseen word the rule that most words with its ending had.

use std::sync::LazyLock;

// The lookups run for every token of every indexed text, up to nine per word: a fast hash.
use foldhash::{HashMap, HashMapExt};

/// The rules, as `scripts/lexicon.py` writes them: ending, letters cut, letters added.
const RULES: &str = include_str!("lemma/sl.rules");

/// The longest ending the rules are learned for (`MAX_ENDING` in the script).
const MAX_ENDING: usize = 8;

/// The most letters a rule adds beyond those it cuts ("uje" → "ovati"): a term is never longer
/// than its word by more.
pub const MAX_GROWTH: usize = 4;

/// A lemma's shortest length: a rule that would leave less is not applied.
const MIN_LEMMA: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rule {
    cut: u8,
    add: &'static str,
}

struct Model {
    /// Rules of whole words, keyed without the leading `^`.
    words: HashMap<&'static str, Rule>,
    /// Rules of endings; the empty ending is the default.
    endings: HashMap<&'static str, Rule>,
}

static MODEL: LazyLock<Model> = LazyLock::new(|| parse(RULES));

/// Reads the rules; a malformed line is a build-time mistake in the committed file, which the
/// unit test below catches, so it is skipped here rather than failing a search.
fn parse(text: &'static str) -> Model {
    let mut model = Model {
        words: HashMap::new(),
        endings: HashMap::new(),
    };
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut fields = line.split('\t');
        let (Some(ending), Some(cut), Some(add), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let Ok(cut) = cut.parse() else { continue };
        let rule = Rule { cut, add };
        match ending.strip_prefix('^') {
            Some(word) => model.words.insert(word, rule),
            None => model.endings.insert(ending, rule),
        };
    }
    model
}

/// The rule for a folded word: its own, else its longest listed ending's.
fn rule(word: &str) -> Option<Rule> {
    let model = &*MODEL;
    if let Some(rule) = model.words.get(word) {
        return Some(*rule);
    }
    let longest = word.len().min(MAX_ENDING);
    (0..=longest)
        .rev()
        .filter(|n| word.is_char_boundary(word.len() - n))
        .find_map(|n| model.endings.get(&word[word.len() - n..]).copied())
}

/// Turns a folded, lowercase word into its lemma where it is. Words of three letters or fewer,
/// words with digits, and words the model cannot place stay as they are.
pub fn lemmatize_in_place(word: &mut String) {
    if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    let Some(rule) = rule(word) else { return };
    let cut = usize::from(rule.cut);
    if cut == 0 && rule.add.is_empty() {
        return;
    }
    if word.len() < cut || word.len() - cut + rule.add.len() < MIN_LEMMA {
        return;
    }
    if !word.is_char_boundary(word.len() - cut) {
        return;
    }
    word.truncate(word.len() - cut);
    word.push_str(rule.add);
}

/// The lemma of a folded, lowercase word.
pub fn lemma(word: &str) -> String {
    let mut out = word.to_string();
    lemmatize_in_place(&mut out);
    out
}

/// The infinitives in -či, folded: few verbs have them (reči, teči, peči, moči, vleči, seči,
/// leči, striči, tolči and their prefixed kin), and a folded -ci is far more often a plural
/// noun's (gostinci), so only these count.
const CI_INFINITIVES: &[&str] = &[
    "reci", "teci", "peci", "moci", "vleci", "seci", "leci", "strici", "tolci",
];

/// The lemmas in -ti that are no verb's: a noun used only in the plural ("obresti", the
/// interest a loan is about), adverbs, prepositions, pronouns and an ordinal. Taken for verbs,
/// they would count in a question as little as its verbs do ("nižje obresti") and be looked
/// up with a family they do not have.
const NOT_INFINITIVES: &[&str] = &[
    "obresti", "hkrati", "zlasti", "proti", "nasproti", "naproti", "tisti", "isti", "cetrti",
];

/// Is this lemma a verb's infinitive? Slovenian infinitives end in -ti, and a few in -či; of
/// the other lemmas, only the few of `NOT_INFINITIVES` do.
pub fn is_infinitive(lemma: &str) -> bool {
    lemma.len() > 3
        && (lemma.ends_with("ti") || CI_INFINITIVES.iter().any(|v| lemma.ends_with(v)))
        && !NOT_INFINITIVES.contains(&lemma)
}

/// Is this lemma a verb's passive participle, the adjective made from a verb: "znizan"
/// (znižane), "subvencioniran", "obnovljen", "oproscen"? Measures name what such a word
/// describes by the verb's noun ("znižanje najemnine", "obnova fasade"). Only endings that
/// are nearly always a participle's count, so a few participles are missed ("plačan",
/// "izključen") rather than taking adjectives for them: -iran, -ovan, -evan, the -ljen,
/// -njen, -rjen of verbs in -iti, the -ščen of verbs in -stiti, and -an after s, z, d, g, v,
/// b, p, t, k or r (not the -čan, -jan of inhabitants, "Ptujčan", nor -ian, -man). Never -en
/// after other consonants, the ending of most adjectives ("turističen", "samostojen",
/// "prazen").
pub fn is_passive_participle(lemma: &str) -> bool {
    const ENDINGS: [&str; 7] = ["iran", "ovan", "evan", "ljen", "njen", "rjen", "scen"];
    if lemma.len() < 6 || !lemma.is_ascii() {
        return false;
    }
    if ENDINGS.iter().any(|e| lemma.ends_with(e)) {
        return true;
    }
    let b = lemma.as_bytes();
    lemma.ends_with("an") && b"szdgvbptkr".contains(&b[b.len() - 3])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_lemmas(pairs: &[(&str, &str)]) {
        for (form, lemma_) in pairs {
            assert_eq!(lemma(form), *lemma_, "{form}");
        }
    }

    #[test]
    fn every_line_of_the_rules_is_read() {
        let lines = RULES.lines().filter(|l| !l.starts_with('#')).count();
        let model = &*MODEL;
        assert_eq!(model.words.len() + model.endings.len(), lines);
        assert!(
            model.endings.contains_key(""),
            "the default rule is missing"
        );
    }

    #[test]
    fn no_rule_grows_a_word_by_more_than_max_growth() {
        let model = &*MODEL;
        for (ending, rule) in model.words.iter().chain(&model.endings) {
            assert!(
                rule.add.len() <= usize::from(rule.cut) + MAX_GROWTH,
                "{ending}: {rule:?}"
            );
        }
    }

    #[test]
    fn verb_forms_go_to_their_infinitive() {
        assert_lemmas(&[
            ("pomagam", "pomagati"),
            ("pomagali", "pomagati"),
            ("svetujem", "svetovati"),
            ("ustanavljam", "ustanavljati"),
            ("odprla", "odpreti"),
            ("investiral", "investirati"),
        ]);
    }

    #[test]
    fn noun_forms_go_to_their_nominative_with_or_without_diacritics() {
        assert_lemmas(&[
            ("obcine", "obcina"),
            ("najemnin", "najemnina"),
            ("podjetnikom", "podjetnik"),
            ("prodajalcem", "prodajalec"),
        ]);
    }

    #[test]
    fn every_case_of_a_noun_the_handbook_uses_goes_to_one_lemma() {
        // "ujma" (a natural disaster) is rare in general text: its forms were learned from the
        // handbook, and "ujmo" once went to the verb ending "-ovati" that most words in -jmo have.
        for form in ["ujma", "ujme", "ujmi", "ujmo"] {
            assert_eq!(lemma(form), "ujma", "{form}");
        }
    }

    #[test]
    fn a_noun_that_looks_like_a_participle_keeps_all_its_cases_and_the_verb_keeps_its_own() {
        // LemmaGen reads "hotel", "hotela", "hoteli" as "hoteti" (to want) and "hotelu",
        // "hotelov" as the noun, so one noun's cases fell under two terms.
        for form in [
            "hotel", "hotela", "hotelu", "hotelom", "hoteli", "hotelov", "hotelih", "hotele",
        ] {
            assert_eq!(lemma(form), "hotel", "{form}");
        }
        assert_lemmas(&[
            ("hocem", "hoteti"),
            ("hoce", "hoteti"),
            ("hotelo", "hoteti"),
        ]);
    }

    #[test]
    fn participles_in_joc_go_to_their_verb_and_other_words_in_oc_stay_what_they_are() {
        assert_lemmas(&[
            ("pomagajoc", "pomagati"),
            ("sodelujoci", "sodelovati"),
            ("zaposlujoc", "zaposlovati"),
            // Nouns and adjectives that merely end as a participle does.
            ("pomoc", "pomoc"),
            ("pomocjo", "pomoc"),
            ("nemoc", "nemoc"),
            ("mogoc", "mogoc"),
            ("vroca", "vroc"),
        ]);
    }

    #[test]
    fn nouns_and_adverbs_in_aj_and_ij_are_not_taken_for_imperatives() {
        assert_lemmas(&[
            ("natecaj", "natecaj"),
            ("natecaja", "natecaj"),
            ("kriterij", "kriterij"),
            ("tecaj", "tecaj"),
            ("julij", "julij"),
            ("polozaj", "polozaj"),
            // A real imperative still goes to its verb.
            ("vprasaj", "vprasati"),
        ]);
    }

    #[test]
    fn an_unseen_word_takes_the_rule_of_its_ending() {
        // Made-up verbs: no list holds them, their endings decide.
        assert_eq!(lemma("zbrgujemo"), "zbrgovati");
        assert_eq!(lemma("prefrkiram"), "prefrkirati");
    }

    #[test]
    fn short_words_and_odd_input_are_left_whole() {
        assert_eq!(lemma("a"), "a");
        assert_eq!(lemma(""), "");
        assert!(!is_infinitive("ti"));
        assert!(is_infinitive("pomagati"));
        assert!(is_infinitive("izreci"));
        assert!(!is_infinitive("obcina"));
        assert!(!is_infinitive("gostinci"));
    }

    #[test]
    fn the_noun_obresti_and_other_words_in_ti_are_not_taken_for_verbs() {
        // Every form of "obresti" has it for its lemma, as a verb's forms have its infinitive.
        for form in ["obresti", "obrestmi", "obrestih"] {
            assert_eq!(lemma(form), "obresti", "{form}");
        }
        for word in [
            "obresti", "hkrati", "zlasti", "proti", "tisti", "isti", "cetrti",
        ] {
            assert!(!is_infinitive(word), "{word}");
        }
        // Verbs that end alike stay verbs.
        for verb in ["rasti", "oprostiti", "vrniti", "dobiti"] {
            assert!(is_infinitive(verb), "{verb}");
        }
    }

    #[test]
    fn passive_participles_are_told_from_other_adjectives_and_short_roots() {
        for word in [
            "znizane",
            "subvencionirane",
            "obnovljene",
            "dodeljena",
            "oprosceni",
            "podpisana",
            "zavarovani",
            "spremenjeni",
        ] {
            assert!(
                is_passive_participle(&lemma(word)),
                "{word}: {}",
                lemma(word)
            );
        }
        for word in [
            "mestne",
            "javen",
            "stan",
            "plan",
            "program",
            "obcina",
            "samostojni",
            "turisticni",
            "brezplacni",
            "prazni",
            "evropski",
        ] {
            assert!(
                !is_passive_participle(&lemma(word)),
                "{word}: {}",
                lemma(word)
            );
        }
    }
}
