//! What changed, and which version was cited: an entry's history page and its JSON
//! (`/measures/{id}/history`, `/api/measures/{id}/history`), a past version of an entry
//! (`/measures/{id}?version=<commit>`), and the latest changes across the handbook, narrowed by
//! a search like `/` (`/changes`, `/changes.atom`). The handlers take what they need from the
//! history index under its lock, then read git and render outside it; the views are pure.

use std::collections::HashSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use maud::{Markup, html};
use serde_json::{Value, json};

use super::AppState;
use super::error::{ApiError, AppError, PageError};
use super::views::{self, Frame, href};
use crate::handbook::entry::Entry;
use crate::handbook::folder::MEASURES_DIR;
use crate::handbook::vocabulary::Vocabulary;
use crate::history::{
    Event, SHORT_COMMIT, State as HistoryState, Version, VersionError, VersionNote, diff,
};
use crate::search::params;
use crate::search::{Lookup, SearchQuery, Snapshot};
use crate::text::format::date_time_in;
use crate::text::lang::Lang;

/// The header of `/api/measures/{id}/history` that says whether the handbook has a history:
/// `available`, `reading` (at start, for a few seconds), or `unavailable; ` and why.
pub const HISTORY_HEADER: header::HeaderName = header::HeaderName::from_static("x-history");

/// Most changes `/changes` lists, and `/changes.atom` carries.
pub const MAX_CHANGES: usize = 100;

/// The `version` asked for in a query string, if any.
pub fn version_param(raw: Option<&str>) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "version")
        .map(|(_, v)| v.trim().to_string())
}

/// One version as the pages and the JSON show it, taken out of the index.
#[derive(Debug, Clone)]
pub struct Row {
    pub commit: String,
    pub date: DateTime<FixedOffset>,
    pub author: String,
    pub message: String,
    pub id: String,
    pub title: String,
    pub path: String,
    pub event: Event,
    pub changes: Vec<diff::Change>,
    /// `changes` in words, in the page's language.
    pub texts: Vec<String>,
}

impl Row {
    fn of(v: &Version, vocabulary: &Vocabulary, lang: Lang) -> Row {
        Row {
            commit: v.commit.id.to_string(),
            date: v.commit.time,
            author: v.commit.author.clone(),
            message: v.commit.message.clone(),
            id: v.id.clone(),
            title: v.title.clone(),
            path: v.path.clone(),
            event: v.event.clone(),
            texts: v
                .changes
                .iter()
                .map(|c| diff::describe(c, vocabulary, lang))
                .collect(),
            changes: v.changes.clone(),
        }
    }

    fn short(&self) -> &str {
        &self.commit[..SHORT_COMMIT.min(self.commit.len())]
    }
}

/// Where history stands, for a page to say.
#[derive(Debug, Clone)]
pub enum Availability {
    Off(String),
    Reading,
    Ready,
}

fn availability(state: &HistoryState) -> Availability {
    match state {
        HistoryState::Off(why) | HistoryState::Failed(why) => Availability::Off(why.clone()),
        HistoryState::Reading => Availability::Reading,
        HistoryState::Ready(_) => Availability::Ready,
    }
}

