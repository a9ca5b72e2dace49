//! Municipalities named in the words of a search ("najemnine v Kranju", "spodbude Novega
//! mesta", "v Slovenj Gradcu", "Capodistria"): found with the vocabulary's labels run through
//! the same analyser as the query, so every case form, with or without č/š/ž, is recognised and
//! no list of place names is kept by hand.
//!
//! A place named ranks its measures and the national ones first (`collect::Order`), and its
//! words stop counting as words to match: a measure of Kranj need not say "Kranju" to come
//! first. It is a ranking, not a filter; the search page offers the `applies_in` filter.
//! "Slovenija" is not a place (a question "v Sloveniji" asks about anywhere), but the state is:
//! "ali država pomaga …" asks what the national measures give, and ranks them first.
//!
//! Matching compares stems, and a stem with its fleeting vowel dropped, so that "Gradec" and
//! "Gradcu", "Koper" and "Kopru" are one name whatever the stemmer does with them. A name of one
//! word that is also a common word ("Grad", "Tabor", "Mirna") counts as a place only where the
//! query makes it one: written with a capital, after a preposition of place ("v", "na", "pri",
//! …), or as the whole query. A word the handbook has in no form that is one slip of the
//! fingers from one municipality's name, and no other's, is that name ("Lwndava", "v Novem
//! mestz"), as search would look it up as a typo anyway.
//!
//! People name a town by its adjective as often as by its name ("mariborski podjetniki", "v
//! novomeškem mestnem jedru", "škofjeloška občina"). The adjective is made from the name the
//! regular ways Slovenian makes one ("Maribor" → mariborski, "Loka" → loški, "Gradec" →
//! graški; a name of two words joins them: "Novo mesto" → novomeški), so no list is kept by
//! hand; the irregular ones ("Bled" → blejski) are not found. Adjectives are lowercase, so a
//! capital cannot tell a place from a word here ("ruski" is Russian, and also the adjective
//! of Ruše): an adjective names a place only where the handbook says so, as search's caller
//! decides (`Places::find`'s `of_place`): the place has measures, and the handbook does not
//! use the word more in other measures than in its own. An adjective that is also the first
//! word of a longer name ("kranjski": Kranj, or Kranjska Gora) names both.

use std::collections::HashMap;

use crate::handbook::vocabulary::Vocabulary;
use crate::search::query::{self, Clause};
use crate::search::request::NATIONAL;
use crate::text::analysis;

/// One way of writing a municipality's name: its words as the analyser makes them.
#[derive(Debug, Clone)]
struct Name {
    key: String,
    /// The stems of the name's words, stop words left out ("Ravne na Koroškem": ravn, korosk).
    stems: Vec<String>,
    /// The same words folded, for an exact match whatever the stemmer makes of them.
    folded: Vec<String>,
    /// Each stem and folded word without its fleeting vowel, where it has one: made once here,
    /// as every search compares its words with every name.
    stems_fleeting: Vec<Option<String>>,
    folded_fleeting: Vec<Option<String>>,
}

/// One word of a name, all its forms at hand.
struct NameWord<'a> {
    stem: &'a str,
    folded: &'a str,
    stem_fleeting: Option<&'a str>,
    folded_fleeting: Option<&'a str>,
}

impl Name {
    fn word(&self, k: usize) -> NameWord<'_> {
        NameWord {
            stem: &self.stems[k],
            folded: &self.folded[k],
            stem_fleeting: self.stems_fleeting[k].as_deref(),
            folded_fleeting: self.folded_fleeting[k].as_deref(),
        }
    }
}

/// Every municipality name of a vocabulary, longest first.
#[derive(Debug, Clone, Default)]
pub struct Places {
    names: Vec<Name>,
    /// The stems of the adjectives the names make, each with the municipalities it may mean.
    adjectives: HashMap<String, Vec<String>>,
    /// Does the vocabulary have the national value? Then "država" names it.
    national: bool,
}

