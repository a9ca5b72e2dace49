//! The OpenAPI document at `/api/openapi.json` held against the server that serves it. Every
//! path and method the document describes is called over the fixture handbook, with each
//! documented parameter set to its example or to each of its enumerated values, and every
//! answer must have a documented status and media type and, for JSON, validate against the
//! documented schema (`$ref`s resolved). A route documented but answering otherwise, a
//! required field the server does not send, or a field it sends that the document does not
//! name, fails here. The validator is a small one for the subset the document uses: `type`,
//! `enum`, `required`, `properties`, `additionalProperties`, `items`, `minimum`, `maximum`
//! and the `date` and `date-time` formats.

use std::collections::BTreeSet;

use crate::common::{Answer, App, FIXTURE, TempHandbook};
use axum::http::{StatusCode, header};
use serde_json::{Value, json};

/// A measure of the fixture, and one of its former ids.
const MEASURE: &str = "kranj-najemnine";
const ALIAS: &str = "stari-kranj";

async fn document(app: &App) -> Value {
    let a = app.get("/api/openapi.json").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(media_type(&a).as_deref(), Some("application/json"));
    a.json()
}

fn media_type(a: &Answer) -> Option<String> {
    a.headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// The schema a `$ref` points at (following chains), or the schema itself.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
            return schema;
        };
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("only local references are expected, not {r}"));
        schema = doc
            .pointer(pointer)
            .unwrap_or_else(|| panic!("the reference {r} points at nothing"));
    }
    panic!("a cycle of references at {schema}")
}

/// What a validation found: answers that break the schema, and fields the schema does not name.
#[derive(Default)]
struct Problems {
    invalid: Vec<String>,
    undocumented: BTreeSet<String>,
}

fn type_matches(kind: &str, v: &Value) -> bool {
    match kind {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        other => panic!("the validator does not know the type `{other}`"),
    }
}

