//! From what a person typed to a Tantivy query, and to the rules for marking matched words.
//!
//! Each word (or "quoted phrase") becomes a clause that matches, best first:
//! the exact word (folded, so "sredisce" is exact for "središče") → another form of it (same
//! stem) → a synonym (`synonyms`) → for a verb or a word the index does not know, the words of
//! its family (`FAMILY`) and the synonyms of a member of its family (`FAMILY_SYNONYM`) → for a
//! word the index does not know at all, the words it
//! may become while it is being typed (the last word: "podjetn" → podjetnik) or else a typo:
//! the word of the handbook it was meant as (one edit from 5 letters, two from 9, from the
//! word as typed or from its stem, fewest edits then most entries first), matched as if typed
//! with all its forms, synonyms and kin, a little below (`MEANT`); in the first
//! `MAX_TYPO_WORDS` words that need one, as typos are the dearest part of a search. A word the
//! text lacks whose stem lost more than any ending (`SLIP_CUT`) may be a slip that happens to
//! stem like another word ("popalve" → "pop"), so it is looked up as typed too; and one whose
//! family the text has may owe that family to the slip ("investicie": only "investicijski"
//! goes on from its stem), so a form of the text one slip from it, with the same first letter
//! and of another family, is searched beside its kin. A slip whose word meant is filler
//! ("pgoji", "lahok") is filler, and is left out as filler is (`compile_with`).
//!
//! Scores are built so that ranking reads as a list of rules:
//! 1. more of the query's words matched ranks higher: every matched clause adds `COORDINATION`,
//!    far above any text score, so the number of matched clauses is `score / COORDINATION`;
//! 2. then where and how well they matched: BM25 per field, weighted by `FIELD_BOOSTS` and by
//!    how exact the match was (`EXACT`, `STEMMED`, `PREFIX`, `MEANT`);
//! 3. then closeness: words near each other in the title or summary get `PROXIMITY`.
//!
//! A question of `QUESTION_CLAUSES` words or more is different: a person writing a sentence
//! uses many words the right measure does not, so no word is required and each matched one
//! adds only `QUESTION_COORDINATION`, about what a good text match scores; and a word most
//! entries have counts less, all of it (`common_weight`), as does a verb (`verb_weight`). How
//! well the rare nouns match then decides, not how many of the common words.

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur,
    PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{Score, Searcher, Term};

use crate::index::schema::{Fields, Text};
use crate::search::bonus::Plus;
use crate::search::request::MAX_TYPO_WORDS;
use crate::search::statistics::Statistics;
use crate::text::analysis;
use crate::text::family;
use crate::text::stemmer;
use crate::text::stopwords;
use crate::text::synonyms::Synonyms;

/// Added once per matched clause. BM25 scores of a handbook entry stay far below this.
pub const COORDINATION: Score = 1000.0;
/// From this many clauses on, the words are a question rather than keywords.
pub const QUESTION_CLAUSES: usize = 4;
/// From this many on, where the text asks (`asks`): "obrtnik sem, ali mi kdo plača seminar"
/// has three words that count, and is a question all the same.
pub const ASKED_CLAUSES: usize = 3;
/// What a matched clause adds in a question: about what one word matched in a title scores,
/// so that matching one more word counts, but less than matching a rare word well.
const QUESTION_COORDINATION: Score = 10.0;
/// In a question, a word in at most this share of entries counts in full; a more common one
/// counts as its inverse document frequency compares with a word of this share's, but at
/// least `LEAST_WEIGHT`.
pub(super) const COMMON_SHARE: f64 = 0.1;
const LEAST_WEIGHT: f64 = 0.3;
/// In a question, a verb counts this much of a word of its commonness (`verb_weight`).
const QUESTION_VERB: Score = 0.6;

/// How strongly a match in each part counts. The title names the measure, so a match there is
/// the best evidence; the summary is the editor's own précis; facet labels ("Subvencija
/// najemnine", "Koper/Capodistria") and the editors' keywords say what the measure is and
/// where, but are shared by many entries; the body is long, and provider and legal basis are
/// formulaic.
const FIELD_BOOSTS: [(Text, Score); 7] = [
    (Text::Title, 3.0),
    (Text::Summary, 1.5),
    // An entry's English title and summary, for people who search in English.
    (Text::English, 2.0),
    (Text::Tags, 1.2),
    (Text::Body, 0.8),
    (Text::Provider, 0.8),
    (Text::Legal, 0.5),
];

/// The word as typed (folded) counts on top of the stemmed match, so it ranks first; not by
/// so much that the exact form of a common word outweighs another form of a rare one.
const EXACT: Score = 0.5;
const STEMMED: Score = 1.0;
/// A synonym ("pročelje" for "fasada") counts a little less than the word itself.
const SYNONYM: Score = 0.6;
/// A synonym of a word of the same family ("sofinanciranje" for "subvencionirajo", kin to
/// "subvencioniranje"): the two steps' weights together.
const FAMILY_SYNONYM: Score = 0.3;
/// A completion of a word being typed, scored like the word it may become, but less.
const PREFIX: Score = 0.7;
/// Another word of the same family ("ustanovitev" for "ustanavljam"), tried only for a word
/// the handbook has in no form and for a verb or its participle: below a synonym, above a typo.
const FAMILY: Score = 0.5;
/// Most words of a family a word is looked up with.
const MAX_FAMILY: usize = 8;
/// The fields whose words families are drawn from: where people read.
const FAMILY_FIELDS: [Text; 4] = [Text::Title, Text::Summary, Text::Tags, Text::Body];
/// A word typed with a slip, matched as the word of the handbook meant (`meant`): scored as
/// that word is, by how well each measure matches it (Tantivy's fuzzy queries give every
/// match one constant score, so the slip said nothing about which measure is about the word).
const MEANT: Score = 0.7;
/// The same for a word two edits away.
const MEANT_FAR: Score = 0.4;
/// Letters cut from a word beyond which its stem is taken for a guess: one more than the
/// longest ending (-ega, -ami, -oma).
const SLIP_CUT: usize = 4;
/// The fields searched for typos.
const TYPO_FIELDS: [Text; 4] = [Text::Title, Text::Summary, Text::Tags, Text::Body];
/// How much the other fields add to a word's best field.
const TIE_BREAKER: Score = 0.2;
/// A phrase typed in quotes that matches as written.
const PHRASE: Score = 2.0;
/// Query words within a few positions of each other in the title, summary or labels.
const PROXIMITY: Score = 1.0;
const PROXIMITY_SLOP: u32 = 3;

