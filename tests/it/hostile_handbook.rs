//! Hostile and broken files in the handbook folder (binary junk, a 50 MB file, another
//! encoding, links out of the handbook, a folder named like an entry, thousands of files, an
//! empty file, a byte order mark, nesting deep enough to overflow a recursive parser) never
//! panic, never keep the rest of the handbook from loading, and each gets a diagnostic naming
//! its code and file; no valid entry is lost, at start or when the change arrives while serving.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{App, FIXTURE, TempHandbook, problems, simple_entry, today};
use handbook::corpus::Rng;
use handbook::handbook::diagnostic::Diagnostic;
use handbook::handbook::folder::Handbook;
use handbook::live::catalog::{Catalog, Changes};

/// The errors (not warnings such as a missing `url`) a fresh load reports.
fn errors(hb: &TempHandbook) -> Vec<Diagnostic> {
    problems(hb)
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect()
}

/// The one problem with this code about this file.
fn problem<'a>(all: &'a [Diagnostic], code: &str, file: &Path) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = all
        .iter()
        .filter(|d| d.code == code && *d.file == *file)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {code} about {}, got {all:#?}",
        file.display()
    );
    found[0]
}

/// The ids the snapshot serves.
fn served(catalog: &Catalog) -> BTreeSet<String> {
    catalog.handle().get().entries.keys().cloned().collect()
}

fn fixture_ids() -> BTreeSet<String> {
    FIXTURE.iter().map(|(_, id, _)| id.to_string()).collect()
}

/// The whole fixture is searchable over HTTP, and nothing else is.
async fn assert_fixture_served(app: &App) {
    let v = app.json("/api/search?per_page=100").await;
    assert_eq!(v["total"], FIXTURE.len(), "{v}");
    for (_, id, _) in FIXTURE {
        let a = app.get(&format!("/api/measures/{id}")).await;
        assert_eq!(a.status, 200, "{id}: {}", a.body);
    }
}

/// `/status` names the problem's code and file, so an editor sees it without a terminal: the
/// file as it is in the handbook, never where the server keeps it.
async fn assert_on_status(app: &App, code: &str, file: &Path) {
    let body = app.get("/status").await.body;
    let shown = file.to_string_lossy();
    let in_handbook = &shown[shown.find("measures/").expect("a file in measures/")..];
    assert!(
        body.contains(&format!("[{code}]")) && body.contains(in_handbook),
        "/status lacks {code} for {in_handbook}"
    );
    assert!(
        !body.contains(&*shown),
        "/status shows where the server keeps {in_handbook}"
    );
}

fn one(path: &Path) -> Changes {
    Changes {
        entries: [path.to_path_buf()].into(),
        ..Changes::default()
    }
}

/// Random bytes with NULs and an invalid UTF-8 sequence in them, the same every run.
fn junk(len: usize) -> Vec<u8> {
    let mut rng = Rng::new(0x6a75_6e6b);
    let mut bytes: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
    bytes[0] = 0;
    bytes[len / 2] = 0xff;
    bytes
}

/// A file of `len` bytes that starts like an entry and is mostly a hole: a sparse file costs
/// no disk, and reading it all would still cost the time and memory of `len` bytes.
fn sparse(path: &Path, len: u64) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, simple_entry("Ogromen")).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

