//! Properties of everything that reads what people type: entry files, the vocabulary, the
//! search page's query string and the search text itself. Whatever the input (random text,
//! random bytes, near-valid entries with wrong types, impossible dates and huge numbers,
//! query syntax that the handbook does not have, combining characters), nothing panics;
//! a problem is reported as diagnostics that point inside the file (a hundred at most, each
//! quoting a short excerpt), a bad query string as a `ParamError`, and any search text gives a
//! result. Where a real property exists it is checked too: valid entries read back what was
//! written, query strings round-trip, stems keep three letters, snippets show their match and
//! escape everything but their marks.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;
use handbook::handbook::check;
use handbook::handbook::diagnostic::{Diagnostic, MAX_PER_FILE};
use handbook::handbook::entry::Entry;
use handbook::handbook::vocabulary::Vocabulary;
use handbook::search::params::{parse_search, to_query_string};
use handbook::search::query::{self, Clause, Features};
use handbook::search::request::{MAX_FILTER_VALUES, MAX_PAGE, MAX_QUERY_BYTES};
use handbook::search::snippet;
use handbook::search::{MAX_PER_PAGE, SearchQuery, Snapshot};
use handbook::text::analysis;
use handbook::text::lemma;
use handbook::text::stemmer;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use proptest::test_runner::TestCaseError;

const FILE: &str = "measures/kranj/generated-entry.toml";
const ID: &str = "generated-entry";

static VOCABULARY: LazyLock<Vocabulary> = LazyLock::new(|| {
    Vocabulary::parse(Path::new("vocabulary.toml"), crate::common::VOCABULARY)
        .expect("valid fixture")
});

/// The fixture handbook, indexed in memory once for every search property.
static SNAPSHOT: LazyLock<Arc<Snapshot>> = LazyLock::new(|| {
    let hb = crate::common::TempHandbook::fixture();
    hb.catalog().handle().get()
});

fn today() -> NaiveDate {
    crate::common::today()
}

/// Cheap properties run many cases; searches fewer. Failures are reported with the shrunk
/// input rather than saved to a regressions file: found crashes become named tests below.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/// Characters people (and PDFs, and fuzzers) put in text: anything, with Slovenian letters,
/// decomposed letters, quotes, backslashes and control characters made likely.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        4 => proptest::char::range('a', 'z'),
        3 => select(vec![
            'č', 'š', 'ž', 'Č', 'Š', 'Ž', 'ć', 'đ', ' ', '\t', '\n', '\r', '"', '\\', '\'', '=',
            '#', '[', ']', 'A', 'e', '\u{30c}', '\u{301}', '\u{338}', '\u{0}', '\u{7f}',
            '\u{85}', '\u{feff}', '\u{2028}', '€', '²', 'ß', 'İ', 'ﬁ', '\u{958}',
        ]),
    ]
}

/// A TOML basic string: the text as written, and the literal for it, some characters given
/// as `\u` escapes (which the source's own normalisation cannot see).
fn toml_text(max_chars: usize) -> impl Strategy<Value = (String, String)> {
    toml_text_of(text_char(), max_chars)
}

/// `toml_text` over the characters `chars` gives.
fn toml_text_of(
    chars: impl Strategy<Value = char>,
    max_chars: usize,
) -> impl Strategy<Value = (String, String)> {
    proptest::collection::vec((chars, any::<bool>()), 0..max_chars).prop_map(|chars| {
        let raw: String = chars.iter().map(|(c, _)| *c).collect();
        let mut literal = String::from("\"");
        for (c, escape) in chars {
            match c {
                '"' => literal.push_str("\\\""),
                '\\' => literal.push_str("\\\\"),
                c if escape || (c.is_control() && c != '\t') => {
                    if u32::from(c) <= 0xFFFF {
                        literal.push_str(&format!("\\u{:04X}", u32::from(c)));
                    } else {
                        literal.push_str(&format!("\\U{:08X}", u32::from(c)));
                    }
                }
                c => literal.push(c),
            }
        }
        literal.push('"');
        (raw, literal)
    })
}

/// Text that is not blank once normalised and trimmed, as required fields need, and has no
/// control character but tab and line breaks, which a valid entry may not have.
fn nonblank_text(max_chars: usize) -> impl Strategy<Value = (String, String)> {
    let text_only = text_char().prop_map(|c| {
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
            ' '
        } else {
            c
        }
    });
    toml_text_of(text_only, max_chars).prop_filter("blank", |(raw, _)| {
        !analysis::normalize(raw).trim().is_empty()
    })
}

fn date(from: NaiveDate, to: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    let days = (to - from).num_days();
    (0..=days).prop_map(move |d| from + chrono::Duration::days(d))
}

fn toml_list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

