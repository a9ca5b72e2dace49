//! Issue 22, "what fits me": `applies_in` (a municipality with the national measures),
//! `min_amount`, `closing`, places named in the words, and the `/fits` questionnaire, over the
//! fixture handbook with amounts, a few more measures and municipalities without measures.

use std::collections::BTreeSet;

use crate::common::{FIXTURE, TempHandbook, VOCABULARY, fixture_entry, summarised_entry};
use axum::http::StatusCode;
use serde_json::Value;

/// Municipalities beyond the fixture's; Ptuj and Slovenj Gradec have no measures of their own.
const MORE_VOCABULARY: &str = r#"
[municipality.novo-mesto]
label = "Novo mesto"
region = "Jugovzhodna Slovenija"
[municipality.ptuj]
label = "Ptuj"
region = "Podravska"
[municipality.slovenj-gradec]
label = "Slovenj Gradec"
region = "Koroška"
"#;

/// (folder, id, fields) beside the fixture's.
const MORE: &[(&str, &str, &str)] = &[
    (
        "kranj",
        "kranj-procelja",
        r#"title = "Lepša pročelja v starem mestnem jedru"
summary = "Denar za urejena pročelja trgovin in lokalov."
municipalities = ["kranj"]
types = ["sofinanciranje-fasad"]
sources = ["obcinski-proracun"]
beneficiaries = ["lastniki-stavb"]
updated = 2024-04-01
"#,
    ),
    (
        "slovenija",
        "energetska-prenova-procelij",
        r#"title = "Energetska prenova pročelij"
summary = "Nepovratna sredstva za toplotno izolacijo pročelij stavb."
municipalities = ["slovenija"]
types = ["sofinanciranje-fasad"]
sources = ["evropski-skladi"]
beneficiaries = ["lastniki-stavb"]
updated = 2024-02-02
open_until = 2024-06-16
max_amount_eur = 50000
"#,
    ),
    (
        "novo-mesto",
        "novo-mesto-spodbude",
        r#"title = "Spodbude za nova podjetja"
summary = "Občina podpira zagon podjetij v starem mestnem jedru."
municipalities = ["novo-mesto"]
types = ["vavcer"]
sources = ["obcinski-proracun"]
beneficiaries = ["mikro-podjetja"]
updated = 2024-01-10
open_until = 2024-12-31
"#,
    ),
    (
        "maribor",
        "maribor-spodbude",
        r#"title = "Spodbude in spodbude za podjetja v Mariboru"
summary = "Spodbude za podjetja, ki odprejo trgovino; spodbude za obrtnike."
municipalities = ["maribor"]
types = ["vavcer"]
sources = ["obcinski-proracun"]
beneficiaries = ["mikro-podjetja"]
updated = 2024-05-20
max_amount_eur = 1500
"#,
    ),
];

/// The most one beneficiary may get, by id; the others do not say.
fn amount(id: &str) -> Option<u64> {
    match id {
        "kranj-najemnine" => Some(2000),
        "vavcerji-digitalni-marketing" => Some(9999),
        "piran-fasade" => Some(20_000),
        "energetska-prenova-procelij" => Some(50_000),
        "maribor-spodbude" => Some(1500),
        _ => None,
    }
}

fn handbook() -> TempHandbook {
    let hb = TempHandbook::empty();
    hb.write("vocabulary.toml", &format!("{VOCABULARY}{MORE_VOCABULARY}"));
    for (folder, id, fields) in FIXTURE {
        let fields = match amount(id) {
            Some(a) => format!("{fields}max_amount_eur = {a}\n"),
            None => (*fields).to_string(),
        };
        hb.write(
            &format!("measures/{folder}/{id}.toml"),
            &fixture_entry(&fields),
        );
    }
    for (folder, id, fields) in MORE {
        hb.write(
            &format!("measures/{folder}/{id}.toml"),
            &fixture_entry(fields),
        );
    }
    hb
}

