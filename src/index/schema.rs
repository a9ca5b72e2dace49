//! The Tantivy schema: which fields an indexed entry has and how each is analysed. The handbook
//! files are the source of truth; the index holds only what queries need (the entry id, the
//! analysed text, and the measure types that related measures share). Facet counts, filters,
//! dates and amounts come from the entries in memory (`search::records::Record`), so they are not
//! indexed: every field with terms costs each save's commit a term dictionary of its own.

use tantivy::schema::{
    FAST, FacetOptions, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::{TantivyDocument, doc, schema::Facet};

use crate::handbook::entry::Entry;
use crate::handbook::vocabulary::{Dimension, Vocabulary};
use crate::text::analysis;

/// Bumped whenever the fields below or what goes into them change, so an index written by an
/// older build is rebuilt (and the handbook cache, keyed by it too, is read afresh).
pub const SCHEMA_VERSION: u32 = 6;

/// The full-text parts of an entry. Each is indexed twice: stemmed and exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Title,
    Summary,
    Body,
    Provider,
    Legal,
    /// Labels of the entry's municipalities, regions, types, sources and beneficiaries, so
    /// that "Capodistria" or "najemnine" finds entries by what their facets are called; and
    /// the editors' `keywords` ("kredit" where the entry says "posojilo").
    Tags,
    /// The optional English title and summary, stemmed with the English stemmer.
    English,
}

impl Text {
    pub const ALL: [Text; 7] = [
        Text::Title,
        Text::Summary,
        Text::Body,
        Text::Provider,
        Text::Legal,
        Text::Tags,
        Text::English,
    ];

    fn name(self) -> &'static str {
        match self {
            Text::Title => "title",
            Text::Summary => "summary",
            Text::Body => "body",
            Text::Provider => "provider",
            Text::Legal => "legal",
            Text::Tags => "tags",
            Text::English => "english",
        }
    }

    /// The analyser of the stemmed field.
    fn stemmer(self) -> &'static str {
        match self {
            Text::English => analysis::ENGLISH_ANALYZER,
            _ => analysis::ANALYZER,
        }
    }
}

/// Handles to every field, resolved once when the schema is built.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    /// Stemmed and exact field of each `Text`, in the order of `Text::ALL`.
    text: [(Field, Field); 7],
    /// The entry's measure types, as facets: related measures of the same type rank first.
    pub r#type: Field,
}

impl Fields {
    /// The stemmed field of a text part.
    pub fn stemmed(&self, t: Text) -> Field {
        self.text[t as usize].0
    }

    /// The exact (folded, unstemmed) field of a text part.
    pub fn exact(&self, t: Text) -> Field {
        self.text[t as usize].1
    }
}

pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analysed = |tokenizer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let id = b.add_text_field("id", STRING | STORED | FAST);
    let text = Text::ALL.map(|t| {
        (
            b.add_text_field(t.name(), analysed(t.stemmer())),
            b.add_text_field(
                &format!("{}_exact", t.name()),
                analysed(analysis::EXACT_ANALYZER),
            ),
        )
    });
    let fields = Fields {
        id,
        text,
        r#type: b.add_facet_field("type", FacetOptions::default()),
    };
    (b.build(), fields)
}

/// The document for one entry. Facet labels come from the vocabulary, so a vocabulary change
/// means re-indexing every entry (cheap at handbook sizes).
pub fn document(f: &Fields, entry: &Entry, vocabulary: &Vocabulary) -> TantivyDocument {
    let mut d = doc!(f.id => entry.id.as_str());
    let mut add = |t: Text, text: &str| {
        d.add_text(f.stemmed(t), text);
        d.add_text(f.exact(t), text);
    };
    add(Text::Title, &entry.title);
    add(Text::Summary, &entry.summary);
    add(Text::Body, &entry.body_text());
    add(Text::Provider, &entry.provider);
    for text in entry.title_en.iter().chain(&entry.summary_en) {
        add(Text::English, text);
    }
    for text in entry.legal_basis.iter().chain(&entry.gazette) {
        add(Text::Legal, text);
    }
    let regions: Vec<String> = vocabulary.regions_of(&entry.municipalities);
    let keyed = [
        (Dimension::Region, &regions),
        (Dimension::Municipality, &entry.municipalities),
        (Dimension::Type, &entry.types),
        (Dimension::Source, &entry.sources),
        (Dimension::Beneficiary, &entry.beneficiaries),
    ];
    // The labels go in as one text per language, not one per label: each text a document
    // has costs Tantivy a token stream of its own, and labels were most of an entry's texts
    // (7% of a full build at 10,000 entries). A phrase may now run from one label to the next.
    let mut sl = String::new();
    let mut en = String::new();
    for (dimension, keys) in keyed {
        for key in keys {
            if let Some(term) = vocabulary.terms(dimension).get(key) {
                sl.push_str(&term.label);
                sl.push('\n');
                if let Some(l) = &term.label_en {
                    en.push_str(l);
                    en.push('\n');
                }
            }
        }
    }
    // The editors' keywords say, like the labels, what the measure is, in the words people
    // search with. They go into the labels' text rather than a field of their own, which
    // every word of every search would look up too, for ranking hardly better
    // (docs/search-quality.md).
    for keyword in &entry.keywords {
        sl.push_str(keyword);
        sl.push('\n');
    }
    for labels in [sl, en].iter().filter(|l| !l.is_empty()) {
        add(Text::Tags, labels);
    }
    for key in &entry.types {
        d.add_facet(f.r#type, Facet::from_path([key.as_str()]));
    }
    d
}