/// Words that put the next one in a place: "v Kranju", "na Ptuju", "pri Celju", "iz Kopra";
/// "in" for English ("in Kranj"). Folded forms.
const PLACE_PREPOSITIONS: &[&str] = &["v", "na", "pri", "iz", "do", "od", "ob", "k", "h", "in"];

impl Places {
    /// The names of every municipality of `vocabulary` but the national one: each label, its
    /// English label, and each part of a bilingual label ("Koper/Capodistria").
    pub fn new(vocabulary: &Vocabulary) -> Places {
        let mut names: Vec<Name> = Vec::new();
        let mut national = false;
        // Each adjective stem and the municipalities whose names make it.
        let mut adjectives: HashMap<String, Vec<String>> = HashMap::new();
        for (key, term) in &vocabulary.municipality {
            if key == NATIONAL {
                national = true;
                continue;
            }
            // The Slovenian name only, its first part where it is bilingual ("Koper").
            let name = term.label.split('/').next().unwrap_or_default();
            for adjective in adjective_stems(name) {
                let of = adjectives.entry(adjective).or_default();
                if !of.contains(key) {
                    of.push(key.clone());
                }
            }
            let labels = std::iter::once(term.label.as_str()).chain(term.label_en.as_deref());
            for written in labels.flat_map(|l| l.split('/')) {
                let words: Vec<analysis::Analyzed> = analysis::analyze(written)
                    .into_iter()
                    .filter(|w| !w.stop)
                    .collect();
                if words.is_empty() {
                    continue;
                }
                let name = Name {
                    key: key.clone(),
                    stems: words.iter().map(|w| w.stem.clone()).collect(),
                    folded: words.iter().map(|w| w.folded.clone()).collect(),
                    stems_fleeting: words
                        .iter()
                        .map(|w| without_fleeting_vowel(&w.stem))
                        .collect(),
                    folded_fleeting: words
                        .iter()
                        .map(|w| without_fleeting_vowel(&w.folded))
                        .collect(),
                };
                if !names
                    .iter()
                    .any(|n| n.key == name.key && n.stems == name.stems)
                {
                    names.push(name);
                }
            }
        }
        // The longest name first: "Dol pri Ljubljani" before "Ljubljana".
        names.sort_by(|a, b| b.stems.len().cmp(&a.stems.len()).then(a.key.cmp(&b.key)));
        // An adjective that is another municipality's name of one word is that name, not an
        // adjective. One that is the first word of a longer name ("kranjski", and Kranjska
        // Gora; "rogaški", and Rogaška Slatina) may mean either, and names both.
        adjectives.retain(|stem, of| {
            !names
                .iter()
                .any(|n| n.stems.len() == 1 && n.stems[0] == *stem && !of.contains(&n.key))
        });
        for (stem, of) in &mut adjectives {
            for n in names
                .iter()
                .filter(|n| n.stems.len() > 1 && n.stems[0] == *stem)
            {
                if !of.contains(&n.key) {
                    of.push(n.key.clone());
                }
            }
            of.sort();
        }
        Places {
            names,
            adjectives,
            national,
        }
    }

    /// The words of the names of more than one word ("Novo mesto": nov, mest), each with the
    /// municipality whose name it is part of: said alone, such a word means something else
    /// ("nov" is new), but the handbook has it mostly in the name.
    pub fn name_words(&self) -> impl Iterator<Item = (&str, &str)> {
        self.names
            .iter()
            .filter(|n| n.stems.len() > 1)
            .flat_map(|n| n.stems.iter().map(|s| (s.as_str(), n.key.as_str())))
    }

