//! `handbook check`: every problem in the handbook, in one run.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{CheckArgs, Format};
use crate::handbook::diagnostic::{self, Diagnostic};
use crate::handbook::folder::{Handbook, LoadError};

pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let root = &args.handbook.dir;
    anyhow::ensure!(
        root.is_dir(),
        "{} is not a folder; pass the handbook folder with --handbook DIR",
        root.display()
    );
    let (diagnostics, entries) = match Handbook::load(root, crate::today()) {
        Ok(handbook) => {
            let resolved = handbook.resolve();
            let valid = handbook
                .files
                .values()
                .filter(|f| f.current.is_ok())
                .count();
            let problems = resolved.problems.iter().map(|d| Diagnostic::clone(d));
            (problems.collect(), valid)
        }
        Err(LoadError::Vocabulary { diagnostics, .. }) => (diagnostics, 0),
        Err(e @ LoadError::Io { .. }) => return Err(e).context("cannot check the handbook"),
    };
    print(&diagnostics, args.format, entries)?;
    Ok(if diagnostics.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print(diagnostics: &[Diagnostic], format: Format, valid_entries: usize) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            for d in diagnostics {
                writeln!(out, "{}", serde_json::to_string(d).unwrap_or_default())?;
            }
        }
        Format::Human => {
            for d in diagnostics {
                writeln!(out, "{d}")?;
            }
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            if errors == 0 {
                let warnings = diagnostics.len();
                let note = if warnings == 0 {
                    "no problems".to_string()
                } else {
                    diagnostic::summary(diagnostics)
                };
                writeln!(out, "ok: {valid_entries} entries, {note}")?;
            } else {
                writeln!(
                    out,
                    "{} ({valid_entries} valid entries)",
                    diagnostic::summary(diagnostics)
                )?;
            }
        }
    }
    Ok(())
}
