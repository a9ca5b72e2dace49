//! The JSON API: `/api/search` and `/api/measures/{id}`, the same data as the pages.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, AppError};
use crate::handbook::entry::{Entry, Status};
use crate::handbook::vocabulary::Dimension;
use crate::search::request::MAX_ANALYZE_BYTES;
use crate::search::{Lookup, Results, Snapshot};
use crate::text::lang::Lang;

pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let body = super::answer(&state, super::cache::Kind::Json, raw, |_, results, _, _| {
        results_json(results)
    })
    .await?;
    Ok(body.into_response_for(&headers))
}

/// A search answer's JSON, written straight from the results. Building a
/// `serde_json::Value` first made a map per hit and per facet value, about a millisecond a
/// page; the keys stay in the alphabetical order those maps wrote them in.
pub fn results_json(results: &Results) -> Vec<u8> {
    let answer = ResultsJson {
        facets: results
            .facets
            .iter()
            .map(|(facet, values)| {
                let values = values
                    .iter()
                    .map(|v| FacetJson {
                        count: v.count,
                        label: &v.label,
                        selected: v.selected,
                        value: &v.value,
                    })
                    .collect();
                (facet.name(), values)
            })
            .collect(),
        hits: results
            .hits
            .iter()
            .map(|h| {
                let e = &h.entry;
                HitJson {
                    beneficiaries: &e.beneficiaries,
                    id: &e.id,
                    max_amount_eur: e.max_amount_eur,
                    municipalities: &e.municipalities,
                    open_from: e.open_from,
                    open_until: e.open_until,
                    provider: &e.provider,
                    // As `Value` wrote it: the f32 widened, so 2037.515625, not 2037.5156.
                    score: f64::from(h.score),
                    snippet: &h.snippet,
                    source_url: e.url.as_deref(),
                    sources: &e.sources,
                    status: h.status,
                    summary: &e.summary,
                    summary_en: e.summary_en.as_deref(),
                    title: &e.title,
                    title_en: e.title_en.as_deref(),
                    types: &e.types,
                    until_funds_run_out: e.until_funds_run_out,
                    updated: e.updated,
                    url: e.permalink(),
                }
            })
            .collect(),
        page: results.page,
        per_page: results.per_page,
        total: results.total,
        excluded_unknown_amount: results.excluded_unknown_amount,
        places: &results.places,
    };
    serde_json::to_vec(&answer).unwrap_or_default()
}

#[derive(Serialize)]
struct ResultsJson<'a> {
    /// With `min_amount`: the measures left out only because their amount is not known.
    excluded_unknown_amount: usize,
    facets: BTreeMap<&'static str, Vec<FacetJson<'a>>>,
    hits: Vec<HitJson<'a>>,
    page: usize,
    per_page: usize,
    /// The municipalities the words name, whose measures (and the national ones) rank first.
    places: &'a [String],
    total: usize,
}

#[derive(Serialize)]
struct FacetJson<'a> {
    count: usize,
    label: &'a str,
    selected: bool,
    value: &'a str,
}

#[derive(Serialize)]
struct HitJson<'a> {
    beneficiaries: &'a [String],
    id: &'a str,
    /// The most per beneficiary, in euro, when known: what `min_amount` compares.
    max_amount_eur: Option<i64>,
    municipalities: &'a [String],
    open_from: Option<NaiveDate>,
    open_until: Option<NaiveDate>,
    provider: &'a str,
    score: f64,
    snippet: &'a str,
    source_url: Option<&'a str>,
    sources: &'a [String],
    status: Status,
    summary: &'a str,
    summary_en: Option<&'a str>,
    title: &'a str,
    title_en: Option<&'a str>,
    types: &'a [String],
    until_funds_run_out: bool,
    updated: NaiveDate,
    url: String,
}