fn keys_of(dimension: handbook::handbook::vocabulary::Dimension) -> Vec<String> {
    VOCABULARY.terms(dimension).keys().cloned().collect()
}

/// A valid entry: its fields as (key, TOML value) lines in random order, and what they say.
#[derive(Debug, Clone)]
struct ValidEntry {
    lines: Vec<(String, String)>,
    title: String,
    summary: String,
    provider: String,
    municipalities: Vec<String>,
    updated: NaiveDate,
    open: Option<(NaiveDate, NaiveDate)>,
    budget_eur: Option<i64>,
    cofinancing_percent: Option<i64>,
}

impl ValidEntry {
    fn source(&self) -> String {
        self.lines
            .iter()
            .map(|(k, v)| format!("{k} = {v}\n"))
            .collect()
    }
}

fn valid_entry() -> impl Strategy<Value = ValidEntry> {
    use handbook::handbook::vocabulary::Dimension;
    let municipalities = keys_of(Dimension::Municipality);
    let types = keys_of(Dimension::Type);
    let sources = keys_of(Dimension::Source);
    let beneficiaries = keys_of(Dimension::Beneficiary);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    (
        (
            nonblank_text(40),
            nonblank_text(80),
            nonblank_text(30),
            subsequence(municipalities.clone(), 1..=municipalities.len()),
            subsequence(types.clone(), 1..=types.len()),
            subsequence(sources.clone(), 1..=sources.len()),
            subsequence(beneficiaries.clone(), 0..=beneficiaries.len()),
        ),
        (
            date(day(1990, 1, 1), today()),
            proptest::option::of((date(day(1990, 1, 1), day(2040, 12, 31)), 0i64..4000)),
            proptest::option::of("[a-z0-9/._-]{0,30}"),
            proptest::option::of(0i64..100_000_000_000),
            proptest::option::of(0i64..=100),
            any::<(bool, bool)>(),
            proptest::collection::vec("old-[a-z0-9]{1,8}", 0..3),
            proptest::option::of(nonblank_text(200)),
        ),
        any::<proptest::sample::Index>(),
    )
        .prop_map(
            |(
                (title, summary, provider, municipalities, types, sources, beneficiaries),
                (updated, open, url, budget, percent, (funds, closed), aliases, body),
                order,
            )| {
                let quoted = |keys: &[String]| {
                    toml_list(&keys.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>())
                };
                let mut lines = vec![
                    ("title".to_string(), title.1.clone()),
                    ("summary".into(), summary.1.clone()),
                    ("provider".into(), provider.1.clone()),
                    ("municipalities".into(), quoted(&municipalities)),
                    ("types".into(), quoted(&types)),
                    ("sources".into(), quoted(&sources)),
                    ("updated".into(), updated.to_string()),
                    ("until_funds_run_out".into(), funds.to_string()),
                    ("closed".into(), closed.to_string()),
                ];
                if !beneficiaries.is_empty() {
                    lines.push(("beneficiaries".into(), quoted(&beneficiaries)));
                }
                let open = open.map(|(from, days)| (from, from + chrono::Duration::days(days)));
                if let Some((from, until)) = open {
                    lines.push(("open_from".into(), from.to_string()));
                    lines.push(("open_until".into(), until.to_string()));
                }
                if let Some(path) = url {
                    lines.push(("url".into(), format!("\"https://www.kranj.si/{path}\"")));
                }
                if let Some(n) = budget {
                    lines.push(("budget_eur".into(), n.to_string()));
                }
                if let Some(n) = percent {
                    lines.push(("cofinancing_percent".into(), n.to_string()));
                }
                if !aliases.is_empty() {
                    lines.push(("aliases".into(), quoted(&aliases)));
                }
                if let Some((_, literal)) = body {
                    lines.push(("body".into(), literal));
                }
                // Field order is the editor's choice; rotate so every field is sometimes first.
                let by = order.index(lines.len());
                lines.rotate_left(by);
                ValidEntry {
                    lines,
                    title: title.0,
                    summary: summary.0,
                    provider: provider.0,
                    municipalities,
                    updated,
                    open,
                    budget_eur: budget,
                    cofinancing_percent: percent,
                }
            },
        )
}