    /// The municipalities `text` names, in the order named, and which of its words (counted
    /// as `query::parse` counts clauses: words that are not stop words) name them. A text with
    /// quotes names none: its words are meant as written. A word `unknown` says the handbook
    /// has in no form (given its folded form and stem) may be a name with a slip of the
    /// fingers ("Lwndava", "v Novem mestz"): one edit from a name's word counts as it. A
    /// word that is the adjective of a name names the municipalities it may mean where
    /// `of_place` (given the adjective's stem and their keys) says the handbook uses it so.
    pub fn find(
        &self,
        text: &str,
        unknown: impl Fn(&str, &str) -> bool,
        of_place: impl Fn(&str, &[String]) -> bool,
    ) -> Vec<Found> {
        if (self.names.is_empty() && !self.national) || text.contains('"') {
            return Vec::new();
        }
        let all = analysis::analyze(text);
        // The words that become clauses, with what precedes each.
        let mut words: Vec<Word<'_>> = Vec::new();
        let mut after_preposition = false;
        for w in &all {
            if w.stop {
                after_preposition = PLACE_PREPOSITIONS.contains(&w.folded.as_str());
                continue;
            }
            words.push(Word {
                stem: &w.stem,
                folded: &w.folded,
                stem_fleeting: without_fleeting_vowel(&w.stem),
                capital: w.text.chars().next().is_some_and(char::is_uppercase),
                after_preposition,
            });
            after_preposition = false;
        }
        let mut found: Vec<Found> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let fits = |n: &Name, slips: bool| {
                let len = n.stems.len();
                words.len() >= i + len
                    && (len > 1
                        || words[i].capital
                        || words[i].after_preposition
                        || words.len() == 1)
                    && (0..len).all(|k| {
                        same_word(&n.word(k), &words[i + k])
                            || (slips && slipped(&n.word(k), &words[i + k], &unknown))
                    })
            };
            // A name as written first; failing that, a name with a slip, where the names one
            // slip away are all one municipality's ("Kranu" is as near Kranj as Kanal's stem).
            let name = self.names.iter().find(|n| fits(n, false)).or_else(|| {
                let mut near = self.names.iter().filter(|n| fits(n, true));
                let first = near.next()?;
                near.all(|n| n.key == first.key).then_some(first)
            });
            let (keys, len): (Vec<&str>, usize) = match name {
                Some(n) => (vec![n.key.as_str()], n.stems.len()),
                // Where no municipality is named, the state may be: one word, the national value.
                None if self.national && words[i].stem == STATE => (vec![NATIONAL], 1),
                // Failing both, the adjective of a name: "mariborski", "novomeškem".
                None => match self.adjectives.get(words[i].stem) {
                    Some(of) if of_place(words[i].stem, of) => {
                        (of.iter().map(String::as_str).collect(), 1)
                    }
                    _ => (Vec::new(), 1),
                },
            };
            if keys.is_empty() {
                i += 1;
                continue;
            }
            for key in keys {
                match found.iter_mut().find(|f| f.key == key) {
                    Some(f) => f.words.extend(i..i + len),
                    None => found.push(Found {
                        key: key.to_string(),
                        words: (i..i + len).collect(),
                    }),
                }
            }
            i += len;
        }
        found
    }
}

/// A word of a query that may be part of a place's name.
struct Word<'a> {
    stem: &'a str,
    folded: &'a str,
    /// The stem without its fleeting vowel, where it has one.
    stem_fleeting: Option<String>,
    /// Written with a capital letter.
    capital: bool,
    /// Follows a preposition of place ("v", "na", …).
    after_preposition: bool,
}

/// A municipality named in a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub key: String,
    /// The positions of its words among the query's clauses.
    pub words: Vec<usize>,
}

/// Is a query word (its stem and folded form) the name's word? The same stem, or the same
/// once a fleeting vowel is dropped from either ("gradec" and "gradc", "koper" and "kopr"),
/// or the same as written; failing those, the name as written (or without its fleeting
/// vowel) followed by a case ending ("ptuj" + "u", "gradc" + "u"), whatever the stemmer
/// makes of the two.
fn same_word(name: &NameWord<'_>, word: &Word<'_>) -> bool {
    if name.stem == word.stem
        || name.folded == word.folded
        || name.stem_fleeting == Some(word.stem)
        || word.stem_fleeting.as_deref() == Some(name.stem)
    {
        return true;
    }
    let inflected = |base: &str| {
        word.folded
            .strip_prefix(base)
            .is_some_and(|ending| CASE_ENDINGS.contains(&ending))
    };
    inflected(name.folded) || name.folded_fleeting.is_some_and(inflected)
}

