//! `/api/openapi.json`: an OpenAPI 3.1 description of the JSON API, the open-data exports and
//! the feed, so a program can be written against them without reading the code. The document
//! is built once, on first request. `tests/it/openapi.rs` calls every route it describes and
//! checks each answer against it, so it cannot drift from what the server really returns.

use std::sync::LazyLock;

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::feed::MAX_FEED_ENTRIES;

use super::{HEAVY_QUERY_WORDS, HEAVY_WAIT};
use crate::search::request::{
    DEFAULT_PER_PAGE, MAX_ANALYZE_BYTES, MAX_CLOSING_DAYS, MAX_FILTER_VALUES, MAX_MIN_AMOUNT,
    MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_BYTES, MAX_QUERY_WORDS, MAX_TYPO_WORDS,
};

static DOCUMENT: LazyLock<Bytes> = LazyLock::new(|| {
    let mut document = spec();
    if let Some(paths) = document["paths"].as_object_mut() {
        paths.extend(calendar_and_alert_paths());
    }
    Bytes::from(serde_json::to_vec(&document).unwrap_or_default())
});

pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.clone(),
    )
}

fn schema(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_body(description: &str, name: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": schema(name)}},
    })
}

fn error(description: &str) -> Value {
    json_body(description, "Error")
}

/// The answer when heavy work has no turn free within the wait.
fn busy() -> Value {
    let mut busy = error(&format!(
        "Heavy work (exports, searches of more than {HEAVY_QUERY_WORDS} words) has no turn free \
         within {} s; try again after `Retry-After` seconds.",
        HEAVY_WAIT.as_secs()
    ));
    busy["headers"] = json!({
        "Retry-After": {
            "description": "Seconds to wait before trying again.",
            "required": true,
            "schema": {"type": "integer", "minimum": 1},
        },
    });
    busy
}

