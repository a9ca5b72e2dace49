//! Searching one consistent snapshot of the handbook: full-text matching and BM25 ranking in
//! Tantivy, then filters, disjunctive facet counts, status, sorting and paging over the matches
//! in memory. Status depends on today's date and facet counts on every filter but their own, so
//! both are computed per request from the entries rather than stored in the index. Over a
//! large handbook, a search runs in parts, one per idle core (`SPLIT_FROM`).

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{DateTime, Local, NaiveDate};
use foldhash::{HashMap, HashMapExt};
use tantivy::query::{EnableScoring, Weight};
use tantivy::{DocSet, Score, Searcher, Term};

use crate::handbook::diagnostic::Diagnostic;
use crate::handbook::entry::{Entry, Status};
use crate::handbook::folder::Resolved;
use crate::handbook::vocabulary::Vocabulary;
use crate::index::schema::{Fields, Text};
use crate::parallel;
use crate::search::collect::{Extra, Filters, Order, Smallest, page_in_order, split};
use crate::search::facet::Facet;
use crate::search::matches::{Held, MatchCache, Matches};
use crate::search::places::{self, Places};
use crate::search::query::{self, Clause, Features, Highlighter};
use crate::search::records::{self, Interner, Record, Row, Rows};
use crate::search::request::{FacetValue, Hit, NATIONAL, Results, SearchQuery};
use crate::search::series::Siblings;
use crate::search::snippet;
use crate::search::statistics::{Statistics, Totals};
use crate::search::topics::Topics;
use crate::text::analysis;
use crate::text::lang::Lang;
use crate::text::stopwords;

/// Everything one search needs, consistent with itself: a Tantivy searcher and the entries
/// that were committed with it. Swapped whole after each change; requests hold an `Arc`.
pub struct Snapshot {
    pub searcher: Searcher,
    pub fields: Fields,
    pub entries: BTreeMap<String, Arc<Entry>>,
    pub aliases: BTreeMap<String, String>,
    pub vocabulary: Arc<Vocabulary>,
    /// Every problem in the handbook right now, for `/status`.
    pub problems: Vec<Arc<Diagnostic>>,
    pub paths: HashMap<String, std::path::PathBuf>,
    /// Series key → the ids of its calls, newest year first.
    pub series: HashMap<String, Vec<String>>,
    /// The handbook folder, which the paths above are under.
    pub root: std::path::PathBuf,
    /// The word groups and best bets queries are expanded with.
    pub synonyms: Arc<crate::text::synonyms::Synonyms>,
    /// The same, each word's synonyms only those the index has (`query::searched_synonyms`).
    searched_synonyms: crate::text::synonyms::Synonyms,
    pub generation: u64,
    pub loaded_at: DateTime<Local>,
    /// How long this snapshot took to make, from the change (or the start) to its publication.
    pub took: std::time::Duration,
    /// A short digest of what is served (`version_of`): the same on every replica serving the
    /// same checkout, whatever its start time or number of reloads; sent as
    /// `X-Handbook-Version`.
    pub version: String,
    /// In id order.
    records: Vec<Arc<Record>>,
    interner: Interner,
    /// Per language, facet and value id, the label people see and its place in the order
    /// of labels: made once here, as every search lists every facet's values.
    labels: [[Vec<Label>; 6]; 2],
    /// Every document's record, flat and in document order, for the loop over matches.
    rows: Rows,
    /// Above the serial of every record so far; the next new record's.
    serials: u32,
    /// Each segment's table of document → record, kept for the next snapshot: segments are
    /// immutable and an updated entry is a new document in a new segment, so a table stays
    /// right for the life of its segment and a save rebuilds only the new segment's.
    tables: HashMap<tantivy::index::SegmentId, Arc<Vec<Option<Arc<Record>>>>>,
    /// What the words of recent searches matched, for the searches of the same words that
    /// follow (another filter, sort or page).
    match_cache: MatchCache,
    /// The municipality names of the vocabulary, to find places named in a search.
    places: Arc<Places>,
    /// Each word of a name of more than one word, and how many entries apply in the places
    /// so named: how many of the word's matches are likely the name (`query::compile`).
    name_words: HashMap<String, u32>,
    /// The series of each row, for ranking a series' calls together in a question.
    siblings: Siblings,
    /// How many entries have each type, for the types a question is about.
    topics: Topics,
    /// The index's token and document counts, for BM25.
    totals: Totals,
}

/// The content a reader can see: every entry (by the digest of its fields, taken when it was
/// read), the former ids, the vocabulary and the word groups. Not the generation, the time or
/// the paths, which differ between two replicas of the same checkout.
fn digest_of(resolved: &Resolved, vocabulary: &Vocabulary) -> u64 {
    let mut d = crate::handbook::digest::Digest::default();
    for (id, entry) in &resolved.entries {
        d.eat(id.as_bytes()).eat(&entry.digest.to_le_bytes());
    }
    for (old, new) in &resolved.aliases {
        d.eat(old.as_bytes()).eat(new.as_bytes());
    }
    d.eat(format!("{vocabulary:?}").as_bytes());
    d.eat(resolved.synonyms.canonical().as_bytes());
    d.value()
}

/// The parts of a measure whose words tell whether the handbook uses a place's adjective as
/// one: its text and who provides it ("Mariborska razvojna agencija").
const ADJECTIVE_PARTS: [Text; 5] = [
    Text::Title,
    Text::Summary,
    Text::Body,
    Text::Provider,
    Text::Tags,
];