/// Prefix matching starts at this many letters: fewer would match half the dictionary.
const MIN_PREFIX: usize = 2;
/// Most completions of a word being typed, and most dictionary words looked at to find them.
const MAX_COMPLETIONS: usize = 32;
const MAX_SCANNED: usize = 2000;

/// One part of the query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Clause {
    /// A word; `open` when it is the last one and the person may still be typing it.
    Word {
        folded: String,
        stem: String,
        open: bool,
    },
    /// Words in quotes, matched in order; a single quoted word matches only exactly.
    Phrase {
        folded: Vec<String>,
        stems: Vec<String>,
    },
}

impl Clause {
    /// How many words the clause looks up: one, or each word of a phrase.
    pub fn words(&self) -> usize {
        match self {
            Clause::Word { .. } => 1,
            Clause::Phrase { folded, .. } => folded.len(),
        }
    }

    /// Bytes the clause holds on the heap, for caches that count what they keep.
    pub fn heap_bytes(&self) -> usize {
        let strings = |v: &Vec<String>| {
            v.capacity() * std::mem::size_of::<String>()
                + v.iter().map(String::capacity).sum::<usize>()
        };
        match self {
            Clause::Word { folded, stem, .. } => folded.capacity() + stem.capacity(),
            Clause::Phrase { folded, stems } => strings(folded) + strings(stems),
        }
    }
}

/// Splits the query into words and "quoted phrases". An unbalanced quote is ignored, and every
/// other character is plain text: there is no query syntax to get wrong. Stop words are
/// dropped unless nothing else is left.
pub fn parse(text: &str) -> Vec<Clause> {
    let quotes = text.matches('"').count();
    let usable = quotes - quotes % 2;
    let (mut seen, mut in_phrase) = (0, false);
    let mut clauses = Vec::new();
    let mut stop_only = Vec::new();
    let mut buf = String::new();
    let flush =
        |buf: &mut String, phrase: bool, clauses: &mut Vec<Clause>, stop_only: &mut Vec<Clause>| {
            let words = analysis::analyze(buf);
            buf.clear();
            if phrase {
                if !words.is_empty() {
                    clauses.push(Clause::Phrase {
                        folded: words.iter().map(|w| w.folded.clone()).collect(),
                        stems: words.iter().map(|w| w.stem.clone()).collect(),
                    });
                }
                return;
            }
            for w in words {
                let clause = Clause::Word {
                    folded: w.folded,
                    stem: w.stem,
                    open: false,
                };
                if w.stop {
                    stop_only.push(clause)
                } else {
                    clauses.push(clause)
                }
            }
        };
    for ch in text.chars() {
        if ch == '"' && seen < usable {
            seen += 1;
            flush(&mut buf, in_phrase, &mut clauses, &mut stop_only);
            in_phrase = !in_phrase;
        } else {
            buf.push(if ch == '"' { ' ' } else { ch });
        }
    }
    flush(&mut buf, in_phrase, &mut clauses, &mut stop_only);
    let mut clauses = if clauses.is_empty() {
        stop_only
    } else {
        clauses
    };
    // The last word is still being typed unless the text ends with a space or a quote.
    let typing = text.chars().last().is_some_and(|c| c.is_alphanumeric());
    if typing && let Some(Clause::Word { open, .. }) = clauses.last_mut() {
        *open = true;
    }
    clauses
}

/// `clauses` with each word once: a word said twice, or two forms of one ("veliko", "večji"),
/// counted twice would outweigh the words said once. Applied after the place words are taken
/// out, as `places::find` numbers the words as `parse` makes them.
pub fn distinct(mut clauses: Vec<Clause>) -> Vec<Clause> {
    let mut stems = HashSet::new();
    clauses.retain(|c| match c {
        Clause::Word { stem, .. } => stems.insert(stem.clone()),
        Clause::Phrase { .. } => true,
    });
    clauses
}

/// How many words a search of `text` looks up, as `parse` makes them: stop words are dropped
/// unless nothing else is left, and each word of a phrase counts. What
/// `request::MAX_QUERY_WORDS` limits.
pub fn word_count(text: &str) -> usize {
    parse(text).iter().map(Clause::words).sum()
}

/// Decides which words of a text to mark as matches, the same way the query matched them.
#[derive(Debug, Clone, Default)]
pub struct Highlighter {
    /// Hashed with foldhash: every word of every passage shown is looked up here.
    exact: foldhash::HashSet<String>,
    stems: foldhash::HashSet<String>,
    prefixes: Vec<String>,
    /// Stems looked up with a typo, and how many edits each may have.
    typos: Vec<(String, usize)>,
    /// The same words as typed (folded), for the text's words one slip from them.
    typed: Vec<(String, usize)>,
}

impl Highlighter {
    /// Bytes the highlighter holds on the heap, about (a hash set's table is counted at its
    /// capacity, one word per slot), for caches that count what they keep.
    pub fn heap_bytes(&self) -> usize {
        let word = std::mem::size_of::<String>();
        let set = |s: &foldhash::HashSet<String>| {
            s.capacity() * (word + 1) + s.iter().map(String::capacity).sum::<usize>()
        };
        set(&self.exact)
            + set(&self.stems)
            + self.prefixes.capacity() * word
            + self.prefixes.iter().map(String::capacity).sum::<usize>()
            + (self.typos.capacity() + self.typed.capacity())
                * std::mem::size_of::<(String, usize)>()
            + self
                .typos
                .iter()
                .chain(&self.typed)
                .map(|(t, _)| t.capacity())
                .sum::<usize>()
    }