/// The parameters of `/api/search`, which the exports and the feed take too.
fn search_parameters() -> Vec<Value> {
    let facet = |name: &str, description: &str, example: &str| {
        json!({
            "name": name,
            "in": "query",
            "description": format!(
                "{description} Repeat the key to select several values: values of one facet \
                 are OR-ed, facets are AND-ed. An unknown value gives an empty result."
            ),
            "style": "form",
            "explode": true,
            "schema": {
                "type": "array",
                "maxItems": MAX_FILTER_VALUES,
                "items": {"type": "string", "maxLength": 200},
            },
            "example": [example],
        })
    };
    vec![
        json!({
            "name": "q",
            "in": "query",
            "description": format!(
                "The search text, at most {MAX_QUERY_BYTES} bytes and {MAX_QUERY_WORDS} words \
                 (stop words such as \"za\" and \"v\" are not counted; each word of a quoted \
                 phrase is); more is a 400. \"Quoted phrases\" match in order. Typos are looked \
                 for in at most {MAX_TYPO_WORDS} words, the first that need it; the others match \
                 as written, as other forms and as synonyms. A search of more than \
                 {HEAVY_QUERY_WORDS} words is heavy work: it waits for a turn in the pool of the \
                 exports, and may get a 503."
            ),
            "schema": {"type": "string", "maxLength": MAX_QUERY_BYTES},
            "example": "najemnine",
        }),
        facet(
            "region",
            "Statistical regions (keys of the vocabulary).",
            "gorenjska",
        ),
        facet(
            "municipality",
            "Municipalities (keys of the vocabulary).",
            "kranj",
        ),
        facet(
            "type",
            "Types of measure (keys of the vocabulary).",
            "subvencija-najemnine",
        ),
        facet(
            "source",
            "Sources of funds (keys of the vocabulary).",
            "obcinski-proracun",
        ),
        facet(
            "beneficiary",
            "Beneficiaries (keys of the vocabulary).",
            "mikro-podjetja",
        ),
        json!({
            "name": "applies_in",
            "in": "query",
            "description": "A municipality (key of the vocabulary): its measures and the national \
                ones (municipality `slovenija`), as one filter; the same as giving both as \
                `municipality` values (OR-ed with any other `municipality` values). Facet counts \
                stay disjunctive. One municipality; a key the vocabulary does not have adds \
                nothing, as with `municipality` (the national measures remain), a value that cannot be a key (not lowercase letters, digits and \
                hyphens) or a second, different value a 400.",
            "schema": {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 100},
            "example": "kranj",
        }),
        json!({
            "name": "min_amount",
            "in": "query",
            "description": format!(
                "Only measures whose most per beneficiary (`max_amount_eur`) is at least this \
                 many euros. Measures of unknown amount are left out, and counted in \
                 `excluded_unknown_amount`. A whole number from 0 to {MAX_MIN_AMOUNT}; anything \
                 else is a 400."
            ),
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_MIN_AMOUNT},
            "example": 1000,
        }),
        json!({
            "name": "closing",
            "in": "query",
            "description": format!(
                "Only calls whose deadline (`open_until`) falls within this many days from \
                 today, today included; calls closed already are left out. A whole number from \
                 1 to {MAX_CLOSING_DAYS}; anything else is a 400."
            ),
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_CLOSING_DAYS},
            "example": 30,
        }),
        json!({
            "name": "national",
            "in": "query",
            "description": "What the search page's \"include national measures\" box sends: `1` \
                with exactly one `municipality` (other than `slovenija`) is `applies_in` of it; \
                otherwise it changes nothing. `1`, `on`, `true`, `0`, `off` or `false`; anything \
                else is a 400.",
            "schema": {"type": "string", "enum": ["1", "0", "on", "off", "true", "false"]},
        }),
        json!({
            "name": "status",
            "in": "query",
            "description": "Where the call stands today. Repeat the key to select several.",
            "style": "form",
            "explode": true,
            "schema": {
                "type": "array",
                "maxItems": MAX_FILTER_VALUES,
                "items": schema("Status"),
            },
            "example": ["open"],
        }),
        json!({
            "name": "sort",
            "in": "query",
            "description": "The order of the results.",
            "schema": {
                "type": "string",
                "enum": ["relevance", "deadline", "updated"],
                "default": "relevance",
            },
        }),
        json!({
            "name": "page",
            "in": "query",
            "description": "The page of results, from 1.",
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            "example": 1,
        }),
        json!({
            "name": "per_page",
            "in": "query",
            "description": "Results per page.",
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_PER_PAGE,
                "default": DEFAULT_PER_PAGE,
            },
            "example": 10,
        }),
        json!({
            "name": "lang",
            "in": "query",
            "description": "The language of labels and titles; an unknown one is Slovenian.",
            "schema": {"type": "string", "enum": ["sl", "en"], "default": "sl"},
        }),
    ]
}

fn nullable(kind: &str) -> Value {
    json!({"type": [kind, "null"]})
}

fn nullable_date() -> Value {
    json!({"type": ["string", "null"], "format": "date"})
}

fn strings() -> Value {
    json!({"type": "array", "items": {"type": "string"}})
}

