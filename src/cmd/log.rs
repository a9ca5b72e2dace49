//! `handbook log ID`: an entry's history in the terminal, newest first: each version's date,
//! commit, editor and message, and what changed in words. Reads the repository the handbook
//! is in (with gix, like the server); exits 1 when the entry has no history.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::LogArgs;
use crate::handbook::Handbook;
use crate::handbook::vocabulary::Vocabulary;
use crate::history::{self, Event};
use crate::text::lang::Lang;

pub fn run(args: &LogArgs) -> anyhow::Result<ExitCode> {
    let root = &args.handbook.dir;
    anyhow::ensure!(
        root.is_dir(),
        "{} is not a folder; run from the project folder or pass --handbook DIR",
        root.display()
    );
    let lang = if args.english { Lang::En } else { Lang::Sl };
    // The vocabulary names keys in the changes; a broken one only costs the names.
    let path = Handbook::vocabulary_path(root);
    let vocabulary = std::fs::read_to_string(&path)
        .ok()
        .and_then(|source| Vocabulary::parse(&path, &source).ok())
        .unwrap_or_default();
    let (_, index) = history::read(root, &vocabulary)
        .with_context(|| format!("cannot read the history of {}", root.display()))?;
    // A former id: the entry that lists it among its aliases now, if history knows one.
    let mut id = args.id.clone();
    if index.versions_of(&id).is_empty()
        && let Some(v) = index.recent().find(|v| match &v.event {
            Event::Renamed { from } => *from == id,
            _ => false,
        })
    {
        id = v.id.clone();
    }
    let versions = index.versions_of(&id);
    if versions.is_empty() {
        eprintln!(
            "{}: {} has no history (not in any commit of {})",
            args.id,
            lang.pick("ukrep", "the measure"),
            root.display()
        );
        return Ok(ExitCode::from(1));
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{} ({id})", versions[0].title)?;
    for v in &versions {
        writeln!(out)?;
        writeln!(
            out,
            "{}  {}  {}",
            crate::text::format::date_time_in(&v.commit.time, lang),
            &v.commit.id.to_string()[..10],
            v.commit.author
        )?;
        writeln!(
            out,
            "    {}",
            crate::web::history::event_words(&v.event, lang)
        )?;
        if let Some(line) = v.commit.message.lines().next() {
            writeln!(out, "    „{line}“")?;
        }
        for c in &v.changes {
            writeln!(
                out,
                "    - {}",
                history::diff::describe(c, &vocabulary, lang)
            )?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
