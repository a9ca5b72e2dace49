//! A large handbook is searched in parts, side by side: cut anywhere, across segments and
//! around deleted documents, the parts must give exactly the answer of one whole search. And a
//! search whose words were searched before reuses their matches, cut into its own parts: it
//! must give exactly the answer of a first search.

use std::fs;
use std::path::Path;

use handbook::live::catalog::{Catalog, Changes};
use handbook::search::{Facet, Results, Reuse, SearchQuery, Snapshot, Sort};

/// Everything a reader sees of a search, scores included.
fn seen(r: &Results) -> String {
    let hits: Vec<String> = r
        .hits
        .iter()
        .map(|h| format!("{} {:?} {} {}", h.entry.id, h.status, h.score, h.snippet))
        .collect();
    let facets: Vec<String> = r
        .facets
        .iter()
        .flat_map(|(f, values)| {
            values
                .iter()
                .map(move |v| format!("{f:?}={} {} {}", v.value, v.count, v.selected))
        })
        .collect();
    format!(
        "total {}\n{}\n{}",
        r.total,
        hits.join("\n"),
        facets.join("\n")
    )
}

fn queries() -> Vec<SearchQuery> {
    let texts = [
        "",
        "najemnine",
        "subvencije za najem lokala v starem mestnem jedru",
        "obnova fasad",
        "\"mestno jedro\"",
        "podjetn",
        "ljubjana",
        "xyzzy",
    ];
    let filters: [&[(Facet, &str)]; 4] = [
        &[],
        &[(Facet::Status, "open")],
        &[(Facet::Region, "gorenjska"), (Facet::Region, "podravska")],
        &[
            (Facet::Status, "closed"),
            (Facet::Type, "subvencija-najemnine"),
        ],
    ];
    let mut out = Vec::new();
    for text in texts {
        for selected in filters {
            for sort in [Sort::Relevance, Sort::Deadline, Sort::Updated] {
                for (page, per_page) in [(1, 20), (3, 7), (40, 5), (1, usize::MAX)] {
                    let mut q = SearchQuery {
                        text: text.to_string(),
                        sort,
                        page,
                        per_page,
                        ..SearchQuery::default()
                    };
                    for (facet, value) in selected {
                        q.filters
                            .entry(*facet)
                            .or_default()
                            .push((*value).to_string());
                    }
                    out.push(q);
                }
            }
        }
    }
    out
}

fn assert_parts_agree(snapshot: &Snapshot) {
    let today = crate::common::today();
    let mut nonempty = 0;
    for q in queries() {
        let whole = snapshot
            .search_in_parts(&q, today, 1, Reuse::Fresh)
            .unwrap();
        nonempty += usize::from(!whole.hits.is_empty());
        if q.text.is_empty() && q.filters.is_empty() {
            // Checked against the entries, not against other parts: a match that every number
            // of parts dropped alike would pass the comparisons below.
            assert_eq!(
                whole.total,
                snapshot.entries.len(),
                "browsing finds every entry"
            );
        }
        let want = seen(&whole);
        for parts in [2, 3, 4, 7] {
            let got = snapshot
                .search_in_parts(&q, today, parts, Reuse::Fresh)
                .unwrap();
            assert_eq!(seen(&got), want, "{parts} parts: {q:?}");
        }
        // The matches the last search found (in 7 parts), cut into other parts.
        for parts in [1, 3] {
            let got = snapshot
                .search_in_parts(&q, today, parts, Reuse::Cached)
                .unwrap();
            assert_eq!(seen(&got), want, "matches reused in {parts} parts: {q:?}");
        }
    }
    let with_words = queries().iter().filter(|q| !q.text.is_empty()).count();
    assert!(
        snapshot.cached_matches().hits >= 2 * with_words as u64,
        "the reused searches must have found their matches in the cache"
    );
    // The queries must find things, or agreeing would prove nothing.
    assert!(nonempty > 200, "only {nonempty} searches found anything");
}

fn generated(dir: &Path, n: usize) -> Catalog {
    let vocabulary = Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml");
    handbook::corpus::write(dir, &vocabulary, n, 3).unwrap();
    Catalog::open(dir, None, crate::common::today()).unwrap().0
}

#[test]
fn searching_in_parts_gives_the_answer_of_one_whole_search() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = generated(dir.path(), 400);
    assert_parts_agree(&catalog.handle().get());
}

#[test]
fn parts_agree_across_segments_and_around_deleted_documents() {
    let dir = tempfile::tempdir().unwrap();
    let mut catalog = generated(dir.path(), 400);
    // Each round rewrites some entries and removes others: a new segment each time, and
    // deleted documents in the older ones.
    let mut files: Vec<_> = walkdir::WalkDir::new(dir.path().join("measures"))
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    for round in 0..3 {
        for path in files.iter().skip(round).step_by(9) {
            let Ok(text) = fs::read_to_string(path) else {
                continue;
            };
            let edited = text.replacen("title = \"", &format!("title = \"Popravek {round}: "), 1);
            fs::write(path, edited).unwrap();
        }
        for path in files.iter().skip(round + 4).step_by(31) {
            let _ = fs::remove_file(path);
        }
        let changes = Changes {
            rescan: true,
            ..Changes::default()
        };
        catalog.apply(&changes, crate::common::today()).unwrap();
    }
    let snapshot = catalog.handle().get();
    assert!(
        snapshot.searcher.segment_readers().len() > 1,
        "the rounds should have left several segments"
    );
    assert_parts_agree(&snapshot);
}

#[test]
fn searching_the_same_words_again_reuses_their_matches_and_browsing_keeps_none() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = generated(dir.path(), 200);
    let snapshot = catalog.handle().get();
    let today = crate::common::today();
    let search = |text: &str, filter: Option<(Facet, &str)>, page: usize| {
        let mut q = SearchQuery {
            text: text.to_string(),
            page,
            ..SearchQuery::default()
        };
        if let Some((facet, value)) = filter {
            q.filters.insert(facet, vec![value.to_string()]);
        }
        snapshot.search(&q, today).unwrap()
    };
    assert_eq!(snapshot.cached_matches().sets, 0);
    let first = search("najemnine", None, 1);
    assert!(first.total > 0, "the words must match something");
    let held = snapshot.cached_matches();
    assert_eq!((held.sets, held.hits), (1, 0));
    assert!(held.bytes > 0);
    // Another filter, another page, another spelling of the same words.
    search("najemnine", Some((Facet::Status, "open")), 1);
    search("najemnine", None, 2);
    search("  NAJEMNINE", Some((Facet::Region, "gorenjska")), 1);
    let held = snapshot.cached_matches();
    assert_eq!((held.sets, held.hits), (1, 3));
    // Other words are another set; no words, none.
    search("obnova fasad", None, 1);
    search("", Some((Facet::Status, "open")), 1);
    let held = snapshot.cached_matches();
    assert_eq!((held.sets, held.hits), (2, 3));
}