fn components() -> Value {
    let labels = || json!({"type": "array", "items": schema("Label")});
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({
            "type": "object",
            "description": "Every error under /api/ and of the exports and the feed.",
            "required": ["error", "status"],
            "properties": {
                "error": {"type": "string", "description": "What went wrong, for a person."},
                "status": {"type": "integer", "description": "The HTTP status again."},
            },
        }),
    );
    schemas.insert(
        "Status".into(),
        json!({
            "type": "string",
            "enum": ["open", "upcoming", "ongoing", "unconfirmed", "closed"],
            "description": "Where a call stands on the server's today.",
        }),
    );
    schemas.insert(
        "FacetValue".into(),
        json!({
            "type": "object",
            "required": ["value", "label", "count", "selected"],
            "properties": {
                "value": {"type": "string", "description": "The key, for the query string."},
                "label": {"type": "string"},
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Results with this value under every filter but this facet's own.",
                },
                "selected": {"type": "boolean"},
            },
        }),
    );
    schemas.insert(
        "Facets".into(),
        json!({
            "type": "object",
            "required": ["region", "municipality", "type", "source", "beneficiary", "status"],
            "properties": {
                "region": {"type": "array", "items": schema("FacetValue")},
                "municipality": {"type": "array", "items": schema("FacetValue")},
                "type": {"type": "array", "items": schema("FacetValue")},
                "source": {"type": "array", "items": schema("FacetValue")},
                "beneficiary": {"type": "array", "items": schema("FacetValue")},
                "status": {"type": "array", "items": schema("FacetValue")},
            },
        }),
    );
    schemas.insert(
        "Hit".into(),
        json!({
            "type": "object",
            "required": [
                "id", "title", "snippet", "summary", "title_en", "summary_en", "provider",
                "municipalities", "types", "sources", "beneficiaries", "status", "open_from",
                "open_until", "until_funds_run_out", "updated", "url", "source_url", "score",
                "max_amount_eur",
            ],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "snippet": {
                    "type": "string",
                    "description": "HTML: escaped text with <mark> around the matched words.",
                },
                "summary": {"type": "string"},
                "title_en": nullable("string"),
                "summary_en": nullable("string"),
                "provider": {"type": "string"},
                "municipalities": strings(),
                "types": strings(),
                "sources": strings(),
                "beneficiaries": strings(),
                "status": schema("Status"),
                "open_from": nullable_date(),
                "open_until": nullable_date(),
                "until_funds_run_out": {"type": "boolean"},
                "max_amount_eur": {
                    "type": ["integer", "null"],
                    "description": "The most per beneficiary, in euro, when known: what `min_amount` compares.",
                },
                "updated": {"type": "string", "format": "date"},
                "url": {"type": "string", "description": "The measure's page on this site (a path)."},
                "source_url": {
                    "type": ["string", "null"],
                    "description": "The official source of the measure.",
                },
                "score": {"type": "number"},
            },
        }),
    );
    schemas.insert(
        "SearchResults".into(),
        json!({
            "type": "object",
            "required": ["total", "page", "per_page", "hits", "facets"],
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "hits": {"type": "array", "items": schema("Hit")},
                "facets": schema("Facets"),
                "excluded_unknown_amount": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "With `min_amount`: how many measures passed every other \
                        filter but were left out because their amount is not known (0 without it).",
                },
                "places": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The municipalities (keys) the words name, in any case form \
                        (\"najemnine v Kranju\"): their measures, then the national ones, rank \
                        first among the matches of as many words, and the place words are not \
                        required to match. `applies_in` with one of them keeps only those. \
                        The state (\"ali država pomaga\") names the national value, \
                        `slovenija`: the national measures rank first.",
                },
            },
        }),
    );
    schemas.insert(
        "Label".into(),
        json!({
            "type": "object",
            "required": ["value", "label", "label_en"],
            "properties": {
                "value": {"type": "string", "description": "The key in the vocabulary."},
                "label": {"type": "string", "description": "The label in the asked language."},
                "label_en": {
                    "type": "string",
                    "description": "The English label, or the Slovenian one where there is none.",
                },
            },
        }),
    );
    schemas.insert(
        "SeriesCall".into(),
        json!({
            "type": "object",
            "required": ["id", "year", "title", "status", "permalink"],
            "properties": {
                "id": {"type": "string"},
                "year": {"type": ["integer", "null"]},
                "title": {"type": "string"},
                "status": schema("Status"),
                "permalink": {"type": "string"},
            },
        }),
    );
    // Built apart: the `json!` of a measure below is at the macro's recursion limit.
    let last_confirmed = json!({
        "type": ["integer", "null"],
        "description": "For a standing measure: the year of the newest source showing it in force. Status `unconfirmed` when it is more than two years back.",
    });
    let series = json!({
        "type": ["string", "null"],
        "description": "The key shared by the calls of one recurring measure.",
    });
    let series_calls = json!({
        "type": "array",
        "description": "The other calls of the measure's series, newest year first.",
        "items": schema("SeriesCall"),
    });
    schemas.insert(
        "Measure".into(),
        json!({
            "type": "object",
            "description": "One entry of the handbook, every field, with its permalink, status and labels.",
            "required": [
                "id", "title", "summary", "title_en", "summary_en", "municipalities", "types",
                "sources", "beneficiaries", "keywords", "provider", "updated", "url", "open_from",
                "open_until", "until_funds_run_out", "closed", "last_confirmed", "series",
                "budget_eur", "max_amount_eur", "cofinancing_percent", "legal_basis", "gazette",
                "aliases", "body", "permalink", "status", "labels", "series_calls",
            ],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "summary": {"type": "string"},
                "title_en": nullable("string"),
                "summary_en": nullable("string"),
                "municipalities": strings(),
                "types": strings(),
                "sources": strings(),
                "beneficiaries": strings(),
                "keywords": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The editors' search keywords: words people search with that the entry's text may not use. Searched, not shown on the page.",
                },
                "provider": {"type": "string"},
                "updated": {
                    "type": "string",
                    "format": "date",
                    "description": "The day the entry was last checked against its source.",
                },
                "url": {
                    "type": ["string", "null"],
                    "description": "The official source of the measure.",
                },
                "open_from": nullable_date(),
                "open_until": nullable_date(),
                "until_funds_run_out": {"type": "boolean"},
                "closed": {"type": "boolean"},
                "last_confirmed": last_confirmed,
                "series": series,
                "budget_eur": nullable("integer"),
                "max_amount_eur": nullable("integer"),
                "cofinancing_percent": nullable("integer"),
                "legal_basis": strings(),
                "gazette": nullable("string"),
                "aliases": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Former ids, which redirect to this one.",
                },
                "body": {"type": ["string", "null"], "description": "Markdown."},
                "permalink": {"type": "string", "description": "The measure's page, in full."},
                "status": schema("Status"),
                "series_calls": series_calls,
                "version": {
                    "type": ["string", "null"],
                    "description": "The commit of the measure's last change: the version this is (null without git, or while its file has edits not yet committed). `/measures/{id}?version=` shows it.",
                },
                "version_date": {"type": ["string", "null"], "format": "date-time"},
                "uncommitted": {"type": "boolean", "description": "The file has edits not yet committed."},
                "history": {"type": "string", "description": "The measure's history as JSON."},
                "labels": {
                    "type": "object",
                    "required": ["region", "municipality", "type", "source", "beneficiary"],
                    "properties": {
                        "region": labels(),
                        "municipality": labels(),
                        "type": labels(),
                        "source": labels(),
                        "beneficiary": labels(),
                    },
                },
            },
        }),
    );
    schemas.insert(
        "Version".into(),
        json!({
            "type": "object",
            "description": "One version of a measure: what one commit did to its file. Edits \
                not yet committed come first, with `commit` null and `uncommitted` true.",
            "required": ["commit", "date", "message", "changes"],
            "properties": {
                "commit": {"type": ["string", "null"], "description": "The commit's full id."},
                "uncommitted": {"type": "boolean"},
                "date": {"type": ["string", "null"], "format": "date-time", "description": "When it was committed."},
                "author": {"type": "string", "description": "The editor: the commit's author name."},
                "message": {"type": "string"},
                "event": {"type": "string", "enum": ["created", "changed", "moved", "renamed", "deleted", "unreadable"]},
                "from": {"type": ["string", "null"], "description": "The former path (moved) or id (renamed)."},
                "id": {"type": "string"},
                "title": {"type": "string"},
                "path": {"type": "string", "description": "The file, relative to the handbook folder."},
                "permalink": {"type": ["string", "null"], "description": "The page of the measure as it was in this version."},
                "texts": strings(),
                "changes": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["field", "before", "after"],
                        "properties": {
                            "field": {"type": "string", "description": "The field's name in the entry file."},
                            "label": {"type": "string"},
                            "before": {"description": "The value before, as the measure's JSON writes it; null where not given."},
                            "after": {"description": "The value after."},
                            "text": {"type": "string", "description": "The change in words: \"rok prijave: 15. 3. 2026 → 30. 4. 2026\"."},
                        },
                    },
                },
            },
        }),
    );
    schemas.insert(
        "Export".into(),
        json!({
            "type": "object",
            "required": ["source", "generated", "query", "total", "measures"],
            "properties": {
                "source": {"type": "string", "description": "The site the data comes from."},
                "generated": {"type": "string", "format": "date-time"},
                "query": {
                    "type": "object",
                    "required": ["q", "filters", "sort", "lang"],
                    "properties": {
                        "q": {"type": "string"},
                        "filters": {
                            "type": "object",
                            "description": "The selected values per facet.",
                            "additionalProperties": strings(),
                        },
                        "sort": {"type": "string", "enum": ["relevance", "deadline", "updated"]},
                        "lang": {"type": "string", "enum": ["sl", "en"]},
                        "applies_in": nullable("string"),
                        "min_amount": nullable("integer"),
                        "closing": nullable("integer"),
                    },
                },
                "total": {"type": "integer", "minimum": 0},
                "measures": {"type": "array", "items": schema("Measure")},
            },
        }),
    );
    schemas.insert(
        "Analysis".into(),
        json!({
            "type": "object",
            "required": ["text", "analyzer", "terms"],
            "properties": {
                "text": {"type": "string"},
                "analyzer": {
                    "type": "object",
                    "required": ["exact", "stemmed"],
                    "properties": {
                        "exact": {"type": "string"},
                        "stemmed": {"type": "string"},
                    },
                },
                "terms": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["text", "start", "end", "folded", "lemma", "term", "stem", "family", "stop"],
                        "properties": {
                            "text": {"type": "string", "description": "The word as written."},
                            "start": {
                                "type": "integer",
                                "description": "Byte offset in the NFC-normalised text.",
                            },
                            "end": {"type": "integer"},
                            "folded": {
                                "type": "string",
                                "description": "Lowercase, without diacritics: the exact term.",
                            },
                            "lemma": {
                                "type": "string",
                                "description": "The word's lemma by the lemma model, folded (\"prijavimo\" → prijaviti, \"občine\" → obcina); the word itself where the model leaves it.",
                            },
                            "term": {
                                "type": "string",
                                "description": "The index term the stemmed analyser makes of the word: the term search matches other forms of it on. A verb's term is its infinitive (\"prijavimo\" → prijaviti), any other word's the stem of its lemma (\"Najemnine\" → najemn).",
                            },
                            "stem": {"type": "string", "description": "The same as `term`; kept for older clients."},
                            "family": {
                                "type": "string",
                                "description": "The key of the word's family (\"ustanavljam\", \"ustanovitev\" → ustan): a word the handbook has in no form, and a verb, are also looked up by the words of their family, below any match of the word itself.",
                            },
                            "stop": {
                                "type": "boolean",
                                "description": "Dropped from queries (unless nothing else is left): too common, or a question word or filler of a question (kje, kako, lahko, dobim ...).",
                            },
                        },
                    },
                },
            },
        }),
    );
    Value::Object(schemas)
}