/// For each word of a municipality's name of more than one word, how many entries apply in
/// the municipalities whose names have it (each entry once). One pass over the records, as a
/// snapshot is built on every save.
fn name_words(places: &Places, records: &[Arc<Record>]) -> HashMap<String, u32> {
    // Municipality → the name words it has.
    let mut words_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (stem, key) in places.name_words() {
        let words = words_of.entry(key).or_default();
        if !words.contains(&stem) {
            words.push(stem);
        }
    }
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut of_entry: Vec<&str> = Vec::new();
    for record in records {
        of_entry.clear();
        for m in &record.entry.municipalities {
            for stem in words_of.get(m.as_str()).into_iter().flatten() {
                if !of_entry.contains(stem) {
                    of_entry.push(stem);
                }
            }
        }
        for stem in &of_entry {
            *counts.entry((*stem).to_string()).or_default() += 1;
        }
    }
    counts
}

/// Twelve hex digits: short enough to read in a header, and a chance of one in 2^48 that two
/// different handbooks look the same.
fn version_of(digest: &u64) -> String {
    format!("{:012x}", digest >> 16)
}

impl Snapshot {
    /// Builds a snapshot; records of entries unchanged since `previous` are reused, so a save
    /// costs work for the entry saved, not for the whole handbook.
    pub fn new(
        searcher: Searcher,
        fields: Fields,
        resolved: Resolved,
        vocabulary: Arc<Vocabulary>,
        generation: u64,
        previous: Option<&Snapshot>,
    ) -> tantivy::Result<Snapshot> {
        let reusable = previous.filter(|p| Arc::ptr_eq(&p.vocabulary, &vocabulary));
        let places =
            reusable.map_or_else(|| Arc::new(Places::new(&vocabulary)), |p| p.places.clone());
        let mut interner = previous.map(|p| p.interner.clone()).unwrap_or_default();
        // Serials need only tell apart the records a snapshot holds or inherits in its tables;
        // when nothing is inherited they start again.
        let mut serials = reusable.map_or(0, |p| p.serials);
        // In id order, as `resolved.entries` is. The previous records are in id order too, so
        // one walk of both finds each entry's old record (a save rebuilds this list whole).
        let mut old = reusable
            .map_or(&[][..], |p| &p.records[..])
            .iter()
            .peekable();
        let records: Vec<Arc<Record>> = resolved
            .entries
            .values()
            .map(|entry| {
                while old.next_if(|r| r.entry.id < entry.id).is_some() {}
                old.next_if(|r| Arc::ptr_eq(&r.entry, entry))
                    .cloned()
                    .unwrap_or_else(|| {
                        serials += 1;
                        Arc::new(Record::new(
                            entry.clone(),
                            &vocabulary,
                            &mut interner,
                            serials - 1,
                        ))
                    })
            })
            .collect();
        let mut docs = Vec::with_capacity(searcher.segment_readers().len());
        let mut tables = HashMap::new();
        for segment in searcher.segment_readers() {
            let cached = reusable.and_then(|p| p.tables.get(&segment.segment_id()));
            let table = match cached {
                Some(t) => t.clone(),
                None => Arc::new(records::doc_table(segment, &records)?),
            };
            tables.insert(segment.segment_id(), table.clone());
            docs.push(table);
        }
        let rows = Rows::new(
            &records,
            searcher.segment_readers(),
            &docs,
            serials,
            &interner,
        );
        let labels = Lang::ALL.map(|lang| {
            Facet::ALL.map(|f| {
                Label::all(
                    (0..interner.len(f))
                        .map(|id| {
                            let key = interner.name(f, u32::try_from(id).unwrap_or(u32::MAX));
                            label_of(&vocabulary, f, key, lang)
                        })
                        .collect(),
                )
            })
        });
        let name_words = name_words(&places, &records);
        let siblings = Siblings::new(&records, &rows);
        let topics = Topics::new(&rows);
        let totals = Totals::of(&searcher)?;
        let resolved_digest = digest_of(&resolved, &vocabulary);
        let searched_synonyms = query::searched_synonyms(&searcher, &fields, &resolved.synonyms);
        Ok(Snapshot {
            searcher,
            fields,
            entries: resolved.entries,
            aliases: resolved.aliases,
            problems: resolved.problems,
            paths: resolved.paths,
            series: resolved.series,
            root: resolved.root,
            synonyms: resolved.synonyms,
            searched_synonyms,
            vocabulary,
            generation,
            loaded_at: Local::now(),
            took: std::time::Duration::ZERO,
            version: version_of(&resolved_digest),
            labels,
            records,
            interner,
            rows,
            serials,
            tables,
            match_cache: MatchCache::default(),
            places,
            name_words,
            siblings,
            topics,
            totals,
        })
    }

    /// What the cache of matches holds now, and how many searches it served.
    pub fn cached_matches(&self) -> Held {
        self.match_cache.held()
    }

