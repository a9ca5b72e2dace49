//! `handbook new ID`: a new entry from a template, with today's date, ready to fill in.

use std::fs;
use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};

use crate::cli::NewArgs;
use crate::handbook::folder::{self, Handbook};
use crate::handbook::id;
use crate::handbook::vocabulary::{Dimension, Vocabulary};

pub fn run(args: &NewArgs) -> anyhow::Result<ExitCode> {
    let root = &args.handbook.dir;
    if !id::is_valid_id(&args.id) {
        bail!(
            "`{}` is not a valid id; ids use lowercase ascii letters, digits and single hyphens, e.g. `{}`",
            args.id,
            id::suggest_id(&args.id)
        );
    }
    let handbook = Handbook::load(root, crate::today()).context("cannot read the handbook")?;
    let resolved = handbook.resolve();
    if let Some(existing) = handbook.files.keys().find(|p| folder::id_of(p) == args.id) {
        bail!(
            "the id `{}` is already used by {}",
            args.id,
            existing.display()
        );
    }
    if let Some(owner) = resolved.aliases.get(&args.id) {
        bail!(
            "`{}` is a former id of `{owner}` and still redirects there; choose another id",
            args.id
        );
    }
    let v = &handbook.vocabulary;
    check_key(v, Dimension::Municipality, args.municipality.as_deref())?;
    check_key(v, Dimension::Type, args.r#type.as_deref())?;
    check_key(v, Dimension::Source, args.source.as_deref())?;

    let dir = match &args.municipality {
        Some(m) => Handbook::measures_path(root).join(m),
        None => Handbook::measures_path(root),
    };
    fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(format!("{}.toml", args.id));
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(template(args, crate::today()).as_bytes())?;
    println!("{}", path.display());
    if args.municipality.is_none() || args.r#type.is_none() || args.source.is_none() {
        eprintln!(
            "note: fill in the empty lists, then run `handbook check` (or pass --municipality, --type and --source)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check_key(v: &Vocabulary, dimension: Dimension, key: Option<&str>) -> anyhow::Result<()> {
    let Some(key) = key else { return Ok(()) };
    if v.terms(dimension).contains_key(key) {
        return Ok(());
    }
    let hint = crate::handbook::diagnostic::did_you_mean(
        key,
        v.terms(dimension).keys().map(String::as_str),
    )
    .map(|s| format!("; did you mean `{s}`?"))
    .unwrap_or_default();
    bail!("unknown {} `{key}`{hint}", dimension.name())
}

fn list(key: Option<&str>) -> String {
    key.map_or_else(|| "[]".to_string(), |k| format!("[\"{k}\"]"))
}

fn template(args: &NewArgs, today: chrono::NaiveDate) -> String {
    format!(
        r#"# A measure of the handbook. The editors' guide (handbook/README.md) explains every field.
title = "Naslov ukrepa"
summary = "Kratek opis ukrepa v enem ali dveh stavkih."
municipalities = {municipalities}
types = {types}
sources = {sources}
# beneficiaries = ["mikro-podjetja"]
# keywords = ["besede, s katerimi ljudje iščejo", "ki jih besedilo ne uporablja"]
provider = "Izvajalec ukrepa"
updated = {today}
# url = "https://..."
# open_from = {today}
# open_until = {today}
# until_funds_run_out = true
# budget_eur = 10000
# max_amount_eur = 2000
# cofinancing_percent = 50
# legal_basis = ["..."]
# gazette = "Uradni list RS, št. .../..."
body = """
Pogoji, postopek prijave in potrebni dokumenti.
"""
"#,
        municipalities = list(args.municipality.as_deref()),
        types = list(args.r#type.as_deref()),
        sources = list(args.source.as_deref()),
    )
}
