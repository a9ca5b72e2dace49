//! Every diagnostic `handbook check` can give, each on a broken fixture: its code, its line and
//! column, and the words of its message and help.

use crate::common::{TempHandbook, problems, simple_entry, today};
use handbook::handbook::diagnostic::Diagnostic;
use handbook::handbook::folder::Handbook;

/// One file with this content next to the fixture's vocabulary; its problems.
fn check_file(name: &str, content: &[u8]) -> Vec<Diagnostic> {
    let hb = TempHandbook::empty();
    let path = hb.path(&format!("measures/x/{name}"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
    problems(&hb)
}

fn find<'a>(all: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
    all.iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {all:#?}"))
}

fn assert_diagnostic(
    all: &[Diagnostic],
    code: &str,
    line: usize,
    column: usize,
    message: &str,
    help: &str,
) {
    let d = find(all, code);
    assert_eq!((d.line, d.column), (line, column), "{code}: {d}");
    assert!(
        d.message.contains(message),
        "{code}: message {:?} lacks {message:?}",
        d.message
    );
    assert!(
        d.help.as_deref().unwrap_or("").contains(help),
        "{code}: help {:?} lacks {help:?}",
        d.help
    );
}

fn with(extra: &str) -> String {
    format!("{}{extra}", simple_entry("Ukrep"))
}

#[test]
fn toml_syntax() {
    let all = check_file("a.toml", b"title = \"x\"\nsummary = [\"a\", \n");
    assert_diagnostic(
        &all,
        "toml-syntax",
        2,
        16,
        "invalid TOML: unclosed array",
        "double quotes",
    );
}

#[test]
fn missing_field() {
    let all = check_file(
        "a.toml",
        simple_entry("X")
            .replace("provider = \"MO Kranj\"\n", "")
            .as_bytes(),
    );
    assert_diagnostic(
        &all,
        "missing-field",
        1,
        1,
        "missing required field `provider`",
        "provider = ",
    );
}

#[test]
fn unknown_key() {
    let all = check_file("a.toml", with("sumary = \"x\"\n").as_bytes());
    assert_diagnostic(
        &all,
        "unknown-key",
        8,
        1,
        "unknown field `sumary`",
        "did you mean `summary`?",
    );
}

#[test]
fn wrong_type() {
    let all = check_file("a.toml", with("budget_eur = \"5.000\"\n").as_bytes());
    assert_diagnostic(
        &all,
        "wrong-type",
        8,
        14,
        "`budget_eur` must be a whole number",
        "budget_eur = 1000",
    );
    let all = check_file(
        "a.toml",
        simple_entry("X")
            .replace("types = [\"vavcer\"]", "types = \"vavcer\"")
            .as_bytes(),
    );
    assert_diagnostic(
        &all,
        "wrong-type",
        4,
        9,
        "`types` must be a list of strings",
        "types = [",
    );
}

#[test]
fn empty_value() {
    let all = check_file("a.toml", simple_entry("  ").as_bytes());
    assert_diagnostic(
        &all,
        "empty-value",
        1,
        9,
        "`title` is empty",
        "write the title",
    );
}

#[test]
fn unknown_value() {
    let all = check_file(
        "a.toml",
        simple_entry("X")
            .replace("[\"vavcer\"]", "[\"vavcar\"]")
            .as_bytes(),
    );
    assert_diagnostic(
        &all,
        "unknown-value",
        4,
        10,
        "unknown type `vavcar`",
        "did you mean `vavcer`?",
    );
}

#[test]
fn invalid_date() {
    let all = check_file("a.toml", with("open_until = 2023-02-30\n").as_bytes());
    // TOML itself refuses the 30th of February.
    assert!(
        all.iter()
            .any(|d| d.code == "toml-syntax" || d.code == "invalid-date"),
        "{all:#?}"
    );
    assert!(all.iter().any(|d| d.line == 8), "{all:#?}");
}

#[test]
fn out_of_range() {
    let all = check_file("a.toml", with("cofinancing_percent = 101\n").as_bytes());
    assert_diagnostic(
        &all,
        "out-of-range",
        8,
        23,
        "between 0 and 100",
        "from 0 to 100",
    );
    let all = check_file("a.toml", with("max_amount_eur = -1\n").as_bytes());
    assert_diagnostic(
        &all,
        "out-of-range",
        8,
        18,
        "`max_amount_eur` must be between 0",
        "whole number of euro",
    );
}

#[test]
fn bad_url() {
    let all = check_file("a.toml", with("url = \"www.kranj.si\"\n").as_bytes());
    assert_diagnostic(
        &all,
        "bad-url",
        8,
        7,
        "not a valid web address",
        "address bar",
    );
    let all = check_file("a.toml", with("url = \"javascript:alert(1)\"\n").as_bytes());
    assert_diagnostic(&all, "bad-url", 8, 7, "http:// or https://", "address bar");
}

#[test]
fn dates_reversed() {
    let all = check_file(
        "a.toml",
        with("open_from = 2024-03-01\nopen_until = 2024-02-01\n").as_bytes(),
    );
    assert_diagnostic(
        &all,
        "dates-reversed",
        9,
        14,
        "`open_until` (2024-02-01) is before `open_from` (2024-03-01)",
        "swap",
    );
}

#[test]
fn updated_in_future() {
    let all = check_file(
        "a.toml",
        simple_entry("X")
            .replace("updated = 2024-01-01", "updated = 2024-07-01")
            .as_bytes(),
    );
    assert_diagnostic(
        &all,
        "updated-in-future",
        7,
        11,
        "2024-07-01, which is in the future",
        "today's date, 2024-06-15",
    );
}

#[test]
fn invalid_id() {
    let all = check_file("Kranj_2020.toml", simple_entry("X").as_bytes());
    assert_diagnostic(
        &all,
        "invalid-id",
        0,
        0,
        "`Kranj_2020` is not a valid id",
        "kranj-2020.toml",
    );
    let all = check_file("a.toml", with("aliases = [\"Stari Id\"]\n").as_bytes());
    assert_diagnostic(
        &all,
        "invalid-id",
        8,
        12,
        "alias `Stari Id` is not a valid id",
        "stari-id",
    );
}

#[test]
fn alias_is_id() {
    let all = check_file("a.toml", with("aliases = [\"a\"]\n").as_bytes());
    assert_diagnostic(
        &all,
        "alias-is-id",
        8,
        12,
        "cannot be the entry's own id",
        "former ids",
    );
}

#[test]
fn keyword_too_long() {
    let sentence = "kje lahko dobim kredit za nakup nove opreme za svojo delavnico v mestu";
    let all = check_file(
        "a.toml",
        with(&format!("keywords = [\"{sentence}\"]\n")).as_bytes(),
    );
    assert_diagnostic(
        &all,
        "keyword-too-long",
        8,
        13,
        "a keyword of 70 characters; at most 60",
        "a few words people search with",
    );
}

#[test]
fn duplicate_id_names_both_files() {
    let hb = TempHandbook::empty();
    hb.write("measures/a/ukrep.toml", &simple_entry("A"));
    hb.write("measures/b/ukrep.toml", &simple_entry("B"));
    let all = problems(&hb);
    let d = find(&all, "duplicate-id");
    assert!(d.file.ends_with("measures/b/ukrep.toml"), "{d}");
    assert!(d.message.contains("measures/a/ukrep.toml"), "{d}");
    assert_eq!((d.line, d.column), (1, 1), "the first line: {d}");
}

#[test]
fn alias_is_live_id_and_duplicate_alias() {
    let hb = TempHandbook::empty();
    hb.write("measures/a.toml", &with("aliases = [\"b\"]\n"));
    hb.write("measures/b.toml", &simple_entry("B"));
    hb.write("measures/c.toml", &with("aliases = [\"star\"]\n"));
    hb.write("measures/d.toml", &with("aliases = [\"star\"]\n"));
    let all = problems(&hb);
    let live = find(&all, "alias-is-live-id");
    assert!(
        live.file.ends_with("a.toml") && live.message.contains("b.toml"),
        "{live}"
    );
    let dup = find(&all, "duplicate-alias");
    assert!(
        dup.file.ends_with("d.toml")
            && dup.message.contains("`c`")
            && dup.message.contains("c.toml"),
        "{dup}"
    );
    // Each points at the alias in its file, as `alias-is-id` does.
    assert_eq!((live.line, live.column), (8, 12), "{live}");
    assert_eq!((dup.line, dup.column), (8, 12), "{dup}");
}

#[test]
fn file_too_large() {
    let mut big = with("body = \"\"\"\n").into_bytes();
    big.extend(std::iter::repeat_n(b'x', 1024 * 1024 + 10));
    big.extend(b"\n\"\"\"\n");
    let all = check_file("a.toml", &big);
    assert_diagnostic(
        &all,
        "file-too-large",
        0,
        0,
        "larger than 1024 KiB",
        "short text",
    );
}

#[test]
fn not_utf8() {
    let mut bytes = b"title = \"Ob\xe8ina\"\n".to_vec();
    bytes.extend(
        simple_entry("X")
            .lines()
            .skip(1)
            .flat_map(|l| format!("{l}\n").into_bytes()),
    );
    let all = check_file("a.toml", &bytes);
    assert_diagnostic(&all, "not-utf8", 1, 12, "not UTF-8", "UTF-8");
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let hb = TempHandbook::empty();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), simple_entry("Zunaj")).unwrap();
    std::os::unix::fs::symlink(outside.path(), hb.path("measures/zunaj.toml")).unwrap();
    let all = problems(&hb);
    let d = find(&all, "symlink");
    assert!(!d.is_error());
    assert!(
        Handbook::load(hb.root(), today())
            .unwrap()
            .resolve()
            .entries
            .is_empty()
    );
}

