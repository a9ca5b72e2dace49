//! What an operator and a load balancer ask of the server rather than what people read:
//! readiness (`/readyz`) apart from liveness (`/healthz`), `/metrics`, the handbook version on
//! every answer (`X-Handbook-Version`), the small app that answers while the handbook is still
//! loading, and the `X-Forwarded-*` headers of a trusted reverse proxy.

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::config::Network;

pub const VERSION_HEADER: HeaderName = HeaderName::from_static("x-handbook-version");

/// `GET /readyz` once the handbook is loaded: this app only exists then. While loading, the
/// loading app answers 503 (`loading`); once the server is stopping, 503 again, so that a load
/// balancer sends nothing more during the drain.
pub async fn ready(State(state): State<AppState>) -> Response {
    if *state.shutdown.borrow() {
        (StatusCode::SERVICE_UNAVAILABLE, "stopping\n").into_response()
    } else {
        "ready\n".into_response()
    }
}

/// `GET /metrics`.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let snapshot = state.snapshots.get();
    let errors = snapshot.problems.iter().filter(|d| d.is_error()).count();
    let figures = crate::metrics::Handbook {
        entries: snapshot.entries.len() as u64,
        errors: errors as u64,
        warnings: (snapshot.problems.len() - errors) as u64,
        generation: snapshot.generation,
        reloaded_at: snapshot.loaded_at.timestamp_millis() as f64 / 1000.0,
        reload_took: snapshot.took,
    };
    metrics_answer(Some(figures))
}

fn metrics_answer(figures: Option<crate::metrics::Handbook>) -> Response {
    (
        [
            (header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        crate::metrics::global().render(figures),
    )
        .into_response()
}

/// What answers between the moment the server listens and the moment the handbook and its
/// index are open: alive (`/healthz`), not ready (`/readyz`), metrics, and 503 with
/// `Retry-After` for everything else, so a load balancer that sends a request anyway gets an
/// answer it can retry elsewhere rather than a refused connection.
pub fn loading() -> Router {
    let app = Router::new()
        .route("/healthz", get(|| async { "ok\nloading the handbook" }))
        .route(
            "/readyz",
            get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "loading the handbook\n") }),
        )
        .route("/metrics", get(|| async { metrics_answer(None) }))
        .fallback(|request: Request| async move {
            let api = request.uri().path().starts_with("/api/");
            let message = "the handbook is loading; try again in a second";
            let retry = [(header::RETRY_AFTER, "1")];
            if api {
                let body = serde_json::json!({"error": message, "status": 503}).to_string();
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    retry,
                    [(header::CONTENT_TYPE, "application/json")],
                    body,
                )
                    .into_response()
            } else {
                (StatusCode::SERVICE_UNAVAILABLE, retry, message).into_response()
            }
        })
        .layer(axum::middleware::from_fn(tag_route));
    super::with_security_headers(app).layer(axum::middleware::from_fn(super::guard_and_log))
}

/// The route a request matched, for `/metrics` and the access log: it is known inside the
/// router only, and the outer layers read it from the answer.
#[derive(Debug, Clone)]
pub struct Route(pub MatchedPath);

/// Carries the matched route's template from the request to its answer.
pub async fn tag_route(request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().cloned();
    let mut response = next.run(request).await;
    if let Some(route) = route {
        response.extensions_mut().insert(Route(route));
    }
    response
}

/// Every answer says which version of the handbook the server serves, so an operator (or a
/// test) can see that replicas agree. Read when the answer leaves: during a reload an answer
/// may carry the new version while made from the old, for the few milliseconds a reload takes.
pub async fn stamp_version(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if let Ok(v) = HeaderValue::from_str(&state.snapshots.get().version) {
        response.headers_mut().insert(VERSION_HEADER, v);
    }
    response
}

/// The client of a request that came from `peer`. A peer among `trusted` is a reverse proxy:
/// the client is the last address in `X-Forwarded-For` that is not itself a trusted proxy,
/// and `X-Forwarded-Host` stands for `Host` (the origin check of the alert form compares it
/// with the form's page). From anyone else the three headers are removed, so nothing further
/// in can be fooled by a client that writes them itself.
pub fn forwarded(peer: SocketAddr, headers: &mut HeaderMap, trusted: &[Network]) -> SocketAddr {
    const FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
    const HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
    const PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer.ip()) {
        for name in [FOR, HOST, PROTO] {
            headers.remove(name);
        }
        return peer;
    }
    // Each proxy appends the address it got the request from; the rightmost untrusted one is
    // the client as far as we can tell (those to its left could be made up).
    let client = headers
        .get_all(&FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .find(|ip| !is_trusted(*ip));
    if let Some(host) = headers.get(&HOST).cloned() {
        headers.insert(header::HOST, host);
    }
    client.map_or(peer, |ip| SocketAddr::new(ip, peer.port()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn forwarded_headers_from_an_untrusted_peer_are_ignored_and_removed() {
        let trusted: Vec<Network> = vec!["10.0.0.1".parse().unwrap()];
        let peer: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        let mut h = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("x-forwarded-host", "evil.example"),
            ("host", "prirocnik.example"),
        ]);
        assert_eq!(forwarded(peer, &mut h, &trusted), peer);
        assert!(h.get("x-forwarded-for").is_none());
        assert_eq!(h["host"], "prirocnik.example");
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_the_host() {
        let trusted: Vec<Network> = vec!["10.0.0.0/8".parse().unwrap()];
        let peer: SocketAddr = "10.0.0.1:5000".parse().unwrap();
        // A client that wrote its own header first: the proxies' appended address counts.
        let mut h = headers(&[
            ("x-forwarded-for", "198.51.100.1, 203.0.113.9, 10.0.0.2"),
            ("x-forwarded-host", "prirocnik.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        let client = forwarded(peer, &mut h, &trusted);
        assert_eq!(client.ip(), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(h["host"], "prirocnik.example");
    }
}
