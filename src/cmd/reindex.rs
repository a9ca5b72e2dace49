//! `handbook reindex`: rebuild the search index from the handbook.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::cli::ReindexArgs;
use crate::handbook::cache::Cache;
use crate::handbook::folder::Handbook;
use crate::index::{Opened, SearchIndex};

pub fn run(args: &ReindexArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    // Files unchanged since they were last read are taken from the cache beside the index;
    // the index itself is rebuilt from scratch.
    let (cache, _) = Cache::load(&args.index, crate::today());
    let handbook = Handbook::load_cached(&args.handbook.dir, crate::today(), &cache)
        .context("cannot read the handbook")?;
    let resolved = handbook.resolve();
    // `open` rebuilds an index that does not match; one that does is rebuilt all the same,
    // since that is what was asked, but never twice.
    let (mut index, opened) = SearchIndex::open(&args.index, &resolved, &handbook.vocabulary)?;
    if opened == Opened::Reused {
        index.rebuild(&resolved, &handbook.vocabulary)?;
    }
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
