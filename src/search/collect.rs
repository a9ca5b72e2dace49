//! The parts of a search's loop over its matches: which facet values the filters select, the
//! order of the matches as one number each (`Order`), the `k` smallest of those kept as the loop
//! goes (`Smallest`), and a page put in order without sorting the rest.

use std::ops::Range;

use tantivy::Score;

use crate::handbook::entry::Status;
use crate::search::facet::Facet;
use crate::search::records::{Interner, Row, Rows};
use crate::search::request::{SearchQuery, Sort};

/// `0..n` as `parts` contiguous ranges of nearly equal length (at least one range).
pub(super) fn split(n: usize, parts: usize) -> Vec<Range<u32>> {
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    let parts = u32::try_from(parts.max(1))
        .unwrap_or(u32::MAX)
        .min(n.max(1));
    let at = |k: u32| u32::try_from(u64::from(n) * u64::from(k) / u64::from(parts)).unwrap_or(n);
    (0..parts).map(|k| at(k)..at(k + 1)).collect()
}

/// The selected values per facet, as ids: OR within a facet, AND across facets. A selected
/// key the handbook does not have matches nothing, so an unknown value gives an empty result.
/// Beside them, the filters that are not facets: a least amount and a closing window, which
/// every facet's counts apply.
pub(super) struct Filters {
    pub(super) selected: [Option<Vec<u32>>; 6],
    /// Is any facet filter set? Most searches have none, and then every match passes.
    pub(super) any: bool,
    /// `min_amount`, in euros.
    min_amount: Option<i64>,
    /// `closing`: the day numbers a deadline must fall on.
    closing: Option<(i32, i32)>,
}

/// Whether a row passes the filters that are not facets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Extra {
    Pass,
    Fail,
    /// Passes but for `min_amount`, which it cannot meet because its amount is not known.
    UnknownAmount,
}

impl Filters {
    /// Values are numbered across facets as `rows` numbers them; statuses by `Status` alone.
    /// `applies_in` is the municipality and the national value (`SearchQuery::wanted`),
    /// whether or not the vocabulary knows the municipality: an unknown one adds nothing, as
    /// an unknown value of `municipality` does, so the two spellings always agree.
    pub(super) fn new(query: &SearchQuery, interner: &Interner, rows: &Rows, today: i32) -> Self {
        let selected = Facet::ALL.map(|f| {
            let keys = query.wanted(f);
            let offset = if f == Facet::Status {
                0
            } else {
                rows.offset(f)
            };
            (!keys.is_empty()).then(|| {
                keys.iter()
                    .filter_map(|k| interner.get(f, k))
                    .map(|id| id + offset)
                    .collect()
            })
        });
        let any = selected.iter().any(Option::is_some);
        let days = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        Filters {
            selected,
            any,
            min_amount: query
                .min_amount
                .map(|n| i64::try_from(n).unwrap_or(i64::MAX)),
            closing: query
                .closing
                .map(|n| (today, today.saturating_add(days(n)))),
        }
    }

    /// Does `row` pass `min_amount` and `closing`?
    pub(super) fn extra(&self, row: &Row) -> Extra {
        if let Some((from, to)) = self.closing
            && !row.closes_within(from, to)
        {
            return Extra::Fail;
        }
        match (self.min_amount, row.max_amount()) {
            (None, _) => Extra::Pass,
            (Some(_), None) => Extra::UnknownAmount,
            (Some(least), Some(amount)) if amount >= least => Extra::Pass,
            (Some(_), Some(_)) => Extra::Fail,
        }
    }

    /// Is any filter that is not a facet set?
    pub(super) fn any_extra(&self) -> bool {
        self.min_amount.is_some() || self.closing.is_some()
    }

    /// Does a match with these value ids in `facet` (and this status) pass its filter?
    pub(super) fn passes(&self, facet: Facet, ids: &[u32], status: Status) -> bool {
        match &self.selected[facet.index()] {
            None => true,
            Some(wanted) if facet == Facet::Status => wanted.contains(&(status as u32)),
            Some(wanted) => ids.iter().any(|id| wanted.contains(id)),
        }
    }
}

/// A search's order as a number per match, so that sorting compares integers: the sort's own
/// keys in the high 64 bits, then the title's rank (unique, so the order is total), then 32
/// bits left for the caller.
pub(super) struct Order {
    pub(super) sort: Sort,
    pub(super) no_text: bool,
    pub(super) today: i32,
    /// The municipalities named in the words (value ids numbered across facets), and the
    /// national value's: ranked by relevance, among the matches of as many clauses, the
    /// measures of those places come first, then the national ones, then the rest.
    places: Vec<u32>,
    national: Option<u32>,
    /// Did the words name a place?
    named: bool,
    /// How many place words were left out of the clauses (to be counted by place instead).
    lift: u32,
}

