//! The JSON API and the pages over the fixture handbook, with hand-computed expectations.

use crate::common::{TempHandbook, counts, facet_counts};
use axum::http::StatusCode;

#[tokio::test]
async fn an_empty_query_lists_every_entry_with_facet_counts() {
    let hb = TempHandbook::fixture();
    let app = hb.app();
    let v = app.json("/api/search").await;
    assert_eq!(v["total"], 6);
    assert_eq!(v["page"], 1);
    assert_eq!(v["per_page"], 20);
    assert_eq!(
        facet_counts(&v, "municipality"),
        counts(&[
            ("kranj", 2),
            ("koper", 2),
            ("piran", 1),
            ("maribor", 1),
            ("slovenija", 1)
        ])
    );
    assert_eq!(
        facet_counts(&v, "region"),
        counts(&[("gorenjska", 2), ("obalno-kraska", 3), ("podravska", 1)])
    );
    assert_eq!(
        facet_counts(&v, "type"),
        counts(&[
            ("subvencija-najemnine", 2),
            ("sofinanciranje-fasad", 3),
            ("vavcer", 1)
        ])
    );
    assert_eq!(
        facet_counts(&v, "source"),
        counts(&[("obcinski-proracun", 5), ("evropski-skladi", 2)])
    );
    assert_eq!(
        facet_counts(&v, "beneficiary"),
        counts(&[("mikro-podjetja", 2), ("lastniki-stavb", 2)])
    );
    assert_eq!(
        facet_counts(&v, "status"),
        counts(&[("open", 3), ("closed", 1), ("upcoming", 1), ("ongoing", 1)])
    );
}

#[tokio::test]
async fn facet_values_carry_their_vocabulary_labels() {
    let app = TempHandbook::fixture().app();
    let v = app.json("/api/search").await;
    let regions = v["facets"]["region"].as_array().unwrap();
    let coast = regions
        .iter()
        .find(|r| r["value"] == "obalno-kraska")
        .unwrap();
    assert_eq!(coast["label"], "Obalno-kraška");
    assert_eq!(coast["count"], 3);
    // Most frequent first.
    assert_eq!(regions[0]["value"], "obalno-kraska");
}

#[tokio::test]
async fn a_hit_has_the_documented_fields() {
    let app = TempHandbook::fixture().app();
    let v = app.json("/api/search?q=Piranu").await;
    assert_eq!(v["total"], 1);
    let hit = &v["hits"][0];
    assert_eq!(hit["id"], "piran-fasade");
    assert_eq!(hit["title"], "Obnova fasad v Piranu");
    assert_eq!(hit["municipalities"], serde_json::json!(["piran"]));
    assert_eq!(hit["types"], serde_json::json!(["sofinanciranje-fasad"]));
    assert_eq!(
        hit["sources"],
        serde_json::json!(["obcinski-proracun", "evropski-skladi"])
    );
    assert_eq!(hit["status"], "upcoming");
    assert_eq!(hit["open_until"], "2024-10-01");
    assert_eq!(hit["url"], "/measures/piran-fasade");
}

#[tokio::test]
async fn every_field_of_an_answer_is_written_in_alphabetical_order_and_nulls_are_kept() {
    let app = TempHandbook::fixture().app();
    let answer = app.get("/api/search?q=fasad").await;
    let v = answer.json();
    assert!(v["total"].as_u64().unwrap() > 0, "{}", answer.body);
    // `serde_json::Value` keeps its keys sorted: writing the parsed answer again gives it back
    // byte for byte only if every object was written in that order. Scores are left out: the
    // parser may read a float's last digit differently.
    let without_scores = |json: &str| {
        let mut parts = json.split("\"score\":");
        let mut out = parts.next().unwrap().to_string();
        for rest in parts {
            out.push_str("\"score\":0");
            out.push_str(&rest[rest.find(',').unwrap()..]);
        }
        out
    };
    assert_eq!(
        without_scores(&serde_json::to_string(&v).unwrap()),
        without_scores(&answer.body)
    );
    let hit = v["hits"][0].as_object().unwrap();
    for key in ["title_en", "summary_en", "source_url", "open_from"] {
        assert!(hit.contains_key(key), "{key} missing: {hit:?}");
    }
}

