//! Words that mean the same thing in this handbook's field. Editors and entrepreneurs name one
//! thing in several ways ("fasada" and "pročelje", "mestno jedro" and "središče", "kredit" and
//! "posojilo"); a search for one should find the others, a little below the word itself.
//!
//! Groups are written as ordinary words and stemmed once, so any inflected form of any member
//! finds the others. Keep groups to true equivalents in the context of town-centre measures:
//! a loose group costs precision in every search that touches it.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::analysis;
use crate::text::stemmer;

const GROUPS: &[&[&str]] = &[
    &["fasada", "pročelje"],
    &["kredit", "posojilo", "mikrokredit"],
    &["središče", "center", "jedro"],
    &[
        "subvencija",
        "subvencioniranje",
        "sofinanciranje",
        "sofinancirati",
    ],
    &["najem", "najemnina", "najemnik"],
    &["lokal", "prostor"],
    &["gostinec", "gostinstvo", "gostinski", "gostilna"],
    &["trgovina", "trgovec", "trgovski", "prodajalna"],
    &["digitalizacija", "digitalni"],
    &["zaposlitev", "zaposlovanje", "zaposliti"],
    &["samozaposlitev", "samozaposleni"],
    &["inkubator", "inkubiran", "inkubacija"],
    &["dediščina", "spomenik"],
    &["obrt", "obrtnik", "obrtni"],
    &["promocija", "oglaševanje", "trženje", "marketing"],
    &["usposabljanje", "izobraževanje", "delavnica"],
    &["svetovanje", "mentorstvo"],
    &["taksa", "pristojbina"],
    &["vavčer", "bon"],
    &["zagon", "zagonski", "startup"],
    &["podjetje", "družba", "firma"],
    &["odprtje", "odpiranje", "odpreti"],
    &["prazen", "nezaseden", "neizkoriščen"],
    &["garancija", "poroštvo"],
    &["epidemija", "covid", "koronavirus"],
];

/// stem → the stems of its synonyms.
static BY_STEM: LazyLock<HashMap<String, Vec<String>>> = LazyLock::new(|| {
    let mut map: HashMap<String, Vec<String>> = HashMap::new();
    for group in GROUPS {
        let stems: Vec<String> = group
            .iter()
            .map(|w| stemmer::stem(&analysis::fold(w)))
            .collect();
        for s in &stems {
            let others = map.entry(s.clone()).or_default();
            for o in &stems {
                if o != s && !others.contains(o) {
                    others.push(o.clone());
                }
            }
        }
    }
    map
});

/// The stems of the synonyms of a stem (not the stem itself).
pub fn of(stem: &str) -> &'static [String] {
    BY_STEM.get(stem).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syn(word: &str) -> Vec<String> {
        of(&stemmer::stem(&analysis::fold(word))).to_vec()
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
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, group) in GROUPS.iter().enumerate() {
            for w in *group {
                let s = stemmer::stem(&analysis::fold(w));
                if let Some(j) = seen.insert(s.clone(), i) {
                    assert_eq!(i, j, "{w} ({s}) is in two groups");
                }
            }
        }
    }
}
