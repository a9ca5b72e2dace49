//! Hostile and malformed requests against every endpoint: each gets a 4xx with a clear message
//! or a normal answer (often an empty result), never a 500, never a panic, and nothing a client
//! sent comes back unescaped in HTML. The security headers are on every answer.

use crate::common::{Answer, App, TempHandbook};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use proptest::prelude::*;
use tower::ServiceExt;

/// What a scanner or a careless script sends, one request target each.
const HOSTILE: &[&str] = &[
    // Query syntax of search engines, unbalanced and nested.
    "/api/search?q=%22unbalanced",
    "/api/search?q=((((((((((",
    "/api/search?q=))))",
    "/api/search?q=title%3Afoo+AND+body%3A%2A",
    "/api/search?q=%2A",
    "/api/search?q=%3F%3F%3F",
    "/api/search?q=~2",
    "/api/search?q=-",
    "/api/search?q=%2B%2B%2B--",
    "/api/search?q=AND+OR+NOT",
    "/api/search?q=%5Ba+TO+b%5D",
    "/api/search?q=%7Bx%7D%5E10",
    "/api/search?q=%5C%5C%5C",
    "/api/search?q=%00%01%02",
    "/api/search?q=%22%22%22%22",
    "/api/search?q=a%22b%22c%22",
    "/api/search?q=najem*~%5E2",
    "/api/search?q=%E2%80%8B%E2%80%8B",
    "/api/search?q=e%CC%81%CC%81%CC%81%CC%81",
    "/api/search?q=%F0%9F%98%80+%F0%9F%8F%A0",
    // Injection attempts.
    "/api/search?q=%27%3B+DROP+TABLE+measures%3B--",
    "/api/search?q=%24%7Bjndi%3Aldap%3A%2F%2Fx%7D",
    "/api/search?q=%7B%7B7*7%7D%7D",
    "/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/?q=%22%3E%3Cimg+src%3Dx+onerror%3Dalert(1)%3E",
    "/?municipality=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/?sort=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/?page=%3Cscript%3E",
    // Not UTF-8, percent-encoded or raw.
    "/?q=%FF%FE%FD",
    "/api/search?q=%C3%28",
    "/api/search?municipality=%FF",
    "/api/analyze?text=%FF%FE",
    "/measures/%FF",
    "/api/measures/%FF%FE",
    "/measures/%C3%28",
    // Traversal and odd ids.
    "/measures/..%2F..%2Fetc%2Fpasswd",
    "/measures/%2e%2e%2f%2e%2e%2fCargo.toml",
    "/api/measures/..%2F..%2Fvocabulary",
    "/measures/..",
    "/measures/%2e%2e",
    "/measures/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/api/measures/%3Cscript%3E",
    "/static/..%2F..%2FCargo.toml",
    "/static/../../Cargo.toml",
    "/measures/a%00b",
    "/measures/",
    "/api/measures/",
    // Numbers out of range, repeated and unknown parameters.
    "/?page=99999999999999999999999",
    "/api/search?page=100000&per_page=100",
    "/api/search?page=-1",
    "/api/search?per_page=0",
    "/api/search?per_page=1000000",
    "/api/search?per_page=1e3",
    "/api/search?page=1&page=2&page=3",
    "/api/search?sort=relevance&sort=price",
    "/api/search?status=forever",
    "/api/search?region=atlantis",
    "/api/search?utm_source=news&fbclid=abc&x=%FF",
    "/api/search?&&&==&=&q&q=&q==",
    "/api/search?%3D%3D%3D",
    "/api/analyze",
    "/api/analyze?text=&text=&text=",
    // Unknown routes.
    "/api/nope",
    "/api/search/extra",
    "/wp-login.php",
    "/.env",
    "/.git/config",
    "//etc/passwd",
];

fn assert_safe(uri: &str, a: &Answer) {
    assert!(
        a.status.is_success() || a.status.is_redirection() || a.status.is_client_error(),
        "{uri} answered {}: {}",
        a.status,
        a.body
    );
    let content_type = a
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("text/html") {
        for payload in ["<script>alert", "<img src=x", "\"><img"] {
            assert!(
                !a.body.contains(payload),
                "{uri} echoed `{payload}` unescaped"
            );
        }
    }
    if a.status.is_client_error()
        && uri.starts_with("/api/")
        && a.status != StatusCode::METHOD_NOT_ALLOWED
    {
        let json = a.json();
        let message = json["error"].as_str().unwrap_or("");
        assert!(!message.is_empty(), "{uri}: a 4xx without a message");
        assert_eq!(json["status"], a.status.as_u16(), "{uri}");
    }
}

