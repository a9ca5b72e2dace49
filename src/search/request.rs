//! What a person asks a search for (`SearchQuery`: words, filters, sort, page, language) and
//! what comes back (`Results`: one page of hits and the counts of every facet value).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use tantivy::Score;

use crate::handbook::entry::{Entry, Status};
use crate::search::facet::Facet;
use crate::text::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sort {
    #[default]
    Relevance,
    Deadline,
    Updated,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Relevance, Sort::Deadline, Sort::Updated];

    pub fn key(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Deadline => "deadline",
            Sort::Updated => "updated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Relevance => "ustreznosti",
            Sort::Deadline => "roku prijave",
            Sort::Updated => "zadnjem preverjanju",
        }
    }

    pub fn label_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Sl => self.label(),
            Lang::En => match self {
                Sort::Relevance => "relevance",
                Sort::Deadline => "deadline",
                Sort::Updated => "last checked",
            },
        }
    }

    pub fn from_key(key: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.key() == key)
    }
}

// What a search accepts, in one place for the web, the command line and the API's description.

/// Results on a page unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: usize = 20;
/// Most results on one page.
pub const MAX_PER_PAGE: usize = 100;
/// Longest query text accepted, in bytes.
pub const MAX_QUERY_BYTES: usize = 1024;
/// Most words a search looks up (after stop words are dropped; each word of a quoted phrase
/// counts). A long question asked in full has 10–20; beyond this a text is pasted or made up,
/// and each word costs a lookup in seven fields, so it is refused rather than searched.
pub const MAX_QUERY_WORDS: usize = 32;
/// Most words of one search looked up with typos; the rest match as written, as other forms
/// and as synonyms. A typo walks the dictionary of four fields for each word, the dearest part
/// of a search; a person mistypes one or two words of a search, not thirty.
pub const MAX_TYPO_WORDS: usize = 4;
/// Most values selected in one facet; a person ticks a handful, a script thousands.
pub const MAX_FILTER_VALUES: usize = 64;
/// Pages beyond this are refused rather than computed: no person pages that far.
pub const MAX_PAGE: usize = 100_000;
/// Longest text `/api/analyze` takes: enough for an entry's summary and body.
pub const MAX_ANALYZE_BYTES: usize = 16 * 1024;

/// What a person asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: String,
    pub filters: BTreeMap<Facet, Vec<String>>,
    pub sort: Sort,
    pub page: usize,
    pub per_page: usize,
    /// The language of labels and snippets; what matches does not depend on it.
    pub lang: Lang,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            text: String::new(),
            filters: BTreeMap::new(),
            sort: Sort::Relevance,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            lang: Lang::Sl,
        }
    }
}

impl SearchQuery {
    pub fn selected(&self, facet: Facet) -> &[String] {
        self.filters.get(&facet).map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FacetValue {
    pub value: String,
    pub label: String,
    pub count: usize,
    pub selected: bool,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub entry: Arc<Entry>,
    pub status: Status,
    pub score: Score,
    /// HTML: escaped text with `<mark>` around matched words.
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct Results {
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<Hit>,
    pub facets: Vec<(Facet, Vec<FacetValue>)>,
}
