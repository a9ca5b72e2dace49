//! The index on disk survives the real server being killed (SIGKILL) at any moment of building
//! it, parts of it being deleted between runs, and its files being truncated, overwritten with
//! garbage or lost: the next start serves the whole handbook, never a stale or partial index,
//! and says in its log that it rebuilt the index and why. Every child process is killed and
//! reaped, every wait is bounded, and only 127.0.0.1 is spoken to.

use std::collections::BTreeSet;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::common::server::{Client, Server};
use handbook::handbook::folder::Handbook;

/// Long enough for a debug build on a busy two-core machine; a hang fails instead of stalling CI.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Returns at once, so a round can kill the server in the middle of its start. Nothing changes
/// the handbook while it runs, so it need not watch it.
fn start(handbook: &Path, index: &Path) -> Server {
    Server::spawn(handbook, index, &["--no-watch"])
}

/// Something done to an index folder between two runs.
type Damage = fn(&Path);

/// A moment of a start, at which a round kills the server.
#[derive(Debug, Clone, Copy)]
enum Moment {
    /// Right after it was started.
    Start,
    /// This long after it began a new index: a fresh meta.json, which comes right after it
    /// read the handbook and cleared the old index.
    Building(Duration),
    /// As soon as postings are on disk: they are written only by the commit, so this lands in
    /// or right after the writing of the segment files.
    Committing,
}

impl Server {
    /// Waits for `moment` of the build in `index`; false if the server served (or stopped)
    /// before it came.
    fn reach(&mut self, index: &Path, moment: Moment) -> bool {
        let (after, done): (Duration, fn(&Path, SystemTime) -> bool) = match moment {
            Moment::Start => return !self.is_ready(),
            Moment::Building(after) => (after, |i, since| fresh(&i.join("meta.json"), since)),
            Moment::Committing => (Duration::ZERO, |i, since| {
                // The old segments were wiped before the fresh meta.json was written.
                fresh(&i.join("meta.json"), since)
                    && segment_files(i).iter().any(|p| {
                        p.extension().is_some_and(|e| e == "idx")
                            && fs::metadata(p).is_ok_and(|m| m.len() > 0)
                    })
            }),
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        while !done(index, self.started_at()) {
            if self.has_exited() || self.is_ready() {
                return false;
            }
            assert!(
                Instant::now() < deadline,
                "{moment:?} not reached after {READY_TIMEOUT:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(after);
        !self.is_ready()
    }
}

/// Was `path` written since `since`?
fn fresh(path: &Path, since: SystemTime) -> bool {
    fs::metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since)
}

fn json(client: &mut Client, path: &str) -> serde_json::Value {
    let reply = client.get(path).unwrap();
    assert_eq!(reply.status, 200, "{path}: {}", reply.body);
    reply.json()
}

/// A generated handbook of `n` entries over the shipped vocabulary, and its valid entry ids.
fn corpus(dir: &Path, n: usize) -> BTreeSet<String> {
    let vocabulary = Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml");
    handbook::corpus::write(dir, &vocabulary, n, 7).unwrap();
    valid_ids(dir)
}

fn valid_ids(dir: &Path) -> BTreeSet<String> {
    Handbook::load(dir, handbook::today())
        .unwrap()
        .resolve()
        .entries
        .into_keys()
        .collect()
}

/// Serves every one of `ids`: the search total, and a sample looked up one by one.
fn assert_serves(addr: SocketAddr, ids: &BTreeSet<String>) {
    let mut client = Client::connect(addr);
    // A start serves what the handbook cache holds at once and checks the files a moment
    // later, as it would an edit: wait (boundedly) for that check, not for a speed.
    let deadline = Instant::now() + READY_TIMEOUT;
    let mut v = json(&mut client, "/api/search?per_page=100");
    while v["total"] != ids.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        v = json(&mut client, "/api/search?per_page=100");
    }
    assert_eq!(v["total"], ids.len(), "search total");
    let sample = ids.iter().step_by((ids.len() / 5).max(1)).chain(ids.last());
    for id in sample {
        let v = json(&mut client, &format!("/api/measures/{id}"));
        assert_eq!(v["id"], id.as_str());
    }
    let reply = client.get("/api/measures/ni-takega-ukrepa").unwrap();
    assert_eq!(reply.status, 404);
}

/// The index's files that Tantivy wrote for segments (not meta.json, not lock files).
fn segment_files(index: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.len() > 33 && !name.starts_with('.') && p.is_file()
        })
        .collect();
    files.sort();
    files
}

