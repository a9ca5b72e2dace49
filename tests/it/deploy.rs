//! Running the server in production, from outside, as an operator and a load balancer see it:
//! the configuration resolved from flags, `HANDBOOK_*` variables, `handbook.toml` and defaults
//! (`handbook config`), `/readyz` before and after the handbook is open, `/metrics` in the
//! Prometheus text format with counters that move, the `X-Handbook-Version` replicas agree on,
//! and `X-Forwarded-For` believed from trusted proxies only. Every server is the real binary on
//! 127.0.0.1, killed and reaped on drop.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::TempHandbook;
use crate::common::server::Server;

const WAIT: Duration = Duration::from_secs(60);

/// `handbook config` run in `dir` with exactly the `HANDBOOK_*` variables of `env`.
fn config_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_handbook"));
    command.arg("config").args(args).current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("HANDBOOK_") {
            command.env_remove(name);
        }
    }
    command.envs(env.iter().copied()).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The line of `handbook config` for `key`.
fn line_of(text: &str, key: &str) -> String {
    text.lines()
        .find(|l| l.starts_with(&format!("{key} = ")) || l.starts_with(&format!("# {key} ")))
        .unwrap_or_else(|| panic!("no {key} in:\n{text}"))
        .to_string()
}

#[test]
fn a_flag_beats_the_environment_which_beats_handbook_toml_which_beats_the_default() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("handbook.toml"),
        "addr = \"127.0.0.1:3003\"\nbase_url = \"https://file.example\"\n",
    )
    .unwrap();
    let env = [("HANDBOOK_ADDR", "127.0.0.1:3002")];
    let all = stdout(&config_in(dir.path(), &["--addr", "127.0.0.1:3001"], &env));
    assert!(
        line_of(&all, "addr").starts_with("addr = \"127.0.0.1:3001\"  # flag --addr"),
        "{all}"
    );
    assert!(
        line_of(&all, "base_url").contains("# file handbook.toml"),
        "{all}"
    );
    let no_flag = stdout(&config_in(dir.path(), &[], &env));
    assert!(
        line_of(&no_flag, "addr").contains("\"127.0.0.1:3002\"  # environment HANDBOOK_ADDR"),
        "{no_flag}"
    );
    let file_only = stdout(&config_in(dir.path(), &[], &[]));
    assert!(
        line_of(&file_only, "addr").contains("\"127.0.0.1:3003\"  # file handbook.toml"),
        "{file_only}"
    );
    fs::remove_file(dir.path().join("handbook.toml")).unwrap();
    let nothing = stdout(&config_in(dir.path(), &[], &[]));
    assert!(
        line_of(&nothing, "addr").contains("\"127.0.0.1:3000\"  # default"),
        "{nothing}"
    );
    assert!(
        line_of(&nothing, "base_url").contains("is not set"),
        "{nothing}"
    );
}

#[test]
fn an_unknown_key_in_handbook_toml_stops_the_start_naming_the_key_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("handbook.toml"),
        "adress = \"0.0.0.0:80\"\n",
    )
    .unwrap();
    let out = config_in(dir.path(), &[], &[]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("unknown field `adress`"), "{err}");
    assert!(err.contains("handbook.toml"), "{err}");
    // `serve` resolves the same way, so it refuses to start rather than listen elsewhere.
    let served = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .arg("serve")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(served.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&served.stderr).contains("adress"));
}

#[test]
fn the_alerts_commands_use_the_data_folder_of_handbook_toml_as_the_server_does() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("handbook.toml"), "data = \"state/data\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["alerts", "list"])
        .current_dir(dir.path())
        .env_remove("HANDBOOK_DATA")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("state/data/alerts.sqlite3").is_file());
    assert!(!dir.path().join("data").exists());
}

#[test]
fn handbook_config_shows_that_the_smtp_password_is_set_but_never_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let out = config_in(
        dir.path(),
        &[],
        &[
            ("HANDBOOK_SMTP_USERNAME", "obvestila"),
            ("HANDBOOK_SMTP_PASSWORD", "geslo-ki-ne-sme-ven"),
        ],
    );
    let text = stdout(&out);
    assert!(out.status.success(), "{text}");
    assert!(!text.contains("geslo-ki-ne-sme-ven"), "{text}");
    assert!(
        line_of(&text, "smtp_password").contains("\"********\""),
        "{text}"
    );
}

