//! `synonyms.toml`, the editors' own word groups and best bets, read and checked like every
//! other handbook file. Without the file, search uses the built-in groups (the shipped
//! handbook's file, compiled in); with it, the file's groups replace them, so editors can add a
//! word people use, or take out one that joins too much, without a new release.
//!
//! ```toml
//! [[group]]
//! words = ["fasada", "pročelje"]
//!
//! [[pin]]
//! query = "prenos lastništva"
//! measures = ["sps-vavcer-prenos-lastnistva-2024"]
//! ```
//!
//! A broken file keeps the last good groups in use (the built-in ones at a start), and its
//! problems show on `/status` and in `handbook check`.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use toml::de::DeValue;

use crate::handbook::diagnostic::Diagnostic;
use crate::handbook::toml_reader::{self, Reader};
use crate::text::analysis;
use crate::text::synonyms::Synonyms;

pub const SYNONYMS_FILE: &str = "synonyms.toml";

/// The shipped handbook's `synonyms.toml`, compiled in: one text, so the default and what
/// editors start from cannot drift apart, as two copies once did.
const SHIPPED: &str = include_str!("../../handbook/synonyms.toml");

/// The built-in groups, for a handbook without `synonyms.toml`: the shipped file's, without
/// its best bets (they name the shipped measures). None if a save broke the shipped file:
/// search goes on without synonyms, and `handbook check` says where the file is broken.
/// Read once per process: a handbook's start and each removal of its file ask again.
pub fn builtin() -> Synonyms {
    static BUILTIN: std::sync::LazyLock<Synonyms> = std::sync::LazyLock::new(|| {
        parse(Path::new(SYNONYMS_FILE), SHIPPED)
            .map(|read| read.synonyms.without_pins())
            .unwrap_or_default()
    });
    BUILTIN.clone()
}

/// An id pinned in the file, where it was written, to check against the handbook's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinnedId {
    pub id: String,
    pub line: usize,
    pub column: usize,
}

/// What the file says: the synonyms to use, the pinned ids to check, and warnings.
#[derive(Debug, Clone)]
pub struct Read {
    pub synonyms: Synonyms,
    pub pinned: Vec<PinnedId>,
    pub warnings: Vec<Diagnostic>,
}

/// Reads and checks the text of `synonyms.toml`.
pub fn parse(file: &Path, source: &str) -> Result<Read, Vec<Diagnostic>> {
    let doc = toml_reader::parse(file, source)?;
    let mut r = Reader::new(file, source);
    r.check_keys(doc.get_ref(), &["group", "pin"], "in synonyms.toml");
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut pins: Vec<(String, Vec<String>)> = Vec::new();
    let mut pinned = Vec::new();
    let mut warnings = Vec::new();
    // Stem → the group it was first seen in, and where.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for (table, span) in tables(
        &mut r,
        doc.get_ref(),
        "group",
        "[[group]]\nwords = [\"...\", \"...\"]",
    ) {
        r.check_keys(table, &["words"], "in [[group]]");
        let Some(words) = r.string_list(table, "words") else {
            if !table.contains_key("words") {
                r.missing(span, "words", "[\"fasada\", \"pročelje\"]");
            }
            continue;
        };
        let at = words.span();
        let mut group = Vec::new();
        for word in words.into_inner() {
            let terms = analysis::terms(word.get_ref());
            if terms.len() != 1 {
                r.error(
                    word.span(),
                    "not-one-word",
                    format!("`{}` is not one word", word.get_ref()),
                )
                .help = Some(
                    "a group joins single words; search already finds words that stand together"
                        .into(),
                );
                continue;
            }
            let stem = crate::text::stemmer::stem(&terms[0]);
            match seen.get(&stem) {
                Some((other, first)) if *other != groups.len() => {
                    let mut d = Diagnostic::at(
                        file,
                        source,
                        word.span(),
                        "synonym-in-two-groups",
                        format!(
                            "`{}` is in another group already (as `{first}`), so the two groups are searched as one",
                            word.get_ref()
                        ),
                    );
                    d.help = Some("merge the two groups, or keep the word in one of them".into());
                    warnings.push(d.warning());
                }
                _ => {
                    seen.insert(stem, (groups.len(), word.get_ref().clone()));
                }
            }
            group.push(word.into_inner());
        }
        if group.len() < 2 && !r.has_problems() {
            let mut d = Diagnostic::at(
                file,
                source,
                at,
                "group-of-one",
                "a group of one word joins nothing",
            );
            d.help = Some("add the words that mean the same, or remove the group".into());
            warnings.push(d.warning());
        }
        groups.push(group);
    }
    for (table, span) in tables(
        &mut r,
        doc.get_ref(),
        "pin",
        "[[pin]]\nquery = \"...\"\nmeasures = [\"id\"]",
    ) {
        r.check_keys(table, &["query", "measures"], "in [[pin]]");
        let query = r.string(table, "query");
        if query.is_none() && !table.contains_key("query") {
            r.missing(span.clone(), "query", "\"prenos lastništva\"");
        }
        let ids = r.string_list(table, "measures");
        if ids.is_none() && !table.contains_key("measures") {
            r.missing(span, "measures", "[\"id-of-the-measure\"]");
        }
        let (Some(query), Some(ids)) = (query, ids) else {
            continue;
        };
        let mut valid = Vec::new();
        for id in ids.into_inner() {
            if !crate::handbook::id::is_valid_id(id.get_ref()) {
                r.error(
                    id.span(),
                    "invalid-id",
                    format!("`{}` is not an id", id.get_ref()),
                )
                .help = Some("an id is the entry's file name without .toml".into());
                continue;
            }
            let placed = Diagnostic::at(file, source, id.span(), "", "");
            pinned.push(PinnedId {
                id: id.get_ref().clone(),
                line: placed.line,
                column: placed.column,
            });
            valid.push(id.into_inner());
        }
        pins.push((query.into_inner(), valid));
    }
    if r.has_problems() {
        return Err(r.finish());
    }
    Ok(Read {
        synonyms: Synonyms::new(&groups, pins),
        pinned,
        warnings,
    })
}