/// The reason of the log's "rebuilt the index" line.
fn rebuilt_because(log: &str) -> String {
    let line = log
        .lines()
        .find(|l| l.contains("rebuilt the index"))
        .unwrap_or_else(|| panic!("no \"rebuilt the index\" in the log:\n{log}"));
    line.split_once("why=")
        .unwrap_or_else(|| panic!("no reason in {line:?}"))
        .1
        .trim()
        .to_string()
}

/// The folder holds the segments meta.json lists, Tantivy's bookkeeping and the handbook cache,
/// nothing that earlier, killed builds left behind.
fn assert_holds_only_the_live_index(index: &Path) {
    let meta: serde_json::Value =
        serde_json::from_slice(&fs::read(index.join("meta.json")).unwrap()).unwrap();
    let live: BTreeSet<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    for e in fs::read_dir(index).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        let segment = name.split('.').next().unwrap();
        let bookkeeping = matches!(
            name.as_str(),
            "meta.json"
                | ".managed.json"
                | ".tantivy-meta.lock"
                | ".tantivy-writer.lock"
                | "handbook.cache"
                | "handbook.cache.tmp"
        );
        assert!(
            bookkeeping || live.contains(segment),
            "{name} left in the index folder (live segments: {live:?})"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

#[test]
fn a_server_killed_while_building_the_index_serves_the_whole_handbook_after_a_restart() {
    let hb = tempfile::tempdir().unwrap();
    let index = tempfile::tempdir().unwrap();
    // Large enough that a build lasts well past the last moment a round waits for (400 ms) on
    // a fast machine: at 2,000 entries builds often ended before it, and the round proved nothing.
    const ENTRIES: usize = 6000;
    let ids = corpus(hb.path(), ENTRIES);
    assert_eq!(ids.len(), ENTRIES);

    // Each round first damages what the last one left, so the server must build again, and is
    // then killed at one moment of that build: while it still reads the handbook, 0, 150 and
    // 400 ms into writing the index, and as its commit writes the postings.
    let rounds: [(&str, Damage, Moment); 5] = [
        ("nothing (no index yet)", |_| {}, Moment::Start),
        (
            "meta.json deleted",
            |i| {
                let _ = fs::remove_file(i.join("meta.json"));
            },
            Moment::Building(Duration::ZERO),
        ),
        (
            "meta.json cut short",
            |i| {
                if let Ok(meta) = fs::read(i.join("meta.json")) {
                    fs::write(i.join("meta.json"), &meta[..meta.len() / 2]).unwrap();
                }
            },
            Moment::Building(Duration::from_millis(150)),
        ),
        (
            ".managed.json deleted",
            |i| {
                let _ = fs::remove_file(i.join(".managed.json"));
            },
            Moment::Building(Duration::from_millis(400)),
        ),
        (
            "the segment files left deleted and meta.json garbled",
            |i| {
                for p in segment_files(i) {
                    let _ = fs::remove_file(p);
                }
                let _ = fs::write(i.join("meta.json"), "{\"segments\": [");
            },
            Moment::Committing,
        ),
    ];
    let mut killed_in_time = 0;
    for (damaged, damage, moment) in rounds {
        damage(index.path());
        let mut server = start(hb.path(), index.path());
        let reached = server.reach(index.path(), moment);
        server.kill();
        killed_in_time += usize::from(reached);
        eprintln!(
            "damaged: {damaged}; killed at {moment:?}{}; left: {:?}",
            if reached {
                ""
            } else {
                " (too late: it served)"
            },
            fs::read_dir(index.path())
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect::<Vec<_>>()
        );
    }
    // Otherwise the rounds proved nothing about a crash in the middle of a build.
    assert!(killed_in_time >= 4, "{killed_in_time}");

    // A handbook changed since the crashes: an index left by them must not be served as is.
    let extra = hb.path().join("measures/kranj/po-nesreci.toml");
    fs::write(
        &extra,
        fs::read_to_string(
            Handbook::load(hb.path(), handbook::today())
                .unwrap()
                .resolve()
                .paths
                .values()
                .next()
                .unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    let ids = valid_ids(hb.path());
    assert!(ids.len() == ENTRIES + 1 && ids.contains("po-nesreci"));

    // What a kill in the middle of replacing meta.json leaves: its temporary file.
    fs::write(index.path().join(".tmpAb12Cd"), "{\"segments\": [").unwrap();
    let mut server = start(hb.path(), index.path());
    let addr = server.wait_ready(READY_TIMEOUT);
    assert_serves(addr, &ids);
    assert!(
        server
            .log_with("rebuilt the index")
            .contains("rebuilt the index"),
        "{}",
        server.log()
    );
    assert_holds_only_the_live_index(index.path());
    // Stopped as an operator would, so it saves the handbook cache after bringing in the new
    // file; killed before that, the next start would rightly rebuild.
    server.stop();

    // And once more without any change: the index the last run built is whole and reused.
    let mut server = start(hb.path(), index.path());
    let addr = server.wait_ready(READY_TIMEOUT);
    assert_serves(addr, &ids);
    assert!(
        server
            .log_with("reusing the index")
            .contains("reusing the index"),
        "{}",
        server.log()
    );
}

#[test]
fn a_truncated_garbled_or_lost_index_is_rebuilt_with_the_reason_in_the_log() {
    let hb = tempfile::tempdir().unwrap();
    let ids = corpus(hb.path(), 300);
    let good = tempfile::tempdir().unwrap();
    let mut server = start(hb.path(), good.path());
    server.wait_ready(READY_TIMEOUT);
    server.kill();
    assert!(!segment_files(good.path()).is_empty());

    let cases: [(&str, Damage, &str); 5] = [
        (
            "truncated segment files",
            |i| {
                for p in segment_files(i) {
                    let len = fs::metadata(&p).unwrap().len();
                    fs::OpenOptions::new()
                        .write(true)
                        .open(&p)
                        .unwrap()
                        .set_len(len / 3)
                        .unwrap();
                }
            },
            "",
        ),
        (
            "garbage in the segment files",
            |i| {
                for p in segment_files(i) {
                    let len = fs::metadata(&p).unwrap().len() as usize;
                    fs::write(&p, vec![0x5a; len]).unwrap();
                }
            },
            "",
        ),
        (
            "meta.json deleted",
            |i| fs::remove_file(i.join("meta.json")).unwrap(),
            "its meta.json was missing",
        ),
        (
            "garbage meta.json",
            |i| fs::write(i.join("meta.json"), b"\0\xffnot json at all{{").unwrap(),
            "it could not be opened",
        ),
        (
            // Tantivy's own check reads only the files `.managed.json` lists; with it gone, a
            // damaged segment must still be caught.
            ".managed.json deleted and one segment file garbled",
            |i| {
                fs::remove_file(i.join(".managed.json")).unwrap();
                let files = segment_files(i);
                let p = files
                    .iter()
                    .find(|p| p.extension().is_some_and(|e| e == "store"))
                    .unwrap_or(&files[0]);
                let mut bytes = fs::read(p).unwrap();
                let middle = bytes.len() / 2;
                for b in &mut bytes[middle.saturating_sub(8)..middle] {
                    *b ^= 0xff;
                }
                fs::write(p, bytes).unwrap();
            },
            // Which of the two depends on what the flipped bytes were (a checksum, or text
            // the check decodes first); either way the damage is named.
            "of its files are corrupt|its files could not be checked",
        ),
    ];
    for (what, damage, reason) in cases {
        let index = tempfile::tempdir().unwrap();
        copy_dir(good.path(), index.path());
        damage(index.path());
        let mut server = start(hb.path(), index.path());
        let addr = server.wait_ready(READY_TIMEOUT);
        assert_serves(addr, &ids);
        let why = rebuilt_because(&server.log_with("rebuilt the index"));
        assert!(
            !why.is_empty() && reason.split('|').any(|r| why.contains(r)),
            "{what}: rebuilt because {why:?}, expected {reason:?}"
        );
        eprintln!("{what}: rebuilt because {why}");
    }
}
