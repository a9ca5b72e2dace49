//! handbook: a searchable handbook of entrepreneurship measures for Slovenian town centres.
//!
//! The data flows one way, one module each: files (`handbook`, `vocabulary`, `entry`, read with
//! `toml_reader` and reported with `diagnostic`) → index (`analysis`, `schema`, `index`) →
//! search (`query`, `coordination`, `records`, `matches`, `search`, kept live by `catalog` and
//! `watch`) → web (`web`), with the command line in `cli` and `cmd`.

// `serde_json::json!` recurses once per token: the OpenAPI schema of a measure needs more than
// the default 128.
#![recursion_limit = "256"]

pub mod analysis;
pub mod cache_text;
pub mod catalog;
pub mod cli;
pub mod cmd;
pub mod coordination;
pub mod corpus;
pub mod diagnostic;
pub mod digest;
pub mod entry;
pub mod handbook;
pub mod handbook_cache;
pub mod index;
pub mod lang;
pub mod markdown;
pub mod matches;
pub mod parallel;
pub mod query;
pub mod records;
pub mod schema;
pub mod search;
pub mod snippet;
pub mod stemmer;
pub mod synonyms;
pub mod tokenizer;
pub mod toml_reader;
pub mod vocabulary;
pub mod watch;
pub mod web;

/// Today's date where the server runs; statuses are computed against it on every request.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
