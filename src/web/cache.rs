//! A small cache of rendered search answers. Searches repeat (a call opens, a newspaper links
//! one search, hundreds of people run it), and an answer only changes when the handbook does or
//! the day turns, so both are part of the key. Bounded by bytes, least recently used out first.

use std::sync::Mutex;

use axum::body::Bytes;
use chrono::NaiveDate;
use lru::LruCache;

/// What the whole cache may hold.
pub const BUDGET_BYTES: usize = 8 * 1024 * 1024;
/// Answers larger than this are not cached: one would crowd out many.
const MAX_ANSWER_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Json,
    Html,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: Kind,
    query: String,
}

struct Inner {
    generation: u64,
    today: Option<NaiveDate>,
    entries: LruCache<Key, Bytes>,
    bytes: usize,
}

pub struct AnswerCache {
    inner: Mutex<Inner>,
}

impl Default for AnswerCache {
    fn default() -> Self {
        AnswerCache {
            inner: Mutex::new(Inner {
                generation: 0,
                today: None,
                entries: LruCache::unbounded(),
                bytes: 0,
            }),
        }
    }
}

impl std::fmt::Debug for AnswerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AnswerCache")
    }
}

impl AnswerCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached answer, if the handbook and the day are still those it was made for.
    pub fn get(&self, kind: Kind, query: &str, generation: u64, today: NaiveDate) -> Option<Bytes> {
        let mut inner = self.lock();
        inner.refresh(generation, today);
        inner
            .entries
            .get(&Key {
                kind,
                query: query.to_string(),
            })
            .cloned()
    }

    pub fn put(&self, kind: Kind, query: &str, generation: u64, today: NaiveDate, answer: Bytes) {
        if answer.len() > MAX_ANSWER_BYTES {
            return;
        }
        let mut inner = self.lock();
        inner.refresh(generation, today);
        let size = answer.len() + query.len();
        if let Some(old) = inner.entries.put(
            Key {
                kind,
                query: query.to_string(),
            },
            answer,
        ) {
            inner.bytes -= old.len() + query.len();
        }
        inner.bytes += size;
        while inner.bytes > BUDGET_BYTES {
            match inner.entries.pop_lru() {
                Some((k, v)) => inner.bytes -= v.len() + k.query.len(),
                None => break,
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

impl Inner {
    /// A new handbook version or a new day makes every answer stale.
    fn refresh(&mut self, generation: u64, today: NaiveDate) {
        if self.generation != generation || self.today != Some(today) {
            self.entries.clear();
            self.bytes = 0;
            self.generation = generation;
            self.today = Some(today);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).unwrap()
    }

    #[test]
    fn answers_are_reused_until_the_handbook_or_the_day_changes() {
        let c = AnswerCache::default();
        c.put(Kind::Json, "q=a", 1, day(1), Bytes::from_static(b"one"));
        assert_eq!(
            c.get(Kind::Json, "q=a", 1, day(1)).as_deref(),
            Some(&b"one"[..])
        );
        assert_eq!(c.get(Kind::Html, "q=a", 1, day(1)), None);
        assert_eq!(
            c.get(Kind::Json, "q=a", 2, day(1)),
            None,
            "a new handbook version"
        );
        c.put(Kind::Json, "q=a", 2, day(1), Bytes::from_static(b"two"));
        assert_eq!(c.get(Kind::Json, "q=a", 2, day(2)), None, "a new day");
    }

    #[test]
    fn the_cache_stays_within_its_byte_budget() {
        let c = AnswerCache::default();
        let answer = Bytes::from(vec![b'x'; 200 * 1024]);
        for i in 0..100 {
            c.put(Kind::Html, &format!("q={i}"), 1, day(1), answer.clone());
        }
        assert!(c.len() * 200 * 1024 <= BUDGET_BYTES, "{} answers", c.len());
        assert!(
            c.get(Kind::Html, "q=99", 1, day(1)).is_some(),
            "the newest stays"
        );
        assert!(
            c.get(Kind::Html, "q=0", 1, day(1)).is_none(),
            "the oldest went first"
        );
    }
}