    /// The entry with this id, or, for a former id, the id it now has.
    pub fn lookup(&self, id: &str) -> Lookup<'_> {
        if let Some(e) = self.entries.get(id) {
            Lookup::Found(e)
        } else if let Some(current) = self.aliases.get(id) {
            Lookup::Moved(current)
        } else {
            Lookup::Missing
        }
    }

    pub fn search(&self, query: &SearchQuery, today: NaiveDate) -> tantivy::Result<Results> {
        self.search_with(query, today, Features::ALL)
    }

    /// Every entry the query matches, in its order, as one page and without snippets: for
    /// exports and feeds, which want all of them.
    pub fn search_all(&self, query: &SearchQuery, today: NaiveDate) -> tantivy::Result<Results> {
        let all = SearchQuery {
            page: 1,
            per_page: usize::MAX,
            ..query.clone()
        };
        self.run(&all, today, Features::ALL, false, Reuse::Cached)
    }

    /// `search` with a chosen set of matching rules, reusing the matches of words searched
    /// before as `search` does; for benchmarks (`search_first` is the first search of them).
    pub fn search_with(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
        features: Features,
    ) -> tantivy::Result<Results> {
        self.run(query, today, features, true, Reuse::Cached)
    }

    /// `search_with`, as the first search of its words costs: the matches are found again
    /// rather than taken from the snapshot's cache. For benchmarks.
    pub fn search_first(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
        features: Features,
    ) -> tantivy::Result<Results> {
        self.run(query, today, features, true, Reuse::Fresh)
    }

    fn run(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
        features: Features,
        snippets: bool,
        reuse: Reuse,
    ) -> tantivy::Result<Results> {
        let (_running, others) = Running::start();
        let parts = if self.rows.count() >= SPLIT_FROM {
            // Only the cores other searches leave idle: under load every core is busy already,
            // and each part's own scorers would be pure cost.
            parallel::threads().saturating_sub(others).max(1)
        } else {
            1
        };
        self.run_in_parts(query, today, features, snippets, parts, reuse)
    }

    /// `search`, with the documents cut into `parts` ranges that are searched side by side;
    /// the answer is the same for any number of parts, and whether the matches are found
    /// afresh in those parts or taken from the cache and cut into them. For tests and
    /// benchmarks: a search picks its own number of parts.
    pub fn search_in_parts(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
        parts: usize,
        reuse: Reuse,
    ) -> tantivy::Result<Results> {
        self.run_in_parts(query, today, Features::ALL, true, parts, reuse)
    }

    fn run_in_parts(
        &self,
        query: &SearchQuery,
        today: NaiveDate,
        features: Features,
        snippets: bool,
        parts: usize,
        reuse: Reuse,
    ) -> tantivy::Result<Results> {
        // The places the words name rank their measures first; their words are not matched.
        let stats = Statistics::new(&self.searcher, Some(&self.totals));
        let found_places = self.places.find(
            &query.text,
            |folded, stem| query::unknown(&stats, &self.fields, folded, stem),
            |stem, keys| self.says_of_place(&stats, stem, keys),
        );
        let all_clauses = query::parse(&query.text);
        // An editor's best bet is for the words as typed, place words included: they stay.
        let pinned = self.synonyms.has_pins()
            && !self
                .synonyms
                .pinned_stems(&places::stems(&all_clauses))
                .is_empty();
        let kept = if pinned {
            all_clauses.clone()
        } else {
            places::without_places(all_clauses.clone(), &found_places)
        };
        // How many place words were taken out; then each word once (`places::find` numbers
        // the words as `query::parse` makes them, so not before).
        let mut placed = all_clauses.len() - kept.len();
        let mut clauses = query::distinct(kept);
        // Whether the text asks a question, which makes fewer words a question
        // (`query::is_question`).
        let asks = query::asks(&query.text);
        let ranges = split(self.rows.count(), parts);
        let mut matches = self.matches_of(&stats, &clauses, asks, features, &ranges, reuse)?;
        // When the other words match nothing, the place words are searched as words after
        // all ("title:Piranu"): leaving them out must never lose what they find.
        if matches.found.is_empty() && placed > 0 {
            clauses = query::distinct(all_clauses.clone());
            placed = 0;
            matches = self.matches_of(&stats, &clauses, asks, features, &ranges, reuse)?;
        }
        let lift = u32::try_from(placed).unwrap_or(u32::MAX);
        let today_n = records::day(today);
        let filters = Filters::new(query, &self.interner, &self.rows, today_n);
        let municipality_id = |key: &str| {
            self.interner
                .get(Facet::Municipality, key)
                .map(|id| id + self.rows.offset(Facet::Municipality))
        };
        let order = Order::new(query.sort, clauses.is_empty(), today_n).with_places(
            !found_places.is_empty(),
            lift,
            found_places
                .iter()
                .filter_map(|f| municipality_id(&f.key))
                .collect(),
            municipality_id(NATIONAL),
        );
        // The measures of a place named match its words whatever their text says: they are
        // matches even when no other word matched (score 0), and count the place words as
        // matched.
        let merged = if lift > 0 {
            Some(self.with_places_matched(&matches.found, &order))
        } else {
            None
        };
        let found: &[(Score, u32)] = merged.as_deref().unwrap_or(&matches.found);
        // A question's words are not counted apart from its score: it keeps the matches that
        // score at least a share of what the best one scores, and the place's own measures.
        let question = matches.question;
        let floor = if question {
            question_floor(&matches.found, query::pin_floor(clauses.len()))
        } else {
            0.0
        };
        let needed = if question {
            0
        } else if lift > 0 {
            let mut levels = vec![0usize; matches.levels.len() + lift as usize];
            for &(score, n) in found {
                let Some(row) = self.rows.get(n).filter(|r| r.is_live()) else {
                    continue;
                };
                let place = order.place(self.rows.ids(row, Facet::Municipality));
                let level = matched_clauses(score).saturating_add(order.lift_of(place));
                let top = levels.len() - 1;
                levels[(level as usize).min(top)] += 1;
            }
            needed(&levels)
        } else {
            needed(&matches.levels)
        };
        let start = query.page.saturating_sub(1).saturating_mul(query.per_page);
        let end = start.saturating_add(query.per_page);
        // Each part's matches: those in its rows. Where they start is the offset that numbers
        // them across parts, the match's place in `found`.
        let mut bounds: Vec<usize> = ranges
            .iter()
            .map(|r| found.partition_point(|(_, n)| *n < r.start))
            .collect();
        bounds.push(found.len());
        let jobs: Vec<(&[(Score, u32)], u32)> = bounds
            .windows(2)
            .map(|b| {
                let offset = u32::try_from(b[0]).unwrap_or(u32::MAX);
                (&found[b[0]..b[1]], offset)
            })
            .collect();
        let tallies = parallel::map(&jobs, |(part, offset)| {
            self.tally(
                part,
                *offset,
                (needed, floor),
                &filters,
                &order,
                today_n,
                end,
            )
        });
        let total = tallies.iter().map(|t| t.total).sum();
        let excluded_unknown_amount = tallies.iter().map(|t| t.unknown_amount).sum();
        let mut counts = vec![0u32; self.rows.values()];
        let mut kept: Vec<u128> = Vec::new();
        for t in tallies {
            for (sum, c) in counts.iter_mut().zip(&t.counts) {
                *sum += c;
            }
            if kept.is_empty() {
                kept = t.kept;
            } else {
                kept.extend_from_slice(&t.kept);
            }
        }
        page_in_order(&mut kept, start, end);
        let hits = kept
            .get(start..end.min(kept.len()))
            .unwrap_or_default()
            .iter()
            .filter_map(|key| {
                // The low 32 bits are the match's number.
                #[allow(clippy::cast_possible_truncation)]
                let number = *key as u32;
                let (score, n) = *found.get(number as usize)?;
                let row = self.rows.get(n)?;
                let record = self.records.get(row.record as usize)?;
                // The place words a measure of the place matched by where it applies count
                // in its score as the clauses they are.
                let place = order.place(self.rows.ids(row, Facet::Municipality));
                #[allow(clippy::cast_precision_loss)]
                let score = score + order.lift_of(place) as Score * query::COORDINATION;
                Some(Hit {
                    snippet: if snippets {
                        snippet::of_entry(&record.entry, &matches.highlighter, query.lang)
                    } else {
                        String::new()
                    },
                    entry: record.entry.clone(),
                    status: row.status(today_n),
                    score,
                })
            })
            .collect();
        let facets = Facet::ALL
            .into_iter()
            .map(|f| {
                (
                    f,
                    self.facet_values(f, self.counts_of(&counts, f), &query.wanted(f), query.lang),
                )
            })
            .collect();
        Ok(Results {
            total,
            page: query.page,
            per_page: query.per_page,
            hits,
            facets,
            excluded_unknown_amount,
            places: found_places.into_iter().map(|f| f.key).collect(),
        })
    }

    /// Up to `n` measures like `entry`, for its page: Tantivy's more-like-this over the
    /// title, summary and body, with every measure of the same type as a candidate too. Of
    /// the best candidates, the same type in other municipalities comes first (what an officer
    /// comparing towns looks for), then the same type at home, then the rest; by similarity
    /// within each.
    /// The other calls of `entry`'s series, newest year first.
    pub fn series_of(&self, entry: &Entry) -> Vec<Arc<Entry>> {
        let Some(ids) = entry.series.as_ref().and_then(|key| self.series.get(key)) else {
            return Vec::new();
        };
        ids.iter()
            .filter(|id| **id != entry.id)
            .filter_map(|id| self.entries.get(id).cloned())
            .collect()
    }

    pub fn related(&self, entry: &Entry, n: usize) -> tantivy::Result<Vec<Arc<Entry>>> {
        use tantivy::collector::TopDocs;
        use tantivy::query::{
            BooleanQuery, ConstScoreQuery, MoreLikeThisQuery, Occur, Query, TermQuery,
        };
        use tantivy::schema::{IndexRecordOption, OwnedValue};

        if n == 0 {
            return Ok(Vec::new());
        }
        let text = |t: Text, values: &[&str]| {
            let values = values
                .iter()
                .filter(|v| !v.is_empty())
                .map(|v| OwnedValue::Str((*v).to_string()))
                .collect();
            (self.fields.stemmed(t), values)
        };
        let docs = self.searcher.num_docs();
        let like = MoreLikeThisQuery::builder()
            // A handbook has tens to thousands of entries: a word shared by two is evidence.
            .with_min_doc_frequency(1)
            .with_max_doc_frequency((docs / 2).max(2))
            .with_min_term_frequency(1)
            .with_min_word_length(3)
            .with_max_query_terms(30)
            .with_stop_words(
                stopwords::STOP_WORDS
                    .iter()
                    .map(|w| (*w).to_string())
                    .collect(),
            )
            .with_document_fields(vec![
                text(Text::Title, &[&entry.title]),
                text(Text::Summary, &[&entry.summary]),
                text(Text::Body, &[&entry.body_text()]),
            ]);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(like))];
        for key in &entry.types {
            let term = tantivy::Term::from_facet(
                self.fields.r#type,
                &tantivy::schema::Facet::from_path([key.as_str()]),
            );
            let same_type = TermQuery::new(term, IndexRecordOption::Basic);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(same_type), 0.001)),
            ));
        }
        let itself = tantivy::Term::from_field_text(self.fields.id, &entry.id);
        clauses.push((
            Occur::MustNot,
            Box::new(TermQuery::new(itself, IndexRecordOption::Basic)),
        ));
        let found = self.searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(n.saturating_mul(10).max(50)).order_by_score(),
        )?;
        let mut candidates: Vec<(bool, bool, Score, &Arc<Record>)> = found
            .into_iter()
            .filter_map(|(score, addr)| {
                let row = self.rows.at(addr.segment_ord, addr.doc_id)?;
                let record = self.records.get(row.record as usize)?;
                let other = &record.entry;
                (other.id != entry.id).then(|| {
                    let same_type = other.types.iter().any(|t| entry.types.contains(t));
                    let elsewhere = !other
                        .municipalities
                        .iter()
                        .any(|m| entry.municipalities.contains(m));
                    (same_type, elsewhere, score, record)
                })
            })
            .collect();
        candidates.sort_by(|a, b| {
            (b.0, b.1)
                .cmp(&(a.0, a.1))
                .then_with(|| b.2.total_cmp(&a.2))
                .then_with(|| a.3.entry.sort_key.cmp(&b.3.entry.sort_key))
        });
        Ok(candidates
            .into_iter()
            .take(n)
            .map(|c| c.3.entry.clone())
            .collect())
    }

    /// `found` (matches in row order) with every live row of a place `order` names that is
    /// not among them, scored 0, in row order too.
    /// Does the handbook use a place's adjective (its stem) as one, for the municipalities
    /// `keys` it may mean: they have measures, and no more of the measures that say the word
    /// are other places' than theirs? "mariborski" is said in Maribor's measures; "ruski"
    /// (Russian, and Ruše's adjective) is not, or names a place with no measures. A failed
    /// read of the index answers no: the word is then searched as a word.
    fn says_of_place(&self, stats: &Statistics, stem: &str, keys: &[String]) -> bool {
        let offset = self.rows.offset(Facet::Municipality);
        let ids: Vec<u32> = keys
            .iter()
            .filter_map(|key| self.interner.get(Facet::Municipality, key))
            .map(|id| id + offset)
            .collect();
        if ids.is_empty() {
            return false;
        }
        let of_place = |row: &Row| {
            self.rows
                .ids(row, Facet::Municipality)
                .iter()
                .any(|m| ids.contains(m))
        };
        let terms =
            ADJECTIVE_PARTS.map(|text| Term::from_field_text(self.fields.stemmed(text), stem));
        let mut rows: Vec<u32> = Vec::new();
        if self
            .rows
            .containing(stats.searcher(), &terms, &mut rows)
            .is_err()
        {
            return false;
        }
        if rows.is_empty() {
            // Not said at all: a place if it has measures.
            return (0..u32::try_from(self.rows.count()).unwrap_or(u32::MAX))
                .filter_map(|n| self.rows.get(n).filter(|r| r.is_live()))
                .any(of_place);
        }
        let own = rows
            .iter()
            .filter_map(|n| self.rows.get(*n))
            .filter(|r| of_place(r))
            .count();
        own > 0 && own * 2 >= rows.len()
    }

    fn with_places_matched(&self, found: &[(Score, u32)], order: &Order) -> Vec<(Score, u32)> {
        let mut out = Vec::with_capacity(found.len());
        let mut rest = found.iter().peekable();
        for n in 0..u32::try_from(self.rows.count()).unwrap_or(u32::MAX) {
            if let Some(&&m) = rest.peek()
                && m.1 == n
            {
                out.push(m);
                rest.next();
                continue;
            }
            let Some(row) = self.rows.get(n).filter(|r| r.is_live()) else {
                continue;
            };
            if Order::is_own(order.place(self.rows.ids(row, Facet::Municipality))) {
                out.push((0.0, n));
            }
        }
        out.extend(rest.copied());
        out
    }

    /// `facet`'s part of counts numbered across facets.
    fn counts_of<'c>(&self, counts: &'c [u32], facet: Facet) -> &'c [u32] {
        counts.get(self.rows.range(facet)).unwrap_or_default()
    }

    fn facet_values(
        &self,
        facet: Facet,
        counts: &[u32],
        selected: &[String],
        lang: Lang,
    ) -> Vec<FacetValue> {
        let labels = &self.labels[lang as usize][facet.index()];
        let mut ids: Vec<usize> = counts
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(id, _)| id)
            .collect();
        if facet != Facet::Status {
            // Most frequent first, then by label as a Slovenian reader expects (č with c):
            // the label's place, computed once, so that no string is compared here.
            ids.sort_unstable_by_key(|id| {
                (
                    std::cmp::Reverse(counts[*id]),
                    labels.get(*id).map_or(u32::MAX, |l| l.rank),
                )
            });
        }
        let mut values: Vec<FacetValue> = ids
            .into_iter()
            .map(|id| {
                let value = self
                    .interner
                    .name(facet, u32::try_from(id).unwrap_or(u32::MAX));
                FacetValue {
                    label: labels.get(id).map_or_else(
                        || label_of(&self.vocabulary, facet, value, lang),
                        |l| l.text.clone(),
                    ),
                    selected: selected.iter().any(|s| s == value),
                    value: value.to_string(),
                    count: counts[id] as usize,
                }
            })
            .collect();
        // A value asked for that no result has is listed too, after those that count, so
        // that it can be unticked.
        let mut missing: Vec<(FacetValue, String)> = selected
            .iter()
            .filter(|s| !values.iter().any(|v| &v.value == *s))
            .map(|s| {
                let label = label_of(&self.vocabulary, facet, s, lang);
                let key = analysis::fold(&label);
                let value = FacetValue {
                    value: s.clone(),
                    label,
                    count: 0,
                    selected: true,
                };
                (value, key)
            })
            .collect();
        if facet == Facet::Status {
            values.extend(missing.into_iter().map(|(v, _)| v));
            values.sort_by_key(|v| Status::from_key(&v.value).map_or(usize::MAX, |s| s as usize));
        } else {
            missing.sort_by(|(a, ka), (b, kb)| ka.cmp(kb).then_with(|| a.label.cmp(&b.label)));
            values.extend(missing.into_iter().map(|(v, _)| v));
        }
        values
    }

    pub fn label(&self, facet: Facet, key: &str) -> String {
        label_of(&self.vocabulary, facet, key, Lang::Sl)
    }

    pub fn label_in(&self, facet: Facet, key: &str, lang: Lang) -> String {
        label_of(&self.vocabulary, facet, key, lang)
    }

    /// Every document `clauses` match (a question where `query::is_question` says so of them
    /// and `asks`), with its score, in row order: from the snapshot's
    /// cache when the same words were searched before (and `reuse` allows), or else found in
    /// `ranges` side by side (and cached). Without words, every live document, in one walk
    /// over the rows: cheaper than starting threads for it, and than caching it.
    fn matches_of(
        &self,
        stats: &Statistics,
        clauses: &[Clause],
        asks: bool,
        features: Features,
        ranges: &[Range<u32>],
        reuse: Reuse,
    ) -> tantivy::Result<Arc<Matches>> {
        if clauses.is_empty() {
            let rows = 0..u32::try_from(self.rows.count()).unwrap_or(u32::MAX);
            let mut found = Vec::with_capacity(rows.len());
            found.extend(
                rows.filter(|n| self.rows.get(*n).is_some_and(Row::is_live))
                    .map(|n| (1.0, n)),
            );
            return Ok(Arc::new(Matches {
                found,
                levels: vec![0],
                highlighter: Highlighter::default(),
                question: false,
            }));
        }
        let question = query::is_question(clauses, asks);
        if reuse == Reuse::Cached
            && let Some(cached) = self.match_cache.get(clauses, question, features)
        {
            return Ok(cached);
        }
        let compiled = query::compile_with(
            clauses,
            question,
            asks,
            stats,
            &self.fields,
            features,
            &self.searched_synonyms,
            |stem| self.name_words.get(stem).copied().unwrap_or(0),
        );
        let weight = compiled
            .query
            .weight(EnableScoring::enabled_from_statistics_provider(
                stats,
                &self.searcher,
            ))?;
        let mut parts = parallel::map(ranges, |rows| {
            self.matches(&*weight, compiled.counted, rows.clone())
        })
        .into_iter()
        .collect::<tantivy::Result<Vec<Matched>>>()?;
        let mut levels = vec![0usize; compiled.counted + 1];
        for part in &parts {
            for (sum, n) in levels.iter_mut().zip(&part.levels) {
                *sum += n;
            }
        }
        // Each part's vector has room for all of its rows; a cached set keeps only its matches.
        let mut found = if parts.len() == 1 {
            let mut found = parts.pop().map(|p| p.found).unwrap_or_default();
            found.shrink_to_fit();
            found
        } else {
            let mut found = Vec::with_capacity(parts.iter().map(|p| p.found.len()).sum());
            for part in &parts {
                found.extend_from_slice(&part.found);
            }
            found
        };
        // A question only adds up what its words matched: there, the measures of the types
        // its words point to score more, and the calls of a recurring measure come together
        // (after, so that a call's type lifts its whole series).
        if compiled.question {
            let pin_floor = query::pin_floor(clauses.len());
            if features.topics {
                // The words of the question, as the stemmed fields have them; not its phrases.
                let stems = clauses.iter().filter_map(|c| match c {
                    Clause::Word { stem, .. } => Some(stem.as_str()),
                    Clause::Phrase { .. } => None,
                });
                let weights = self
                    .topics
                    .weights(stems, stats, &self.fields, &self.rows)?;
                self.topics
                    .lift(&mut found, &weights, &self.rows, pin_floor);
            }
            self.siblings.lift(&mut found, pin_floor);
        }
        let matches = Arc::new(Matches {
            found,
            levels,
            highlighter: compiled.highlighter,
            question: compiled.question,
        });
        self.match_cache
            .put(clauses, question, features, matches.clone());
        Ok(matches)
    }

    /// Every document of `rows` that the query matches, with its score and row number, and
    /// how many matched each number of clauses.
    fn matches(
        &self,
        weight: &dyn Weight,
        clauses: usize,
        rows: Range<u32>,
    ) -> tantivy::Result<Matched> {
        // Room for every document at once: growing by doubling copied the vector several
        // times over, and only the pages a search fills are ever touched.
        let mut found = Vec::with_capacity(rows.len());
        let mut levels = vec![0usize; clauses + 1];
        let top = u32::try_from(clauses).unwrap_or(u32::MAX);
        for (ordinal, segment) in self.searcher.segment_readers().iter().enumerate() {
            let base = self.rows.base(ordinal);
            // The part's documents in this segment.
            let first = rows.start.saturating_sub(base);
            let end = rows.end.saturating_sub(base).min(segment.max_doc());
            if first >= end {
                continue;
            }
            // Driven by hand rather than by `Weight::for_each`, to start and stop inside the
            // segment. Tantivy's scorers still see deleted documents.
            let alive = segment.alive_bitset();
            let mut scorer = weight.scorer(segment, 1.0)?;
            let mut doc = scorer.doc();
            if doc < first {
                doc = scorer.seek(first);
            }
            while doc < end {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let score = scorer.score();
                    levels[matched_clauses(score).min(top) as usize] += 1;
                    found.push((score, base.saturating_add(doc)));
                }
                doc = scorer.advance();
            }
        }
        Ok(Matched { found, levels })
    }

    /// One part's kept matches: how many, their facet counts, and the first of them in the
    /// search's order as keys (`wanted` of them at least, when there are). `offset` is added
    /// to a match's position to number it across parts.
    #[allow(clippy::too_many_arguments)]
    fn tally(
        &self,
        found: &[(Score, u32)],
        offset: u32,
        (needed, floor): (u32, Score),
        filters: &Filters,
        order: &Order,
        today: i32,
        wanted: usize,
    ) -> Tally {
        // Numbered across facets, as `Rows` numbers values.
        let mut counts = vec![0u32; self.rows.values()];
        // Each kept match as its place in the order, with its number in the low bits:
        // sorting compares integers and reads nothing else.
        let mut kept = Smallest::new(wanted);
        let mut total = 0;
        let mut unknown_amount = 0;
        let extra = filters.any_extra();
        let by_place = order.by_place();
        let named = order.named();
        for (i, &(score, n)) in (offset..).zip(found) {
            let Some(row) = self.rows.get(n).filter(|r| r.is_live()) else {
                continue;
            };
            let place = if named {
                order.place(self.rows.ids(row, Facet::Municipality))
            } else {
                0
            };
            // Every match matched a clause at least, so only a higher bar needs checking.
            if needed > 1 && matched_clauses(score) + order.lift_of(place) < needed {
                continue;
            }
            if score < floor && !(named && Order::is_own(place)) {
                continue;
            }
            let status = row.status(today);
            // The filters that are not facets hold for every facet's counts.
            if extra {
                match filters.extra(row) {
                    Extra::Pass => {}
                    Extra::Fail => continue,
                    Extra::UnknownAmount => {
                        if Facet::ALL
                            .into_iter()
                            .all(|f| filters.passes(f, self.rows.ids(row, f), status))
                        {
                            unknown_amount += 1;
                        }
                        continue;
                    }
                }
            }
            // Disjunctive counting: each facet counts what every *other* filter lets through,
            // so a record failing one filter still counts in that filter's facet.
            let (first, second) = if filters.any {
                let mut failing = Facet::ALL
                    .into_iter()
                    .filter(|f| !filters.passes(*f, self.rows.ids(row, *f), status));
                (failing.next(), failing.next())
            } else {
                (None, None)
            };
            // Status is value `status` of its facet.
            let status_value = self.rows.offset(Facet::Status) as usize + status as usize;
            match (first, second) {
                (None, _) => {
                    counts[status_value] += 1;
                    for id in self.rows.all_ids(row) {
                        counts[*id as usize] += 1;
                    }
                }
                (Some(Facet::Status), None) => counts[status_value] += 1,
                (Some(one), None) => {
                    for id in self.rows.ids(row, one) {
                        counts[*id as usize] += 1;
                    }
                }
                (Some(_), Some(_)) => {}
            }
            if first.is_none() {
                total += 1;
                let key = if by_place {
                    order.key_by_place(score, row, place)
                } else {
                    order.key(score, row, status)
                };
                kept.push(key | u128::from(i));
            }
        }
        Tally {
            total,
            counts,
            kept: kept.keys,
            unknown_amount,
        }
    }
}

