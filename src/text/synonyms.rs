//! Words that mean the same thing in this handbook's field. Editors and entrepreneurs name one
//! thing in several ways ("fasada" and "pročelje", "mestno jedro" and "središče", "kredit" and
//! "posojilo"); a search for one should find the others, a little below the word itself.
//!
//! Groups are written as ordinary words and stemmed once, so any inflected form of any member
//! finds the others. The groups come from `synonyms.toml` (read in `handbook::synonyms`):
//! the handbook's own, or the shipped handbook's, compiled in, for a handbook without one; the
//! file may also pin measures to queries (best bets). Keep groups to words that name one
//! thing, or a thing and the name measures give its kind ("penzion", "nastanitev"): a loose
//! group costs precision in every search that touches it.

use crate::text::analysis;
use crate::text::family;
use crate::text::stemmer;
use std::collections::HashMap;

/// Word groups and best bets, as search uses them: the built-in groups
/// (`handbook::synonyms::builtin`), or those of the handbook's `synonyms.toml` when it has
/// one (which also pins measures to queries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// stem → the stems of its synonyms.
    by_stem: HashMap<String, Vec<String>>,
    /// A word family's key (`text::family`) → the stems of every group with a member of that
    /// family, but for the family's own: what a word of the family that no group names means
    /// ("subvencionirajo" is kin to "subvencioniranje", and so means what "sofinanciranje"
    /// means).
    by_family: HashMap<String, Vec<String>>,
    /// A query's key (`query_key`) → the ids pinned to it, in the editor's order.
    pins: HashMap<String, Vec<String>>,
}

impl Synonyms {
    /// The groups and pins in a stable order, for a digest of what is served (the maps' own
    /// order differs from run to run).
    pub fn canonical(&self) -> String {
        let mut stems: Vec<_> = self.by_stem.iter().collect();
        stems.sort();
        let mut pins: Vec<_> = self.pins.iter().collect();
        pins.sort();
        format!("{stems:?}{pins:?}")
    }

    /// The same groups without best bets.
    pub fn without_pins(mut self) -> Synonyms {
        self.pins.clear();
        self
    }

    /// Groups of words that mean the same (each member written as a word, in any form) and
    /// best bets (a query as people type it, and the ids pinned to it).
    pub fn new(groups: &[Vec<String>], pins: Vec<(String, Vec<String>)>) -> Synonyms {
        let mut by_stem: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_family: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            let stems: Vec<String> = group.iter().flat_map(|w| stems_of(w)).collect();
            let keys: Vec<String> = stems.iter().map(|s| family::family(s)).collect();
            for key in &keys {
                // A short key joins words that are not kin ("svet", "svetovanje"): too loose
                // to carry a group's meaning to them.
                if key.len() < MIN_FAMILY_KEY {
                    continue;
                }
                let meant = by_family.entry(key.clone()).or_default();
                // The family's own members a word finds as its kin, not as synonyms.
                for (o, _) in stems.iter().zip(&keys).filter(|(_, k)| *k != key) {
                    if !meant.contains(o) {
                        meant.push(o.clone());
                    }
                }
            }
            for s in &stems {
                let others = by_stem.entry(s.clone()).or_default();
                for o in &stems {
                    if o != s && !others.contains(o) {
                        others.push(o.clone());
                    }
                }
            }
        }
        let mut by_query: HashMap<String, Vec<String>> = HashMap::new();
        for (query, ids) in pins {
            let pinned = by_query.entry(query_key(&query)).or_default();
            for id in ids {
                if !pinned.contains(&id) {
                    pinned.push(id);
                }
            }
        }
        Synonyms {
            by_stem,
            by_family,
            pins: by_query,
        }
    }

    /// The stems of the synonyms of a stem (not the stem itself).
    pub fn of(&self, stem: &str) -> &[String] {
        self.by_stem.get(stem).map_or(&[], Vec::as_slice)
    }

    /// The stems of the groups whose members are of the family of a stem, but for that
    /// family's own: for a word no group names, kin to one that a group does (`by_family`).
    pub fn of_family(&self, stem: &str) -> &[String] {
        if self.by_family.is_empty() {
            return &[];
        }
        self.by_family
            .get(&family::family(stem))
            .map_or(&[], Vec::as_slice)
    }

    /// The same groups and pins, each word's synonyms only those that `keep` (what the index
    /// has): every synonym of a search is a query per field, and one no measure uses matches
    /// nothing at that cost. Every word still has its entry, as a search's word may be one the
    /// index lacks whose synonyms it has.
    pub fn keeping(&self, keep: impl Fn(&str) -> bool) -> Synonyms {
        let prune = |map: &HashMap<String, Vec<String>>| {
            map.iter()
                .map(|(k, v)| {
                    let kept = v.iter().filter(|s| keep(s)).cloned().collect();
                    (k.clone(), kept)
                })
                .collect()
        };
        Synonyms {
            by_stem: prune(&self.by_stem),
            by_family: prune(&self.by_family),
            pins: self.pins.clone(),
        }
    }

    /// The ids an editor pinned to the query `text` (in any form of its words), first first.
    pub fn pinned(&self, text: &str) -> &[String] {
        if self.pins.is_empty() {
            return &[];
        }
        self.pins.get(&query_key(text)).map_or(&[], Vec::as_slice)
    }

    /// Are any measures pinned at all?
    pub fn has_pins(&self) -> bool {
        !self.pins.is_empty()
    }

    /// `pinned`, for a query already analysed into the stems of its words that carry meaning.
    pub fn pinned_stems(&self, stems: &[&str]) -> &[String] {
        self.pins.get(&stems.join(" ")).map_or(&[], Vec::as_slice)
    }
}

