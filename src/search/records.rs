//! What search reads of each entry, derived once rather than per request: a `Record` per
//! entry (its facet values as small integers, from an `Interner`), kept from snapshot to
//! snapshot while the entry is unchanged; and `Rows`, the same facts laid out flat in the
//! order of the index's documents, which an uncached search walks for every match.
//!
//! Over 100,000 entries a search may match tens of thousands of them. Following a pointer per
//! match to its record, and another to its facet ids, then comparing titles to sort, cost as
//! much as Tantivy's matching in a profile; reading rows in document order is a sequential pass.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate};
use foldhash::HashMap;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use crate::handbook::entry::{Entry, Status};
use crate::handbook::vocabulary::Vocabulary;
use crate::search::facet::Facet;

/// An entry with what search derives from it once per version of the entry rather than once
/// per request.
pub struct Record {
    pub entry: Arc<Entry>,
    /// The entry's value ids of every facet, one facet after another (status, computed per
    /// request, has none here). Counting and filtering on small integers keeps a search over
    /// thousands of matches cheap; one slice rather than one vector per facet keeps a record to
    /// one allocation.
    ids: Box<[u32]>,
    /// Where each facet's ids end in `ids`, by `Facet::index`.
    ends: [u16; 6],
    /// Unique among the records a snapshot holds or inherits in its tables, so it can tell its
    /// own records from replaced ones, and index them without hashing.
    serial: u32,
}

impl Record {
    pub fn new(
        entry: Arc<Entry>,
        vocabulary: &Vocabulary,
        interner: &mut Interner,
        serial: u32,
    ) -> Record {
        let mut ids = Vec::new();
        let mut ends = [0u16; 6];
        // In the order of `Facet::index`, each facet's ids after the one before.
        for facet in Facet::ALL {
            let start = ids.len();
            let keys: &[String] = match facet {
                Facet::Status => &[],
                Facet::Region => {
                    let regions = entry.municipalities.iter().filter_map(|m| {
                        let term = vocabulary.municipality.get(m)?;
                        term.region.as_deref()
                    });
                    for region in regions {
                        let id = interner.intern(Facet::Region, region);
                        if !ids[start..].contains(&id) {
                            ids.push(id);
                        }
                    }
                    &[]
                }
                Facet::Municipality => &entry.municipalities,
                Facet::Type => &entry.types,
                Facet::Source => &entry.sources,
                Facet::Beneficiary => &entry.beneficiaries,
            };
            ids.extend(keys.iter().map(|k| interner.intern(facet, k)));
            ends[facet.index()] = u16::try_from(ids.len()).unwrap_or(u16::MAX);
        }
        Record {
            ids: ids.into_boxed_slice(),
            ends,
            serial,
            entry,
        }
    }
}

/// Facet values as small integers, and back. Append-only and carried from snapshot to snapshot,
/// so the records of unchanged entries keep valid ids.
#[derive(Debug, Clone, Default)]
pub struct Interner {
    names: [Vec<String>; 6],
    ids: [HashMap<String, u32>; 6],
}

impl Interner {
    pub fn intern(&mut self, facet: Facet, key: &str) -> u32 {
        let i = facet.index();
        if let Some(id) = self.ids[i].get(key) {
            return *id;
        }
        let id = u32::try_from(self.names[i].len()).unwrap_or(u32::MAX);
        self.names[i].push(key.to_string());
        self.ids[i].insert(key.to_string(), id);
        id
    }

    pub fn get(&self, facet: Facet, key: &str) -> Option<u32> {
        if facet == Facet::Status {
            return Status::from_key(key).map(|s| s as u32);
        }
        self.ids[facet.index()].get(key).copied()
    }

    pub fn name(&self, facet: Facet, id: u32) -> &str {
        if facet == Facet::Status {
            return Status::ALL.get(id as usize).map_or("", |s| s.key());
        }
        self.names[facet.index()]
            .get(id as usize)
            .map_or("", String::as_str)
    }

    pub fn len(&self, facet: Facet) -> usize {
        if facet == Facet::Status {
            Status::ALL.len()
        } else {
            self.names[facet.index()].len()
        }
    }
}

