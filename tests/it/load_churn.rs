//! Load and churn through the real server: client threads on 127.0.0.1 run mixed searches at
//! full speed for a bounded time, first alone and then while another thread rewrites, renames,
//! deletes and breaks entries in the handbook folder. Every valid request must answer 200 (no
//! errors), and at the end search must hold exactly the folder's valid entries.
//!
//! CI runs a short version (2 s a phase over 300 entries). The long one:
//!
//!     HANDBOOK_LOAD_SECS=30 HANDBOOK_LOAD_ENTRIES=10000 \
//!         cargo test --release --test load_churn -- --nocapture
//!
//! Figures (requests, errors, p50/p99 without and with churn) print with `--nocapture`.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::common::server::{Client, Server};
use handbook::corpus::{self, Rng};
use handbook::handbook::folder::Handbook;
use handbook::handbook::vocabulary::Vocabulary;

const CLIENTS: usize = 4;
const CHURN_FILES: usize = 40;
const BROKEN: &str = "title = \"pokvarjeno\nmunicipalities = [\"ljubljana\"\n";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn shipped_vocabulary() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml")
}

/// The searches a crowd sends: the corpus's query list, alone and with filters and sorts.
fn search_targets(root: &Path) -> Vec<String> {
    let queries = fs::read_to_string(root.join("queries.txt")).unwrap();
    let filters = [
        "",
        "&status=open",
        "&region=gorenjska",
        "&region=podravska&region=savinjska",
        "&type=subvencija-najemnine",
        "&sort=deadline",
        "&page=2",
    ];
    let mut targets = Vec::new();
    for q in queries.lines() {
        let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        for f in filters {
            targets.push(format!("/api/search?q={q}{f}"));
        }
    }
    targets.push("/".into());
    targets.push("/?q=najemnina&status=open".into());
    targets
}

struct Phase {
    latencies: Vec<u32>,
    errors: Vec<String>,
}

impl Phase {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies[i]) / 1000.0
    }
}