#[tokio::test]
async fn hostile_request_targets_get_a_4xx_or_a_normal_answer_never_a_500() {
    let app = TempHandbook::fixture().app();
    let mut client_errors = 0;
    for uri in HOSTILE {
        let a = app.get(uri).await;
        assert_safe(uri, &a);
        client_errors += usize::from(a.status.is_client_error());
    }
    // The list holds both kinds: requests refused with a message, and odd but harmless ones
    // answered normally. If everything were refused, or nothing, the checks above prove little.
    assert!(client_errors > 10, "only {client_errors} refused");
    assert!(
        client_errors < HOSTILE.len() - 10,
        "{client_errors} refused"
    );
}

#[tokio::test]
async fn a_bad_parameter_is_refused_with_a_message_that_names_it() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/api/search?per_page=1000000").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("per_page"));

    let a = app.get("/api/search?sort=price").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("relevance"));

    // On the page, the same mistake is explained on a page, with the value escaped.
    let a = app.get("/?sort=%3Cscript%3Ex").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(
        a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(a.body.contains("&lt;script&gt;x"), "{}", a.body);
}

#[tokio::test]
async fn an_id_that_is_not_utf8_gets_the_styled_400_not_a_plain_text_rejection() {
    let app = TempHandbook::fixture().app();
    let page = app.get("/measures/%FF").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains("<html"), "{}", page.body);

    let api = app.get("/api/measures/%FF").await;
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert!(api.json()["error"].as_str().unwrap().contains("measure"));
}

#[tokio::test]
async fn traversal_in_an_id_finds_no_file_outside_the_handbook() {
    let app = TempHandbook::fixture().app();
    for uri in [
        "/measures/..%2F..%2Fvocabulary",
        "/api/measures/..%2Fkranj%2Fkranj-najemnine",
        "/static/..%2F..%2FCargo.toml",
    ] {
        let a = app.get(uri).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!a.body.contains("[municipality"), "{uri} leaked a file");
    }
}

#[tokio::test]
async fn an_unknown_api_route_answers_json_and_an_unknown_page_answers_html() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/api/nope").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.json()["error"].is_string());
    let a = app.get("/wp-login.php").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.body.contains("<html"));
}