/// `table[doc]` → the record of each live document of a segment. The id dictionary is read in
/// one pass, not looked up per document: each lookup would decompress a block.
pub fn doc_table(
    segment: &SegmentReader,
    records: &[Arc<Record>],
) -> tantivy::Result<Vec<Option<Arc<Record>>>> {
    let column = segment
        .fast_fields()
        .str("id")?
        .ok_or_else(|| tantivy::TantivyError::FieldNotFound("id".into()))?;
    let mut by_ord: Vec<Option<Arc<Record>>> = Vec::new();
    let mut stream = column.dictionary().stream()?;
    // The dictionary and the records are both in the byte order of ids: one pass over each.
    let mut rest = records;
    while stream.advance() {
        let ord = usize::try_from(stream.term_ord()).unwrap_or(usize::MAX);
        if by_ord.len() <= ord {
            by_ord.resize(ord + 1, None);
        }
        let key = stream.key();
        let skip = rest
            .iter()
            .take_while(|r| r.entry.id.as_bytes() < key)
            .count();
        rest = &rest[skip..];
        by_ord[ord] = rest
            .first()
            .filter(|r| r.entry.id.as_bytes() == key)
            .cloned();
    }
    let mut table = vec![None; segment.max_doc() as usize];
    for doc in segment.doc_ids_alive() {
        if let Some(ord) = column.term_ords(doc).next() {
            table[doc as usize] = by_ord
                .get(usize::try_from(ord).unwrap_or(usize::MAX))
                .cloned()
                .flatten();
        }
    }
    Ok(table)
}

