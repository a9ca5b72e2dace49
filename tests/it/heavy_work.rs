//! Heavy work against everyone else's searches: an export is sent in chunks as it is written
//! (it holds a few, never the whole handbook) and runs in a small pool of turns that answers
//! 503 with `Retry-After` when full; a search may look up only so many words (400 beyond, as
//! JSON and as a page) and only so many with typos; and a search of many words waits for the
//! heavy pool, not for a search slot. The pool is held here by an export whose client reads one
//! chunk and stops, so nothing depends on timing.

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode};
use handbook::search::request::{MAX_QUERY_WORDS, MAX_TYPO_WORDS};
use handbook::web::{EXPORT_CHUNK_BYTES, HEAVY_QUERY_WORDS, Limits};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::common::{Answer, App, TempHandbook};

/// Entries of the big handbook: enough that its exports are many chunks, more than the
/// writer may be ahead of a client that stops reading.
const ENTRIES: usize = 300;

/// A handbook of `ENTRIES` entries with long summaries (about 1.6 KB each).
pub(crate) fn big_handbook() -> TempHandbook {
    let hb = TempHandbook::empty();
    let summary =
        "Občina sofinancira obnovo poslovnih prostorov v starem mestnem jedru. ".repeat(24);
    for i in 0..ENTRIES {
        hb.write(
            &format!("measures/big/ukrep-{i:03}.toml"),
            &format!(
                "title = \"Ukrep številka {i}\"\nsummary = \"{summary}\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcinski-proracun\"]\nprovider = \"MO Kranj\"\nupdated = 2024-01-01\n"
            ),
        );
    }
    hb
}

/// The status and every data frame of the body, as the connection would get them.
async fn frames(app: &App, uri: &str) -> (StatusCode, Vec<Bytes>) {
    let res = app
        .router
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let mut body = res.into_body();
    let mut frames = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            frames.push(data);
        }
    }
    (status, frames)
}

