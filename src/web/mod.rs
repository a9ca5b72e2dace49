//! The HTTP server: routes, shared state, middleware and graceful shutdown. `router` is apart
//! from `serve` so tests drive it with `oneshot` and no network.

mod alert_forms;
pub mod alerts;
mod api;
mod cache;
mod calendar;
pub mod citation;
mod compare;
mod error;
mod export;
mod feed;
mod fits;
pub mod history;
mod live;
mod openapi;
mod ops;
mod pages;
mod statistics;
mod stream;
pub mod views;

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::live::catalog::SnapshotHandle;
use crate::search::params;
use crate::search::{Results, SearchQuery, Snapshot};

pub use error::AppError;

/// Settings resolved once at start and passed to every handler.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The public address of the site, for permalinks in citations (no trailing slash).
    pub base_url: String,
    /// Pins "today" for status computation; for tests and for reproducing a past view.
    pub today: Option<NaiveDate>,
    /// Pages reload themselves when the handbook changes (`/events`).
    pub live_reload: bool,
    /// The alert forms are offered: an SMTP server is configured (`--smtp-url`). Without one
    /// they say the service is not available.
    pub alerts: bool,
}

#[derive(Clone)]
pub struct AppState {
    pub snapshots: SnapshotHandle,
    pub config: Arc<WebConfig>,
    /// Set once the server is stopping, so long-lived streams end and shutdown can finish.
    pub shutdown: Arc<tokio::sync::watch::Sender<bool>>,
    answers: Arc<cache::AnswerCache>,
    /// Searches running at once. More than the cores can run only queue up threads and memory;
    /// the rest wait their turn here, cheaply, under the request timeout.
    searches: Arc<Semaphore>,
    /// Open `/events` streams: each is cheap, but a script could open them by the thousand.
    pub(crate) streams: Arc<Semaphore>,
    /// Turns for heavy work (exports, searches of many words), apart from the search slots so
    /// that it never takes them all: ordinary searches keep their latency while it runs.
    heavy: Arc<Semaphore>,
    limits: Limits,
    /// E-mail alerts (`/alerts`); `None` when the server has no data folder for them.
    alerts: Option<Arc<alerts::AlertsWeb>>,
    /// The handbook's history from git (`history`); off unless `with_history` gives one.
    pub history: crate::history::HistoryHandle,
}

/// How much heavy work runs at once and how long a request waits for a turn. The defaults
/// suit the machine; tests set their own.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Exports and searches of more than `HEAVY_QUERY_WORDS` words running at once.
    pub heavy: usize,
    /// How long such a request waits for a turn before it is told to come back (503 with
    /// `Retry-After`).
    pub heavy_wait: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // Half the cores: the other half stays free for searches, whatever heavy work
            // comes in.
            heavy: (std::thread::available_parallelism().map_or(2, |n| n.get()) / 2).max(1),
            heavy_wait: HEAVY_WAIT,
        }
    }
}

impl AppState {
    pub fn new(snapshots: SnapshotHandle, config: WebConfig) -> Self {
        Self::with_limits(snapshots, config, Limits::default())
    }

    pub fn with_limits(snapshots: SnapshotHandle, config: WebConfig, limits: Limits) -> Self {
        AppState {
            snapshots,
            config: Arc::new(config),
            shutdown: Arc::new(tokio::sync::watch::channel(false).0),
            answers: Arc::new(cache::AnswerCache::default()),
            searches: Arc::new(Semaphore::new(search_slots())),
            streams: Arc::new(Semaphore::new(MAX_STREAMS)),
            heavy: Arc::new(Semaphore::new(limits.heavy.max(1))),
            limits,
            alerts: None,
            history: crate::history::HistoryHandle::off("history is not read by this server"),
        }
    }

    /// The state with e-mail alerts on the data folder and SMTP server of `config`.
    pub fn with_alerts(
        mut self,
        config: crate::alerts::AlertsConfig,
    ) -> Result<Self, crate::alerts::AlertsError> {
        self.alerts = Some(Arc::new(alerts::AlertsWeb::new(config)?));
        Ok(self)
    }

    /// The same state, serving this history.
    pub fn with_history(mut self, history: crate::history::HistoryHandle) -> Self {
        self.history = history;
        self
    }

    pub fn today(&self) -> NaiveDate {
        self.config.today.unwrap_or_else(crate::today)
    }
}

