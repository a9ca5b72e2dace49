//! The calls of one recurring measure rank together in a question. A yearly call of a
//! municipality, or SPS's P1 plus every year, says nearly the same thing in each call's own
//! words, and a person who asks in a sentence matches one call's wording a little better than
//! another's. When one call answers the question, the others answer it as well (the next call
//! is likely to be much the same), so in a question every call of a series scores at least
//! `SIBLING_SHARE` of its best-matched call: they come together, the best one first.
//!
//! Only questions: a search of a few words counts matched words first (`query`), and the
//! calls of a series share those words or they do not. Only calls that matched a word: a call
//! that shares none of the question's words is not lifted in.

use tantivy::Score;

use crate::search::records::Record;

/// How much of the best call's score each other call of its series keeps at least: below it,
/// so the best-matched call still comes first.
const SIBLING_SHARE: Score = 0.9;

/// Which series each record (by its index in the snapshot's records) belongs to, numbered
/// from 0, or `NONE`.
#[derive(Debug, Default)]
pub(super) struct Siblings {
    of_record: Vec<u32>,
    count: usize,
}

const NONE: u32 = u32::MAX;

impl Siblings {
    /// Numbers the series of `records` (in any order: the numbers only tell series apart).
    pub(super) fn new(records: &[std::sync::Arc<Record>]) -> Siblings {
        let mut numbers = foldhash::HashMap::<&str, u32>::default();
        let of_record = records
            .iter()
            .map(|r| match r.entry.series.as_deref() {
                Some(key) => {
                    let next = u32::try_from(numbers.len()).unwrap_or(NONE);
                    *numbers.entry(key).or_insert(next)
                }
                None => NONE,
            })
            .collect();
        Siblings {
            of_record,
            count: numbers.len(),
        }
    }

    /// Raises the score of each match (score, any number) in a series to `SIBLING_SHARE` of the
    /// best match of its series, where that is more. `record` gives a match's record index,
    /// or `None` for a row no longer live. A measure an editor pinned scores from `pinned` up,
    /// above anything words score: it neither lifts its series nor is lifted, or its series
    /// would follow it above every other answer.
    pub(super) fn lift(
        &self,
        found: &mut [(Score, u32)],
        pinned: Score,
        record: impl Fn(u32) -> Option<u32>,
    ) {
        // Most handbooks with no series, and the benchmark's corpus, pay for nothing here.
        if self.count == 0 {
            return;
        }
        let series_of = |n: u32| {
            record(n)
                .and_then(|r| self.of_record.get(r as usize).copied())
                .filter(|s| *s != NONE)
        };
        let mut best: Vec<Score> = vec![0.0; self.count];
        for &(score, n) in found.iter().filter(|m| m.0 < pinned) {
            if let Some(s) = series_of(n) {
                let b = &mut best[s as usize];
                *b = b.max(score);
            }
        }
        for m in found.iter_mut().filter(|m| m.0 < pinned) {
            if let Some(s) = series_of(m.1) {
                m.0 = m.0.max(best[s as usize] * SIBLING_SHARE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Series by record: records 0 and 1 in series 0, record 2 in none, record 3 in series 1.
    fn siblings() -> Siblings {
        Siblings {
            of_record: vec![0, 0, NONE, 1],
            count: 2,
        }
    }

    #[test]
    fn a_call_rises_to_a_share_of_its_series_best_match_and_no_further() {
        // Rows are records here; row 9 is no longer live.
        let mut found = vec![(10.0, 0), (2.0, 1), (3.0, 2), (4.0, 3), (50.0, 9)];
        siblings().lift(&mut found, 1000.0, |n| (n < 4).then_some(n));
        assert_eq!(
            found,
            vec![
                (10.0, 0),
                (10.0 * SIBLING_SHARE, 1),
                (3.0, 2),
                (4.0, 3),
                (50.0, 9)
            ]
        );
    }

    #[test]
    fn a_call_scoring_more_than_the_share_keeps_its_own_score() {
        let mut found = vec![(10.0, 0), (9.5, 1)];
        siblings().lift(&mut found, 1000.0, Some);
        assert_eq!(found, vec![(10.0, 0), (9.5, 1)]);
    }

    #[test]
    fn a_pinned_call_neither_lifts_its_series_nor_is_lifted() {
        let mut found = vec![(5000.0, 0), (2.0, 1), (8.0, 3)];
        siblings().lift(&mut found, 1000.0, Some);
        assert_eq!(found, vec![(5000.0, 0), (2.0, 1), (8.0, 3)]);
        let mut found = vec![(10.0, 0), (5000.0, 1)];
        siblings().lift(&mut found, 1000.0, Some);
        assert_eq!(found, vec![(10.0, 0), (5000.0, 1)]);
    }

    #[test]
    fn without_series_nothing_changes() {
        let mut found = vec![(10.0, 0), (2.0, 1)];
        Siblings::default().lift(&mut found, 1000.0, Some);
        assert_eq!(found, vec![(10.0, 0), (2.0, 1)]);
    }
}
