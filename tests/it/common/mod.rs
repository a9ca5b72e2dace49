//! Test helpers: a temporary handbook with a small, hand-countable fixture, and a router over
//! it with "today" pinned so statuses do not change as the calendar moves.
#![allow(dead_code)]

pub mod server;

use std::fs;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use chrono::NaiveDate;
use handbook::live::catalog::Catalog;
use handbook::web::{AppState, Limits, WebConfig, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const VOCABULARY: &str = r#"
[municipality.kranj]
label = "Kranj"
region = "Gorenjska"
[municipality.koper]
label = "Koper/Capodistria"
region = "Obalno-kraška"
[municipality.piran]
label = "Piran/Pirano"
region = "Obalno-kraška"
[municipality.maribor]
label = "Maribor"
region = "Podravska"
[municipality.slovenija]
label = "Vsa Slovenija"

[type.subvencija-najemnine]
label = "Subvencija najemnine"
[type.sofinanciranje-fasad]
label = "Sofinanciranje fasad"
[type.vavcer]
label = "Vavčer"

[source.obcinski-proracun]
label = "Občinski proračun"
[source.evropski-skladi]
label = "Evropski skladi"

[beneficiary.mikro-podjetja]
label = "Mikro podjetja"
[beneficiary.lastniki-stavb]
label = "Lastniki stavb"
"#;

/// The day the fixture is judged on.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 15).unwrap()
}

/// (folder, id, extra fields) of the fixture; see `fixture_entry` for the common fields.
pub const FIXTURE: &[(&str, &str, &str)] = &[
    (
        "kranj",
        "kranj-najemnine",
        r#"title = "Subvencije najemnin v starem Kranju"
summary = "Občina krije del najemnine za nove trgovine v starem mestnem jedru."
municipalities = ["kranj"]
types = ["subvencija-najemnine"]
sources = ["obcinski-proracun"]
beneficiaries = ["mikro-podjetja"]
updated = 2024-05-01
open_from = 2024-06-01
open_until = 2024-06-30
aliases = ["stari-kranj"]
"#,
    ),
    (
        "koper",
        "koper-najemnine",
        r#"title = "Znižana najemnina v starem mestnem jedru Kopra"
summary = "Najemniki občinskih prostorov plačajo nižjo najemnino."
municipalities = ["koper"]
types = ["subvencija-najemnine"]
sources = ["obcinski-proracun"]
updated = 2024-02-01
open_until = 2024-01-31
"#,
    ),
    (
        "piran",
        "piran-fasade",
        r#"title = "Obnova fasad v Piranu"
summary = "Lastniki stavb dobijo sofinanciranje obnove pročelij."
municipalities = ["piran"]
types = ["sofinanciranje-fasad"]
sources = ["obcinski-proracun", "evropski-skladi"]
beneficiaries = ["lastniki-stavb"]
updated = 2024-06-01
open_from = 2024-09-01
open_until = 2024-10-01
"#,
    ),
    (
        "maribor",
        "maribor-procelja",
        r#"title = "Sofinanciranje pročelij v Mariboru"
summary = "Stalna pomoč za urejena pročelja v središče mesta."
municipalities = ["maribor"]
types = ["sofinanciranje-fasad"]
sources = ["obcinski-proracun"]
beneficiaries = ["lastniki-stavb"]
updated = 2023-12-01
until_funds_run_out = true
body = """
## Pogoji
- stavba v **mestnem jedru**
- obnova po pravilih varstva dediščine
"""
"#,
    ),
    (
        "slovenija",
        "vavcerji-digitalni-marketing",
        r#"title = "Vavčerji za digitalni marketing"
summary = "Sofinanciranje storitev digitalnega marketinga za mala podjetja."
municipalities = ["slovenija"]
types = ["vavcer"]
sources = ["evropski-skladi"]
beneficiaries = ["mikro-podjetja"]
updated = 2024-06-10
open_from = 2024-01-01
open_until = 2024-07-15
"#,
    ),
    (
        "kranj",
        "fasade-kranj-koper",
        r#"title = "Fasade v Kranju in Kopru"
summary = "Skupni poziv dveh mest za lepša pročelja."
municipalities = ["kranj", "koper"]
types = ["sofinanciranje-fasad"]
sources = ["obcinski-proracun"]
updated = 2024-03-01
open_until = 2024-06-20
"#,
    ),
];

pub struct TempHandbook {
    pub dir: tempfile::TempDir,
}