fn spec() -> Value {
    let params = search_parameters();
    let bad_request = error("A bad parameter, with a message saying which and why.");
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Handbook of entrepreneurship measures for Slovenian town centres",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Search the handbook's measures (subsidies, vouchers, co-financing \
                for businesses in town centres), read one measure in full, and take the data \
                away as CSV, JSON, an Atom feed or an iCalendar; subscribe to e-mail alerts of a \
                search. Every route is a GET but the alert forms' (/alerts). Errors under /api/ \
                and of the exports are JSON: {\"error\": \"...\", \"status\": 400}. \
                A request target longer than 32 KiB gets a 414, a request slower than 10 s a 408. \
                Exports and searches of many words share a small pool of turns apart from \
                ordinary searches; when it stays full they get a 503 with Retry-After.",
            "license": {"name": "MIT OR Apache-2.0", "identifier": "MIT OR Apache-2.0"},
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search the measures: one page of hits, with facet counts.",
                    "parameters": params,
                    "responses": {
                        "200": json_body("One page of results.", "SearchResults"),
                        "400": bad_request,
                        "503": busy(),
                    },
                },
            },
            "/api/measures/{id}": {
                "get": {
                    "operationId": "measure",
                    "summary": "One measure, every field, with labels, status and permalink.",
                    "parameters": [{
                        "name": "id",
                        "in": "path",
                        "required": true,
                        "description": "The measure's id (lowercase letters, digits and hyphens), or a former one.",
                        "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    }],
                    "responses": {
                        "200": json_body("The measure.", "Measure"),
                        "301": {
                            "description": "A former id (alias): the measure is now under another.",
                            "headers": {
                                "Location": {
                                    "description": "/api/measures/{current id}",
                                    "required": true,
                                    "schema": {"type": "string"},
                                },
                            },
                        },
                        "400": error("The address cannot name a measure."),
                        "404": error("No measure has this id."),
                    },
                },
            },
            "/api/measures/{id}/history": {
                "get": {
                    "operationId": "measureHistory",
                    "summary": "The measure's versions from the handbook's git history, newest first, with what changed in each, field by field.",
                    "parameters": [{
                        "name": "id",
                        "in": "path",
                        "required": true,
                        "description": "The measure's id, or a former one.",
                        "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                    }, {
                        "name": "lang",
                        "in": "query",
                        "description": "The language of `label`, `text` and `texts`.",
                        "schema": {"type": "string", "enum": ["sl", "en"]},
                    }],
                    "responses": {
                        "200": {
                            "description": "The versions, newest first; empty when the handbook is not in a git repository or its history is still being read at start (`X-History` says which).",
                            "headers": {
                                "X-History": {
                                    "description": "`available`; `reading` while history is read at start (ask again in a few seconds); or `unavailable; ` and why.",
                                    "required": true,
                                    "schema": {"type": "string"},
                                },
                            },
                            "content": {"application/json": {"schema": {"type": "array", "items": schema("Version")}}},
                        },
                        "301": {
                            "description": "A former id: the measure is now under another.",
                            "headers": {
                                "Location": {
                                    "description": "/api/measures/{current id}/history",
                                    "required": true,
                                    "schema": {"type": "string"},
                                },
                            },
                        },
                        "400": error("The address cannot name a measure."),
                        "404": error("No measure has this id, now or in the history."),
                    },
                },
            },
            "/api/analyze": {
                "get": {
                    "operationId": "analyze",
                    "summary": "The exact and stemmed terms of a text, as search sees them.",
                    "parameters": [{
                        "name": "text",
                        "in": "query",
                        "description": format!(
                            "The text to analyse, at most {MAX_ANALYZE_BYTES} bytes. Repeated keys are joined with spaces."
                        ),
                        "schema": {"type": "string", "maxLength": MAX_ANALYZE_BYTES},
                        "example": "subvencije najemnin v mestnem jedru",
                    }],
                    "responses": {
                        "200": json_body("Every word of the text with its terms.", "Analysis"),
                        "400": error("The text is too long."),
                    },
                },
            },
            "/export.json": {
                "get": {
                    "operationId": "exportJson",
                    "summary": "Every measure the search finds (not one page), each in full.",
                    "parameters": search_parameters(),
                    "responses": {
                        "200": json_body("The measures; with no parameters, the whole handbook. Sent in chunks as it is written.", "Export"),
                        "400": error("A bad parameter."),
                        "503": busy(),
                    },
                },
            },
            "/export.csv": {
                "get": {
                    "operationId": "exportCsv",
                    "summary": "Every measure the search finds as CSV, for spreadsheets.",
                    "description": "UTF-8 with a byte order mark; one row per measure; lists \
                        joined with \"; \"; labels in the asked language. A cell that would \
                        start a formula gets a leading apostrophe.",
                    "parameters": search_parameters(),
                    "responses": {
                        "200": {
                            "description": "The CSV, as an attachment, sent in chunks as it is written.",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "400": error("A bad parameter."),
                        "503": busy(),
                    },
                },
            },
            "/feed.atom": {
                "get": {
                    "operationId": "feed",
                    "summary": "The measures the search finds as an Atom 1.0 feed, most recently checked first.",
                    "parameters": search_parameters(),
                    "responses": {
                        "200": {
                            "description": format!("The feed, at most {MAX_FEED_ENTRIES} entries."),
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": error("A bad parameter."),
                        "503": busy(),
                    },
                },
            },
            "/changes.atom": {
                "get": {
                    "operationId": "changesFeed",
                    "summary": "The latest changes to the handbook's entries from its git history, newest first, as an Atom 1.0 feed; the search parameters narrow it to the entries the search finds.",
                    "description": "Each feed entry is one version of one measure: its commit, date, message and what changed, field by field and in words. Without git (or while the history is still being read at start) the feed has no entries.",
                    "parameters": search_parameters(),
                    "responses": {
                        "200": {
                            "description": "The feed.",
                            "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                        },
                        "400": error("A bad parameter."),
                    },
                },
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                    },
                },
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "`ok` on the first line while the server is serving; lines after it when live reload is degraded.",
                    "description": "Liveness. The first line is always `ok`. When live reload is degraded (folders that cannot be watched, so edits are found by polling; or an index that cannot be written, retried with backoff), a line `live reload degraded since TIME: REASON` follows; once the files were checked, `last successful reload: TIME`. Times are RFC 3339. A degraded server serves the last good version, so it is still live.",
                    "responses": {
                        "200": {
                            "description": "The server is up.",
                            "headers": {"X-Handbook-Version": version_header()},
                            "content": {"text/plain": {"schema": {"type": "string", "pattern": "^ok(\\n.*)*$"}}},
                        },
                    },
                },
            },
            "/readyz": {
                "get": {
                    "operationId": "ready",
                    "summary": "Readiness: 200 once the handbook and its index are loaded, 503 before (and while stopping).",
                    "description": "For a load balancer's health check. The server listens before the handbook is open; until it is, this answers 503 (and every other route but `/healthz` and `/metrics` answers 503 with `Retry-After: 1`), then 200 for as long as it serves; after SIGTERM, 503 again for the `--drain-secs` during which it still serves everything else. Liveness is `/healthz`.",
                    "responses": {
                        "200": {
                            "description": "Ready: searches are answered.",
                            "headers": {"X-Handbook-Version": version_header()},
                            "content": {"text/plain": {"schema": {"type": "string", "enum": ["ready\n"]}}},
                        },
                        "503": {
                            "description": "Still loading the handbook, or stopping.",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                    },
                },
            },
            "/metrics": {
                "get": {
                    "operationId": "metrics",
                    "summary": "Counters and histograms in the Prometheus text format (OpenMetrics).",
                    "description": "Prefixed `handbook_`: `http_requests_total` by method, route template and status; `http_request_duration_seconds` (histogram) by route template; `answer_cache_lookups_total` and `match_cache_lookups_total` by result (hit, miss); `alert_mails_total` by result (sent, failed); `ready`; `entries`; `problems` by severity; `generation`; `last_reload_timestamp_seconds`; `last_reload_duration_seconds`.",
                    "responses": {
                        "200": {
                            "description": "The metrics.",
                            "content": {"application/openmetrics-text": {"schema": {"type": "string"}}},
                        },
                    },
                },
            },
        },
        "components": {"schemas": components()},
    })
}