#[tokio::test]
async fn within_a_facet_values_are_or_ed_and_across_facets_and_ed() {
    let app = TempHandbook::fixture().app();
    let fasade = app.json("/api/search?type=sofinanciranje-fasad").await;
    assert_eq!(fasade["total"], 3);
    let either = app
        .json("/api/search?type=sofinanciranje-fasad&type=vavcer")
        .await;
    assert_eq!(either["total"], 4);
    let both = app
        .json("/api/search?type=sofinanciranje-fasad&municipality=kranj")
        .await;
    assert_eq!(both["total"], 1);
    assert_eq!(both["hits"][0]["id"], "fasade-kranj-koper");
}

#[tokio::test]
async fn each_facet_counts_with_every_filter_but_its_own() {
    let app = TempHandbook::fixture().app();
    let v = app
        .json("/api/search?type=sofinanciranje-fasad&municipality=kranj")
        .await;
    // type counts ignore the type filter but apply municipality=kranj: entries a and f.
    assert_eq!(
        facet_counts(&v, "type"),
        counts(&[("subvencija-najemnine", 1), ("sofinanciranje-fasad", 1)])
    );
    // municipality counts ignore municipality=kranj but apply the type filter: c, d, f.
    assert_eq!(
        facet_counts(&v, "municipality"),
        counts(&[("kranj", 1), ("koper", 1), ("piran", 1), ("maribor", 1)])
    );
    // Other facets apply both filters: only f.
    assert_eq!(facet_counts(&v, "status"), counts(&[("open", 1)]));
    assert_eq!(
        facet_counts(&v, "region"),
        counts(&[("gorenjska", 1), ("obalno-kraska", 1)])
    );
    let selected: Vec<_> = v["facets"]["municipality"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["selected"] == true)
        .collect();
    assert_eq!(selected.len(), 1);
    assert_eq!(selected[0]["value"], "kranj");
}

#[tokio::test]
async fn regions_filter_through_their_municipalities() {
    let app = TempHandbook::fixture().app();
    let mut ids = app.ids("region=obalno-kraska").await;
    ids.sort();
    assert_eq!(
        ids,
        ["fasade-kranj-koper", "koper-najemnine", "piran-fasade"]
    );
}

#[tokio::test]
async fn status_is_computed_against_today() {
    let app = TempHandbook::fixture().app();
    let mut open = app.ids("status=open").await;
    open.sort();
    assert_eq!(
        open,
        [
            "fasade-kranj-koper",
            "kranj-najemnine",
            "vavcerji-digitalni-marketing"
        ]
    );
    assert_eq!(app.ids("status=closed").await, ["koper-najemnine"]);
    assert_eq!(app.ids("status=upcoming").await, ["piran-fasade"]);
    assert_eq!(app.ids("status=ongoing").await, ["maribor-procelja"]);
    assert_eq!(app.ids("status=upcoming&status=ongoing").await.len(), 2);
}

#[tokio::test]
async fn unknown_facet_keys_give_an_empty_result_not_an_error() {
    let app = TempHandbook::fixture().app();
    for q in [
        "municipality=atlantida",
        "status=someday",
        "type=%3Cscript%3E",
    ] {
        let v = app.json(&format!("/api/search?{q}")).await;
        assert_eq!(v["total"], 0, "{q}");
        let facet = q.split('=').next().unwrap();
        let selected = v["facets"][facet].as_array().unwrap();
        assert!(
            selected
                .iter()
                .any(|f| f["selected"] == true && f["count"] == 0),
            "{q}: {v}"
        );
    }
}

#[tokio::test]
async fn sort_by_deadline_puts_the_soonest_open_deadline_first() {
    let app = TempHandbook::fixture().app();
    assert_eq!(
        app.ids("sort=deadline").await,
        [
            "fasade-kranj-koper",           // 2024-06-20
            "kranj-najemnine",              // 2024-06-30
            "vavcerji-digitalni-marketing", // 2024-07-15
            "piran-fasade",                 // 2024-10-01
            "koper-najemnine",              // passed on 2024-01-31
            "maribor-procelja",             // no deadline
        ]
    );
}

#[tokio::test]
async fn sort_by_updated_puts_the_most_recently_checked_first() {
    let app = TempHandbook::fixture().app();
    assert_eq!(
        app.ids("sort=updated").await,
        [
            "vavcerji-digitalni-marketing",
            "piran-fasade",
            "kranj-najemnine",
            "fasade-kranj-koper",
            "koper-najemnine",
            "maribor-procelja"
        ]
    );
}

