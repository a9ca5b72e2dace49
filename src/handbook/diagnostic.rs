//! Diagnostics about handbook files: where a problem is (file, line, column), how bad it is, what
//! is wrong and what the editor should do next. They are rendered for people in the style of a
//! compiler (the offending line with a caret under the spot) and serialised for machines.

use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How bad a problem is. Errors keep a file out of search; warnings only inform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
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
    /// Shared by the diagnostics of one file where they are kept together (`Texts`).
    pub file: Arc<Path>,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column counted in characters, not bytes.
    pub column: usize,
    pub severity: Severity,
    /// A stable, short code such as `unknown-key`, for tools and for the editors' guide.
    pub code: &'static str,
    /// The texts are shared (`Texts`): a generated handbook of 100,000 entries has 200,000
    /// warnings, most of whose help texts, messages and quoted lines repeat.
    pub message: Arc<str>,
    /// What to do about it, when there is something more useful to say than the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Arc<str>>,
    /// The text of the offending line, for the caret display; an excerpt around the spot when
    /// the line is longer than `MAX_QUOTED_CHARS`.
    #[serde(skip)]
    pub source_line: Option<Arc<str>>,
    /// How many characters the caret underline spans.
    #[serde(skip)]
    pub width: usize,
    /// Characters of `source_line` before the caret: `column - 1`, unless the line is an
    /// excerpt.
    #[serde(skip)]
    caret: usize,
}

/// Most problems reported for one file. A broken file can have a problem on every line, and
/// each costs a scan of the file: a 1 MiB file of 500,000 stray words took hours to report.
/// Nobody reads past the first screenful; the rest are found again once those are fixed.
pub const MAX_PER_FILE: usize = 100;

/// Longest line quoted under a diagnostic. A minified or generated file can be one line of a
/// megabyte, and every diagnostic on it would carry a copy.
const MAX_QUOTED_CHARS: usize = 160;
/// How much of a long line to quote before the spot.
const QUOTED_LEAD: usize = 40;

/// A diagnostic as the handbook cache keeps it among the warnings of one file: every field but
/// the file, which is the file the warnings are kept with. Borrows its texts from the cache's
/// bytes, so that reading it back allocates each distinct text once (`Texts`).
#[derive(Serialize, Deserialize)]
pub struct StoredDiagnostic<'a> {
    line: usize,
    column: usize,
    severity: Severity,
    #[serde(borrow, deserialize_with = "crate::handbook::serde_text::borrowed")]
    code: &'a str,
    #[serde(borrow, deserialize_with = "crate::handbook::serde_text::borrowed")]
    message: &'a str,
    #[serde(
        borrow,
        deserialize_with = "crate::handbook::serde_text::borrowed_maybe"
    )]
    help: Option<&'a str>,
    #[serde(
        borrow,
        deserialize_with = "crate::handbook::serde_text::borrowed_maybe"
    )]
    source_line: Option<&'a str>,
    width: usize,
    caret: usize,
}

impl<'a> From<&'a Diagnostic> for StoredDiagnostic<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        StoredDiagnostic {
            line: d.line,
            column: d.column,
            severity: d.severity,
            code: d.code,
            message: &d.message,
            help: d.help.as_deref(),
            source_line: d.source_line.as_deref(),
            width: d.width,
            caret: d.caret,
        }
    }
}

impl StoredDiagnostic<'_> {
    /// The diagnostic about `file`, its texts and file shared through `texts`.
    pub fn restore(&self, file: &Path, texts: &mut Texts) -> Diagnostic {
        Diagnostic {
            file: texts.file(file),
            line: self.line,
            column: self.column,
            severity: self.severity,
            code: texts.code(self.code),
            message: texts.get(self.message),
            help: self.help.map(|h| texts.get(h)),
            source_line: self.source_line.map(|l| texts.get(l)),
            width: self.width,
            caret: self.caret,
        }
    }
}

/// Shares equal texts between diagnostics made or read together: one allocation for each
/// distinct message, help text and quoted line instead of one for each diagnostic.
#[derive(Default)]
pub struct Texts {
    texts: std::collections::HashSet<Arc<str>, foldhash::fast::RandomState>,
    codes: Vec<&'static str>,
    /// The file of the last diagnostic shared: a file's diagnostics come together.
    file: Option<Arc<Path>>,
}

