//! The handbook that ships in `handbook/` is valid, complete and searchable.

mod common;

use std::path::Path;

use common::App;
use handbook::catalog::Catalog;
use handbook::handbook::Handbook;

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
    let hb = Handbook::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook"),
        handbook::today(),
    )
    .unwrap();
    let resolved = hb.resolve();
    let errors: Vec<String> = resolved
        .problems
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(
        resolved.entries.len() >= 42,
        "only {} entries",
        resolved.entries.len()
    );
}

#[test]
fn the_vocabulary_has_all_212_municipalities_with_regions_and_a_national_key() {
    let hb = Handbook::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook"),
        handbook::today(),
    )
    .unwrap();
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
    for q in ["Koper", "Capodistria"] {
        let v = app.json(&format!("/api/search?q={q}")).await;
        let hits = v["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{q}");
        assert!(
            hits.iter().all(|h| h["municipalities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "koper")),
            "{q}: {v}"
        );
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
