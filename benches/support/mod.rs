//! Shared by the benchmarks: which handbook sizes to run.

/// `HANDBOOK_BENCH_SIZES=1000,10000,100000`, or 10,000 entries.
pub fn sizes() -> Vec<usize> {
    std::env::var("HANDBOOK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000])
}

/// A generated handbook of `n` entries over the shipped vocabulary, in a temporary folder.
pub fn corpus(n: usize) -> tempfile::TempDir {
    let vocabulary =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml");
    let dir = tempfile::tempdir().unwrap();
    handbook::corpus::write(dir.path(), &vocabulary, n, 42).unwrap();
    dir
}
