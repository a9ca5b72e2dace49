//! The comparison page (`/compare?id=..`) and the statistics page (`/statistics`) over the
//! fixture handbook: which selections are compared and which refused with what status, that
//! every field has its row in the page's language, and that the statistics' counts are the
//! search's own, so every bar and table row opens a search listing exactly what it counts.

use std::collections::BTreeMap;

use crate::common::{TempHandbook, facet_counts};
use axum::http::StatusCode;

const ROWS_SL: [&str; 16] = [
    "Občina",
    "Regija",
    "Izvajalec",
    "Vrsta ukrepa",
    "Vir financiranja",
    "Upravičenci",
    "Skupna sredstva",
    "Največ na upravičenca",
    "Delež sofinanciranja",
    "Odprto od",
    "Rok za prijavo",
    "Stanje",
    "Pravna podlaga",
    "Objava",
    "Uradni vir",
    "Zadnje preverjeno",
];

const ROWS_EN: [&str; 16] = [
    "Municipality",
    "Region",
    "Provider",
    "Type of measure",
    "Source of funding",
    "Beneficiaries",
    "Total budget",
    "Maximum per beneficiary",
    "Co-financing share",
    "Open from",
    "Deadline",
    "Status",
    "Legal basis",
    "Published in",
    "Official source",
    "Last checked",
];

/// The row headers of the comparison table, in order.
fn row_headers(body: &str) -> Vec<String> {
    body.split("<th scope=\"row\">")
        .skip(1)
        .map(|rest| rest[..rest.find("</th>").unwrap()].to_string())
        .collect()
}

/// How many measures the comparison shows side by side.
fn columns(body: &str) -> usize {
    body.matches("<th scope=\"col\">").count()
}

#[tokio::test]
async fn comparing_two_measures_shows_both_titles_and_a_row_for_every_field() {
    let app = TempHandbook::fixture().app();
    let a = app
        .get("/compare?id=kranj-najemnine&id=koper-najemnine")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("<html lang=\"sl\">"));
    assert!(
        a.body
            .contains("<div class=\"table-wrap\"><table class=\"compare\"><caption>")
    );
    assert!(a.body.contains("Subvencije najemnin v starem Kranju"));
    assert!(
        a.body
            .contains("Znižana najemnina v starem mestnem jedru Kopra")
    );
    assert!(a.body.contains("href=\"/measures/kranj-najemnine\""));
    assert_eq!(columns(&a.body), 2);
    assert_eq!(row_headers(&a.body), ROWS_SL);
    assert!(a.body.contains("<title>Primerjava ukrepov"));
    // Every row has a cell per measure; what a measure lacks shows as a dash.
    let tbody = &a.body[a.body.find("<tbody>").unwrap()..];
    let cells = tbody.matches("<td>").count();
    assert_eq!(cells, 2 * ROWS_SL.len());
    assert!(a.body.contains("—"));
}

#[tokio::test]
async fn measures_are_shown_in_the_order_asked_and_a_repeated_id_counts_once() {
    let app = TempHandbook::fixture().app();
    let a = app
        .get("/compare?id=piran-fasade&id=maribor-procelja&id=piran-fasade")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(columns(&a.body), 2);
    let piran = a.body.find("Obnova fasad v Piranu").unwrap();
    let maribor = a.body.find("Sofinanciranje pročelij v Mariboru").unwrap();
    assert!(piran < maribor);
    // Maribor's call lasts until its funds run out.
    assert!(a.body.contains("do porabe sredstev"));
}

