//! What history costs on a generated repository (figures in docs/history.md):
//!
//!     cargo run --release --example gen_corpus -- 10000 /tmp/corpus-10k
//!     python3 scripts/history_repo.py /tmp/corpus-10k 2000 /tmp/history-10k
//!     cargo run --release --example history_cost -- /tmp/history-10k/handbook [SAMPLES]
//!
//! Measures a full read of the history on its own, then the server's way: history read in
//! the background while pages already answer, the answer time of history pages, their JSON,
//! version permalinks and `/changes` over random entries, and how long a new commit takes to
//! show (it commits with the `git` command, as an editor would).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use handbook::history::{self, HistoryHandle};
use handbook::live::catalog::Catalog;
use handbook::web::{AppState, WebConfig, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, Duration) {
    let (status, _, body, took) = get_with_history(app, uri).await;
    (status, body, took)
}

/// Also the `X-History` header: `available` once history has been read.
async fn get_with_history(app: &axum::Router, uri: &str) -> (StatusCode, String, String, Duration) {
    let started = Instant::now();
    let res = app
        .clone()
        .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let said = res
        .headers()
        .get("x-history")
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        said,
        String::from_utf8_lossy(&body).into_owned(),
        started.elapsed(),
    )
}

/// p50, p95 and the longest, in milliseconds.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
    format!(
        "p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms (n = {})",
        at(0.5),
        at(0.95),
        at(1.0),
        times.len()
    )
}

fn git(repo: &Path, args: &[&str]) {
    let ok = Command::new("git")
        .args(args)
        .current_dir(repo)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Bench")
        .env("GIT_AUTHOR_EMAIL", "bench@example.org")
        .env("GIT_COMMITTER_NAME", "Bench")
        .env("GIT_COMMITTER_EMAIL", "bench@example.org")
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(root) = args.first().map(PathBuf::from) else {
        eprintln!("usage: history_cost HANDBOOK_DIR [SAMPLES]");
        std::process::exit(2);
    };
    let samples: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(300);
    let today = handbook::today();

    let started = Instant::now();
    let (catalog, _) = Catalog::open(&root, None, today)?;
    let snapshots = catalog.handle();
    println!(
        "catalog: {} entries, opened in {:.0} ms; the process holds {:.0} MB",
        snapshots.get().entries.len(),
        ms(started.elapsed()),
        rss_mb()
    );

    let vocabulary = snapshots.get().vocabulary.clone();
    let rss = rss_mb();
    let started = Instant::now();
    let (_, index) = history::read(&root, &vocabulary)?;
    println!(
        "full read on its own: {} commits, {} versions in {:.0} ms, {:.0} MB more memory",
        index.commit_count(),
        index.version_count(),
        ms(started.elapsed()),
        rss_mb() - rss
    );
    // Entries with several versions, and a commit of each that changed it, for permalinks.
    let mut subjects: Vec<(String, String)> = index
        .recent()
        .filter(|v| v.blob.is_some())
        .map(|v| (v.id.clone(), v.commit.id.to_string()))
        .filter(|(id, _)| snapshots.get().entries.contains_key(id))
        .collect();
    subjects.sort();
    subjects.dedup_by(|a, b| a.0 == b.0);
    let step = (subjects.len() / samples).max(1);
    let subjects: Vec<(String, String)> =
        subjects.into_iter().step_by(step).take(samples).collect();
    drop(index);

    // The server's way: history read in the background while pages answer.
    let watched = snapshots.clone();
    let started = Instant::now();
    let handle = HistoryHandle::start(
        &root,
        move || watched.get().vocabulary.clone(),
        Duration::from_millis(20),
    );
    let state = AppState::new(
        snapshots.clone(),
        WebConfig {
            base_url: "http://localhost".into(),
            today: None,
            live_reload: false,
            alerts: false,
        },
    )
    .with_history(handle);
    let app = router(state);
    let (id, _) = &subjects[0];
    let (status, body, took) = get(&app, &format!("/measures/{id}/history")).await;
    println!(
        "while history is read: a history page answers {} in {:.2} ms, saying it is being read: {}",
        status.as_u16(),
        ms(took),
        body.contains("se še bere")
    );
    let (_, _, took) = get(&app, &format!("/measures/{id}")).await;
    println!(
        "while history is read: a measure page in {:.2} ms",
        ms(took)
    );
    loop {
        let (_, said, _, _) = get_with_history(&app, &format!("/api/measures/{id}/history")).await;
        if said == "available" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!(
        "history ready while serving after {:.0} ms",
        ms(started.elapsed())
    );

    for (name, path) in [
        ("history page", "/measures/{id}/history"),
        ("history JSON", "/api/measures/{id}/history"),
        ("version permalink", "/measures/{id}?version={commit}"),
        ("measure page (current version)", "/measures/{id}"),
    ] {
        let mut times = Vec::new();
        for (id, commit) in &subjects {
            let uri = path.replace("{id}", id).replace("{commit}", &commit[..10]);
            let (status, body, took) = get(&app, &uri).await;
            assert_eq!(status, StatusCode::OK, "{uri}: {body}");
            times.push(took);
        }
        println!("{name}: {}", summary(times));
    }
    let mut times = Vec::new();
    for query in [
        "",
        "?q=najemnine",
        "?municipality=kranj",
        "?type=vavcer&status=open",
    ] {
        for _ in 0..10 {
            let (status, _, took) = get(&app, &format!("/changes{query}")).await;
            assert_eq!(status, StatusCode::OK);
            times.push(took);
        }
    }
    println!(
        "/changes (all, and narrowed by a search): {}",
        summary(times)
    );

    // A new commit while serving.
    let repo = root.parent().unwrap_or(&root).to_path_buf();
    let (id, _) = &subjects[subjects.len() / 2];
    let file = snapshots.get().paths[id].clone();
    let text = std::fs::read_to_string(&file)?;
    std::fs::write(
        &file,
        format!("{text}gazette = \"Uradni list RS, št. 1/2026\"\n"),
    )?;
    let committed = Instant::now();
    git(&repo, &["commit", "-q", "-am", "Objava v Uradnem listu"]);
    println!("git commit took {:.0} ms", ms(committed.elapsed()));
    loop {
        let (_, body, _) = get(&app, &format!("/api/measures/{id}/history")).await;
        if body.contains("Objava v Uradnem listu") {
            break;
        }
        anyhow::ensure!(
            committed.elapsed() < Duration::from_secs(30),
            "the new commit did not show"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!(
        "a new commit shows {:.0} ms after `git commit` began (HEAD looked at every 20 ms; the server looks every 1 s)",
        ms(committed.elapsed())
    );
    println!("memory of the process at the end: {:.0} MB", rss_mb());
    Ok(())
}
