//! Nothing lost, never silently stale: the faults a probe found in live reload and restarts.
//! A link to `/` in the handbook, an editor saving every 20 ms, a folder with a dot in its name,
//! an index disk that fills up and frees again, unreadable folders, a broken file or vocabulary
//! at the next start. Each case ends with the edit searchable or the last good version served,
//! and with `/status` and `/healthz` telling the truth meanwhile. Every wait is bounded.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tantivy::directory::error::{DeleteError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, FileHandle, RamDirectory, WatchCallback, WatchHandle, WritePtr,
};

use crate::common::server::Server;
use crate::common::{App, FIXTURE, TempHandbook, simple_entry, today};
use handbook::live::catalog::{Catalog, Changes};
use handbook::live::health::Watch;
use handbook::live::watch;
use handbook::search::snapshot::Lookup;

/// Polls until `check` holds, for at most ten seconds; panics with `what` otherwise.
fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if check() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("timed out waiting until {what}");
}

fn title_of(catalog: &Arc<Mutex<Catalog>>, id: &str) -> Option<String> {
    let snapshot = catalog.lock().unwrap().handle().get();
    snapshot.entries.get(id).map(|e| e.title.clone())
}

fn watched(catalog: Catalog, root: &Path) -> (Arc<Mutex<Catalog>>, watch::Watching) {
    let catalog = Arc::new(Mutex::new(catalog));
    let watching = watch::spawn(root, catalog.clone(), crate::common::today).unwrap();
    // The watcher's first look at the files, made once it is in place, would find what a test
    // does next without any event: the test waits for it to be done.
    let health = catalog.lock().unwrap().handle().health();
    eventually("the watcher has looked at the files once", || {
        health.report().last_checked.is_some()
    });
    (catalog, watching)
}

#[test]
fn a_link_to_the_root_under_measures_leaves_live_reload_working() {
    let hb = TempHandbook::fixture();
    std::os::unix::fs::symlink("/", hb.path("measures/zz-root")).unwrap();
    let (catalog, _watching) = watched(hb.catalog(), hb.root());
    hb.write(
        "measures/kranj/nov-ukrep.toml",
        &simple_entry("Povezani vavčer"),
    );
    eventually("an entry saved after the start is served", || {
        title_of(&catalog, "nov-ukrep").is_some()
    });
    let health = catalog.lock().unwrap().handle().health().report();
    assert_eq!(health.watch, Watch::Events, "{health:?}");
}