impl Texts {
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(shared) = self.texts.get(text) {
            return shared.clone();
        }
        let shared: Arc<str> = Arc::from(text);
        self.texts.insert(shared.clone());
        shared
    }

    /// The code as the program spells it; asked of the process-wide list only once per code.
    fn code(&mut self, code: &str) -> &'static str {
        if let Some(known) = self.codes.iter().find(|c| **c == code) {
            return known;
        }
        let known = static_code(code);
        self.codes.push(known);
        known
    }

    /// The file, shared with the diagnostic before if it was about the same file. Always a
    /// copy, never the caller's: that may sit among the garbage of reading its file.
    fn file(&mut self, file: &Path) -> Arc<Path> {
        match &self.file {
            Some(last) if **last == *file => last.clone(),
            _ => self.file.insert(Arc::from(file)).clone(),
        }
    }

    /// `diagnostic` with its texts shared, in memory of its own (see `handbook::compact`).
    pub fn share(&mut self, d: &Diagnostic) -> Diagnostic {
        StoredDiagnostic::from(d).restore(&d.file, self)
    }
}

/// Codes are `&'static str` so that matching on them is cheap and typo-proof; one read back
/// from the cache is leaked once and reused, and there are a few dozen codes in all.
fn static_code(code: &str) -> &'static str {
    static CODES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut codes = CODES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(known) = codes.iter().find(|c| **c == code) {
        return known;
    }
    let leaked: &'static str = Box::leak(code.to_owned().into_boxed_str());
    codes.push(leaked);
    leaked
}

impl Diagnostic {
    /// A diagnostic that points at a byte range of `source`.
    pub fn at(
        file: &Path,
        source: &str,
        span: Range<usize>,
        code: &'static str,
        message: impl Into<Arc<str>>,
    ) -> Self {
        let pos = Position::of(source, span.start);
        let line_text = source[pos.line_start..].lines().next().unwrap_or("");
        let end = span
            .end
            .min(pos.line_start + line_text.len())
            .max(span.start);
        let width = source
            .get(span.start..end)
            .map_or(1, |s| s.chars().count())
            .max(1);
        let (quoted, caret, width) = excerpt(line_text, pos.column - 1, width);
        Diagnostic {
            file: Arc::from(file),
            line: pos.line,
            column: pos.column,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line: Some(quoted.into()),
            width,
            caret,
        }
    }

    /// Stands for the problems of a file beyond `MAX_PER_FILE`.
    pub fn more(file: &Path, count: usize) -> Self {
        Diagnostic::file(
            file,
            "too-many-problems",
            format!(
                "{count} more problem{} in this file, not shown",
                if count == 1 { "" } else { "s" }
            ),
        )
        .with_help("fix the problems above, then check the file again")
    }

    /// A diagnostic about a whole file (it cannot be read, it is a duplicate, ...).
    pub fn file(file: &Path, code: &'static str, message: impl Into<Arc<str>>) -> Self {
        Diagnostic {
            file: Arc::from(file),
            line: 0,
            column: 0,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line: None,
            width: 0,
            caret: 0,
        }
    }

    pub fn with_help(mut self, help: impl Into<Arc<str>>) -> Self {
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
    /// `location`, with the path relative to `root` (the handbook folder) where it is under
    /// it: for pages anyone may read, which must not show where the server keeps its files.
    pub fn location_in(&self, root: &Path) -> String {
        let file = self.file.strip_prefix(root).unwrap_or(&self.file);
        if self.line == 0 {
            file.display().to_string()
        } else {
            format!("{}:{}:{}", file.display(), self.line, self.column)
        }
    }

    pub fn location(&self) -> String {
        // Every path starts with the empty one: the path as it is.
        self.location_in(Path::new(""))
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
                " ".repeat(self.caret),
                "^".repeat(self.width.max(1))
            )?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{:gutter$} = help: {}", "", help)?;
        }
        Ok(())
    }
}