/// An entry's file relative to the `measures` folder, as git paths write it.
fn relative_path(snapshot: &Snapshot, id: &str) -> Option<String> {
    let path = snapshot.paths.get(id)?;
    let rel = path.strip_prefix(snapshot.root.join(MEASURES_DIR)).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

/// What a history address is about: the entry (none once it has left the handbook, if
/// history knows its id) and its id.
struct Subject {
    entry: Option<Arc<Entry>>,
    id: String,
}

/// Where a history address is not about an entry here: a former id (to redirect to the current
/// one), or an id neither the handbook nor its history knows.
enum Elsewhere {
    Moved(String),
    Missing,
}

fn subject(state: &AppState, snapshot: &Snapshot, id: &str) -> Result<Subject, Elsewhere> {
    match snapshot.lookup(id) {
        Lookup::Found(e) => Ok(Subject {
            entry: Some(e.clone()),
            id: e.id.clone(),
        }),
        Lookup::Moved(current) => Err(Elsewhere::Moved(current.to_string())),
        Lookup::Missing => {
            let known = state.history.with(|h| match h {
                HistoryState::Ready(index) => index.latest(id).is_some(),
                _ => false,
            });
            if known {
                Ok(Subject {
                    entry: None,
                    id: id.to_string(),
                })
            } else {
                Err(Elsewhere::Missing)
            }
        }
    }
}

/// The note of the current version of an entry: its last commit, and whether its file has
/// edits not yet committed.
pub fn current_note(state: &AppState, snapshot: &Snapshot, entry: &Entry) -> VersionNote {
    let latest = state.history.with(|h| match h {
        HistoryState::Ready(index) => Some(
            index
                .latest(&entry.id)
                .filter(|v| v.blob.is_some())
                .map(|v| (v.commit.id.to_string(), v.commit.time)),
        ),
        _ => None,
    });
    let Some(latest) = latest else {
        return VersionNote::default();
    };
    let uncommitted = relative_path(snapshot, &entry.id)
        .and_then(|path| state.history.uncommitted(&entry.id, &path))
        .unwrap_or(false);
    VersionNote {
        commit: latest.as_ref().map(|(c, _)| c.clone()),
        date: latest.map(|(_, d)| d),
        past: false,
        uncommitted,
    }
}

/// The changes of the working copy against the last commit, in words, when the entry's file
/// has edits not yet committed.
fn uncommitted_changes(
    state: &AppState,
    snapshot: &Snapshot,
    entry: &Entry,
    lang: Lang,
) -> Option<Vec<String>> {
    let path = relative_path(snapshot, &entry.id)?;
    if state.history.uncommitted(&entry.id, &path) != Some(true) {
        return None;
    }
    let blob = state.history.with(|h| match h {
        HistoryState::Ready(index) => index.latest(&entry.id).and_then(|v| v.blob),
        _ => None,
    });
    let before = blob
        .and_then(|b| state.history.repo()?.blob(b).ok())
        .and_then(|bytes| crate::history::read_version(&path, &bytes, &snapshot.vocabulary));
    Some(match before {
        Some(before) => diff::changes(&before, entry)
            .iter()
            .map(|c| diff::describe(c, &snapshot.vocabulary, lang))
            .collect(),
        None => vec![
            lang.pick(
                "ukrep še ni v zgodovini",
                "the measure is not in the history yet",
            )
            .into(),
        ],
    })
}

/// The versions of an entry, newest first, for the page and the JSON.
fn rows_of(
    state: &AppState,
    id: &str,
    vocabulary: &Vocabulary,
    lang: Lang,
) -> (Availability, Vec<Row>) {
    state.history.with(|h| {
        let rows = match h {
            HistoryState::Ready(index) => index
                .versions_of(id)
                .into_iter()
                .map(|v| Row::of(v, vocabulary, lang))
                .collect(),
            _ => Vec::new(),
        };
        (availability(h), rows)
    })
}

pub async fn page(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = params::lang_of(raw.as_deref());
    let Path(id) = id.map_err(AppError::from)?;
    let snapshot = state.snapshots.get();
    let Subject { entry, id } = match subject(&state, &snapshot, &id) {
        Ok(found) => found,
        Err(Elsewhere::Moved(current)) => {
            return Ok(super::moved_permanently(&href(
                &format!("/measures/{current}/history"),
                lang,
            )));
        }
        Err(Elsewhere::Missing) => return Err(AppError::no_such_measure().into()),
    };
    let (availability, rows) = rows_of(&state, &id, &snapshot.vocabulary, lang);
    let uncommitted = entry
        .as_deref()
        .and_then(|e| uncommitted_changes(&state, &snapshot, e, lang));
    let title = entry
        .as_ref()
        .map(|e| e.title_in(lang).to_string())
        .or_else(|| rows.first().map(|r| r.title.clone()))
        .unwrap_or_else(|| id.clone());
    Ok(history_page(&HistoryView {
        id: &id,
        title: &title,
        current: entry.is_some(),
        availability: &availability,
        rows: &rows,
        uncommitted: uncommitted.as_deref(),
        lang,
        live: state.config.live_reload,
    })
    .into_response())
}

pub async fn api(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let lang = params::lang_of(raw.as_deref());
    let Path(id) = id.map_err(AppError::from)?;
    let snapshot = state.snapshots.get();
    let Subject { entry, id } = match subject(&state, &snapshot, &id) {
        Ok(found) => found,
        Err(Elsewhere::Moved(current)) => {
            return Ok(super::moved_permanently(&format!(
                "/api/measures/{current}/history"
            )));
        }
        Err(Elsewhere::Missing) => {
            return Err(AppError::NotFound(format!(
                "no measure has the id `{}`",
                id.chars().take(80).collect::<String>()
            ))
            .into());
        }
    };
    let (availability, rows) = rows_of(&state, &id, &snapshot.vocabulary, lang);
    // Not an error when there is no history (yet): the list is empty and a header says why,
    // for a program that wants to tell "no versions" from "no git" or "ask again soon".
    let said = match availability {
        Availability::Off(why) => format!("unavailable; {why}"),
        Availability::Reading => "reading".into(),
        Availability::Ready => "available".into(),
    };
    let said = header::HeaderValue::from_str(&said)
        .unwrap_or(header::HeaderValue::from_static("unavailable"));
    if said != "available" {
        return Ok(([(HISTORY_HEADER, said)], Json(Value::Array(Vec::new()))).into_response());
    }
    let base = &state.config.base_url;
    let mut out: Vec<Value> = Vec::with_capacity(rows.len() + 1);
    if let Some(texts) = entry
        .as_deref()
        .and_then(|e| uncommitted_changes(&state, &snapshot, e, lang))
    {
        out.push(json!({
            "commit": null,
            "uncommitted": true,
            "date": null,
            "message": lang.pick("še ni shranjeno v zgodovini", "not yet committed"),
            "changes": [],
            "texts": texts,
        }));
    }
    out.extend(rows.iter().map(|r| row_json(r, base, lang)));
    Ok((
        [(
            HISTORY_HEADER,
            header::HeaderValue::from_static("available"),
        )],
        Json(Value::Array(out)),
    )
        .into_response())
}

/// A version as JSON: `commit`, `date`, `message`, `author`, `changes: [{field, before,
/// after}]` (each also with its `label` and `text` in words), what happened (`event`, with
/// `from` for a move or rename) and its permalink.
fn row_json(r: &Row, base: &str, lang: Lang) -> Value {
    let (event, from) = match &r.event {
        Event::Created => ("created", None),
        Event::Changed => ("changed", None),
        Event::Moved { from } => ("moved", Some(from.clone())),
        Event::Renamed { from } => ("renamed", Some(from.clone())),
        Event::Deleted => ("deleted", None),
        Event::Unreadable => ("unreadable", None),
    };
    let changes: Vec<Value> = r
        .changes
        .iter()
        .zip(&r.texts)
        .map(|(c, text)| {
            json!({
                "field": c.field,
                "label": diff::field_label(c.field, lang),
                "before": c.before,
                "after": c.after,
                "text": text,
            })
        })
        .collect();
    json!({
        "commit": r.commit,
        "date": r.date.to_rfc3339(),
        "author": r.author,
        "message": r.message,
        "event": event,
        "from": from,
        "id": r.id,
        "title": r.title,
        "path": format!("{MEASURES_DIR}/{}", r.path),
        "permalink": (!matches!(r.event, Event::Deleted))
            .then(|| format!("{base}/measures/{}?version={}", r.id, r.short())),
        "changes": changes,
    })
}

/// `/measures/{id}?version=<commit>`: the entry as it was in that commit. An unknown, malformed
/// or ambiguous version, or a commit without the entry, is a 404 page.
pub async fn measure_version(
    state: &AppState,
    id: &str,
    version: &str,
    lang: Lang,
) -> Result<Response, PageError> {
    let snapshot = state.snapshots.get();
    let id = match subject(state, &snapshot, id) {
        Ok(found) => found.id,
        Err(Elsewhere::Moved(current)) => {
            let mut to = format!("/measures/{current}?");
            to.push_str(
                &form_urlencoded::Serializer::new(String::new())
                    .append_pair("version", version)
                    .finish(),
            );
            return Ok(super::moved_permanently(&href(&to, lang)));
        }
        Err(Elsewhere::Missing) => return Err(AppError::no_such_measure().into()),
    };
    let path = relative_path(&snapshot, &id);
    let history = state.history.clone();
    let (version, vocabulary, ask) = (version.to_string(), snapshot.vocabulary.clone(), id.clone());
    // Reading git is file IO: off the async workers.
    let past = tokio::task::spawn_blocking(move || {
        history.version(&ask, path.as_deref(), &version, &vocabulary)
    })
    .await
    .map_err(|e| AppError::Internal(format!("history task failed: {e}")))?;
    let past = match past {
        Ok(p) => p,
        Err(VersionError::Reading) => {
            return Err(AppError::Busy {
                message: lang
                    .pick(
                        "Zgodovina priročnika se še bere; poskusite čez nekaj sekund.",
                        "The handbook's history is still being read; try again in a few seconds.",
                    )
                    .into(),
                retry_after: 1,
            }
            .into());
        }
        Err(e) => {
            let message = match e {
                VersionError::Off(_) => lang.pick(
                    "Zgodovina priročnika ni na voljo, zato prejšnjih različic ni mogoče prikazati.",
                    "The handbook's history is not available, so past versions cannot be shown.",
                ),
                VersionError::NotThere(_) => lang.pick(
                    "V tej različici priročnika tega ukrepa ni bilo.",
                    "The measure was not in this version of the handbook.",
                ),
                _ => lang.pick(
                    "Te različice ni v zgodovini priročnika.",
                    "The handbook's history has no such version.",
                ),
            };
            return Err(AppError::NotFound(message.into()).into());
        }
    };
    let note = VersionNote {
        commit: Some(past.commit.id.to_string()),
        date: Some(past.commit.time),
        past: true,
        uncommitted: false,
    };
    let series = Vec::new();
    let related = Vec::new();
    let mut entry = past.entry;
    // The id of the address: a renamed entry's old versions are the same measure.
    entry.id = id;
    Ok(views::measure_page(&views::MeasureView {
        entry: &entry,
        snapshot: &snapshot,
        base_url: &state.config.base_url,
        today: state.today(),
        problems: &[],
        related: &related,
        series: &series,
        lang,
        live: false,
        // A past version offers no alerts: they follow the measure as it is now.
        alerts: false,
        version: Some(&note),
    })
    .into_response())
}

/// The ids a search narrows the changes to, `None` when it names no words and no filters.
async fn narrowed(
    state: &AppState,
    raw: Option<String>,
) -> Result<(SearchQuery, Option<HashSet<String>>), AppError> {
    let query = params::parse_search(raw.as_deref())?;
    if query.text.trim().is_empty() && query.filters.is_empty() {
        return Ok((query, None));
    }
    super::with_all_results(state, raw, |query, results, _, _| {
        let ids = results.hits.iter().map(|h| h.entry.id.clone()).collect();
        (query.clone(), Some(ids))
    })
    .await
}

/// The latest changes across the handbook, of the entries in `ids` if given.
fn recent(
    state: &AppState,
    ids: Option<&HashSet<String>>,
    vocabulary: &Vocabulary,
    lang: Lang,
) -> (Availability, Vec<Row>) {
    state.history.with(|h| {
        let rows = match h {
            HistoryState::Ready(index) => index
                .recent()
                .filter(|v| ids.is_none_or(|ids| ids.contains(&v.id)))
                .take(MAX_CHANGES)
                .map(|v| Row::of(v, vocabulary, lang))
                .collect(),
            _ => Vec::new(),
        };
        (availability(h), rows)
    })
}

pub async fn changes(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let (query, ids) = narrowed(&state, raw).await?;
    let snapshot = state.snapshots.get();
    let (availability, rows) = recent(&state, ids.as_ref(), &snapshot.vocabulary, query.lang);
    Ok(changes_page(&ChangesView {
        query: &query,
        availability: &availability,
        rows: &rows,
        live: state.config.live_reload,
    })
    .into_response())
}

pub async fn changes_atom(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let (query, ids) = narrowed(&state, raw).await?;
    let snapshot = state.snapshots.get();
    let (_, rows) = recent(&state, ids.as_ref(), &snapshot.vocabulary, query.lang);
    let body = changes_feed(
        &query,
        &rows,
        &state.config.base_url,
        snapshot.loaded_at.to_utc().to_rfc3339(),
    );
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

/// What a commit did, in words.
pub fn event_words(event: &Event, lang: Lang) -> String {
    match event {
        Event::Created => lang.pick("Prva objava", "First published").into(),
        Event::Changed => lang.pick("Spremenjeno", "Changed").into(),
        Event::Moved { from } => format!(
            "{} {MEASURES_DIR}/{from})",
            lang.pick("Datoteka premaknjena (prej", "File moved (from")
        ),
        Event::Renamed { from } => format!(
            "{} {from})",
            lang.pick("Nov naslov ukrepa (prej", "New id (formerly")
        ),
        Event::Deleted => lang
            .pick("Odstranjeno iz priročnika", "Removed from the handbook")
            .into(),
        Event::Unreadable => lang
            .pick(
                "Datoteka v tej različici ni bila veljaven ukrep",
                "The file was not a valid measure in this version",
            )
            .into(),
    }
}

/// What the page says when history cannot be shown.
fn unavailable(availability: &Availability, lang: Lang) -> Option<Markup> {
    match availability {
        Availability::Ready => None,
        Availability::Reading => Some(html! {
            p.history-state role="status" { (lang.pick("Zgodovina priročnika se še bere; osvežite stran čez nekaj sekund.", "The handbook's history is still being read; reload the page in a few seconds.")) }
        }),
        Availability::Off(why) => Some(html! {
            p.history-state role="status" {
                (lang.pick("Zgodovina sprememb ni na voljo", "The history of changes is not available"))
                " (" (why_in(why, lang)) ")."
            }
        }),
    }
}

pub struct HistoryView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The entry is in the handbook now (not removed).
    pub current: bool,
    pub availability: &'a Availability,
    /// Newest first.
    pub rows: &'a [Row],
    /// The edits not yet committed, in words, when there are any.
    pub uncommitted: Option<&'a [String]>,
    pub lang: Lang,
    pub live: bool,
}

fn version_item(r: &Row, lang: Lang, with_title: bool) -> Markup {
    let link = href(&format!("/measures/{}?version={}", r.id, r.short()), lang);
    html! {
        li.version {
            p.version-head {
                time datetime=(r.date.to_rfc3339()) { (date_time_in(&r.date, lang)) }
                " · " (event_words(&r.event, lang))
                @if with_title { " · " a href=(href(&format!("/measures/{}/history", r.id), lang)) { (r.title) } }
                @if !r.author.is_empty() { " · " span.editor { (r.author) } }
            }
            @if !r.message.is_empty() { p.message { (r.message.lines().next().unwrap_or_default()) } }
            @if !r.texts.is_empty() {
                ul.changes { @for t in &r.texts { li { (t) } } }
            }
            @if !matches!(r.event, Event::Deleted) {
                p.version-link { a href=(link) { (lang.pick("Ta različica", "This version")) " (" code { (r.short()) } ")" } }
            }
        }
    }
}

pub fn history_page(v: &HistoryView<'_>) -> Markup {
    let lang = v.lang;
    let heading = format!(
        "{}: {}",
        lang.pick("Zgodovina sprememb", "History of changes"),
        v.title
    );
    let main = html! {
        article.history {
            p.breadcrumb {
                @if v.current {
                    a href=(href(&format!("/measures/{}", v.id), lang)) { (lang.pick("← Trenutna različica ukrepa", "← Current version of the measure")) }
                } @else {
                    a href=(href("/", lang)) { (lang.pick("← Vsi ukrepi", "← All measures")) }
                    " " (lang.pick("(ukrepa ni več v priročniku)", "(the measure is no longer in the handbook)"))
                }
            }
            h1 { (heading) }
            @if let Some(m) = unavailable(v.availability, lang) { (m) }
            @if let Some(texts) = v.uncommitted {
                section.uncommitted aria-labelledby="uncommitted-h" {
                    h2 #uncommitted-h { (lang.pick("Še ni shranjeno v zgodovini", "Not yet committed")) }
                    p { (lang.pick("Datoteka ukrepa ima spremembe, ki še niso shranjene v git; stran že kaže njih.", "The measure's file has edits not yet committed to git; the page already shows them.")) }
                    @if !texts.is_empty() { ul.changes { @for t in texts { li { (t) } } } }
                }
            }
            @if matches!(v.availability, Availability::Ready) {
                @if v.rows.is_empty() {
                    p { (lang.pick("Ukrep še ni v nobeni shranjeni različici priročnika.", "The measure is in no committed version of the handbook yet.")) }
                } @else {
                    p { (v.rows.len()) " " (lang.pick(versions_sl(v.rows.len()), if v.rows.len() == 1 { "version" } else { "versions" })) ", " (lang.pick("najnovejša prva.", "newest first.")) }
                    ol.versions reversed { @for r in v.rows { (version_item(r, lang, false)) } }
                }
            }
            p { a href=(href("/changes", lang)) { (lang.pick("Zadnje spremembe v priročniku", "Latest changes in the handbook")) } }
        }
    };
    views::layout(
        &Frame {
            title: &heading,
            lang,
            quick_search: true,
            live: v.live,
            here: format!("/measures/{}/history", v.id),
            feed: None,
        },
        main,
    )
}

pub struct ChangesView<'a> {
    pub query: &'a SearchQuery,
    pub availability: &'a Availability,
    pub rows: &'a [Row],
    pub live: bool,
}