#[test]
fn an_entry_saved_every_20_ms_is_published_while_the_saves_go_on() {
    let hb = TempHandbook::fixture();
    let (catalog, _watching) = watched(hb.catalog(), hb.root());
    let target = hb.path("measures/kranj/vedno-znova.toml");
    let tmp = hb.path("measures/kranj/.vedno-znova.toml.tmp");
    let seen_while_saving = Arc::new(AtomicBool::new(false));
    let saver = {
        let seen = seen_while_saving.clone();
        std::thread::spawn(move || {
            // As an editor's autosave or a script would: write aside, rename over, again and
            // again, for up to eight seconds (the saves stop as soon as one was published).
            let deadline = Instant::now() + Duration::from_secs(8);
            let mut n = 0;
            while Instant::now() < deadline && !seen.load(Ordering::SeqCst) {
                n += 1;
                fs::write(&tmp, simple_entry(&format!("Shranjeno {n}"))).unwrap();
                fs::rename(&tmp, &target).unwrap();
                std::thread::sleep(Duration::from_millis(20));
            }
            n
        })
    };
    let deadline = Instant::now() + Duration::from_secs(8);
    while Instant::now() < deadline && !saver.is_finished() {
        if title_of(&catalog, "vedno-znova").is_some_and(|t| t.starts_with("Shranjeno")) {
            seen_while_saving.store(true, Ordering::SeqCst);
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let saves = saver.join().unwrap();
    assert!(
        seen_while_saving.load(Ordering::SeqCst),
        "none of {saves} saves was published while they went on"
    );
}

#[test]
fn a_folder_with_a_dot_in_its_name_moved_in_whole_is_searchable() {
    let hb = TempHandbook::fixture();
    let (catalog, _watching) = watched(hb.catalog(), hb.root());
    // Prepared outside `measures/` and moved in: one event, for the folder alone.
    hb.write(
        "staging/nova.gorica/gorica-vavcer.toml",
        &simple_entry("Goriški vavčer"),
    );
    fs::rename(
        hb.path("staging/nova.gorica"),
        hb.path("measures/nova.gorica"),
    )
    .unwrap();
    eventually("the entry in the moved folder is served", || {
        title_of(&catalog, "gorica-vavcer").is_some()
    });
}

/// A Tantivy directory in memory whose writes fail while `full` is set, as on a full disk: a
/// new file cannot be written, nor `meta.json` replaced. The writer's lock file is created as
/// on a real full disk, where an empty file takes no space.
#[derive(Clone, Debug)]
struct FillingDisk {
    inner: RamDirectory,
    full: Arc<AtomicBool>,
}

impl FillingDisk {
    fn no_space() -> io::Error {
        io::Error::from_raw_os_error(28)
    }

    fn is_full_for(&self, path: &Path) -> bool {
        self.full.load(Ordering::SeqCst) && path.extension().is_none_or(|e| e != "lock")
    }
}

impl Directory for FillingDisk {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        if self.is_full_for(path) {
            return Err(OpenWriteError::wrap_io_error(
                FillingDisk::no_space(),
                path.to_path_buf(),
            ));
        }
        self.inner.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        if self.is_full_for(path) {
            return Err(FillingDisk::no_space());
        }
        self.inner.atomic_write(path, data)
    }
    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }
    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_that_could_not_be_written_recovers_without_a_restart() {
    let hb = TempHandbook::fixture();
    let full = Arc::new(AtomicBool::new(false));
    let disk = FillingDisk {
        inner: RamDirectory::create(),
        full: full.clone(),
    };
    let catalog = Catalog::open_in_directory(hb.root(), disk, today()).unwrap();
    let app = App::new(&catalog);
    let (catalog, _watching) = watched(catalog, hb.root());

    full.store(true, Ordering::SeqCst);
    hb.write(
        "measures/kranj/med-okvaro.toml",
        &simple_entry("Vavčer med okvaro"),
    );
    let health = catalog.lock().unwrap().handle().health();
    eventually("the failure is reported", || {
        health.report().failing.is_some()
    });
    assert!(title_of(&catalog, "med-okvaro").is_none());
    let healthz = app.get("/healthz").await.body;
    assert!(
        healthz.starts_with("ok\nlive reload degraded since ")
            && healthz.contains("the search index cannot be written"),
        "{healthz}"
    );
    let status = app.get("/status").await.body;
    assert!(status.contains("Spremembe se ne uveljavijo"), "{status}");
    // Meanwhile the last good snapshot serves.
    assert_eq!(app.json("/api/search").await["total"], FIXTURE.len());

    // Space is back: the pending change goes in on a retry, with no other save and no restart,
    // and a later save is applied as usual.
    full.store(false, Ordering::SeqCst);
    eventually("the change made during the failure is served", || {
        title_of(&catalog, "med-okvaro").is_some()
    });
    hb.write(
        "measures/kranj/po-okvari.toml",
        &simple_entry("Vavčer po okvari"),
    );
    eventually("a later change is served", || {
        title_of(&catalog, "po-okvari").is_some()
    });
    let report = health.report();
    assert!(!report.degraded(), "{report:?}");
    // In the index too, not only in the snapshot's entries.
    let found = app.ids("okvari").await;
    assert!(
        found.contains(&"po-okvari".to_string()) && found.contains(&"med-okvaro".to_string()),
        "{found:?}"
    );
    assert!(!app.get("/healthz").await.body.contains("degraded"));
}

/// Opens the catalog as `handbook serve` does (from the cache, then checking the files), and
/// saves the cache as it does when it stops.
fn serve_once(hb: &TempHandbook, index: &Path, day: chrono::NaiveDate) -> Catalog {
    let (mut catalog, _) = Catalog::open_unverified(hb.root(), index, day).unwrap();
    catalog.verify(day).unwrap();
    catalog.save_cache();
    catalog
}

fn edit(catalog: &mut Catalog, path: PathBuf) {
    let changes = Changes {
        entries: [path].into(),
        ..Changes::default()
    };
    catalog.apply(&changes, today()).unwrap();
    catalog.save_cache();
}

#[test]
fn an_invalid_edit_survives_a_restart_as_the_last_good_version() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let mut catalog = serve_once(&hb, index.path(), today());
    let path = hb.path("measures/kranj/kranj-najemnine.toml");
    let good_title = catalog.handle().get().entries["kranj-najemnine"]
        .title
        .clone();
    fs::write(&path, "title = \"Pokvarjen\nsummary = ").unwrap();
    edit(&mut catalog, path.clone());
    drop(catalog);

    // The same day, and the next one (when nothing else of the cache may be trusted).
    for day in [today(), today().succ_opt().unwrap()] {
        let catalog = serve_once(&hb, index.path(), day);
        let snapshot = catalog.handle().get();
        let Lookup::Found(entry) = snapshot.lookup("kranj-najemnine") else {
            panic!("the broken entry is gone after a restart on {day}");
        };
        assert_eq!(entry.title, good_title);
        assert!(
            snapshot
                .problems
                .iter()
                .any(|d| d.is_error() && *d.file == *path),
            "the error is not reported after a restart on {day}"
        );
    }
    // Fixed, it is served as it is now.
    fs::write(&path, simple_entry("Popravljen")).unwrap();
    let catalog = serve_once(&hb, index.path(), today());
    assert_eq!(
        catalog.handle().get().entries["kranj-najemnine"].title,
        "Popravljen"
    );
}

