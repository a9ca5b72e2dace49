//! The human output of `handbook check` as an editor sees it, pinned by a snapshot: every
//! diagnostic's wording, location, the caret under the spot, the help, and the summary line.

use std::fs;
use std::process::Command;

#[test]
fn check_output_reads_like_a_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let hb = dir.path().join("hb");
    fs::create_dir_all(hb.join("measures/kranj")).unwrap();
    fs::write(
        hb.join("vocabulary.toml"),
        "[municipality.kranj]\nlabel = \"Kranj\"\nregion = \"Gorenjska\"\n[municipality.ljubljana]\nlabel = \"Ljubljana\"\n[type.vavcer]\nlabel = \"Vavčer\"\n[source.obcinski-proracun]\nlabel = \"Občinski proračun\"\n",
    )
    .unwrap();
    let today = chrono::Local::now().date_naive();
    let entry = |extra: &str| {
        format!(
            "title = \"Vavčer\"\nsummary = \"Opis.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcinski-proracun\"]\nprovider = \"MO Kranj\"\nupdated = {today}\nurl = \"https://www.kranj.si/\"\n{extra}"
        )
    };
    fs::write(
        hb.join("measures/kranj/a.toml"),
        entry("").replace("[\"kranj\"]", "[\"lubljana\"]"),
    )
    .unwrap();
    fs::write(hb.join("measures/kranj/b.toml"), entry("budget_eur = \"10.000 EUR\"\ncofinancing_percent = 120\nopen_from = 2024-05-01\nopen_until = 2024-04-01\n")).unwrap();
    fs::write(
        hb.join("measures/kranj/c.toml"),
        entry("summmary = \"x\"\n").replace("title = \"Vavčer\"\n", ""),
    )
    .unwrap();
    fs::write(hb.join("measures/kranj/Napačno Ime.toml"), entry("")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["check", "--handbook", "hb"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
}
