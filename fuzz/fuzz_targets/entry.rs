//! Any bytes, read as text the way a broken editor or a bad copy might save a file, are an
//! entry or a list of diagnostics that point inside the file; never a panic. The vocabulary
//! parser gets the same bytes, and a valid entry's warnings and body are computed too.
#![no_main]

use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;
use handbook::handbook::diagnostic::Diagnostic;
use handbook::handbook::entry;
use handbook::handbook::vocabulary::Vocabulary;
use libfuzzer_sys::fuzz_target;

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    Vocabulary::parse(
        Path::new("vocabulary.toml"),
        include_str!("../../handbook/vocabulary.toml"),
    )
    .expect("the shipped vocabulary is valid")
});

/// Late enough that the shipped entries (the seeds) are not dated in the future.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 1, 1).expect("a real date")
}

/// The line and column lie inside `source` (line 0 is the whole file).
fn check_position(source: &str, d: &Diagnostic) {
    if d.line == 0 {
        assert_eq!(d.column, 0, "{d:?}");
        return;
    }
    let line = source
        .split('\n')
        .nth(d.line - 1)
        .unwrap_or_else(|| panic!("line {} is past the end: {d:?}", d.line));
    assert!(
        d.column >= 1 && d.column <= line.chars().count() + 1,
        "column outside the line: {d:?}"
    );
    let _ = d.to_string();
}

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let file = Path::new("measures/fuzz/fuzz-entry.toml");
    match entry::parse(file, "fuzz-entry", &source, &VOCABULARY, today()) {
        Ok(e) => {
            for w in entry::warnings(file, &source, &e, today()) {
                check_position(&source, &w);
            }
            if let Some(body) = &e.body {
                let _ = handbook::text::markdown::to_html(body);
            }
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for d in &diagnostics {
                check_position(&source, d);
            }
        }
    }
    if let Err(diagnostics) = Vocabulary::parse(Path::new("vocabulary.toml"), &source) {
        for d in &diagnostics {
            check_position(&source, d);
        }
    }
});