fn ids(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

fn municipalities(hit: &Value) -> Vec<String> {
    hit["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap().to_string())
        .collect()
}

/// The measure ids a page lists under `tag` headings, in order.
fn listed(html: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}");
    html.split(&open)
        .skip(1)
        .filter_map(|part| {
            let link = part.split_once("href=\"/measures/")?.1;
            let id = link.split(['"', '?']).next()?;
            Some(id.to_string())
        })
        .collect()
}

#[tokio::test]
async fn applies_in_gives_exactly_what_the_municipality_and_slovenija_as_values_give() {
    let app = handbook().app();
    for rest in [
        "",
        "&q=pro%C4%8Delja",
        "&q=najemnine",
        "&type=sofinanciranje-fasad",
        "&status=open&status=upcoming",
        "&sort=deadline",
        "&sort=updated&per_page=2&page=2",
        "&municipality=koper",
        "&min_amount=1000",
    ] {
        for place in ["kranj", "koper", "ptuj"] {
            let mut by_filter = app
                .json(&format!("/api/search?applies_in={place}{rest}"))
                .await;
            let mut by_values = app
                .json(&format!(
                    "/api/search?municipality={place}&municipality=slovenija{rest}"
                ))
                .await;
            by_filter.as_object_mut().unwrap().remove("places");
            by_values.as_object_mut().unwrap().remove("places");
            assert_eq!(by_filter, by_values, "applies_in={place}{rest}");
        }
    }
    let kranj = app.json("/api/search?applies_in=kranj").await;
    let found: BTreeSet<String> = ids(&kranj).into_iter().collect();
    assert_eq!(
        found,
        [
            "kranj-najemnine",
            "fasade-kranj-koper",
            "kranj-procelja",
            "vavcerji-digitalni-marketing",
            "energetska-prenova-procelij"
        ]
        .map(String::from)
        .into()
    );
}

#[tokio::test]
async fn a_municipality_without_measures_of_its_own_gets_the_national_ones() {
    let app = handbook().app();
    let v = app.json("/api/search?applies_in=ptuj").await;
    let found: BTreeSet<String> = ids(&v).into_iter().collect();
    assert_eq!(
        found,
        [
            "vavcerji-digitalni-marketing",
            "energetska-prenova-procelij"
        ]
        .map(String::from)
        .into()
    );
    for hit in v["hits"].as_array().unwrap() {
        assert_eq!(municipalities(hit), ["slovenija"]);
    }
}

#[tokio::test]
async fn facet_counts_under_applies_in_stay_disjunctive_and_exact() {
    let app = handbook().app();
    let v = app.json("/api/search?applies_in=kranj").await;
    let all = app.json("/api/search").await;
    // The municipality facet counts what every other filter lets through: all of them.
    assert_eq!(
        crate::common::facet_counts(&v, "municipality"),
        crate::common::facet_counts(&all, "municipality")
    );
    let selected: BTreeSet<&str> = v["facets"]["municipality"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["selected"] == true)
        .map(|f| f["value"].as_str().unwrap())
        .collect();
    assert_eq!(selected, ["kranj", "slovenija"].into());
    // Every other facet counts the measures of Kranj and the national ones.
    assert_eq!(
        crate::common::facet_counts(&v, "type"),
        crate::common::counts(&[
            ("subvencija-najemnine", 1),
            ("sofinanciranje-fasad", 3),
            ("vavcer", 1)
        ])
    );
    assert_eq!(v["total"], 5);
}

#[tokio::test]
async fn an_unknown_applies_in_is_still_the_municipality_pair_and_a_malformed_one_a_400() {
    let app = handbook().app();
    for (one, pair) in [
        (
            "applies_in=atlantida",
            "municipality=atlantida&municipality=slovenija",
        ),
        (
            "applies_in=atlantida&municipality=koper",
            "municipality=koper&municipality=atlantida&municipality=slovenija",
        ),
    ] {
        let a = app.json(&format!("/api/search?{one}&per_page=100")).await;
        let b = app.json(&format!("/api/search?{pair}&per_page=100")).await;
        assert_eq!(a["hits"], b["hits"], "{one}");
        assert_eq!(a["facets"], b["facets"], "{one}");
        assert!(
            a["total"].as_u64().unwrap() > 0,
            "{one}: the national measures"
        );
    }
    for bad in [
        "applies_in=Kranj",
        "applies_in=kranj%3Bdrop",
        "applies_in=kranj&applies_in=koper",
    ] {
        let a = app.get(&format!("/api/search?{bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}: {}", a.body);
        assert!(
            a.json()["error"].as_str().unwrap().contains("applies_in"),
            "{bad}"
        );
        let page = app.get(&format!("/?{bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn exports_and_the_feed_take_applies_in_min_amount_and_closing() {
    let app = handbook().app();
    for query in [
        "applies_in=kranj",
        "min_amount=5000",
        "closing=30&applies_in=koper",
    ] {
        let search = app.json(&format!("/api/search?{query}&per_page=100")).await;
        let mut want = ids(&search);
        want.sort();
        let export = app.json(&format!("/export.json?{query}")).await;
        assert_eq!(export["total"], search["total"], "{query}");
        let mut got: Vec<String> = export["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect();
        got.sort();
        assert_eq!(got, want, "{query}");
        let feed = app.get(&format!("/feed.atom?{query}")).await;
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(feed.body.matches("<entry>").count(), want.len(), "{query}");
        let csv = app.get(&format!("/export.csv?{query}")).await;
        assert_eq!(csv.status, StatusCode::OK);
        for id in &want {
            assert!(
                csv.body.contains(id.as_str()),
                "{query}: {id} not in the CSV"
            );
        }
    }
    let export = app
        .json("/export.json?applies_in=kranj&min_amount=10")
        .await;
    assert_eq!(export["query"]["applies_in"], "kranj");
    assert_eq!(export["query"]["min_amount"], 10);
}

#[tokio::test]
async fn min_amount_keeps_measures_worth_at_least_that_and_counts_those_of_unknown_amount() {
    let app = handbook().app();
    let all = app.json("/api/search?per_page=100").await;
    let unknown = ids(&all).iter().filter(|id| amount(id).is_none()).count();
    assert!(unknown > 0);
    for least in [0u64, 1500, 1501, 9999, 20_000, 50_001] {
        let v = app
            .json(&format!("/api/search?min_amount={least}&per_page=100"))
            .await;
        let mut want: Vec<String> = ids(&all)
            .into_iter()
            .filter(|id| amount(id).is_some_and(|a| a >= least))
            .collect();
        let mut got = ids(&v);
        want.sort();
        got.sort();
        assert_eq!(got, want, "min_amount={least}");
        assert_eq!(v["excluded_unknown_amount"], unknown, "min_amount={least}");
        // Each hit carries the amount it was kept for.
        for hit in v["hits"].as_array().unwrap() {
            let got = hit["max_amount_eur"].as_u64();
            assert!(got.is_some_and(|a| a >= least), "{hit}");
            assert_eq!(got, amount(hit["id"].as_str().unwrap()));
        }
    }
    // A fitting measure is found, and the count of unknown amounts follows the other filters.
    let v = app
        .json("/api/search?min_amount=1000&applies_in=kranj")
        .await;
    let got: BTreeSet<String> = ids(&v).into_iter().collect();
    assert_eq!(
        got,
        [
            "kranj-najemnine",
            "vavcerji-digitalni-marketing",
            "energetska-prenova-procelij"
        ]
        .map(String::from)
        .into()
    );
    assert_eq!(
        v["excluded_unknown_amount"], 2,
        "fasade-kranj-koper and kranj-procelja"
    );
    let none = app.json("/api/search").await;
    assert_eq!(none["excluded_unknown_amount"], 0);
    let page = app.get("/?min_amount=1000&applies_in=kranj").await;
    assert!(
        page.body
            .contains("2 ukrepa brez navedenega zneska nista prikazana"),
        "the page says how many were left out"
    );
}

#[tokio::test]
async fn closing_keeps_the_calls_whose_deadline_falls_within_the_next_days() {
    // Today is 2024-06-15.
    let app = handbook().app();
    let cases: [(u32, &[&str]); 4] = [
        (1, &["energetska-prenova-procelij"]),
        (5, &["energetska-prenova-procelij", "fasade-kranj-koper"]),
        (
            30,
            &[
                "energetska-prenova-procelij",
                "fasade-kranj-koper",
                "kranj-najemnine",
                "vavcerji-digitalni-marketing",
            ],
        ),
        (
            200,
            &[
                "energetska-prenova-procelij",
                "fasade-kranj-koper",
                "kranj-najemnine",
                "novo-mesto-spodbude",
                "piran-fasade",
                "vavcerji-digitalni-marketing",
            ],
        ),
    ];
    for (days, want) in cases {
        let v = app
            .json(&format!("/api/search?closing={days}&per_page=100"))
            .await;
        let mut got = ids(&v);
        got.sort();
        assert_eq!(got, want, "closing={days}");
        let last = crate::common::today() + chrono::Days::new(u64::from(days));
        for hit in v["hits"].as_array().unwrap() {
            let until: chrono::NaiveDate = hit["open_until"].as_str().unwrap().parse().unwrap();
            assert!(until >= crate::common::today() && until <= last, "{hit}");
            assert_ne!(hit["status"], "closed", "{hit}");
        }
    }
    let page = app.get("/").await;
    assert!(page.body.contains(r#"name="closing" value="30""#));
    assert!(page.body.contains("Zapre se v 30 dneh"));
    let en = app.get("/?closing=30&lang=en").await;
    assert!(en.body.contains("Closes within 30 days"));
    assert!(en.body.contains(r#"name="closing" value="30" checked"#));
}

#[tokio::test]
async fn bad_amounts_and_days_get_a_400_that_names_the_parameter() {
    let app = handbook().app();
    for (bad, name) in [
        ("min_amount=-1", "min_amount"),
        ("min_amount=12.5", "min_amount"),
        ("min_amount=lots", "min_amount"),
        ("min_amount=100000000000000000000000", "min_amount"),
        ("closing=0", "closing"),
        ("closing=-30", "closing"),
        ("closing=3651", "closing"),
        ("closing=soon", "closing"),
        ("national=maybe", "national"),
    ] {
        for route in ["/api/search", "/export.json", "/export.csv", "/feed.atom"] {
            let a = app.get(&format!("{route}?{bad}")).await;
            assert_eq!(
                a.status,
                StatusCode::BAD_REQUEST,
                "{route}?{bad}: {}",
                a.body
            );
            assert!(a.body.contains(name), "{route}?{bad}: {}", a.body);
        }
        let page = app.get(&format!("/?{bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "/?{bad}");
        assert!(page.body.contains(name), "/?{bad}");
    }
}

#[tokio::test]
async fn a_place_named_in_the_words_ranks_its_measures_then_the_national_ones_first() {
    let app = handbook().app();
    let v = app.json("/api/search?q=pro%C4%8Delja+v+Kranju").await;
    assert_eq!(v["places"], serde_json::json!(["kranj"]));
    let hits = v["hits"].as_array().unwrap();
    let places: Vec<u8> = hits
        .iter()
        .map(|h| {
            let m = municipalities(h);
            if m.iter().any(|m| m == "kranj") {
                0
            } else if m.iter().any(|m| m == "slovenija") {
                1
            } else {
                2
            }
        })
        .collect();
    assert!(places.windows(2).all(|w| w[0] <= w[1]), "{places:?}: {v}");
    assert_eq!(places.first(), Some(&0));
    assert!(places.contains(&1) && places.contains(&2), "{places:?}");
    // The place words are not required: what "pročelja" finds is found, and every measure of
    // Kranj, whatever its text says.
    let found: BTreeSet<String> = ids(&v).into_iter().collect();
    let mut want: BTreeSet<String> = ids(&app.json("/api/search?q=pro%C4%8Delja").await)
        .into_iter()
        .collect();
    want.extend(ids(&app.json("/api/search?municipality=kranj").await));
    assert_eq!(found, want);
    assert!(found.contains("kranj-procelja"));
}

#[tokio::test]
async fn national_measures_come_before_other_towns_and_the_place_needs_no_other_word() {
    let app = handbook().app();
    let v = app.json("/api/search?q=vav%C4%8Derji+v+Kranju").await;
    assert_eq!(v["places"], serde_json::json!(["kranj"]));
    let got = ids(&v);
    let at = |id: &str| {
        got.iter()
            .position(|x| x == id)
            .unwrap_or_else(|| panic!("{id} not in {got:?}"))
    };
    // Kranj has no voucher: the national one comes before those of other towns.
    assert!(
        at("vavcerji-digitalni-marketing") < at("maribor-spodbude"),
        "{got:?}"
    );
    assert!(
        at("vavcerji-digitalni-marketing") < at("novo-mesto-spodbude"),
        "{got:?}"
    );
    // Kranj's own measures are found though none says "vavčer" or "Kranju".
    assert!(
        at("kranj-procelja") < at("vavcerji-digitalni-marketing"),
        "{got:?}"
    );
    // Without the place, the same words find no measure of Kranj.
    let plain = ids(&app.json("/api/search?q=vav%C4%8Derji").await);
    assert!(!plain.contains(&"kranj-procelja".to_string()), "{plain:?}");
}

#[tokio::test]
async fn a_question_what_the_state_gives_ranks_the_national_measures_first() {
    let app = handbook().app();
    let v = app
        .json("/api/search?q=ali+dr%C5%BEava+sofinancira+pro%C4%8Delja")
        .await;
    assert_eq!(v["places"], serde_json::json!(["slovenija"]), "{v}");
    let national: Vec<bool> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| municipalities(h).iter().any(|m| m == "slovenija"))
        .collect();
    assert!(
        national.windows(2).all(|w| w[0] >= w[1]),
        "{national:?}: {v}"
    );
    assert!(
        national.contains(&true) && national.contains(&false),
        "{national:?}"
    );
    // The page offers the national measures alone.
    let page = app
        .get("/?q=ali+dr%C5%BEava+sofinancira+pro%C4%8Delja")
        .await;
    assert!(
        page.body.contains("Pokaži samo državne ukrepe"),
        "{}",
        page.body
    );
    assert!(page.body.contains("applies_in=slovenija"));
    // State aid, the rule, is not the state.
    let aid = app.json("/api/search?q=dr%C5%BEavna+pomo%C4%8D").await;
    assert_eq!(aid["places"], serde_json::json!([]));
}

#[tokio::test]
async fn places_are_found_in_any_case_form_with_or_without_diacritics() {
    let app = handbook().app();
    for (q, place, first) in [
        (
            "spodbude+Novega+mesta",
            "novo-mesto",
            Some("novo-mesto-spodbude"),
        ),
        (
            "spodbude+v+novem+mestu",
            "novo-mesto",
            Some("novo-mesto-spodbude"),
        ),
        ("najemnine+v+Kopru", "koper", Some("koper-najemnine")),
        ("najemnine+Capodistria", "koper", Some("koper-najemnine")),
        (
            "vavcerji+v+Slovenj+Gradcu",
            "slovenj-gradec",
            Some("vavcerji-digitalni-marketing"),
        ),
        (
            "fasade+na+Ptuju",
            "ptuj",
            Some("energetska-prenova-procelij"),
        ),
    ] {
        let v = app.json(&format!("/api/search?q={q}")).await;
        assert_eq!(v["places"], serde_json::json!([place]), "{q}");
        assert_eq!(
            ids(&v).first().map(String::as_str),
            first,
            "{q}: {:?}",
            ids(&v)
        );
    }
    let v = app.json("/api/search?q=najemnine").await;
    assert_eq!(v["places"], serde_json::json!([]));
}

#[tokio::test]
async fn a_town_named_by_its_adjective_ranks_its_measures_first_unless_the_handbook_says_it_of_others()
 {
    let app = handbook().app();
    for (q, place, first) in [
        // "pročelja kranjskih hiš": no measure says "kranjski".
        (
            "pro%C4%8Delja+kranjskih+hi%C5%A1",
            "kranj",
            "kranj-procelja",
        ),
        ("koprske+najemnine", "koper", "koper-najemnine"),
        (
            "novome%C5%A1ke+spodbude",
            "novo-mesto",
            "novo-mesto-spodbude",
        ),
        ("mariborska+ob%C4%8Dina", "maribor", "maribor-spodbude"),
    ] {
        let v = app.json(&format!("/api/search?q={q}")).await;
        assert_eq!(v["places"], serde_json::json!([place]), "{q}");
        assert_eq!(
            ids(&v).first().map(String::as_str),
            Some(first),
            "{q}: {:?}",
            ids(&v)
        );
    }
    // Ptuj has no measures: its adjective names nothing.
    let v = app.json("/api/search?q=ptujske+fasade").await;
    assert_eq!(v["places"], serde_json::json!([]), "{v}");
    // Where the handbook says the adjective of other things (the Carniolan bee is "kranjska
    // čebela"), it is a word, and finds what says it.
    let hb = handbook();
    hb.write(
        "measures/slovenija/kranjska-cebela.toml",
        &fixture_entry(
            r#"title = "Promocija kranjske čebele"
summary = "Čebelarji dobijo denar za stojnice z medom kranjske čebele."
municipalities = ["slovenija"]
types = ["vavcer"]
sources = ["evropski-skladi"]
beneficiaries = ["mikro-podjetja"]
updated = 2024-03-01
"#,
        ),
    );
    let app = hb.app();
    let v = app.json("/api/search?q=kranjske+%C4%8Debele").await;
    assert_eq!(v["places"], serde_json::json!([]), "{v}");
    assert_eq!(ids(&v), ["kranjska-cebela"]);
}

#[tokio::test]
async fn the_page_offers_to_turn_a_place_in_the_words_into_the_filter() {
    let app = handbook().app();
    let page = app.get("/?q=najemnine+v+Kranju").await;
    assert!(
        page.body
            .contains("Pokaži samo ukrepe za Kranj (in državne)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("applies_in=kranj"));
    let en = app.get("/?q=najemnine+v+Kranju&lang=en").await;
    assert!(
        en.body
            .contains("Show only measures for Kranj (and national ones)")
    );
    let filtered = app.get("/?q=najemnine+v+Kranju&applies_in=kranj").await;
    assert!(!filtered.body.contains("Pokaži samo ukrepe za Kranj"));
}

#[tokio::test]
async fn one_municipality_on_the_page_offers_to_include_the_national_measures() {
    let app = handbook().app();
    // Ticking one municipality sends the box's default with it: national measures included.
    let ticked = app.get("/?municipality=kranj&national=1").await;
    assert_eq!(ticked.status, StatusCode::OK);
    assert!(
        ticked
            .body
            .contains(r#"id="f-national" name="national" value="1" checked"#)
    );
    assert!(ticked.body.contains("Vključi državne ukrepe"));
    assert_eq!(
        listed(&ticked.body, "h2"),
        listed(&app.get("/?applies_in=kranj").await.body, "h2")
    );
    assert!(listed(&ticked.body, "h2").contains(&"vavcerji-digitalni-marketing".to_string()));
    // Cleared, the box stays and only Kranj's measures are listed.
    let cleared = app.get("/?municipality=kranj").await;
    assert!(
        cleared
            .body
            .contains(r#"id="f-national" name="national" value="1">"#)
    );
    assert!(!listed(&cleared.body, "h2").contains(&"vavcerji-digitalni-marketing".to_string()));
    // No municipality: the default rides along hidden; two: no box.
    let none = app.get("/").await;
    assert!(
        none.body
            .contains(r#"<input type="hidden" name="national" value="1">"#)
    );
    let two = app.get("/?municipality=kranj&municipality=koper").await;
    assert!(!two.body.contains(r#"id="f-national""#));
    // Shared, the search is applies_in.
    assert!(
        ticked
            .body
            .contains(r#"id="share" href="/?applies_in=kranj""#)
    );
}

#[tokio::test]
async fn the_questionnaire_is_a_get_form_with_a_municipality_field_linked_from_the_front_page() {
    let app = handbook().app();
    let front = app.get("/").await;
    assert!(front.body.contains(r#"href="/fits""#));
    assert!(front.body.contains("Kaj mi pripada?"));
    let page = app.get("/fits").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains(r#"<form class="fits" id="fits" action="/fits" method="get">"#));
    assert!(body.contains(r#"<select id="fits-municipality" name="municipality" aria-describedby="fits-municipality-hint">"#));
    assert!(body.contains(r#"<label for="fits-municipality">"#));
    assert!(body.contains(r#"<option value="ptuj">Ptuj</option>"#));
    assert!(!body.contains(r#"<option value="slovenija""#));
    assert_eq!(body.matches("<legend>").count(), 3);
    assert!(body.contains(r#"name="beneficiary" value="mikro-podjetja""#));
    assert!(body.contains(r#"name="purpose" value="premises""#));
    // Every control has its label.
    for id in body.split(r#"<input type="checkbox" id=""#).skip(1) {
        let id = id.split('"').next().unwrap();
        assert!(
            body.contains(&format!(r#"<label for="{id}">"#)),
            "{id} has no label"
        );
    }
    assert!(
        !body.contains("fits-results"),
        "no answer before the questions"
    );
    let en = app.get("/fits?lang=en").await;
    assert!(en.body.contains("What fits me?"));
    assert!(
        en.body
            .contains(r#"<input type="hidden" name="lang" value="en">"#)
    );
    assert!(en.body.contains("Who are you?"));
}

#[tokio::test]
async fn the_answer_is_the_search_with_applies_in_and_says_why_each_result_fits() {
    let app = handbook().app();
    let page = app
        .get("/fits?municipality=kranj&beneficiary=mikro-podjetja&beneficiary=lastniki-stavb")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let search = app
        .json("/api/search?applies_in=kranj&beneficiary=mikro-podjetja&beneficiary=lastniki-stavb")
        .await;
    let listed = listed(&page.body, "h3");
    assert_eq!(listed, ids(&search));
    assert!(!listed.is_empty());
    // Open and upcoming calls first, then standing measures, then the record of closed ones.
    let rank = |s: &str| match s {
        "open" | "upcoming" => 0,
        "ongoing" | "unconfirmed" => 1,
        _ => 2,
    };
    let statuses: Vec<u8> = search["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| rank(h["status"].as_str().unwrap()))
        .collect();
    assert!(statuses.windows(2).all(|w| w[0] <= w[1]), "{statuses:?}");
    assert!(
        page.body
            .contains("Velja v vaši občini · za: mikro podjetja")
    );
    assert!(
        page.body
            .contains("Velja po vsej Sloveniji · za: lastniki stavb")
    );
    assert!(page.body.contains(
        r#"href="/?beneficiary=mikro-podjetja&amp;beneficiary=lastniki-stavb&amp;applies_in=kranj""#
    ));
    assert!(page.body.contains(r#"<option value="kranj" selected>"#));
    let en = app
        .get("/fits?municipality=kranj&beneficiary=mikro-podjetja&lang=en")
        .await;
    assert!(
        en.body
            .contains("Applies in your municipality · for: mikro podjetja")
    );
}

#[tokio::test]
async fn purposes_choose_their_types_and_name_themselves_in_the_reason() {
    let app = handbook().app();
    let page = app.get("/fits?municipality=ptuj&purpose=facade").await;
    let search = app
        .json("/api/search?applies_in=ptuj&type=sofinanciranje-fasad&type=obnova-kulturne-dediscine&type=urbana-prenova")
        .await;
    assert_eq!(listed(&page.body, "h3"), ids(&search));
    assert_eq!(listed(&page.body, "h3"), ["energetska-prenova-procelij"]);
    assert!(
        page.body
            .contains("Velja po vsej Sloveniji · obnova fasade ali stavbe")
    );
    let rent = app.get("/fits?municipality=koper&purpose=premises").await;
    assert_eq!(listed(&rent.body, "h3"), ["koper-najemnine"]);
    let everything = app.get("/fits?municipality=").await;
    assert_eq!(listed(&everything.body, "h3").len(), 10);
}

#[tokio::test]
async fn bad_answers_get_a_400_and_an_unknown_municipality_only_the_national_measures() {
    let app = handbook().app();
    for bad in [
        "purpose=flying",
        "municipality=Kranj%21",
        "beneficiary=two+words",
        "page=0",
        "page=lots",
    ] {
        let a = app.get(&format!("/fits?{bad}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    // As with `applies_in`: a municipality the vocabulary does not know adds nothing, and
    // the national measures apply everywhere.
    let unknown = app.get("/fits?municipality=atlantida").await;
    assert_eq!(unknown.status, StatusCode::OK);
    let mut got = listed(&unknown.body, "h3");
    got.sort();
    let national = app
        .json("/api/search?municipality=slovenija&per_page=100")
        .await;
    let mut want: Vec<String> = national["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[tokio::test]
async fn a_word_said_twice_before_a_place_changes_nothing() {
    let app = handbook().app();
    // The place is found among the words as typed; the word said twice counts once.
    let twice = app
        .json("/api/search?q=pro%C4%8Delja+pro%C4%8Delje+v+Kranju")
        .await;
    let once = app.json("/api/search?q=pro%C4%8Delja+v+Kranju").await;
    assert_eq!(twice["places"], serde_json::json!(["kranj"]));
    assert_eq!(ids(&twice), ids(&once));
    assert_eq!(twice["total"], once["total"]);
}

#[tokio::test]
async fn a_place_named_with_a_slip_is_still_the_place_but_a_word_the_handbook_has_is_not() {
    let app = handbook().app();
    for (q, place) in [("Marihor", "maribor"), ("v+Kopen", "koper")] {
        let v = app.json(&format!("/api/search?q={q}")).await;
        assert_eq!(v["places"], serde_json::json!([place]), "{q}: {v}");
    }
    // "kopen" (of the land) is one slip from "Koper", but a handbook that has the word means it.
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/kopno.toml",
        &summarised_entry("Prevozi", "Kopen promet v mestu."),
    );
    let v = hb.app().json("/api/search?q=v+Kopen").await;
    assert_eq!(v["places"], serde_json::json!([]), "{v}");
}
