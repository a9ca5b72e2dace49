//! Live reload through the real file watcher: writes, changes, renames, deletes, broken edits
//! and vocabulary changes in a temporary handbook show up in search. Every wait is bounded.

use std::fs;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{App, TempHandbook, eventually, simple_entry, summarised_entry};
use handbook::live::catalog::Catalog;
use handbook::live::watch;

struct Live {
    hb: TempHandbook,
    app: App,
    _watching: watch::Watching,
}

fn live(hb: TempHandbook) -> Live {
    let catalog: Catalog = hb.catalog();
    let app = App::new(&catalog);
    let watching = watch::spawn(
        hb.root(),
        Arc::new(Mutex::new(catalog)),
        crate::common::today,
    )
    .unwrap();
    Live {
        hb,
        app,
        _watching: watching,
    }
}

async fn titles(app: &App, q: &str) -> Vec<String> {
    let v = app.json(&format!("/api/search?q={q}")).await;
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn added_changed_renamed_and_deleted_entries_show_in_search() {
    let l = live(TempHandbook::fixture());
    let path = l.hb.write(
        "measures/kranj/novi-ukrep.toml",
        &simple_entry("Zeleni vavčer"),
    );
    eventually("a new file is searchable", || async {
        titles(&l.app, "zeleni").await == ["Zeleni vavčer"]
    })
    .await;

    fs::write(&path, simple_entry("Modri vavčer")).unwrap();
    eventually("a change replaces the old version", || async {
        titles(&l.app, "modri").await == ["Modri vavčer"]
            && titles(&l.app, "zeleni").await.is_empty()
    })
    .await;

    let renamed = l.hb.path("measures/kranj/preimenovan-ukrep.toml");
    fs::rename(&path, &renamed).unwrap();
    eventually("a renamed file has its new id", || async {
        l.app.get("/api/measures/preimenovan-ukrep").await.status == 200
            && l.app.get("/api/measures/novi-ukrep").await.status == 404
    })
    .await;

    fs::remove_file(&renamed).unwrap();
    eventually("a deleted file leaves search", || async {
        titles(&l.app, "modri").await.is_empty()
    })
    .await;
    assert_eq!(l.app.json("/api/search").await["total"], 6);
}

#[tokio::test]
async fn an_atomic_save_with_backup_and_swap_files_is_one_change() {
    let l = live(TempHandbook::fixture());
    let target = l.hb.path("measures/kranj/kranj-najemnine.toml");
    let content = fs::read_to_string(&target).unwrap().replace(
        "Subvencije najemnin v starem Kranju",
        "Najemnine v Kranju, nova različica",
    );
    // How vim and many editors save: swap file, backup, write a temp file, rename it over.
    l.hb.write(
        "measures/kranj/.kranj-najemnine.toml.swp",
        "binary swap \u{0}",
    );
    fs::copy(&target, l.hb.path("measures/kranj/kranj-najemnine.toml~")).unwrap();
    let tmp =
        l.hb.write("measures/kranj/.kranj-najemnine.toml.tmp", &content);
    fs::rename(&tmp, &target).unwrap();
    fs::remove_file(l.hb.path("measures/kranj/kranj-najemnine.toml~")).unwrap();
    eventually("the saved version is searchable", || async {
        titles(&l.app, "razlicica").await == ["Najemnine v Kranju, nova različica"]
    })
    .await;
    assert_eq!(
        l.app.json("/api/search").await["total"],
        6,
        "swap and backup files are not entries"
    );
}

#[tokio::test]
async fn a_broken_edit_keeps_the_last_good_version_and_shows_on_status() {
    let l = live(TempHandbook::fixture());
    let path = l.hb.path("measures/piran/piran-fasade.toml");
    let good = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        good.replace(
            "municipalities = [\"piran\"]",
            "municipalities = [\"pirna\"]",
        ),
    )
    .unwrap();
    eventually("the problem is on /status", || async {
        let page = l.app.get("/status").await.body;
        page.contains("piran-fasade.toml:3:19") && page.contains("unknown municipality `pirna`")
    })
    .await;
    assert_eq!(
        titles(&l.app, "Piranu").await,
        ["Obnova fasad v Piranu"],
        "the last good version stays"
    );
    let page = l.app.get("/measures/piran-fasade").await.body;
    assert!(
        page.contains("Datoteka tega ukrepa ima napake"),
        "the measure page says so"
    );

    fs::write(
        &path,
        good.replace("Obnova fasad v Piranu", "Obnova fasad v Piranu 2025"),
    )
    .unwrap();
    eventually(
        "the fixed version replaces it and the problem goes",
        || async {
            titles(&l.app, "Piranu").await == ["Obnova fasad v Piranu 2025"]
                && l.app
                    .get("/status")
                    .await
                    .body
                    .contains("Vse datoteke so veljavne")
        },
    )
    .await;
}

#[tokio::test]
async fn a_vocabulary_label_change_relabels_facets() {
    let l = live(TempHandbook::fixture());
    let vocab = fs::read_to_string(l.hb.path("vocabulary.toml")).unwrap();
    fs::write(
        l.hb.path("vocabulary.toml"),
        vocab.replace("label = \"Vavčer\"", "label = \"Vavčer SPS\""),
    )
    .unwrap();
    eventually("the facet has the new label", || async {
        let v = l.app.json("/api/search").await;
        v["facets"]["type"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["label"] == "Vavčer SPS")
    })
    .await;
}

