//! A map that keeps its most recently used entries within a budget of bytes: the answer cache
//! of the web layer and the match cache of a snapshot are both one. Each entry is counted as the
//! `size` function given says, an entry larger than `largest` is not kept at all (one would
//! crowd out many), and at most `max_len` entries are kept however small.

use std::hash::Hash;

use lru::LruCache;

pub struct ByteLru<K: Hash + Eq, V> {
    entries: LruCache<K, V>,
    bytes: usize,
    budget: usize,
    largest: usize,
    max_len: usize,
    size: fn(&K, &V) -> usize,
}

impl<K: Hash + Eq, V> ByteLru<K, V> {
    pub fn new(budget: usize, largest: usize, max_len: usize, size: fn(&K, &V) -> usize) -> Self {
        ByteLru {
            entries: LruCache::unbounded(),
            bytes: 0,
            budget,
            largest,
            max_len,
            size,
        }
    }

    /// The entry under `key`, now the most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.entries.get(key)
    }

    /// Keeps `value` under `key` (replacing what was there), then drops the least recently
    /// used entries until the budget holds. False if it was too large to keep.
    pub fn put(&mut self, key: K, value: V) -> bool {
        let bytes = (self.size)(&key, &value);
        if bytes > self.largest {
            return false;
        }
        if let Some((old_key, old)) = self.entries.pop_entry(&key) {
            self.bytes -= (self.size)(&old_key, &old);
        }
        self.entries.put(key, value);
        self.bytes += bytes;
        while self.bytes > self.budget || self.entries.len() > self.max_len {
            match self.entries.pop_lru() {
                Some((old_key, old)) => self.bytes -= (self.size)(&old_key, &old),
                None => break,
            }
        }
        true
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bytes the entries count for.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lru(budget: usize) -> ByteLru<u32, Vec<u8>> {
        ByteLru::new(budget, budget / 2, 3, |_, v| v.len())
    }

    #[test]
    fn the_least_recently_used_leave_first_until_the_budget_holds() {
        let mut c = lru(10);
        assert!(c.put(1, vec![0; 4]));
        assert!(c.put(2, vec![0; 4]));
        assert!(c.get(&1).is_some());
        assert!(c.put(3, vec![0; 4]));
        assert_eq!((c.len(), c.bytes()), (2, 8));
        assert!(c.get(&2).is_none(), "2 was used least recently");
        assert!(c.get(&1).is_some() && c.get(&3).is_some());
    }

    #[test]
    fn a_replaced_entry_is_counted_once_and_a_too_large_one_is_not_kept() {
        let mut c = lru(10);
        assert!(c.put(1, vec![0; 4]));
        assert!(c.put(1, vec![0; 2]));
        assert_eq!((c.len(), c.bytes()), (1, 2));
        assert!(!c.put(2, vec![0; 6]), "over half the budget");
        assert_eq!((c.len(), c.bytes()), (1, 2));
        c.clear();
        assert!(c.is_empty() && c.bytes() == 0);
    }

    #[test]
    fn no_more_than_max_len_entries_are_kept() {
        let mut c = lru(1000);
        for k in 0..5 {
            c.put(k, vec![0; 1]);
        }
        assert_eq!(c.len(), 3);
        assert!(c.get(&0).is_none() && c.get(&4).is_some());
    }
}