/// Snapshots of at least this many documents are searched in parts, one per idle core: over
/// 100,000 entries a search that missed the answer cache took 10 to 30 ms on one core.
/// Below it, a search takes about as long as starting the threads would save. Not more parts
/// than cores: each part builds its own scorers, and for a long query over a large segment
/// that took 1 to 3 ms (four parts on two cores were slower than two).
const SPLIT_FROM: usize = 20_000;

/// May a search take its matches from the snapshot's cache?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reuse {
    Cached,
    /// Found again (and cached): what the first search of some words costs.
    Fresh,
}

/// How many searches this process is running now.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// One running search, counted in `RUNNING` while it lives.
struct Running;

impl Running {
    /// Counts a search in, with how many others were running.
    fn start() -> (Running, usize) {
        (Running, RUNNING.fetch_add(1, Ordering::Relaxed))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One part's matches: (score, row number), and how many matched each number of clauses.
struct Matched {
    found: Vec<(Score, u32)>,
    levels: Vec<usize>,
}

/// One part's first kept matches as keys, how many there were, and their facet counts.
struct Tally {
    kept: Vec<u128>,
    total: usize,
    /// Per value, numbered across facets as `Rows` numbers them.
    counts: Vec<u32>,
    /// Matches left out by `min_amount` only because their amount is not known.
    unknown_amount: usize,
}

/// The least score a match of a question must have to be kept: `QUESTION_KEEP` of the best
/// score, and no less than the `QUESTION_MATCHES`th best, so that a question matching most of
/// a large handbook by its common words does not count and sort all of it. The best score is
/// that of the words: a measure an editor pinned scores from `pin_floor` up, and a share of
/// that would leave nothing but the pins.
fn question_floor(found: &[(Score, u32)], pin_floor: Score) -> Score {
    let best = found
        .iter()
        .map(|m| m.0)
        .filter(|s| *s < pin_floor)
        .fold(0.0, Score::max);
    let mut floor = best * QUESTION_KEEP;
    if found.len() > QUESTION_MATCHES {
        let mut scores: Vec<Score> = found.iter().map(|m| m.0).collect();
        let (_, nth, _) =
            scores.select_nth_unstable_by(QUESTION_MATCHES - 1, |a, b| b.total_cmp(a));
        floor = floor.max(*nth);
    }
    floor
}

/// A question keeps the matches that score at least this share of the best one's score.
const QUESTION_KEEP: Score = 0.2;
/// And at most about this many (more only where scores tie).
const QUESTION_MATCHES: usize = 300;

/// How many clauses a match must have matched to be kept (none without a query), from how
/// many matches matched each number of clauses.
///
/// A document's score says how many clauses it matched (`score / COORDINATION`). Kept are
/// the documents that match the most clauses any document matches, and, for queries of three
/// or more clauses, those that miss one more: a long query rarely has every word in the right
/// entry. When that leaves fewer than `ENOUGH` results, documents that miss one more clause
/// are added below them, rather than showing next to nothing.
fn needed(levels: &[usize]) -> u32 {
    let clauses = levels.len().saturating_sub(1);
    if clauses == 0 {
        return 0;
    }
    let at_least = |needed: usize| levels.iter().skip(needed).sum::<usize>();
    let best = (0..=clauses).rev().find(|l| levels[*l] > 0).unwrap_or(0);
    let slack = usize::from(clauses >= 3);
    let mut needed = best.saturating_sub(slack).max(1);
    if needed > 1 && at_least(needed) < ENOUGH {
        needed -= 1;
    }
    u32::try_from(needed).unwrap_or(u32::MAX)
}

/// A facet value's label, as listed with the results.
#[derive(Debug)]
struct Label {
    text: String,
    /// Its place among the facet's labels, by the folded label, then the label itself.
    rank: u32,
}

impl Label {
    /// The labels of a facet's values, by value id, each with its place in their order.
    fn all(texts: Vec<String>) -> Vec<Label> {
        let mut order: Vec<(String, usize)> = texts
            .iter()
            .enumerate()
            .map(|(id, text)| (analysis::fold(text), id))
            .collect();
        order.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| texts[*a].cmp(&texts[*b])));
        let mut ranks = vec![0u32; texts.len()];
        for (rank, (_, id)) in order.into_iter().enumerate() {
            ranks[id] = u32::try_from(rank).unwrap_or(u32::MAX);
        }
        texts
            .into_iter()
            .zip(ranks)
            .map(|(text, rank)| Label { text, rank })
            .collect()
    }
}