/// A TOML value of any type and any size, most of them wrong for whatever key receives them.
fn junk_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "[1-9][0-9]{15,40}",
        "-[1-9][0-9]{15,40}",
        any::<f64>().prop_map(|f| format!("{f:?}")),
        select(vec![
            "0x7FFFFFFFFFFFFFFF",
            "0xffff_ffff_ffff_ffff_ff",
            "0x10",
            "0o777",
            "0b101",
            "1_000_000",
            "+17",
            "-0",
            "1e400",
            "-1e400",
            "1e-400",
            "inf",
            "-inf",
            "nan",
            "+nan",
            "3.5",
            "100.0",
            "1e2",
            "-0.0",
            "9e15",
            "9007199254740993.0",
            "true",
            "false",
            "[]",
            "[[]]",
            "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
            "{}",
            "{ a = 1 }",
            "{ a = { b = [1, { c = 2 }] } }",
            "[1, \"a\", 2024-01-01]",
            "[\"\"]",
            "[\"  \"]",
            "[\"kranj\", \"kranj\", \" kranj \"]",
            "[\"Kranj\", \"Koper/Capodistria\", \"kranjj\"]",
            "\"\"",
            "\"   \"",
            "''",
            "'''x'''",
            "\"\"\"\nmulti\nline\n\"\"\"",
            "\"2024-01-02\"",
            "\"ftp://x\"",
            "\"https://\"",
            "\"http://[::1]/\"",
            "\"https://exa mple.si\"",
            "\"mailto:a@b.si\"",
            "2024-01-02T10:00:00",
            "2024-01-02T10:00:00Z",
            "2024-01-02T10:00:00+25:00",
            "10:00:00",
            "1979-05-27 07:32:00",
            "2024-02-30",
            "2023-02-29",
            "2024-02-29",
            "0000-01-01",
            "9999-12-31",
            "2024-13-01",
            "2024-00-10",
            "\"\\uD800\"",
            "\"\\u004\"",
            "\"\\x41\"",
            "\"\\e\"",
        ])
        .prop_map(String::from),
        (0u32..10000, 0u32..14, 0u32..33).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        toml_text(30).prop_map(|(_, literal)| literal),
        proptest::collection::vec(toml_text(10), 0..5).prop_map(|items| {
            toml_list(&items.into_iter().map(|(_, l)| l).collect::<Vec<_>>())
        }),
        "\\PC{0,20}",
    ]
}

/// A key that is not a field, or almost one, or not even a valid TOML key.
fn junk_key() -> impl Strategy<Value = String> {
    prop_oneof![
        select(check::FIELDS.to_vec()).prop_map(String::from),
        (
            select(check::FIELDS.to_vec()),
            any::<proptest::sample::Index>(),
            proptest::char::range('a', 'z')
        )
            .prop_map(|(f, at, c)| {
                let mut s = f.to_string();
                let i = at.index(s.len());
                s.replace_range(i..=i, &c.to_string());
                s
            }),
        "[A-Za-z0-9_-]{1,12}",
        toml_text(12).prop_map(|(_, literal)| literal),
        select(vec![
            "title.sub",
            "\"title\"",
            "'title'",
            "TITLE",
            "title ",
            "[title]",
            "[[aliases]]",
            "a.b.c",
            "",
            "=",
        ])
        .prop_map(String::from),
    ]
}

/// A change that makes a valid entry almost valid.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(proptest::sample::Index, String),
    Drop(proptest::sample::Index),
    Add(String, String),
    Duplicate(proptest::sample::Index),
    RawLine(proptest::sample::Index, String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<proptest::sample::Index>(), junk_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<proptest::sample::Index>().prop_map(Mutation::Drop),
        2 => (junk_key(), junk_value()).prop_map(|(k, v)| Mutation::Add(k, v)),
        1 => any::<proptest::sample::Index>().prop_map(Mutation::Duplicate),
        1 => (
            any::<proptest::sample::Index>(),
            prop_oneof![
                "\\PC{0,30}",
                select(vec!["[table]", "[[array]]", "[municipality.x]", "# comment", "\r", "\u{feff}"])
                    .prop_map(String::from),
            ]
        )
            .prop_map(|(i, line)| Mutation::RawLine(i, line)),
    ]
}

fn near_valid_entry() -> impl Strategy<Value = String> {
    (
        valid_entry(),
        proptest::collection::vec(mutation(), 1..5),
        any::<bool>(),
    )
        .prop_map(|(entry, mutations, crlf)| {
            let mut lines: Vec<String> = entry
                .lines
                .iter()
                .map(|(k, v)| format!("{k} = {v}"))
                .collect();
            for m in mutations {
                if lines.is_empty() {
                    lines.push(String::new());
                }
                match m {
                    Mutation::Replace(i, v) => {
                        let i = i.index(lines.len());
                        let key = lines[i].split(" = ").next().unwrap_or("").to_string();
                        lines[i] = format!("{key} = {v}");
                    }
                    Mutation::Drop(i) => {
                        lines.remove(i.index(lines.len()));
                    }
                    Mutation::Add(k, v) => lines.push(format!("{k} = {v}")),
                    Mutation::Duplicate(i) => {
                        let line = lines[i.index(lines.len())].clone();
                        lines.push(line);
                    }
                    Mutation::RawLine(i, line) => {
                        let i = i.index(lines.len() + 1);
                        lines.insert(i, line);
                    }
                }
            }
            lines.join(if crlf { "\r\n" } else { "\n" })
        })
}