    /// Does this word (folded) match the query?
    pub fn matches(&self, folded: &str) -> bool {
        if self.exact.contains(folded)
            || self.prefixes.iter().any(|p| folded.starts_with(p.as_str()))
        {
            return true;
        }
        // Without stemming (the plain baseline of the benchmarks) there is nothing to stem for.
        if self.stems.is_empty() && self.typos.is_empty() && self.typed.is_empty() {
            return false;
        }
        // The distance Tantivy's fuzzy query counts (`within`).
        let near = |word: &str, of: &[(String, usize)]| of.iter().any(|(t, d)| within(t, word, *d));
        stemmer::with_stem(folded, |stem| {
            self.stems.contains(stem) || near(stem, &self.typos)
        }) || near(folded, &self.typed)
    }

    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
            && self.stems.is_empty()
            && self.prefixes.is_empty()
            && self.typos.is_empty()
            && self.typed.is_empty()
    }
}

/// Are `a` and `b` at most `edits` apart, a swap of neighbours counting as one edit (optimal
/// string alignment, as Tantivy's fuzzy query counts)? Every word of every snippet, and of
/// every search against every place name, may be asked, so most pairs are told apart by their
/// lengths alone, and folded words (ASCII, short) are compared on the stack, row by row,
/// stopping as soon as a row has no cell within `edits`; other words go to `strsim`.
pub(super) fn within(a: &str, b: &str, edits: usize) -> bool {
    const MAX: usize = 32;
    if !a.is_ascii() || !b.is_ascii() || a.len() >= MAX || b.len() >= MAX {
        return a.chars().count().abs_diff(b.chars().count()) <= edits
            && strsim::osa_distance(a, b) <= edits;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > edits {
        return false;
    }
    // Rows i-2, i-1 and i of the distance table between a[..i] and b[..j].
    let mut before = [0usize; MAX + 1];
    let mut last: [usize; MAX + 1] = std::array::from_fn(|j| j);
    let mut row = [0usize; MAX + 1];
    for i in 1..=a.len() {
        row[0] = i;
        let mut best = row[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (last[j] + 1).min(row[j - 1] + 1).min(last[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            row[j] = d;
            best = best.min(d);
        }
        if best > edits {
            return false;
        }
        before = last;
        last = row;
    }
    last[b.len()] <= edits
}

/// Which of the matching rules a query uses. Everything is on in the product; `PLAIN` (exact
/// folded words and BM25 only) is the baseline the benchmarks compare the full search with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Features {
    pub stemming: bool,
    pub synonyms: bool,
    pub families: bool,
    pub typos: bool,
    pub completions: bool,
    pub proximity: bool,
    /// A question's matches of the types its words point to score more (`topics`).
    pub topics: bool,
}

impl Features {
    pub const ALL: Features = Features {
        stemming: true,
        synonyms: true,
        families: true,
        typos: true,
        completions: true,
        proximity: true,
        topics: true,
    };
    pub const PLAIN: Features = Features {
        stemming: false,
        synonyms: false,
        families: false,
        typos: false,
        completions: false,
        proximity: false,
        topics: false,
    };
}

/// Are these clauses a question, whose matches need no word in particular and count matched
/// words softly? `QUESTION_CLAUSES` or more, or `ASKED_CLAUSES` or more of a text that `asks`.
pub fn is_question(clauses: &[Clause], asks: bool) -> bool {
    is_question_of(clauses.len(), asks)
}

/// `is_question` of so many clauses.
fn is_question_of(clauses: usize, asks: bool) -> bool {
    clauses >= QUESTION_CLAUSES || (asks && clauses >= ASKED_CLAUSES)
}

/// Does the text ask, with a question word ("kje", "ali", "katere"; `stopwords::INTERROGATIVES`),
/// a leading "a", or a question mark?
pub fn asks(text: &str) -> bool {
    if text.contains('?') {
        return true;
    }
    // Folded words only: no lemma or stem is needed to tell a question word, and every
    // search passes through here.
    let mut first = true;
    let mut asking = false;
    analysis::words(&analysis::normalize(text), |_, folded| {
        asking = (first && folded == "a") || stopwords::INTERROGATIVES.contains(&folded);
        first = false;
        !asking
    });
    asking
}

/// A query ready to run.
pub struct Compiled {
    pub query: Box<dyn Query>,
    /// How many clauses a document's score counts: it matched `score / COORDINATION` of them.
    /// All of them, or none for a question, whose matched words only add to its score.
    pub counted: usize,
    /// Whether the words were read as a question: as asked, unless filler mistyped left
    /// too few words that count.
    pub question: bool,
    pub highlighter: Highlighter,
}

/// How many edits a word of this many letters may have and still match.
fn typo_distance(letters: usize) -> Option<u8> {
    match letters {
        0..=4 => None,
        5..=8 => Some(1),
        _ => Some(2),
    }
}

/// Does the handbook have this word in no form: neither as written (`folded`) nor its `stem`?
pub(super) fn unknown(stats: &Statistics, fields: &Fields, folded: &str, stem: &str) -> bool {
    !known(stats, FIELD_BOOSTS.map(|(t, _)| fields.exact(t)), folded)
        && !known(stats, FIELD_BOOSTS.map(|(t, _)| fields.stemmed(t)), stem)
}

fn known(stats: &Statistics, fields: impl IntoIterator<Item = Field>, text: &str) -> bool {
    fields
        .into_iter()
        .any(|f| stats.doc_freq(&Term::from_field_text(f, text)) > 0)
}

/// The groups of `synonyms` as a search over `searcher` uses them: only the synonyms some
/// field a word is searched in has (`Synonyms::keeping`).
pub(super) fn searched_synonyms(
    searcher: &Searcher,
    fields: &Fields,
    synonyms: &Synonyms,
) -> Synonyms {
    let stemmed = FIELD_BOOSTS
        .iter()
        .filter(|(t, _)| *t != Text::English)
        .map(|(t, _)| fields.stemmed(*t))
        .collect::<Vec<_>>();
    let stats = Statistics::new(searcher, None);
    synonyms.keeping(|stem| known(&stats, stemmed.iter().copied(), stem))
}

/// The words of `fields` that start with `prefix`, the most frequent first, at most
/// `MAX_COMPLETIONS`: what a word being typed may become.
fn completions(stats: &Statistics, fields: [Field; 7], prefix: &str) -> Vec<String> {
    let searcher = stats.searcher();
    let mut found: Vec<String> = Vec::new();
    for field in fields {
        for segment in searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = index.terms().range().ge(prefix.as_bytes()).into_stream() else {
                continue;
            };
            let mut scanned = 0;
            while scanned < MAX_SCANNED && stream.advance() {
                scanned += 1;
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !word.starts_with(prefix) {
                    break;
                }
                if !found.iter().any(|f| f == word) {
                    found.push(word.to_string());
                }
            }
        }
    }
    let frequency = |w: &str| -> u64 {
        fields
            .iter()
            .map(|f| stats.doc_freq(&Term::from_field_text(*f, w)))
            .sum()
    };
    let mut ranked: Vec<(u64, String)> = found.into_iter().map(|w| (frequency(&w), w)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    ranked
        .into_iter()
        .take(MAX_COMPLETIONS)
        .map(|(_, w)| w)
        .collect()
}

fn term_query(field: Field, text: &str, boost: Score) -> (Occur, Box<dyn Query>) {
    // Frequencies, not positions: phrase and proximity queries carry their own.
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

fn phrase_query(
    field: Field,
    words: &[String],
    slop: u32,
    boost: Score,
) -> (Occur, Box<dyn Query>) {
    let mut q = PhraseQuery::new(
        words
            .iter()
            .map(|w| Term::from_field_text(field, w))
            .collect(),
    );
    q.set_slop(slop);
    (Occur::Should, Box::new(BoostQuery::new(Box::new(q), boost)))
}

/// Builds the query for `clauses` against the index behind `searcher`, as a `question`
/// (`is_question`) or as keywords.
/// `name_entries` says, for a word of a municipality's name of more than one word ("nov" of
/// Novo mesto), how many entries apply there (0 for any other word).
pub fn compile(
    clauses: &[Clause],
    question: bool,
    searcher: &Searcher,
    fields: &Fields,
    features: Features,
    synonyms: &Synonyms,
    name_entries: impl Fn(&str) -> u32,
) -> Compiled {
    let stats = Statistics::new(searcher, None);
    compile_with(
        clauses,
        question,
        // A question as given asks, for all this can tell.
        question,
        &stats,
        fields,
        features,
        synonyms,
        name_entries,
    )
}

/// `compile`, reading the index's statistics through `stats`, which the search then scores
/// the query with, so that each term's count is read once; and whether the text `asks`
/// (`asks`), which with the words left once filler typed with a slip is left out decides
/// whether a `question` stays one.
#[allow(clippy::too_many_arguments)]
pub(super) fn compile_with(
    clauses: &[Clause],
    question: bool,
    asks: bool,
    stats: &Statistics,
    fields: &Fields,
    features: Features,
    synonyms: &Synonyms,
    name_entries: impl Fn(&str) -> u32,
) -> Compiled {
    let mut hl = Highlighter::default();
    let mut top: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // Typos are looked for in the first words that need them, up to the budget.
    let mut typos_left = MAX_TYPO_WORDS;
    // Each clause's queries, the word a slip of it meant, and whether it is filler mistyped.
    let mut each = Vec::with_capacity(clauses.len());
    for clause in clauses {
        let (parts, meant, filler) = match clause {
            Clause::Word { folded, stem, open } => {
                let typos = features.typos && typos_left > 0;
                let parts = word(
                    folded, stem, *open, stats, fields, typos, features, synonyms, &mut hl,
                );
                if parts.typo {
                    typos_left -= 1;
                }
                (parts.queries, parts.meant, parts.filler)
            }
            Clause::Phrase { folded, stems } => {
                (phrase(folded, stems, fields, &mut hl), None, false)
            }
        };
        each.push((clause, parts, meant, filler));
    }
    // Filler mistyped is left out as filler is (`analysis`), unless nothing else is left; and
    // the words left decide whether the text is a question, as they would typed right.
    let dropped = each.iter().filter(|e| e.3).count();
    let dropped = if dropped == clauses.len() { 0 } else { dropped };
    let question = question && (dropped == 0 || is_question_of(clauses.len() - dropped, asks));
    let coordination = if question {
        QUESTION_COORDINATION
    } else {
        COORDINATION
    };
    // The clauses that count, for the rules over several words (nearness, pins).
    let mut kept: Vec<Clause> = Vec::new();
    for (clause, parts, meant, filler) in each {
        if filler && dropped > 0 {
            continue;
        }
        if dropped > 0 {
            kept.push(clause.clone());
        }
        let matched: Box<dyn Query> = Box::new(BooleanQuery::new(parts));
        let mut counted: Box<dyn Query> = Box::new(Plus::new(matched, coordination));
        if question && let Clause::Word { stem, .. } = clause {
            let stem = meant.as_deref().unwrap_or(stem);
            counted = Box::new(BoostQuery::new(
                counted,
                question_weight(stats, fields, stem, name_entries(stem)),
            ));
        }
        top.push((Occur::Should, counted));
    }
    let counting = if dropped > 0 { &kept[..] } else { clauses };
    top.extend(proximity(counting, fields, features));
    top.extend(pins(counting, synonyms, fields));
    Compiled {
        query: Box::new(BooleanQuery::new(top)),
        counted: if question { 0 } else { clauses.len() - dropped },
        question,
        highlighter: hl,
    }
}

/// How much a word of a question counts: as common as it is (`common_weight`), for being a
/// verb (`verb_weight`), and for being part of a place's name (`name_weight`).
fn question_weight(stats: &Statistics, fields: &Fields, stem: &str, name_entries: u32) -> Score {
    let entries = stats.searcher().num_docs().max(1) as f64;
    let df = FIELD_BOOSTS
        .iter()
        .filter(|(t, _)| *t != Text::English)
        .map(|(t, _)| stats.doc_freq(&Term::from_field_text(fields.stemmed(*t), stem)))
        .max()
        .unwrap_or(0) as f64;
    let weight = common_weight(entries, df) * name_weight(df, f64::from(name_entries));
    weight as Score * verb_weight(stem)
}

/// How much a word counts for how many entries have it (`df`, in the field that has it most):
/// 1 for a word at most `COMMON_SHARE` of them have, less for a more common one ("podjetje",
/// "občina"), down to `LEAST_WEIGHT`. BM25 weighs a word by how rare it is in each field
/// alone, so a common word that few titles have would otherwise count as rare.
fn common_weight(entries: f64, df: f64) -> f64 {
    // BM25's inverse document frequency, as Tantivy computes it.
    let idf = |df: f64| (1.0 + (entries - df + 0.5) / (df + 0.5)).ln();
    (idf(df) / idf(COMMON_SHARE * entries)).clamp(LEAST_WEIGHT, 1.0)
}

/// How much a word of a place's name counts when the question does not name the place ("nove
/// stroje", not "v Novem mestu"; a place named is no clause): the share of the entries that
/// have the word that are not of that place, as those mostly have it in the name, where it
/// means something else; at least `LEAST_WEIGHT`. ("Središče", a word of "Središče ob
/// Dravi", keeps its weight: few of the many entries that have it are of that place.)
fn name_weight(df: f64, name_entries: f64) -> f64 {
    if df <= 0.0 {
        return 1.0;
    }
    (1.0 - name_entries / df).clamp(LEAST_WEIGHT, 1.0)
}

/// How much a word of a question counts for being a verb: `QUESTION_VERB` for a verb, 1 for
/// any other word. Measures are written in nouns ("ustanovitev", "ureditev", "povračilo"); a
/// question's verb ("ustanovim", "uredili", "povrne") finds them through its family, while the
/// verb itself matches mostly in passing ("je občina uredila"), where it says little about
/// what the measure is.
fn verb_weight(stem: &str) -> Score {
    if crate::text::lemma::is_infinitive(stem) {
        QUESTION_VERB
    } else {
        1.0
    }
}

/// The queries of one word, whether it is looked up with typos, and the word of the handbook
/// it was meant as, if one was found (`meant`): how common that word is is how much it counts.
struct WordParts {
    queries: Vec<(Occur, Box<dyn Query>)>,
    typo: bool,
    meant: Option<String>,
    /// The word is filler mistyped: its clause is left out, as filler is.
    filler: bool,
}

/// The ways one word may match, in every field: exactly, as another form, as a synonym, as a
/// completion of a word being typed, and, when the index does not know it and `typos` allows,
/// with a typo.
#[allow(clippy::too_many_arguments)]
fn word(
    folded: &str,
    stem: &str,
    open: bool,
    stats: &Statistics,
    fields: &Fields,
    typos: bool,
    features: Features,
    synonyms: &Synonyms,
    hl: &mut Highlighter,
) -> WordParts {
    let searcher = stats.searcher();
    hl.exact.insert(folded.to_string());
    if features.stemming {
        hl.stems.insert(stem.to_string());
    }
    // Kept for the word a slip meant (`meant`): below, `synonyms` are this word's.
    let groups = synonyms;
    let own = if features.synonyms {
        synonyms.of(stem)
    } else {
        &[]
    };
    let exact_known = known(stats, FIELD_BOOSTS.map(|(t, _)| fields.exact(t)), folded);
    let is_known = exact_known || known(stats, FIELD_BOOSTS.map(|(t, _)| fields.stemmed(t)), stem);
    let letters = folded.chars().count();
    // A word being typed may be complete already ("najemn" is a stem too), so it is
    // completed whether or not the index knows it.
    let completions = if features.completions && open && letters >= MIN_PREFIX {
        completions(stats, FIELD_BOOSTS.map(|(t, _)| fields.exact(t)), folded)
    } else {
        Vec::new()
    };
    if !completions.is_empty() {
        hl.prefixes.push(folded.to_string());
    }
    // A word the handbook has in no form may still have kin in it: the last resort before a
    // typo. A verb has its family added anyway, as a question's verb often names what the
    // measure calls by its noun ("kje se prijavim": prijava), and since its term is the
    // infinitive, no noun matches it otherwise; so has a participle, the adjective made from
    // a verb, for the same reason ("znižane najemnine": znižanje najemnin).
    // The lemma is made only where it decides: with families on, for a known word that is
    // not a verb's infinitive.
    let of_a_verb = || {
        crate::text::lemma::is_infinitive(stem)
            || crate::text::lemma::is_passive_participle(&crate::text::lemma::lemma(folded))
    };
    let kin_wanted =
        features.families && own.is_empty() && completions.is_empty() && (!is_known || of_a_verb());
    // Such a word, kin to a word a group names, means what the group means: "subvencionirajo"
    // finds "sofinanciranje" as "subvencioniranje" does. Its own kin it finds as kin, below.
    let by_family = if kin_wanted && features.synonyms {
        synonyms.of_family(stem)
    } else {
        &[]
    };
    let (synonyms, synonym_weight) = if by_family.is_empty() {
        (own, SYNONYM)
    } else {
        (by_family, FAMILY_SYNONYM)
    };
    hl.stems.extend(synonyms.iter().cloned());
    let kin = if kin_wanted {
        kin(searcher, fields, stem)
    } else {
        Vec::new()
    };
    hl.stems.extend(kin.iter().cloned());
    // Per field: the word exactly, another form, a synonym, a completion. Across fields the
    // best one counts, plus a little of the rest (`TIE_BREAKER`), so a common word repeated in
    // title, summary and labels cannot outweigh a rarer one.
    let per_field: Vec<Box<dyn Query>> = FIELD_BOOSTS
        .iter()
        .map(|&(t, boost)| {
            let mut alternatives = alternatives(
                t,
                folded,
                stem,
                (synonyms, synonym_weight),
                &completions,
                fields,
                features,
            );
            if t != Text::English {
                alternatives.extend(kin.iter().map(|k| term_query(fields.stemmed(t), k, FAMILY)));
            }
            Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(alternatives)),
                boost,
            )) as Box<dyn Query>
        })
        .collect();
    let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(
        Occur::Should,
        Box::new(DisjunctionMaxQuery::with_tie_breaker(
            per_field,
            TIE_BREAKER,
        )),
    )];
    // A word the handbook has in no form, and with no synonym to go by, may be a typo; if it
    // has kin, only where a form the handbook writes is one slip from it (`near`, below).
    let unknown_word = typos && !is_known && completions.is_empty() && synonyms.is_empty();
    // A slip can also make a form the text does not have of another word the text does have
    // ("popalve", meant as "poplave", goes to "pop"): where the analysers cut more letters
    // from a word the text does not have than any ending has (`SLIP_CUT`), they guessed, and
    // the word is looked up as typed too, beside its stem's matches. Not every unseen form:
    // each costs four walks of a dictionary, and most are another case of a known word.
    let slip = typos
        && !exact_known
        && is_known
        && completions.is_empty()
        && letters >= stem.chars().count() + SLIP_CUT;
    let mut typo = false;
    let mut meant_stem = None;
    let mut filler = false;
    if (unknown_word || slip)
        && let Some(d) = typo_distance(letters)
    {
        // Looked up with typos, whatever is found: the budget bounds the walks.
        typo = true;
        // Kin of a word the handbook does not have can be an accident of the slip: the key of
        // "investicie" (meant as "investicije") is that stem itself, and what starts with it
        // is the adjective "investicijski" alone. A written form one slip from the word is the
        // likelier reading, and is searched beside the kin; a word further from any is left
        // to its kin ("ustanavljam": ustanovitev).
        let kin_first = unknown_word && !kin.is_empty();
        let found = meant(searcher, fields, folded, stem, d, unknown_word).filter(|m| {
            !kin_first
                || (m.near
                    && !kin.contains(&m.stem)
                    && m.folded.chars().next() == folded.chars().next())
        });
        // With kin and no such slip, the word is its kin alone. Filler mistyped is left out
        // where other words are (`compile_with`); searched alone, it is the filler meant,
        // which as filler is not marked in passages.
        if !(kin_first && found.is_none()) {
            filler = found.as_ref().is_some_and(|m| m.filler);
            let mut unmarked = Highlighter::default();
            if let Some(meant) = found {
                // The word as meant, matched as if typed (its forms, synonyms and kin, scored
                // as such), a little below the word as typed would be.
                let inner = word(
                    &meant.folded,
                    &meant.stem,
                    false,
                    stats,
                    fields,
                    false,
                    features,
                    groups,
                    if filler { &mut unmarked } else { hl },
                );
                parts.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(BooleanQuery::new(inner.queries)),
                        meant.weight,
                    )),
                ));
                // A slip's stem is a word of the handbook: it counts as itself.
                if unknown_word {
                    meant_stem = Some(meant.stem);
                }
            }
            if !filler {
                if unknown_word {
                    hl.typos.push((stem.to_string(), usize::from(d)));
                }
                hl.typed.push((folded.to_string(), usize::from(d)));
            }
        }
    }
    WordParts {
        queries: parts,
        typo,
        meant: meant_stem,
        filler,
    }
}