/// The label people see for a facet value.
fn label_of(vocabulary: &Vocabulary, facet: Facet, key: &str, lang: Lang) -> String {
    match facet.dimension() {
        Some(d) => vocabulary.label_in(d, key, lang).to_string(),
        None => {
            Status::from_key(key).map_or_else(|| key.to_string(), |s| s.label_in(lang).to_string())
        }
    }
}

/// Fewer results than this after matching most words, and results that match one word fewer
/// are shown too: one screen of results.
const ENOUGH: usize = 10;

/// How many clauses a document with this score matched.
fn matched_clauses(score: Score) -> u32 {
    // Scores are non-negative and far below u32::MAX * COORDINATION, so truncating is
    // flooring (and a cast is several times cheaper than `floor`, here once per match).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let n = (score / query::COORDINATION) as u32;
    n
}

pub enum Lookup<'a> {
    Found(&'a Arc<Entry>),
    Moved(&'a str),
    Missing,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_labels_are_ranked_as_a_slovenian_reader_orders_them() {
        // By value id: a raw byte order would put "Črnomelj" after "Dol", and "ajdovščina"
        // before "Brežice".
        let labels = Label::all(vec![
            "Dol pri Ljubljani".into(),
            "Črnomelj".into(),
            "Celje".into(),
            "Brežice".into(),
            "ajdovščina".into(),
            "Cerknica".into(),
        ]);
        let mut by_rank: Vec<&str> = Vec::new();
        let mut order: Vec<&Label> = labels.iter().collect();
        order.sort_by_key(|l| l.rank);
        by_rank.extend(order.iter().map(|l| l.text.as_str()));
        assert_eq!(
            by_rank,
            [
                "ajdovščina",
                "Brežice",
                "Celje",
                "Cerknica",
                "Črnomelj",
                "Dol pri Ljubljani"
            ]
        );
        // Each place is given once.
        let mut ranks: Vec<u32> = labels.iter().map(|l| l.rank).collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..6).collect::<Vec<u32>>());
    }

    #[test]
    fn a_question_keeps_a_share_of_the_best_score_and_at_most_its_best_matches() {
        // Few matches: a share of the best score.
        let few: Vec<(Score, u32)> = vec![(50.0, 0), (9.0, 1), (11.0, 2)];
        assert!((question_floor(&few, 1000.0) - 50.0 * QUESTION_KEEP).abs() < 1e-6);
        // A pinned measure's score is not the words' best.
        let pinned: Vec<(Score, u32)> = vec![(5000.0, 3), (50.0, 0), (9.0, 1), (11.0, 2)];
        assert!((question_floor(&pinned, 1000.0) - 50.0 * QUESTION_KEEP).abs() < 1e-6);
        // Many with close scores: the score of the QUESTION_MATCHES-th best.
        let many: Vec<(Score, u32)> = (0..2000u32)
            .map(|n| (100.0 - n as Score / 100.0, n))
            .collect();
        let floor = question_floor(&many, 1000.0);
        let kept = many.iter().filter(|m| m.0 >= floor).count();
        assert_eq!(kept, QUESTION_MATCHES);
    }
}
