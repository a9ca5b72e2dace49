//! The documents a query's words match, kept per snapshot for the searches that follow. Finding
//! them is most of what a search costs (docs/performance.md has the figures), and they do not
//! depend on the filters, the sort or the page: a person narrowing a search facet by facet,
//! sorting it or paging through it asks for the same words again and again, and each of those
//! searches then costs only the loop over the matches.
//!
//! Keyed by the parsed query, so a different spelling of the same words is the same entry.
//! Bounded by bytes, least recently used out first; a snapshot owns its cache, so a change to
//! the handbook starts with an empty one and nothing is ever stale.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tantivy::Score;

use crate::lru::ByteLru;
use crate::search::query::{Clause, Features, Highlighter};

/// What one snapshot's cache may hold: a few dozen sets of matches over 100,000 entries, and
/// hundreds over 10,000.
pub const BUDGET_BYTES: usize = 16 * 1024 * 1024;
/// At most this many sets, however small: each costs its key and bookkeeping besides.
const MAX_SETS: usize = 1024;
/// A set larger than this share of the budget is not kept: one would crowd out many.
const LARGEST_SHARE: usize = 8;
/// Counted per set on top of what its vectors and strings hold: the map's own bookkeeping.
const OVERHEAD_BYTES: usize = 256;

/// Every document a query matches, in row order.
#[derive(Debug, Default)]
pub struct Matches {
    /// (score, row number) of each match.
    pub found: Vec<(Score, u32)>,
    /// How many matches matched each number of clauses (index: the number).
    pub levels: Vec<usize>,
    /// Which words of a text to mark, the same way the query matched them.
    pub highlighter: Highlighter,
    /// Whether the words were searched as a question (`query::Compiled::question`).
    pub question: bool,
}

impl Matches {
    /// Bytes the set holds on the heap.
    fn heap_bytes(&self) -> usize {
        self.found.capacity() * std::mem::size_of::<(Score, u32)>()
            + self.levels.capacity() * std::mem::size_of::<usize>()
            + self.highlighter.heap_bytes()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    clauses: Vec<Clause>,
    /// Whether the words are a question (`query::is_question`): the same clauses may be
    /// keywords ("prenos podjetje občina") or a question ("ali občina podjetju kaj da za
    /// prenos"), which match alike but score apart.
    question: bool,
    features: Features,
}

/// Bytes kept for a set under its key while cached: what the budget counts. A query of a
/// thousand characters makes a long key and highlighter, so both are counted as they are.
fn size(key: &Key, matches: &Matches) -> usize {
    let key_bytes = key.clauses.capacity() * std::mem::size_of::<Clause>()
        + key.clauses.iter().map(Clause::heap_bytes).sum::<usize>();
    key_bytes + matches.heap_bytes() + std::mem::size_of::<Matches>() + OVERHEAD_BYTES
}

struct Inner {
    sets: ByteLru<Key, Arc<Matches>>,
    hits: u64,
}

/// What a cache holds and how often it served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Held {
    pub sets: usize,
    pub bytes: usize,
    /// Searches that found their matches here.
    pub hits: u64,
}

/// A snapshot's sets of matches, by query.
pub struct MatchCache {
    inner: Mutex<Inner>,
}

impl Default for MatchCache {
    fn default() -> Self {
        MatchCache::with_budget(BUDGET_BYTES)
    }
}

impl std::fmt::Debug for MatchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchCache")
    }
}

