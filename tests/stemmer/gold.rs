//! Pairwise scoring of the stemmer against the gold in `tests/stemmer/forms.tsv` (lemma, part of
//! speech, form; written by `scripts/stem_gold.py`). Two forms of one lemma should get one term
//! (recall); two forms of different lemmas should not (precision). Shared by the floor test
//! (`tests/stemmer.rs`) and the table (`examples/stem_gold.rs`).
//!
//! Lemmas fall in two halves, dev (for writing rules) and test (held out), by a hash of the
//! first four letters of the folded lemma: look-alikes that share a beginning (prijava,
//! prijaviti, prijavljati) land in one half, so each half also measures keeping them apart.
//! A form that two lemmas share (dela: delo and delati) is left out of the score; no stemmer
//! can tell such homographs apart without the sentence.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use handbook::text::analysis::fold;

/// One distinct folded form of one lemma.
#[derive(Debug, Clone)]
pub struct Form {
    /// Index of its lemma in `Gold::lemmas`.
    pub lemma: usize,
    pub folded: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Half {
    Dev,
    Test,
}

#[derive(Debug)]
pub struct Lemma {
    pub name: String,
    pub pos: String,
    pub half: Half,
}

#[derive(Debug)]
pub struct Gold {
    pub lemmas: Vec<Lemma>,
    pub forms: Vec<Form>,
    /// Folded forms written under more than one lemma, left out of `forms`.
    pub homographs: Vec<String>,
}

/// The half a lemma belongs to: FNV-1a of its first four folded letters, even → dev.
pub fn half_of(lemma: &str) -> Half {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in fold(lemma).chars().take(4).collect::<String>().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    if h.is_multiple_of(2) {
        Half::Dev
    } else {
        Half::Test
    }
}

pub fn load(text: &str) -> Gold {
    let mut lemmas: Vec<Lemma> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    let mut forms: Vec<Form> = Vec::new();
    let mut seen: HashSet<(usize, String)> = HashSet::new();
    let mut owners: HashMap<String, HashSet<usize>> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let [name, pos, form] = cols[..] else {
            panic!("line {}: want lemma, pos, form: {line:?}", n + 1);
        };
        assert!(
            matches!(pos, "noun" | "adjective" | "verb" | "adverb"),
            "line {}: part of speech {pos:?}",
            n + 1
        );
        let key = (name.to_string(), pos.to_string());
        let lemma = *index.entry(key).or_insert_with(|| {
            lemmas.push(Lemma {
                name: name.to_string(),
                pos: pos.to_string(),
                half: half_of(name),
            });
            lemmas.len() - 1
        });
        let folded = fold(form);
        owners.entry(folded.clone()).or_default().insert(lemma);
        if seen.insert((lemma, folded.clone())) {
            forms.push(Form { lemma, folded });
        }
    }
    let mut homographs: Vec<String> = owners
        .into_iter()
        .filter(|(_, l)| l.len() > 1)
        .map(|(f, _)| f)
        .collect();
    homographs.sort();
    forms.retain(|f| homographs.binary_search(&f.folded).is_err());
    Gold {
        lemmas,
        forms,
        homographs,
    }
}

/// Pair counts: both forms of one lemma and one term (hit), one term but two lemmas (false
/// join), one lemma but two terms (miss).
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub hit: u64,
    pub false_join: u64,
    pub miss: u64,
}

