//! Index build and one-entry update over a generated handbook of 10,000 entries.
//!
//!     cargo bench --bench index          # HANDBOOK_BENCH_SIZES=1000,10000 for other sizes
//!
//! `build`: read and check every file, build the index in memory (what a reindex does).
//! `update_one`: one file saved: parse, upsert, commit, reload, new snapshot (what the watcher
//! does for an editor's save, without the debounce).

mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use handbook::catalog::{Catalog, Changes};
use support::{corpus, sizes};

fn bench(c: &mut Criterion) {
    let today = handbook::today();
    for n in sizes() {
        let dir = corpus(n);
        let mut group = c.benchmark_group(format!("index_{n}"));
        group.sample_size(10);
        group.bench_function(BenchmarkId::new("build", n), |b| {
            b.iter(|| {
                Catalog::open(dir.path(), None, today)
                    .unwrap()
                    .0
                    .handle()
                    .get()
                    .entries
                    .len()
            });
        });
        let (mut catalog, _) = Catalog::open(dir.path(), None, today).unwrap();
        let (files, _) = handbook::handbook::discover(dir.path());
        let path = files[files.len() / 2].clone();
        let original = std::fs::read_to_string(&path).unwrap();
        let mut version = 0u64;
        group.bench_function(BenchmarkId::new("update_one", n), |b| {
            b.iter(|| {
                version += 1;
                std::fs::write(
                    &path,
                    original.replacen("title = \"", &format!("title = \"v{version} "), 1),
                )
                .unwrap();
                let changes = Changes {
                    entries: [path.clone()].into(),
                    ..Changes::default()
                };
                catalog.apply(&changes, today).unwrap().upserted.len()
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