impl TempHandbook {
    /// An empty handbook with the fixture vocabulary.
    pub fn empty() -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("measures")).unwrap();
        fs::write(dir.path().join("vocabulary.toml"), VOCABULARY).unwrap();
        TempHandbook { dir }
    }

    /// The fixture handbook.
    pub fn fixture() -> Self {
        let hb = Self::empty();
        for (folder, id, fields) in FIXTURE {
            hb.write(
                &format!("measures/{folder}/{id}.toml"),
                &fixture_entry(fields),
            );
        }
        hb
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: &str) -> PathBuf {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, content).unwrap();
        path
    }

    /// Makes every entry file an hour old: files saved within two seconds are cached without a
    /// stamp and read again by every start, and a test's files were all written just now.
    pub fn age(&self) {
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        for entry in walkdir::WalkDir::new(self.path("measures")) {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let file = fs::File::options().write(true).open(entry.path()).unwrap();
                file.set_modified(an_hour_ago).unwrap();
            }
        }
    }

    pub fn catalog(&self) -> Catalog {
        Catalog::open(self.root(), None, today()).unwrap().0
    }

    pub fn app(&self) -> App {
        App::new(&self.catalog())
    }
}

/// Every problem a fresh load of the handbook reports.
pub fn problems(hb: &TempHandbook) -> Vec<handbook::handbook::diagnostic::Diagnostic> {
    handbook::Handbook::load(hb.root(), today())
        .unwrap()
        .resolve()
        .problems
        .iter()
        .map(|d| handbook::handbook::diagnostic::Diagnostic::clone(d))
        .collect()
}

/// A complete entry: the given fields plus a provider.
pub fn fixture_entry(fields: &str) -> String {
    format!("{fields}provider = \"Mestna občina\"\n")
}

/// A minimal valid entry with this title.
pub fn simple_entry(title: &str) -> String {
    format!(
        "title = \"{title}\"\nsummary = \"Opis.\"\nmunicipalities = [\"kranj\"]\ntypes = [\"vavcer\"]\nsources = [\"obcinski-proracun\"]\nprovider = \"MO Kranj\"\nupdated = 2024-01-01\n"
    )
}

/// A minimal valid entry with this title and summary.
pub fn summarised_entry(title: &str, summary: &str) -> String {
    simple_entry(title).replace("summary = \"Opis.\"", &format!("summary = \"{summary}\""))
}

pub struct App {
    pub router: axum::Router,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl App {
    pub fn new(catalog: &Catalog) -> Self {
        Self::with_limits(catalog, Limits::default())
    }

    /// An app with its own limits on heavy work.
    pub fn with_limits(catalog: &Catalog, limits: Limits) -> Self {
        let state = AppState::with_limits(
            catalog.handle(),
            WebConfig {
                base_url: "https://prirocnik.example".into(),
                today: Some(today()),
                live_reload: true,
                alerts: false,
            },
            limits,
        );
        App {
            router: router(state),
        }
    }

    pub async fn get(&self, uri: &str) -> Answer {
        let (status, headers, bytes) = self.get_bytes(uri, &[]).await;
        Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// The answer as sent, undecoded, to a request with these headers.
    pub async fn get_bytes(
        &self,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut request = Request::builder().uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let res: Response<Body> = self
            .router
            .clone()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, bytes.to_vec())
    }

    pub async fn json(&self, uri: &str) -> serde_json::Value {
        let a = self.get(uri).await;
        assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.body);
        a.json()
    }

    /// The ids of the hits of an API search, in order.
    pub async fn ids(&self, query: &str) -> Vec<String> {
        let v = self.json(&format!("/api/search?{query}")).await;
        hit_ids(&v).into_iter().map(str::to_string).collect()
    }
}

/// The ids of the hits of an API search's answer, in order.
pub fn hit_ids(v: &serde_json::Value) -> Vec<&str> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

/// `{value: count}` of one facet in an API answer.
pub fn facet_counts(v: &serde_json::Value, facet: &str) -> std::collections::BTreeMap<String, u64> {
    v["facets"][facet]
        .as_array()
        .unwrap_or_else(|| panic!("no facet {facet} in {v}"))
        .iter()
        .map(|f| {
            (
                f["value"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

pub fn counts(pairs: &[(&str, u64)]) -> std::collections::BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

/// Polls until `check` holds, for at most ten seconds (the target is one; CI machines are slow).
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("timed out waiting until {what}");
}
