//! History from git (issue 24): a copy of the fixture handbook in a real git repository (made
//! with the `git` command here; the product reads it with gix), three commits to one entry
//! moving its deadline and budget, and what the pages, the JSON, the version permalinks, the
//! changes page and feed, `handbook log` and a commit made while serving show of them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use axum::http::StatusCode;
use handbook::history::HistoryHandle;
use handbook::live::catalog::Catalog;
use handbook::web::{AppState, Limits, WebConfig, router};

use crate::common::{App, FIXTURE, VOCABULARY, eventually, fixture_entry, today};

const ID: &str = "kranj-najemnine";
const FILE: &str = "handbook/measures/kranj/kranj-najemnine.toml";

/// A repository with the handbook in its `handbook/` folder, as the project keeps it.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// The fixture handbook, committed once ("Prva objava").
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.write("handbook/vocabulary.toml", VOCABULARY);
        for (folder, id, fields) in FIXTURE {
            repo.write(
                &format!("handbook/measures/{folder}/{id}.toml"),
                &fixture_entry(fields),
            );
        }
        repo.git(&["init", "-q", "-b", "main"]);
        repo.commit("Prva objava priročnika", 1);
        repo
    }

    /// The fixture with three commits to `kranj-najemnine`: published with the deadline
    /// 30. 6. 2024, then moved to 15. 7. 2024 with a budget of 77.777 EUR, then to
    /// 31. 8. 2024 with 88.888 EUR. Returns the three commits, oldest first.
    fn with_three_versions() -> (Repo, [String; 3]) {
        let repo = Repo::new();
        let first = repo.head();
        repo.edit(FILE, |s| {
            s.replace(
                "open_until = 2024-06-30",
                "open_until = 2024-07-15\nbudget_eur = 77777",
            )
        });
        repo.commit("Podaljšan rok prijave", 2);
        let second = repo.head();
        repo.edit(FILE, |s| {
            s.replace("open_until = 2024-07-15", "open_until = 2024-08-31")
                .replace("budget_eur = 77777", "budget_eur = 88888")
        });
        repo.commit("Rok znova podaljšan, več sredstev", 3);
        let third = repo.head();
        (repo, [first, second, third])
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn handbook(&self) -> PathBuf {
        self.root().join("handbook")
    }

    fn write(&self, rel: &str, content: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    fn edit(&self, rel: &str, f: impl FnOnce(&str) -> String) {
        let path = self.root().join(rel);
        let before = std::fs::read_to_string(&path).unwrap();
        let after = f(&before);
        assert_ne!(before, after, "the edit of {rel} changed nothing");
        std::fs::write(path, after).unwrap();
    }

    /// Runs git in the repository, apart from the machine's own git configuration.
    fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.root())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ana Novak")
            .env("GIT_AUTHOR_EMAIL", "ana@example.org")
            .env("GIT_COMMITTER_NAME", "Ana Novak")
            .env("GIT_COMMITTER_EMAIL", "ana@example.org")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Commits everything, dated the `day`th of May 2024 at noon.
    fn commit(&self, message: &str, day: u32) {
        self.git(&["add", "-A"]);
        let date = format!("2024-05-{day:02}T12:00:00+02:00");
        let out = Command::new("git")
            .args(["commit", "-q", "-m", message])
            .current_dir(self.root())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ana Novak")
            .env("GIT_AUTHOR_EMAIL", "ana@example.org")
            .env("GIT_COMMITTER_NAME", "Ana Novak")
            .env("GIT_COMMITTER_EMAIL", "ana@example.org")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git commit: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// The app over this handbook, with history read in the background (HEAD looked at every
    /// 50 ms), once history has been read.
    async fn app(&self) -> App {
        let app = app_over(&self.handbook());
        ready(&app, ID).await;
        app
    }
}

/// Waits until history has been read: until then its JSON says `X-History: reading`.
async fn ready(app: &App, id: &str) {
    eventually("history has been read", || async {
        let a = app.get(&format!("/api/measures/{id}/history")).await;
        a.headers.get("x-history").is_some_and(|h| h == "available")
    })
    .await;
}

fn app_over(handbook: &Path) -> App {
    let catalog = Catalog::open(handbook, None, today()).unwrap().0;
    let vocabulary = catalog.handle();
    let history = HistoryHandle::start(
        handbook,
        move || vocabulary.get().vocabulary.clone(),
        Duration::from_millis(50),
    );
    let state = AppState::with_limits(
        catalog.handle(),
        WebConfig {
            base_url: "https://prirocnik.example".into(),
            today: Some(today()),
            live_reload: false,
            alerts: false,
        },
        Limits::default(),
    )
    .with_history(history);
    App {
        router: router(state),
    }
}

#[tokio::test]
async fn the_history_page_shows_the_old_and_the_new_deadlines_in_words() {
    let (repo, _) = Repo::with_three_versions();
    let app = repo.app().await;
    let page = app.get(&format!("/measures/{ID}/history")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for words in [
        "rok prijave: 30. 6. 2024 → 15. 7. 2024",
        "rok prijave: 15. 7. 2024 → 31. 8. 2024",
        "proračun: ni navedeno → 77.777 €",
        "proračun: 77.777 € → 88.888 €",
        "Prva objava",
        "Ana Novak",
        "Rok znova podaljšan, več sredstev",
    ] {
        assert!(
            page.body.contains(words),
            "{words} is not on the page: {}",
            page.body
        );
    }
    // Newest first.
    let newest = page.body.find("15. 7. 2024 → 31. 8. 2024").unwrap();
    let older = page.body.find("30. 6. 2024 → 15. 7. 2024").unwrap();
    assert!(newest < older);
}

#[tokio::test]
async fn the_history_json_has_every_version_newest_first_with_its_changes() {
    let (repo, [first, second, third]) = Repo::with_three_versions();
    let app = repo.app().await;
    let v = app.json(&format!("/api/measures/{ID}/history")).await;
    let versions = v.as_array().expect("a list of versions");
    let commits: Vec<&str> = versions
        .iter()
        .map(|x| x["commit"].as_str().unwrap())
        .collect();
    assert_eq!(commits, [&third, &second, &first]);
    assert_eq!(versions[0]["message"], "Rok znova podaljšan, več sredstev");
    assert_eq!(versions[0]["author"], "Ana Novak");
    assert_eq!(versions[0]["date"], "2024-05-03T12:00:00+02:00");
    assert_eq!(versions[2]["event"], "created");
    let changes = versions[0]["changes"].as_array().unwrap();
    let deadline = changes
        .iter()
        .find(|c| c["field"] == "open_until")
        .expect("the deadline changed");
    assert_eq!(deadline["before"], "2024-07-15");
    assert_eq!(deadline["after"], "2024-08-31");
    let budget = changes.iter().find(|c| c["field"] == "budget_eur").unwrap();
    assert_eq!(
        (budget["before"].as_i64(), budget["after"].as_i64()),
        (Some(77777), Some(88888))
    );
    assert_eq!(
        versions[0]["permalink"],
        format!(
            "https://prirocnik.example/measures/{ID}?version={}",
            &third[..10]
        )
    );
}

#[tokio::test]
async fn a_version_permalink_of_the_middle_commit_shows_that_versions_values() {
    let (repo, [_, second, _]) = Repo::with_three_versions();
    let app = repo.app().await;
    for abbreviation in [&second[..7], &second[..12], second.as_str()] {
        let page = app
            .get(&format!("/measures/{ID}?version={abbreviation}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{abbreviation}: {}", page.body);
        assert!(page.body.contains("15. 7. 2024"), "{}", page.body);
        assert!(page.body.contains("77.777 EUR"), "{}", page.body);
        assert!(!page.body.contains("31. 8. 2024"), "{}", page.body);
        assert!(!page.body.contains("88.888"), "{}", page.body);
        // The banner leads to the current version and to the history.
        assert!(page.body.contains("Prejšnja različica"), "{}", page.body);
        assert!(
            page.body
                .contains(&format!("href=\"/measures/{ID}/history\""))
        );
        // The citation names this version, with its permalink.
        assert!(
            page.body.contains("različica z dne 2. 5. 2024"),
            "{}",
            page.body
        );
        assert!(page.body.contains(&format!("?version={}", &second[..10])));
    }
}

#[tokio::test]
async fn an_unknown_or_malformed_version_is_a_404_page() {
    let (repo, [first, ..]) = Repo::with_three_versions();
    let app = repo.app().await;
    for version in [
        "deadbeefdeadbeef",
        "zzzzzzz",
        &first[..6],
        "",
        &"a".repeat(2000),
    ] {
        let page = app.get(&format!("/measures/{ID}?version={version}")).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{version}");
        assert!(
            page.body.contains("<html"),
            "a page, not bare text: {}",
            page.body
        );
    }
    let gone = app
        .get(&format!(
            "/measures/no-such-measure?version={}",
            &first[..7]
        ))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_current_page_and_its_json_cite_the_commit_of_the_last_change() {
    let (repo, [first, _, third]) = Repo::with_three_versions();
    let app = repo.app().await;
    let v = app.json(&format!("/api/measures/{ID}")).await;
    assert_eq!(v["version"], third.as_str());
    assert_eq!(v["uncommitted"], false);
    // An entry not changed since the first commit is that commit's version.
    let other = app.json("/api/measures/piran-fasade").await;
    assert_eq!(other["version"], first.as_str());
    let page = app.get(&format!("/measures/{ID}")).await;
    assert!(
        page.body.contains("različica z dne 3. 5. 2024"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("?version={}", &third[..10])));
    assert!(page.body.contains("Zgodovina sprememb"));
}

#[tokio::test]
async fn an_edit_not_yet_committed_shows_as_such_with_its_changes() {
    let (repo, _) = Repo::with_three_versions();
    let app = repo.app().await;
    assert!(
        !app.get(&format!("/measures/{ID}"))
            .await
            .body
            .contains("še niso shranjene")
    );
    repo.edit(FILE, |s| {
        s.replace("open_until = 2024-08-31", "open_until = 2024-09-15")
    });
    let page = app.get(&format!("/measures/{ID}")).await;
    assert!(
        page.body.contains("še niso shranjene v zgodovini"),
        "{}",
        page.body
    );
    let history = app.get(&format!("/measures/{ID}/history")).await;
    assert!(
        history.body.contains("Še ni shranjeno v zgodovini"),
        "{}",
        history.body
    );
    let v = app.json(&format!("/api/measures/{ID}")).await;
    assert_eq!(v["uncommitted"], true);
    assert!(v["version"].is_null());
}

#[tokio::test]
async fn the_changes_page_and_feed_name_the_entry_and_a_search_narrows_them() {
    let (repo, [.., third]) = Repo::with_three_versions();
    let app = repo.app().await;
    let page = app.get("/changes").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Subvencije najemnin v starem Kranju"),
        "{}",
        page.body
    );
    assert!(page.body.contains("rok prijave: 15. 7. 2024 → 31. 8. 2024"));

    let feed = app.get("/changes.atom").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(
        feed.headers[axum::http::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let doc = roxmltree::Document::parse(&feed.body).expect("well-formed XML");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title"))?.text())
        .collect();
    assert!(
        titles[0].starts_with("Subvencije najemnin v starem Kranju: rok prijave"),
        "{titles:?}"
    );
    assert!(feed.body.contains(&format!("?version={}", &third[..10])));

    // Narrowed to Piran, the changes are Piran's only.
    let piran = app.get("/changes?municipality=piran").await;
    assert!(
        piran.body.contains("Obnova fasad v Piranu"),
        "{}",
        piran.body
    );
    assert!(!piran.body.contains("Subvencije najemnin v starem Kranju"));
    let piran = app.get("/changes.atom?q=fasade+piran").await;
    assert!(!piran.body.contains("Subvencije najemnin v starem Kranju"));
}

#[tokio::test]
async fn a_commit_made_while_serving_shows_up_within_seconds() {
    let (repo, _) = Repo::with_three_versions();
    let app = repo.app().await;
    repo.edit(FILE, |s| {
        s.replace("open_until = 2024-08-31", "open_until = 2024-09-30")
    });
    repo.commit("Še en podaljšan rok", 4);
    let fourth = repo.head();
    eventually("the fourth commit is in the history", || async {
        let v = app.json(&format!("/api/measures/{ID}/history")).await;
        v[0]["commit"] == fourth.as_str()
    })
    .await;
    let v = app.json(&format!("/api/measures/{ID}/history")).await;
    assert_eq!(v.as_array().unwrap().len(), 4);
    let page = app.get(&format!("/measures/{ID}/history")).await;
    assert!(page.body.contains("rok prijave: 31. 8. 2024 → 30. 9. 2024"));
}

#[tokio::test]
async fn a_renamed_entry_keeps_its_history_under_the_new_id() {
    let (repo, [first, ..]) = Repo::with_three_versions();
    let content = std::fs::read_to_string(repo.root().join(FILE)).unwrap();
    std::fs::remove_file(repo.root().join(FILE)).unwrap();
    repo.write(
        "handbook/measures/kranj/kranj-najemnine-jedro.toml",
        &content.replace(
            "aliases = [\"stari-kranj\"]",
            "aliases = [\"stari-kranj\", \"kranj-najemnine\"]",
        ),
    );
    repo.commit("Nov naslov ukrepa", 4);
    let app = app_over(&repo.handbook());
    ready(&app, "kranj-najemnine-jedro").await;
    let v = app
        .json("/api/measures/kranj-najemnine-jedro/history")
        .await;
    let versions = v.as_array().unwrap();
    assert_eq!(versions.len(), 4, "{v}");
    assert_eq!(versions[0]["event"], "renamed");
    assert_eq!(versions[0]["from"], "kranj-najemnine");
    assert_eq!(versions[3]["commit"], first.as_str());
    // The old id's history address leads to the new one.
    let old = app.get("/measures/kranj-najemnine/history").await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    // And a version from before the rename opens under the new id.
    let past = app
        .get(&format!(
            "/measures/kranj-najemnine-jedro?version={}",
            &first[..8]
        ))
        .await;
    assert_eq!(past.status, StatusCode::OK, "{}", past.body);
    assert!(past.body.contains("30. 6. 2024"));
}

#[tokio::test]
async fn without_git_everything_works_and_history_says_it_is_not_available() {
    let hb = crate::common::TempHandbook::fixture();
    let app = app_over(hb.root());
    eventually("history has given up", || async {
        app.get(&format!("/measures/{ID}/history"))
            .await
            .body
            .contains("ni na voljo")
    })
    .await;
    let page = app.get(&format!("/measures/{ID}/history")).await;
    assert_eq!(page.status, StatusCode::OK);
    // Said in the page's language.
    assert!(page.body.contains("ni v repozitoriju git"), "{}", page.body);
    assert!(!page.body.contains("not in a git repository"));
    let english = app.get(&format!("/measures/{ID}/history?lang=en")).await;
    assert!(english.body.contains("not in a git repository"));
    assert_eq!(
        app.get(&format!("/measures/{ID}")).await.status,
        StatusCode::OK
    );
    let v = app.json(&format!("/api/measures/{ID}")).await;
    assert!(v["version"].is_null());
    // Not an error: no versions, and a header says why.
    let api = app.get(&format!("/api/measures/{ID}/history")).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(api.json(), serde_json::json!([]));
    assert!(
        api.headers["x-history"]
            .to_str()
            .unwrap()
            .starts_with("unavailable; the handbook folder is not in a git repository")
    );
    assert_eq!(app.get("/changes").await.status, StatusCode::OK);
    let version = app.get(&format!("/measures/{ID}?version=0123456789")).await;
    assert_eq!(version.status, StatusCode::NOT_FOUND);
}

#[test]
fn handbook_log_prints_an_entrys_history_in_words() {
    let (repo, [.., third]) = Repo::with_three_versions();
    let out = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["log", ID, "--handbook"])
        .arg(repo.handbook())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("rok prijave: 15. 7. 2024 → 31. 8. 2024"),
        "{text}"
    );
    assert!(text.contains(&third[..10]), "{text}");
    assert!(text.contains("Prva objava"), "{text}");
    let missing = Command::new(env!("CARGO_BIN_EXE_handbook"))
        .args(["log", "no-such-measure", "--handbook"])
        .arg(repo.handbook())
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(1));
}

#[tokio::test]
async fn a_shallow_clone_has_history_from_its_first_commit() {
    let (repo, [_, second, third]) = Repo::with_three_versions();
    let clone = tempfile::tempdir().unwrap();
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "2"])
        .arg(format!("file://{}", repo.root().display()))
        .arg(clone.path().join("copy"))
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = app_over(&clone.path().join("copy/handbook"));
    ready(&app, ID).await;
    let v = app.json(&format!("/api/measures/{ID}/history")).await;
    let commits: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["commit"].as_str().unwrap())
        .collect();
    assert_eq!(commits, [&third, &second]);
    // The clone's first commit publishes what it has.
    assert_eq!(v[1]["event"], "created");
}

