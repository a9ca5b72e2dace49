//! The English interface (`?lang=en`: kept across links, vocabulary `label_en`, entries'
//! `title_en`/`summary_en` shown and searched with English stemming), related measures on a
//! measure page, and its ready citations.

use crate::common::TempHandbook;

fn english_handbook() -> TempHandbook {
    let hb = TempHandbook::fixture();
    let vocabulary = std::fs::read_to_string(hb.path("vocabulary.toml"))
        .unwrap()
        .replace(
            "label = \"Subvencija najemnine\"",
            "label = \"Subvencija najemnine\"\nlabel_en = \"Rent subsidy\"",
        );
    hb.write("vocabulary.toml", &vocabulary);
    // The fixture's Kranj entry, with English text and a gazette added.
    let (folder, id, fields) = crate::common::FIXTURE
        .iter()
        .find(|(_, id, _)| *id == "kranj-najemnine")
        .unwrap();
    hb.write(
        &format!("measures/{folder}/{id}.toml"),
        &crate::common::fixture_entry(&format!(
            r#"{fields}title_en = "Rent subsidies in the old town of Kranj"
summary_en = "The municipality pays part of the rent of new shops in the old town centre."
gazette = "Uradni list RS, št. 12/2024"
"#
        )),
    );
    hb
}

#[tokio::test]
async fn english_words_in_any_form_find_the_english_text_of_an_entry() {
    let app = english_handbook().app();
    // "subsidy" is not a word of the entry; its English stem is that of "subsidies".
    assert_eq!(
        app.ids("q=subsidy").await.first().map(String::as_str),
        Some("kranj-najemnine")
    );
    assert_eq!(
        app.ids("q=shop").await.first().map(String::as_str),
        Some("kranj-najemnine")
    );
}

#[tokio::test]
async fn the_english_page_shows_english_titles_labels_and_interface() {
    let app = english_handbook().app();
    let page = app.get("/?lang=en").await.body;
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(page.contains("Rent subsidies in the old town of Kranj"));
    assert!(page.contains("Rent subsidy"), "label_en of the type facet");
    assert!(page.contains("Type of measure") && page.contains("Share search"));
    // An entry without English text shows its Slovenian title.
    assert!(page.contains("Obnova fasad v Piranu"));
    // Links keep the language.
    assert!(
        page.contains(r#"href="/measures/kranj-najemnine?lang=en""#),
        "{page}"
    );
    assert!(page.contains(r#"hreflang="sl""#));
    let sl = app.get("/").await.body;
    assert!(sl.contains(r#"<html lang="sl">"#));
    assert!(sl.contains("Subvencije najemnin v starem Kranju") && sl.contains("Deli iskanje"));
    assert!(!sl.contains("Rent subsidies in the old town of Kranj"));
}

#[tokio::test]
async fn the_english_facet_counts_equal_the_slovenian_ones() {
    let app = english_handbook().app();
    let sl = app.json("/api/search?q=najemnine").await;
    let en = app.json("/api/search?q=najemnine&lang=en").await;
    assert_eq!(sl["total"], en["total"]);
    for facet in [
        "region",
        "municipality",
        "type",
        "source",
        "beneficiary",
        "status",
    ] {
        assert_eq!(
            crate::common::facet_counts(&sl, facet),
            crate::common::facet_counts(&en, facet),
            "{facet}"
        );
    }
    let labels: Vec<&str> = en["facets"]["type"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"Rent subsidy"), "{labels:?}");
}

#[tokio::test]
async fn the_measure_page_in_english_keeps_the_language_and_falls_back_to_slovenian() {
    let app = english_handbook().app();
    let page = app.get("/measures/kranj-najemnine?lang=en").await.body;
    assert!(page.contains(r#"<html lang="en">"#));
    assert!(
        page.contains("<h1>Rent subsidies in the old town of Kranj</h1>"),
        "{page}"
    );
    assert!(page.contains("Last checked") && page.contains("Related measures"));
    let other = app.get("/measures/piran-fasade?lang=en").await.body;
    assert!(
        other.contains(r#"<h1 lang="sl">Obnova fasad v Piranu</h1>"#),
        "{other}"
    );
    // A former id redirects and keeps the language.
    let moved = app.get("/measures/stari-kranj?lang=en").await;
    assert_eq!(moved.status, 301);
    assert_eq!(
        moved.headers["location"],
        "/measures/kranj-najemnine?lang=en"
    );
}

#[tokio::test]
async fn related_measures_prefer_the_same_type_in_other_municipalities() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/measures/piran-fasade").await.body;
    let related = page
        .split(r#"<section class="related""#)
        .nth(1)
        .and_then(|s| s.split("</section>").next())
        .expect("a related section");
    // The other facade measures come first, before measures of other types.
    let pos = |id: &str| {
        related
            .find(&format!("/measures/{id}\""))
            .unwrap_or(usize::MAX)
    };
    assert!(pos("maribor-procelja") < usize::MAX, "{related}");
    assert!(pos("fasade-kranj-koper") < usize::MAX, "{related}");
    for other_type in [
        "kranj-najemnine",
        "koper-najemnine",
        "vavcerji-digitalni-marketing",
    ] {
        assert!(pos("maribor-procelja") < pos(other_type), "{related}");
        assert!(pos("fasade-kranj-koper") < pos(other_type), "{related}");
    }
    assert!(
        !related.contains("/measures/piran-fasade\""),
        "a measure is not related to itself"
    );
    assert!(
        related.contains(r#"class="compare-similar" href="/compare?id=piran-fasade&amp;id="#),
        "{related}"
    );
}

#[tokio::test]
async fn the_measure_page_has_a_slovenian_citation_and_bibtex_to_copy() {
    let app = english_handbook().app();
    let page = app.get("/measures/kranj-najemnine").await.body;
    let citation = "Mestna občina: Subvencije najemnin v starem Kranju. Uradni list RS, št. 12/2024. \
        Priročnik ukrepov za podjetništvo v mestnih središčih, \
        https://prirocnik.example/measures/kranj-najemnine (zadnje preverjeno 1. 5. 2024).";
    assert!(page.contains(citation), "{page}");
    assert!(page.contains("@misc{kranj-najemnine,"));
    assert!(page.contains("url = {https://prirocnik.example/measures/kranj-najemnine}"));
    assert!(
        page.contains(r#"data-copy-target="citation""#)
            && page.contains(r#"data-copy-target="bibtex""#)
    );
}