#[tokio::test]
async fn a_huge_page_number_is_an_empty_page_and_a_larger_one_is_refused() {
    let app = TempHandbook::fixture().app();
    let a = app.get("/api/search?page=100000&per_page=100").await;
    assert_eq!(a.status, StatusCode::OK);
    let json = a.json();
    assert_eq!(json["total"], 6);
    assert_eq!(json["hits"].as_array().unwrap().len(), 0);
    let a = app.get("/api/search?page=100001").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn too_many_values_of_one_filter_are_refused_and_duplicates_count_once() {
    let app = TempHandbook::fixture().app();
    let many: String = (0..65).map(|i| format!("municipality=m{i}&")).collect();
    let a = app.get(&format!("/api/search?{many}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("municipality"));

    let same = "municipality=kranj&".repeat(300);
    let a = app.get(&format!("/api/search?{same}")).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["total"], 2);
}

#[tokio::test]
async fn an_overlong_search_text_and_an_overlong_address_are_refused() {
    let app = TempHandbook::fixture().app();
    let a = app
        .get(&format!("/api/search?q={}", "najem+".repeat(300)))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("too long"));

    let a = app
        .get(&format!("/api/search?x={}", "a".repeat(40_000)))
        .await;
    assert_eq!(a.status, StatusCode::URI_TOO_LONG);
    assert!(a.json()["error"].as_str().unwrap().contains("too long"));
    let a = app.get(&format!("/?x={}", "a".repeat(40_000))).await;
    assert_eq!(a.status, StatusCode::URI_TOO_LONG);
    assert!(a.body.contains("<html"));
}

#[tokio::test]
async fn the_analyzer_refuses_a_text_longer_than_an_entry() {
    let app = TempHandbook::fixture().app();
    // Under the address limit but over the analyzer's, so the analyzer's own check answers.
    let text = "a".repeat(7_000);
    let a = app
        .get(&format!("/api/analyze?text={text}&text={text}&text={text}"))
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert!(a.json()["error"].as_str().unwrap().contains("too long"));
    let a = app
        .get(&format!("/api/analyze?text={}", "%C5%A1".repeat(1_300)))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

async fn send(app: &App, method: Method, uri: &str, body: Vec<u8>) -> StatusCode {
    let len = body.len();
    let res = app
        .router
        .clone()
        .oneshot(
            Request::builder()
                .method(method)
                .uri(uri)
                .header("content-length", len)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let _ = res.into_body().collect().await;
    status
}

#[tokio::test]
async fn other_methods_and_large_bodies_are_refused() {
    let app = TempHandbook::fixture().app();
    assert_eq!(
        send(&app, Method::POST, "/api/search", b"q=x".to_vec()).await,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            "/measures/kranj-najemnine",
            Vec::new()
        )
        .await,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(
        send(&app, Method::POST, "/api/search", vec![b'x'; 1 << 20]).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[tokio::test]
async fn under_the_api_a_refused_method_or_body_is_answered_in_json() {
    let app = TempHandbook::fixture().app();
    for (method, body, status) in [
        (
            Method::POST,
            b"q=x".to_vec(),
            StatusCode::METHOD_NOT_ALLOWED,
        ),
        (Method::PUT, Vec::new(), StatusCode::METHOD_NOT_ALLOWED),
        (
            Method::POST,
            vec![b'x'; 1 << 20],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let res = app
            .router
            .clone()
            .oneshot(
                Request::builder()
                    .method(method.clone())
                    .uri("/api/search")
                    .header("content-length", body.len())
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{method}");
        let allow = res.headers().get("allow").cloned();
        let json = res.headers()["content-type"].to_str().unwrap().to_string();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{method}: not JSON ({e}): {bytes:?}"));
        assert!(json.starts_with("application/json"), "{json}");
        assert_eq!(v["status"], status.as_u16());
        assert!(!v["error"].as_str().unwrap().is_empty());
        if status == StatusCode::METHOD_NOT_ALLOWED {
            assert!(allow.is_some_and(|a| a.to_str().unwrap().contains("GET")));
        }
    }
    // Pages keep answering with pages.
    assert_eq!(
        send(
            &app,
            Method::DELETE,
            "/measures/kranj-najemnine",
            Vec::new()
        )
        .await,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TempHandbook::fixture().app();
    for uri in [
        "/",
        "/api/search?q=x",
        "/measures/kranj-najemnine",
        "/nope",
        "/measures/%FF",
    ] {
        let a = app.get(uri).await;
        let h = |name: &str| {
            a.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{uri}: no {name}"))
                .to_string()
        };
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(csp.contains("script-src 'self'"), "{uri}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{uri}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff");
        assert!(!h("referrer-policy").is_empty());
        assert_eq!(h("x-frame-options"), "DENY");
    }
}

#[tokio::test]
async fn pages_carry_no_inline_script_the_policy_would_block() {
    let app = TempHandbook::fixture().app();
    for uri in ["/", "/measures/kranj-najemnine", "/status"] {
        let body = app.get(uri).await.body;
        for (i, _) in body.match_indices("<script") {
            let tag_end = body[i..].find('>').unwrap() + i;
            assert!(
                body[i..tag_end].contains("src="),
                "{uri} has an inline script: {}",
                &body[i..tag_end]
            );
        }
        assert!(!body.contains(" onclick="), "{uri}");
    }
}

/// Query strings built from the characters that break parsers.
fn hostile_query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("q=".to_string()),
        Just("&".to_string()),
        Just("=".to_string()),
        Just("%".to_string()),
        Just("%FF".to_string()),
        Just("%22".to_string()),
        Just("+".to_string()),
        Just("page=".to_string()),
        Just("per_page=".to_string()),
        Just("sort=".to_string()),
        Just("municipality=".to_string()),
        Just("status=".to_string()),
        Just("type=".to_string()),
        "[a-zčšž0-9 ():*~^\\-\"\\[\\]{}]{0,12}"
            .prop_map(|s| { form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>() }),
        "[0-9]{1,25}".prop_map(|s| s),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

#[test]
fn no_query_string_makes_search_answer_500() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let hb = TempHandbook::fixture();
    let app = runtime.block_on(async { hb.app() });
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(300));
    runner
        .run(&hostile_query(), |raw| {
            for path in ["/api/search", "/"] {
                let uri = format!("{path}?{raw}");
                if uri.parse::<axum::http::Uri>().is_err() {
                    continue;
                }
                let a = runtime.block_on(app.get(&uri));
                prop_assert!(
                    a.status == StatusCode::OK || a.status == StatusCode::BAD_REQUEST,
                    "{} answered {}: {}",
                    uri,
                    a.status,
                    a.body
                );
            }
            Ok(())
        })
        .unwrap();
}
