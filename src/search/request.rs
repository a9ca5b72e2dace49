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
/// Most days ahead `closing` looks: ten years, beyond any call's deadline.
pub const MAX_CLOSING_DAYS: u32 = 3650;
/// Highest `min_amount` accepted, in euros: above any measure's amount by far.
pub const MAX_MIN_AMOUNT: u64 = 1_000_000_000_000;
/// The municipality key of measures that apply in the whole country: `applies_in` adds it to
/// the municipality asked for.
pub const NATIONAL: &str = "slovenija";

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
    /// `applies_in`: a municipality whose measures and the national ones (`NATIONAL`) are
    /// wanted. One more pair of values of the municipality facet, OR-ed with its others.
    pub applies_in: Option<String>,
    /// `min_amount`: only measures whose `max_amount_eur` is at least this many euros (a
    /// measure of unknown amount does not pass, and is counted in
    /// `Results::excluded_unknown_amount`).
    pub min_amount: Option<u64>,
    /// `closing`: only measures whose `open_until` falls within this many days from today
    /// (today included); closed calls do not pass.
    pub closing: Option<u32>,
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
            applies_in: None,
            min_amount: None,
            closing: None,
        }
    }
}

impl SearchQuery {
    /// The values given for `facet` (without those `applies_in` adds; see `wanted`).
    pub fn selected(&self, facet: Facet) -> &[String] {
        self.filters.get(&facet).map_or(&[], Vec::as_slice)
    }

    /// The values a search keeps of `facet`: those given, and for the municipality facet the
    /// municipality of `applies_in` and `NATIONAL`.
    pub fn wanted(&self, facet: Facet) -> Vec<String> {
        let mut values = self.selected(facet).to_vec();
        if facet == Facet::Municipality
            && let Some(m) = &self.applies_in
        {
            for v in [m.as_str(), NATIONAL] {
                if !values.iter().any(|x| x == v) {
                    values.push(v.to_string());
                }
            }
        }
        values
    }

    /// Does the search narrow the results by anything but its words?
    pub fn has_filters(&self) -> bool {
        !self.filters.is_empty()
            || self.applies_in.is_some()
            || self.min_amount.is_some()
            || self.closing.is_some()
    }

    /// The same search without any filter: the words, sort and language only.
    pub fn without_filters(&self) -> SearchQuery {
        SearchQuery {
            filters: BTreeMap::new(),
            applies_in: None,
            min_amount: None,
            closing: None,
            ..self.clone()
        }
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
    /// With `min_amount`: how many measures passed every other filter but were left out
    /// because their amount is not known.
    pub excluded_unknown_amount: usize,
    /// The municipalities named in the words ("najemnine v Kranju"), by key: their measures
    /// and the national ones rank first.
    pub places: Vec<String>,
}
