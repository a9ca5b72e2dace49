//! Shared by the benchmarks: which handbook sizes to run.

/// `HANDBOOK_BENCH_SIZES=1000,10000,100000`, or 10,000 entries.
pub fn sizes() -> Vec<usize> {
    std::env::var("HANDBOOK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000])
}