#[test]
fn readyz_is_503_while_the_handbook_loads_and_200_once_it_serves() {
    // The shipped handbook without an index: the server builds one before it is ready, which
    // takes a good part of a second in a debug build, while it already listens.
    let copy = tempfile::tempdir().unwrap();
    copy_dir(Path::new("handbook"), copy.path());
    let index = tempfile::tempdir().unwrap();
    let mut server = Server::spawn(copy.path(), &index.path().join("index"), &["--no-watch"]);
    let addr = server.wait_listening(WAIT);
    let mut client = crate::common::server::Client::connect(addr);
    let first = client.get("/readyz").unwrap();
    assert_eq!(first.status, 503, "{}", first.body);
    assert_eq!(
        client.get("/healthz").unwrap().status,
        200,
        "alive while loading"
    );
    assert_eq!(client.get("/api/search?q=najemnine").unwrap().status, 503);
    server.wait_ready(WAIT);
    let deadline = Instant::now() + WAIT;
    loop {
        let reply = client.get("/readyz").unwrap();
        if reply.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "never ready: {}", reply.status);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(client.get("/api/search?q=najemnine").unwrap().status, 200);
}

#[test]
fn after_sigterm_a_draining_server_is_not_ready_but_still_answers_then_exits_cleanly() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let mut server = Server::start(
        hb.root(),
        index.path(),
        &["--no-watch", "--drain-secs", "3"],
        WAIT,
    );
    let mut client = server.client();
    assert_eq!(client.get("/readyz").unwrap().status, 200);
    server.sigterm();
    let deadline = Instant::now() + Duration::from_secs(2);
    while client.get("/readyz").unwrap().status != 503 {
        assert!(Instant::now() < deadline, "still ready 2 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    }
    // New connections too, not only the open one.
    let reply = server.client().get("/api/search?q=najemnine").unwrap();
    assert_eq!(reply.status, 200, "searches are served during the drain");
    let status = server
        .wait_exit(Duration::from_secs(20))
        .expect("did not stop after the drain");
    assert!(status.success(), "{status:?}");
}

/// Checks the exposition format line by line: every family has `# HELP` and `# TYPE`, every
/// other line is `name{label="value",...} number` of a declared family. Returns the samples.
fn parse_metrics(text: &str) -> Vec<(String, f64)> {
    let mut typed = std::collections::BTreeSet::new();
    let mut helped = std::collections::BTreeSet::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# ") {
            let mut words = rest.split_whitespace();
            match (words.next(), words.next()) {
                (Some("TYPE"), Some(name)) => {
                    typed.insert(name.to_string());
                }
                (Some("HELP"), Some(name)) => {
                    helped.insert(name.to_string());
                }
                _ => {}
            }
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("{line:?}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            v => v
                .parse()
                .unwrap_or_else(|_| panic!("not a number in {line:?}")),
        };
        let name = series.split('{').next().unwrap();
        assert!(
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':'),
            "bad name in {line:?}"
        );
        let labels = &series[name.len()..];
        if !labels.is_empty() {
            assert!(
                labels.starts_with('{') && labels.ends_with('}'),
                "bad labels in {line:?}"
            );
            for pair in labels[1..labels.len() - 1].split("\",") {
                let (key, value) = pair.split_once('=').unwrap_or_else(|| panic!("{line:?}"));
                assert!(!key.is_empty() && value.starts_with('"'), "{line:?}");
            }
        }
        let family = typed
            .iter()
            .find(|f| {
                name == f.as_str()
                    || name
                        .strip_prefix(f.as_str())
                        .is_some_and(|s| s.starts_with('_'))
            })
            .unwrap_or_else(|| panic!("{name} has no # TYPE before it"));
        assert!(helped.contains(family), "{family} has no # HELP");
        samples.push((series.to_string(), value));
    }
    assert!(!samples.is_empty());
    samples
}

fn sample(samples: &[(String, f64)], series: &str) -> f64 {
    samples
        .iter()
        .find(|(s, _)| s == series)
        .map_or(0.0, |(_, v)| *v)
}