#[tokio::test]
async fn a_broken_vocabulary_keeps_the_old_one_and_is_reported() {
    let l = live(TempHandbook::fixture());
    fs::write(
        l.hb.path("vocabulary.toml"),
        "[municipality.kranj\nlabel = ",
    )
    .unwrap();
    eventually("the vocabulary problem is on /status", || async {
        l.app
            .get("/status")
            .await
            .body
            .contains("vocabulary.toml:1")
    })
    .await;
    assert_eq!(l.app.json("/api/search").await["total"], 6);
}

#[tokio::test]
async fn a_folder_of_entries_moved_in_is_picked_up() {
    let l = live(TempHandbook::fixture());
    let staging = tempfile::tempdir().unwrap();
    fs::create_dir_all(staging.path().join("celje")).unwrap();
    fs::write(
        staging.path().join("celje/celje-a.toml"),
        simple_entry("Celjski ukrep A"),
    )
    .unwrap();
    fs::write(
        staging.path().join("celje/celje-b.toml"),
        simple_entry("Celjski ukrep B"),
    )
    .unwrap();
    // Same filesystem for a rename: move it inside the handbook's own temp dir first.
    let inside = l.hb.path("staging-celje");
    copy_dir(&staging.path().join("celje"), &inside);
    fs::rename(&inside, l.hb.path("measures/celje")).unwrap();
    eventually(
        "both entries of the moved folder are searchable",
        || async { titles(&l.app, "celjski").await.len() == 2 },
    )
    .await;
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[tokio::test]
async fn a_page_subscribed_to_events_is_told_to_reload_after_a_save() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let l = live(TempHandbook::fixture());
    let request = axum::http::Request::builder()
        .uri("/events")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = l.app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    l.hb.write("measures/kranj/nov.toml", &simple_entry("Nov ukrep"));
    let received = tokio::time::timeout(Duration::from_secs(10), async {
        let mut seen = String::new();
        while let Some(Ok(frame)) = body.frame().await {
            if let Some(data) = frame.data_ref() {
                seen.push_str(&String::from_utf8_lossy(data));
                if seen.contains("event: reload") {
                    return seen;
                }
            }
        }
        seen
    })
    .await
    .expect("a reload event within ten seconds");
    assert!(received.contains("event: reload"), "{received}");
    // An event may report an intermediate state (a half-written file is a problem on /status);
    // the saved version follows with its own event.
    eventually("the saved entry is searchable", || async {
        titles(&l.app, "nov")
            .await
            .contains(&"Nov ukrep".to_string())
    })
    .await;
}

#[tokio::test]
async fn pages_carry_the_live_reload_hook_when_it_is_on() {
    let hb = TempHandbook::fixture();
    let page = hb.app().get("/measures/piran-fasade").await;
    assert!(page.body.contains("data-live=\"/events\""), "{}", page.body);
}

#[tokio::test]
async fn removing_a_vocabulary_key_in_use_reports_each_entry_and_keeps_it_searchable() {
    let l = live(TempHandbook::fixture());
    let vocab = fs::read_to_string(l.hb.path("vocabulary.toml")).unwrap();
    let without = vocab.replace(
        "[beneficiary.lastniki-stavb]\nlabel = \"Lastniki stavb\"\n",
        "",
    );
    assert_ne!(vocab, without);
    fs::write(l.hb.path("vocabulary.toml"), without).unwrap();
    eventually("both entries that use the key are reported", || async {
        let page = l.app.get("/status").await.body;
        page.matches("unknown beneficiary `lastniki-stavb`").count() == 2
    })
    .await;
    assert_eq!(
        l.app.json("/api/search").await["total"],
        6,
        "nothing left search"
    );
}

#[tokio::test]
async fn a_saved_call_still_comes_with_its_series_and_a_deleted_one_lifts_none() {
    let call = |title: &str, summary: &str| {
        summarised_entry(title, summary) + "series = \"kranj-izlozbe\"\n"
    };
    let hb = TempHandbook::empty();
    let best = hb.write(
        "measures/kranj/izlozbe-2023.toml",
        &call("Izložbe 2023", "Prenova izložbe, tende in svetila lokala."),
    );
    let other = hb.write(
        "measures/kranj/izlozbe-2024.toml",
        &call("Izložbe 2024", "Prenova v mestnem jedru."),
    );
    hb.write(
        "measures/kranj/tende.toml",
        &summarised_entry("Tende", "Tende in svetila za lokal."),
    );
    let l = live(hb);
    let question = "q=kje+dobim+denar+za+prenovo+izlo%C5%BEbe%2C+tende+in+svetila+lokala+";
    assert_eq!(
        l.app.ids(question).await,
        ["izlozbe-2023", "izlozbe-2024", "tende"]
    );
    // Saved, the call is a document of a new segment, and its old one is deleted. It still
    // shares one word with the question, and the other measure three: the margins are wide,
    // as the deleted documents count in the words' statistics until segments are merged.
    fs::write(
        &other,
        call("Izložbe 2024", "Prenova v starem mestnem jedru."),
    )
    .unwrap();
    eventually("the saved call is searched and still lifted", || async {
        l.app
            .get("/measures/izlozbe-2024")
            .await
            .body
            .contains("starem")
            && l.app.ids(question).await == ["izlozbe-2023", "izlozbe-2024", "tende"]
    })
    .await;
    // The best call deleted: nothing lifts the other any more.
    fs::remove_file(&best).unwrap();
    eventually("the series' best call leaves search", || async {
        l.app.ids(question).await == ["tende", "izlozbe-2024"]
    })
    .await;
}