/// Starts an export whose client reads one chunk and then nothing: it holds its turn in the
/// heavy pool as long as the returned body lives.
pub(crate) async fn export_that_stops_reading(app: &App) -> Body {
    let res = app
        .router
        .clone()
        .oneshot(Request::get("/export.json").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let first = body.frame().await.unwrap().unwrap();
    assert!(first.is_data());
    body
}

/// One turn of heavy work, and a second to wait for one before a 503.
pub(crate) fn one_turn() -> Limits {
    Limits {
        heavy: 1,
        heavy_wait: Duration::from_secs(1),
    }
}

fn assert_busy_with_retry_after(uri: &str, a: &Answer) {
    assert_eq!(
        a.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{uri}: {}",
        a.body
    );
    let retry = a
        .headers
        .get("retry-after")
        .unwrap_or_else(|| panic!("{uri}: no Retry-After"));
    let seconds: u64 = retry.to_str().unwrap().parse().unwrap();
    assert!(seconds >= 1, "{uri}: Retry-After {seconds}");
    assert!(a.body.contains("try again"), "{uri}: {}", a.body);
}

/// `n` different words, none a stop word.
pub(crate) fn words(n: usize) -> String {
    (0..n)
        .map(|i| format!("beseda{i}"))
        .collect::<Vec<_>>()
        .join("+")
}

#[tokio::test]
async fn a_json_export_is_sent_in_chunks_and_holds_every_entry_as_the_api_gives_it() {
    let app = big_handbook().app();
    let (status, frames) = frames(&app, "/export.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(frames.len() > 1, "one piece of {} bytes", frames[0].len());
    for f in &frames {
        assert!(
            f.len() <= EXPORT_CHUNK_BYTES,
            "a chunk of {} bytes",
            f.len()
        );
    }
    let body = String::from_utf8(frames.concat()).unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    // Written as the whole document pretty-printed at once always was.
    assert_eq!(serde_json::to_string_pretty(&v).unwrap(), body);
    assert_eq!(v["total"], ENTRIES);
    let measures = v["measures"].as_array().unwrap();
    assert_eq!(measures.len(), ENTRIES);
    for m in measures {
        let id = m["id"].as_str().unwrap();
        let mut api = app.json(&format!("/api/measures/{id}")).await;
        // The version from git is the API's alone: an export of 10,000 entries would read
        // 10,000 files and blobs to say it (docs/history.md).
        for field in ["version", "version_date", "uncommitted", "history"] {
            assert!(
                api.as_object_mut().unwrap().remove(field).is_some(),
                "{field}"
            );
        }
        assert_eq!(*m, api, "{id}");
    }
}

#[tokio::test]
async fn a_csv_export_is_sent_in_chunks_with_one_byte_order_mark_and_every_row() {
    let app = big_handbook().app();
    let (status, frames) = frames(&app, "/export.csv").await;
    assert_eq!(status, StatusCode::OK);
    assert!(frames.len() > 1, "one piece of {} bytes", frames[0].len());
    let body = String::from_utf8(frames.concat()).unwrap();
    assert!(body.starts_with('\u{feff}'));
    assert_eq!(body.matches('\u{feff}').count(), 1);
    let mut reader = csv::Reader::from_reader(body.trim_start_matches('\u{feff}').as_bytes());
    let mut ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    ids.sort();
    let expected: Vec<String> = (0..ENTRIES).map(|i| format!("ukrep-{i:03}")).collect();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn while_a_client_holds_the_only_export_turn_another_export_is_told_to_retry_after() {
    let app = App::with_limits(&big_handbook().catalog(), one_turn());
    let held = export_that_stops_reading(&app).await;
    for uri in ["/export.csv", "/export.json?q=ukrep"] {
        let a = app.get(uri).await;
        assert_busy_with_retry_after(uri, &a);
        assert_eq!(a.json()["status"], 503, "{uri}");
    }
    // The client goes away: its export stops and gives the turn back.
    drop(held);
    let (status, frames) = frames(&app, "/export.json").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_slice(&frames.concat()).unwrap();
    assert_eq!(v["measures"].as_array().unwrap().len(), ENTRIES);
}

#[tokio::test]
async fn a_search_of_many_words_waits_for_the_heavy_pool_while_a_short_search_answers() {
    let app = App::with_limits(&big_handbook().catalog(), one_turn());
    let _held = export_that_stops_reading(&app).await;
    let many = words(HEAVY_QUERY_WORDS + 1);
    let api = format!("/api/search?q={many}");
    let a = app.get(&api).await;
    assert_busy_with_retry_after(&api, &a);
    assert_eq!(a.json()["status"], 503);
    let page = format!("/?q={many}");
    let a = app.get(&page).await;
    assert_busy_with_retry_after(&page, &a);
    assert!(
        a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    // Ordinary searches keep their slots.
    for uri in [
        "/api/search?q=ukrep".to_string(),
        format!("/api/search?q={}", words(HEAVY_QUERY_WORDS)),
        "/?q=obnova+prostorov".to_string(),
    ] {
        assert_eq!(app.get(&uri).await.status, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn a_search_of_more_words_than_are_looked_up_gets_a_400_that_says_so_as_json_and_as_a_page() {
    let app = TempHandbook::fixture().app();
    let too_many = words(MAX_QUERY_WORDS + 1);
    for uri in [
        format!("/api/search?q={too_many}"),
        format!("/export.json?q={too_many}"),
    ] {
        let a = app.get(&uri).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", a.body);
        let v = a.json();
        assert_eq!(v["status"], 400);
        let message = v["error"].as_str().unwrap();
        assert!(message.contains("too many words"), "{message}");
        assert!(message.contains(&MAX_QUERY_WORDS.to_string()), "{message}");
    }
    let a = app.get(&format!("/?q={too_many}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(a.body.contains("too many words"));
    // As many as are looked up, and a long question asked in full, are searched.
    app.json(&format!("/api/search?q={}", words(MAX_QUERY_WORDS)))
        .await;
    let question = "kako lahko kot mlad podjetnik ali podjetnica v starem mestnem jedru Kranja \
        ali Kopra dobim subvencijo za najem lokala za novo trgovino, ki bi jo rad odprl \
        naslednje leto, in ali občina pomaga tudi pri obnovi fasade stavbe";
    let v = app
        .json(&format!(
            "/api/search?q={}",
            form_urlencoded::byte_serialize(question.as_bytes()).collect::<String>()
        ))
        .await;
    assert!(v["total"].as_u64().unwrap() > 0, "{v}");
}

#[tokio::test]
async fn words_past_the_typo_budget_match_only_as_written() {
    let app = TempHandbook::fixture().app();
    // "Mariboru" mistyped matches the Maribor measure only as a typo.
    assert_eq!(app.ids("q=Mariobru+").await, ["maribor-procelja"]);
    let unknown: Vec<String> = (0..MAX_TYPO_WORDS)
        .map(|i| format!("qxqxq{}", char::from(b'a' + i as u8)))
        .collect();
    let first = format!("q=Mariobru+{}+", unknown.join("+"));
    assert_eq!(app.ids(&first).await, ["maribor-procelja"]);
    let last = format!("q={}+Mariobru+", unknown.join("+"));
    assert!(app.ids(&last).await.is_empty(), "{last}");
}

#[tokio::test]
async fn a_compressed_export_arrives_whole() {
    use std::io::Read;
    let app = big_handbook().app();
    for uri in ["/export.json", "/export.csv"] {
        let (status, headers, bytes) = app.get_bytes(uri, &[("accept-encoding", "gzip")]).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(headers["content-encoding"], "gzip", "{uri}");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .read_to_string(&mut text)
            .unwrap();
        // Apart from when it was generated, the same as sent uncompressed.
        let without_time = |t: &str| -> String {
            t.lines()
                .filter(|l| !l.trim_start().starts_with("\"generated\""))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let plain = app.get(uri).await.body;
        assert!(
            without_time(&text) == without_time(&plain),
            "{uri}: the compressed answer ({} bytes) differs from the plain one ({} bytes)",
            text.len(),
            plain.len()
        );
    }
}