#[tokio::test]
async fn a_former_id_stands_for_the_measure_it_now_names() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/compare?id=stari-kranj&id=koper-najemnine").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.body.contains("Subvencije najemnin v starem Kranju"));
    assert!(a.body.contains("href=\"/measures/kranj-najemnine\""));
    // The language switch names the measure by its current id.
    assert!(
        a.body
            .contains("/compare?id=kranj-najemnine&amp;id=koper-najemnine&amp;lang=en")
    );

    // A former id and the current one are one measure: not enough to compare.
    let same = app.get("/compare?id=stari-kranj&id=kranj-najemnine").await;
    assert_eq!(same.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_unknown_id_is_a_404_page_naming_it() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/compare?id=kranj-najemnine&id=ni-takega").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.contains("ni-takega"), "{}", a.body);
    assert!(a.body.contains("<html lang=\"sl\">"));

    let hostile = app
        .get("/compare?id=kranj-najemnine&id=%3Cscript%3Ealert(1)%3C/script%3E")
        .await;
    assert_eq!(hostile.status, StatusCode::NOT_FOUND);
    assert!(!hostile.body.contains("<script>alert"));
    assert!(hostile.body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn one_measure_is_refused_with_a_message_and_a_way_back() {
    let app = TempHandbook::fixture().app();
    for uri in [
        "/compare?id=kranj-najemnine",
        "/compare?id=kranj-najemnine&id=kranj-najemnine",
        "/compare",
        "/compare?id=",
    ] {
        let a = app.get(uri).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            a.body.contains("Izberite od 2 do 6 ukrepov za primerjavo."),
            "{uri}: {}",
            a.body
        );
        assert!(a.body.contains("<a href=\"/\">"), "{uri}");
    }
}

#[tokio::test]
async fn seven_measures_are_refused() {
    let app = TempHandbook::fixture().app();
    let ids = [
        "kranj-najemnine",
        "koper-najemnine",
        "piran-fasade",
        "maribor-procelja",
        "vavcerji-digitalni-marketing",
        "fasade-kranj-koper",
        "stari-kranj",
    ];
    let six: Vec<String> = ids[..6].iter().map(|i| format!("id={i}")).collect();
    let a = app.get(&format!("/compare?{}", six.join("&"))).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(columns(&a.body), 6);

    let seven: Vec<String> = ids.iter().map(|i| format!("id={i}")).collect();
    let a = app
        .get(&format!("/compare?{}&lang=en", seven.join("&")))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.body.contains("Select 2 to 6 measures to compare."),
        "{}",
        a.body
    );
    assert!(a.body.contains("<a href=\"/?lang=en\">"));
}

#[tokio::test]
async fn the_comparison_in_english_has_english_row_headers() {
    let app = TempHandbook::fixture().app();
    let a = app
        .get("/compare?id=kranj-najemnine&id=piran-fasade&lang=en")
        .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains("<html lang=\"en\">"));
    assert_eq!(row_headers(&a.body), ROWS_EN);
    assert!(a.body.contains("<title>Comparison of measures"));
    assert!(
        a.body
            .contains("href=\"/measures/kranj-najemnine?lang=en\"")
    );
    // Back to Slovenian keeps the selection.
    assert!(
        a.body
            .contains("href=\"/compare?id=kranj-najemnine&amp;id=piran-fasade\"")
    );

    let one = app.get("/compare?id=kranj-najemnine&lang=en").await;
    assert_eq!(one.status, StatusCode::BAD_REQUEST);
    assert!(one.body.contains("<html lang=\"en\">"));
    assert!(one.body.contains("Select 2 to 6 measures to compare."));
}

/// The section of the statistics page with this key (`region`, `year`, ...).
fn section<'a>(body: &'a str, key: &str) -> &'a str {
    let start = body
        .find(&format!("<h2 id=\"stat-{key}\">"))
        .unwrap_or_else(|| panic!("no section {key}"));
    let end = body[start..].find("</section>").unwrap();
    &body[start..start + end]
}

fn unescape(s: &str) -> String {
    s.replace("&amp;", "&")
}

/// `(label, link, count)` per row of a section's table.
fn table_rows(section: &str) -> Vec<(String, Option<String>, u64)> {
    let table = &section[section.find("<table class=\"stats\">").unwrap()..];
    let body = &table[table.find("<tbody>").unwrap()..];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            let head =
                &row[row.find("<th scope=\"row\">").unwrap() + 16..row.find("</th>").unwrap()];
            let (label, link) = match head.strip_prefix("<a href=\"") {
                Some(rest) => {
                    let link = &rest[..rest.find('"').unwrap()];
                    let label = &rest[rest.find('>').unwrap() + 1..rest.find("</a>").unwrap()];
                    (label.to_string(), Some(unescape(link)))
                }
                None => (head.to_string(), None),
            };
            let count =
                &row[row.find("<td class=\"num\">").unwrap() + 16..row.find("</td>").unwrap()];
            (label, link, count.parse().unwrap())
        })
        .collect()
}

/// `(link, count)` per linked bar of a section's chart.
fn bar_links(section: &str) -> Vec<(String, u64)> {
    let svg = &section[section.find("<svg").unwrap()..section.find("</svg>").unwrap()];
    svg.split("<a href=\"")
        .skip(1)
        .map(|rest| {
            let link = unescape(&rest[..rest.find('"').unwrap()]);
            let text = &rest[rest.find("<text").unwrap()..];
            let count = &text[text.find('>').unwrap() + 1..text.find("</text>").unwrap()];
            (link, count.parse().unwrap())
        })
        .collect()
}

