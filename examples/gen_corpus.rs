//! Writes a synthetic handbook for benchmarks and load tests:
//!
//!     cargo run --release --example gen_corpus -- 10000 /tmp/corpus-10k [SEED]
//!
//! The folder gets `vocabulary.toml` (the shipped one), `measures/**` with N entries and
//! `queries.txt` with realistic queries.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(n), Some(dir)) = (
        args.first().and_then(|n| n.parse::<usize>().ok()),
        args.get(1),
    ) else {
        eprintln!("usage: gen_corpus N DIR [SEED]");
        return ExitCode::from(2);
    };
    let seed = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(42);
    let vocabulary = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml");
    match handbook::corpus::write(&PathBuf::from(dir), &vocabulary, n, seed) {
        Ok(()) => {
            println!("wrote {n} entries to {dir}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
