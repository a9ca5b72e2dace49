//! handbook: a searchable handbook of entrepreneurship measures for Slovenian town centres.
//!
//! The data flows one way, a folder per stage: `text` (how words become terms) → `handbook` (the
//! files: entries, vocabulary, diagnostics, the on-disk cache) → `index` (the Tantivy schema and
//! index) → `search` (a query over one snapshot: matching, facets, ranking, snippets) → `live`
//! (watching the files and publishing snapshots) → `web` (the pages and the API), with the
//! command line in `cli` and `cmd`, the server's settings resolved once in `config`, and the
//! counters `/metrics` shows in `metrics`.

// `serde_json::json!` recurses once per token: the OpenAPI schema of a measure needs more than
// the default 128.
#![recursion_limit = "256"]

pub mod alerts;
pub mod cli;
pub mod cmd;
pub mod config;
#[doc(hidden)]
pub mod corpus;
pub mod handbook;
pub mod history;
pub mod index;
pub mod live;
pub mod lru;
pub mod metrics;
pub mod parallel;
pub mod search;
pub mod text;
pub mod web;

pub use handbook::{Entry, Handbook, Vocabulary};
pub use live::Catalog;
pub use search::{SearchQuery, Snapshot};

/// Today's date where the server runs; statuses are computed against it on every request.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
