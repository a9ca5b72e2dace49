//! Search latency over generated handbooks, full Slovenian search against a plain baseline
//! (exact folded words and BM25 only; same index, same facets and filters). `full` and `plain`
//! are the first search of their words; `full-repeat` repeats the search, so it reuses the
//! matches of its words, and costs what another filter, sort or page of the same words costs.
//!
//!     cargo bench --bench search                       # 10,000 entries
//!     HANDBOOK_BENCH_SIZES=1000,10000,100000 cargo bench --bench search

mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use handbook::live::catalog::Catalog;
use handbook::search::query::Features;
use handbook::search::{Facet, SearchQuery};
use support::{corpus, sizes};

fn queries() -> Vec<(&'static str, SearchQuery)> {
    let text = |t: &str| SearchQuery {
        text: t.to_string(),
        ..SearchQuery::default()
    };
    let mut filtered = text("obnova fasad");
    filtered
        .filters
        .insert(Facet::Region, vec!["gorenjska".into(), "podravska".into()]);
    filtered.filters.insert(Facet::Status, vec!["open".into()]);
    vec![
        ("one-word", text("najemnine")),
        ("inflected", text("najemnino v mestnem jedru")),
        (
            "multi-word",
            text("subvencije za najem lokala v starem mestnem jedru"),
        ),
        (
            "question",
            text("ali lahko kot samostojni podjetnik dobim ugoden kredit za nove stroje"),
        ),
        ("typo", text("ljubjana obnova procelij")),
        // A verb no group names, kin to one a group does ("subvencionirajo" was, until the
        // subsidy group took the verb itself); a craft by its trade's name, in a group of
        // thirty words.
        ("kin", text("usposobim prodajalce")),
        ("craft", text("sem frizerka, kje dobim pomoč za obrt")),
        ("prefix", text("podjetn")),
        ("filtered", filtered),
        ("empty", text("")),
    ]
}

fn bench(c: &mut Criterion) {
    let today = handbook::today();
    for n in sizes() {
        let dir = corpus(n);
        let (catalog, _) = Catalog::open(dir.path(), None, today).unwrap();
        let snapshot = catalog.handle().get();
        let mut group = c.benchmark_group(format!("search_{n}"));
        for (name, query) in queries() {
            for (mode, features) in [("full", Features::ALL), ("plain", Features::PLAIN)] {
                group.bench_with_input(BenchmarkId::new(mode, name), &query, |b, q| {
                    b.iter(|| snapshot.search_first(q, today, features).unwrap().total);
                });
            }
            group.bench_with_input(BenchmarkId::new("full-repeat", name), &query, |b, q| {
                b.iter(|| snapshot.search(q, today).unwrap().total);
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
