//! `handbook analyze "text"`: the terms the analysers make of a text, one word a line.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{AnalyzeArgs, Format};
use crate::text::analysis;

pub fn run(args: &AnalyzeArgs) -> anyhow::Result<ExitCode> {
    let words = analysis::analyze(&args.text);
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&words)?)?,
        Format::Human => {
            let width = words
                .iter()
                .map(|w| w.text.chars().count())
                .max()
                .unwrap_or(4)
                .max(4);
            writeln!(
                out,
                "{:width$}  {:width$}  {:width$}  {:width$}  family",
                "word", "exact", "lemma", "term"
            )?;
            for w in &words {
                let note = if w.stop {
                    "  (stop word: left out of queries)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{:width$}  {:width$}  {:width$}  {:width$}  {}{note}",
                    w.text, w.folded, w.lemma, w.term, w.family
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
