//! Diagnostics about handbook files: where a problem is (file, line, column), how bad it is, what
//! is wrong and what the editor should do next. They are rendered for people in the style of a
//! compiler (the offending line with a caret under the spot) and serialised for machines.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// How bad a problem is. Errors keep a file out of search; warnings only inform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column counted in characters, not bytes.
    pub column: usize,
    pub severity: Severity,
    /// A stable, short code such as `unknown-key`, for tools and for the editors' guide.
    pub code: &'static str,
    pub message: String,
    /// What to do about it, when there is something more useful to say than the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The text of the offending line, for the caret display.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// How many characters the caret underline spans.
    #[serde(skip)]
    pub width: usize,
}

impl Diagnostic {
    /// A diagnostic that points at a byte range of `source`.
    pub fn at(
        file: &Path,
        source: &str,
        span: Range<usize>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        let pos = Position::of(source, span.start);
        let line_text = source[pos.line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let end = span
            .end
            .min(pos.line_start + line_text.len())
            .max(span.start);
        let width = source
            .get(span.start..end)
            .map_or(1, |s| s.chars().count())
            .max(1);
        Diagnostic {
            file: file.to_path_buf(),
            line: pos.line,
            column: pos.column,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line: Some(line_text),
            width,
        }
    }

    /// A diagnostic about a whole file (it cannot be read, it is a duplicate, ...).
    pub fn file(file: &Path, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line: None,
            width: 0,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:column`, or just the path for whole-file problems.
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.file.display().to_string()
        } else {
            format!("{}:{}:{}", self.file.display(), self.line, self.column)
        }
    }
}

impl fmt::Display for Diagnostic {
    /// Renders like a compiler:
    ///
    /// ```text
    /// error[unknown-key]: unknown municipality `lubljana`
    ///   --> handbook/measures/a.toml:3:19
    ///    |
    ///  3 | municipalities = ["lubljana"]
    ///    |                   ^^^^^^^^^^
    ///    = help: did you mean `ljubljana`?
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}[{}]: {}", self.severity, self.code, self.message)?;
        let gutter = self.line.to_string().len().max(1);
        writeln!(f, "{:gutter$}--> {}", "", self.location())?;
        if let Some(line) = &self.source_line {
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{:>gutter$} | {}", self.line, line.replace('\t', " "))?;
            writeln!(
                f,
                "{:gutter$} | {}{}",
                "",
                " ".repeat(self.column.saturating_sub(1)),
                "^".repeat(self.width.max(1))
            )?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{:gutter$} = help: {}", "", help)?;
        }
        Ok(())
    }
}

/// A 1-based line and character column of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    line_start: usize,
}

impl Position {
    pub fn of(source: &str, offset: usize) -> Self {
        let mut offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &source[..offset];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: source[line_start..offset].chars().count() + 1,
            line_start,
        }
    }
}

/// The closest of `candidates` to `wrong`, if it is close enough to be a plausible typo.
pub fn did_you_mean<'a>(
    wrong: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wrong = wrong.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&wrong, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).clamp(1, 3))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// A summary line such as `2 errors and 1 warning in 2 files`.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let files = diagnostics
        .iter()
        .map(|d| &d.file)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} and {} in {}",
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(files, "file")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_not_bytes() {
        let src = "a = 1\nčšž = \"x\"\n";
        let p = Position::of(src, src.find('=').unwrap());
        assert_eq!((p.line, p.column), (1, 3));
        let second = src.rfind('=').unwrap();
        let p = Position::of(src, second);
        assert_eq!((p.line, p.column), (2, 5));
    }

    #[test]
    fn a_diagnostic_renders_the_line_with_a_caret_under_the_spot() {
        let src = "title = \"x\"\nmunicipalities = [\"lubljana\"]\n";
        let start = src.find("\"lubljana\"").unwrap();
        let d = Diagnostic::at(
            Path::new("m/a.toml"),
            src,
            start..start + 10,
            "unknown-value",
            "unknown municipality `lubljana`",
        )
        .with_help("did you mean `ljubljana`?");
        let text = d.to_string();
        assert!(text.contains("--> m/a.toml:2:19"), "{text}");
        assert!(
            text.contains("2 | municipalities = [\"lubljana\"]"),
            "{text}"
        );
        assert!(
            text.contains(&format!("| {}{}", " ".repeat(18), "^".repeat(10))),
            "{text}"
        );
        assert!(text.contains("= help: did you mean `ljubljana`?"), "{text}");
    }

    #[test]
    fn did_you_mean_suggests_close_names_only() {
        let keys = ["ljubljana", "maribor", "kranj"];
        assert_eq!(did_you_mean("lubljana", keys), Some("ljubljana"));
        assert_eq!(did_you_mean("Maribr", keys), Some("maribor"));
        assert_eq!(did_you_mean("velenje", keys), None);
    }

    #[test]
    fn the_summary_counts_errors_warnings_and_files() {
        let a = Diagnostic::file(Path::new("a"), "x", "m");
        let b = Diagnostic::file(Path::new("b"), "x", "m").warning();
        assert_eq!(
            summary(&[a.clone(), a, b]),
            "2 errors and 1 warning in 2 files"
        );
    }
}
