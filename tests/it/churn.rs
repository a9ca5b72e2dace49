//! Churn: hundreds of rapid writes, renames, deletes and broken edits across many files while
//! searches run. Nothing crashes, no valid entry ever drops out of search between two of its
//! valid versions, and at the end search holds exactly what the folder holds. Bounded: about
//! 400 operations, then at most 20 seconds to settle. Figures: `-- --nocapture`.

use std::collections::BTreeSet;
use std::fs;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::{App, TempHandbook, simple_entry};
use handbook::corpus::Rng;
use handbook::live::watch;

const STABLE: usize = 20;
const VOLATILE: usize = 12;
const OPERATIONS: usize = 400;

fn stable(i: usize) -> String {
    format!("measures/stalni/stalni-{i:02}.toml")
}

fn volatile(i: usize) -> String {
    format!("measures/menjajoci/menjajoci-{i:02}.toml")
}

const BROKEN: &str = "title = \"pokvarjeno\nmunicipalities = [\"kranj\"\n";

async fn ids(app: &App) -> BTreeSet<String> {
    app.ids("per_page=100").await.into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_stays_whole_under_churn_and_ends_equal_to_the_folder() {
    let hb = TempHandbook::empty();
    for i in 0..STABLE {
        hb.write(
            &stable(i),
            &simple_entry(&format!("Stalni ukrep {i} različica 0")),
        );
    }
    let catalog = hb.catalog();
    let app = App::new(&catalog);
    let _watching = watch::spawn(
        hb.root(),
        Arc::new(Mutex::new(catalog)),
        crate::common::today,
    )
    .unwrap();
    let stable_ids: BTreeSet<String> = (0..STABLE).map(|i| format!("stalni-{i:02}")).collect();

    // Searches run all through the churn, checking that no stable entry is ever missing.
    let done = Arc::new(AtomicBool::new(false));
    let searches = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (router, done, searches, stable_ids) = (
            app.router.clone(),
            done.clone(),
            searches.clone(),
            stable_ids.clone(),
        );
        tokio::spawn(async move {
            let app = App { router };
            let mut missing = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let found = ids(&app).await;
                searches.fetch_add(1, Ordering::Relaxed);
                missing.extend(stable_ids.difference(&found).cloned());
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
            missing
        })
    };

    let root = hb.root().to_path_buf();
    let started = Instant::now();
    let writer = tokio::task::spawn_blocking(move || {
        let mut rng = Rng::new(2026);
        let mut present = [false; VOLATILE];
        let (mut writes, mut broken, mut renames, mut deletes) = (0, 0, 0, 0);
        for op in 0..OPERATIONS {
            let write = |rel: &str, content: &str| {
                let path = root.join(rel);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                // Half the saves are atomic (temp file + rename), as many editors do.
                if op % 2 == 0 {
                    let tmp = path.with_extension("toml.tmp");
                    fs::write(&tmp, content).unwrap();
                    fs::rename(&tmp, &path).unwrap();
                } else {
                    fs::write(&path, content).unwrap();
                }
            };
            if rng.chance(50) {
                let i = rng.below(STABLE);
                if rng.chance(30) {
                    write(&stable(i), BROKEN);
                    broken += 1;
                } else {
                    write(
                        &stable(i),
                        &simple_entry(&format!("Stalni ukrep {i} različica {op}")),
                    );
                    writes += 1;
                }
            } else {
                let i = rng.below(VOLATILE);
                let j = rng.below(VOLATILE);
                match (present[i], rng.below(4)) {
                    (true, 0) if !present[j] => {
                        fs::rename(root.join(volatile(i)), root.join(volatile(j))).unwrap();
                        present.swap(i, j);
                        renames += 1;
                    }
                    (true, 1) => {
                        fs::remove_file(root.join(volatile(i))).unwrap();
                        present[i] = false;
                        deletes += 1;
                    }
                    (_, 2) => {
                        write(&volatile(i), BROKEN);
                        present[i] = true;
                        broken += 1;
                    }
                    _ => {
                        write(
                            &volatile(i),
                            &simple_entry(&format!("Menjajoči ukrep {i} različica {op}")),
                        );
                        present[i] = true;
                        writes += 1;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(rng.below(8) as u64));
        }
        // Last, every file that exists gets a valid version, so the folder's final state is
        // fully searchable.
        for i in 0..STABLE {
            fs::write(
                root.join(stable(i)),
                simple_entry(&format!("Stalni ukrep {i} končno")),
            )
            .unwrap();
        }
        for (i, p) in present.iter().enumerate() {
            if *p {
                fs::write(
                    root.join(volatile(i)),
                    simple_entry(&format!("Menjajoči ukrep {i} končno")),
                )
                .unwrap();
            }
        }
        (writes, broken, renames, deletes)
    });
    let (writes, broken, renames, deletes) = writer.await.unwrap();
    let churn_time = started.elapsed();

    let expected: BTreeSet<String> = handbook::handbook::folder::discover(hb.root())
        .0
        .iter()
        .map(|p| handbook::handbook::folder::id_of(p))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let found = ids(&app).await;
        let titles_final = app.json("/api/search?q=koncno&per_page=100").await["total"]
            .as_u64()
            .unwrap_or(0) as usize;
        if found == expected && titles_final == expected.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "search never settled: {found:?} vs folder {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let settled = started.elapsed() - churn_time;
    done.store(true, Ordering::Relaxed);
    let missing = reader.await.unwrap();
    println!(
        "churn: {OPERATIONS} operations ({writes} valid writes, {broken} broken edits, {renames} renames, {deletes} deletes) in {:.1} s; {} searches ran meanwhile; stable entries missing from a search: {}; settled {} ms after the last write; {} entries at the end",
        churn_time.as_secs_f64(),
        searches.load(Ordering::Relaxed),
        missing.len(),
        settled.as_millis(),
        expected.len()
    );
    assert!(
        missing.is_empty(),
        "stable entries went missing: {missing:?}"
    );
    let status = app.get("/status").await;
    assert!(
        status.body.contains("Vse datoteke so veljavne"),
        "the final folder is valid"
    );
}
