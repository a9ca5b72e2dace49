//! `handbook reindex`: rebuild the search index from the handbook.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::cli::ReindexArgs;
use crate::handbook::Handbook;
use crate::index::SearchIndex;

pub fn run(args: &ReindexArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let handbook =
        Handbook::load(&args.handbook.dir, crate::today()).context("cannot read the handbook")?;
    let resolved = handbook.resolve();
    let (mut index, _) = SearchIndex::open(&args.index, &resolved, &handbook.vocabulary)?;
    index.rebuild(&resolved, &handbook.vocabulary)?;
    let errors = resolved.problems.iter().filter(|d| d.is_error()).count();
    println!(
        "indexed {} entries into {} in {} ms",
        resolved.entries.len(),
        args.index.display(),
        started.elapsed().as_millis()
    );
    if errors > 0 {
        eprintln!("{errors} problems left files out; run `handbook check` to see them");
    }
    Ok(ExitCode::SUCCESS)
}