/// Bytes of any kind, read the way a fuzzer's input would be.
fn lossy_bytes(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..max)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/// A diagnostic points at a line of `source` and a column on it (or, with line 0, at the
/// whole file), and quotes that line.
fn check_position(source: &str, d: &Diagnostic) -> Result<(), TestCaseError> {
    if d.line == 0 {
        prop_assert_eq!(d.column, 0, "{:?}", d);
        return Ok(());
    }
    let lines: Vec<&str> = source.split('\n').collect();
    prop_assert!(
        d.line <= lines.len(),
        "line {} of {}: {:?}",
        d.line,
        lines.len(),
        d
    );
    let line = lines[d.line - 1];
    let chars = line.chars().count();
    prop_assert!(
        d.column >= 1 && d.column <= chars + 1,
        "column {} on a line of {} characters: {:?}",
        d.column,
        chars,
        d
    );
    if let Some(quoted) = &d.source_line {
        // A long line is quoted as an excerpt around the spot.
        let core = quoted.strip_prefix('…').unwrap_or(quoted);
        let core = core.strip_suffix('…').unwrap_or(core);
        prop_assert!(line.contains(core), "{:?} is not from {:?}", quoted, line);
        prop_assert!(quoted.chars().count() <= 162, "{:?}", quoted);
        // The caret sits under the quoted line, at most one past its end.
        let rendered = d.to_string();
        let caret = rendered
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix("| "))
            .rfind(|l| l.contains('^') && l.chars().all(|c| c == ' ' || c == '^'));
        let Some(caret) = caret else {
            return Err(TestCaseError::fail(format!("no caret in {rendered}")));
        };
        let before = caret.chars().take_while(|c| *c == ' ').count();
        let carets = caret.chars().filter(|c| *c == '^').count();
        prop_assert!(
            before + carets <= quoted.chars().count() + 1,
            "the caret runs past the line: {}",
            rendered
        );
    }
    Ok(())
}

fn check_entry(source: &str) -> Result<Option<Entry>, TestCaseError> {
    let file = Path::new(FILE);
    match check::parse(file, ID, source, &VOCABULARY, today()) {
        Ok(e) => {
            for day in [today(), today() + chrono::Duration::days(5000)] {
                for w in check::warnings(file, source, &e, day) {
                    prop_assert!(!w.is_error(), "{:?}", w);
                    check_position(source, &w)?;
                }
            }
            Ok(Some(e))
        }
        Err(diagnostics) => {
            prop_assert!(!diagnostics.is_empty());
            for d in &diagnostics {
                prop_assert!(d.is_error(), "{:?}", d);
                check_position(source, d)?;
                // Rendering is what the editor sees; it must not fail either.
                let _ = d.to_string();
            }
            prop_assert!(diagnostics.len() <= MAX_PER_FILE + 1);
            let described = match diagnostics.split_last() {
                Some((last, rest)) if last.code == "too-many-problems" => rest,
                _ => &diagnostics[..],
            };
            let order: Vec<_> = described.iter().map(|d| (d.line, d.column)).collect();
            let mut sorted = order.clone();
            sorted.sort();
            prop_assert_eq!(order, sorted, "diagnostics are in reading order");
            Ok(None)
        }
    }
}

fn check_vocabulary(source: &str) -> Result<(), TestCaseError> {
    match Vocabulary::parse(Path::new("vocabulary.toml"), source) {
        Ok(v) => {
            for term in v.municipality.values() {
                prop_assert!(handbook::handbook::id::is_valid_id(&term.key), "{:?}", term);
                if let Some(region) = &term.region {
                    prop_assert!(v.region.contains_key(region), "{:?}", term);
                }
            }
            for region in v.region.keys() {
                prop_assert!(!region.is_empty(), "a region without a key: {:?}", v.region);
            }
        }
        Err(diagnostics) => {
            prop_assert!(!diagnostics.is_empty());
            for d in &diagnostics {
                check_position(source, d)?;
            }
        }
    }
    Ok(())
}

/// The HTML of a snippet is the text with `<mark>`s and nothing else unescaped.
fn check_snippet(text: &str, html: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        html.contains("<mark>"),
        "a snippet without a mark: {:?}",
        html
    );
    let plain = html.replace("<mark>", "").replace("</mark>", "");
    prop_assert!(!plain.contains('<'), "unescaped: {:?}", html);
    let plain = plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let plain = plain.strip_prefix('…').unwrap_or(&plain);
    let plain = plain.strip_suffix('…').unwrap_or(plain);
    prop_assert!(
        analysis::normalize(text).contains(plain),
        "{:?} is not from {:?}",
        plain,
        text
    );
    Ok(())
}