/// The word a person meant who typed `folded` (stem `stem`), which the handbook has in no form
/// or only as a slip's stem: the word of the handbook `d` edits from it or fewer (from the word
/// as typed, or for a `by_stem` lookup from its stem too), fewest edits first, then the one the
/// most entries have. Looked for where people read, not in provider names and legal
/// citations: each field costs a walk of a dictionary. From the stem too, as the lemma model
/// guesses a lemma for a word it does not know, and for a misspelt one the guess can move the
/// stem further from the meant word's than the slip did ("posoila" → posoiti, not posoj),
/// while the word as typed is one slip from a form in the text ("posojila").
fn meant(
    searcher: &Searcher,
    fields: &Fields,
    folded: &str,
    stem: &str,
    d: u8,
    by_stem: bool,
) -> Option<Meant> {
    // One candidate per stem: a stem found in a stemmed field stands for its word until a
    // written form of it turns up.
    let mut found: Vec<Candidate> = Vec::new();
    let mut add = |edits: u8, docs: u64, word: &str, stem: String, written: bool| match found
        .iter_mut()
        .find(|c| c.stem == stem)
    {
        Some(c) => {
            c.docs += docs;
            c.near |= written && edits <= 1;
            if edits < c.edits || (written && !c.written) {
                c.edits = c.edits.min(edits);
                c.word = word.to_string();
                c.written = written;
            }
        }
        None => found.push(Candidate {
            edits,
            docs,
            word: word.to_string(),
            stem,
            written,
            near: written && edits <= 1,
        }),
    };
    let edits = |a: &str, b: &str, d: u8| if within(a, b, 1) { 1 } else { d };
    // A stem is as far from its word as the word it is short for: a short stem ("kol" of
    // "kolesa") is as near other short words ("sol") as a short word is, and gets as few
    // edits.
    let stem_edits = typo_distance(stem.chars().count()).map(|e| e.min(d));
    let lookups: Vec<(Field, &str, u8, bool)> = TYPO_FIELDS
        .iter()
        .flat_map(|&t| {
            let exact = (fields.exact(t), folded, d, false);
            let stemmed = stem_edits
                .filter(|_| by_stem)
                .map(|e| (fields.stemmed(t), stem, e, true));
            std::iter::once(exact).chain(stemmed)
        })
        .collect();
    for (field, text, d, stemmed) in lookups {
        let Ok(automaton) =
            FuzzyTermQuery::new(Term::from_field_text(field, text), d, true).automaton()
        else {
            continue;
        };
        for segment in searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = index.terms().search(&automaton).into_stream() else {
                continue;
            };
            while stream.advance() {
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let docs = u64::from(stream.value().doc_freq);
                let word_stem = if stemmed {
                    word.to_string()
                } else {
                    stemmer::stem(word)
                };
                // A slip of a word the handbook has is never one of filler, which is never
                // searched for; a word it lacks may be filler mistyped (`Meant::filler`).
                if !by_stem && analysis::never_counts(word, &word_stem) {
                    continue;
                }
                add(edits(text, word, d), docs, word, word_stem, !stemmed);
            }
        }
    }
    // Stems are unique among the candidates, so the order is total and the least is one.
    found
        .into_iter()
        .min_by(|a, b| {
            (a.edits.cmp(&b.edits))
                .then(b.docs.cmp(&a.docs))
                .then(a.stem.cmp(&b.stem))
        })
        .map(|c| Meant {
            filler: analysis::never_counts(&c.word, &c.stem),
            folded: c.word,
            stem: c.stem,
            weight: if c.edits <= 1 { MEANT } else { MEANT_FAR },
            near: c.near,
        })
}