impl MatchCache {
    pub fn with_budget(budget: usize) -> MatchCache {
        MatchCache {
            inner: Mutex::new(Inner {
                sets: ByteLru::new(budget, budget / LARGEST_SHARE, MAX_SETS, |k, m| size(k, m)),
                hits: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the map whole (each change to it is one call
        // into `LruCache`); at worst the byte count is off by one set, which only moves the
        // budget.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(
        &self,
        clauses: &[Clause],
        question: bool,
        features: Features,
    ) -> Option<Arc<Matches>> {
        let key = Key {
            clauses: clauses.to_vec(),
            question,
            features,
        };
        let mut inner = self.lock();
        let found = inner.sets.get(&key).cloned();
        inner.hits += u64::from(found.is_some());
        drop(inner);
        crate::metrics::global().match_cache(found.is_some());
        found
    }

    pub fn put(
        &self,
        clauses: &[Clause],
        question: bool,
        features: Features,
        matches: Arc<Matches>,
    ) {
        let key = Key {
            clauses: clauses.to_vec(),
            question,
            features,
        };
        self.lock().sets.put(key, matches);
    }

    pub fn held(&self) -> Held {
        let inner = self.lock();
        Held {
            sets: inner.sets.len(),
            bytes: inner.sets.bytes(),
            hits: inner.hits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query;

    fn matches(n: usize) -> Arc<Matches> {
        let mut found = Vec::with_capacity(n);
        found.extend((0..n).map(|i| (1.0, u32::try_from(i).unwrap())));
        Arc::new(Matches {
            found,
            levels: vec![0, n],
            highlighter: Highlighter::default(),
            question: false,
        })
    }

    /// What a set of `n` matches for `text` costs the budget.
    fn cost(text: &str, n: usize) -> usize {
        // As `put` keeps it: a copy, with no spare room in its strings.
        let key = Key {
            clauses: query::parse(text).to_vec(),
            question: false,
            features: Features::ALL,
        };
        size(&key, &matches(n))
    }

    #[test]
    fn the_same_words_find_the_same_set_and_other_words_rules_or_readings_do_not() {
        let cache = MatchCache::default();
        let set = matches(10);
        cache.put(
            &query::parse("najemnina"),
            false,
            Features::ALL,
            set.clone(),
        );
        let again = cache.get(&query::parse("  Najemnina"), false, Features::ALL);
        assert!(again.is_some_and(|m| Arc::ptr_eq(&m, &set)));
        assert_eq!(cache.held().hits, 1);
        assert!(
            cache
                .get(&query::parse("najemnina "), false, Features::ALL)
                .is_none()
        );
        assert!(
            cache
                .get(&query::parse("najemnine"), false, Features::ALL)
                .is_none()
        );
        assert!(
            cache
                .get(&query::parse("najemnina"), false, Features::PLAIN)
                .is_none()
        );
        // The same words as a question score apart.
        assert!(
            cache
                .get(&query::parse("najemnina"), true, Features::ALL)
                .is_none()
        );
        assert_eq!(cache.held().hits, 1, "misses are not hits");
    }

    #[test]
    fn the_least_recently_used_sets_leave_first_and_the_budget_holds() {
        let words = [
            "ana", "bor", "cvet", "dom", "eko", "fasada", "gora", "hiša", "izba",
        ];
        let cost = |w: &str| cost(w, 1000);
        let eight: usize = words[..8].iter().map(|w| cost(w)).sum();
        let cache = MatchCache::with_budget(eight + cost("izba") / 2);
        for word in &words[..8] {
            cache.put(&query::parse(word), false, Features::ALL, matches(1000));
        }
        assert_eq!((cache.held().sets, cache.held().bytes), (8, eight));
        // Used again, so not the least recent.
        assert!(
            cache
                .get(&query::parse("ana"), false, Features::ALL)
                .is_some()
        );
        cache.put(&query::parse("izba"), false, Features::ALL, matches(1000));
        let held = cache.held();
        assert_eq!(held.sets, 8);
        assert_eq!(held.bytes, eight - cost("bor") + cost("izba"));
        assert!(
            cache
                .get(&query::parse("bor"), false, Features::ALL)
                .is_none()
        );
        assert!(
            cache
                .get(&query::parse("ana"), false, Features::ALL)
                .is_some()
        );
        assert!(
            cache
                .get(&query::parse("izba"), false, Features::ALL)
                .is_some()
        );
    }

    #[test]
    fn a_set_too_large_for_its_share_is_not_kept() {
        let cache = MatchCache::with_budget(cost("najemnina", 1000) * LARGEST_SHARE - 1);
        cache.put(
            &query::parse("najemnina"),
            false,
            Features::ALL,
            matches(1000),
        );
        assert_eq!(cache.held(), Held::default());
        cache.put(
            &query::parse("najemnina"),
            false,
            Features::ALL,
            matches(900),
        );
        assert_eq!(cache.held().sets, 1);
    }

    #[test]
    fn a_long_query_costs_its_words_and_no_more_than_max_sets_are_kept() {
        let long = ["podjetnik"; 100].join(" ");
        let key = |text: &str| Key {
            clauses: query::parse(text),
            question: false,
            features: Features::ALL,
        };
        assert!(size(&key(&long), &matches(10)) > size(&key("a1"), &matches(10)) + 100 * 18);
        let cache = MatchCache::default();
        for i in 0..MAX_SETS + 10 {
            cache.put(
                &query::parse(&format!("w{i}")),
                false,
                Features::ALL,
                matches(1),
            );
        }
        assert_eq!(cache.held().sets, MAX_SETS);
        assert!(
            cache
                .get(&query::parse("w0"), false, Features::ALL)
                .is_none()
        );
        assert!(
            cache
                .get(
                    &query::parse(&format!("w{}", MAX_SETS + 9)),
                    false,
                    Features::ALL
                )
                .is_some()
        );
    }
}