/// What people type in a search box, and what they paste into it.
fn search_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => "\\PC{0,12}",
        2 => any::<String>(),
        4 => select(vec![
            "\"", "\"\"", "(", ")", ":", "^", "*", "~", "-", "+", "[", "]", "{", "}", "\\", "!",
            "AND", "OR", "NOT", " ", "  ", "\t", "\n", "najemnine", "najemnino", "središče",
            "sredisce", "proc\u{30c}elja", "c\u{30c}\u{301}\u{301}\u{301}", "ljubjana",
            "podjetn", "mestno jedro", "kredit", "pročelje", "a", "za", "v", "ß", "İ", "ﬁ", "Æ",
            "⑽", "ǅ", "fasad~2", "title:kranj", "^3", "\u{0}", "\u{feff}", "Kopra", "Piranu",
        ]).prop_map(String::from),
        1 => "[a-zčšž]{50,90}",
        1 => "[A-Za-z]{1,8}",
        1 => (proptest::char::range('a', 'z'), proptest::collection::vec(
                proptest::char::range('\u{300}', '\u{36f}'), 1..20))
            .prop_map(|(c, marks)| std::iter::once(c).chain(marks).collect()),
    ];
    proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat())
}

/// Raw query strings: known and unknown keys, repeated, empty, percent-encoded junk, huge
/// numbers.
fn raw_query() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        4 => select(vec![
            "q", "sort", "page", "per_page", "region", "municipality", "type", "source",
            "beneficiary", "status", "utm_source", "", "q%00", "%71", "q+", "Q", "%FF",
        ])
        .prop_map(String::from),
        1 => "[a-z_%+]{0,8}",
    ];
    let value = prop_oneof![
        3 => "\\PC{0,20}",
        2 => "(%[0-9A-Fa-f]{2}){0,12}",
        2 => "[0-9]{1,30}",
        1 => "[+-][0-9]{1,5}",
        3 => select(vec![
            "relevance", "deadline", "updated", "open", "closed", "price", "0", "1", "20", "100",
            "101", "100000", "100001", "18446744073709551615", "18446744073709551616", "%FF%FE",
            "%", "%%", "%G1", "+", "+%20+", "a+b", "%26", "%3D", "kranj", "koper", "gorenjska",
            "%C4%8D", "%E2%80%A8",
        ])
        .prop_map(String::from),
        1 => "[a-zčšž +]{150,260}",
        1 => "a{1000,1030}",
    ];
    let pair =
        (key, select(vec!["=", "", "=="]), value).prop_map(|(k, eq, v)| format!("{k}{eq}{v}"));
    prop_oneof![
        6 => proptest::collection::vec(pair, 0..12).prop_map(|pairs| pairs.join("&")),
        1 => "\\PC{0,60}",
        1 => any::<String>(),
        1 => (0usize..70, select(vec!["municipality=k", "status=open"]))
            .prop_map(|(n, pair)| (0..n).map(|i| format!("{pair}{i}")).collect::<Vec<_>>().join("&")),
    ]
}

