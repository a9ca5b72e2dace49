//! The index on disk is derived and disposable: reused when it matches, rebuilt when it is
//! missing, stale, from another schema, or corrupt; never a reason to fail. A start from the
//! handbook cache catches up with the files just after, and reading a file again that did not
//! change keeps what is served as it was.

use std::fs;

use crate::common::{TempHandbook, simple_entry, today};
use handbook::index::Opened;
use handbook::live::catalog::{Catalog, Changes};
use handbook::search::request::SearchQuery;

fn open(hb: &TempHandbook, index: &std::path::Path) -> (Catalog, Opened) {
    Catalog::open(hb.root(), Some(index), today()).unwrap()
}

fn total(c: &Catalog) -> usize {
    c.handle()
        .get()
        .search(&SearchQuery::default(), today())
        .unwrap()
        .total
}

#[test]
fn an_unchanged_handbook_reuses_the_index_and_a_changed_one_rebuilds_it() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let (c, opened) = open(&hb, index.path());
    assert!(matches!(opened, Opened::Rebuilt(_)));
    assert_eq!(total(&c), 6);
    drop(c);

    let (c, opened) = open(&hb, index.path());
    assert_eq!(opened, Opened::Reused);
    assert_eq!(total(&c), 6);
    drop(c);

    hb.write("measures/x/nov.toml", &simple_entry("Nov"));
    let (c, opened) = open(&hb, index.path());
    assert_eq!(
        opened,
        Opened::Rebuilt("the handbook changed since it was written".into())
    );
    assert_eq!(total(&c), 7);
}

#[test]
fn a_corrupt_or_truncated_index_is_rebuilt() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    drop(open(&hb, index.path()));
    // Damage every segment file.
    for e in fs::read_dir(index.path()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.len() > 33 && !name.starts_with('.') {
            let len = fs::metadata(&p).unwrap().len();
            fs::write(&p, vec![0x42; (len / 2) as usize]).unwrap();
        }
    }
    let (c, opened) = open(&hb, index.path());
    assert!(matches!(opened, Opened::Rebuilt(_)), "{opened:?}");
    assert_eq!(total(&c), 6);
}

#[test]
fn garbage_meta_json_is_rebuilt_and_other_files_are_left_alone() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    fs::write(index.path().join("meta.json"), "{not json").unwrap();
    fs::write(index.path().join("README.md"), "keep me").unwrap();
    let (c, opened) = open(&hb, index.path());
    assert!(matches!(opened, Opened::Rebuilt(_)));
    assert_eq!(total(&c), 6);
    assert_eq!(
        fs::read_to_string(index.path().join("README.md")).unwrap(),
        "keep me"
    );
}

#[test]
fn a_lock_file_left_by_a_crash_does_not_block_a_restart() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    drop(open(&hb, index.path()));
    fs::write(index.path().join(".tantivy-writer.lock"), "").unwrap();
    let (c, opened) = open(&hb, index.path());
    assert_eq!(opened, Opened::Reused);
    assert_eq!(total(&c), 6);
}

#[test]
fn a_second_process_on_the_same_index_is_refused_with_a_clear_error() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let (_first, _) = open(&hb, index.path());
    let err = Catalog::open(hb.root(), Some(index.path()), today())
        .err()
        .expect("the index is in use");
    assert!(
        err.to_string()
            .contains("in use by another handbook process"),
        "{err}"
    );
}

fn ids(c: &Catalog) -> Vec<String> {
    c.handle().get().entries.keys().cloned().collect()
}

fn title(c: &Catalog, id: &str) -> String {
    c.handle().get().entries[id].title.clone()
}