/// The line as quoted under a diagnostic, the caret's place in it and the underline's width:
/// the whole line if short, else `MAX_QUOTED_CHARS` of it around the caret, cut with "…".
fn excerpt(line: &str, caret: usize, width: usize) -> (String, usize, usize) {
    let chars = line.chars().count();
    // A spot in the line's "\r\n" is shown just after the line's text.
    let caret = caret.min(chars);
    if chars <= MAX_QUOTED_CHARS {
        return (line.to_string(), caret, width);
    }
    let start = caret
        .saturating_sub(QUOTED_LEAD)
        .min(chars - MAX_QUOTED_CHARS);
    let end = start + MAX_QUOTED_CHARS;
    let mut quoted = String::new();
    if start > 0 {
        quoted.push('…');
    }
    quoted.extend(line.chars().skip(start).take(MAX_QUOTED_CHARS));
    if end < chars {
        quoted.push('…');
    }
    let width = width.min(end.saturating_sub(caret)).max(1);
    (quoted, caret - start + usize::from(start > 0), width)
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
    let letters = wrong.chars().count();
    candidates
        .into_iter()
        .filter_map(|c| {
            let most = (c.chars().count() / 3).clamp(1, 3);
            // The distance is at least the difference in length; checking that first keeps a
            // pasted paragraph from costing a full comparison with every candidate.
            if letters.abs_diff(c.chars().count()) > most {
                return None;
            }
            let d = strsim::damerau_levenshtein(&wrong, &c.to_lowercase());
            (d <= most).then_some((d, c))
        })
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

    fn stale(file: &Path) -> Diagnostic {
        Diagnostic::at(
            file,
            "updated = 2020-01-01\n",
            10..20,
            "stale",
            "not checked",
        )
        .with_help("check it")
        .warning()
    }

    #[test]
    fn shared_diagnostics_are_equal_copies_that_share_their_texts_and_file() {
        let (a, b) = (Path::new("a.toml"), Path::new("b.toml"));
        let originals = [stale(a), stale(a), stale(b)];
        let mut texts = Texts::default();
        let shared: Vec<Diagnostic> = originals.iter().map(|d| texts.share(d)).collect();
        assert_eq!(shared, originals);
        assert!(Arc::ptr_eq(&shared[0].message, &shared[2].message));
        assert!(Arc::ptr_eq(
            shared[0].help.as_ref().unwrap(),
            shared[1].help.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(&shared[0].file, &shared[1].file));
        // The originals were made among the garbage of reading a file: nothing of them is kept.
        for (copy, original) in shared.iter().zip(&originals) {
            assert!(!Arc::ptr_eq(&copy.file, &original.file));
            assert!(!Arc::ptr_eq(&copy.message, &original.message));
        }
    }

    #[test]
    fn a_stored_diagnostic_comes_back_whole_about_the_file_it_is_kept_with() {
        let file: Arc<Path> = Arc::from(Path::new("measures/a.toml"));
        let original = stale(&file);
        let bytes = postcard::to_stdvec(&StoredDiagnostic::from(&original)).unwrap();
        let stored: StoredDiagnostic<'_> = postcard::from_bytes(&bytes).unwrap();
        let back = stored.restore(&file, &mut Texts::default());
        assert_eq!(back, original);
        assert_eq!(back.to_string(), original.to_string());
    }

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
    fn a_long_line_is_quoted_around_the_spot_with_the_caret_under_it() {
        let src = format!(
            "municipalities = [{}\"lubljana\"]\n",
            "\"kranj\", ".repeat(1000)
        );
        let start = src.find("\"lubljana\"").unwrap();
        let d = Diagnostic::at(
            Path::new("m/a.toml"),
            &src,
            start..start + 10,
            "unknown-value",
            "unknown municipality `lubljana`",
        );
        assert_eq!(d.column, start + 1);
        let text = d.to_string();
        let quoted = d.source_line.as_deref().unwrap();
        assert!(quoted.starts_with('…') && quoted.chars().count() <= MAX_QUOTED_CHARS + 2);
        let caret_line = text.lines().find(|l| l.contains('^')).unwrap();
        let quoted_line = text.lines().find(|l| l.contains("lubljana\"")).unwrap();
        let at = quoted_line.find("\"lubljana").unwrap();
        // The caret line is ascii; the quoted line starts with a three-byte "…".
        assert_eq!(
            caret_line.find('^'),
            Some(quoted_line[..at].chars().count()),
            "{text}"
        );
        assert_eq!(caret_line.matches('^').count(), 10, "{text}");
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