/// A word of the handbook near a slip (`meant`): how many edits away, how many entries have
/// it, the word as found and its stem, and whether the word is as written (not a stem found
/// in a stemmed field), and whether a form of it as written is one edit from the word typed.
struct Candidate {
    edits: u8,
    docs: u64,
    word: String,
    stem: String,
    written: bool,
    near: bool,
}

/// A word of the handbook a person meant (`meant`): as it is written there, its stem, and
/// how much its match counts: less for a word two edits away, more often another word; and
/// whether a form of it, as the handbook writes it, is one slip from the word typed; and
/// whether it is filler ("lahok" for "lahko", "moarli" for "morali"), as the word typed then is.
struct Meant {
    folded: String,
    stem: String,
    weight: Score,
    near: bool,
    filler: bool,
}

/// The words of the handbook in the family of `stem` (`text::family`), the most frequent
/// first, at most `MAX_FAMILY`. Every member of a family starts with its key, so the
/// dictionaries are walked from the key on, as for completions.
fn kin(searcher: &Searcher, fields: &Fields, stem: &str) -> Vec<String> {
    let key = family::family(stem);
    if key.len() < 3 {
        return Vec::new();
    }
    let mut found: Vec<(u64, String)> = Vec::new();
    for t in FAMILY_FIELDS {
        let field = fields.stemmed(t);
        for segment in searcher.segment_readers() {
            let Ok(index) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = index.terms().range().ge(key.as_bytes()).into_stream() else {
                continue;
            };
            let mut scanned = 0;
            while scanned < MAX_SCANNED && stream.advance() {
                scanned += 1;
                let Ok(word) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !word.starts_with(key.as_str()) {
                    break;
                }
                // A word that never counts is no one's kin: "naj" (should) is no kin of
                // najemati, though it starts the family.
                if word == stem || family::family(word) != key || stopwords::is_stop_word(word) {
                    continue;
                }
                let docs = u64::from(stream.value().doc_freq);
                match found.iter_mut().find(|(_, w)| w == word) {
                    Some((n, _)) => *n += docs,
                    None => found.push((docs, word.to_string())),
                }
            }
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found.into_iter().take(MAX_FAMILY).map(|(_, w)| w).collect()
}

/// The least score of a measure an editor pinned (`pins`) to a query of `clauses` clauses:
/// above any score its words can give.
pub fn pin_floor(clauses: usize) -> Score {
    (clauses + 1) as Score * COORDINATION
}

/// The measures an editor pinned to this query (`synonyms.toml`'s best bets), each matched
/// whatever its words and scored above any other match, in the editor's order: the first pin
/// clears every clause's `COORDINATION` and all a text score can add, the next one less so.
fn pins(clauses: &[Clause], synonyms: &Synonyms, fields: &Fields) -> Vec<(Occur, Box<dyn Query>)> {
    // Most handbooks pin nothing: no work for them on every search.
    if !synonyms.has_pins() {
        return Vec::new();
    }
    let stems: Vec<&str> = clauses
        .iter()
        .flat_map(|c| match c {
            Clause::Word { stem, .. } => vec![stem.as_str()],
            Clause::Phrase { stems, .. } => stems.iter().map(String::as_str).collect(),
        })
        .collect();
    let pinned = synonyms.pinned_stems(&stems);
    let step = pin_floor(clauses.len());
    pinned
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let term = Term::from_field_text(fields.id, id);
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            let score = step * (pinned.len() - i + 1) as Score;
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(q), score)) as Box<dyn Query>,
            )
        })
        .collect()
}