/// The place of a match among those of as many clauses: of a place named, national, other.
const OWN: u64 = 0;
const COUNTRY: u64 = 1;
const ELSEWHERE: u64 = 2;

impl Order {
    pub(super) fn new(sort: Sort, no_text: bool, today: i32) -> Order {
        Order {
            sort,
            no_text,
            today,
            places: Vec::new(),
            national: None,
            named: false,
            lift: 0,
        }
    }

    /// The same order with the measures of `places` (and `national`) first among the matches
    /// of as many clauses, when it ranks by relevance and the words `named` a place (whose
    /// municipality may have no measures: then the national ones come first). With `lift`,
    /// the place words were left out of the clauses, and a measure of the place counts them
    /// as matched: one clause more (`lift_of`).
    pub(super) fn with_places(
        mut self,
        named: bool,
        lift: u32,
        places: Vec<u32>,
        national: Option<u32>,
    ) -> Order {
        self.named = named;
        self.lift = if named { lift } else { 0 };
        self.places = places;
        self.national = national;
        self
    }

    /// Did the words name a place? Then each match's place (`place`) is looked at.
    pub(super) fn named(&self) -> bool {
        self.named
    }

    /// Does the order rank by place?
    pub(super) fn by_place(&self) -> bool {
        self.named && self.sort == Sort::Relevance && !self.no_text
    }

    /// Where a match with these municipality ids applies, for `key`: `OWN`, `COUNTRY` or
    /// `ELSEWHERE`.
    pub(super) fn place(&self, municipalities: &[u32]) -> u64 {
        if !self.named {
            ELSEWHERE
        } else if municipalities.iter().any(|m| self.places.contains(m)) {
            OWN
        } else if self.national.is_some_and(|n| municipalities.contains(&n)) {
            COUNTRY
        } else {
            ELSEWHERE
        }
    }

    /// The clauses a match of this place matched beyond those its score counts: the place
    /// words, which a measure of the place matches by where it applies, whatever its text
    /// says. (A national measure applies there too, but says less about the place: it comes
    /// first among the matches of as many clauses, without a clause more.)
    pub(super) fn lift_of(&self, place: u64) -> u32 {
        if place == OWN { self.lift } else { 0 }
    }

    /// Is this place (from `place`) a place the words named?
    pub(super) fn is_own(place: u64) -> bool {
        place == OWN
    }

    /// `key` for a search that ranks by place (`by_place`): the number of clauses matched
    /// first (with `lift_of`), then the place (`place`), then the rest of the score, then the
    /// most recently checked. (Putting the matches of more words other than the place's
    /// before the place, among as many clauses, lost 0.13 nDCG@10 on the held-out natural
    /// questions: most of them name the place they mean.)
    pub(super) fn key_by_place(&self, score: Score, row: &Row, place: u64) -> u128 {
        let level = (score / crate::search::query::COORDINATION)
            .floor()
            .clamp(0.0, 127.0);
        let rest = score - level * crate::search::query::COORDINATION;
        let lift = u64::from(self.lift_of(place).min(127));
        // `level` is a whole number from 0 to 127.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let level = level as u64 + lift;
        // Day numbers of real days are below 2^22, so their complement keeps their order.
        let newest = u64::from(!row.updated().cast_unsigned() & 0x3F_FFFF);
        // The score's top 24 bits: its order, to a precision far finer than ranking needs.
        let rest = u64::from(!ordered_bits(rest) >> 8);
        let primary = (255 - level) << 56 | place << 46 | rest << 22 | newest;
        u128::from(primary) << 64 | u128::from(row.title) << 32
    }

    pub(super) fn key(&self, score: Score, row: &Row, status: Status) -> u128 {
        let (class, distance) = row.deadline(self.today);
        let deadline = u64::from(class) << 32 | u64::from(distance);
        // Later first: the complement orders the day numbers (positive) backwards.
        let newest = u64::from(!row.updated().cast_unsigned());
        let primary = match self.sort {
            // Browsing without words: what can be applied for now first, soonest deadline first;
            // then standing measures; then the record of closed calls, newest first.
            Sort::Relevance if self.no_text && status == Status::Closed => {
                (status as u64) << 40 | u64::from(row.newest_date())
            }
            Sort::Relevance if self.no_text => (status as u64) << 40 | deadline,
            // Best score first (its bits ordered as `total_cmp` orders it, then reversed), then
            // the most recently checked.
            Sort::Relevance => u64::from(!ordered_bits(score)) << 32 | newest,
            Sort::Deadline => deadline,
            Sort::Updated => newest,
        };
        u128::from(primary) << 64 | u128::from(row.title) << 32
    }
}

/// The bits of a float as an unsigned number in `f32::total_cmp`'s order.
pub(super) fn ordered_bits(x: Score) -> u32 {
    let bits = x.to_bits();
    if bits >> 31 == 1 {
        !bits
    } else {
        bits | 1 << 31
    }
}