/// The shortest family key a group's meaning is carried by to the rest of the family.
const MIN_FAMILY_KEY: usize = 5;

/// The stems of a group member: a word, or several ("mestno jedro"), each stemmed.
fn stems_of(member: &str) -> Vec<String> {
    analysis::terms(member)
        .iter()
        .map(|w| stemmer::stem(w))
        .collect()
}

/// What a query is known by for best bets: the stems of its words that carry meaning, in
/// order, so "Najemnine v Kranju" and "najemnina kranj" are the same query.
pub fn query_key(text: &str) -> String {
    let words = analysis::analyze(text);
    let meaningful: Vec<&str> = words
        .iter()
        .filter(|w| !w.stop)
        .map(|w| w.term.as_str())
        .collect();
    if meaningful.is_empty() {
        words
            .iter()
            .map(|w| w.term.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        meaningful.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_of_a_family_a_group_has_a_member_of_means_the_group_and_a_short_family_nothing() {
        let s = Synonyms::new(
            &[
                vec!["subvencioniranje".into(), "sofinanciranje".into()],
                vec!["svetovanje".into(), "mentorstvo".into()],
            ],
            vec![],
        );
        let of = s.of_family(&stemmer::stem("subvencionirati"));
        // Its kin "subvencioniranje" is found as kin, not as a synonym.
        assert_eq!(of, [stemmer::stem("sofinanciranje")]);
        // "svet" (a council) shares the short key of "svetovanje": it means nothing of it.
        assert_eq!(
            family::family(&stemmer::stem("svet")),
            family::family(&stemmer::stem("svetovanje"))
        );
        assert!(s.of_family(&stemmer::stem("svet")).is_empty());
        assert!(Synonyms::default().of_family("subvencionirati").is_empty());
    }

    #[test]
    fn keeping_what_the_index_has_prunes_synonyms_but_not_the_words_they_are_of() {
        let s = Synonyms::new(
            &[vec![
                "kredit".into(),
                "posojilo".into(),
                "mikrokredit".into(),
            ]],
            vec![("krediti".into(), vec!["a".into()])],
        );
        let kredit = stemmer::stem("kredit");
        let posoj = stemmer::stem("posojilo");
        let kept = s.keeping(|w| w == posoj);
        assert_eq!(kept.of(&kredit), std::slice::from_ref(&posoj));
        assert!(kept.of(&posoj).is_empty());
        assert_eq!(kept.of(&stemmer::stem("mikrokredit")), [posoj]);
        assert_eq!(kept.pinned("kredit"), ["a"]);
    }

    #[test]
    fn a_pinned_query_is_known_in_any_form_of_its_words() {
        let s = Synonyms::new(
            &[],
            vec![("najemnine Kranj".into(), vec!["a".into(), "b".into()])],
        );
        assert_eq!(s.pinned("Najemnina v Kranju"), ["a", "b"]);
        assert!(s.pinned("najemnine").is_empty());
    }
}
