//! The integration tests, one binary so the crate and its dependencies link once: a module per
//! area, with the helpers they share in `common`. The browser and relevance suites stay apart
//! (`tests/browser.rs`, `tests/relevance.rs`): they need their own setup and report figures.

mod common;

mod alerts;
mod bad_input;
mod calendars;
mod check_command;
mod check_snapshot;
mod churn;
mod compare_statistics;
mod crash_safety;
mod curated_synonyms;
mod deploy;
mod diagnostics;
mod escaping;
mod exports_and_feeds;
mod faults;
mod fits;
mod heavy_work;
mod history;
mod hostile_handbook;
mod index_recovery;
mod keywords;
mod languages_and_citations;
mod live_reload;
mod load_churn;
mod openapi;
mod properties;
mod questions;
mod search_api;
mod search_in_parts;
mod shipped_handbook;
mod shutdown;
mod slow_clients;
