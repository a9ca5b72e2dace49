//! The calls of one recurring measure rank together in a question. A yearly call of a
//! municipality, or SPS's P1 plus every year, says nearly the same thing in each call's own
//! words, and a person who asks in a sentence matches one call's wording a little better than
//! another's. When one call answers the question, the others answer it as well (the next call
//! is likely to be much the same), so in a question every call of a series scores at least
//! `SIBLING_SHARE` of its best-matched call: they come together, the best one first.
//!
//! Only questions: a search of a few words counts matched words first (`query`), and the
//! calls of a series share those words or they do not. Only calls that matched a word: a call
//! that shares none of the question's words is not lifted in. And the less of the question a
//! call matched, the less it is lifted: a town's yearly call may fund rent one year and an
//! incubator the next, and the year that matched a question about rent by its town's name
//! alone does not answer it as the year about rent does.

use std::sync::Arc;

use tantivy::Score;

use crate::search::records::{Record, Rows};

/// How much of the best call's score each other call of its series keeps at least: below it,
/// so the best-matched call still comes first.
const SIBLING_SHARE: Score = 0.9;

/// Which series each row (a document, by its number across segments) belongs to, numbered
/// from 0, or `NONE` (no series, or a row no longer live): one lookup per match, as a
/// question may match most of a large handbook.
#[derive(Debug, Default)]
pub(super) struct Siblings {
    of_row: Vec<u32>,
    count: usize,
}

const NONE: u32 = u32::MAX;

impl Siblings {
    /// Numbers the series of `records` (in any order: the numbers only tell series apart),
    /// and gives each of `rows` its record's.
    pub(super) fn new(records: &[Arc<Record>], rows: &Rows) -> Siblings {
        let mut numbers = foldhash::HashMap::<&str, u32>::default();
        let of_record: Vec<u32> = records
            .iter()
            .map(|r| match r.entry.series.as_deref() {
                Some(key) => {
                    let next = u32::try_from(numbers.len()).unwrap_or(NONE);
                    *numbers.entry(key).or_insert(next)
                }
                None => NONE,
            })
            .collect();
        let of_row = (0..u32::try_from(rows.count()).unwrap_or(u32::MAX))
            .map(|n| {
                rows.get(n)
                    .filter(|r| r.is_live())
                    .and_then(|r| of_record.get(r.record as usize).copied())
                    .unwrap_or(NONE)
            })
            .collect();
        Siblings {
            of_row,
            count: numbers.len(),
        }
    }

    /// Raises the score of each match (score, row number) in a series towards `SIBLING_SHARE`
    /// of the best match of its series (less the less the match scored itself: `lifted`),
    /// where that is more. A measure an editor pinned scores from `pin_floor` up, above
    /// anything words score: it neither lifts its series nor is lifted, or its series would
    /// follow it above every other answer.
    pub(super) fn lift(&self, found: &mut [(Score, u32)], pin_floor: Score) {
        // Most handbooks with no series pay for nothing here.
        if self.count == 0 {
            return;
        }
        // A match in no series (or pinned) counts in one more, last slot, cleared before the
        // second pass so that it lifts nothing. The loops then do not branch on whether a
        // match has a series, which cannot be predicted where about half the matches have one,
        // in no order (see docs/performance.md).
        let none = self.count;
        let slot = |&(score, n): &(Score, u32)| match self.of_row.get(n as usize) {
            Some(&s) if s != NONE && score < pin_floor => s as usize,
            _ => none,
        };
        let mut best: Vec<Score> = vec![0.0; self.count + 1];
        for m in found.iter() {
            let b = &mut best[slot(m)];
            *b = b.max(m.0);
        }
        best[none] = 0.0;
        for m in found.iter_mut() {
            m.0 = m.0.max(lifted(m.0, best[slot(m)]));
        }
    }
}

/// What a call scoring `own` rises to in a series whose best call scores `best`.
///
/// The lift shrinks with how little of the question the call matched: a call scoring a share
/// `r` of the best rises to `SIBLING_SHARE` × the fourth root of `r` of it. A call near the
/// best rises nearly to the share (r = 0.5 gives 0.76 of the best); one that matched a word in
/// passing (r = 0.05) rises to less than half of it. (Two square roots: a question may lift
/// most of a large handbook, and a square root is one instruction where a power is a call.)
fn lifted(own: Score, best: Score) -> Score {
    let share = best * SIBLING_SHARE;
    if own >= share || own <= 0.0 {
        return own;
    }
    share * (own / best).sqrt().sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Series by row: rows 0 and 1 in series 0, row 2 in none, row 3 in series 1, row 4 no
    /// longer live.
    fn siblings() -> Siblings {
        Siblings {
            of_row: vec![0, 0, NONE, 1, NONE],
            count: 2,
        }
    }

    #[test]
    fn a_call_rises_to_a_share_of_its_series_best_match_and_no_further() {
        // Row 4 is no longer live and row 9 is beyond the rows: neither is in a series.
        let mut found = vec![
            (10.0, 0),
            (2.0, 1),
            (3.0, 2),
            (4.0, 3),
            (50.0, 4),
            (60.0, 9),
        ];
        siblings().lift(&mut found, 1000.0);
        // Row 1 scored a fifth of its series' best: 0.9 × the fourth root of 0.2 of it.
        assert!((found[1].0 - 6.019).abs() < 0.001, "{found:?}");
        assert_eq!(
            found,
            vec![
                (10.0, 0),
                (found[1].0, 1),
                (3.0, 2),
                (4.0, 3),
                (50.0, 4),
                (60.0, 9)
            ]
        );
    }

    #[test]
    fn a_call_that_matched_less_of_the_question_is_lifted_less() {
        let mut found = vec![(10.0, 0), (5.0, 1)];
        siblings().lift(&mut found, 1000.0);
        let mut barely = vec![(10.0, 0), (0.5, 1)];
        siblings().lift(&mut barely, 1000.0);
        // Both rise, the closer match further, and neither to the best call's score.
        assert!(found[1].0 > 5.0 && barely[1].0 > 0.5);
        assert!(barely[1].0 < found[1].0 && found[1].0 < 10.0 * SIBLING_SHARE);
        assert!(barely[1].0 < 5.0, "{barely:?}");
    }

    #[test]
    fn a_call_scoring_more_than_the_share_keeps_its_own_score() {
        let mut found = vec![(10.0, 0), (9.5, 1)];
        siblings().lift(&mut found, 1000.0);
        assert_eq!(found, vec![(10.0, 0), (9.5, 1)]);
    }

    #[test]
    fn a_pinned_call_neither_lifts_its_series_nor_is_lifted() {
        let mut found = vec![(5000.0, 0), (2.0, 1), (8.0, 3)];
        siblings().lift(&mut found, 1000.0);
        assert_eq!(found, vec![(5000.0, 0), (2.0, 1), (8.0, 3)]);
        let mut found = vec![(10.0, 0), (5000.0, 1)];
        siblings().lift(&mut found, 1000.0);
        assert_eq!(found, vec![(10.0, 0), (5000.0, 1)]);
    }

    #[test]
    fn without_series_nothing_changes() {
        let mut found = vec![(10.0, 0), (2.0, 1)];
        Siblings::default().lift(&mut found, 1000.0);
        assert_eq!(found, vec![(10.0, 0), (2.0, 1)]);
    }
}