#[tokio::test]
async fn the_history_speaks_english_when_asked() {
    let (repo, _) = Repo::with_three_versions();
    let app = repo.app().await;
    let page = app.get(&format!("/measures/{ID}/history?lang=en")).await;
    assert!(
        page.body
            .contains("deadline: 15 July 2024 → 31 August 2024"),
        "{}",
        page.body
    );
    assert!(page.body.contains("budget: €77,777 → €88,888"));
    assert!(page.body.contains("First published"));
    let v = app
        .json(&format!("/api/measures/{ID}/history?lang=en"))
        .await;
    assert_eq!(v[0]["changes"][0]["label"], "deadline");
}

#[tokio::test]
async fn markup_in_a_commit_message_or_author_stays_text() {
    let (repo, _) = Repo::with_three_versions();
    repo.edit(FILE, |s| {
        s.replace("open_until = 2024-08-31", "open_until = 2024-09-30")
    });
    repo.commit("<script>alert(1)</script> & \u{1}konec", 4);
    let app = repo.app().await;
    let page = app.get(&format!("/measures/{ID}/history")).await;
    assert!(!page.body.contains("<script>alert"), "{}", page.body);
    assert!(
        page.body
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp;")
    );
    let feed = app.get("/changes.atom").await;
    let doc = roxmltree::Document::parse(&feed.body).expect("well-formed XML");
    let summary = doc
        .descendants()
        .find(|n| n.has_tag_name("summary"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(
        summary.contains("<script>alert(1)</script> & konec"),
        "{summary}"
    );
}