pub fn changes_page(v: &ChangesView<'_>) -> Markup {
    let lang = v.query.lang;
    let qs = params::to_query_string(v.query, 1);
    // `to_query_string` carries the language; the links below add it themselves.
    let qs: String = form_urlencoded::parse(qs.as_bytes())
        .filter(|(k, _)| k != "lang" && k != "page")
        .fold(
            form_urlencoded::Serializer::new(String::new()),
            |mut s, (k, val)| {
                s.append_pair(&k, &val);
                s
            },
        )
        .finish();
    let with = |path: &str| {
        if qs.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{qs}")
        }
    };
    let narrowed = !v.query.text.is_empty() || !v.query.filters.is_empty();
    let heading = lang.pick("Zadnje spremembe", "Latest changes");
    let main = html! {
        section.changes-list {
            h1 { (heading) }
            form.changes-search role="search" action="/changes" method="get" {
                label for="changes-q" { (lang.pick("Samo ukrepi, ki ustrezajo iskanju", "Only measures matching a search")) }
                " "
                input #changes-q type="search" name="q" value=(v.query.text);
                @for (facet, values) in &v.query.filters {
                    @for value in values { input type="hidden" name=(facet.name()) value=(value); }
                }
                @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
                " " button type="submit" { (lang.pick("Pokaži", "Show")) }
            }
            @if narrowed {
                p { (lang.pick("Spremembe ukrepov, ki ustrezajo iskanju; ", "Changes of the measures matching the search; "))
                    a href=(href(&with("/"), lang)) { (lang.pick("iskanje", "the search")) } ", "
                    a href=(href("/changes", lang)) { (lang.pick("vse spremembe", "all changes")) } "." }
            }
            @if let Some(m) = unavailable(v.availability, lang) { (m) }
            @if matches!(v.availability, Availability::Ready) {
                @if v.rows.is_empty() {
                    p { (lang.pick("Ni sprememb.", "No changes.")) }
                } @else {
                    ol.versions { @for r in v.rows { (version_item(r, lang, true)) } }
                }
            }
            p { a href=(href(&with("/changes.atom"), lang)) { (lang.pick("Vir Atom teh sprememb", "Atom feed of these changes")) } }
        }
    };
    views::layout(
        &Frame {
            title: heading,
            lang,
            quick_search: true,
            live: v.live,
            here: with("/changes"),
            feed: Some(href(&with("/changes.atom"), lang)),
        },
        main,
    )
}

