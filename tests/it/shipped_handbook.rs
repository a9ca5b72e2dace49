//! The handbook that ships in `handbook/` is valid, complete and searchable.

use std::path::Path;

use crate::common::App;
use handbook::handbook::folder::Handbook;
use handbook::live::catalog::Catalog;

fn shipped() -> Catalog {
    Catalog::open(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("handbook")
            .as_path(),
        None,
        handbook::today(),
    )
    .unwrap()
    .0
}

#[test]
fn every_shipped_file_is_valid() {
    let hb = shipped_files();
    let resolved = hb.resolve();
    let errors: Vec<String> = resolved
        .problems
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        resolved.entries.len() >= 250,
        "only {} entries",
        resolved.entries.len()
    );
}

/// The shipped handbook as read from disk.
fn shipped_files() -> Handbook {
    Handbook::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook"),
        handbook::today(),
    )
    .unwrap()
}

fn shipped_entries() -> handbook::handbook::folder::Resolved {
    shipped_files().resolve()
}

#[test]
fn every_shipped_entry_has_english_and_an_http_source_where_it_has_one() {
    let entries = shipped_entries().entries;
    let mut missing = Vec::new();
    for e in entries.values() {
        if e.title_en.as_deref().is_none_or(str::is_empty)
            || e.summary_en.as_deref().is_none_or(str::is_empty)
        {
            missing.push(e.id.as_str());
        }
        if let Some(url) = &e.url {
            assert!(
                url.starts_with("https://") || url.starts_with("http://"),
                "{}: {url}",
                e.id
            );
        }
    }
    assert!(
        missing.is_empty(),
        "no English title or summary: {missing:?}"
    );
    let with_url = entries.values().filter(|e| e.url.is_some()).count();
    assert!(
        with_url * 10 >= entries.len() * 9,
        "{with_url} of {} have a url",
        entries.len()
    );
}

#[test]
fn the_shipped_handbook_covers_every_urban_municipality_and_the_whole_country() {
    let hb = shipped_files();
    let entries = hb.resolve().entries;
    let mut by_place: std::collections::BTreeMap<&str, usize> = Default::default();
    for e in entries.values() {
        for m in &e.municipalities {
            *by_place.entry(m.as_str()).or_default() += 1;
        }
    }
    for (key, m) in &hb.vocabulary.municipality {
        if m.urban {
            let n = by_place.get(key.as_str()).copied().unwrap_or(0);
            assert!(n >= 6, "{key} has {n} entries");
        }
    }
    assert!(by_place.get("slovenija").copied().unwrap_or(0) >= 50);
    assert!(by_place.len() >= 55, "{} municipalities", by_place.len());
}

#[test]
fn every_call_of_a_shipped_series_reaches_every_other_and_no_series_is_alone() {
    let resolved = shipped_entries();
    let entries = &resolved.entries;
    let mut members: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for e in entries.values() {
        if let Some(key) = &e.series {
            members.entry(key.as_str()).or_default().push(&e.id);
        }
    }
    assert!(members.len() >= 20, "only {} series", members.len());
    for (key, ids) in &members {
        assert!(ids.len() >= 2, "the series {key} has one call: {ids:?}");
        let mut listed = resolved.series[*key].clone();
        listed.sort();
        assert_eq!(&listed, ids, "{key}");
    }
    assert!(
        !resolved.problems.iter().any(|d| d.code == "series-of-one"),
        "a series of one"
    );
}

#[test]
fn the_vocabulary_has_all_212_municipalities_with_regions_and_a_national_key() {
    let hb = shipped_files();
    let v = &hb.vocabulary;
    let local: Vec<_> = v
        .municipality
        .values()
        .filter(|m| m.region.is_some())
        .collect();
    assert_eq!(local.len(), 212);
    assert_eq!(
        v.region.len(),
        12,
        "{:?}",
        v.region.keys().collect::<Vec<_>>()
    );
    assert_eq!(v.municipality.values().filter(|m| m.urban).count(), 12);
    assert!(
        v.municipality.values().any(|m| m.region.is_none()),
        "a national scope key"
    );
    assert_eq!(v.municipality["koper"].label, "Koper/Capodistria");
}

#[tokio::test]
async fn bilingual_names_find_their_municipality_in_either_form() {
    let app = App::new(&shipped());
    let in_koper = |h: &serde_json::Value| {
        h["municipalities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "koper")
    };
    // The Italian name is only in the municipality's label: every hit is Koper's. The Slovenian
    // one is also in the text of national measures that mention the town; Koper's own rank first.
    for (q, first) in [("Capodistria", usize::MAX), ("Koper", 10)] {
        let v = app.json(&format!("/api/search?q={q}&per_page=100")).await;
        let hits = v["hits"].as_array().unwrap();
        assert!(hits.len() >= 10, "{q}: {v}");
        assert!(hits.iter().take(first).all(in_koper), "{q}: {v}");
    }
}

#[tokio::test]
async fn rent_subsidies_in_old_town_centres_are_found() {
    let app = App::new(&shipped());
    let v = app
        .json("/api/search?q=najemnin+mestnem+jedru&type=subvencija-najemnine")
        .await;
    assert!(v["total"].as_u64().unwrap() >= 4, "{v}");
    let municipalities = &v["facets"]["municipality"];
    for town in ["kranj", "novo-mesto"] {
        assert!(
            municipalities
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["value"] == town),
            "{town}"
        );
    }
}
