//! Open data: `/export.csv` and `/export.json` take the parameters of `/api/search` and give
//! every matching entry, not one page; with no parameters, the whole handbook. The CSV is for
//! spreadsheets (UTF-8 with a byte order mark, so Excel reads č/š/ž; one row per measure, lists
//! joined with "; "), the JSON for programs (each entry as `/api/measures/{id}` gives it).
//! Both are written row by row and entry by entry as they are sent (`stream`), so an export
//! holds a few chunks, whatever the size of the handbook.

use std::io;

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::error::ApiError;
use super::stream::{self, Chunks};
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
    let body = stream::all_results(&state, raw, write_csv::<Chunks>).await?;
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
    let body = stream::all_results(&state, raw, write_json::<Chunks>).await?;
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

/// The CSV of every result, labels in the query's language, row by row into `out`.
pub fn write_csv<W: io::Write>(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    config: &WebConfig,
    out: &mut W,
) -> io::Result<()> {
    let lang = query.lang;
    out.write_all(BOM)?;
    let mut out = csv::Writer::from_writer(out);
    out.write_record(COLUMNS).map_err(csv_error)?;
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
            .map_err(csv_error)?;
    }
    out.flush()
}

/// The CSV writer's error as the `io::Error` underneath where there is one, so the export
/// can tell a client that went away from a fault.
fn csv_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("writing the CSV: {other:?}")),
    }
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

/// The JSON of every result: the query, the count and each entry in full, entry by entry
/// into `out`. The text is what `serde_json::to_vec_pretty` made of the whole document (keys
/// in order, two spaces a level), so the export reads as it always has, but no entry waits in
/// memory for the others.
pub fn write_json<W: io::Write>(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    config: &WebConfig,
    out: &mut W,
) -> io::Result<()> {
    let today = config.today.unwrap_or_else(crate::today);
    let filters: serde_json::Map<String, serde_json::Value> = query
        .filters
        .iter()
        .map(|(f, v)| (f.name().to_string(), json!(v)))
        .collect();
    // The document without its measures, cut where they go. `measures` is the second key of
    // the (ordered) map, so the first place its empty list appears is the key itself: the
    // query text comes after it, and any quote in it is escaped.
    let frame = serde_json::to_string_pretty(&json!({
        "source": format!("{}/", config.base_url),
        "generated": chrono::Local::now().to_rfc3339(),
        "query": {
            "q": query.text, "filters": filters, "sort": query.sort.key(), "lang": query.lang.key(),
            "applies_in": query.applies_in, "min_amount": query.min_amount, "closing": query.closing,
        },
        "total": results.total,
        "measures": [],
    }))?;
    let (head, tail) = frame
        .split_once(MEASURES)
        .ok_or_else(|| io::Error::other("the export's frame has no measures"))?;
    out.write_all(head.as_bytes())?;
    out.write_all(b"\"measures\": [")?;
    let mut entry = Vec::new();
    for (i, h) in results.hits.iter().enumerate() {
        entry.clear();
        serde_json::to_writer_pretty(
            &mut entry,
            &super::api::entry_json(
                &h.entry,
                snapshot,
                &config.base_url,
                h.status,
                today,
                query.lang,
            ),
        )?;
        out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
        // Two levels in: the formatter's line breaks are the only ones (strings escape theirs).
        for (j, line) in entry.split(|b| *b == b'\n').enumerate() {
            if j > 0 {
                out.write_all(b"\n    ")?;
            }
            out.write_all(line)?;
        }
    }
    if !results.hits.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"]")?;
    out.write_all(tail.as_bytes())
}

/// Where the measures go in the pretty-printed frame of the JSON export.
const MEASURES: &str = "\"measures\": []";

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