// ---------------------------------------------------------------------------------------------
// Entries
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_text_is_an_entry_or_diagnostics_inside_the_file(source in "\\PC{0,400}") {
        check_entry(&source)?;
    }

    #[test]
    fn any_string_with_control_characters_is_an_entry_or_diagnostics(source in any::<String>()) {
        check_entry(&source)?;
    }

    #[test]
    fn any_bytes_read_as_text_are_an_entry_or_diagnostics(source in lossy_bytes(600)) {
        check_entry(&source)?;
    }

    #[test]
    fn a_near_valid_entry_is_an_entry_or_diagnostics_inside_the_file(source in near_valid_entry()) {
        check_entry(&source)?;
    }

    #[test]
    fn any_file_name_is_an_id_or_a_diagnostic(id in "\\PC{0,30}", e in valid_entry()) {
        let result = check::parse(Path::new(FILE), &id, &e.source(), &VOCABULARY, today());
        prop_assert_eq!(result.is_ok(), handbook::handbook::id::is_valid_id(&id), "{:?}", result.err());
    }

    #[test]
    fn a_valid_entry_reads_back_what_was_written(e in valid_entry()) {
        let source = e.source();
        let parsed = check_entry(&source)?;
        let Some(parsed) = parsed else {
            let errors = check::parse(Path::new(FILE), ID, &source, &VOCABULARY, today()).unwrap_err();
            return Err(TestCaseError::fail(format!("{source}\n{errors:#?}")));
        };
        let text = |raw: &str| analysis::normalize(raw).trim().to_string();
        prop_assert_eq!(&parsed.title, &text(&e.title));
        prop_assert_eq!(&parsed.summary, &text(&e.summary));
        prop_assert_eq!(&parsed.provider, &text(&e.provider));
        prop_assert_eq!(&parsed.municipalities, &e.municipalities);
        prop_assert_eq!(parsed.updated, e.updated);
        prop_assert_eq!(parsed.open_from.zip(parsed.open_until), e.open);
        prop_assert_eq!(parsed.budget_eur, e.budget_eur);
        prop_assert_eq!(parsed.cofinancing_percent, e.cofinancing_percent);
        // The same file reads the same way: the digest is what the index compares.
        let again = check::parse(Path::new(FILE), ID, &source, &VOCABULARY, today()).unwrap();
        prop_assert_eq!(again.digest, parsed.digest);
    }

    #[test]
    fn text_fields_are_composed_however_the_letters_were_written(e in valid_entry()) {
        let parsed = check::parse(Path::new(FILE), ID, &e.source(), &VOCABULARY, today());
        let parsed = parsed.map_err(|d| TestCaseError::fail(format!("{d:#?}")))?;
        for text in [&parsed.title, &parsed.summary, &parsed.provider] {
            prop_assert_eq!(text, &analysis::normalize(text));
        }
        if let Some(body) = &parsed.body {
            prop_assert_eq!(body, &analysis::normalize(body));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary
// ---------------------------------------------------------------------------------------------

fn near_valid_vocabulary() -> impl Strategy<Value = String> {
    let table = select(vec![
        "municipality",
        "type",
        "source",
        "beneficiary",
        "region",
        "Type",
    ]);
    let key = prop_oneof![
        "[a-z][a-z0-9-]{0,10}",
        "[A-Za-z0-9_ -]{0,10}".prop_map(|k| format!("\"{k}\"")),
    ];
    let field = prop_oneof![
        select(vec![
            "label", "label_en", "region", "code", "urban", "lable"
        ])
        .prop_map(String::from),
        junk_key(),
    ];
    let term = (
        table,
        key,
        proptest::collection::vec((field, junk_value()), 0..4),
    );
    proptest::collection::vec(term, 0..6).prop_map(|terms| {
        let mut s = String::from(crate::common::VOCABULARY);
        for (table, key, fields) in terms {
            s.push_str(&format!("[{table}.{key}]\n"));
            for (f, v) in fields {
                s.push_str(&format!("{f} = {v}\n"));
            }
        }
        s
    })
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_text_is_a_vocabulary_or_diagnostics(source in "\\PC{0,300}") {
        check_vocabulary(&source)?;
    }

    #[test]
    fn any_bytes_are_a_vocabulary_or_diagnostics(source in lossy_bytes(400)) {
        check_vocabulary(&source)?;
    }

    #[test]
    fn a_near_valid_vocabulary_is_a_vocabulary_or_diagnostics(source in near_valid_vocabulary()) {
        check_vocabulary(&source)?;
    }

    #[test]
    fn any_region_label_gives_a_region_with_a_key(label in toml_text(20)) {
        let source = format!("{}[municipality.nova]\nlabel = \"Nova\"\nregion = {}\n", crate::common::VOCABULARY, label.1);
        check_vocabulary(&source)?;
    }
}

// ---------------------------------------------------------------------------------------------
// Query strings
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn any_query_string_is_a_query_or_a_message(raw in raw_query()) {
        let Ok(q) = parse_search(Some(&raw)) else {
            return Ok(());
        };
        prop_assert!((1..=MAX_PER_PAGE).contains(&q.per_page), "{:?}", q);
        prop_assert!((1..=MAX_PAGE).contains(&q.page), "{:?}", q);
        prop_assert!(q.text.len() <= MAX_QUERY_BYTES);
        for values in q.filters.values() {
            prop_assert!(!values.is_empty() && values.len() <= MAX_FILTER_VALUES);
            for v in values {
                prop_assert!(!v.is_empty() && v.len() <= 200 && v.trim() == v);
                prop_assert_eq!(values.iter().filter(|o| *o == v).count(), 1);
            }
        }
        let first_page = SearchQuery { page: 1, ..q.clone() };
        prop_assert_eq!(parse_search(Some(&to_query_string(&q, 1))), Ok(first_page));
        prop_assert_eq!(parse_search(Some(&to_query_string(&q, q.page))), Ok(q));
    }
}

// ---------------------------------------------------------------------------------------------
// Search text
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn any_text_splits_into_well_formed_clauses(text in search_text()) {
        let clauses = query::parse(&text);
        for (i, clause) in clauses.iter().enumerate() {
            match clause {
                Clause::Word { folded, stem, open } => {
                    prop_assert!(!folded.is_empty() && !stem.is_empty());
                    prop_assert!(!open || i + 1 == clauses.len(), "only the last word is open");
                }
                Clause::Phrase { folded, stems } => {
                    prop_assert!(!folded.is_empty());
                    prop_assert_eq!(folded.len(), stems.len());
                }
            }
        }
    }

    #[test]
    fn analysis_offsets_point_at_the_words_of_the_normalised_text(text in search_text()) {
        let normalized = analysis::normalize(&text);
        let mut last_end = 0;
        for w in analysis::analyze(&text) {
            prop_assert!(w.start < w.end && w.start >= last_end);
            prop_assert_eq!(normalized.get(w.start..w.end), Some(w.text.as_str()));
            prop_assert_eq!(&w.stem, &stemmer::stem(&w.folded));
            last_end = w.end;
        }
        prop_assert_eq!(analysis::terms(&text).len(), analysis::analyze(&text).len());
        let _ = (analysis::fold(&text), analysis::slug(&text));
    }

    #[test]
    fn terms_keep_three_letters_and_leave_short_and_foreign_words_alone(word in prop_oneof![
        "[a-z]{0,20}",
        "[a-z0-9]{0,8}",
        "\\PC{0,12}",
    ]) {
        let stem = stemmer::stem(&word);
        if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            prop_assert_eq!(stem, word);
        } else {
            // A verb's term is its infinitive, a little longer than some of its forms.
            prop_assert!(
                stem.len() >= 3 && stem.len() <= word.len() + lemma::MAX_GROWTH,
                "{} → {}",
                word,
                stem
            );
            prop_assert!(stem.bytes().all(|b| b.is_ascii_lowercase()));
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn any_text_compiles_to_a_query_and_marks_snippets_safely(
        text in search_text(),
        passage in proptest::collection::vec((search_text(), select(vec![" ", ",", "", ", ", "\n"])), 0..40)
            .prop_map(|v| v.into_iter().map(|(t, sep)| t + sep).collect::<String>()),
    ) {
        let snapshot = &*SNAPSHOT;
        let clauses = query::parse(&text);
        for features in [Features::ALL, Features::PLAIN] {
            let question = query::is_question(&clauses, query::asks(&text));
            let compiled = query::compile(&clauses, question, &snapshot.searcher, &snapshot.fields, features, &snapshot.synonyms, |_| 0);
            let counted = if question { 0 } else { clauses.len() };
            prop_assert_eq!(compiled.counted, counted);
            let _ = snapshot.searcher.search(&*compiled.query, &tantivy::collector::Count)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            // The passage contains the query itself, so it has something to mark.
            for haystack in [passage.clone(), format!("{passage} {text} {passage}")] {
                if let Some(html) = snippet::snippet(&haystack, &compiled.highlighter) {
                    check_snippet(&haystack, &html)?;
                }
            }
        }
    }

    #[test]
    fn any_text_searches_the_catalog(text in search_text(), page in 1usize..4, per_page in 1usize..5) {
        let snapshot = &*SNAPSHOT;
        let q = SearchQuery { text, page, per_page, ..SearchQuery::default() };
        let results = snapshot.search(&q, today()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(results.hits.len() <= per_page);
        prop_assert!(results.total <= snapshot.entries.len());
        for hit in &results.hits {
            prop_assert!(!hit.snippet.replace("<mark>", "").replace("</mark>", "").contains('<'));
        }
    }

    #[test]
    fn any_query_string_that_parses_searches_the_catalog(raw in raw_query()) {
        if let Ok(q) = parse_search(Some(&raw)) {
            let results = SNAPSHOT.search(&q, today()).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(results.hits.len() <= q.per_page);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs that once broke something
// ---------------------------------------------------------------------------------------------

/// A highlighter for `text`, as a search for it would mark words.
fn highlighter(text: &str) -> query::Highlighter {
    let snapshot = &*SNAPSHOT;
    let clauses = query::parse(text);
    query::compile(
        &clauses,
        query::is_question(&clauses, query::asks(text)),
        &snapshot.searcher,
        &snapshot.fields,
        Features::ALL,
        &snapshot.synonyms,
        |_| 0,
    )
    .highlighter
}

/// Was: with no space between the match and the cut, the passage ended at the last space
/// before the match and showed "x n…", without the word it was chosen for.
#[test]
fn a_long_passage_without_spaces_after_the_match_still_shows_the_match() {
    let text = format!("x najemnine{}", ",".repeat(300));
    let html = snippet::snippet(&text, &highlighter("najemnine")).unwrap();
    check_snippet(&text, &html).unwrap();
}

/// Was: the TOML parser reports the end of the bad key before its start, and the editor got
/// column 3 above column 2.
#[test]
fn syntax_errors_come_in_reading_order() {
    let errors = check::parse(Path::new(FILE), ID, "AΣ", &VOCABULARY, today()).unwrap_err();
    let at: Vec<_> = errors.iter().map(|d| (d.line, d.column)).collect();
    let mut sorted = at.clone();
    sorted.sort();
    assert_eq!(at, sorted);
}

/// Was: the whole source was composed before parsing, so diagnostics quoted and counted a
/// line the editor's file does not have (U+F900 is composed to U+8C48).
#[test]
fn diagnostics_quote_the_line_as_it_is_in_the_file() {
    for source in ["豈", "title = \"c\u{30c}\" x"] {
        let errors = check::parse(Path::new(FILE), ID, source, &VOCABULARY, today()).unwrap_err();
        for d in &errors {
            check_position(source, d).unwrap();
        }
    }
}

/// Was: composing the source before parsing glued a combining accent onto the last digit of
/// an escape, `\u004E` + U+0301 → `\u004É`, and a valid file became a syntax error.
#[test]
fn an_accent_after_an_escape_stays_an_accent() {
    let source = crate::common::simple_entry("\\u004E\u{301}");
    let e = check::parse(Path::new(FILE), ID, &source, &VOCABULARY, today()).unwrap();
    assert_eq!(e.title, "Ń");
}

/// Was: a letter written as an escape (`\u0063\u030C`) was not composed, so the index, whose
/// analysers expect composed text, split "č" into "c" and a stray accent.
#[test]
fn escaped_decomposed_letters_are_composed() {
    let source = crate::common::simple_entry("Pro\\u0063\\u030Celja");
    let e = check::parse(Path::new(FILE), ID, &source, &VOCABULARY, today()).unwrap();
    assert_eq!(e.title, "Pročelja");
}

/// Was: `region = "!"` made a region with the empty key, a facet value no URL can select.
#[test]
fn a_region_label_without_letters_is_an_error() {
    let source = format!(
        "{}[municipality.nova]\nlabel = \"Nova\"\nregion = \"—!\"\n",
        crate::common::VOCABULARY
    );
    let errors = Vocabulary::parse(Path::new("vocabulary.toml"), &source).unwrap_err();
    assert_eq!(errors[0].code, "empty-value");
    assert_eq!(errors[0].line, source.lines().count());
}

/// Nesting deeper than anyone writes must not exhaust the stack, in parsing or in dropping
/// the parsed document: a file of up to 1 MiB can nest this deep.
#[test]
fn deeply_nested_values_and_keys_are_diagnostics_not_a_stack_overflow() {
    let n = 100_000;
    let dotted = vec!["a"; n].join(".");
    for source in [
        format!("title = {}{}", "[".repeat(n), "]".repeat(n)),
        format!("title = {}1{}", "{ a = ".repeat(n), " }".repeat(n)),
        format!("{dotted} = 1\n"),
        format!("[{dotted}]\n"),
        format!("[[{dotted}]]\n"),
    ] {
        check_entry(&source).unwrap();
        check_vocabulary(&source).unwrap();
    }
}

/// Was: every problem scanned the file up to its spot and copied its line, so a 1 MiB file
/// with a problem on every line took hours to report, and one line of 250,000 unknown keys
/// would have held a copy of that line per key: hundreds of gigabytes.
#[test]
fn a_megabyte_with_a_problem_everywhere_reports_the_first_hundred_briefly() {
    let vocabulary = Vocabulary::parse(
        Path::new("vocabulary.toml"),
        include_str!("../../handbook/vocabulary.toml"),
    )
    .unwrap();
    let n = 1 << 20;
    for source in [
        "a\n".repeat(n / 2),
        format!("municipalities = [{}]\n", vec!["\"x\""; n / 4].join(",")),
        format!("municipalities = [\"{}\"]\n", "ab".repeat(n / 2)),
        format!("\"{}\" = 1\n", "ab".repeat(n / 2)),
    ] {
        let errors = check::parse(Path::new(FILE), ID, &source, &vocabulary, today()).unwrap_err();
        assert!(errors.len() <= MAX_PER_FILE + 1, "{}", errors.len());
        for d in &errors {
            check_position(&source, d).unwrap();
        }
    }
    let errors = check::parse(
        Path::new(FILE),
        ID,
        &"a\n".repeat(1000),
        &vocabulary,
        today(),
    )
    .unwrap_err();
    let last = errors.last().unwrap();
    assert_eq!(last.code, "too-many-problems");
    assert_eq!(&*last.message, "900 more problems in this file, not shown");
}