/// A rendered search answer: from the cache, or by searching on a blocking thread so a long
/// search never holds up the async workers that serve everything else.
async fn answer(
    state: &AppState,
    kind: cache::Kind,
    raw: Option<String>,
    render: fn(&SearchQuery, &Results, &Snapshot, &WebConfig) -> Vec<u8>,
) -> Result<cache::Compressed, AppError> {
    let raw = raw.unwrap_or_default();
    let snapshot = state.snapshots.get();
    let today = state.today();
    let cached = state.answers.get(kind, &raw, snapshot.generation, today);
    crate::metrics::global().answer_cache(cached.is_some());
    if let Some(hit) = cached {
        return Ok(hit);
    }
    let query = params::parse_search(Some(&raw))?;
    let config = state.config.clone();
    let slot = slot_for(state, &query).await?;
    let (snapshot, body) = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let results = snapshot.search(&query, today)?;
        let plain = render(&query, &results, &snapshot, &config);
        let body = cache::Compressed::new(&plain, kind.content_type());
        Ok::<_, AppError>((snapshot, body))
    })
    .await
    .map_err(|e| AppError::Internal(format!("search task failed: {e}")))??;
    state
        .answers
        .put(kind, &raw, snapshot.generation, today, body.clone());
    Ok(body)
}

/// A slot to run one search in. Owned, to be moved into the search: if the request times out
/// and its future is dropped, the slot stays taken until the search itself is done.
async fn search_slot(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
    state
        .searches
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| AppError::Internal(format!("search slots closed: {e}")))
}

/// A turn in the heavy pool, waited for at most `Limits::heavy_wait`: beyond it the client is
/// told to come back, rather than held while the queue grows. Owned, like a search slot, to be
/// moved into the work and dropped when the work is done.
async fn heavy_slot(state: &AppState) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
    let wait = state.limits.heavy_wait;
    match tokio::time::timeout(wait, state.heavy.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(e)) => Err(AppError::Internal(format!("heavy slots closed: {e}"))),
        Err(_) => {
            let retry_after = wait.as_secs().max(1);
            Err(AppError::Busy {
                message: format!(
                    "the server is busy with exports and long searches; try again in {retry_after} s"
                ),
                retry_after,
            })
        }
    }
}

/// The turn to search `query` in: a search slot, or for a search of many words a turn in the
/// heavy pool, so a flood of long queries waits there and not in front of everyone's searches.
async fn slot_for(
    state: &AppState,
    query: &SearchQuery,
) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
    if crate::search::query::word_count(&query.text) > HEAVY_QUERY_WORDS {
        heavy_slot(state).await
    } else {
        search_slot(state).await
    }
}

/// Every result of the search in `raw` (not one page), handed to `f` on a blocking thread
/// under a search slot, like `answer`: for answers of bounded size over a whole handbook (the
/// feed's 1,000 entries, the statistics' counts), which cost about a search. Exports, whose
/// size grows with the handbook, are streamed instead (`stream`).
async fn with_all_results<T: Send + 'static>(
    state: &AppState,
    raw: Option<String>,
    f: impl FnOnce(&SearchQuery, &Results, &Snapshot, &WebConfig) -> T + Send + 'static,
) -> Result<T, AppError> {
    let query = params::parse_search(raw.as_deref())?;
    let snapshot = state.snapshots.get();
    let today = state.today();
    let config = state.config.clone();
    let slot = slot_for(state, &query).await?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        let results = snapshot.search_all(&query, today)?;
        Ok::<_, AppError>(f(&query, &results, &snapshot, &config))
    })
    .await
    .map_err(|e| AppError::Internal(format!("search task failed: {e}")))?
}

const STYLE: &str = include_str!("static/style.css");
const SCRIPT: &str = include_str!("static/app.js");

/// A slow client must not hold a worker forever; a search takes milliseconds.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest request target (path and query) accepted. A search needs a few hundred bytes and
/// `/api/analyze` up to 16 KiB of text; beyond this, no request is legitimate.
pub const MAX_URI_BYTES: usize = 32 * 1024;
/// Every route is a GET; a body is never read, so anything beyond a few bytes is refused.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// Live-reload streams open at once; an editor's office needs a handful.
pub const MAX_STREAMS: usize = 256;
/// How long an export or a search of many words waits for a turn in the heavy pool: long
/// enough for a queue of several exports of a large handbook to drain, well under the request
/// timeout.
pub const HEAVY_WAIT: Duration = Duration::from_secs(5);
/// A search of more words than this (of at most `MAX_QUERY_WORDS`) is heavy work: it waits
/// for a turn in the heavy pool rather than a search slot. The questions of the relevance
/// suite, asked in full, have at most 8 once stop words are dropped; a longer one is still
/// searched, only in the heavy pool.
pub const HEAVY_QUERY_WORDS: usize = 12;
/// The size of the pieces an export is sent in (`stream`): big enough that sending costs
/// nothing next to writing, small enough that the few an export holds are nothing next to the
/// handbook.
pub const EXPORT_CHUNK_BYTES: usize = 64 * 1024;