/// The latest changes as an Atom feed: one entry per version, its id the version's permalink,
/// so a reader shows each change once.
pub fn changes_feed(
    query: &SearchQuery,
    rows: &[Row],
    base: &str,
    fallback_updated: String,
) -> String {
    use super::feed::{escape, push_author, push_link, push_text};
    let lang = query.lang;
    let qs = params::to_query_string(query, 1);
    let with = |path: &str| {
        if qs.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{qs}")
        }
    };
    let mut out = String::with_capacity(1024 + rows.len() * 768);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.key()
    ));
    let mut title = format!(
        "{}: {}",
        views::site(lang),
        lang.pick("zadnje spremembe", "latest changes")
    );
    if !query.text.is_empty() {
        title.push_str(" (");
        title.push_str(&query.text);
        title.push(')');
    }
    push_text(&mut out, "title", &title);
    push_text(&mut out, "id", &with("/changes.atom"));
    push_link(
        &mut out,
        "self",
        "application/atom+xml",
        &with("/changes.atom"),
    );
    push_link(&mut out, "alternate", "text/html", &with("/changes"));
    let updated = rows
        .first()
        .map_or(fallback_updated, |r| r.date.to_rfc3339());
    push_text(&mut out, "updated", &updated);
    push_author(&mut out, lang);
    for r in rows {
        let permalink = format!("{base}/measures/{}?version={}", r.id, r.short());
        let what = r
            .texts
            .first()
            .cloned()
            .unwrap_or_else(|| event_words(&r.event, lang));
        out.push_str(" <entry>\n");
        push_text(&mut out, "title", &format!("{}: {what}", r.title));
        push_text(&mut out, "id", &format!("{permalink}#{}", r.id));
        let link = if matches!(r.event, Event::Deleted) {
            format!("{base}/measures/{}/history", r.id)
        } else {
            permalink
        };
        push_link(&mut out, "alternate", "text/html", &href(&link, lang));
        push_text(&mut out, "updated", &r.date.to_rfc3339());
        if !r.author.is_empty() {
            out.push_str("  <author>\n  ");
            push_text(&mut out, "name", &r.author);
            out.push_str("  </author>\n");
        }
        let mut summary = event_words(&r.event, lang);
        for t in &r.texts {
            summary.push_str("; ");
            summary.push_str(t);
        }
        if !r.message.is_empty() {
            summary.push_str(" — ");
            summary.push_str(r.message.lines().next().unwrap_or_default());
        }
        push_text(&mut out, "summary", &summary);
        out.push_str(&format!(
            "  <category term=\"{}\"/>\n",
            escape(match r.event {
                Event::Created => "created",
                Event::Changed => "changed",
                Event::Moved { .. } => "moved",
                Event::Renamed { .. } => "renamed",
                Event::Deleted => "deleted",
                Event::Unreadable => "unreadable",
            })
        ));
        out.push_str(" </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// "različica" in the number form of `n`: 1 različica, 2 različici, 3 različice, 5 različic.
fn versions_sl(n: usize) -> &'static str {
    match n % 100 {
        1 => "različica",
        2 => "različici",
        3 | 4 => "različice",
        _ => "različic",
    }
}

/// Why history is off, in the page's language: the reasons come from the history module in
/// English, for logs and `X-History`; a Slovenian page says the usual one in Slovenian.
fn why_in(why: &str, lang: Lang) -> String {
    match lang {
        Lang::En => why.to_string(),
        Lang::Sl if why.contains("not in a git repository") => {
            "mapa priročnika ni v repozitoriju git".to_string()
        }
        Lang::Sl if why.contains("not read by this server") => {
            "ta strežnik zgodovine ne bere".to_string()
        }
        Lang::Sl => "zgodovine ni bilo mogoče prebrati".to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_number_of_versions_is_said_in_its_slovenian_number_form() {
        let forms: Vec<&str> = [1, 2, 3, 5, 102].map(super::versions_sl).to_vec();
        assert_eq!(
            forms,
            [
                "različica",
                "različici",
                "različice",
                "različic",
                "različici"
            ]
        );
    }
}
