//! The Tantivy schema: which fields an indexed entry has and how each is analysed. The handbook
//! files are the source of truth; the index holds only what search needs (the entry id, the
//! analysed text, facets, dates and amounts), and the rest is served from the entries in memory.

use chrono::NaiveDate;
use tantivy::schema::{
    FAST, FacetOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{DateTime, TantivyDocument, doc, schema::Facet};

use crate::analysis;
use crate::entry::Entry;
use crate::vocabulary::{Dimension, Vocabulary};

/// Bumped whenever the fields below change, so an index written by an older build is rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

/// Handles to every field, resolved once when the schema is built.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub summary: Field,
    pub body: Field,
    pub provider: Field,
    pub legal: Field,
    /// Labels of the entry's municipalities, regions, types, sources and beneficiaries, so
    /// that "Capodistria" or "najemnine" finds entries by what their facets are called.
    pub tags: Field,
    pub region: Field,
    pub municipality: Field,
    pub r#type: Field,
    pub source: Field,
    pub beneficiary: Field,
    pub updated: Field,
    pub open_from: Field,
    pub open_until: Field,
    pub budget_eur: Field,
    pub max_amount_eur: Field,
}

impl Fields {
    /// The full-text fields, in the order snippets prefer them.
    pub fn text_fields(&self) -> [Field; 6] {
        [
            self.title,
            self.summary,
            self.body,
            self.provider,
            self.legal,
            self.tags,
        ]
    }

    fn facet(&self, dimension: Dimension) -> Field {
        match dimension {
            Dimension::Region => self.region,
            Dimension::Municipality => self.municipality,
            Dimension::Type => self.r#type,
            Dimension::Source => self.source,
            Dimension::Beneficiary => self.beneficiary,
        }
    }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analysis::ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED | FAST),
        title: b.add_text_field("title", text.clone()),
        summary: b.add_text_field("summary", text.clone()),
        body: b.add_text_field("body", text.clone()),
        provider: b.add_text_field("provider", text.clone()),
        legal: b.add_text_field("legal", text.clone()),
        tags: b.add_text_field("tags", text),
        region: b.add_facet_field("region", FacetOptions::default()),
        municipality: b.add_facet_field("municipality", FacetOptions::default()),
        r#type: b.add_facet_field("type", FacetOptions::default()),
        source: b.add_facet_field("source", FacetOptions::default()),
        beneficiary: b.add_facet_field("beneficiary", FacetOptions::default()),
        updated: b.add_date_field("updated", INDEXED | FAST),
        open_from: b.add_date_field("open_from", INDEXED | FAST),
        open_until: b.add_date_field("open_until", INDEXED | FAST),
        budget_eur: b.add_i64_field("budget_eur", FAST),
        max_amount_eur: b.add_i64_field("max_amount_eur", FAST),
    };
    (b.build(), fields)
}

fn to_datetime(d: NaiveDate) -> DateTime {
    DateTime::from_timestamp_secs(
        d.and_hms_opt(0, 0, 0)
            .expect("midnight exists")
            .and_utc()
            .timestamp(),
    )
}

/// The document for one entry. Facet labels come from the vocabulary, so a vocabulary change
/// means re-indexing every entry (cheap at handbook sizes).
pub fn document(f: &Fields, entry: &Entry, vocabulary: &Vocabulary) -> TantivyDocument {
    let mut d = doc!(
        f.id => entry.id.as_str(),
        f.title => entry.title.as_str(),
        f.summary => entry.summary.as_str(),
        f.body => entry.body_text(),
        f.provider => entry.provider.as_str(),
        f.updated => to_datetime(entry.updated),
    );
    for text in entry.legal_basis.iter().chain(&entry.gazette) {
        d.add_text(f.legal, text);
    }
    let regions: Vec<String> = vocabulary
        .regions_of(&entry.municipalities)
        .into_iter()
        .map(String::from)
        .collect();
    let keyed = [
        (Dimension::Region, &regions),
        (Dimension::Municipality, &entry.municipalities),
        (Dimension::Type, &entry.types),
        (Dimension::Source, &entry.sources),
        (Dimension::Beneficiary, &entry.beneficiaries),
    ];
    for (dimension, keys) in keyed {
        for key in keys {
            d.add_facet(f.facet(dimension), Facet::from_path([key.as_str()]));
            if let Some(term) = vocabulary.terms(dimension).get(key) {
                d.add_text(f.tags, &term.label);
                if let Some(en) = &term.label_en {
                    d.add_text(f.tags, en);
                }
            }
        }
    }
    if let Some(v) = entry.open_from {
        d.add_date(f.open_from, to_datetime(v));
    }
    if let Some(v) = entry.open_until {
        d.add_date(f.open_until, to_datetime(v));
    }
    if let Some(v) = entry.budget_eur {
        d.add_i64(f.budget_eur, v);
    }
    if let Some(v) = entry.max_amount_eur {
        d.add_i64(f.max_amount_eur, v);
    }
    d
}
