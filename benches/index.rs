//! Index build and one-entry update over a generated handbook of 10,000 entries.
//!
//!     cargo bench --bench index          # HANDBOOK_BENCH_SIZES=1000,10000 for other sizes
//!
//! `build`: read and check every file, build the index in memory (what a reindex does).
//! `update_one`: one file saved: parse, upsert, commit, reload, new snapshot (what the watcher
//! does for an editor's save, without the debounce).
//! `start`: what a server does before it serves, over an index and handbook cache on disk.

mod support;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use handbook::live::catalog::{Catalog, Changes};
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
        let (files, _) = handbook::handbook::folder::discover(dir.path());
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
        start(c, n, &dir);
    }
}

/// A server's start over an index and handbook cache written by an earlier run: decoding the
/// cache alone, and all a start does before it serves (`Catalog::open_unverified`).
fn start(c: &mut Criterion, n: usize, dir: &tempfile::TempDir) {
    let today = handbook::today();
    // The cache trusts no file changed in the last two seconds: age them all.
    let (files, _) = handbook::handbook::folder::discover(dir.path());
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for path in &files {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(an_hour_ago).unwrap();
    }
    let index = tempfile::tempdir().unwrap();
    let (mut catalog, _) = Catalog::open(dir.path(), Some(index.path()), today).unwrap();
    catalog.save_cache();
    drop(catalog);
    let mut group = c.benchmark_group(format!("start_{n}"));
    group.sample_size(20);
    group.bench_function(BenchmarkId::new("cache", n), |b| {
        b.iter_with_large_drop(|| {
            let (cache, why) = handbook::handbook::cache::Cache::load(index.path(), today);
            assert!(why.is_none(), "{why:?}");
            cache
        });
    });
    group.bench_function(BenchmarkId::new("open_unverified", n), |b| {
        // One catalog at a time (each holds the index's writer lock), dropped off the clock.
        b.iter_custom(|iters| {
            let mut took = std::time::Duration::ZERO;
            for _ in 0..iters {
                let began = std::time::Instant::now();
                let (catalog, opened) =
                    Catalog::open_unverified(dir.path(), index.path(), today).unwrap();
                took += began.elapsed();
                assert!(
                    matches!(opened, handbook::index::Opened::Reused),
                    "{opened:?}"
                );
                drop(catalog);
            }
            took
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