fn search_slots() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get()) * 2
}

pub fn router(state: AppState) -> Router {
    // The event stream lives as long as the page; it must not fall under the request timeout.
    let streams = Router::new().route("/events", get(live::events));
    let app = Router::new()
        .route("/", get(pages::search))
        .route("/measures/{id}", get(calendar::measure_or_calendar))
        .route("/measures/{id}/history", get(history::page))
        .route("/changes", get(history::changes))
        .route("/changes.atom", get(history::changes_atom))
        .route("/status", get(pages::status))
        .route("/compare", get(compare::page))
        .route("/fits", get(fits::page))
        .route("/statistics", get(statistics::page))
        .route("/export.csv", get(export::csv))
        .route("/export.json", get(export::json))
        .route("/feed.atom", get(feed::atom))
        .route("/calendar.ics", get(calendar::search))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/search", get(api::search))
        .route("/api/measures/{id}", get(api::measure))
        .route("/api/measures/{id}/history", get(history::api))
        .route("/api/analyze", get(api::analyze))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(ops::ready))
        .route("/metrics", get(ops::metrics))
        .route("/alerts", post(alerts::subscribe))
        .route("/alerts/confirm", get(alerts::confirm))
        .route(
            "/alerts/unsubscribe",
            get(alerts::unsubscribe_page).post(alerts::unsubscribe),
        )
        .route(
            "/static/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/static/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", SCRIPT) }),
        )
        .route("/api/{*rest}", get(api::not_found))
        .fallback(pages::not_found)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .merge(streams)
        .layer(middleware::from_fn(ops::tag_route))
        .with_state(state.clone())
        .layer(CatchPanicLayer::custom(panicked))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CompressionLayer::new());
    with_security_headers(app)
        .layer(middleware::from_fn(guard_and_log))
        .layer(middleware::from_fn_with_state(state, ops::stamp_version))
}

/// The headers every answer carries, the loading app's too (`ops::loading`).
fn with_security_headers(app: Router) -> Router {
    app
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
}

/// The outermost layer but one: refuses request targets too long to be a search before any
/// work is done, counts the request for `/metrics` under its route's template, and writes one
/// log line per request (target `handbook::access`), with the client (as a trusted proxy
/// names it), the status and the time of the answer as the client got it.
async fn guard_and_log(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let client = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let target = req.uri().path_and_query().map_or("", |pq| pq.as_str());
    let target_len = target.len();
    // The log keeps the start of the target: enough to see what was asked, never a megabyte.
    // Copied only when the line will be written: at tens of thousands of requests a second,
    // a copy per request shows.
    let logged: Option<String> =
        tracing::enabled!(target: "handbook::access", tracing::Level::INFO)
            .then(|| alerts::without_token(target).chars().take(200).collect());
    let api = req.uri().path().starts_with("/api/");
    let res = if target_len > MAX_URI_BYTES {
        let message =
            format!("the address is too long (at most {MAX_URI_BYTES} bytes); shorten the search");
        let err = AppError::UriTooLong(message);
        if req.uri().path().starts_with("/api/") {
            error::ApiError(err).into_response()
        } else {
            error::PageError(err).into_response()
        }
    } else {
        let res = next.run(req).await;
        if api { json_error(res) } else { res }
    };
    let route = res
        .extensions()
        .get::<ops::Route>()
        .map_or("unmatched", |r| r.0.as_str());
    crate::metrics::global().request(
        method.as_str(),
        route,
        res.status().as_u16(),
        started.elapsed(),
    );
    if let Some(logged) = logged {
        tracing::info!(
            target: "handbook::access",
            %method,
            client = client.map(|c| c.to_string()),
            uri = %logged,
            status = res.status().as_u16(),
            micros = started.elapsed().as_micros() as u64,
        );
    }
    res
}

/// Under `/api/` every error is JSON, as the API's own errors are: also those the layers
/// answer before a handler runs (405 for another method, 413 for a body, 408 for a timeout),
/// which come as an empty or plain-text body. Headers such as `Allow` are kept.
fn json_error(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this address answers GET requests only".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            format!(
                "the request body is too large (every route is a GET; at most {MAX_BODY_BYTES} bytes)"
            )
        }
        StatusCode::REQUEST_TIMEOUT => "the request took too long; try again".to_string(),
        other => other.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_ENCODING);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let body = serde_json::json!({"error": message, "status": status.as_u16()}).to_string();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// A bug must not take the connection down with it, nor show a stack trace: the panic is
/// logged and the client gets the generic error page.
fn panicked(detail: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail = detail
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| detail.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a panic without a message".into());
    error::PageError(AppError::Internal(format!("panic: {detail}"))).into_response()
}

