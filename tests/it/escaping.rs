//! Text from entries and from queries is always escaped in HTML: a `<script>` in a title, a
//! body or a query is shown as text and never runs.

use crate::common::TempHandbook;

fn hostile() -> TempHandbook {
    let hb = TempHandbook::fixture();
    hb.write(
        "measures/x/hostile.toml",
        r#"title = "<script>alert('title')</script> Najem"
summary = "Povzetek <img src=x onerror=alert(1)> najem"
municipalities = ["kranj"]
types = ["vavcer"]
sources = ["obcinski-proracun"]
provider = "\"><script>alert('provider')</script>"
updated = 2024-01-01
url = "https://example.com/?a=<b>&c=\"d\""
legal_basis = ["<b>Odlok</b>"]
body = """
<script>alert('body')</script>

[klik](javascript:alert('link'))
"""
"#,
    );
    hb
}

fn assert_no_live_markup(html: &str) {
    for bad in [
        "<script>alert",
        "<img src=x",
        "javascript:alert",
        "<b>Odlok",
        "\"><script>",
    ] {
        assert!(!html.contains(bad), "unescaped `{bad}` in:\n{html}");
    }
}

#[tokio::test]
async fn entry_text_is_escaped_on_the_measure_page() {
    let app = hostile().app();
    let page = app.get("/measures/hostile").await;
    assert_eq!(page.status, 200);
    assert_no_live_markup(&page.body);
    assert!(
        page.body
            .contains("&lt;script&gt;alert('title')&lt;/script&gt; Najem"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("&lt;script&gt;alert('body')&lt;/script&gt;"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn entry_text_and_the_query_are_escaped_on_the_search_page() {
    let app = hostile().app();
    for q in [
        "najem",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let page = app.get(&format!("/?q={q}")).await;
        assert_eq!(page.status, 200, "{q}");
        assert_no_live_markup(&page.body);
    }
    let page = app
        .get("/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert!(
        page.body
            .contains("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn snippets_in_the_api_are_escaped_html_with_marks_only() {
    let app = hostile().app();
    let v = app.json("/api/search?q=najem").await;
    let hit = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["id"] == "hostile")
        .unwrap();
    let snippet = hit["snippet"].as_str().unwrap();
    assert_eq!(
        snippet,
        "Povzetek &lt;img src=x onerror=alert(1)&gt; <mark>najem</mark>"
    );
}

#[tokio::test]
async fn pages_are_served_with_a_strict_content_security_policy() {
    let app = hostile().app();
    let page = app.get("/").await;
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
}