/// The `k` smallest of the keys pushed into it (with others, in no order). A page needs its
/// first keys only, and most of a search's thousands of matches rank after them: once the
/// buffer has been cut back to its `k` smallest, a key above them all is dropped at once.
pub(super) struct Smallest {
    pub(super) k: usize,
    pub(super) keys: Vec<u128>,
    /// Every key above this is known to rank after the `k` smallest.
    pub(super) bound: u128,
}

impl Smallest {
    pub(super) fn new(k: usize) -> Smallest {
        Smallest {
            k,
            keys: Vec::new(),
            bound: u128::MAX,
        }
    }

    pub(super) fn push(&mut self, key: u128) {
        if key > self.bound || self.k == 0 {
            return;
        }
        self.keys.push(key);
        // Cut back at twice `k` (and not below a page or two): each cut is linear in the
        // buffer, so cuts stay a constant cost per key.
        if self.keys.len() >= self.k.saturating_mul(2).max(64) {
            let last = self.k - 1;
            self.keys.select_nth_unstable(last);
            self.keys.truncate(self.k);
            self.bound = self.keys[last];
        }
    }
}

/// Puts the keys that rank `start..end` among all of them at `start..end`, in order (the rest
/// stay unordered around them): a page needs its own hits sorted, not the thousands before
/// and after it.
pub(super) fn page_in_order(keys: &mut [u128], start: usize, end: usize) {
    let end = end.min(keys.len());
    if start >= end {
        return;
    }
    if end < keys.len() {
        keys.select_nth_unstable(end - 1);
    }
    let page = &mut keys[..end];
    if start > 0 {
        page.select_nth_unstable(start);
    }
    page[start..].sort_unstable();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_bits_order_scores_as_total_cmp_does() {
        let scores = [
            -1000.5, -3.0, -0.0, 0.0, 1e-30, 0.25, 1.0, 2.5, 999.9, 1000.0, 1001.25, 3.4e38,
        ];
        for a in scores {
            for b in scores {
                assert_eq!(
                    ordered_bits(a).cmp(&ordered_bits(b)),
                    a.total_cmp(&b),
                    "{a} against {b}"
                );
            }
        }
    }

    /// 0..200 in a scrambled order (7919 is prime, so coprime with 200).
    fn scrambled() -> Vec<u128> {
        (0..200u128).map(|i| (i * 7919) % 200).collect()
    }

    #[test]
    fn page_in_order_puts_each_page_of_keys_in_place_and_keeps_every_key() {
        for (start, end) in [
            (0, 15),
            (0, 1),
            (40, 60),
            (185, 200),
            (190, 260),
            (0, 200),
            (0, 999),
        ] {
            let mut keys = scrambled();
            page_in_order(&mut keys, start, end);
            let shown = end.min(200);
            let want: Vec<u128> = (start as u128..shown as u128).collect();
            assert_eq!(keys[start..shown], want[..], "page {start}..{end}");
            keys.sort_unstable();
            assert_eq!(keys, (0..200).collect::<Vec<u128>>(), "page {start}..{end}");
        }
        let mut keys = scrambled();
        page_in_order(&mut keys, 250, 270);
        assert_eq!(keys, scrambled(), "a page past the end moves nothing");
    }

    #[test]
    fn smallest_holds_the_k_smallest_keys_pushed() {
        for k in [0, 1, 5, 37, 64, 100, 199, 200, 500, usize::MAX] {
            let mut smallest = Smallest::new(k);
            for key in scrambled()
                .into_iter()
                .chain(scrambled().into_iter().map(|x| x + 1000))
            {
                smallest.push(key);
            }
            let mut keys = smallest.keys;
            page_in_order(&mut keys, 0, k);
            let held = k.min(400);
            let want: Vec<u128> = (0..held as u128)
                .map(|x| if x < 200 { x } else { x + 800 })
                .collect();
            assert_eq!(keys[..held], want[..], "k = {k}");
        }
    }

    #[test]
    fn split_cuts_every_row_into_contiguous_ranges_of_nearly_equal_length() {
        for (n, parts) in [
            (0, 1),
            (0, 4),
            (1, 4),
            (7, 3),
            (100, 4),
            (100_001, 4),
            (5, 0),
        ] {
            let ranges = split(n, parts);
            assert!(!ranges.is_empty(), "{n} rows in {parts} parts");
            assert!(ranges.len() <= parts.max(1), "{n} rows in {parts} parts");
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges.last().unwrap().end as usize, n);
            for pair in ranges.windows(2) {
                assert_eq!(pair[0].end, pair[1].start, "{n} rows in {parts} parts");
            }
            let lengths: Vec<usize> = ranges.iter().map(|r| r.len()).collect();
            let (min, max) = (lengths.iter().min().unwrap(), lengths.iter().max().unwrap());
            assert!(max - min <= 1, "{n} rows in {parts} parts: {lengths:?}");
        }
    }
}