fn nested(depth: usize) -> Vec<(&'static str, String)> {
    vec![
        (
            "arrays",
            format!("a = {}{}\n", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "inline-tables",
            format!("a = {}1{}\n", "{ b = ".repeat(depth), " }".repeat(depth)),
        ),
        ("dotted-keys", format!("{}a = 1\n", "a.".repeat(depth))),
        (
            "table-header",
            format!("[{}a]\nb = 1\n", "a.".repeat(depth)),
        ),
        (
            "arrays-of-tables",
            format!("a = {}{}\n", "[{ b = ".repeat(depth), "}]".repeat(depth)),
        ),
    ]
}

#[tokio::test]
async fn binary_junk_is_reported_as_not_utf8_and_the_rest_loads() {
    let hb = TempHandbook::fixture();
    let bad = hb.path("measures/kranj/smeti.toml");
    fs::write(&bad, junk(4096)).unwrap();
    let all = problems(&hb);
    let d = problem(&all, "not-utf8", &bad);
    assert!(d.is_error() && d.line >= 1 && d.column >= 1, "{d}");
    let app = hb.app();
    assert_fixture_served(&app).await;
    assert_on_status(&app, "not-utf8", &bad).await;
}

#[tokio::test]
async fn junk_that_happens_to_be_utf8_is_a_syntax_error_and_the_rest_loads() {
    let hb = TempHandbook::fixture();
    let bad = hb.path("measures/kranj/smeti.toml");
    fs::write(
        &bad,
        "\0\0\u{1}title\u{7f} = \u{202e}\"\0\"\n[[\0]]\n\u{feff}= =\n",
    )
    .unwrap();
    let all = problems(&hb);
    assert!(
        all.iter()
            .any(|d| *d.file == *bad && d.code == "toml-syntax"),
        "{all:#?}"
    );
    assert_fixture_served(&hb.app()).await;
}

#[tokio::test]
async fn a_50_mb_file_is_refused_by_its_size_before_it_is_read() {
    let hb = TempHandbook::fixture();
    let big = hb.path("measures/kranj/ogromen.toml");
    sparse(&big, 50 * 1024 * 1024);
    let all = problems(&hb);
    let d = problem(&all, "file-too-large", &big);
    // Only the file's metadata knows its whole size; a reader that stopped after the first
    // megabyte could not name it.
    assert!(
        d.message.contains("51200 KiB") && d.message.contains("larger than 1024 KiB"),
        "{d}"
    );
    assert_fixture_served(&hb.app()).await;
}

#[tokio::test]
async fn text_in_another_encoding_is_reported_at_its_first_bad_byte() {
    let hb = TempHandbook::fixture();
    let bad = hb.path("measures/kranj/latin2.toml");
    // "č" in Latin-2 is the byte 0xe8; the line before it has a two-byte "Š", so the column
    // must count characters, not bytes.
    fs::write(
        &bad,
        b"title = \"Obnova\"\nsummary = \"Opis.\"\nprovider = \"\xc5\xa0kofja Loka \xe8\"\n",
    )
    .unwrap();
    let all = problems(&hb);
    let d = problem(&all, "not-utf8", &bad);
    assert_eq!((d.line, d.column), (3, 25), "{d}");
    assert_fixture_served(&hb.app()).await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_to_an_entry_outside_the_handbook_is_not_followed_and_is_reported() {
    let hb = TempHandbook::fixture();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("zunaj.toml");
    fs::write(&target, simple_entry("Zunanji ukrep")).unwrap();
    let link = hb.path("measures/kranj/zunaj.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let all = problems(&hb);
    assert!(!problem(&all, "symlink", &link).is_error());
    let app = hb.app();
    assert_fixture_served(&app).await;
    assert_eq!(app.get("/api/measures/zunaj").await.status, 404);
    assert_on_status(&app, "symlink", &link).await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_linked_folder_outside_the_handbook_is_not_followed_and_is_reported() {
    let hb = TempHandbook::fixture();
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("zunanji.toml"),
        simple_entry("Zunanji ukrep"),
    )
    .unwrap();
    let link = hb.path("measures/zunanja-mapa");
    std::os::unix::fs::symlink(outside.path(), &link).unwrap();
    let all = problems(&hb);
    let d = problem(&all, "symlink", &link);
    assert!(!d.is_error() && d.message.contains("folder"), "{d}");
    let app = hb.app();
    assert_fixture_served(&app).await;
    assert_eq!(app.get("/api/measures/zunanji").await.status, 404);
}

#[cfg(unix)]
#[tokio::test]
async fn a_file_whose_name_is_not_utf8_is_reported_and_the_rest_is_served() {
    use std::os::unix::ffi::OsStrExt;
    let hb = TempHandbook::fixture();
    // "Kočevje" in Latin-2, as an old editor or a zip of Windows files may name it.
    let name = std::ffi::OsStr::from_bytes(b"ko\xe8evje-2024.toml");
    let bad = hb.path("measures/kranj").join(name);
    fs::write(&bad, simple_entry("Kočevje")).unwrap();
    let all = problems(&hb);
    let d = problem(&all, "name-not-utf8", &bad);
    assert!(d.is_error(), "{d}");
    assert_fixture_served(&hb.app()).await;
    // Other names that are not entries (`README`, a backup `x.toml~`) stay quiet.
    fs::write(
        hb.path("measures/kranj")
            .join(std::ffi::OsStr::from_bytes(b"\xe8.txt")),
        "",
    )
    .unwrap();
    assert_eq!(problems(&hb).len(), all.len());
}

#[cfg(unix)]
#[test]
fn the_lock_links_editors_leave_are_passed_over_quietly() {
    let hb = TempHandbook::fixture();
    // Emacs marks a file being edited with a dangling link named `.#<file>`.
    let before = problems(&hb);
    std::os::unix::fs::symlink(
        "urednik@racunalnik.1234:1700000000",
        hb.path("measures/kranj/.#kranj-najemnine.toml"),
    )
    .unwrap();
    assert_eq!(problems(&hb), before);
}

#[cfg(unix)]
#[tokio::test]
async fn a_named_pipe_named_like_an_entry_is_reported_without_being_opened() {
    let hb = TempHandbook::fixture();
    let fifo = hb.path("measures/kranj/cev.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    // Opening a pipe with no writer blocks forever; the load would hang here.
    let all = problems(&hb);
    assert!(!problem(&all, "not-a-file", &fifo).is_error());
    assert_fixture_served(&hb.app()).await;
}

#[tokio::test]
async fn a_folder_named_like_an_entry_is_a_folder_and_the_entry_inside_it_is_served() {
    let hb = TempHandbook::fixture();
    hb.write(
        "measures/kranj/mapa.toml/v-mapi.toml",
        &simple_entry("V mapi"),
    );
    assert_eq!(errors(&hb), Vec::new());
    let app = hb.app();
    assert_eq!(app.json("/api/search?per_page=100").await["total"], 7);
    assert_eq!(app.get("/api/measures/v-mapi").await.status, 200);
    assert_eq!(app.get("/api/measures/mapa").await.status, 404);
}

#[tokio::test]
async fn three_thousand_entries_are_all_served() {
    let hb = TempHandbook::empty();
    let started = Instant::now();
    for folder in 0..30 {
        let dir = hb.path(&format!("measures/mapa-{folder:02}"));
        fs::create_dir_all(&dir).unwrap();
        for i in 0..100 {
            let n = folder * 100 + i;
            fs::write(
                dir.join(format!("ukrep-{n:04}.toml")),
                simple_entry(&format!("Ukrep {n}")),
            )
            .unwrap();
        }
    }
    let app = hb.app();
    let v = app.json("/api/search?per_page=100").await;
    assert_eq!(v["total"], 3000);
    assert_eq!(v["hits"].as_array().unwrap().len(), 100);
    for id in ["ukrep-0000", "ukrep-1234", "ukrep-2999"] {
        assert_eq!(app.get(&format!("/api/measures/{id}")).await.status, 200);
    }
    assert_eq!(errors(&hb), Vec::new());
    // Generous for a debug build on a busy machine; a quadratic step would blow through it.
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_empty_file_is_reported_as_missing_its_fields() {
    let hb = TempHandbook::fixture();
    let empty = hb.path("measures/kranj/prazen.toml");
    fs::write(&empty, "").unwrap();
    let all = problems(&hb);
    assert!(
        all.iter()
            .any(|d| *d.file == *empty && d.code == "missing-field" && d.message.contains("title")),
        "{all:#?}"
    );
    assert_fixture_served(&hb.app()).await;
}

#[tokio::test]
async fn a_byte_order_mark_is_ignored() {
    let hb = TempHandbook::fixture();
    let path = hb.path("measures/kranj/bom.toml");
    fs::write(&path, format!("\u{feff}{}", simple_entry("Z oznako BOM"))).unwrap();
    assert_eq!(errors(&hb), Vec::new());
    let v = hb.app().json("/api/measures/bom").await;
    assert_eq!(v["title"], "Z oznako BOM");
}

#[test]
fn nesting_ten_thousand_deep_gives_a_diagnostic_not_a_stack_overflow() {
    let hb = TempHandbook::fixture();
    let cases = nested(10_000);
    for (name, toml) in &cases {
        hb.write(
            &format!("measures/kranj/{name}.toml"),
            &format!("{}{toml}", simple_entry("Globoko")),
        );
    }
    // Files are parsed on worker threads with the default 2 MiB stack, a quarter of the main
    // thread's, so an overflow would show here; it would abort the whole test binary.
    let all = problems(&hb);
    for (name, _) in &cases {
        let file = hb.path(&format!("measures/kranj/{name}.toml"));
        let about: Vec<&Diagnostic> = all.iter().filter(|d| *d.file == *file).collect();
        assert!(
            !about.is_empty() && about.iter().all(|d| d.is_error()),
            "{name}: {about:#?}"
        );
        // One clear message, not one per level.
        assert!(about.len() <= 3, "{name}: {} diagnostics", about.len());
    }
    let served = Handbook::load(hb.root(), today())
        .unwrap()
        .resolve()
        .entries;
    assert_eq!(
        served.keys().cloned().collect::<BTreeSet<_>>(),
        fixture_ids()
    );
}

/// A way of writing hostile content over a file.
type Write<'a> = &'a dyn Fn(&Path);

#[tokio::test]
async fn a_good_file_overwritten_with_hostile_content_while_serving_keeps_its_last_good_version() {
    let hb = TempHandbook::fixture();
    let mut catalog = hb.catalog();
    let app = App::new(&catalog);
    let path = hb.path("measures/kranj/kranj-najemnine.toml");
    let title = app.json("/api/measures/kranj-najemnine").await["title"].clone();
    let deep = nested(10_000).remove(0).1;
    let deep = deep.as_str();
    let hostile: [(&str, Write); 4] = [
        ("not-utf8", &|p| fs::write(p, junk(4096)).unwrap()),
        ("file-too-large", &|p| sparse(p, 50 * 1024 * 1024)),
        ("toml-syntax", &|p| fs::write(p, deep).unwrap()),
        ("missing-field", &|p| fs::write(p, "").unwrap()),
    ];
    for (code, write) in &hostile {
        write(&path);
        catalog.apply(&one(&path), today()).unwrap();
        let snapshot = catalog.handle().get();
        assert!(
            snapshot
                .problems
                .iter()
                .any(|d| *d.file == *path && d.code == *code),
            "{code}: {:#?}",
            snapshot.problems
        );
        assert_eq!(
            app.json("/api/measures/kranj-najemnine").await["title"],
            title,
            "{code}"
        );
        assert_fixture_served(&app).await;
        assert_on_status(&app, code, &path).await;
    }
    // Fixed again: the new version replaces the last good one and the problem goes.
    fs::write(&path, simple_entry("Popravljen ukrep")).unwrap();
    catalog.apply(&one(&path), today()).unwrap();
    assert_eq!(
        app.json("/api/measures/kranj-najemnine").await["title"],
        "Popravljen ukrep"
    );
    assert!(
        !catalog
            .handle()
            .get()
            .problems
            .iter()
            .any(|d| *d.file == *path && d.is_error())
    );
}

#[tokio::test]
async fn junk_found_by_a_rescan_keeps_the_last_good_version() {
    let hb = TempHandbook::fixture();
    let mut catalog = hb.catalog();
    let app = App::new(&catalog);
    let path = hb.path("measures/piran/piran-fasade.toml");
    fs::write(&path, junk(512)).unwrap();
    let rescan = Changes {
        rescan: true,
        ..Changes::default()
    };
    catalog.apply(&rescan, today()).unwrap();
    assert_fixture_served(&app).await;
    assert_on_status(&app, "not-utf8", &path).await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_link_saved_while_serving_is_not_followed_and_is_reported() {
    let hb = TempHandbook::fixture();
    let mut catalog = hb.catalog();
    let app = App::new(&catalog);
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("zunaj.toml");
    fs::write(&target, simple_entry("Zunanji ukrep")).unwrap();

    let link = hb.path("measures/kranj/zunaj.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    catalog.apply(&one(&link), today()).unwrap();
    assert_fixture_served(&app).await;
    assert_on_status(&app, "symlink", &link).await;

    // A good file replaced by a link is no longer in the handbook: it goes, as at a restart.
    let replaced = hb.path("measures/koper/koper-najemnine.toml");
    fs::remove_file(&replaced).unwrap();
    std::os::unix::fs::symlink(&target, &replaced).unwrap();
    catalog.apply(&one(&replaced), today()).unwrap();
    assert_eq!(app.get("/api/measures/koper-najemnine").await.status, 404);
    assert_on_status(&app, "symlink", &replaced).await;
    assert_same_as_a_fresh_load(&hb, &catalog);

    // The link removed: its warning goes with it.
    fs::remove_file(&link).unwrap();
    catalog.apply(&one(&link), today()).unwrap();
    assert!(
        !catalog
            .handle()
            .get()
            .problems
            .iter()
            .any(|d| *d.file == *link),
    );
}

#[cfg(unix)]
#[test]
fn a_folder_replaced_by_a_link_while_serving_is_not_read_through_the_link() {
    let hb = TempHandbook::fixture();
    let mut catalog = hb.catalog();
    let outside = tempfile::tempdir().unwrap();
    // The same file names as in `kranj/`, so the paths the catalog knows resolve through the link.
    for (folder, id, _) in FIXTURE.iter().filter(|(f, _, _)| *f == "kranj") {
        fs::write(
            outside.path().join(format!("{id}.toml")),
            simple_entry(&format!("Zunanji {folder}")),
        )
        .unwrap();
    }
    let kranj = hb.path("measures/kranj");
    fs::remove_dir_all(&kranj).unwrap();
    std::os::unix::fs::symlink(outside.path(), &kranj).unwrap();
    let rescan = Changes {
        rescan: true,
        ..Changes::default()
    };
    catalog.apply(&rescan, today()).unwrap();
    let snapshot = catalog.handle().get();
    assert!(
        snapshot
            .entries
            .values()
            .all(|e| !e.title.starts_with("Zunanji")),
        "{:?}",
        snapshot.entries.keys()
    );
    // Only what is served: the link's own warning comes from a rescan's discovery, which the
    // catalog does not keep (see the report on `Catalog::apply`).
    assert_serves_what_a_fresh_load_serves(&hb, &catalog);
}

#[tokio::test]
async fn a_folder_named_like_an_entry_moved_in_and_out_while_serving_is_followed() {
    let hb = TempHandbook::fixture();
    let mut catalog = hb.catalog();
    let app = App::new(&catalog);
    // Built aside and moved in whole, as a file manager does: the watcher sees one path, and
    // since it is named like an entry, it reports it as one.
    let aside = tempfile::tempdir_in(hb.root()).unwrap();
    fs::write(aside.path().join("v-mapi.toml"), simple_entry("V mapi")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        hb.path("measures/piran/piran-fasade.toml"),
        aside.path().join("povezava.toml"),
    )
    .unwrap();
    let folder = hb.path("measures/kranj/mapa.toml");
    fs::rename(aside.path(), &folder).unwrap();
    catalog.apply(&one(&folder), today()).unwrap();
    assert_eq!(app.get("/api/measures/v-mapi").await.status, 200);
    assert_same_as_a_fresh_load(&hb, &catalog);

    fs::remove_dir_all(&folder).unwrap();
    catalog.apply(&one(&folder), today()).unwrap();
    assert_eq!(app.get("/api/measures/v-mapi").await.status, 404);
    assert_eq!(served(&catalog), fixture_ids());
    // Nothing is said any more about what was in the folder, the link included.
    assert_same_as_a_fresh_load(&hb, &catalog);
}

/// What the live catalog serves is what a restart would serve.
fn assert_serves_what_a_fresh_load_serves(hb: &TempHandbook, catalog: &Catalog) {
    let fresh = Handbook::load(hb.root(), today()).unwrap().resolve();
    assert_eq!(
        served(catalog),
        fresh.entries.keys().cloned().collect::<BTreeSet<_>>()
    );
}

/// What the live catalog serves and reports is what a restart would give.
fn assert_same_as_a_fresh_load(hb: &TempHandbook, catalog: &Catalog) {
    assert_serves_what_a_fresh_load_serves(hb, catalog);
    let fresh = Handbook::load(hb.root(), today()).unwrap().resolve();
    let snapshot = catalog.handle().get();
    let files = |ds: &[std::sync::Arc<Diagnostic>]| -> BTreeSet<(PathBuf, &'static str)> {
        ds.iter().map(|d| (d.file.to_path_buf(), d.code)).collect()
    };
    assert_eq!(files(&snapshot.problems), files(&fresh.problems));
}

/// A handbook with thousands of problems: `/status` counts them all by severity, counts the
/// warnings by kind, and lists the first of each, saying that `handbook check` lists the rest;
/// listing every one made a page of tens of megabytes.
#[tokio::test]
async fn status_counts_every_problem_but_lists_only_the_first_of_each_severity() {
    let hb = TempHandbook::empty();
    let n = handbook::web::views::STATUS_LISTED + 40;
    for i in 0..n {
        hb.write(
            &format!("measures/x/ukrep-{i:03}.toml"),
            &simple_entry(&format!("Ukrep {i}")),
        );
        hb.write(
            &format!("measures/y/pokvarjen-{i:03}.toml"),
            "title = \"Brez konca\n",
        );
    }
    let all = problems(&hb);
    let errors = all.iter().filter(|d| d.is_error()).count();
    let warnings = all.len() - errors;
    assert!(
        errors >= n && warnings >= n,
        "{errors} errors, {warnings} warnings"
    );
    let app = hb.app();
    let body = app.get("/status").await.body;
    assert!(
        body.contains(&format!("id=\"error-count\">{errors}<")),
        "{body}"
    );
    assert!(
        body.contains(&format!("id=\"warning-count\">{warnings}<")),
        "{body}"
    );
    let listed = |severity: &str| {
        body.matches(&format!("class=\"problem {severity}\""))
            .count()
    };
    assert_eq!(listed("error"), handbook::web::views::STATUS_LISTED);
    assert_eq!(listed("warning"), handbook::web::views::STATUS_LISTED);
    assert_eq!(body.matches("handbook check").count(), 2, "{body}");
    let mut kinds: Vec<&str> = all
        .iter()
        .filter(|d| !d.is_error())
        .map(|d| d.code)
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let count = all
            .iter()
            .filter(|d| !d.is_error() && d.code == kind)
            .count();
        assert!(
            body.contains(&format!("<code>{kind}</code>: {count}<")),
            "{kind}: {body}"
        );
    }
}