/// `CLIENTS` threads, each on its own keep-alive connection, searching until `duration` ends.
fn drive(server: &Server, targets: &Arc<Vec<String>>, duration: Duration) -> Phase {
    let until = Instant::now() + duration;
    let threads: Vec<_> = (0..CLIENTS)
        .map(|t| {
            let (addr, targets) = (server.addr, targets.clone());
            std::thread::spawn(move || {
                let mut client = Client::connect(addr);
                let (mut latencies, mut errors) = (Vec::new(), Vec::new());
                let mut i = t * 7;
                while Instant::now() < until {
                    let target = &targets[i % targets.len()];
                    i += 1;
                    let started = Instant::now();
                    match client.get(target) {
                        Ok(r) if r.status == 200 => {
                            latencies.push(started.elapsed().as_micros() as u32);
                        }
                        Ok(r) => errors.push(format!("{target}: {} {}", r.status, r.body)),
                        Err(e) => {
                            errors.push(format!("{target}: {e}"));
                            client = Client::connect(addr);
                        }
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut phase = Phase {
        latencies: Vec::new(),
        errors: Vec::new(),
    };
    for t in threads {
        let (l, e) = t.join().unwrap();
        phase.latencies.extend(l);
        phase.errors.extend(e);
    }
    phase.latencies.sort_unstable();
    phase
}

fn churn_path(root: &Path, i: usize) -> PathBuf {
    root.join(format!("measures/churn/churn-{i:03}.toml"))
}

/// Rewrites, breaks, renames and deletes the churn files until told to stop; then gives every
/// remaining churn file a valid version, so the folder's final state is unambiguous.
fn churn(root: &Path, stop: &AtomicBool) -> [usize; 4] {
    let vocabulary = Vocabulary::parse(
        &shipped_vocabulary(),
        &fs::read_to_string(shipped_vocabulary()).unwrap(),
    )
    .unwrap();
    let mut rng = Rng::new(6);
    let mut present = [false; CHURN_FILES];
    let mut counts = [0usize; 4]; // writes, broken edits, renames, deletes
    let write = |path: &Path, content: &str, atomic: bool| {
        if atomic {
            let tmp = path.with_extension("toml.tmp");
            fs::write(&tmp, content).unwrap();
            fs::rename(&tmp, path).unwrap();
        } else {
            fs::write(path, content).unwrap();
        }
    };
    fs::create_dir_all(root.join("measures/churn")).unwrap();
    while !stop.load(Ordering::Relaxed) {
        let i = rng.below(CHURN_FILES);
        let j = rng.below(CHURN_FILES);
        let atomic = rng.chance(50);
        match (present[i], rng.below(5)) {
            (true, 0) if !present[j] => {
                fs::rename(churn_path(root, i), churn_path(root, j)).unwrap();
                present.swap(i, j);
                counts[2] += 1;
            }
            (true, 1) => {
                fs::remove_file(churn_path(root, i)).unwrap();
                present[i] = false;
                counts[3] += 1;
            }
            (_, 2) => {
                write(&churn_path(root, i), BROKEN, atomic);
                present[i] = true;
                counts[1] += 1;
            }
            _ => {
                let (_, toml) = corpus::entry(&mut rng, &vocabulary, handbook::today());
                write(&churn_path(root, i), &toml, atomic);
                present[i] = true;
                counts[0] += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(rng.below(10) as u64));
    }
    for (i, p) in present.iter().enumerate() {
        if *p {
            let (_, toml) = corpus::entry(&mut rng, &vocabulary, handbook::today());
            fs::write(churn_path(root, i), toml).unwrap();
        }
    }
    counts
}

/// Every id search serves, page by page.
fn served_ids(server: &Server) -> BTreeSet<String> {
    let mut client = server.client();
    let mut ids = BTreeSet::new();
    for page in 1.. {
        let r = client
            .get(&format!(
                "/api/search?per_page=100&page={page}&sort=updated"
            ))
            .unwrap();
        let json = r.json();
        let hits = json["hits"].as_array().unwrap();
        if hits.is_empty() {
            break;
        }
        ids.extend(hits.iter().map(|h| h["id"].as_str().unwrap().to_string()));
    }
    ids
}

#[test]
fn searches_under_load_and_churn_never_fail_and_end_equal_to_the_folder() {
    let seconds = env_or("HANDBOOK_LOAD_SECS", 2);
    let entries = env_or("HANDBOOK_LOAD_ENTRIES", 300) as usize;
    let work = tempfile::tempdir().unwrap();
    let root = work.path().join("handbook");
    corpus::write(&root, &shipped_vocabulary(), entries, 11).unwrap();
    let server = Server::start(
        &root,
        &work.path().join("index"),
        &["--no-live-reload"],
        Duration::from_secs(120),
    );
    let targets = Arc::new(search_targets(&root));

    let quiet = drive(&server, &targets, Duration::from_secs(seconds));

    let stop = Arc::new(AtomicBool::new(false));
    let churner = {
        let (root, stop) = (root.clone(), stop.clone());
        std::thread::spawn(move || churn(&root, &stop))
    };
    let busy = drive(&server, &targets, Duration::from_secs(seconds));
    stop.store(true, Ordering::Relaxed);
    let [writes, broken, renames, deletes] = churner.join().unwrap();
    let churn_ended = Instant::now();

    // The folder's valid entries, read afresh by the library: what search must hold.
    let expected: BTreeSet<String> = Handbook::load(&root, handbook::today())
        .unwrap()
        .resolve()
        .entries
        .into_keys()
        .collect();
    let deadline = churn_ended + Duration::from_secs(30);
    let mut served = served_ids(&server);
    while served != expected {
        assert!(
            Instant::now() < deadline,
            "search never settled: {} served, {} in the folder; missing {:?}, extra {:?}",
            served.len(),
            expected.len(),
            expected.difference(&served).take(5).collect::<Vec<_>>(),
            served.difference(&expected).take(5).collect::<Vec<_>>(),
        );
        std::thread::sleep(Duration::from_millis(50));
        served = served_ids(&server);
    }

    for (name, phase) in [("without churn", &quiet), ("with churn", &busy)] {
        println!(
            "{name}: {} requests in {seconds} s ({:.0}/s) over {CLIENTS} connections, errors {}, p50 {:.2} ms, p99 {:.2} ms",
            phase.latencies.len() + phase.errors.len(),
            phase.latencies.len() as f64 / seconds as f64,
            phase.errors.len(),
            phase.percentile(0.50),
            phase.percentile(0.99),
        );
    }
    println!(
        "churn: {writes} valid writes, {broken} broken edits, {renames} renames, {deletes} deletes; search equalled the folder ({} entries) {} ms after the last change",
        expected.len(),
        churn_ended.elapsed().as_millis()
    );
    assert!(
        quiet.errors.is_empty(),
        "errors: {:?}",
        &quiet.errors[..quiet.errors.len().min(5)]
    );
    assert!(
        busy.errors.is_empty(),
        "errors: {:?}",
        &busy.errors[..busy.errors.len().min(5)]
    );
    assert!(!quiet.latencies.is_empty() && !busy.latencies.is_empty());
    assert!(
        writes + broken + renames + deletes > 10,
        "the churn did too little"
    );
    assert_eq!(
        expected.len(),
        entries + served.iter().filter(|id| id.starts_with("churn-")).count()
    );
}