#[test]
fn a_broken_vocabulary_at_start_serves_the_last_good_handbook_and_says_why() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    drop(serve_once(&hb, index.path(), today()));
    let vocabulary = hb.path("vocabulary.toml");
    fs::write(&vocabulary, "[municipality.kranj\nlabel = ").unwrap();

    let catalog = serve_once(&hb, index.path(), today());
    let snapshot = catalog.handle().get();
    assert_eq!(snapshot.entries.len(), FIXTURE.len());
    assert!(snapshot.vocabulary.municipality.contains_key("kranj"));
    assert!(
        snapshot
            .problems
            .iter()
            .any(|d| d.is_error() && *d.file == *vocabulary),
        "{:?}",
        snapshot.problems
    );
}

#[test]
fn a_broken_vocabulary_with_no_last_good_one_still_refuses_to_start() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    fs::write(hb.path("vocabulary.toml"), "[municipality.kranj\nlabel = ").unwrap();
    assert!(Catalog::open_unverified(hb.root(), index.path(), today()).is_err());
}

/// The user a test run as root starts the server as, so that permissions count.
const NOBODY: u32 = 65534;

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Gives the handbook and index folders to `uid`, recursively.
fn give_to(uid: u32, dir: &Path) {
    for item in walkdir::WalkDir::new(dir) {
        let item = item.unwrap();
        std::os::unix::fs::lchown(item.path(), Some(uid), Some(uid)).unwrap();
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn total(server: &Server) -> u64 {
    server.client().get("/api/search").unwrap().json()["total"]
        .as_u64()
        .unwrap()
}

#[test]
fn unreadable_folders_keep_their_entries_and_live_reload_says_it_polls() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let uid = running_as_root().then_some(NOBODY);
    if let Some(uid) = uid {
        give_to(uid, hb.root());
        give_to(uid, index.path());
        // The temporary folders above are root's alone.
        set_mode(hb.root(), 0o755);
        set_mode(index.path(), 0o755);
    }
    let kranj = hb.path("measures/kranj");
    let measures = hb.path("measures");
    let restore = || {
        set_mode(&kranj, 0o755);
        set_mode(&measures, 0o755);
    };
    let outcome = std::panic::catch_unwind(|| {
        let mut server = Server::spawn_as(hb.root(), index.path(), &[], uid);
        server.wait_ready(Duration::from_secs(20));
        let all = FIXTURE.len() as u64;
        assert_eq!(total(&server), all);

        set_mode(&kranj, 0o000);
        eventually("the unreadable folder is reported", || {
            let status = server.client().get("/status").unwrap().body;
            status.contains("[unreadable]") && status.contains("measures/kranj")
        });
        assert_eq!(total(&server), all, "an unreadable folder emptied its part");
        set_mode(&measures, 0o000);
        eventually("the unreadable measures folder is reported", || {
            let status = server.client().get("/status").unwrap().body;
            status.contains("[unreadable]") && status.contains("<code>measures</code>")
        });
        assert_eq!(
            total(&server),
            all,
            "an unreadable measures/ emptied the handbook"
        );
        set_mode(&measures, 0o755);
        server.stop();

        // A start with a folder that cannot be read (or watched): its entries from the last
        // run, polling for the rest, and both said.
        let mut server = Server::spawn_as(hb.root(), index.path(), &[], uid);
        server.wait_ready(Duration::from_secs(20));
        assert_eq!(total(&server), all);
        // The watch is set up just after the server begins to answer.
        eventually("/healthz says live reload is degraded", || {
            let healthz = server.client().get("/healthz").unwrap().body;
            healthz.contains("live reload degraded since")
        });
        hb.write(
            "measures/piran/nov-piran.toml",
            &simple_entry("Piranski vavčer"),
        );
        if let Some(uid) = uid {
            give_to(uid, &hb.path("measures/piran"));
        }
        eventually("an edit elsewhere is still seen", || {
            total(&server) == all + 1
        });
        server.stop();
    });
    restore();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}