/// The value a search link selects: `/?region=gorenjska` → `gorenjska`.
fn value_of(link: &str, facet: &str) -> String {
    let query = link.strip_prefix("/?").unwrap();
    form_urlencoded_value(query, facet)
}

fn form_urlencoded_value(query: &str, key: &str) -> String {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{key}=")))
        .unwrap_or_else(|| panic!("no {key} in {query}"))
        .to_string()
}

#[tokio::test]
async fn the_statistics_tables_count_what_the_search_facets_count() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/statistics").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("<strong>6</strong> ukrepov v priročniku")
    );
    let api = app.json("/api/search").await;
    for facet in ["region", "municipality", "type", "source"] {
        let rows = table_rows(section(&page.body, facet));
        let from_page: BTreeMap<String, u64> = rows
            .iter()
            .map(|(_, link, count)| (value_of(link.as_deref().unwrap(), facet), *count))
            .collect();
        assert_eq!(from_page, facet_counts(&api, facet), "{facet}");
        // Most measures first.
        assert!(
            rows.windows(2).all(|w| w[0].2 >= w[1].2),
            "{facet}: {rows:?}"
        );
    }
    let regions = table_rows(section(&page.body, "region"));
    assert_eq!(
        regions[0],
        (
            "Obalno-kraška".to_string(),
            Some("/?region=obalno-kraska".to_string()),
            3
        )
    );
}

#[tokio::test]
async fn every_bar_opens_a_search_that_finds_as_many_measures_as_it_shows() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/statistics").await;
    let mut followed = 0;
    for facet in ["region", "municipality", "type", "source"] {
        let s = section(&page.body, facet);
        let bars = bar_links(s);
        let rows = table_rows(s);
        assert_eq!(bars.len(), rows.len(), "{facet}");
        for ((link, count), (_, row_link, row_count)) in bars.iter().zip(&rows) {
            assert_eq!(Some(link), row_link.as_ref(), "{facet}");
            assert_eq!(count, row_count, "{facet}");
            let query = link.strip_prefix("/?").unwrap();
            let v = app.json(&format!("/api/search?{query}")).await;
            assert_eq!(v["total"].as_u64(), Some(*count), "{link}");
            assert_eq!(app.get(link).await.status, StatusCode::OK, "{link}");
            followed += 1;
        }
    }
    assert_eq!(followed, 3 + 5 + 3 + 2);
}

#[tokio::test]
async fn measures_are_counted_by_the_year_their_call_opens_or_else_closes() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/statistics").await;
    let rows = table_rows(section(&page.body, "year"));
    assert_eq!(
        rows,
        [
            ("2024".to_string(), None, 5),
            ("brez datuma".to_string(), None, 1)
        ]
    );
    // Years have no search of their own: their bars link nowhere.
    assert!(bar_links(section(&page.body, "year")).is_empty());
}

#[tokio::test]
async fn every_chart_is_a_group_named_by_its_title_whose_bars_stay_reachable() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/statistics").await;
    for key in ["region", "municipality", "type", "source", "year"] {
        let s = section(&page.body, key);
        assert!(s.contains("<section") || page.body.contains("<section class=\"stat\""));
        let svg = &s[s.find("<svg").unwrap()..];
        let tag = &svg[..svg.find('>').unwrap()];
        assert!(tag.contains("role=\"group\""), "{key}: {tag}");
        let title_id = format!("chart-{key}-title");
        assert!(
            tag.contains(&format!("aria-labelledby=\"{title_id}\"")),
            "{key}"
        );
        assert!(svg.contains(&format!("<title id=\"{title_id}\">")), "{key}");
        assert!(
            svg.contains(&format!("<desc id=\"chart-{key}-desc\">")),
            "{key}"
        );
        assert!(s.contains("<figure class=\"chart\">"));
        assert!(s.contains("<figcaption>"));
        assert!(s.contains("<th scope=\"col\">"));
        assert!(s.contains("fill=\"#0b5cad\""));
    }
}

#[tokio::test]
async fn the_statistics_in_english_keep_the_language_in_every_link() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/statistics?lang=en").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(
        page.body
            .contains("<strong>6</strong> measures in the handbook")
    );
    let rows = table_rows(section(&page.body, "year"));
    assert_eq!(rows[1].0, "no date");
    for facet in ["region", "type"] {
        for (link, _) in bar_links(section(&page.body, facet)) {
            assert!(link.ends_with("&lang=en"), "{link}");
        }
    }
    // The switch back to Slovenian.
    assert!(page.body.contains("href=\"/statistics\" hreflang=\"sl\""));
}