/// The terms that match a word in field `t`, each weighted by how close a match it is.
fn alternatives(
    t: Text,
    folded: &str,
    stem: &str,
    (synonyms, synonym_weight): (&[String], Score),
    completions: &[String],
    fields: &Fields,
    features: Features,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut alternatives = vec![term_query(fields.exact(t), folded, EXACT)];
    if features.stemming && t == Text::English {
        let en = analysis::english_stem(folded);
        alternatives.push(term_query(fields.stemmed(t), &en, STEMMED));
    } else if features.stemming {
        alternatives.push(term_query(fields.stemmed(t), stem, STEMMED));
    }
    if t != Text::English {
        alternatives.extend(
            synonyms
                .iter()
                .map(|s| term_query(fields.stemmed(t), s, synonym_weight)),
        );
    }
    alternatives.extend(
        completions
            .iter()
            .map(|c| term_query(fields.exact(t), c, PREFIX)),
    );
    alternatives
}

/// A quoted phrase: its words in order, exactly or (outside English) as other forms; a phrase
/// of one word is that word exactly.
fn phrase(
    folded: &[String],
    stems: &[String],
    fields: &Fields,
    hl: &mut Highlighter,
) -> Vec<(Occur, Box<dyn Query>)> {
    let mut parts = Vec::new();
    if let [only] = folded {
        for (t, boost) in FIELD_BOOSTS {
            parts.push(term_query(fields.exact(t), only, boost * (EXACT + STEMMED)));
        }
        hl.exact.insert(only.clone());
        return parts;
    }
    for (t, boost) in FIELD_BOOSTS {
        parts.push(phrase_query(
            fields.exact(t),
            folded,
            0,
            boost * PHRASE * EXACT,
        ));
        // Slovenian stems mean nothing to the English field: it has the exact phrase.
        if t != Text::English {
            parts.push(phrase_query(fields.stemmed(t), stems, 0, boost * PHRASE));
        }
    }
    hl.exact.extend(folded.iter().cloned());
    hl.stems.extend(stems.iter().cloned());
    parts
}

