//! Typed, span-aware reading of TOML tables that collects every problem instead of stopping at
//! the first. Serde's derive stops at the first error and cannot say "did you mean"; editors
//! want the whole list in one run, each with its line and column, so the handbook's files are
//! parsed to a spanned table first and then read field by field here.

use std::ops::Range;
use std::path::Path;

use chrono::NaiveDate;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::handbook::diagnostic::{Diagnostic, MAX_PER_FILE, did_you_mean};
use crate::text::analysis;

/// A spanned TOML document.
pub type Document<'s> = Spanned<DeTable<'s>>;

/// Parses TOML syntax, returning every syntax error the parser could recover from.
pub fn parse<'s>(file: &Path, source: &'s str) -> Result<Document<'s>, Vec<Diagnostic>> {
    let (doc, errors) = DeTable::parse_recoverable(source);
    if errors.is_empty() {
        return Ok(doc);
    }
    // Only the first errors in the file are described (`MAX_PER_FILE`): a line of junk can
    // make an error of every word, and each description scans the file up to its spot.
    let mut errors: Vec<_> = errors.iter().collect();
    errors.sort_by_key(|e| e.span().map_or(0, |s| s.start));
    let mut diagnostics: Vec<Diagnostic> = errors
        .iter()
        .take(MAX_PER_FILE)
        .map(|e| {
            let span = e.span().unwrap_or(0..0);
            Diagnostic::at(file, source, span, "toml-syntax", syntax_message(e.message()))
                .with_help("fix the TOML syntax here; strings need \"double quotes\", lists [\"a\", \"b\"], dates are written bare as 2024-05-31")
        })
        .collect();
    // The parser reports some errors after it has looked ahead ("AΣ": the key's end before
    // its start); the editor reads top to bottom.
    diagnostics.sort_by_key(|d| (d.line, d.column));
    if errors.len() > MAX_PER_FILE {
        diagnostics.push(Diagnostic::more(file, errors.len() - MAX_PER_FILE));
    }
    Err(diagnostics)
}

fn syntax_message(message: &str) -> String {
    let m = message.trim().trim_end_matches('.');
    format!("invalid TOML: {}", m.lines().next().unwrap_or(m))
}

