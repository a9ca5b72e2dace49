//! What BM25 and the weights of a question read of the index while one search is compiled:
//! how many tokens each field holds and how many entries there are (the snapshot's, counted
//! once when it is made), and how many entries have each term, looked up once per search.
//! A word of a search asks for the same term's count several times: whether the handbook
//! knows it, how common each of its completions is, how much it counts in a question, what
//! type of measure it points to, and the score of each of its queries. Tantivy alone would
//! read the term dictionary of every segment each time, and sum every segment's token counts
//! for every term query.

use std::cell::RefCell;

use foldhash::HashMap;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// The counts that hold for a whole snapshot: the tokens of each indexed field, by field
/// number, and the documents.
#[derive(Debug, Default)]
pub(super) struct Totals {
    tokens: Vec<Option<u64>>,
    docs: u64,
}

impl Totals {
    /// Counts what `searcher` holds, for every indexed field of its schema.
    pub(super) fn of(searcher: &Searcher) -> tantivy::Result<Totals> {
        let schema = searcher.schema();
        let mut tokens = Vec::new();
        for (field, entry) in schema.fields() {
            let n = field.field_id() as usize;
            if tokens.len() <= n {
                tokens.resize(n + 1, None);
            }
            if entry.is_indexed() {
                tokens[n] = Some(Bm25StatisticsProvider::total_num_tokens(searcher, field)?);
            }
        }
        Ok(Totals {
            tokens,
            docs: Bm25StatisticsProvider::total_num_docs(searcher)?,
        })
    }
}

/// The statistics of one search over `searcher`: not shared between threads, and dropped
/// with the search, so that a count never outlives the snapshot it was read from.
pub struct Statistics<'a> {
    searcher: &'a Searcher,
    /// None: read from the searcher, for a caller that has no snapshot's.
    totals: Option<&'a Totals>,
    doc_freqs: RefCell<HashMap<Term, u64>>,
}

impl<'a> Statistics<'a> {
    pub(super) fn new(searcher: &'a Searcher, totals: Option<&'a Totals>) -> Statistics<'a> {
        Statistics {
            searcher,
            totals,
            doc_freqs: RefCell::default(),
        }
    }

    pub(super) fn searcher(&self) -> &'a Searcher {
        self.searcher
    }

    /// How many entries have `term` (0 where the index cannot say).
    pub(super) fn doc_freq(&self, term: &Term) -> u64 {
        self.read_doc_freq(term).unwrap_or(0)
    }

    /// How many entries have `term`: read once, then remembered. A failed read is not.
    fn read_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if let Some(n) = self.doc_freqs.borrow().get(term) {
            return Ok(*n);
        }
        let n = self.searcher.doc_freq(term)?;
        self.doc_freqs.borrow_mut().insert(term.clone(), n);
        Ok(n)
    }
}

impl Bm25StatisticsProvider for Statistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self
            .totals
            .and_then(|t| t.tokens.get(field.field_id() as usize))
        {
            Some(Some(n)) => Ok(*n),
            _ => Bm25StatisticsProvider::total_num_tokens(self.searcher, field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        match self.totals {
            Some(t) => Ok(t.docs),
            None => Bm25StatisticsProvider::total_num_docs(self.searcher),
        }
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.read_doc_freq(term)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{STRING, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn the_statistics_of_a_search_are_those_the_searcher_reads() {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let id = builder.add_text_field("id", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer
            .add_document(doc!(id => "a", body => "obnova fasad v starem jedru"))
            .unwrap();
        writer.commit().unwrap();
        writer
            .add_document(doc!(id => "b", body => "obnova strehe"))
            .unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 2);
        let totals = Totals::of(&searcher).unwrap();
        let stats = Statistics::new(&searcher, Some(&totals));
        for term in ["obnova", "fasad", "nikjer"] {
            let term = Term::from_field_text(body, term);
            let want = searcher.doc_freq(&term).unwrap();
            // Read, then remembered: the same both times.
            assert_eq!(stats.doc_freq(&term), want);
            assert_eq!(
                Bm25StatisticsProvider::doc_freq(&stats, &term).unwrap(),
                want
            );
        }
        assert_eq!(stats.doc_freq(&Term::from_field_text(body, "obnova")), 2);
        for field in [body, id] {
            assert_eq!(
                stats.total_num_tokens(field).unwrap(),
                Bm25StatisticsProvider::total_num_tokens(&searcher, field).unwrap()
            );
        }
        assert_eq!(stats.total_num_tokens(body).unwrap(), 7);
        assert_eq!(stats.total_num_docs().unwrap(), 2);
    }
}
