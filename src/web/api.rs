//! The JSON API: `/api/search` and `/api/measures/{id}`, the same data as the pages.

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::AppState;
use super::error::{ApiError, AppError};
use crate::entry::Entry;
use crate::lang::Lang;
use crate::search::{Lookup, Results, Snapshot};
use crate::vocabulary::Dimension;

pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let body = super::answer(&state, super::cache::Kind::Json, raw, |_, results, _, _| {
        serde_json::to_vec(&results_json(results)).unwrap_or_default()
    })
    .await?;
    Ok(body.into_response_for(&headers))
}

pub fn results_json(results: &Results) -> Value {
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|h| {
            let e = &h.entry;
            json!({
                "id": e.id,
                "title": e.title,
                "snippet": h.snippet,
                "summary": e.summary,
                "title_en": e.title_en,
                "summary_en": e.summary_en,
                "provider": e.provider,
                "municipalities": e.municipalities,
                "types": e.types,
                "sources": e.sources,
                "beneficiaries": e.beneficiaries,
                "status": h.status,
                "open_from": e.open_from,
                "open_until": e.open_until,
                "until_funds_run_out": e.until_funds_run_out,
                "updated": e.updated,
                "url": e.permalink(),
                "source_url": e.url,
                "score": h.score,
            })
        })
        .collect();
    let facets: Map<String, Value> = results
        .facets
        .iter()
        .map(|(facet, values)| (facet.name().to_string(), json!(values)))
        .collect();
    json!({
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "hits": hits,
        "facets": facets,
    })
}

/// Longest text `/api/analyze` takes: enough for an entry's summary and body.
const MAX_ANALYZE_BYTES: usize = 16 * 1024;

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
        "analyzer": {"exact": crate::analysis::EXACT_ANALYZER, "stemmed": crate::analysis::ANALYZER},
        "terms": crate::analysis::analyze(&text),
    })))
}

pub async fn measure(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id.map_err(AppError::from)?;
    let snapshot = state.snapshots.get();
    match snapshot.lookup(&id) {
        Lookup::Found(entry) => Ok(Json(entry_json(
            entry,
            &snapshot,
            &state.config.base_url,
            entry.status(state.today()),
            Lang::Sl,
        ))
        .into_response()),
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
    status: crate::entry::Status,
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