#[test]
fn invalid_vocabulary_key() {
    let hb = TempHandbook::empty();
    std::fs::write(hb.path("vocabulary.toml"), "[municipality.Novo_Mesto]\nlabel = \"Novo mesto\"\n[type.a]\nlabel = \"A\"\n[source.b]\nlabel = \"B\"\n").unwrap();
    let err = Handbook::load(hb.root(), today()).unwrap_err();
    let handbook::handbook::folder::LoadError::Vocabulary { diagnostics, .. } = err else {
        panic!("{err}")
    };
    assert_diagnostic(
        &diagnostics,
        "invalid-key",
        1,
        15,
        "`Novo_Mesto` is not a valid key",
        "novo-mesto",
    );
}

#[test]
fn control_characters_in_text_are_refused_where_they_are() {
    // TOML itself refuses them written raw; as escapes it takes them: one in the title (line
    // 1), one in a list item. Tab and line breaks are text.
    let entry = simple_entry("Ukrep").replacen(
        "title = \"Ukrep\"",
        "title = \"Ukrep\\u0000 za\\tvse\"",
        1,
    ) + "legal_basis = [\"Odlok\\u0007\"]\nbody = \"\"\"\nVrstica\r\nin še ena\\u0085\n\"\"\"\n";
    let all = check_file("a.toml", entry.as_bytes());
    let found: Vec<_> = all
        .iter()
        .filter(|d| d.code == "control-character")
        .collect();
    assert_eq!(found.len(), 3, "{all:#?}");
    assert_diagnostic(
        &all,
        "control-character",
        1,
        9,
        "`title` contains the control character U+0000 (character 6 of the text)",
        "delete it",
    );
    for (d, message) in found[1..].iter().zip([
        "`legal_basis` contains the control character U+0007",
        "`body` contains the control character U+0085",
    ]) {
        assert!(d.message.contains(message), "{d}");
    }
}