/// 301, not axum's 308: old links to a renamed measure are permanent and plain GETs, and 301
/// is what crawlers and link checkers know best.
fn moved_permanently(location: &str) -> axum::response::Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, v)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

/// How long a client may take to send a request's headers once it has begun one (or after it
/// opened the connection). Without it, a few hundred half-sent requests (slowloris) would hold
/// connections forever; every route answers at once, so honest clients never come near it.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// What a server answers with: the loading app (`ops::loading`) until `open` is called once the
/// handbook and its index are open, then the full router. Cloned into every connection.
#[derive(Clone, Default)]
pub struct Gate(Arc<std::sync::OnceLock<Opened>>);

struct Opened {
    app: Router,
    shutdown: Arc<tokio::sync::watch::Sender<bool>>,
}

impl Gate {
    /// A gate already open on `state`.
    pub fn opened(state: AppState) -> Gate {
        let gate = Gate::default();
        gate.open(state);
        gate
    }

    /// From now on requests get the full router on `state`, and `/readyz` answers 200.
    pub fn open(&self, state: AppState) {
        let shutdown = state.shutdown.clone();
        let _ = self.0.set(Opened {
            app: router(state),
            shutdown,
        });
    }
}

/// Serves HTTP/1.1 until `stop` (`shutdown_signal`) ends, then finishes the requests in
/// flight. Listening starts before the handbook is open (`Gate`), so a load balancer can tell
/// "starting" (`/readyz` 503) from "down" (refused). `trusted` are the reverse proxies whose
/// `X-Forwarded-*` headers are believed (`ops::forwarded`). Once `stop` ends, `/readyz` answers
/// 503 for `drain` while everything else is still served, then the listener closes.
///
/// A short accept loop of our own rather than `axum::serve`, for one setting that it does not
/// expose: hyper's header read timeout, which needs a timer.
pub async fn serve(
    listener: tokio::net::TcpListener,
    gate: Gate,
    trusted: Arc<[crate::config::Network]>,
    drain: Duration,
    stop: impl Future<Output = ()>,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt;

    let loading = ops::loading();
    let gate_for_connections = gate.clone();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let stop = async move {
        stop.await;
        // Live-reload streams end and `/readyz` says the server is going, while requests are
        // still served: a load balancer takes it out before it stops listening.
        if let Some(opened) = gate.0.get() {
            opened.shutdown.send_replace(true);
        }
        if !drain.is_zero() {
            tracing::info!(seconds = drain.as_secs(), "draining: /readyz answers 503");
            tokio::time::sleep(drain).await;
        }
    };
    let gate = gate_for_connections;
    tokio::pin!(stop);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors, most likely: wait for some to close rather
                        // than spin.
                        tracing::warn!(error = %e, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (gate, loading, trusted) = (gate.clone(), loading.clone(), trusted.clone());
                let service = tower::service_fn(
                    move |mut req: axum::http::Request<hyper::body::Incoming>| {
                        // The client's address, for the per-client limit of the alert form
                        // and the access log.
                        let client = ops::forwarded(peer, req.headers_mut(), &trusted);
                        req.extensions_mut().insert(axum::extract::ConnectInfo(client));
                        let app = gate.0.get().map_or_else(|| loading.clone(), |o| o.app.clone());
                        app.oneshot(req)
                    },
                );
                let service = TowerToHyperService::new(service);
                let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
                tokio::spawn(async move {
                    // A client that goes away or sends garbage ends its own connection only.
                    let _ = connection.await;
                });
            }
            () = &mut stop => break,
        }
    }
    drop(listener);
    // Live-reload streams end, so the connections carrying them can close (a gate opened
    // during the drain has not been told yet).
    if let Some(opened) = gate.0.get() {
        opened.shutdown.send_replace(true);
    }
    // Requests in flight finish; a client that stops reading must not hold the stop forever.
    if tokio::time::timeout(REQUEST_TIMEOUT + HEADER_TIMEOUT, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open at shutdown were closed");
    }
    Ok(())
}

/// Ends on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled: a service manager may stop the server the moment it says where it
/// serves, and that stop must be as graceful as any other (before, such a SIGTERM killed the
/// process outright). Needs a Tokio runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send {
    #[cfg(unix)]
    let (mut terminate, mut interrupt) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            // A signal that could not be installed never arrives.
            async fn next(signal: Option<&mut tokio::signal::unix::Signal>) {
                match signal {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending().await,
                }
            }
            tokio::select! {
                () = next(terminate.as_mut()) => {},
                () = next(interrupt.as_mut()) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down; finishing requests in flight");
    }
}
