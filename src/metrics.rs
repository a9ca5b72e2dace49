//! What `GET /metrics` shows, in the Prometheus text format (OpenMetrics, through the Prometheus
//! project's own `prometheus-client`): requests by route template and status, their latency,
//! the hit ratios of the answer cache and of the match cache, and alert mails sent and failed,
//! counted as they happen; the handbook's entries, problems and last reload, read from the
//! snapshot when scraped.
//!
//! One registry per process (`global`), not one per server state: the match cache lives in a
//! snapshot and alert rounds below the web, far from any state a handler holds, and a process
//! serves one `/metrics`. Counters only grow, so tests that build several servers in one process
//! see them grow together. This module imports nothing of the crate, so anything may count.

use std::sync::LazyLock;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's template (`/measures/{id}`), never the path asked for: one series per
    /// route, not one per measure or per made-up address.
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SeverityLabels {
    severity: &'static str,
}

/// From half a millisecond (a cached answer) to 10 s (the request timeout).
fn latency_histogram() -> Histogram {
    Histogram::new([
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
    ])
}

/// The handbook as the current snapshot has it, read when `/metrics` is scraped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Handbook {
    pub entries: u64,
    pub errors: u64,
    pub warnings: u64,
    pub generation: u64,
    /// When the snapshot was published, in seconds since 1970.
    pub reloaded_at: f64,
    /// How long building it took.
    pub reload_took: Duration,
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    answer_cache: Family<ResultLabels, Counter>,
    match_cache: Family<ResultLabels, Counter>,
    alert_mails: Family<ResultLabels, Counter>,
    ready: Gauge,
    entries: Gauge,
    problems: Family<SeverityLabels, Gauge>,
    generation: Gauge,
    reloaded_at: Gauge<f64, AtomicU64>,
    reload_took: Gauge<f64, AtomicU64>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

static GLOBAL: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process's metrics.
pub fn global() -> &'static Metrics {
    &GLOBAL
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("handbook");
        let m = Metrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            answer_cache: Family::default(),
            match_cache: Family::default(),
            alert_mails: Family::default(),
            ready: Gauge::default(),
            entries: Gauge::default(),
            problems: Family::default(),
            generation: Gauge::default(),
            reloaded_at: Gauge::default(),
            reload_took: Gauge::default(),
            registry: Registry::default(),
        };
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            m.requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its answer's headers, by route template",
            Unit::Seconds,
            m.latency.clone(),
        );
        registry.register(
            "answer_cache_lookups",
            "Search answers looked for in the answer cache: hit or miss",
            m.answer_cache.clone(),
        );
        registry.register(
            "match_cache_lookups",
            "Searches that looked for their words' matches in the match cache: hit or miss",
            m.match_cache.clone(),
        );
        registry.register(
            "alert_mails",
            "Alert mails (digests and reminders) by result: sent or failed",
            m.alert_mails.clone(),
        );
        registry.register(
            "ready",
            "1 once the handbook and its index are loaded and searches are answered",
            m.ready.clone(),
        );
        registry.register(
            "entries",
            "Entries served by the current snapshot",
            m.entries.clone(),
        );
        registry.register(
            "problems",
            "Problems in the handbook files, by severity (error or warning)",
            m.problems.clone(),
        );
        registry.register(
            "generation",
            "The snapshot's generation: 1 at start, one more per reload",
            m.generation.clone(),
        );
        registry.register_with_unit(
            "last_reload_timestamp",
            "When the current snapshot was published, in seconds since 1970",
            Unit::Seconds,
            m.reloaded_at.clone(),
        );
        registry.register_with_unit(
            "last_reload_duration",
            "How long it took to build the current snapshot",
            Unit::Seconds,
            m.reload_took.clone(),
        );
        Metrics { registry, ..m }
    }

    /// One answered request.
    pub fn request(&self, method: &str, route: &str, status: u16, took: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_string(),
                route: route.to_string(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(took.as_secs_f64());
    }

    pub fn answer_cache(&self, hit: bool) {
        self.answer_cache
            .get_or_create(&ResultLabels {
                result: if hit { "hit" } else { "miss" },
            })
            .inc();
    }

    pub fn match_cache(&self, hit: bool) {
        self.match_cache
            .get_or_create(&ResultLabels {
                result: if hit { "hit" } else { "miss" },
            })
            .inc();
    }

    /// The outcome of one round of alert mails.
    pub fn alert_mails(&self, sent: u64, failed: u64) {
        for (result, n) in [("sent", sent), ("failed", failed)] {
            self.alert_mails
                .get_or_create(&ResultLabels { result })
                .inc_by(n);
        }
    }

    /// The text of `/metrics`, with the handbook's figures as of now (`None` while loading).
    pub fn render(&self, handbook: Option<Handbook>) -> String {
        self.ready.set(i64::from(handbook.is_some()));
        if let Some(h) = handbook {
            let int = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
            self.entries.set(int(h.entries));
            for (severity, n) in [("error", h.errors), ("warning", h.warnings)] {
                self.problems
                    .get_or_create(&SeverityLabels { severity })
                    .set(int(n));
            }
            self.generation.set(int(h.generation));
            self.reloaded_at.set(h.reloaded_at);
            self.reload_took.set(h.reload_took.as_secs_f64());
        }
        // Every series exists from the start, so a ratio of two is defined before the first
        // miss and a rate of failures before the first failure.
        for (family, results) in [
            (&self.answer_cache, ["hit", "miss"]),
            (&self.match_cache, ["hit", "miss"]),
            (&self.alert_mails, ["sent", "failed"]),
        ] {
            for result in results {
                let _ = family.get_or_create(&ResultLabels { result });
            }
        }
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

/// The content type of `render`'s text. Prometheus asks for OpenMetrics and reads it natively;
/// the same text also parses as the older 0.0.4 format (`# UNIT` and `# EOF` are comments).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_request_shows_under_its_route_and_status() {
        let m = Metrics::new();
        m.request("GET", "/measures/{id}", 200, Duration::from_millis(3));
        m.request("GET", "/measures/{id}", 200, Duration::from_millis(3));
        let text = m.render(None);
        assert!(
            text.contains(
                r#"handbook_http_requests_total{method="GET",route="/measures/{id}",status="200"} 2"#
            ),
            "{text}"
        );
        assert!(text.contains("# TYPE handbook_http_request_duration_seconds histogram"));
        assert!(text.contains("handbook_ready 0"), "{text}");
    }
}
