//! Any bytes as the query string of `/api/search`: parsed to a query or refused with a
//! message, and a parsed query round-trips through its link and searches the shipped handbook
//! without failing. The same bytes as search text (longer than a query string may carry) are
//! parsed into clauses, compiled, run, and the hits' snippets marked.
#![no_main]

use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use handbook::live::catalog::Catalog;
use handbook::search::{SearchQuery, Snapshot};
use handbook::web::params::{parse_search, to_query_string};
use libfuzzer_sys::fuzz_target;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 1).expect("a real date")
}

/// The shipped handbook, indexed in memory once per fuzzing process.
static SNAPSHOT: LazyLock<Arc<Snapshot>> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../handbook");
    let (catalog, _) = Catalog::open(&root, None, today()).expect("the shipped handbook opens");
    catalog.handle().get()
});

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    let snapshot = &*SNAPSHOT;
    if let Ok(q) = parse_search(Some(&raw)) {
        let again = parse_search(Some(&to_query_string(&q, q.page)));
        assert_eq!(again.as_ref(), Ok(&q), "the link of {raw:?}");
        let results = snapshot
            .search(&q, today())
            .expect("a parsed query searches");
        assert!(results.hits.len() <= q.per_page);
    }
    let text = SearchQuery {
        text: raw.into_owned(),
        ..SearchQuery::default()
    };
    snapshot.search(&text, today()).expect("any text searches");
});
