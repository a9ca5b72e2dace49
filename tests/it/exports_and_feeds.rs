//! Open data and following a search: `/export.csv` (parsed back as a spreadsheet would),
//! `/export.json` and `/feed.atom` (parsed as XML, checked against the Atom fields), all with the
//! parameters of `/api/search` and every match rather than one page.

use crate::common::TempHandbook;

/// The ids `/api/search` finds for a query (the fixture fits on one page of 100).
async fn search_ids(app: &crate::common::App, qs: &str) -> Vec<String> {
    app.ids(&format!("{qs}&per_page=100")).await
}

const ATOM: &str = "http://www.w3.org/2005/Atom";

fn child<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> roxmltree::Node<'a, 'i> {
    node.children()
        .find(|c| c.tag_name().name() == name && c.tag_name().namespace() == Some(ATOM))
        .unwrap_or_else(|| panic!("no <{name}>"))
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn the_csv_has_a_bom_and_every_match_and_parses_back_with_letters_intact() {
    let app = TempHandbook::fixture().app();
    let res = app.get("/export.csv?q=fasade&per_page=1").await;
    assert_eq!(res.status, 200);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
    );
    assert!(res.body.starts_with('\u{feff}'), "no byte order mark");
    let mut reader = csv::Reader::from_reader(res.body.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for column in [
        "id",
        "title",
        "summary",
        "status",
        "municipality",
        "permalink",
        "updated",
        "open_until",
        "budget_eur",
        "source_url",
    ] {
        assert!(
            headers.iter().any(|h| h == column),
            "no `{column}` column in {headers:?}"
        );
    }
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    // `per_page=1` does not limit an export: every match is in it.
    let ids: Vec<String> = rows.iter().map(|r| r[col("id")].to_string()).collect();
    assert_eq!(sorted(ids), sorted(search_ids(&app, "q=fasade").await));
    assert!(rows.len() >= 3);
    let piran = rows
        .iter()
        .find(|r| &r[col("id")] == "piran-fasade")
        .unwrap();
    assert_eq!(&piran[col("title")], "Obnova fasad v Piranu");
    assert_eq!(&piran[col("municipality")], "Piran/Pirano");
    assert_eq!(&piran[col("source")], "Občinski proračun; Evropski skladi");
    assert_eq!(&piran[col("status")], "Kmalu");
    assert_eq!(&piran[col("open_until")], "2024-10-01");
    assert_eq!(
        &piran[col("permalink")],
        "https://prirocnik.example/measures/piran-fasade"
    );
}

#[tokio::test]
async fn an_export_without_parameters_is_the_whole_handbook() {
    let app = TempHandbook::fixture().app();
    let csv = app.get("/export.csv").await;
    let rows = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes())
        .records()
        .count();
    let json = app.json("/export.json").await;
    assert_eq!(rows, crate::common::FIXTURE.len());
    assert_eq!(json["total"], crate::common::FIXTURE.len());
    assert_eq!(
        json["measures"].as_array().unwrap().len(),
        crate::common::FIXTURE.len()
    );
}

#[tokio::test]
async fn the_json_export_filters_like_the_search_and_carries_full_entries() {
    let app = TempHandbook::fixture().app();
    let v = app
        .json("/export.json?type=sofinanciranje-fasad&status=upcoming")
        .await;
    let ids: Vec<String> = v["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sorted(ids),
        sorted(search_ids(&app, "type=sofinanciranje-fasad&status=upcoming").await)
    );
    let m = &v["measures"][0];
    for field in [
        "title",
        "summary",
        "provider",
        "updated",
        "permalink",
        "status",
        "labels",
    ] {
        assert!(!m[field].is_null(), "no `{field}` in {m}");
    }
    assert_eq!(v["query"]["filters"]["status"][0], "upcoming");
}

#[tokio::test]
async fn a_bad_export_parameter_is_a_400_not_a_500() {
    let app = TempHandbook::fixture().app();
    for uri in [
        "/export.csv?sort=price",
        "/export.json?page=0",
        "/feed.atom?per_page=1000",
    ] {
        assert_eq!(app.get(uri).await.status, 400, "{uri}");
    }
}