#[tokio::test]
async fn pages_split_the_results_and_a_page_past_the_end_is_empty() {
    let app = TempHandbook::fixture().app();
    let all = app.ids("sort=updated&per_page=100").await;
    let mut paged = Vec::new();
    for page in 1..=3 {
        let v = app
            .json(&format!("/api/search?sort=updated&per_page=2&page={page}"))
            .await;
        assert_eq!(v["total"], 6);
        assert_eq!(v["per_page"], 2);
        paged.extend(
            v["hits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| h["id"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(paged, all);
    let past = app.json("/api/search?per_page=2&page=4").await;
    assert_eq!(past["total"], 6);
    assert_eq!(past["hits"].as_array().unwrap().len(), 0);
    let far = app.json("/api/search?page=100000").await;
    assert_eq!(far["hits"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn text_matches_any_field_and_facet_labels() {
    let app = TempHandbook::fixture().app();
    // Without diacritics.
    assert_eq!(
        app.ids("q=vavcerji").await,
        ["vavcerji-digitalni-marketing"]
    );
    // Bilingual municipality name from the vocabulary.
    let mut koper = app.ids("q=Capodistria").await;
    koper.sort();
    assert_eq!(koper, ["fasade-kranj-koper", "koper-najemnine"]);
    // The Markdown body.
    assert_eq!(app.ids("q=dediščine").await, ["maribor-procelja"]);
}

#[tokio::test]
async fn a_title_match_ranks_above_a_summary_match() {
    let app = TempHandbook::fixture().app();
    // "pročelij" is in the Maribor title; "pročelja" in other summaries is another word form.
    let ids = app.ids("q=sofinanciranje").await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("maribor-procelja"),
        "{ids:?}"
    );
}

#[tokio::test]
async fn entries_with_every_word_rank_above_entries_with_some() {
    let app = TempHandbook::fixture().app();
    let ids = app.ids("q=fasade+kranju").await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("fasade-kranj-koper"),
        "{ids:?}"
    );
    let v = app.json("/api/search?q=fasade+kranju").await;
    let scores: Vec<f64> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores[0] >= 2000.0 && scores[1..].iter().all(|s| *s < 2000.0),
        "{scores:?}"
    );
    // No entry has both words: the ones with either are shown rather than nothing.
    let some = app.ids("q=piranu+vavcerji").await;
    assert_eq!(some.len(), 2, "{some:?}");
}

#[tokio::test]
async fn quoted_phrases_match_words_in_order() {
    let app = TempHandbook::fixture().app();
    let v = app.json("/api/search?q=%22starem+mestnem+jedru%22").await;
    let mut ids: Vec<_> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(ids, ["koper-najemnine", "kranj-najemnine"]);
    assert_eq!(app.ids("q=%22jedru+mestnem%22").await.len(), 0);
}

#[tokio::test]
async fn query_syntax_characters_are_searched_as_text() {
    let app = TempHandbook::fixture().app();
    for q in [
        "%22",
        "Piranu%22",
        "title%3APiranu",
        "(Piranu",
        "Piranu]",
        "*",
        "%2B%2D%21",
        "AND+OR+NOT",
        "%5C",
        "~2",
        "%7B%7D",
    ] {
        let a = app.get(&format!("/api/search?q={q}")).await;
        assert_eq!(a.status, StatusCode::OK, "{q}: {}", a.body);
    }
    assert_eq!(app.ids("q=title%3APiranu").await, ["piran-fasade"]);
}

#[tokio::test]
async fn snippets_mark_the_matched_words() {
    let app = TempHandbook::fixture().app();
    let v = app.json("/api/search?q=najemnino").await;
    // "Najemniki" (tenants) is marked too: the synonyms join the words for renting.
    assert_eq!(
        v["hits"][0]["snippet"],
        "<mark>Najemniki</mark> občinskih prostorov plačajo nižjo <mark>najemnino</mark>."
    );
}

#[tokio::test]
async fn bad_parameters_get_a_400_with_a_message() {
    let app = TempHandbook::fixture().app();
    let long = "a".repeat(1025);
    for uri in [
        "/api/search?page=0".to_string(),
        "/api/search?page=x".to_string(),
        "/api/search?per_page=101".to_string(),
        "/api/search?sort=price".to_string(),
        format!("/api/search?q={long}"),
    ] {
        let a = app.get(&uri).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(!a.json()["error"].as_str().unwrap().is_empty(), "{uri}");
        let page = app.get(&uri.replace("/api/search", "/")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(page.body.contains("<h1>"), "{uri}");
    }
    assert_eq!(
        app.get(&format!("/api/search?q={}", "a".repeat(1024)))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_measure_has_a_json_view_and_a_page() {
    let app = TempHandbook::fixture().app();
    let v = app.json("/api/measures/maribor-procelja").await;
    assert_eq!(v["id"], "maribor-procelja");
    assert_eq!(v["status"], "ongoing");
    assert_eq!(v["until_funds_run_out"], true);
    assert_eq!(
        v["permalink"],
        "https://prirocnik.example/measures/maribor-procelja"
    );
    assert_eq!(v["labels"]["region"][0]["label"], "Podravska");

    let page = app.get("/measures/maribor-procelja").await;
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "<h1>Sofinanciranje pročelij v Mariboru</h1>",
        "Zadnje preverjeno",
        "1. 12. 2023",
        "https://prirocnik.example/measures/maribor-procelja",
        "do porabe sredstev",
        "<strong>mestnem jedru</strong>",
        "Podravska",
    ] {
        assert!(page.body.contains(expected), "missing {expected}");
    }
}

#[tokio::test]
async fn a_former_id_redirects_permanently_to_the_current_one() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/measures/stari-kranj").await;
    assert_eq!(page.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(page.headers["location"], "/measures/kranj-najemnine");
    let api = app.get("/api/measures/stari-kranj").await;
    assert_eq!(api.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(api.headers["location"], "/api/measures/kranj-najemnine");
}

#[tokio::test]
async fn unknown_measures_and_pages_are_404() {
    let app = TempHandbook::fixture().app();
    assert_eq!(
        app.get("/measures/ni-ga").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/measures/..%2F..%2Fetc%2Fpasswd").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/api/measures/ni-ga").await.json()["status"], 404);
    assert_eq!(app.get("/nowhere").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_search_page_shows_results_facets_and_counts() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/?q=fasad&status=upcoming").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<html lang=\"sl\">"));
    assert!(
        page.body.contains("href=\"/measures/piran-fasade\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("<legend>Občina</legend>"));
    assert!(
        page.body
            .contains("name=\"status\" value=\"upcoming\" checked"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Kmalu"));
}

#[tokio::test]
async fn searches_are_sent_gzipped_to_clients_that_accept_it_and_plain_to_others() {
    use std::io::Read;
    let app = TempHandbook::fixture().app();
    for uri in ["/api/search?q=fasada&status=open", "/?q=fasada&status=open"] {
        let plain = app.get(uri).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert!(plain.headers.get("content-encoding").is_none(), "{uri}");
        assert_eq!(plain.headers["vary"], "accept-encoding", "{uri}");
        assert!(
            plain.body.contains("fasade-kranj-koper"),
            "{uri}: {}",
            plain.body
        );
        // Twice: the first answer is made, the second comes from the cache.
        for _ in 0..2 {
            let (status, headers, gzip) = app
                .get_bytes(uri, &[("accept-encoding", "br, gzip;q=0.8")])
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(headers["content-encoding"], "gzip", "{uri}");
            assert_eq!(headers["vary"], "accept-encoding", "{uri}");
            assert_eq!(
                headers["content-type"], plain.headers["content-type"],
                "{uri}"
            );
            let mut inflated = String::new();
            flate2::read::GzDecoder::new(&gzip[..])
                .read_to_string(&mut inflated)
                .unwrap();
            assert_eq!(inflated, plain.body, "{uri}");
        }
        let (_, headers, body) = app
            .get_bytes(uri, &[("accept-encoding", "gzip;q=0, identity")])
            .await;
        assert!(headers.get("content-encoding").is_none(), "{uri}");
        assert_eq!(String::from_utf8(body).unwrap(), plain.body, "{uri}");
    }
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/healthz").await;
    assert_eq!((a.status, a.body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn analyze_shows_the_terms_of_a_text() {
    let app = TempHandbook::fixture().app();
    let v = app
        .json("/api/analyze?text=Najemnine+v+sredi%C5%A1%C4%8Du")
        .await;
    let terms = v["terms"].as_array().unwrap();
    let triples: Vec<_> = terms
        .iter()
        .map(|t| {
            (
                t["folded"].as_str().unwrap(),
                t["term"].as_str().unwrap(),
                t["stop"].as_bool().unwrap(),
            )
        })
        .collect();
    // `term` is the index term, not the word again; `stem` stays for older clients.
    for t in terms {
        assert_eq!(t["term"], t["stem"], "{t}");
    }
    assert_eq!(
        triples,
        [
            ("najemnine", "najemnin", false),
            ("v", "v", true),
            ("srediscu", "sredisc", false)
        ]
    );
    let too_long = app
        .get(&format!("/api/analyze?text={}", "a".repeat(17 * 1024)))
        .await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
}

/// A call of the series `kranj-najemnine-mestno-jedro` with these dates (today is 2024-06-15).
fn rent_call(title: &str, dates: &str) -> String {
    crate::common::fixture_entry(&format!(
        "title = \"{title}\"\nsummary = \"Občina krije del najemnine.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"subvencija-najemnine\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-03-01\nseries = \"kranj-najemnine-mestno-jedro\"\n{dates}"
    ))
}

#[tokio::test]
async fn the_calls_of_a_series_link_to_each_other_newest_year_first() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/kranj-najemnine-2018.toml",
        &rent_call("Najemnine 2018", "open_until = 2018-04-15\n"),
    );
    hb.write(
        "measures/kranj/kranj-najemnine-2020.toml",
        &rent_call("Najemnine 2020", "open_until = 2020-04-15\n"),
    );
    // No dates: the year comes from the id.
    hb.write(
        "measures/kranj/kranj-najemnine-2016.toml",
        &rent_call("Najemnine 2016", "closed = true\n"),
    );
    hb.write(
        "measures/kranj/kranj-fasade-2019.toml",
        &crate::common::fixture_entry(
            "title = \"Fasade 2019\"\nsummary = \"Pročelja.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"sofinanciranje-fasad\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-03-01\nclosed = true\nseries = \"kranj-fasade\"\n",
        ),
    );
    let app = hb.app();

    let v = app.json("/api/measures/kranj-najemnine-2018").await;
    assert_eq!(v["series"], "kranj-najemnine-mestno-jedro");
    let calls: Vec<(&str, i64)> = v["series_calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_str().unwrap(), c["year"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        calls,
        [
            ("kranj-najemnine-2020", 2020),
            ("kranj-najemnine-2016", 2016)
        ]
    );
    assert_eq!(
        v["series_calls"][0]["permalink"],
        "https://prirocnik.example/measures/kranj-najemnine-2020"
    );
    // Every call reaches every other one.
    for id in [
        "kranj-najemnine-2016",
        "kranj-najemnine-2018",
        "kranj-najemnine-2020",
    ] {
        let v = app.json(&format!("/api/measures/{id}")).await;
        assert_eq!(v["series_calls"].as_array().unwrap().len(), 2, "{id}");
    }
    let lone = app.json("/api/measures/kranj-fasade-2019").await;
    assert_eq!(lone["series_calls"].as_array().unwrap().len(), 0);

    let page = app.get("/measures/kranj-najemnine-2018").await;
    let series = &page.body[page.body.find("id=\"series-h\"").expect("a series section")..];
    let (newer, older) = (
        series.find("/measures/kranj-najemnine-2020").unwrap(),
        series.find("/measures/kranj-najemnine-2016").unwrap(),
    );
    assert!(newer < older, "newest first");
    assert!(
        !series[..series.find("</section>").unwrap()].contains("/measures/kranj-najemnine-2018\"")
    );

    let results = app.get("/?q=najemnine+2018").await;
    let hit = &results.body[results.body.find("Najemnine 2018</a>").unwrap()..];
    let hit = &hit[..hit.find("</li>").unwrap()];
    assert!(hit.contains("Tudi: "), "{hit}");
    let links = &hit[hit.find("Tudi: ").unwrap()..];
    let (newer, older) = (
        links.find(">2020<span").unwrap(),
        links.find(">2016<span").unwrap(),
    );
    assert!(newer < older, "{hit}");
    assert!(
        links.contains("<span class=\"visually-hidden\">: Najemnine 2020</span>"),
        "{hit}"
    );
}

#[test]
fn a_series_with_one_call_is_a_warning_and_a_bad_series_key_an_error() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/kranj-najemnine-2018.toml",
        &rent_call("Najemnine 2018", "open_until = 2018-04-15\n"),
    );
    hb.write(
        "measures/kranj/kranj-najemnine-2019.toml",
        &rent_call("Najemnine 2019", "open_until = 2019-04-15\n").replace(
            "series = \"kranj-najemnine-mestno-jedro\"",
            "series = \"Kranj najemnine\"",
        ),
    );
    let resolved = handbook::handbook::folder::Handbook::load(hb.root(), crate::common::today())
        .unwrap()
        .resolve();
    let codes: Vec<(&str, bool)> = resolved
        .problems
        .iter()
        .map(|d| (d.code, d.is_error()))
        .collect();
    assert!(codes.contains(&("series-of-one", false)), "{codes:?}");
    assert!(codes.contains(&("invalid-series", true)), "{codes:?}");
}

#[tokio::test]
async fn a_standing_measure_confirmed_long_ago_is_not_shown_as_running() {
    let hb = TempHandbook::empty();
    let standing = |title: &str, year: i32| {
        crate::common::fixture_entry(&format!(
            "title = \"{title}\"\nsummary = \"Odlok o nižji najemnini.\"\nmunicipalities = [\"koper\"]\ntypes = [\"subvencija-najemnine\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-03-01\nlast_confirmed = {year}\n"
        ))
    };
    // Today is 2024-06-15: confirmed in 2022, it runs until the end of 2024; in 2021, not.
    hb.write(
        "measures/koper/odlok-2021.toml",
        &standing("Odlok 2021", 2021),
    );
    hb.write(
        "measures/koper/odlok-2022.toml",
        &standing("Odlok 2022", 2022),
    );
    let app = hb.app();
    assert_eq!(app.ids("status=unconfirmed").await, ["odlok-2021"]);
    assert_eq!(app.ids("status=ongoing").await, ["odlok-2022"]);
    let v = app.json("/api/search").await;
    assert_eq!(
        facet_counts(&v, "status"),
        counts(&[("ongoing", 1), ("unconfirmed", 1)])
    );
    let old = app.json("/api/measures/odlok-2021").await;
    assert_eq!(
        (old["status"].as_str(), old["last_confirmed"].as_i64()),
        (Some("unconfirmed"), Some(2021))
    );

    let page = app.get("/measures/odlok-2021").await;
    assert!(page.body.contains("Ni nedavno potrjeno"), "{}", page.body);
    assert!(page.body.contains("nazadnje potrjen leta 2021"));
    let page = app.get("/measures/odlok-2022?lang=en").await;
    assert!(page.body.contains("Last confirmed by a source"));
    assert!(!page.body.contains("last confirmed in"));
}

#[tokio::test]
async fn browsing_without_words_lists_open_and_upcoming_then_standing_then_closed_newest_first() {
    let hb = TempHandbook::empty();
    let entry = |title: &str, dates: &str| {
        crate::common::fixture_entry(&format!(
            "title = \"{title}\"\nsummary = \"Ukrep.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcinski-proracun\"]\nupdated = 2024-03-01\n{dates}"
        ))
    };
    // Titles in alphabetical order against the expected order, so that order by title alone fails.
    for (id, dates) in [
        ("a-zaprto-brez-datuma", "closed = true\n"),
        ("b-zaprto-2019", "open_until = 2019-05-01\n"),
        ("c-nepotrjeno", "last_confirmed = 2018\n"),
        ("d-zaprto-2023", "open_from = 2023-02-01\nclosed = true\n"),
        ("e-stalno", ""),
        ("f-kmalu", "open_from = 2024-09-01\n"),
        ("g-odprto", "open_until = 2024-07-01\n"),
    ] {
        hb.write(&format!("measures/kranj/{id}.toml"), &entry(id, dates));
    }
    let ids = hb.app().ids("").await;
    assert_eq!(
        ids,
        [
            "g-odprto",
            "f-kmalu",
            "e-stalno",
            "c-nepotrjeno",
            "d-zaprto-2023",
            "b-zaprto-2019",
            "a-zaprto-brez-datuma"
        ]
    );
}

/// A slip of the fingers can make a word the analysers take far from the one meant ("posoila"
/// for a verb in -iti, "popalve" to "pop" as in "pop-up"; "Kopet" is a letter from "Koper",
/// but two from its stem "kopr"): the word as typed is one slip from a word of the text.
#[tokio::test]
async fn a_mistyped_word_finds_the_word_it_is_one_slip_from_as_the_text_writes_it() {
    let hb = crate::common::TempHandbook::empty();
    let entry = crate::common::summarised_entry;
    hb.write(
        "measures/kranj/posojila.toml",
        &entry("Ugodna posojila", "Posojila za mala podjetja."),
    );
    hb.write(
        "measures/kranj/poplave.toml",
        &entry(
            "Pomoč po ujmi",
            "Pomoč podjetjem, ki so jih prizadele poplave.",
        ),
    );
    hb.write(
        "measures/kranj/pop-up.toml",
        &entry("Pop-up trgovine", "Prazni lokali za pop up trgovine."),
    );
    hb.write(
        "measures/kranj/fasade.toml",
        &entry("Obnova fasad", "Fasade v starem mestnem jedru Koper."),
    );
    let app = hb.app();
    assert_eq!(app.ids("q=posoila").await, ["posojila"]);
    // Found beside what its (wrong) stem finds, which still matches a word of the text.
    assert!(app.ids("q=popalve").await.contains(&"poplave".to_string()));
    assert_eq!(app.ids("q=Kopet").await, ["fasade"]);
    let v = app.json("/api/search?q=posoila").await;
    assert!(
        v["hits"][0]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>Posojila</mark>")),
        "{}",
        v["hits"][0]["snippet"]
    );
}

/// A slip can leave a word whose stem starts another word's family: "investicie" (for
/// "investicije") has the key investici, which only the adjective "investicijski" goes on
/// from. The word one slip away, as the text writes it, is found beside that kin and first. A
/// word with kin and no neighbour but one of another first letter ("goste", guests; "pošte")
/// keeps to its kin, as fuzzy matching usually keeps the first letter.
#[tokio::test]
async fn a_mistyped_word_with_kin_by_accident_finds_the_word_it_is_one_slip_from() {
    let hb = crate::common::TempHandbook::empty();
    let entry = crate::common::summarised_entry;
    hb.write(
        "measures/kranj/investicije.toml",
        &entry(
            "Spodbude za investicije",
            "Nepovratna sredstva za investicije v opremo.",
        ),
    );
    hb.write(
        "measures/kranj/dokumentacija.toml",
        &entry(
            "Investicijska dokumentacija",
            "Sofinanciranje investicijske dokumentacije.",
        ),
    );
    hb.write(
        "measures/kranj/gostovanje.toml",
        &entry(
            "Gostovanje na sejmih",
            "Sofinanciranje gostovanja na tujih sejmih.",
        ),
    );
    hb.write(
        "measures/kranj/posta.toml",
        &entry(
            "Prostori stare pošte",
            "Najem prostorov v stavbi stare pošte.",
        ),
    );
    let app = hb.app();
    let found = app.ids("q=investicie").await;
    assert_eq!(
        found.first().map(String::as_str),
        Some("investicije"),
        "{found:?}"
    );
    assert!(found.contains(&"dokumentacija".to_string()), "{found:?}");
    assert_eq!(app.ids("q=goste").await, ["gostovanje"]);
}

/// A word with a slip is searched as the word meant: ranked by how well each measure matches
/// that word, and with its synonyms, as if it had been typed right.
#[tokio::test]
async fn a_mistyped_word_is_searched_as_the_word_meant_with_its_weight_and_synonyms() {
    let hb = crate::common::TempHandbook::empty();
    let entry = crate::common::summarised_entry;
    // Where every match of a slip scored alike, the title decided: "Ugodna" before "Za".
    hb.write(
        "measures/kranj/a-poplave.toml",
        &entry("Za podjetja", "Pomoč po poplavah."),
    );
    hb.write(
        "measures/kranj/b-posojila.toml",
        &entry(
            "Ugodna posojila",
            "Posojila za mala podjetja, za opremo, zaloge in stroje, tudi po poplavi.",
        ),
    );
    // One says "pročelja", the other only its synonym (a built-in group).
    hb.write(
        "measures/kranj/c-fasade.toml",
        &entry(
            "Obnova fasad",
            "Sofinanciranje fasad v starem mestnem jedru.",
        ),
    );
    hb.write(
        "measures/kranj/d-procelja.toml",
        &entry("Pročelja", "Nova pročelja hiš."),
    );
    let app = hb.app();
    assert_eq!(app.ids("q=popllave").await, ["a-poplave", "b-posojila"]);
    assert_eq!(
        app.ids("q=pro%C4%8Deelja").await,
        ["d-procelja", "c-fasade"]
    );
}