/// A day as a number (days from the common era), as rows store dates.
pub fn day(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// No start date; before any real day.
const NO_START: i32 = i32::MIN;
/// No deadline; after any real day.
const NO_DEADLINE: i32 = i32::MAX;
/// A row with no live document behind it (deleted, or replaced by a later save).
const DEAD: u32 = u32::MAX;

/// One document's record, flat: what a search reads for every match.
#[derive(Debug, Clone, Copy)]
pub struct Row {
    /// Index of the record in the snapshot's records, or `DEAD`.
    pub record: u32,
    /// Position of the record in title order (folded title, then id) among the snapshot's
    /// records: sorting compares numbers, not titles.
    pub title: u32,
    updated: i32,
    open_from: i32,
    open_until: i32,
    /// The last day a standing measure shows as ongoing (`entry::confirmed_until`), or
    /// `NO_DEADLINE`.
    confirmed_until: i32,
    /// Where the record's facet ids start in `Rows::ids`, and where each facet's end after it.
    ids: u32,
    ends: [u16; 6],
    closed: bool,
    /// `max_amount_eur`, or `NO_AMOUNT` when it is not known.
    max_amount: i64,
}

/// A row whose entry does not say its amount.
const NO_AMOUNT: i64 = i64::MIN;

impl Row {
    const DEAD: Row = Row {
        record: DEAD,
        title: DEAD,
        updated: 0,
        open_from: NO_START,
        open_until: NO_DEADLINE,
        confirmed_until: NO_DEADLINE,
        ids: 0,
        ends: [0; 6],
        closed: true,
        max_amount: NO_AMOUNT,
    };

    pub fn is_live(&self) -> bool {
        self.record != DEAD
    }

    /// The status on the day numbered `today`: what `Status::of` gives for the entry's dates.
    pub fn status(&self, today: i32) -> Status {
        if self.closed {
            Status::Closed
        } else if self.open_from == NO_START && self.open_until == NO_DEADLINE {
            if today > self.confirmed_until {
                Status::Unconfirmed
            } else {
                Status::Ongoing
            }
        } else if today < self.open_from {
            Status::Upcoming
        } else if today > self.open_until {
            Status::Closed
        } else {
            Status::Open
        }
    }

    /// Day number of the entry's last check.
    pub fn updated(&self) -> i32 {
        self.updated
    }

    /// The most one beneficiary may get, in euros, when the entry says.
    pub fn max_amount(&self) -> Option<i64> {
        (self.max_amount != NO_AMOUNT).then_some(self.max_amount)
    }

    /// Does the call close on one of the days numbered `from..=to`? A call closed early
    /// (`closed`) does not.
    pub fn closes_within(&self, from: i32, to: i32) -> bool {
        !self.closed && self.open_until != NO_DEADLINE && (from..=to).contains(&self.open_until)
    }

    /// The deadline as an order: ahead first (soonest first), then past (most recent first),
    /// then none.
    pub fn deadline(&self, today: i32) -> (u8, u32) {
        match self.open_until {
            NO_DEADLINE => (2, 0),
            d if d >= today => (0, d.abs_diff(today)),
            d => (1, today.abs_diff(d)),
        }
    }

    /// The newest of the call's dates, as an order that puts later days first and a call
    /// with no dates last: the record of closed calls reads newest first.
    pub fn newest_date(&self) -> u32 {
        let newest = if self.open_until != NO_DEADLINE {
            self.open_until
        } else {
            self.open_from
        };
        if newest == NO_START {
            u32::MAX
        } else {
            // Day numbers of real days are positive, so this is below `u32::MAX`.
            u32::MAX - 1 - newest.max(0).cast_unsigned()
        }
    }
}

/// The rows of every document of a snapshot, segment after segment, with their facet values.
///
/// Values are numbered across facets here, each facet's after the one before (`offset`): a
/// search counts every facet of a match in one loop over one array.
#[derive(Default)]
pub struct Rows {
    rows: Vec<Row>,
    ids: Vec<u32>,
    /// The first row of each segment, by segment ordinal.
    bases: Vec<u32>,
    /// Where each facet's values start in the numbering across facets, by `Facet::index`,
    /// and where the last one's end.
    offsets: [u32; 7],
}

impl Rows {
    /// Lays out `tables` (per segment, each document's record) against `records`, the
    /// snapshot's records in id order. `serials` is above every record's serial; `interner`
    /// has every value of the records.
    pub fn new(
        records: &[Arc<Record>],
        segments: &[SegmentReader],
        tables: &[Arc<Vec<Option<Arc<Record>>>>],
        serials: u32,
        interner: &Interner,
    ) -> Rows {
        let index = |i: usize| u32::try_from(i).unwrap_or(DEAD);
        // serial → index in `records`; a record not in this snapshot has none.
        let mut slot = vec![DEAD; serials as usize];
        for (i, r) in records.iter().enumerate() {
            if let Some(s) = slot.get_mut(r.serial as usize) {
                *s = index(i);
            }
        }
        // Sorted as (title, id, index) triples rather than records: a comparison then reads
        // two strings, not two records and their entries first, which at a start, with cold
        // caches, made this sort the largest part of building the rows.
        let mut order: Vec<(&str, &str, usize)> = records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.entry.sort_key.as_str(), r.entry.id.as_str(), i))
            .collect();
        order.sort_unstable();
        let mut title = vec![0; records.len()];
        for (rank, (_, _, i)) in order.into_iter().enumerate() {
            title[i] = index(rank);
        }
        let docs: usize = segments.iter().map(|s| s.max_doc() as usize).sum();
        let mut offsets = [0u32; 7];
        for facet in Facet::ALL {
            let i = facet.index();
            let len = u32::try_from(interner.len(facet)).unwrap_or(u32::MAX);
            offsets[i + 1] = offsets[i].saturating_add(len);
        }
        let mut out = Rows {
            rows: Vec::with_capacity(docs),
            ids: Vec::new(),
            bases: Vec::with_capacity(segments.len()),
            offsets,
        };
        for (segment, table) in segments.iter().zip(tables) {
            out.bases.push(index(out.rows.len()));
            let alive = segment.alive_bitset();
            for doc in 0..segment.max_doc() {
                let found = table
                    .get(doc as usize)
                    .and_then(Option::as_ref)
                    .filter(|_| alive.is_none_or(|a| a.is_alive(doc)))
                    .map(|r| (r, slot.get(r.serial as usize).copied().unwrap_or(DEAD)))
                    .filter(|(_, i)| *i != DEAD);
                let row = match found {
                    Some((record, i)) => out.row(record, i, title[i as usize]),
                    None => Row::DEAD,
                };
                out.rows.push(row);
            }
        }
        out
    }

    fn row(&mut self, record: &Record, i: u32, title: u32) -> Row {
        let entry = &record.entry;
        let start = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        let mut from = 0;
        for (end, offset) in record.ends.iter().zip(self.offsets) {
            let ids = record.ids.get(from..usize::from(*end)).unwrap_or_default();
            self.ids.extend(ids.iter().map(|id| id + offset));
            from = usize::from(*end);
        }
        Row {
            record: i,
            title,
            updated: day(entry.updated),
            open_from: entry.open_from.map_or(NO_START, day),
            open_until: entry.open_until.map_or(NO_DEADLINE, day),
            confirmed_until: crate::handbook::entry::confirmed_until(entry.last_confirmed)
                .map_or(NO_DEADLINE, day),
            ids: start,
            ends: record.ends,
            closed: entry.closed,
            max_amount: entry.max_amount_eur.unwrap_or(NO_AMOUNT),
        }
    }

    /// The row of document `doc` of segment `segment`, if it has a live record.
    pub fn at(&self, segment: u32, doc: DocId) -> Option<&Row> {
        let base = *self.bases.get(segment as usize)?;
        let n = base.checked_add(doc)?;
        self.rows.get(n as usize).filter(|r| r.is_live())
    }

    /// The live rows whose documents have any of `terms`, each once and in order, into `out`
    /// (cleared first): what a word's postings say, in the rows' numbering.
    pub fn containing(
        &self,
        searcher: &Searcher,
        terms: &[Term],
        out: &mut Vec<u32>,
    ) -> tantivy::Result<()> {
        out.clear();
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            let base = self.base(ordinal);
            let ordinal = u32::try_from(ordinal).unwrap_or(u32::MAX);
            for term in terms {
                let index = segment.inverted_index(term.field())?;
                let Some(mut postings) = index.read_postings(term, IndexRecordOption::Basic)?
                else {
                    continue;
                };
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if self.at(ordinal, doc).is_some() {
                        out.push(base.saturating_add(doc));
                    }
                    doc = postings.advance();
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(())
    }

    /// The first row of each segment, by segment ordinal.
    pub fn base(&self, segment: usize) -> u32 {
        self.bases.get(segment).copied().unwrap_or(DEAD)
    }

    /// How many rows there are (documents, live or not).
    pub fn count(&self) -> usize {
        self.rows.len()
    }

    /// Row number `n`, live or not.
    pub fn get(&self, n: u32) -> Option<&Row> {
        self.rows.get(n as usize)
    }

    /// Where `facet`'s values start in the numbering across facets: value `id` of `facet` is
    /// `offset(facet) + id`.
    pub fn offset(&self, facet: Facet) -> u32 {
        self.offsets[facet.index()]
    }

    /// `facet`'s values in the numbering across facets.
    pub fn range(&self, facet: Facet) -> std::ops::Range<usize> {
        let i = facet.index();
        self.offsets[i] as usize..self.offsets[i + 1] as usize
    }

    /// How many values all facets have together.
    pub fn values(&self) -> usize {
        self.offsets[6] as usize
    }

    /// The row's values in every facet, numbered across facets.
    pub fn all_ids(&self, row: &Row) -> &[u32] {
        let base = row.ids as usize;
        self.ids
            .get(base..base + usize::from(row.ends[5]))
            .unwrap_or_default()
    }

    /// The row's values in `facet`, numbered across facets.
    pub fn ids(&self, row: &Row, facet: Facet) -> &[u32] {
        let i = facet.index();
        let start = if i == 0 { 0 } else { row.ends[i - 1] };
        let base = row.ids as usize;
        self.ids
            .get(base + usize::from(start)..base + usize::from(row.ends[i]))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use chrono::Days;

    use super::*;

    fn row(open_from: Option<NaiveDate>, open_until: Option<NaiveDate>, closed: bool) -> Row {
        confirmed_row(open_from, open_until, closed, None)
    }

    fn confirmed_row(
        open_from: Option<NaiveDate>,
        open_until: Option<NaiveDate>,
        closed: bool,
        last_confirmed: Option<i32>,
    ) -> Row {
        Row {
            record: 0,
            title: 0,
            updated: 0,
            open_from: open_from.map_or(NO_START, day),
            open_until: open_until.map_or(NO_DEADLINE, day),
            confirmed_until: crate::handbook::entry::confirmed_until(last_confirmed)
                .map_or(NO_DEADLINE, day),
            ids: 0,
            ends: [0; 6],
            closed,
            max_amount: NO_AMOUNT,
        }
    }

    fn date(n: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Days::new(n)
    }

    #[test]
    fn a_rows_status_is_what_status_of_gives_for_the_same_dates() {
        let dates = [None, Some(date(5)), Some(date(10)), Some(date(20))];
        for from in dates {
            for until in dates {
                for closed in [false, true] {
                    for confirmed in [None, Some(2020), Some(2023), Some(2025)] {
                        for today in (0..=25).map(date).chain([date(800), date(1200)]) {
                            assert_eq!(
                                confirmed_row(from, until, closed, confirmed).status(day(today)),
                                Status::of(closed, from, until, confirmed, today),
                                "{from:?}..{until:?} closed {closed} confirmed {confirmed:?} on {today}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn closed_calls_order_by_their_newest_date_latest_first_and_undated_last() {
        let mut rows = [
            (None, None),
            (Some(date(3)), None),
            (None, Some(date(40))),
            (Some(date(1)), Some(date(20))),
        ]
        .map(|(from, until)| (from, until, row(from, until, true).newest_date()));
        rows.sort_by_key(|(_, _, key)| *key);
        assert_eq!(
            rows.map(|(from, until, _)| (from, until)),
            [
                (None, Some(date(40))),
                (Some(date(1)), Some(date(20))),
                (Some(date(3)), None),
                (None, None)
            ]
        );
    }

    #[test]
    fn deadlines_order_ahead_soonest_first_then_past_most_recent_first_then_none() {
        let today = day(date(10));
        let mut rows = [
            None,
            Some(date(2)),
            Some(date(30)),
            Some(date(9)),
            Some(date(10)),
        ]
        .map(|until| (until, row(None, until, false).deadline(today)));
        rows.sort_by_key(|(_, key)| *key);
        assert_eq!(
            rows.map(|(until, _)| until),
            [
                Some(date(10)),
                Some(date(30)),
                Some(date(9)),
                Some(date(2)),
                None
            ]
        );
    }
}