#[test]
fn metrics_parse_as_prometheus_text_and_the_request_counter_moves_with_traffic() {
    let hb = TempHandbook::fixture();
    let index = tempfile::tempdir().unwrap();
    let server = Server::start(hb.root(), index.path(), &["--no-watch"], WAIT);
    let mut client = server.client();
    let reply = client.get("/metrics").unwrap();
    assert_eq!(reply.status, 200);
    assert!(reply.header("content-type").unwrap().contains("text"));
    let before = parse_metrics(&reply.body);
    let series = r#"handbook_http_requests_total{method="GET",route="/api/search",status="200"}"#;
    let misses = r#"handbook_answer_cache_lookups_total{result="miss"}"#;
    let hits = r#"handbook_answer_cache_lookups_total{result="hit"}"#;
    for _ in 0..3 {
        assert_eq!(client.get("/api/search?q=najemnine").unwrap().status, 200);
    }
    assert_eq!(client.get("/measures/no-such-measure").unwrap().status, 404);
    let after = parse_metrics(&client.get("/metrics").unwrap().body);
    assert_eq!(sample(&after, series) - sample(&before, series), 3.0);
    assert_eq!(sample(&after, misses) - sample(&before, misses), 1.0);
    assert_eq!(sample(&after, hits) - sample(&before, hits), 2.0);
    let not_found =
        r#"handbook_http_requests_total{method="GET",route="/measures/{id}",status="404"}"#;
    assert_eq!(sample(&after, not_found), 1.0, "by template, not by path");
    assert_eq!(sample(&after, "handbook_ready"), 1.0);
    assert!(sample(&after, "handbook_entries") > 0.0);
    assert!(sample(&after, "handbook_last_reload_timestamp_seconds") > 1.7e9);
    let latency = r#"handbook_http_request_duration_seconds_count{route="/api/search"}"#;
    assert_eq!(sample(&after, latency), 3.0);
}

#[test]
fn two_servers_on_the_same_handbook_send_the_same_version_which_changes_after_an_edit() {
    let (a, b) = (TempHandbook::fixture(), TempHandbook::fixture());
    let (ia, ib) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let one = Server::start(a.root(), ia.path(), &[], WAIT);
    let two = Server::start(b.root(), ib.path(), &["--no-watch"], WAIT);
    let version = |server: &Server, target: &str| {
        let reply = server.client().get(target).unwrap();
        reply
            .header("x-handbook-version")
            .unwrap_or_else(|| panic!("no X-Handbook-Version on {target}"))
            .to_string()
    };
    let first = version(&one, "/healthz");
    assert_eq!(first.len(), 12);
    assert_eq!(first, version(&two, "/api/search?q=najemnine"));
    assert_eq!(first, version(&one, "/no/such/page"), "on errors too");
    // An edit, picked up by live reload on the first server only.
    let path = a.path("measures/kranj/kranj-najemnine.toml");
    let text = fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "the fixture has no {}; files: {:?}",
            path.display(),
            walk(a.root())
        )
    });
    fs::write(&path, text.replacen("title = \"", "title = \"Nova ", 1)).unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while version(&one, "/healthz") == first {
        assert!(
            Instant::now() < deadline,
            "the version did not change after an edit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        version(&two, "/healthz"),
        first,
        "the other replica still has the old one"
    );
}

#[test]
fn forwarded_for_is_believed_from_a_trusted_proxy_and_ignored_from_anyone_else() {
    let hb = TempHandbook::fixture();
    let logged_client = |trusted: &str| {
        let index = tempfile::tempdir().unwrap();
        let server = Server::spawn_env(
            hb.root(),
            index.path(),
            &[
                "--no-watch",
                "--log-format",
                "json",
                "--trusted-proxies",
                trusted,
            ],
            &[("RUST_LOG", "warn,handbook::access=info")],
        );
        let mut server = server;
        server.wait_ready(WAIT);
        let reply = server
            .client()
            .get_with("/healthz?probe=1", &[("X-Forwarded-For", "203.0.113.9")])
            .unwrap();
        assert_eq!(reply.status, 200);
        let log = server.log_with("probe=1");
        let line = log
            .lines()
            .find(|l| l.contains("probe=1"))
            .unwrap_or_else(|| panic!("no access line in:\n{log}"));
        let json: serde_json::Value = serde_json::from_str(line).unwrap();
        json["client"].as_str().unwrap_or_default().to_string()
    };
    assert_eq!(logged_client("10.0.0.0/8"), "127.0.0.1");
    assert_eq!(logged_client("127.0.0.1"), "203.0.113.9");
}

fn walk(root: &Path) -> Vec<String> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}
