//! `handbook search "query"`: hits in the terminal, from an index built in memory.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::SearchArgs;
use crate::live::catalog::Catalog;
use crate::search::query;
use crate::search::request::{MAX_QUERY_BYTES, MAX_QUERY_WORDS};
use crate::search::{Facet, SearchQuery};

pub fn run(args: &SearchArgs) -> anyhow::Result<ExitCode> {
    anyhow::ensure!(
        args.query.len() <= MAX_QUERY_BYTES,
        "the search text is too long (at most {MAX_QUERY_BYTES} bytes)"
    );
    let words = query::word_count(&args.query);
    anyhow::ensure!(
        words <= MAX_QUERY_WORDS,
        "the search has too many words ({words}; at most {MAX_QUERY_WORDS} are searched)"
    );
    let today = crate::today();
    let (catalog, _) =
        Catalog::open(&args.handbook.dir, None, today).context("cannot read the handbook")?;
    let snapshot = catalog.handle().get();
    let mut query = SearchQuery {
        text: args.query.clone(),
        per_page: args.limit.clamp(1, 10_000),
        applies_in: args.applies_in.clone(),
        min_amount: args.min_amount,
        closing: args.closing,
        ..SearchQuery::default()
    };
    for (facet, values) in [
        (Facet::Municipality, &args.municipality),
        (Facet::Type, &args.r#type),
        (Facet::Source, &args.source),
        (Facet::Beneficiary, &args.beneficiary),
        (Facet::Status, &args.status),
    ] {
        if !values.is_empty() {
            query.filters.insert(facet, values.clone());
        }
    }
    let results = snapshot.search(&query, today)?;
    let mut out = std::io::stdout().lock();
    for hit in &results.hits {
        let e = &hit.entry;
        let deadline = e
            .open_until
            .map(|d| format!(", rok {d}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}  [{}{}]\n    {}\n    /measures/{}\n",
            e.title,
            hit.status.label(),
            deadline,
            e.summary,
            e.id
        )?;
    }
    writeln!(out, "{} of {} hits", results.hits.len(), results.total)?;
    if args.min_amount.is_some() && results.excluded_unknown_amount > 0 {
        writeln!(
            out,
            "{} left out because their amount is not known",
            results.excluded_unknown_amount
        )?;
    }
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