impl Counts {
    pub fn precision(self) -> f64 {
        ratio(self.hit, self.hit + self.false_join)
    }
    pub fn recall(self) -> f64 {
        ratio(self.hit, self.hit + self.miss)
    }
    pub fn f1(self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The rows of the table, by part of speech and "all".
pub const ROWS: &[&str] = &["noun", "adjective", "verb", "adverb", "all"];

/// The score of one half: a pair counts in the row of each part of speech it touches (a noun
/// joined with a verb is a false join for both) and in "all".
pub fn score(
    gold: &Gold,
    half: Half,
    stem: impl Fn(&str) -> String,
) -> BTreeMap<&'static str, Counts> {
    let forms: Vec<(&Form, String)> = gold
        .forms
        .iter()
        .filter(|f| gold.lemmas[f.lemma].half == half)
        .map(|f| (f, stem(&f.folded)))
        .collect();
    let mut out: BTreeMap<&'static str, Counts> =
        ROWS.iter().map(|r| (*r, Counts::default())).collect();
    for (i, (a, sa)) in forms.iter().enumerate() {
        for (b, sb) in &forms[i + 1..] {
            let same_lemma = a.lemma == b.lemma;
            let same_stem = sa == sb;
            if !same_lemma && !same_stem {
                continue;
            }
            let pa = gold.lemmas[a.lemma].pos.as_str();
            let pb = gold.lemmas[b.lemma].pos.as_str();
            for row in ROWS {
                if *row != "all" && *row != pa && *row != pb {
                    continue;
                }
                let c = out.get_mut(row).expect("every row is there");
                match (same_lemma, same_stem) {
                    (true, true) => c.hit += 1,
                    (false, true) => c.false_join += 1,
                    (true, false) => c.miss += 1,
                    (false, false) => {}
                }
            }
        }
    }
    out
}

/// The table of both halves, as printed by the example.
pub fn table(gold: &Gold, stem: impl Fn(&str) -> String + Copy) -> String {
    let mut s = String::new();
    writeln!(
        s,
        "| half | part of speech | lemmas | forms | precision | recall | F1 |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |"
    )
    .unwrap();
    for (half, name) in [(Half::Dev, "dev"), (Half::Test, "test")] {
        let figures = score(gold, half, stem);
        for row in ROWS {
            let lemmas = gold
                .lemmas
                .iter()
                .filter(|l| l.half == half && (*row == "all" || l.pos == *row))
                .count();
            let forms = gold
                .forms
                .iter()
                .filter(|f| {
                    let l = &gold.lemmas[f.lemma];
                    l.half == half && (*row == "all" || l.pos == *row)
                })
                .count();
            let c = figures[row];
            writeln!(
                s,
                "| {name} | {row} | {lemmas} | {forms} | {:.3} | {:.3} | {:.3} |",
                c.precision(),
                c.recall(),
                c.f1()
            )
            .unwrap();
        }
    }
    s
}

/// What went wrong in one half: the lemmas whose forms got more than one term (with the terms
/// and their forms) and the pairs of lemmas that share a term.
pub fn errors(gold: &Gold, half: Half, stem: impl Fn(&str) -> String) -> String {
    let mut by_lemma: BTreeMap<usize, BTreeMap<String, Vec<&str>>> = BTreeMap::new();
    let mut by_stem: BTreeMap<String, BTreeMap<usize, Vec<&str>>> = BTreeMap::new();
    for f in gold
        .forms
        .iter()
        .filter(|f| gold.lemmas[f.lemma].half == half)
    {
        let s = stem(&f.folded);
        by_lemma
            .entry(f.lemma)
            .or_default()
            .entry(s.clone())
            .or_default()
            .push(&f.folded);
        by_stem
            .entry(s)
            .or_default()
            .entry(f.lemma)
            .or_default()
            .push(&f.folded);
    }
    let mut out = String::new();
    for (lemma, stems) in by_lemma.iter().filter(|(_, s)| s.len() > 1) {
        let l = &gold.lemmas[*lemma];
        let parts: Vec<String> = stems
            .iter()
            .map(|(s, f)| format!("{s}: {}", f.join(" ")))
            .collect();
        writeln!(out, "split {} ({}): {}", l.name, l.pos, parts.join(" | ")).unwrap();
    }
    for (s, lemmas) in by_stem.iter().filter(|(_, l)| l.len() > 1) {
        let parts: Vec<String> = lemmas
            .iter()
            .map(|(l, f)| format!("{} ({})", gold.lemmas[*l].name, f.join(" ")))
            .collect();
        writeln!(out, "joined {s}: {}", parts.join(" ~ ")).unwrap();
    }
    out
}