/// The tables of the array of tables `key` (`[[group]]`), each with its span; anything else
/// under that key is reported.
fn tables<'t, 's>(
    r: &mut Reader<'_>,
    root: &'t toml::de::DeTable<'s>,
    key: &str,
    example: &str,
) -> Vec<(&'t toml::de::DeTable<'s>, Range<usize>)> {
    let Some(value) = root.get(key) else {
        return Vec::new();
    };
    let DeValue::Array(items) = value.get_ref() else {
        r.error(
            value.span(),
            "wrong-type",
            format!("`{key}` must be a list of tables, written [[{key}]]"),
        )
        .help = Some(format!("write it as:\n{example}").into());
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        match item.get_ref() {
            DeValue::Table(t) => out.push((t, item.span())),
            _ => {
                r.error(
                    item.span(),
                    "wrong-type",
                    format!("each `{key}` must be a table, written [[{key}]]"),
                )
                .help = Some(format!("write it as:\n{example}").into());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str) -> Result<Read, Vec<Diagnostic>> {
        parse(Path::new("synonyms.toml"), source)
    }

    fn syn(word: &str) -> Vec<String> {
        builtin()
            .of(&crate::text::stemmer::stem(&analysis::fold(word)))
            .to_vec()
    }

    #[test]
    fn the_built_in_groups_are_the_shipped_files_in_any_form_of_a_member() {
        let member = |word: &str| crate::text::stemmer::stem(&analysis::fold(word));
        assert_eq!(syn("pročelij"), [member("fasada")]);
        for (word, other) in [
            ("posojilom", "kredit"),
            ("sredisca", "jedro"),
            ("penzionu", "nastanitev"),
            // A craft by its trade's name is a craft.
            ("frizerskem", "obrt"),
            ("mizarji", "obrtnik"),
            // Stock is working capital; a camp is a lodging.
            ("zaloge", "obratna"),
            ("kampu", "nastanitev"),
            // The verbs people ask with, beside the nouns measures use.
            ("subvencionirajo", "sofinanciranje"),
            ("promoviram", "promocija"),
            ("oglaševali", "oglaševanje"),
            ("tržimo", "trženje"),
            ("najemamo", "najemnina"),
            ("najela", "najem"),
        ] {
            assert!(
                syn(word).contains(&member(other)),
                "{word} does not find {other}"
            );
        }
        assert!(syn("maribor").is_empty());
        // The shipped file has no problem, and no stem in two groups (which would warn).
        let read = read(SHIPPED).unwrap();
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    }

    #[test]
    fn groups_and_pins_are_read() {
        let r = read(
            "[[group]]\nwords = [\"fasada\", \"pročelje\"]\n[[pin]]\nquery = \"prenos lastništva\"\nmeasures = [\"a-b\"]\n",
        )
        .unwrap();
        let fasad = crate::text::stemmer::stem("fasada");
        assert_eq!(
            r.synonyms.of(&fasad),
            [crate::text::stemmer::stem("procelje")]
        );
        assert_eq!(r.synonyms.pinned("prenosa lastnistva"), ["a-b"]);
        assert_eq!(r.pinned[0].line, 5);
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn mistakes_are_reported_where_they_are() {
        let codes = |source: &str| -> Vec<&'static str> {
            match read(source) {
                Ok(r) => r.warnings.iter().map(|d| d.code).collect(),
                Err(ds) => ds.iter().map(|d| d.code).collect(),
            }
        };
        assert_eq!(
            codes("[[group]]\nwords = [\"mestno jedro\", \"center\"]\n"),
            ["not-one-word"]
        );
        assert_eq!(
            codes("[[group]]\nword = [\"a\"]\n"),
            ["missing-field", "unknown-key"]
        );
        assert_eq!(codes("group = 3\n"), ["wrong-type"]);
        assert_eq!(
            codes("[[pin]]\nquery = \"x\"\nmeasures = [\"Not An Id\"]\n"),
            ["invalid-id"]
        );
        assert_eq!(codes("[[group]]\nwords = [\"fasada\"]\n"), ["group-of-one"]);
        assert_eq!(
            codes(
                "[[group]]\nwords = [\"fasada\", \"pročelje\"]\n[[group]]\nwords = [\"fasade\", \"zunanjost\"]\n"
            ),
            ["synonym-in-two-groups"]
        );
    }
}
