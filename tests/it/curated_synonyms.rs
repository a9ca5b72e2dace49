//! `synonyms.toml`: the editors' word groups replace the built-in ones, best bets put a measure
//! first for its query (with facet counts still exact), a save while serving applies at once,
//! a broken file keeps the last good groups, and `handbook check` reports its problems.

use std::sync::{Arc, Mutex};

use crate::common::{TempHandbook, eventually, facet_counts, problems};
use handbook::live::watch;

const GROUPS: &str = "[[group]]\nwords = [\"vavčer\", \"kupon\"]\n";

#[tokio::test]
async fn the_groups_of_synonyms_toml_replace_the_built_in_ones() {
    let hb = TempHandbook::fixture();
    let app = hb.app();
    // Built in: a centre is a jedro (no entry says "center"); "kupon" means nothing.
    assert!(
        app.ids("q=center")
            .await
            .contains(&"koper-najemnine".to_string())
    );
    assert!(app.ids("q=kupon").await.is_empty());

    hb.write("synonyms.toml", GROUPS);
    let app = hb.app();
    assert_eq!(app.ids("q=kupon").await, ["vavcerji-digitalni-marketing"]);
    assert!(
        app.ids("q=center").await.is_empty(),
        "the built-in group still applies"
    );
}

#[tokio::test]
async fn a_pinned_measure_comes_first_for_its_query_in_any_form_and_counts_stay_exact() {
    let hb = TempHandbook::fixture();
    hb.write(
        "synonyms.toml",
        "[[pin]]\nquery = \"najemnine Kranj\"\nmeasures = [\"vavcerji-digitalni-marketing\", \"koper-najemnine\"]\n",
    );
    let app = hb.app();
    let v = app.json("/api/search?q=Najemnina+v+Kranju").await;
    let ids: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids[..2],
        ["vavcerji-digitalni-marketing", "koper-najemnine"],
        "{ids:?}"
    );
    assert!(ids.contains(&"kranj-najemnine"));
    // The pinned measures are counted like any other hit.
    assert_eq!(v["total"], ids.len());
    // ... and in the facets: the pinned voucher scheme is the only voucher among the hits.
    let types = facet_counts(&v, "type");
    assert_eq!(types.get("vavcer"), Some(&1), "{types:?}");
    let filtered = app
        .json("/api/search?q=Najemnina+v+Kranju&municipality=koper")
        .await;
    let filtered: Vec<&str> = filtered["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert_eq!(filtered[0], "koper-najemnine", "a pin obeys the filters");
    assert!(!filtered.contains(&"vavcerji-digitalni-marketing"));
    // Another query is not touched.
    assert_ne!(
        app.ids("q=najemnine").await[0],
        "vavcerji-digitalni-marketing"
    );
}

#[test]
fn handbook_check_reports_the_problems_of_synonyms_toml_where_they_are() {
    let hb = TempHandbook::fixture();
    hb.write(
        "synonyms.toml",
        "[[group]]\nwords = [\"mestno jedro\", \"center\"]\n[[pin]]\nquery = \"x\"\nmeasures = [\"ni-takega\"]\n",
    );
    let all = problems(&hb);
    let d = all
        .iter()
        .find(|d| d.code == "not-one-word")
        .expect("not-one-word");
    assert_eq!((d.line, d.column), (2, 10), "{d}");

    hb.write(
        "synonyms.toml",
        "[[pin]]\nquery = \"x\"\nmeasures = [\"ni-takega\"]\n",
    );
    let all = problems(&hb);
    let d = all
        .iter()
        .find(|d| d.code == "unknown-measure")
        .expect("unknown-measure");
    assert_eq!((d.line, d.column, d.is_error()), (3, 13, false), "{d}");
}

#[tokio::test]
async fn synonyms_saved_while_serving_apply_at_once_and_a_broken_save_keeps_the_last_good() {
    let hb = TempHandbook::fixture();
    let catalog = hb.catalog();
    let app = crate::common::App::new(&catalog);
    let _watching = watch::spawn(
        hb.root(),
        Arc::new(Mutex::new(catalog)),
        crate::common::today,
    )
    .unwrap();
    hb.write("synonyms.toml", GROUPS);
    eventually("the saved group is searched", || async {
        app.ids("q=kupon").await == ["vavcerji-digitalni-marketing"]
    })
    .await;
    hb.write("synonyms.toml", "[[group]\nwords = ");
    eventually("the broken file is on /status", || async {
        app.get("/status").await.body.contains("synonyms.toml")
    })
    .await;
    assert_eq!(app.ids("q=kupon").await, ["vavcerji-digitalni-marketing"]);
    std::fs::remove_file(hb.path("synonyms.toml")).unwrap();
    eventually(
        "without the file, the built-in groups are back",
        async || app.ids("q=kupon").await.is_empty(),
    )
    .await;
}
