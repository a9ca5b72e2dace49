//! What a question is about, in the handbook's own terms: the types of measure (the `type`
//! facet) that its words point to, learned from the handbook itself. A person asks "kdo plača
//! del promocije moje obrti"; a municipal programme that funds promotion among eight other
//! things says "promocija" once in a long body, and matches the question no better than a
//! measure that merely mentions a craft. But the editors gave the programme the type
//! "promocija", and most entries that say "promocij-" have that type: the word points to the
//! type, and of two measures that match the words about as well, the one of that type is the
//! likelier answer.
//!
//! For each word of a question (not the commonest: see `query::COMMON_SHARE`), the entries
//! that have it are counted by type. A type the word's entries have more often than entries
//! at large is what the word points to, by how much more often (the log of the ratio, the
//! counts smoothed towards the handbook's own mix), weighted by how rare the word is. A match
//! of a question then scores `TOPIC` times the best weight of its types more: enough to order
//! measures that match the words about as well, far too little to lift a measure that does
//! not match them.
//!
//! Nothing here is a list of words: a handbook with other types, or other words for them,
//! teaches its own. Only questions: a search of a few words counts matched words first.

use tantivy::{Score, Term};

use crate::index::schema::{Fields, Text};
use crate::search::facet::Facet;
use crate::search::query::COMMON_SHARE;
use crate::search::records::Rows;
use crate::search::statistics::Statistics;

/// What a match scores more per unit of its types' best weight. The type a question is most
/// about mostly weighs 1 to 2 (see `weights`), so its measures score 5 to 10 more, where a
/// question's best matches score some tens: enough to put them first among measures that match
/// the question about as well, too little to lift one that matches fewer of its words.
const TOPIC: Score = 5.0;
/// How many entries of the handbook's own mix of types a word's counts are smoothed with, so
/// that a word of one entry does not point to that entry's types as firmly as a word of ten.
const SMOOTHING: f64 = 1.0;
/// The parts of an entry whose words count: the words a person's question is matched with.
const PARTS: [Text; 4] = [Text::Title, Text::Summary, Text::Tags, Text::Body];

/// How many live entries have each type (by its id within the facet), counted once per
/// snapshot: the mix a word's entries are compared with.
#[derive(Debug, Default)]
pub(super) struct Topics {
    entries: Vec<u32>,
    live: u32,
    offset: u32,
}

impl Topics {
    pub(super) fn new(rows: &Rows) -> Topics {
        let offset = rows.offset(Facet::Type);
        let mut entries = vec![0u32; rows.range(Facet::Type).len()];
        let mut live = 0u32;
        for n in 0..u32::try_from(rows.count()).unwrap_or(u32::MAX) {
            let Some(row) = rows.get(n).filter(|r| r.is_live()) else {
                continue;
            };
            live += 1;
            for id in rows.ids(row, Facet::Type) {
                if let Some(c) = id
                    .checked_sub(offset)
                    .and_then(|i| entries.get_mut(i as usize))
                {
                    *c += 1;
                }
            }
        }
        Topics {
            entries,
            live,
            offset,
        }
    }

    /// How strongly the words (`stems`, as the stemmed fields have them) point to each type,
    /// by id within the facet: for each word, the log of how many times more often the
    /// entries that have it have the type than entries at large (0 where it is no more
    /// often), averaged over the words by their rarity. From 0 up; a type of a tenth of the
    /// entries that all of a question's words point to firmly weighs about ln 10. Empty when no
    /// word counts.
    pub(super) fn weights<'a>(
        &self,
        stems: impl IntoIterator<Item = &'a str>,
        stats: &Statistics,
        fields: &Fields,
        rows: &Rows,
    ) -> tantivy::Result<Vec<f64>> {
        let live = f64::from(self.live);
        if self.live == 0 || self.entries.is_empty() {
            return Ok(Vec::new());
        }
        let most = COMMON_SHARE * live;
        let mut weights = vec![0.0; self.entries.len()];
        let mut total = 0.0;
        let mut docs: Vec<u32> = Vec::new();
        let mut with = vec![0u32; self.entries.len()];
        for stem in stems {
            let terms: Vec<Term> = PARTS
                .iter()
                .map(|t| Term::from_field_text(fields.stemmed(*t), stem))
                .collect();
            // A word more common than that in any one part is more common in all of them: its
            // postings, the longest, are never read.
            #[allow(clippy::cast_precision_loss)]
            let common = terms.iter().any(|t| stats.doc_freq(t) as f64 > most);
            if common {
                continue;
            }
            rows.containing(stats.searcher(), &terms, &mut docs)?;
            #[allow(clippy::cast_precision_loss)]
            let df = docs.len() as f64;
            if df == 0.0 || df > most {
                continue;
            }
            with.iter_mut().for_each(|c| *c = 0);
            for n in &docs {
                let Some(row) = rows.get(*n) else { continue };
                for id in rows.ids(row, Facet::Type) {
                    if let Some(c) = id
                        .checked_sub(self.offset)
                        .and_then(|i| with.get_mut(i as usize))
                    {
                        *c += 1;
                    }
                }
            }
            let rarity = (live / df).ln();
            for ((weight, &has), &all) in weights.iter_mut().zip(&with).zip(&self.entries) {
                if all == 0 {
                    continue;
                }
                let prior = f64::from(all) / live;
                let share = (f64::from(has) + SMOOTHING * prior) / (df + SMOOTHING);
                *weight += rarity * (share / prior).ln().max(0.0);
            }
            total += rarity;
        }
        if total <= 0.0 {
            return Ok(Vec::new());
        }
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(weights)
    }

    /// Adds to each match (score, row number) `TOPIC` times the best weight of its types. A
    /// pinned measure, from `pin_floor` up, is left where the editor put it.
    pub(super) fn lift(
        &self,
        found: &mut [(Score, u32)],
        weights: &[f64],
        rows: &Rows,
        pin_floor: Score,
    ) {
        if weights.is_empty() {
            return;
        }
        for m in found.iter_mut().filter(|m| m.0 < pin_floor) {
            let Some(row) = rows.get(m.1).filter(|r| r.is_live()) else {
                continue;
            };
            let best = rows
                .ids(row, Facet::Type)
                .iter()
                .filter_map(|id| weights.get(id.checked_sub(self.offset)? as usize))
                .fold(0.0, |a: f64, b| a.max(*b));
            #[allow(clippy::cast_possible_truncation)]
            let plus = (f64::from(TOPIC) * best) as Score;
            m.0 += plus;
        }
    }
}
