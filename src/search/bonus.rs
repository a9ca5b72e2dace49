//! A Tantivy query that adds a constant to the score of every document its inner query
//! matches: how a search counts the clauses a document matched (see `query`).
//!
//! The same could be built from Tantivy's parts, a `ConstScoreQuery` over a copy of the clause
//! beside the clause itself, but then every clause's union of terms is walked twice for every
//! matching document, and an uncached search over 100,000 entries matches tens of thousands.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{
    COLLECT_BLOCK_BUFFER_LEN, DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term,
};

/// Matches what `inner` matches, scored `inner`'s score plus `bonus`.
pub struct Plus {
    inner: Box<dyn Query>,
    bonus: Score,
}

impl Plus {
    pub fn new(inner: Box<dyn Query>, bonus: Score) -> Plus {
        Plus { inner, bonus }
    }
}

impl Clone for Plus {
    fn clone(&self) -> Self {
        Plus {
            inner: self.inner.box_clone(),
            bonus: self.bonus,
        }
    }
}

impl fmt::Debug for Plus {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Plus(bonus={}, query={:?})", self.bonus, self.inner)
    }
}

impl Query for Plus {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.inner.weight(enable_scoring)?;
        Ok(if enable_scoring.is_scoring_enabled() {
            Box::new(PlusWeight {
                inner,
                bonus: self.bonus,
            })
        } else {
            inner
        })
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.inner.query_terms(visitor);
    }
}

struct PlusWeight {
    inner: Box<dyn Weight>,
    bonus: Score,
}

impl Weight for PlusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(PlusScorer {
            inner: self.inner.scorer(reader, boost)?,
            bonus: self.bonus * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let inner = self.inner.explain(reader, doc)?;
        let mut explanation = Explanation::new("Plus", inner.value() + self.bonus);
        explanation.add_const("bonus", self.bonus);
        explanation.add_detail(inner);
        Ok(explanation)
    }
}

struct PlusScorer {
    inner: Box<dyn Scorer>,
    bonus: Score,
}

/// Every method is passed on, not only the required ones: the inner scorer's own `seek` and
/// `fill_buffer` are faster than the defaults built on `advance`.
impl DocSet for PlusScorer {
    fn advance(&mut self) -> DocId {
        self.inner.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.inner.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        self.inner.seek_danger(target)
    }

    fn fill_buffer(&mut self, buffer: &mut [DocId; COLLECT_BLOCK_BUFFER_LEN]) -> usize {
        self.inner.fill_buffer(buffer)
    }

    fn doc(&self) -> DocId {
        self.inner.doc()
    }

    fn size_hint(&self) -> u32 {
        self.inner.size_hint()
    }

    fn cost(&self) -> u64 {
        self.inner.cost()
    }
}

impl Scorer for PlusScorer {
    fn score(&mut self) -> Score {
        self.inner.score() + self.bonus
    }
}

#[cfg(test)]
mod tests {
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{Index, doc};

    use super::*;

    #[test]
    fn a_match_scores_its_inner_score_plus_the_bonus_and_the_same_documents_match() {
        let mut builder = Schema::builder();
        let text = builder.add_text_field("text", TEXT);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        for t in ["fasada", "fasada fasada obnova", "obnova", "najem"] {
            writer.add_document(doc!(text => t)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = TermQuery::new(
            Term::from_field_text(text, "fasada"),
            IndexRecordOption::WithFreqs,
        );
        let top = TopDocs::with_limit(10).order_by_score();
        let plain = searcher.search(&term, &top).unwrap();
        let plus = searcher
            .search(&Plus::new(Box::new(term.clone()), 1000.0), &top)
            .unwrap();
        assert_eq!(plain.len(), 2);
        assert_eq!(plus.len(), plain.len());
        for ((s, doc), (p, plus_doc)) in plain.iter().zip(&plus) {
            assert_eq!(doc, plus_doc);
            assert!((p - s - 1000.0).abs() < 1e-3, "{p} is not {s} + 1000");
        }
        let explained = Plus::new(Box::new(term), 1000.0)
            .explain(&searcher, plus[0].1)
            .unwrap();
        assert!((explained.value() - plus[0].0).abs() < 1e-3);
    }
}