/// Is a query word the name's word with a slip of the fingers: one edit from it as written or
/// as stemmed, the way search counts a typo (`query::within`), and long enough to be looked up
/// for typos? Only a word the handbook has in no form (`unknown`, asked last: it reads the
/// index) is taken for one, so that "kamnite" stays a word and does not become Kamnik.
fn slipped(name: &NameWord<'_>, word: &Word<'_>, unknown: &impl Fn(&str, &str) -> bool) -> bool {
    word.folded.len() >= MIN_SLIP
        && (query::within(name.folded, word.folded, 1) || query::within(name.stem, word.stem, 1))
        && unknown(word.folded, word.stem)
}

/// The stem of "država", the state: a question that asks what the state gives means the
/// national measures.
const STATE: &str = "drzav";

/// The shortest word taken for a name with a slip: search looks for typos from five letters.
const MIN_SLIP: usize = 5;

/// The endings a noun's case forms add to its base (the nominative of a masculine noun, or
/// one without its fleeting vowel): "Ptuj-u", "Gradc-a", "Kranj-em".
const CASE_ENDINGS: &[&str] = &[
    "a", "u", "e", "i", "o", "om", "em", "ih", "im", "ima", "ami", "ah", "ov", "ev",
];

/// A word with its last vowel dropped when that vowel is an "e" between two consonants at
/// the end ("gradec" → "gradc", "koper" → "kopr", "celovec" → "celovc"): Slovenian drops that
/// vowel in every other case form ("Gradca, Gradcu, Kopra").
fn without_fleeting_vowel(word: &str) -> Option<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 4 {
        return None;
    }
    let vowel = |c: char| "aeiou".contains(c);
    let (before, e, last) = (chars[n - 3], chars[n - 2], chars[n - 1]);
    (e == 'e' && !vowel(before) && !vowel(last)).then(|| {
        let mut s: String = chars[..n - 2].iter().collect();
        s.push(last);
        s
    })
}

/// The stems of the adjective a municipality's name makes, by the regular ways Slovenian
/// makes one: the name's last word without its final vowel (and its fleeting one) + "-ski",
/// where a final c, k, t, z, s or j (folded č, ž, š) gives way ("Loka" → loški, "Ormož" →
/// ormoški, "Kočevje" → kočevski, "Žalec" → žalski), and a final pair of consonants ending in
/// c, k or t gives way whole ("Gradec" → graški, "Logatec" → logaški, "mesto" → -meški). A
/// name of two words puts the first word's root before it, with "o", "e" or nothing between
/// ("novomeški", "škofjeloški", "slovenjgraški"); a longer name, or one with a preposition
/// ("Ravne na Koroškem" → ravenski), makes none that can be told by rule. Stems are folded,
/// as the analyser makes them ("mariborsk", "novomesk"); some are not words at all, and
/// match nothing.
fn adjective_stems(name: &str) -> Vec<String> {
    let words = analysis::analyze(name);
    let roots = |w: &analysis::Analyzed| -> Vec<String> {
        let base = w.folded.trim_end_matches(|c| "aeiou".contains(c));
        let mut bases = vec![base.to_string()];
        bases.extend(without_fleeting_vowel(base));
        let mut roots = Vec::new();
        for base in &bases {
            let chars: Vec<char> = base.chars().collect();
            let n = chars.len();
            if n < 2 {
                continue;
            }
            roots.push(base.clone());
            if "cktzsj".contains(chars[n - 1]) {
                roots.push(chars[..n - 1].iter().collect());
                if "ckt".contains(chars[n - 1]) && !"aeiour".contains(chars[n - 2]) {
                    roots.push(chars[..n - 2].iter().collect());
                }
            }
        }
        roots
    };
    let mut stems: Vec<String> = match words.as_slice() {
        [one] if !one.stop => roots(one).into_iter().map(|r| r + "sk").collect(),
        [first, last] if !first.stop && !last.stop => {
            let first = first.folded.trim_end_matches(|c| "aeiou".contains(c));
            roots(last)
                .into_iter()
                .flat_map(|r| ["", "o", "e"].map(|link| format!("{first}{link}{r}sk")))
                .collect()
        }
        _ => Vec::new(),
    };
    stems.sort();
    stems.dedup();
    stems
}