/// The terms the analysers make of `text`: for editors checking why a word does or does not
/// match, and for debugging relevance.
pub async fn analyze(RawQuery(raw): RawQuery) -> Result<Json<Value>, ApiError> {
    let text = form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "text")
        .map(|(_, v)| v.into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    if text.len() > MAX_ANALYZE_BYTES {
        return Err(AppError::BadRequest(format!(
            "the text is too long (at most {MAX_ANALYZE_BYTES} bytes)"
        ))
        .into());
    }
    Ok(Json(json!({
        "text": text,
        "analyzer": {"exact": crate::text::analysis::EXACT_ANALYZER, "stemmed": crate::text::analysis::ANALYZER},
        "terms": crate::text::analysis::analyze(&text),
    })))
}

pub async fn measure(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(AppError::from)?;
    let snapshot = state.snapshots.get();
    match snapshot.lookup(&id) {
        Lookup::Found(entry) => {
            let mut v = entry_json(
                entry,
                &snapshot,
                &state.config.base_url,
                entry.status(state.today()),
                state.today(),
                Lang::Sl,
            );
            // The version this JSON is: the commit of the entry's last change (null without
            // history, or while the file has edits not yet committed).
            let note = super::history::current_note(&state, &snapshot, entry);
            if let Value::Object(m) = &mut v {
                let committed = note.commit.filter(|_| !note.uncommitted);
                m.insert("version".into(), json!(committed));
                m.insert(
                    "version_date".into(),
                    json!(
                        note.date
                            .filter(|_| !note.uncommitted)
                            .map(|d| d.to_rfc3339())
                    ),
                );
                m.insert("uncommitted".into(), json!(note.uncommitted));
                m.insert(
                    "history".into(),
                    json!(format!(
                        "{}/api/measures/{}/history",
                        state.config.base_url, entry.id
                    )),
                );
            }
            Ok(Json(v).into_response())
        }
        Lookup::Moved(current) => Ok(super::moved_permanently(&format!(
            "/api/measures/{current}"
        ))),
        Lookup::Missing => Err(AppError::NotFound(format!(
            "no measure has the id `{}`",
            id.chars().take(80).collect::<String>()
        ))
        .into()),
    }
}

/// Unknown API routes answer in JSON like the rest of the API, not with the HTML 404 page.
pub async fn not_found() -> ApiError {
    AppError::NotFound(
        "no such API route; see README.md for /api/search and /api/measures/{id}".into(),
    )
    .into()
}

/// An entry as JSON: every field, its permalink and status, and the labels of its keys (in
/// `lang`, with the other language's label where the vocabulary has one).
pub(super) fn entry_json(
    entry: &Entry,
    snapshot: &Snapshot,
    base_url: &str,
    status: crate::handbook::entry::Status,
    today: chrono::NaiveDate,
    lang: Lang,
) -> Value {
    let mut v = serde_json::to_value(entry).unwrap_or_default();
    let labels = |d: Dimension, keys: &[String]| -> Vec<Value> {
        keys.iter()
            .map(|k| {
                json!({
                    "value": k,
                    "label": snapshot.vocabulary.label_in(d, k, lang),
                    "label_en": snapshot.vocabulary.label_in(d, k, Lang::En),
                })
            })
            .collect()
    };
    if let Value::Object(m) = &mut v {
        m.insert(
            "permalink".into(),
            json!(format!("{base_url}{}", entry.permalink())),
        );
        m.insert("status".into(), json!(status));
        let calls: Vec<Value> = snapshot
            .series_of(entry)
            .iter()
            .map(|call| {
                json!({
                    "id": call.id,
                    "year": call.year(),
                    "title": call.title_in(lang),
                    "status": call.status(today),
                    "permalink": format!("{base_url}{}", call.permalink()),
                })
            })
            .collect();
        m.insert("series_calls".into(), Value::Array(calls));
        let regions: Vec<String> = snapshot.vocabulary.regions_of(&entry.municipalities);
        m.insert(
            "labels".into(),
            json!({
                "region": labels(Dimension::Region, &regions),
                "municipality": labels(Dimension::Municipality, &entry.municipalities),
                "type": labels(Dimension::Type, &entry.types),
                "source": labels(Dimension::Source, &entry.sources),
                "beneficiary": labels(Dimension::Beneficiary, &entry.beneficiaries),
            }),
        );
    }
    v
}