#[test]
fn a_start_from_the_cache_serves_at_once_and_verify_brings_in_what_changed_while_stopped() {
    let hb = TempHandbook::fixture();
    hb.age();
    let index = tempfile::tempdir().unwrap();
    let (mut c, _) = open(&hb, index.path());
    c.save_cache();
    let before = ids(&c);
    drop(c);

    // While nothing runs: an edit, a new entry, a removal and a broken edit.
    let edited = hb.path("measures/koper/koper-najemnine.toml");
    let text = fs::read_to_string(&edited).unwrap();
    fs::write(
        &edited,
        text.replace("title = \"", "title = \"Popravljeno: "),
    )
    .unwrap();
    hb.write("measures/x/nov.toml", &simple_entry("Nov ukrep"));
    fs::remove_file(hb.path("measures/piran/piran-fasade.toml")).unwrap();
    let broken = hb.path("measures/maribor/maribor-procelja.toml");
    fs::write(&broken, "title = \"Brez konca\n").unwrap();

    let (mut c, opened) = Catalog::open_unverified(hb.root(), index.path(), today()).unwrap();
    assert_eq!(opened, Opened::Reused);
    // What the cache held, without a look at the files.
    assert_eq!(ids(&c), before);
    assert!(!title(&c, "koper-najemnine").starts_with("Popravljeno"));

    let applied = c.verify(today()).unwrap().expect("a check was due");
    assert_eq!(applied.upserted, ["koper-najemnine", "nov"]);
    assert_eq!(applied.deleted, ["piran-fasade"]);
    let mut expected: Vec<String> = before
        .into_iter()
        .filter(|id| id != "piran-fasade")
        .chain(["nov".to_string()])
        .collect();
    expected.sort();
    assert_eq!(
        ids(&c),
        expected,
        "the broken file keeps its last good version"
    );
    assert!(title(&c, "koper-najemnine").starts_with("Popravljeno"));
    let snapshot = c.handle().get();
    assert!(
        snapshot
            .problems
            .iter()
            .any(|d| *d.file == *broken && d.is_error()),
        "{:?}",
        snapshot.problems
    );
    let found = snapshot
        .search(
            &SearchQuery {
                text: "popravljeno".into(),
                ..SearchQuery::default()
            },
            today(),
        )
        .unwrap();
    assert_eq!(found.total, 1);
    assert!(
        c.verify(today()).unwrap().is_none(),
        "checked once is enough"
    );
}

#[test]
fn a_file_saved_just_before_the_cache_is_served_by_the_next_start_and_stamped_once_checked() {
    let hb = TempHandbook::fixture();
    hb.age();
    // Saved a moment before it is read: too soon for its stamp to be trusted.
    hb.write("measures/x/nov.toml", &simple_entry("Nov ukrep"));
    let index = tempfile::tempdir().unwrap();
    let (mut c, _) = open(&hb, index.path());
    assert_eq!(total(&c), 7);
    c.save_cache();
    drop(c);

    // Served at once, as the index holds it: the index is not built again for want of it.
    let (mut c, opened) = Catalog::open_unverified(hb.root(), index.path(), today()).unwrap();
    assert_eq!(opened, Opened::Reused);
    assert_eq!(total(&c), 7);
    hb.age();
    let applied = c.verify(today()).unwrap().expect("a check was due");
    assert!(applied.upserted.is_empty() && applied.deleted.is_empty());
    // Read again unchanged, it now has a stamp, and the cache is saved with it.
    c.save_cache();
    drop(c);
    let (cache, why) = handbook::handbook::cache::Cache::load(index.path(), today());
    assert_eq!(why, None);
    let read =
        handbook::handbook::folder::Handbook::load_cached(hb.root(), today(), &cache).unwrap();
    assert_eq!(
        cache.hits(&read.files),
        7,
        "every file comes from the cache"
    );
}

#[test]
fn a_start_without_a_usable_cache_reads_every_file_and_needs_no_check() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let (mut c, _) = Catalog::open_unverified(hb.root(), index.path(), today()).unwrap();
    assert_eq!(total(&c), 6);
    assert!(c.verify(today()).unwrap().is_none());
}

#[test]
fn a_file_read_again_unchanged_keeps_the_entry_the_snapshot_already_shares() {
    let hb = TempHandbook::fixture();
    let mut c = hb.catalog();
    let held = c.handle().get().entries["kranj-najemnine"].clone();
    // The same content saved again, and every file looked at again (as when the day turns).
    let path = hb.path("measures/kranj/kranj-najemnine.toml");
    fs::write(&path, fs::read_to_string(&path).unwrap()).unwrap();
    let rescan = Changes {
        rescan: true,
        ..Changes::default()
    };
    let applied = c.apply(&rescan, today()).unwrap();
    assert!(applied.upserted.is_empty(), "{applied:?}");
    // Another entry changes, so a new snapshot is built from what the handbook holds now.
    hb.write("measures/x/nov.toml", &simple_entry("Nov"));
    c.apply(&rescan, today()).unwrap();
    let now = c.handle().get().entries["kranj-najemnine"].clone();
    assert!(
        std::sync::Arc::ptr_eq(&held, &now),
        "the unchanged entry is held twice: once by the old snapshot's records, once anew"
    );
}