fn validate(doc: &Value, schema: &Value, v: &Value, at: &str, p: &mut Problems) {
    let schema = resolve(doc, schema);
    if let Some(kind) = schema.get("type") {
        let kinds: Vec<&str> = match kind {
            Value::String(k) => vec![k.as_str()],
            Value::Array(ks) => ks.iter().filter_map(Value::as_str).collect(),
            other => panic!("a type must be a string or a list, not {other}"),
        };
        if !kinds.iter().any(|k| type_matches(k, v)) {
            p.invalid.push(format!("{at}: {v} is not of type {kind}"));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(v)
    {
        p.invalid.push(format!(
            "{at}: {v} is not one of {}",
            Value::from(allowed.clone())
        ));
    }
    if let Some(n) = v.as_f64() {
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
            && n < min
        {
            p.invalid
                .push(format!("{at}: {n} is below the minimum {min}"));
        }
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
            && n > max
        {
            p.invalid
                .push(format!("{at}: {n} is above the maximum {max}"));
        }
    }
    if let (Some(format), Some(s)) = (schema.get("format").and_then(Value::as_str), v.as_str()) {
        let ok = match format {
            "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
            "date-time" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
            _ => true,
        };
        if !ok {
            p.invalid.push(format!("{at}: `{s}` is not a {format}"));
        }
    }
    if let Some(object) = v.as_object() {
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().expect("required names are strings");
            if !object.contains_key(name) {
                p.invalid
                    .push(format!("{at}: the required field `{name}` is missing"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, value) in object {
            let here = format!("{at}.{name}");
            match (
                properties.and_then(|ps| ps.get(name)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => validate(doc, s, value, &here, p),
                (None, Some(Value::Bool(false))) => {
                    p.invalid.push(format!("{here}: not allowed"));
                }
                (None, Some(s)) if s.is_object() => validate(doc, s, value, &here, p),
                // A schema that names no properties at all (the document's own) takes any.
                (None, _) if properties.is_some() => {
                    // Where it is in the answer, without array indexes: one line per field.
                    let mut field = String::new();
                    for part in here.split('[') {
                        field.push_str(part.split_once(']').map_or(part, |(_, rest)| rest));
                    }
                    p.undocumented.insert(field);
                }
                (None, _) => {}
            }
        }
    }
    if let (Some(items), Some(values)) = (schema.get("items"), v.as_array()) {
        for (i, value) in values.iter().enumerate() {
            validate(doc, items, value, &format!("{at}[{i}]"), p);
        }
    }
}

/// The values to try for a parameter: its example, or each value of its enumeration.
fn values_of(doc: &Value, param: &Value) -> Vec<Vec<String>> {
    let schema = resolve(doc, &param["schema"]);
    let as_text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    // An array parameter's example is one request's repeated values.
    let example = param.get("example").or_else(|| schema.get("example"));
    if let Some(example) = example {
        return vec![match example {
            Value::Array(vs) => vs.iter().map(as_text).collect(),
            v => vec![as_text(v)],
        }];
    }
    let enumerated = schema
        .get("enum")
        .or_else(|| schema.get("items").map(|i| &resolve(doc, i)["enum"]))
        .and_then(Value::as_array);
    if let Some(values) = enumerated {
        return values.iter().map(|v| vec![as_text(v)]).collect();
    }
    panic!("the parameter {param} has neither an example nor an enumeration to try")
}

/// One operation of the document: the path, its method and its description.
struct Operation {
    path: String,
    method: String,
    spec: Value,
}

/// The documented operations but the alert routes, which need a mail server, a data folder
/// and tokens from mails: `tests/it/alerts.rs` holds them to their documented answers.
fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if path.starts_with("/alerts") {
            continue;
        }
        for (method, spec) in item.as_object().expect("a path item") {
            out.push(Operation {
                path: path.clone(),
                method: method.clone(),
                spec: spec.clone(),
            });
        }
    }
    out
}

/// The addresses to call for an operation: without parameters, with each parameter on its
/// own (each of its values), and with the first value of every parameter at once.
fn requests(doc: &Value, op: &Operation) -> Vec<String> {
    let params: Vec<&Value> = op.spec["parameters"]
        .as_array()
        .map(|ps| ps.iter().collect())
        .unwrap_or_default();
    let mut path = op.path.clone();
    for p in params.iter().filter(|p| p["in"] == "path") {
        let name = p["name"].as_str().unwrap();
        assert_eq!(name, "id", "a path parameter this test does not know");
        path = path.replace(&format!("{{{name}}}"), MEASURE);
    }
    let query: Vec<(&str, Vec<Vec<String>>)> = params
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| (p["name"].as_str().unwrap(), values_of(doc, p)))
        .collect();
    let with = |pairs: &[(&str, &Vec<String>)]| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (name, values) in pairs {
            for v in *values {
                s.append_pair(name, v);
            }
        }
        let qs = s.finish();
        if qs.is_empty() {
            path.clone()
        } else {
            format!("{path}?{qs}")
        }
    };
    let mut out = vec![with(&[])];
    for (name, values) in &query {
        for v in values {
            out.push(with(&[(name, v)]));
        }
    }
    if query.len() > 1 {
        let all: Vec<(&str, &Vec<String>)> = query.iter().map(|(n, vs)| (*n, &vs[0])).collect();
        out.push(with(&all));
    }
    out
}

/// Checks one answer against the operation's documented responses; returns the status.
fn check(doc: &Value, op: &Operation, uri: &str, a: &Answer, p: &mut Problems) {
    let responses = &op.spec["responses"];
    let code = a.status.as_u16().to_string();
    let Some(documented) = responses.get(&code).or_else(|| responses.get("default")) else {
        let known: Vec<&String> = responses.as_object().unwrap().keys().collect();
        p.invalid.push(format!(
            "{uri}: status {code} is not documented (documented: {known:?}): {}",
            a.body.chars().take(300).collect::<String>()
        ));
        return;
    };
    let documented = resolve(doc, documented);
    for (name, h) in documented["headers"].as_object().into_iter().flatten() {
        if h["required"] == true && !a.headers.contains_key(name.to_ascii_lowercase().as_str()) {
            p.invalid
                .push(format!("{uri}: {code} lacks the documented header {name}"));
        }
    }
    let Some(content) = documented["content"].as_object() else {
        return;
    };
    let media = media_type(a).unwrap_or_default();
    let Some(media_spec) = content.get(&media) else {
        let known: Vec<&String> = content.keys().collect();
        p.invalid.push(format!(
            "{uri}: {code} came as `{media}`, documented {known:?}"
        ));
        return;
    };
    if media == "application/json" {
        match serde_json::from_str::<Value>(&a.body) {
            Ok(body) => validate(
                doc,
                &media_spec["schema"],
                &body,
                &format!("{uri} {code} $"),
                p,
            ),
            Err(e) => p.invalid.push(format!("{uri}: {code} is not JSON: {e}")),
        }
    } else if let Some(values) = media_spec["schema"]["enum"].as_array()
        && !values.contains(&Value::from(a.body.as_str()))
    {
        p.invalid.push(format!(
            "{uri}: {code} body `{}` is not one of {values:?}",
            a.body
        ));
    }
}

/// Calls every documented operation with every request `requests` makes of it.
async fn call_everything(app: &App, doc: &Value) -> Problems {
    let mut p = Problems::default();
    for op in operations(doc) {
        assert_eq!(op.method, "get", "{}: every route is a GET", op.path);
        let mut succeeded = false;
        for uri in requests(doc, &op) {
            let a = app.get(&uri).await;
            succeeded |= a.status.is_success();
            check(doc, &op, &uri, &a, &mut p);
        }
        if !succeeded {
            p.invalid.push(format!(
                "{} {}: no request with the documented examples succeeded",
                op.method, op.path
            ));
        }
    }
    p
}

/// The routes `src/web/mod.rs` registers that are for programs: the API (without its
/// catch-all), the exports, the feed, the health and readiness checks and the metrics.
fn served_routes() -> BTreeSet<String> {
    let source = include_str!("../../src/web/mod.rs");
    source
        .split(".route(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|path| {
            (path.starts_with("/api/") && !path.contains("{*"))
                || path.starts_with("/export")
                || path.starts_with("/feed")
                || path.ends_with(".ics")
                || path.starts_with("/alerts")
                || ["/healthz", "/readyz", "/metrics"].contains(path)
        })
        .map(str::to_string)
        .collect()
}

fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(vs) => vs.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_describes_every_route_for_programs() {
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert!(!doc["info"]["title"].as_str().unwrap().is_empty());
    assert!(!doc["info"]["description"].as_str().unwrap().is_empty());
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["servers"], json!([{"url": "/"}]));
    let documented: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    let served = served_routes();
    for route in [
        "/api/search",
        "/api/measures/{id}",
        "/api/analyze",
        "/api/openapi.json",
        "/export.json",
        "/export.csv",
        "/feed.atom",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(served.contains(route), "the router no longer has {route}?");
    }
    let missing: Vec<&String> = served.difference(&documented).collect();
    assert!(missing.is_empty(), "served but not documented: {missing:?}");
    let mut refs = Vec::new();
    references(&doc, &mut refs);
    assert!(refs.len() > 10);
    for r in &refs {
        resolve(&doc, &json!({ "$ref": r }));
    }
}

#[tokio::test]
async fn every_documented_operation_answers_as_documented() {
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    let p = call_everything(&app, &doc).await;
    assert!(p.invalid.is_empty(), "{}", p.invalid.join("\n"));
}

#[tokio::test]
async fn every_field_the_server_returns_is_documented() {
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    let p = call_everything(&app, &doc).await;
    assert!(
        p.undocumented.is_empty(),
        "fields in answers that the document does not name:\n{}",
        p.undocumented
            .iter()
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[tokio::test]
async fn the_examples_reach_real_hits_and_measures() {
    // Validation of an empty list proves nothing about its items: the examples must find some.
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    let search = app.json("/api/search?q=najemnine&municipality=kranj").await;
    assert!(!search["hits"].as_array().unwrap().is_empty());
    let export = app.json("/export.json").await;
    assert_eq!(export["measures"].as_array().unwrap().len(), FIXTURE.len());
    let mut p = Problems::default();
    let schemas = &doc["components"]["schemas"];
    validate(&doc, &schemas["SearchResults"], &search, "search", &mut p);
    validate(&doc, &schemas["Export"], &export, "export", &mut p);
    assert!(p.invalid.is_empty(), "{}", p.invalid.join("\n"));
}

#[tokio::test]
async fn a_bad_parameter_gets_the_documented_400_as_an_error() {
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    let mut tried = 0;
    for op in operations(&doc) {
        let takes_page = op.spec["parameters"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["name"] == "page"));
        if !takes_page {
            continue;
        }
        assert!(
            op.spec["responses"].get("400").is_some(),
            "{} takes `page` but documents no 400",
            op.path
        );
        for bad in ["page=0", "per_page=101", "sort=price"] {
            let uri = format!("{}?{bad}", op.path);
            let a = app.get(&uri).await;
            assert_eq!(a.status, StatusCode::BAD_REQUEST, "{uri}: {}", a.body);
            let mut p = Problems::default();
            check(&doc, &op, &uri, &a, &mut p);
            validate(
                &doc,
                &doc["components"]["schemas"]["Error"],
                &a.json(),
                &uri,
                &mut p,
            );
            assert!(p.invalid.is_empty(), "{}", p.invalid.join("\n"));
            assert_eq!(a.json()["status"], 400);
            tried += 1;
        }
    }
    assert_eq!(
        tried,
        6 * 3,
        "search, the two exports, the feed, the calendar and the changes feed"
    );
}

#[tokio::test]
async fn an_unknown_id_gets_the_documented_404_and_a_former_id_the_documented_301() {
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    let op = operations(&doc)
        .into_iter()
        .find(|op| op.path == "/api/measures/{id}")
        .expect("the measure route is documented");
    let mut p = Problems::default();

    let uri = "/api/measures/no-such-measure";
    let a = app.get(uri).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
    check(&doc, &op, uri, &a, &mut p);
    assert_eq!(a.json()["status"], 404);

    let uri = format!("/api/measures/{ALIAS}");
    let a = app.get(&uri).await;
    assert_eq!(a.status, StatusCode::MOVED_PERMANENTLY);
    check(&doc, &op, &uri, &a, &mut p);
    assert_eq!(
        a.headers[header::LOCATION],
        format!("/api/measures/{MEASURE}").as_str()
    );
    assert!(p.invalid.is_empty(), "{}", p.invalid.join("\n"));
}

#[tokio::test]
async fn a_full_heavy_pool_gets_the_documented_503_with_retry_after() {
    use crate::heavy_work::{big_handbook, export_that_stops_reading, one_turn, words};
    let app = App::with_limits(&big_handbook().catalog(), one_turn());
    let doc = document(&app).await;
    let _held = export_that_stops_reading(&app).await;
    let many = words(handbook::web::HEAVY_QUERY_WORDS + 1);
    let mut p = Problems::default();
    let mut tried = Vec::new();
    for op in operations(&doc) {
        // `/readyz`'s 503 means "still loading", which a router over an open handbook never is.
        if op.spec["responses"].get("503").is_none() || op.path == "/readyz" {
            continue;
        }
        let uri = format!("{}?q={many}", op.path);
        let a = app.get(&uri).await;
        assert_eq!(
            a.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{uri}: {}",
            a.body
        );
        check(&doc, &op, &uri, &a, &mut p);
        tried.push(op.path);
    }
    tried.sort();
    assert_eq!(
        tried,
        [
            "/api/search",
            "/calendar.ics",
            "/export.csv",
            "/export.json",
            "/feed.atom"
        ],
        "every route that waits for the heavy pool documents its 503"
    );
    assert!(p.invalid.is_empty(), "{}", p.invalid.join("\n"));
}

#[tokio::test]
async fn an_answer_without_a_required_field_would_fail_the_check() {
    // The checks above are only worth what the validator catches.
    let app = TempHandbook::fixture().app();
    let doc = document(&app).await;
    let measure_schema = &doc["components"]["schemas"]["Measure"];
    let mut measure = app.json(&format!("/api/measures/{MEASURE}")).await;
    let mut p = Problems::default();
    validate(&doc, measure_schema, &measure, "measure", &mut p);
    assert!(p.invalid.is_empty(), "{}", p.invalid.join("\n"));

    measure.as_object_mut().unwrap().remove("permalink");
    measure["status"] = json!("maybe");
    measure["labels"]["type"][0]
        .as_object_mut()
        .unwrap()
        .remove("label");
    measure["updated"] = json!("yesterday");
    measure["budget_eur"] = json!("a lot");
    measure["surprise"] = json!(1);
    let mut p = Problems::default();
    validate(&doc, measure_schema, &measure, "measure", &mut p);
    let found = p.invalid.join("\n");
    for expected in [
        "`permalink` is missing",
        "\"maybe\" is not one of",
        "`label` is missing",
        "is not a date",
        "measure.budget_eur: \"a lot\" is not of type",
    ] {
        assert!(found.contains(expected), "{expected} not in:\n{found}");
    }
    assert_eq!(
        p.undocumented.into_iter().collect::<Vec<_>>(),
        ["measure.surprise"]
    );
}
