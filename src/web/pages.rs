//! HTML handlers: read the request, ask the snapshot, hand the result to a view.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::error::{AppError, PageError};
use super::{AppState, views};
use crate::search::params;
use crate::search::snapshot::Lookup;

pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let body = super::answer(
        &state,
        super::cache::Kind::Html,
        raw,
        |query, results, snapshot, config| {
            views::search_page(query, results, snapshot, config.live_reload, config.alerts)
                .into_string()
                .into_bytes()
        },
    )
    .await?;
    Ok(body.into_response_for(&headers))
}

/// How many related measures a measure page lists.
const RELATED: usize = 5;

pub async fn measure(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = params::lang_of(raw.as_deref());
    let Path(id) = id.map_err(AppError::from)?;
    if let Some(version) = super::history::version_param(raw.as_deref()) {
        return super::history::measure_version(&state, &id, &version, lang).await;
    }
    let snapshot = state.snapshots.get();
    match snapshot.lookup(&id) {
        Lookup::Found(entry) => {
            let problems: Vec<_> = snapshot
                .paths
                .get(&entry.id)
                .map(|path| {
                    snapshot
                        .problems
                        .iter()
                        // Severity first: a large handbook has a warning for most entries,
                        // and comparing paths was most of the page's time at 100,000.
                        .filter(|d| d.is_error() && *d.file == **path)
                        .map(|d| &**d)
                        .collect()
                })
                .unwrap_or_default();
            // Related measures are a nicety: a failure to find them must not cost the page.
            let related = snapshot.related(entry, RELATED).unwrap_or_else(|e| {
                tracing::warn!(error = %e, id = %entry.id, "related measures failed");
                Vec::new()
            });
            let series = snapshot.series_of(entry);
            let version = super::history::current_note(&state, &snapshot, entry);
            Ok(views::measure_page(&views::MeasureView {
                entry,
                snapshot: &snapshot,
                base_url: &state.config.base_url,
                today: state.today(),
                problems: &problems,
                related: &related,
                series: &series,
                lang,
                live: state.config.live_reload,
                alerts: state.config.alerts,
                version: Some(&version),
            })
            .into_response())
        }
        Lookup::Moved(current) => Ok(super::moved_permanently(&views::href(
            &format!("/measures/{current}"),
            lang,
        ))),
        Lookup::Missing => Err(AppError::no_such_measure().into()),
    }
}

pub async fn status(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Markup {
    views::status_page(
        &state.snapshots.get(),
        &state.snapshots.health().report(),
        state.config.live_reload,
        params::lang_of(raw.as_deref()),
    )
}

/// Liveness: `ok` on the first line while the server serves (a degraded live reload does not
/// make a restart the cure); the lines after it say when live reload is degraded, since when
/// and why, and when the files were last checked, for a monitor to look for.
pub async fn healthz(State(state): State<AppState>) -> String {
    let report = state.snapshots.health().report();
    let mut out = String::from("ok");
    if let Some(since) = report.degraded_since() {
        let why: Vec<&str> = [
            match &report.watch {
                crate::live::health::Watch::Polling { reason, .. } => Some(reason.as_str()),
                _ => None,
            },
            report.failing.as_ref().map(|f| f.reason.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect();
        out.push_str(&format!(
            "\nlive reload degraded since {}: {}",
            since.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            why.join("; ")
        ));
    }
    if let Some(at) = report.last_checked {
        out.push_str(&format!(
            "\nlast successful reload: {}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        ));
    }
    out
}

pub async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        views::error_page(StatusCode::NOT_FOUND, "Te strani ni."),
    )
}
