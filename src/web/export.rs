//! Open data: `/export.csv` and `/export.json` take the parameters of `/api/search` and give
//! every matching entry, not one page; with no parameters, the whole handbook. The CSV is for
//! spreadsheets (UTF-8 with a byte order mark, so Excel reads č/š/ž; one row per measure, lists
//! joined with "; "), the JSON for programs (each entry as `/api/measures/{id}` gives it).

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::error::{ApiError, AppError};
use super::{AppState, WebConfig};
use crate::handbook::vocabulary::Dimension;
use crate::search::{Results, SearchQuery, Snapshot};

/// The columns of the CSV, in order. Keys, not labels, so a program reading the file does not
/// depend on the language; the values are what the page shows.
pub const COLUMNS: [&str; 22] = [
    "id",
    "title",
    "summary",
    "status",
    "region",
    "municipality",
    "type",
    "source",
    "beneficiary",
    "provider",
    "open_from",
    "open_until",
    "until_funds_run_out",
    "budget_eur",
    "max_amount_eur",
    "cofinancing_percent",
    "legal_basis",
    "gazette",
    "source_url",
    "permalink",
    "updated",
    "title_en",
];

const BOM: &[u8] = "\u{feff}".as_bytes();

pub async fn csv(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let body = super::with_all_results(&state, raw, to_csv).await??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"prirocnik-ukrepov.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

pub async fn json(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let body = super::with_all_results(&state, raw, to_json).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"prirocnik-ukrepov.json\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The CSV of every result, labels in the query's language.
pub fn to_csv(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    config: &WebConfig,
) -> Result<Vec<u8>, AppError> {
    let lang = query.lang;
    let mut out = csv::Writer::from_writer(BOM.to_vec());
    let failed = |e: csv::Error| AppError::Internal(format!("writing the CSV: {e}"));
    out.write_record(COLUMNS).map_err(failed)?;
    for hit in &results.hits {
        let e = &hit.entry;
        let labels = |d: Dimension, keys: &[String]| {
            keys.iter()
                .map(|k| snapshot.vocabulary.label_in(d, k, lang))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let regions = snapshot.vocabulary.regions_of(&e.municipalities);
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let row: [String; 22] = [
            e.id.clone(),
            e.title_in(lang).to_string(),
            e.summary_in(lang).to_string(),
            hit.status.label_in(lang).to_string(),
            labels(Dimension::Region, &regions),
            labels(Dimension::Municipality, &e.municipalities),
            labels(Dimension::Type, &e.types),
            labels(Dimension::Source, &e.sources),
            labels(Dimension::Beneficiary, &e.beneficiaries),
            e.provider.clone(),
            date(e.open_from),
            date(e.open_until),
            if e.until_funds_run_out {
                lang.pick("da", "yes")
            } else {
                ""
            }
            .to_string(),
            opt(e.budget_eur),
            opt(e.max_amount_eur),
            opt(e.cofinancing_percent),
            e.legal_basis.join("; "),
            e.gazette.clone().unwrap_or_default(),
            e.url.clone().unwrap_or_default(),
            format!("{}{}", config.base_url, e.permalink()),
            e.updated.to_string(),
            e.title_en.clone().unwrap_or_default(),
        ];
        // A cell that starts with = + - @ is a formula to a spreadsheet: an entry's text must
        // never run as one on an officer's machine.
        out.write_record(row.iter().map(|v| defuse(v).into_owned()))
            .map_err(failed)?;
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(format!("writing the CSV: {e}")))
}

/// Text that a spreadsheet would take for a formula gets a leading apostrophe (OWASP's advice
/// against CSV injection); dates and numbers never start with these characters. Spaces before
/// the formula do not make it safe: spreadsheets trim them before they look.
fn defuse(value: &str) -> std::borrow::Cow<'_, str> {
    match value.trim_start_matches([' ', '\u{a0}']).chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// The JSON of every result: the query, the count and each entry in full.
pub fn to_json(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    config: &WebConfig,
) -> Vec<u8> {
    let today = config.today.unwrap_or_else(crate::today);
    let measures: Vec<serde_json::Value> = results
        .hits
        .iter()
        .map(|h| {
            super::api::entry_json(
                &h.entry,
                snapshot,
                &config.base_url,
                h.status,
                today,
                query.lang,
            )
        })
        .collect();
    let filters: serde_json::Map<String, serde_json::Value> = query
        .filters
        .iter()
        .map(|(f, v)| (f.name().to_string(), json!(v)))
        .collect();
    serde_json::to_vec_pretty(&json!({
        "source": format!("{}/", config.base_url),
        "generated": chrono::Local::now().to_rfc3339(),
        "query": {"q": query.text, "filters": filters, "sort": query.sort.key(), "lang": query.lang.key()},
        "total": results.total,
        "measures": measures,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_plain_text_is_left_alone() {
        assert_eq!(defuse("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse("-5"), "'-5");
        assert_eq!(defuse("Subvencija"), "Subvencija");
        assert_eq!(defuse(""), "");
        assert_eq!(defuse("  =1+1"), "'  =1+1");
        assert_eq!(defuse("\u{a0}@SUM(A1)"), "'\u{a0}@SUM(A1)");
        assert_eq!(defuse(" Uradni list"), " Uradni list");
    }
}