/// `clauses` without the words that name a place, unless they are all there is: "Kranj"
/// alone still searches for the word, and ranks Kranj's measures first.
pub fn without_places(clauses: Vec<Clause>, found: &[Found]) -> Vec<Clause> {
    let named: Vec<usize> = found.iter().flat_map(|f| f.words.iter().copied()).collect();
    if named.is_empty() || named.len() >= clauses.len() {
        return clauses;
    }
    clauses
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !named.contains(i))
        .map(|(_, c)| c)
        .collect()
}

/// The stems of `clauses` in order, each word of a phrase on its own: what best bets
/// (`synonyms.toml`'s pins) are looked up by.
pub fn stems(clauses: &[Clause]) -> Vec<&str> {
    clauses
        .iter()
        .flat_map(|c| match c {
            Clause::Word { stem, .. } => vec![stem.as_str()],
            Clause::Phrase { stems, .. } => stems.iter().map(String::as_str).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handbook::vocabulary::Term;

    fn vocabulary() -> Vocabulary {
        let mut v = Vocabulary::default();
        for (key, label) in [
            ("slovenija", "Vsa Slovenija"),
            ("kranj", "Kranj"),
            ("ptuj", "Ptuj"),
            ("novo-mesto", "Novo mesto"),
            ("slovenj-gradec", "Slovenj Gradec"),
            ("koper", "Koper/Capodistria"),
            ("grad", "Grad"),
            ("ljubljana", "Ljubljana"),
            ("dol-pri-ljubljani", "Dol pri Ljubljani"),
            ("ravne-na-koroskem", "Ravne na Koroškem"),
            ("murska-sobota", "Murska Sobota"),
            ("maribor", "Maribor"),
            ("skofja-loka", "Škofja Loka"),
            ("logatec", "Logatec"),
            ("zalec", "Žalec"),
            ("bled", "Bled"),
        ] {
            add(&mut v, key, label);
        }
        v
    }

    fn add(v: &mut Vocabulary, key: &str, label: &str) {
        v.municipality.insert(
            key.into(),
            Term {
                key: key.into(),
                label: label.into(),
                label_en: None,
                region: None,
                code: None,
                urban: false,
            },
        );
    }

    fn keys(text: &str) -> Vec<String> {
        Places::new(&vocabulary())
            .find(text, |_, _| false, |_, _| true)
            .into_iter()
            .map(|f| f.key)
            .collect()
    }

    #[test]
    fn a_place_is_found_in_any_case_form_and_without_diacritics() {
        for (text, key) in [
            ("najemnine v Kranju", "kranj"),
            ("najemnine v kranju", "kranj"),
            ("spodbude Novega mesta", "novo-mesto"),
            ("spodbude novega mesta", "novo-mesto"),
            ("subvencije v Novem mestu", "novo-mesto"),
            ("fasade na Ptuju", "ptuj"),
            ("v Slovenj Gradcu", "slovenj-gradec"),
            ("Slovenj Gradec", "slovenj-gradec"),
            ("obrtniki iz slovenj gradca", "slovenj-gradec"),
            ("Koper", "koper"),
            ("vavcer v Kopru", "koper"),
            ("Capodistria", "koper"),
            ("na Ravnah na Koroskem", "ravne-na-koroskem"),
            ("v Murski Soboti", "murska-sobota"),
            ("rent in Kranj", "kranj"),
        ] {
            assert_eq!(keys(text), [key], "{text}");
        }
    }

    #[test]
    fn a_name_with_a_slip_is_the_place_where_the_handbook_lacks_the_word_and_no_other_is_as_near() {
        let places = Places::new(&vocabulary());
        let find = |text: &str, lacks: &[&str]| -> Vec<String> {
            places
                .find(text, |folded, _| lacks.contains(&folded), |_, _| true)
                .into_iter()
                .map(|f| f.key)
                .collect()
        };
        assert_eq!(find("najemnine v Krajnu", &["krajnu"]), ["kranj"]);
        assert_eq!(find("v Novem mestz", &["mestz"]), ["novo-mesto"]);
        assert_eq!(find("Slovennj Gradec", &["slovennj"]), ["slovenj-gradec"]);
        // A word the handbook has is that word, however near a name it is.
        assert!(find("najemnine v Krajnu", &[]).is_empty());
        // Too short to be looked up for typos.
        assert!(find("fasade na Ptu", &["ptu"]).is_empty());
        // One slip from two municipalities' names is neither.
        let mut v = vocabulary();
        add(&mut v, "lendava", "Lendava");
        add(&mut v, "lendova", "Lendova");
        let lacks = |folded: &str, _: &str| folded == "lendxva" || folded == "lendavx";
        assert_eq!(
            Places::new(&v).find("v Lendavx", lacks, |_, _| true).len(),
            1
        );
        let both = Places::new(&v).find("v Lendxva", lacks, |_, _| true);
        assert!(both.is_empty(), "{both:?}");
    }

    #[test]
    fn the_longest_name_wins_and_each_place_is_named_once() {
        assert_eq!(keys("v Dolu pri Ljubljani"), ["dol-pri-ljubljani"]);
        assert_eq!(keys("v Ljubljani"), ["ljubljana"]);
        assert_eq!(keys("Kranj in Ptuj, Kranju"), ["kranj", "ptuj"]);
    }

    #[test]
    fn a_common_word_is_a_place_only_where_the_query_makes_it_one() {
        assert!(keys("obnova gradu").is_empty());
        assert_eq!(keys("obnova v Gradu"), ["grad"]);
        assert_eq!(keys("Grad"), ["grad"]);
        assert!(keys("najemnine kranj").is_empty());
        assert_eq!(keys("najemnine Kranj"), ["kranj"]);
        assert!(keys("mestno jedro").is_empty());
        assert!(
            keys("\"v Kranju\"").is_empty(),
            "quoted words are meant as written"
        );
        assert!(
            keys("Slovenija").is_empty(),
            "the national scope is not a place"
        );
    }

    #[test]
    fn the_state_in_any_case_names_the_national_measures_and_its_adjective_does_not() {
        assert_eq!(keys("ali država pomaga podjetjem"), ["slovenija"]);
        assert_eq!(keys("kaj sofinancira drzava"), ["slovenija"]);
        assert_eq!(keys("pomoč države v Kranju"), ["slovenija", "kranj"]);
        // "Državna pomoč" is state aid, a rule municipal measures follow too.
        assert!(keys("je to državna pomoč").is_empty());
        // Without the national value, there is nothing for the state to name.
        let mut v = vocabulary();
        v.municipality.remove("slovenija");
        let found = Places::new(&v).find("ali država pomaga", |_, _| false, |_, _| true);
        assert!(found.is_empty());
    }

    #[test]
    fn a_town_named_by_its_adjective_is_that_place_in_any_form() {
        for (text, key) in [
            ("mariborski podjetniki", "maribor"),
            ("spodbude za mariborske obrtnike", "maribor"),
            ("v novomeškem mestnem jedru", "novo-mesto"),
            ("novomeske subvencije", "novo-mesto"),
            ("murskosoboški podjetniki", "murska-sobota"),
            ("slovenjgraških trgovin", "slovenj-gradec"),
            ("koprske najemnine", "koper"),
            ("ljubljanska občina", "ljubljana"),
            ("ptujski tržnici", "ptuj"),
            ("škofjeloško mestno jedro", "skofja-loka"),
            ("logaški obrtniki", "logatec"),
            ("žalske fasade", "zalec"),
        ] {
            assert_eq!(keys(text), [key], "{text}");
        }
        // Its words are the place's, not words to match, as a name's are.
        let text = "mariborski podjetniki";
        let found = Places::new(&vocabulary()).find(text, |_, _| false, |_, _| true);
        assert_eq!(found[0].words, [0]);
        // Irregular adjectives are not made by rule, and other words are not adjectives.
        assert!(keys("blejski hoteli").is_empty());
        assert!(keys("slovenski podjetniki").is_empty());
        assert!(keys("mestni podjetniki").is_empty());
    }

    #[test]
    fn an_adjective_names_a_place_only_where_the_handbook_says_so() {
        let places = Places::new(&vocabulary());
        let asked = std::cell::RefCell::new(Vec::new());
        let found = places.find(
            "kaj ponuja mariborska občina",
            |_, _| false,
            |stem, keys| {
                asked.borrow_mut().push((stem.to_string(), keys.to_vec()));
                false
            },
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(
            asked.into_inner(),
            [("mariborsk".to_string(), vec!["maribor".to_string()])]
        );
        // A name is a name whatever the handbook says.
        let found = places.find("v Mariboru", |_, _| false, |_, _| false);
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn an_adjective_that_begins_a_longer_name_names_both_places_and_the_name_names_one() {
        let mut v = vocabulary();
        add(&mut v, "kranjska-gora", "Kranjska Gora");
        let places = Places::new(&v);
        let keys = |text: &str| -> Vec<String> {
            places
                .find(text, |_, _| false, |_, _| true)
                .into_iter()
                .map(|f| f.key)
                .collect()
        };
        assert_eq!(keys("kranjski obrtniki"), ["kranj", "kranjska-gora"]);
        assert_eq!(keys("v Kranjski Gori"), ["kranjska-gora"]);
        // An adjective of two names of one word is both's; another's name is that name.
        add(&mut v, "gradec", "Gradec");
        add(&mut v, "mariborsk", "Mariborsk");
        let places = Places::new(&v);
        let found = places.find("mariborski", |_, _| false, |_, _| true);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].key, "mariborsk", "{found:?}");
    }

    #[test]
    fn adjectives_are_made_from_the_whole_name_by_rule() {
        let made = |name: &str| adjective_stems(name);
        for (name, stem) in [
            ("Maribor", "mariborsk"),
            ("Celje", "celjsk"),
            ("Koper", "koprsk"),
            ("Škofja Loka", "skofjelosk"),
            ("Slovenj Gradec", "slovenjgrask"),
            ("Kamnik", "kamnisk"),
            ("Ormož", "ormosk"),
            ("Kočevje", "kocevsk"),
            ("Radenci", "radensk"),
        ] {
            assert!(
                made(name).contains(&stem.to_string()),
                "{name}: {:?}",
                made(name)
            );
        }
        assert!(made("Ravne na Koroškem").is_empty());
        assert!(made("Sveti Jurij ob Ščavnici").is_empty());
    }

    #[test]
    fn the_fleeting_vowel_is_dropped_only_between_consonants_at_the_end() {
        assert_eq!(without_fleeting_vowel("gradec").as_deref(), Some("gradc"));
        assert_eq!(without_fleeting_vowel("koper").as_deref(), Some("kopr"));
        assert_eq!(without_fleeting_vowel("kranj"), None);
        assert_eq!(without_fleeting_vowel("celje"), None);
        assert_eq!(without_fleeting_vowel("ptuj"), None);
    }

    #[test]
    fn place_words_are_left_out_of_the_words_to_match_unless_they_are_all() {
        let places = Places::new(&vocabulary());
        let text = "najemnine v Kranju";
        let clauses = crate::search::query::parse(text);
        let kept = without_places(clauses, &places.find(text, |_, _| false, |_, _| true));
        assert_eq!(kept.len(), 1);
        assert!(matches!(&kept[0], Clause::Word { folded, .. } if folded == "najemnine"));
        let text = "Kranj";
        let clauses = crate::search::query::parse(text);
        assert_eq!(
            without_places(clauses, &places.find(text, |_, _| false, |_, _| true)).len(),
            1
        );
    }
}