/// The header every answer carries: which handbook the server serves.
fn version_header() -> Value {
    json!({
        "required": true,
        "description": "A digest of the handbook served (12 hex digits): the same on every replica serving the same files, different after any change a reader can see. Sent on every answer once the handbook is loaded.",
        "schema": {"type": "string", "pattern": "^[0-9a-f]{12}$"},
    })
}

/// A page for people (HTML), as the calendar's and the alerts' errors are.
fn page(description: &str) -> Value {
    json!({"description": description, "content": {"text/html": {"schema": {"type": "string"}}}})
}

/// The calendars and the e-mail alerts (issue 23). The alert routes answer pages: they are
/// posted to by the forms of the search and measure pages and opened from mails.
fn calendar_and_alert_paths() -> serde_json::Map<String, Value> {
    use super::alerts::{ADDRESS_LIMIT, CLIENT_LIMIT, MAX_REMIND_DAYS};
    use super::calendar::{ALARM_DAYS, MAX_CALENDAR_ENTRIES};
    let calendar = |description: String| json!({"description": description, "content": {"text/calendar": {"schema": {"type": "string"}}}});
    let token = json!([{
        "name": "token",
        "in": "query",
        "required": true,
        "description": "The token of the link in the mail: 64 hexadecimal digits.",
        "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    }]);
    let unavailable =
        page("No SMTP server is configured (`--smtp-url`): alerts are not available.");
    let paths = json!({
        "/calendar.ics": {
            "get": {
                "operationId": "calendar",
                "summary": "Every dated measure of the search as an iCalendar (RFC 5545), to subscribe to.",
                "description": format!("For each measure with dates, an all-day event on the day its call opens and one on the day it closes, with an alarm {ALARM_DAYS} days before; at most {MAX_CALENDAR_ENTRIES} measures, in the search's order."),
                "parameters": search_parameters(),
                "responses": {
                    "200": calendar("The calendar.".into()),
                    "400": error("A bad parameter."),
                    "503": busy(),
                },
            },
        },
        "/measures/{id}.ics": {
            "get": {
                "operationId": "measureCalendar",
                "summary": "One measure's call as an iCalendar: its opening and its closing, with an alarm before it closes.",
                "parameters": [{
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "The measure's id, or a former one.",
                    "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
                }],
                "responses": {
                    "200": calendar(format!("The calendar; an alarm {ALARM_DAYS} days before the closing.")),
                    "301": {
                        "description": "A former id: the measure's calendar is now under another.",
                        "headers": {"Location": {"description": "/measures/{current id}.ics", "required": true, "schema": {"type": "string"}}},
                    },
                    "404": error("No measure has this id."),
                },
            },
        },
        "/alerts": {
            "post": {
                "operationId": "subscribe",
                "summary": "Ask for e-mail alerts of a search, or a reminder before a measure closes (double opt-in).",
                "description": format!("Answers the same page whether or not the address is known, and sends a confirmation mail with a link to /alerts/confirm; nothing else is sent before it is opened, and an unconfirmed request is deleted after two days. A post whose Origin (or Referer) is not this site is refused. An address gets at most {ADDRESS_LIMIT} confirmation mails a day; a client may ask {CLIENT_LIMIT} times an hour."),
                "requestBody": {
                    "required": true,
                    "content": {"application/x-www-form-urlencoded": {"schema": {
                        "type": "object",
                        "required": ["email", "search"],
                        "properties": {
                            "email": {"type": "string", "format": "email", "maxLength": 254},
                            "search": {"type": "string", "maxLength": 2048, "description": "The search's query string, as on `/` (`q=najemnine&municipality=kranj`; `lang=en` for mails in English); empty for the whole handbook; `id=<id>` with `remind_days` for a reminder."},
                            "frequency": {"type": "string", "enum": ["daily", "weekly"], "description": "How often a digest comes; required but for a reminder."},
                            "remind_days": {"type": "integer", "minimum": 1, "maximum": MAX_REMIND_DAYS, "description": "With `search=id=<id>`: a reminder this many days before the measure closes."},
                        },
                    }}},
                },
                "responses": {
                    "200": page("Check your inbox."),
                    "400": page("A malformed address, frequency, search or reminder."),
                    "403": page("Posted from another site."),
                    "429": {
                        "description": "Too many requests from this client in the last hour.",
                        "headers": {"Retry-After": {"description": "Seconds to wait.", "required": true, "schema": {"type": "integer"}}},
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    "503": unavailable.clone(),
                },
            },
        },
        "/alerts/confirm": {
            "get": {
                "operationId": "confirmAlerts",
                "summary": "The link of the confirmation mail: confirms the subscription and says so.",
                "parameters": token.clone(),
                "responses": {
                    "200": page("Confirmed."),
                    "400": page("No token, or not one."),
                    "404": page("The link is unknown or expired (after two days)."),
                    "503": unavailable.clone(),
                },
            },
        },
        "/alerts/unsubscribe": {
            "get": {
                "operationId": "unsubscribePage",
                "summary": "The link of every mail's List-Unsubscribe header: a page with a button that posts to it.",
                "parameters": token.clone(),
                "responses": {
                    "200": page("What the subscription is, and the button."),
                    "400": page("No token, or not one."),
                    "404": page("No subscription has this link (cancelled already?)."),
                    "503": unavailable.clone(),
                },
            },
            "post": {
                "operationId": "unsubscribe",
                "summary": "One-click unsubscribe (RFC 8058): deletes the subscription.",
                "description": "What a mail program posts on the person's click, with no page between; the token is the authority, so no origin is checked. Answers 200 also when the subscription is gone already.",
                "parameters": token,
                "requestBody": {
                    "required": true,
                    "content": {"application/x-www-form-urlencoded": {"schema": {
                        "type": "object",
                        "required": ["List-Unsubscribe"],
                        "properties": {"List-Unsubscribe": {"type": "string", "enum": ["One-Click"]}},
                    }}},
                },
                "responses": {
                    "200": page("Unsubscribed."),
                    "400": page("No token, or a body that is not `List-Unsubscribe=One-Click`."),
                    "503": unavailable,
                },
            },
        },
    });
    match paths {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}
