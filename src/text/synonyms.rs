//! Words that mean the same thing in this handbook's field. Editors and entrepreneurs name one
//! thing in several ways ("fasada" and "pročelje", "mestno jedro" and "središče", "kredit" and
//! "posojilo"); a search for one should find the others, a little below the word itself.
//!
//! Groups are written as ordinary words and stemmed once, so any inflected form of any member
//! finds the others. The shipped `handbook/synonyms.toml`'s groups, compiled in, are the
//! default; a handbook's own `synonyms.toml` (read in `handbook::synonyms`) replaces them and
//! may also pin measures to queries (best bets). Keep groups to words that name one thing, or
//! a thing and the name measures give its kind ("penzion", "nastanitev"): a loose group costs
//! precision in every search that touches it.

use crate::text::analysis;
use crate::text::stemmer;
use std::collections::HashMap;

/// The shipped handbook's `synonyms.toml`, compiled in: its groups are the default for a
/// handbook without a file of its own (its best bets name the shipped measures, and are not).
/// One text, so the default and what editors start from cannot drift apart, as two copies once
/// did.
const SHIPPED: &str = include_str!("../../handbook/synonyms.toml");

/// The part of `synonyms.toml` the default needs; `handbook::synonyms` reads and checks the
/// whole file, and a test holds that it reads the same groups from `SHIPPED`.
#[derive(serde::Deserialize)]
struct ShippedFile {
    #[serde(default)]
    group: Vec<ShippedGroup>,
}

#[derive(serde::Deserialize)]
struct ShippedGroup {
    words: Vec<String>,
}

/// The groups of `SHIPPED`; none if an editor's save broke the file (search then goes on
/// without synonyms, and `handbook check` says where the file is broken).
fn shipped_groups() -> Vec<Vec<String>> {
    toml::from_str::<ShippedFile>(SHIPPED)
        .map(|f| f.group.into_iter().map(|g| g.words).collect())
        .unwrap_or_default()
}

/// Word groups and best bets, as search uses them: the built-in groups (`SHIPPED`), or those
/// of the handbook's `synonyms.toml` when it has one (which also pins measures to queries).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Synonyms {
    /// stem → the stems of its synonyms.
    by_stem: HashMap<String, Vec<String>>,
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

    /// The built-in groups (the shipped handbook's), for a handbook without `synonyms.toml`.
    pub fn builtin() -> Synonyms {
        Synonyms::new(&shipped_groups(), Vec::new())
    }

    /// Groups of words that mean the same (each member written as a word, in any form) and
    /// best bets (a query as people type it, and the ids pinned to it).
    pub fn new(groups: &[Vec<String>], pins: Vec<(String, Vec<String>)>) -> Synonyms {
        let mut by_stem: HashMap<String, Vec<String>> = HashMap::new();
        for group in groups {
            let stems: Vec<String> = group.iter().flat_map(|w| stems_of(w)).collect();
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
            pins: by_query,
        }
    }

    /// The stems of the synonyms of a stem (not the stem itself).
    pub fn of(&self, stem: &str) -> &[String] {
        self.by_stem.get(stem).map_or(&[], Vec::as_slice)
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

    fn syn(word: &str) -> Vec<String> {
        Synonyms::builtin()
            .of(&stemmer::stem(&analysis::fold(word)))
            .to_vec()
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

    #[test]
    fn any_form_of_a_member_finds_the_others() {
        assert_eq!(syn("pročelij"), [stemmer::stem("fasada")]);
        assert!(syn("posojilom").contains(&stemmer::stem("kredit")));
        assert!(syn("sredisca").contains(&stemmer::stem("jedro")));
    }

    #[test]
    fn words_outside_the_groups_have_none() {
        assert!(syn("maribor").is_empty());
    }

    #[test]
    fn no_member_stems_to_another_groups_member() {
        let groups = shipped_groups();
        assert!(groups.len() > 20, "{} groups", groups.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, group) in groups.iter().enumerate() {
            for w in group {
                let s = stemmer::stem(&analysis::fold(w));
                if let Some(j) = seen.insert(s.clone(), i) {
                    assert_eq!(i, j, "{w} ({s}) is in two groups");
                }
            }
        }
    }
}