#[tokio::test]
async fn a_formula_in_an_entry_never_reaches_a_spreadsheet_as_a_formula() {
    let hb = TempHandbook::fixture();
    hb.write(
        "measures/x/formula.toml",
        &crate::common::simple_entry("=HYPERLINK(\\\"http://evil\\\")"),
    );
    let res = hb.app().get("/export.csv?q=hyperlink").await;
    let mut reader = csv::Reader::from_reader(res.body.trim_start_matches('\u{feff}').as_bytes());
    let title = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "title")
        .unwrap();
    let row = reader
        .records()
        .next()
        .expect("the entry is exported")
        .unwrap();
    assert!(row[title].starts_with("'="), "{:?}", &row[title]);
}

#[tokio::test]
async fn a_formula_behind_spaces_is_defused_too_and_the_gazette_is_trimmed() {
    let hb = TempHandbook::fixture();
    hb.write(
        "measures/x/presledki.toml",
        &format!(
            "{}gazette = \"  =1+1\"\n",
            crate::common::simple_entry("  +Presledki pred formulo")
        ),
    );
    let res = hb.app().get("/export.csv?q=presledki").await;
    let mut reader = csv::Reader::from_reader(res.body.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .next()
        .expect("the entry is exported")
        .unwrap();
    assert!(row[column("title")].starts_with("'"), "{:?}", &row);
    assert_eq!(&row[column("gazette")], "'=1+1");
}

#[tokio::test]
async fn the_feed_is_valid_atom_with_one_entry_per_match_newest_first() {
    let app = TempHandbook::fixture().app();
    let res = app.get("/feed.atom?source=obcinski-proracun").await;
    assert_eq!(res.status, 200);
    assert!(
        res.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let doc = roxmltree::Document::parse(&res.body).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    for required in ["id", "title", "updated"] {
        assert!(!child(feed, required).text().unwrap_or("").is_empty());
    }
    assert!(
        feed.children()
            .any(|c| c.tag_name().name() == "link" && c.attribute("rel") == Some("self"))
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    let ids = search_ids(&app, "source=obcinski-proracun").await;
    assert_eq!(entries.len(), ids.len());
    let mut last = String::from("9999");
    for e in &entries {
        let id = child(*e, "id").text().unwrap();
        assert!(
            id.starts_with("https://prirocnik.example/measures/"),
            "{id}"
        );
        assert!(ids.iter().any(|i| id.ends_with(&format!("/{i}"))));
        let link = e
            .children()
            .find(|c| c.tag_name().name() == "link")
            .unwrap();
        assert_eq!(link.attribute("href"), Some(id));
        assert!(!child(*e, "title").text().unwrap().is_empty());
        let updated = child(*e, "updated").text().unwrap().to_string();
        assert!(
            chrono::DateTime::parse_from_rfc3339(&updated).is_ok(),
            "not RFC 3339: {updated}"
        );
        assert!(updated <= last, "not newest first: {updated} after {last}");
        last = updated;
        assert!(
            child(*e, "author")
                .children()
                .any(|c| c.tag_name().name() == "name")
        );
    }
}

#[tokio::test]
async fn the_search_page_links_its_feed_and_exports_with_the_same_search() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/?q=fasade&region=gorenjska").await.body;
    assert!(page.contains(
        r#"<link rel="alternate" type="application/atom+xml" title="Novi ukrepi te iskalne zahteve" href="/feed.atom?q=fasade&amp;region=gorenjska">"#
    ), "{page}");
    assert!(page.contains(r#"href="/export.csv?q=fasade&amp;region=gorenjska""#));
    assert!(page.contains(r#"href="/export.json?q=fasade&amp;region=gorenjska""#));
    assert!(page.contains(r#"id="share""#) && page.contains("Deli iskanje"));
    assert!(page.contains(r#"href="/?q=fasade&amp;region=gorenjska""#));
}

#[tokio::test]
async fn hostile_text_in_an_entry_cannot_break_the_feed() {
    let hb = TempHandbook::fixture();
    hb.write(
        "measures/x/hostile.toml",
        // Control characters (`\u0001`), which XML 1.0 cannot carry, never reach the feed:
        // `handbook check` refuses them (`control-character`).
        &crate::common::simple_entry("</title><script>alert(1)</script> & ]]>"),
    );
    let body = hb.app().get("/feed.atom?q=alert").await.body;
    let doc = roxmltree::Document::parse(&body).expect("well-formed XML");
    let title = doc
        .descendants()
        .find(|n| n.tag_name().name() == "entry")
        .and_then(|e| e.children().find(|c| c.tag_name().name() == "title"))
        .and_then(|t| t.text())
        .unwrap();
    assert!(title.starts_with("</title><script>"), "{title}");
}
