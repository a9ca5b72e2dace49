//! The site in a real browser: the shipped handbook served by the real binary, and Debian's
//! headless chromium driven by `tests/browser/run.mjs` (playwright-core and axe-core from npm).
//! Every page type must pass axe-core's WCAG 2.0/2.1 A and AA rules, and the journeys a person
//! takes must work: instant search, facets, sharing, comparing, switching language, keyboard
//! only, a 360 px phone, printing and no JavaScript. Screenshots of each page and step land in
//! `target/browser-screenshots/`. Without node, chromium or `tests/browser/node_modules` the
//! test is skipped with a loud message, except under CI (`CI` set), where it fails.

#[path = "it/common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::Server;

const CHROMIUM: &str = "/usr/bin/chromium";
/// The whole browser run; the script bounds each of its waits far below this.
const NODE_TIMEOUT: Duration = Duration::from_secs(180);

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What the browser run needs that is not part of the build, if anything is missing.
fn missing_tools() -> Vec<String> {
    let mut missing = Vec::new();
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !matches!(node, Ok(s) if s.success()) {
        missing.push("node (Node.js 20 or later)".to_string());
    }
    if !Path::new(CHROMIUM).exists() {
        missing.push(CHROMIUM.to_string());
    }
    let modules = project().join("tests/browser/node_modules");
    for package in ["playwright-core", "axe-core"] {
        if !modules.join(package).join("package.json").exists() {
            missing.push(format!("tests/browser/node_modules/{package}"));
        }
    }
    missing
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs `node run.mjs base shots`, killed after `NODE_TIMEOUT`; its exit success and output.
fn run_browser_checks(base: &str, shots: &Path) -> (bool, String) {
    let mut child = Command::new("node")
        .arg(project().join("tests/browser/run.mjs"))
        .arg(base)
        .arg(shots)
        .current_dir(project().join("tests/browser"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a run that overstays is ended with its chromium.
        .process_group(0)
        .spawn()
        .expect("start node");
    // Both pipes drained on their own threads, so a chatty run never blocks on a full pipe.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut out = String::new();
            let _ = pipe.read_to_string(&mut out);
            out
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let deadline = Instant::now() + NODE_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut output = stdout.join().unwrap_or_default();
    let errors = stderr.join().unwrap_or_default();
    if !errors.trim().is_empty() {
        output.push_str("\n--- stderr ---\n");
        output.push_str(&errors);
    }
    match status {
        Some(status) => (status.success(), output),
        None => {
            output.push_str(&format!(
                "\nthe browser run was killed after {NODE_TIMEOUT:?}\n"
            ));
            (false, output)
        }
    }
}

#[test]
fn every_page_passes_axe_and_the_main_journeys_work_in_chromium() {
    let missing = missing_tools();
    if !missing.is_empty() {
        let how = "run `npm ci --prefix tests/browser` and `apt-get install chromium`";
        if std::env::var_os("CI").is_some() {
            panic!(
                "the browser tests cannot run, missing: {}; CI must have them ({how}, as .ci/run does)",
                missing.join(", ")
            );
        }
        // Straight to stderr: libtest would swallow eprintln! of a test that passes.
        let _ = writeln!(
            std::io::stderr(),
            "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
             !!! skipped: the browser tests need {}\n\
             !!! {how}\n\
             !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
            missing.join(", ")
        );
        return;
    }

    // The shipped handbook, copied: the server's watcher and cache never touch the work tree.
    let work = tempfile::tempdir().unwrap();
    let handbook = work.path().join("handbook");
    copy_dir(&project().join("handbook"), &handbook);
    let index = work.path().join("index");
    let server = Server::start(&handbook, &index, &[], Duration::from_secs(120));
    let base = format!("http://{}", server.addr);

    let shots: PathBuf = project().join("target/browser-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();

    let (passed, output) = run_browser_checks(&base, &shots);
    println!("{output}");
    assert!(
        passed,
        "the browser checks failed (output above); the server's log:\n{}",
        server.log()
    );
    // The run must have looked at the pages, not only started.
    let taken = std::fs::read_dir(&shots).unwrap().count();
    assert!(
        taken >= 9,
        "only {taken} screenshots in {}",
        shots.display()
    );
}