/// Reads fields of one file's tables, collecting diagnostics as it goes.
pub struct Reader<'a> {
    pub file: &'a Path,
    pub source: &'a str,
    /// At most `MAX_PER_FILE`; `finish` adds one that counts the rest.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems found beyond `MAX_PER_FILE`, counted but not described.
    dropped: usize,
    /// Where an undescribed problem's help goes, so callers need not know it was dropped.
    discarded: Diagnostic,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a Path, source: &'a str) -> Self {
        Reader {
            file,
            source,
            diagnostics: Vec::new(),
            dropped: 0,
            discarded: Diagnostic::file(file, "discarded", ""),
        }
    }

    /// Has a problem been found?
    pub fn has_problems(&self) -> bool {
        !self.diagnostics.is_empty()
    }

    /// Will further problems only be counted? Then there is no point working out their help.
    pub fn is_full(&self) -> bool {
        self.diagnostics.len() >= MAX_PER_FILE
    }

    /// The problems found, in reading order, with a last one counting those not described.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut diagnostics = self.diagnostics;
        diagnostics.sort_by_key(|d| (d.line, d.column));
        if self.dropped > 0 {
            diagnostics.push(Diagnostic::more(self.file, self.dropped));
        }
        diagnostics
    }

    pub fn error(
        &mut self,
        span: Range<usize>,
        code: &'static str,
        message: impl Into<std::sync::Arc<str>>,
    ) -> &mut Diagnostic {
        if self.is_full() {
            // A list of 250,000 unknown keys: describing each would cost a scan of the file.
            self.dropped += 1;
            return &mut self.discarded;
        }
        self.diagnostics
            .push(Diagnostic::at(self.file, self.source, span, code, message));
        self.diagnostics.last_mut().expect("just pushed")
    }

    /// Reports every key of `table` that is not in `allowed`, with a suggestion when one is close.
    pub fn check_keys(&mut self, table: &DeTable<'_>, allowed: &[&str], what: &str) {
        for (key, _) in table.iter() {
            if allowed.contains(&key.get_ref().as_ref()) {
                continue;
            }
            let name = key.get_ref().to_string();
            let help = match did_you_mean(&name, allowed.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the fields {what} may have are: {}", allowed.join(", ")),
            };
            self.error(
                key.span(),
                "unknown-key",
                format!("unknown field `{name}` {what}"),
            )
            .help = Some(help.into());
        }
    }

    /// Reports a missing required field, pointing at `at` (the table's header or the file start).
    pub fn missing(&mut self, at: Range<usize>, key: &str, example: &str) -> &mut Diagnostic {
        let d = self.error(
            at,
            "missing-field",
            format!("missing required field `{key}`"),
        );
        d.help = Some(format!("add a line such as `{key} = {example}`").into());
        d
    }

    fn wrong_type(
        &mut self,
        value: &Spanned<DeValue<'_>>,
        key: &str,
        expected: &str,
        example: &str,
    ) {
        let found = type_name(value.get_ref());
        let d = self.error(
            value.span(),
            "wrong-type",
            format!("`{key}` must be {expected}, not {found}"),
        );
        d.help = Some(format!("write it as `{key} = {example}`").into());
    }

    /// A non-empty string, in Unicode NFC however its letters were written (decomposed, or as
    /// `\u` escapes), since search folds and matches composed text only.
    pub fn string(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<String>> {
        let value = table.get(key)?;
        let Some(s) = value.get_ref().as_str() else {
            self.wrong_type(value, key, "a string in double quotes", "\"...\"");
            return None;
        };
        if s.trim().is_empty() {
            self.error(value.span(), "empty-value", format!("`{key}` is empty"))
                .help = Some(
                format!("write the {key}, or remove the line if the field is optional").into(),
            );
            return None;
        }
        self.refuse_control_characters(value.span(), key, s)?;
        Some(Spanned::new(value.span(), analysis::normalize(s)))
    }

    /// Control characters (NUL, escape, the C1 range; tab and line breaks are text) come from
    /// pasting out of PDFs and binary files or from `\u0000` escapes. They are invisible in
    /// an editor, break exports and terminals, and mean nothing in a measure's text: the value
    /// is refused, naming the first one, and the file's last good version stays served.
    fn refuse_control_characters(
        &mut self,
        span: std::ops::Range<usize>,
        key: &str,
        s: &str,
    ) -> Option<()> {
        let Some((at, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        else {
            return Some(());
        };
        self.error(
            span,
            "control-character",
            format!(
                "`{key}` contains the control character U+{:04X} (character {} of the text)",
                u32::from(c),
                at + 1
            ),
        )
        .help = Some(
            "delete it: it is invisible in most editors, so retype the text around it or search for the escape (such as \\u0000)".into(),
        );
        None
    }

    /// A list of non-empty strings, each in NFC like `string`.
    pub fn string_list(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
    ) -> Option<Spanned<Vec<Spanned<String>>>> {
        let value = table.get(key)?;
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(value, key, "a list of strings", "[\"...\"]");
            return None;
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match item.get_ref().as_str() {
                Some(s) if !s.trim().is_empty() => {
                    if self
                        .refuse_control_characters(item.span(), key, s)
                        .is_some()
                    {
                        out.push(Spanned::new(item.span(), analysis::normalize(s)))
                    }
                }
                Some(_) => {
                    self.error(
                        item.span(),
                        "empty-value",
                        format!("`{key}` has an empty item"),
                    )
                    .help = Some("remove the empty string \"\" from the list".into());
                }
                None => {
                    let found = type_name(item.get_ref());
                    self.error(
                        item.span(),
                        "wrong-type",
                        format!("the items of `{key}` must be strings, not {found}"),
                    )
                    .help = Some(format!("write it as `{key} = [\"...\"]`").into());
                }
            }
        }
        Some(Spanned::new(value.span(), out))
    }

    /// A TOML local date such as `2024-05-31` (written bare, without quotes).
    pub fn date(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<NaiveDate>> {
        let value = table.get(key)?;
        match value.get_ref() {
            DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
                let d = dt.date.expect("a TOML datetime without time has a date");
                match NaiveDate::from_ymd_opt(
                    i32::from(d.year),
                    u32::from(d.month),
                    u32::from(d.day),
                ) {
                    Some(date) => Some(Spanned::new(value.span(), date)),
                    None => {
                        self.error(
                            value.span(),
                            "invalid-date",
                            format!("`{key}` is not a real calendar date"),
                        );
                        None
                    }
                }
            }
            DeValue::Datetime(_) => {
                self.error(
                    value.span(),
                    "wrong-type",
                    format!("`{key}` must be a date without a time"),
                )
                .help = Some(format!("write only the date, e.g. `{key} = 2024-05-31`").into());
                None
            }
            DeValue::String(s) if NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => {
                self.error(
                    value.span(),
                    "wrong-type",
                    format!("`{key}` must be a date, not a string"),
                )
                .help = Some(format!("remove the quotes: `{key} = {s}`").into());
                None
            }
            _ => {
                self.wrong_type(value, key, "a date", "2024-05-31");
                None
            }
        }
    }

    /// A whole number within `range`.
    pub fn integer(
        &mut self,
        table: &DeTable<'_>,
        key: &str,
        range: Range<i64>,
        unit: &str,
    ) -> Option<Spanned<i64>> {
        let value = table.get(key)?;
        let n = match value.get_ref() {
            DeValue::Integer(i) => {
                let digits = i.as_str().replace('_', "");
                i64::from_str_radix(digits.trim_start_matches('+'), i.radix()).ok()
            }
            DeValue::Float(f) => {
                let v: f64 = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
                if v.fract() == 0.0 && v.is_finite() && v.abs() < 9e15 {
                    // A whole number written as 100.0 is what the editor meant; accept it.
                    #[allow(clippy::cast_possible_truncation)]
                    Some(v as i64)
                } else {
                    self.error(
                        value.span(),
                        "wrong-type",
                        format!("`{key}` must be a whole number of {unit}"),
                    )
                    .help = Some(format!("round it, e.g. `{key} = {}`", v.round()).into());
                    return None;
                }
            }
            _ => {
                self.wrong_type(value, key, &format!("a whole number of {unit}"), "1000");
                return None;
            }
        };
        match n {
            Some(n) if range.contains(&n) => Some(Spanned::new(value.span(), n)),
            _ => {
                self.error(
                    value.span(),
                    "out-of-range",
                    format!(
                        "`{key}` must be between {} and {}",
                        range.start,
                        range.end - 1
                    ),
                )
                .help = Some(format!(
                    "write a whole number of {unit} from {} to {}; leave the line out if it is not known",
                    range.start,
                    range.end - 1
                ).into());
                None
            }
        }
    }

    pub fn boolean(&mut self, table: &DeTable<'_>, key: &str) -> Option<Spanned<bool>> {
        let value = table.get(key)?;
        match value.get_ref().as_bool() {
            Some(b) => Some(Spanned::new(value.span(), b)),
            None => {
                self.wrong_type(value, key, "true or false", "true");
                None
            }
        }
    }

    /// A sub-table, e.g. `[municipality]` in the vocabulary.
    pub fn table<'t, 's>(
        &mut self,
        table: &'t DeTable<'s>,
        key: &str,
    ) -> Option<&'t Spanned<DeValue<'s>>> {
        let value = table.get(key)?;
        if matches!(value.get_ref(), DeValue::Table(_)) {
            Some(value)
        } else {
            self.wrong_type(value, key, "a table", &format!("[{key}.name]"));
            None
        }
    }
}

pub fn type_name(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "a whole number",
        DeValue::Float(_) => "a decimal number",
        DeValue::Boolean(_) => "true/false",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "a list",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(src: &str) -> (Reader<'_>, Document<'_>) {
        let doc = parse(Path::new("t.toml"), src).expect("valid toml");
        (Reader::new(Path::new("t.toml"), src), doc)
    }

    #[test]
    fn syntax_errors_point_at_the_broken_spot() {
        let errs = parse(
            Path::new("t.toml"),
            "title = \"x\"\nsummary = \"unterminated\n",
        )
        .unwrap_err();
        assert_eq!(errs[0].line, 2, "{errs:?}");
        assert_eq!(errs[0].code, "toml-syntax");
    }

    #[test]
    fn a_quoted_date_is_refused_with_the_fix_in_the_help() {
        let src = "updated = \"2024-01-02\"\n";
        let (mut r, doc) = read(src);
        assert!(r.date(doc.get_ref(), "updated").is_none());
        let d = &r.diagnostics[0];
        assert_eq!((d.line, d.column, d.code), (1, 11, "wrong-type"));
        assert_eq!(
            d.help.as_deref(),
            Some("remove the quotes: `updated = 2024-01-02`")
        );
    }

    #[test]
    fn integers_out_of_range_and_of_the_wrong_type_are_reported() {
        let src = "a = 101\nb = \"5\"\nc = 40.0\n";
        let (mut r, doc) = read(src);
        assert!(r.integer(doc.get_ref(), "a", 0..101, "percent").is_none());
        assert!(r.integer(doc.get_ref(), "b", 0..101, "percent").is_none());
        assert_eq!(
            r.integer(doc.get_ref(), "c", 0..101, "percent")
                .map(|s| s.into_inner()),
            Some(40)
        );
        let codes: Vec<_> = r.diagnostics.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(codes, [(1, "out-of-range"), (2, "wrong-type")]);
    }

    #[test]
    fn unknown_keys_get_a_suggestion() {
        let (mut r, doc) = read("titel = \"x\"\n");
        r.check_keys(doc.get_ref(), &["title", "summary"], "in a measure");
        assert_eq!(
            r.diagnostics[0].help.as_deref(),
            Some("did you mean `title`?")
        );
    }
}
