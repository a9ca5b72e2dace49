//! The documents a query's words match, kept per snapshot for the searches that follow. Finding
//! them is most of what a search costs (over 100,000 entries, 10 to 25 ms of Tantivy's
//! matching on one core), and they do not depend on the filters, the sort or the page: a
//! person narrowing a search facet by facet, sorting it or paging through it asks for the same
//! words again and again, and each of those searches then costs only the loop over the matches.
//!
//! Keyed by the parsed query, so a different spelling of the same words is the same entry.
//! Bounded by bytes, least recently used out first; a snapshot owns its cache, so a change to
//! the handbook starts with an empty one and nothing is ever stale.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use lru::LruCache;
use tantivy::Score;

use crate::query::{Clause, Features, Highlighter};

/// What one snapshot's cache may hold: a few dozen sets of matches over 100,000 entries, and
/// hundreds over 10,000.
pub const BUDGET_BYTES: usize = 16 * 1024 * 1024;
/// A set larger than this share of the budget is not kept: one would crowd out many.
const LARGEST_SHARE: usize = 8;
/// Counted per set on top of its matches: the key, the highlighter and the bookkeeping.
const OVERHEAD_BYTES: usize = 1024;

/// Every document a query matches, in row order.
#[derive(Debug, Default)]
pub struct Matches {
    /// (score, row number) of each match.
    pub found: Vec<(Score, u32)>,
    /// How many matches matched each number of clauses (index: the number).
    pub levels: Vec<usize>,
    /// How many clauses the query has.
    pub clauses: usize,
    /// Which words of a text to mark, the same way the query matched them.
    pub highlighter: Highlighter,
}

impl Matches {
    /// Bytes kept while cached: what the budget counts.
    pub fn size(&self) -> usize {
        self.found.capacity() * std::mem::size_of::<(Score, u32)>()
            + self.levels.capacity() * std::mem::size_of::<usize>()
            + OVERHEAD_BYTES
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    clauses: Vec<Clause>,
    features: Features,
}

struct Inner {
    sets: LruCache<Key, Arc<Matches>>,
    bytes: usize,
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
    budget: usize,
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
            budget,
            inner: Mutex::new(Inner {
                sets: LruCache::unbounded(),
                bytes: 0,
                hits: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock leaves the map consistent: every change to it is one
        // call into `LruCache`.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, clauses: &[Clause], features: Features) -> Option<Arc<Matches>> {
        let key = Key {
            clauses: clauses.to_vec(),
            features,
        };
        let mut inner = self.lock();
        let found = inner.sets.get(&key).cloned();
        inner.hits += u64::from(found.is_some());
        found
    }

    pub fn put(&self, clauses: &[Clause], features: Features, matches: Arc<Matches>) {
        let size = matches.size();
        if size > self.budget / LARGEST_SHARE {
            return;
        }
        let key = Key {
            clauses: clauses.to_vec(),
            features,
        };
        let mut inner = self.lock();
        if let Some(old) = inner.sets.put(key, matches) {
            inner.bytes -= old.size();
        }
        inner.bytes += size;
        while inner.bytes > self.budget {
            match inner.sets.pop_lru() {
                Some((_, old)) => inner.bytes -= old.size(),
                None => break,
            }
        }
    }

    pub fn held(&self) -> Held {
        let inner = self.lock();
        Held {
            sets: inner.sets.len(),
            bytes: inner.bytes,
            hits: inner.hits,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query;

    fn matches(n: usize) -> Arc<Matches> {
        let mut found = Vec::with_capacity(n);
        found.extend((0..n).map(|i| (1.0, u32::try_from(i).unwrap())));
        Arc::new(Matches {
            found,
            levels: vec![0, n],
            clauses: 1,
            highlighter: Highlighter::default(),
        })
    }

    #[test]
    fn the_same_words_find_the_same_set_and_other_words_or_rules_do_not() {
        let cache = MatchCache::default();
        let set = matches(10);
        cache.put(&query::parse("najemnina"), Features::ALL, set.clone());
        let again = cache.get(&query::parse("  Najemnina"), Features::ALL);
        assert!(again.is_some_and(|m| Arc::ptr_eq(&m, &set)));
        assert_eq!(cache.held().hits, 1);
        assert!(
            cache
                .get(&query::parse("najemnina "), Features::ALL)
                .is_none()
        );
        assert!(
            cache
                .get(&query::parse("najemnine"), Features::ALL)
                .is_none()
        );
        assert!(
            cache
                .get(&query::parse("najemnina"), Features::PLAIN)
                .is_none()
        );
        assert_eq!(cache.held().hits, 1, "misses are not hits");
    }

    #[test]
    fn the_least_recently_used_sets_leave_first_and_the_budget_holds() {
        let one = matches(1000).size();
        let cache = MatchCache::with_budget(one * 8 + one / 2);
        for word in ["a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8"] {
            cache.put(&query::parse(word), Features::ALL, matches(1000));
        }
        assert_eq!((cache.held().sets, cache.held().bytes), (8, one * 8));
        // Used again, so not the least recent.
        assert!(cache.get(&query::parse("a1"), Features::ALL).is_some());
        cache.put(&query::parse("i9"), Features::ALL, matches(1000));
        assert_eq!((cache.held().sets, cache.held().bytes), (8, one * 8));
        assert!(cache.get(&query::parse("b2"), Features::ALL).is_none());
        assert!(cache.get(&query::parse("a1"), Features::ALL).is_some());
        assert!(cache.get(&query::parse("i9"), Features::ALL).is_some());
    }

    #[test]
    fn a_set_too_large_for_its_share_is_not_kept() {
        let cache = MatchCache::with_budget(matches(1000).size() * LARGEST_SHARE - 1);
        cache.put(&query::parse("najemnina"), Features::ALL, matches(1000));
        assert_eq!(cache.held(), Held::default());
        cache.put(&query::parse("najemnina"), Features::ALL, matches(900));
        assert_eq!(cache.held().sets, 1);
    }
}