/// A bonus for the query's words close together in the title, summary or labels, when every
/// clause is a word and there are two or more.
fn proximity(
    clauses: &[Clause],
    fields: &Fields,
    features: Features,
) -> Vec<(Occur, Box<dyn Query>)> {
    let words: Vec<String> = clauses
        .iter()
        .filter_map(|c| match c {
            Clause::Word { stem, .. } => Some(stem.clone()),
            Clause::Phrase { .. } => None,
        })
        .collect();
    if !features.proximity || words.len() < 2 || words.len() != clauses.len() {
        return Vec::new();
    }
    [(Text::Title, 2.0), (Text::Summary, 1.0), (Text::Tags, 1.0)]
        .into_iter()
        .map(|(t, boost)| {
            phrase_query(fields.stemmed(t), &words, PROXIMITY_SLOP, boost * PROXIMITY)
        })
        .collect()
}

/// A highlighter for these words as exact and stemmed matches, for other modules' tests.
#[cfg(test)]
pub fn compile_highlighter_for_tests(words: &[&str]) -> Highlighter {
    let mut hl = Highlighter::default();
    for w in words {
        let folded = analysis::fold(w);
        hl.stems.insert(stemmer::stem(&folded));
        hl.exact.insert(folded);
    }
    hl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_words_are_within_so_many_edits_exactly_when_their_alignment_distance_says_so() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "posojila",
            "posoila",
            "posojlia",
            "poplave",
            "popalve",
            "koper",
            "kopet",
            "kopr",
            "ljubljana",
            "ljubjana",
            "ljubjlana",
            "ca",
            "abc",
            "najemnine",
            "najemnnine",
            "subvencije",
            "subvecnije",
            "obnova",
            "obnvoa",
            "žužek",
            "zuzek",
        ];
        for a in words {
            for b in words {
                for edits in 0..=3 {
                    assert_eq!(
                        within(a, b, edits),
                        strsim::osa_distance(a, b) <= edits,
                        "{a} / {b} within {edits}"
                    );
                }
            }
        }
    }

    fn words(text: &str) -> Vec<(String, bool)> {
        parse(text)
            .into_iter()
            .map(|c| match c {
                Clause::Word { folded, open, .. } => (folded, open),
                Clause::Phrase { folded, .. } => (format!("\"{}\"", folded.join(" ")), false),
            })
            .collect()
    }

    fn w(s: &str, open: bool) -> (String, bool) {
        (s.to_string(), open)
    }

    #[test]
    fn quoted_phrases_stay_together_and_stray_quotes_are_text() {
        assert_eq!(
            words("\"mestno jedro\" Kranj"),
            [w("\"mestno jedro\"", false), w("kranj", true)]
        );
        assert_eq!(
            words("mestno \"jedro"),
            [w("mestno", false), w("jedro", true)]
        );
        assert_eq!(
            words("a:b (c) [d] *"),
            [w("b", false), w("c", false), w("d", false)]
        );
    }

    #[test]
    fn stop_words_are_dropped_unless_nothing_else_is_left() {
        assert_eq!(
            words("najem za lokal v centru "),
            [w("najem", false), w("lokal", false), w("centru", false)]
        );
        assert_eq!(words("za"), [w("za", true)]);
    }

    #[test]
    fn a_word_said_twice_or_in_two_forms_is_one_clause() {
        let distinct_words = |text: &str| {
            distinct(parse(text))
                .into_iter()
                .map(|c| match c {
                    Clause::Word { folded, .. } => folded,
                    Clause::Phrase { folded, .. } => format!("\"{}\"", folded.join(" ")),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            distinct_words("fasada in fasade obnova fasada"),
            ["fasada", "obnova"]
        );
        assert_eq!(
            distinct_words("\"mestno jedro\" mestno jedro"),
            ["\"mestno jedro\"", "mestno", "jedro"]
        );
    }

    #[test]
    fn only_a_last_word_still_being_typed_is_open() {
        assert_eq!(words("Novo mes"), [w("novo", false), w("mes", true)]);
        assert_eq!(words("Novo mesto "), [w("novo", false), w("mesto", false)]);
    }

    #[test]
    fn a_text_asks_with_a_question_word_a_leading_a_or_a_question_mark() {
        assert!(asks("obrtnik sem, ali mi kdo plača seminar"));
        assert!(asks("v katerih mestih je center za pešce"));
        assert!(asks("Kakšne spodbude ima Kranj"));
        assert!(asks("a je kaj za frizerje"));
        assert!(asks("najemnina Kranj?"));
        // Keywords, and words that merely contain a question word, do not ask.
        assert!(!asks("najemnine v Kranju"));
        assert!(!asks("nekaj za obrtnike"));
        assert!(!asks("sofinanciranje fasad a b"));
    }

    #[test]
    fn three_words_are_a_question_where_the_text_asks_and_four_always() {
        let three = parse("prenos podjetje občina");
        assert_eq!(three.len(), 3);
        assert!(!is_question(&three, false));
        assert!(is_question(&three, true));
        assert!(!is_question(&parse("prenos podjetje"), true));
        assert!(is_question(&parse("prenos podjetje občina sin"), false));
    }

    #[test]
    fn typo_tolerance_grows_with_word_length() {
        assert_eq!(
            [3, 4, 5, 8, 9, 15].map(typo_distance),
            [None, None, Some(1), Some(1), Some(2), Some(2)]
        );
    }

    #[test]
    fn the_highlighter_matches_forms_prefixes_and_typos() {
        let hl = Highlighter {
            exact: ["sredisce".to_string()].into_iter().collect(),
            stems: ["najemnin".to_string()].into_iter().collect(),
            prefixes: vec!["podjetn".into()],
            typos: vec![(stemmer::stem("ljubjana"), 1)],
            typed: vec![("posoila".into(), 1)],
        };
        for word in [
            "sredisce",
            "najemnino",
            "podjetniki",
            "ljubljani",
            "posojila",
        ] {
            assert!(hl.matches(word), "{word}");
        }
        for word in ["najem", "podjetje", "maribor", "posojilo"] {
            assert!(!hl.matches(word), "{word}");
        }
    }
}
