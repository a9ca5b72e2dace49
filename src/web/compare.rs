//! `/compare?id=a&id=b&...`: two to six measures side by side, one row per field, so an officer
//! can read across a row and see at once how the towns' measures differ. Repeated ids count
//! once, a former id stands for the measure it now names, and every refusal is a page in the
//! reader's language with a way back.

use std::sync::Arc;

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use maud::{Markup, html};

use super::AppState;
use super::error::PageError;
use super::views::{self, Frame, href, layout, status_badge};
use crate::handbook::entry::Entry;
use crate::handbook::vocabulary::Dimension;
use crate::search::params;
use crate::search::{Facet, Lookup, Snapshot};
use crate::text::format::{date_in, eur_in};
use crate::text::lang::Lang;

/// Fewest measures a comparison shows.
pub const MIN_MEASURES: usize = 2;
/// Most measures a comparison shows: more columns no longer fit a screen or a page.
pub const MAX_MEASURES: usize = 6;

pub async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let lang = params::lang_of(raw.as_deref());
    let asked = requested_ids(raw.as_deref());
    let here = here_of(asked.iter().map(String::as_str));
    if asked.len() < MIN_MEASURES || asked.len() > MAX_MEASURES {
        return Ok(refusal(
            StatusCode::BAD_REQUEST,
            &count_message(asked.len(), lang),
            &here,
            lang,
        ));
    }
    let snapshot = state.snapshots.get();
    let mut entries: Vec<Arc<Entry>> = Vec::with_capacity(asked.len());
    for id in &asked {
        let found = match snapshot.lookup(id) {
            Lookup::Found(entry) => Some(entry.clone()),
            Lookup::Moved(current) => snapshot.entries.get(current).cloned(),
            Lookup::Missing => None,
        };
        let Some(entry) = found else {
            let message = match lang {
                Lang::Sl => format!("Ukrepa »{}« ni v priročniku.", shorten(id)),
                Lang::En => format!("The handbook has no measure “{}”.", shorten(id)),
            };
            return Ok(refusal(StatusCode::NOT_FOUND, &message, &here, lang));
        };
        // A former id and its current one name the same measure: one column.
        if !entries.iter().any(|e| e.id == entry.id) {
            entries.push(entry);
        }
    }
    if entries.len() < MIN_MEASURES {
        return Ok(refusal(
            StatusCode::BAD_REQUEST,
            &count_message(entries.len(), lang),
            &here,
            lang,
        ));
    }
    Ok(compare_page(
        &entries,
        &snapshot,
        state.today(),
        lang,
        state.config.live_reload,
    )
    .into_response())
}

/// The distinct, non-empty `id` values in the order given; reading stops one past the most
/// allowed, which is enough to refuse and keeps a hostile query of thousands of ids cheap.
fn requested_ids(raw: Option<&str>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.trim();
        if key != "id" || value.is_empty() || ids.iter().any(|i| i == value) {
            continue;
        }
        ids.push(value.to_string());
        if ids.len() > MAX_MEASURES {
            break;
        }
    }
    ids
}

/// The page's address without the language, for the language switch.
fn here_of<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for id in ids {
        query.append_pair("id", id);
    }
    let query = query.finish();
    if query.is_empty() {
        "/compare".into()
    } else {
        format!("/compare?{query}")
    }
}

fn count_message(selected: usize, lang: Lang) -> String {
    let base = lang.pick(
        "Izberite od 2 do 6 ukrepov za primerjavo.",
        "Select 2 to 6 measures to compare.",
    );
    let detail = match (selected > MAX_MEASURES, lang) {
        (true, Lang::Sl) => format!(" Izbranih je več kot {MAX_MEASURES}."),
        (true, Lang::En) => format!(" More than {MAX_MEASURES} are selected."),
        (false, Lang::Sl) => format!(" Izbranih različnih ukrepov: {selected}."),
        (false, Lang::En) => format!(" Different measures selected: {selected}."),
    };
    format!("{base}{detail}")
}

/// Echoing an id in a message is useful, echoing a kilobyte of it is not.
fn shorten(value: &str) -> String {
    match value.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

/// Why there is no comparison, in the reader's language, with a way back to the search.
fn refusal(status: StatusCode, message: &str, here: &str, lang: Lang) -> Response {
    let main = html! {
        h1 { (lang.pick("Primerjave ni mogoče prikazati", "The comparison cannot be shown")) }
        p.notice role="alert" { (message) }
        p { a href=(href("/", lang)) { (lang.pick("← Nazaj na iskanje, kjer ukrepe izberete", "← Back to the search to pick measures")) } }
    };
    let page = layout(
        &Frame {
            title: lang.pick("Primerjava ukrepov", "Comparison of measures"),
            lang,
            quick_search: true,
            live: false,
            here: here.to_string(),
            feed: None,
        },
        main,
    );
    (status, page).into_response()
}

/// One row of the table: its header and a cell per measure (`None` is shown as a dash).
struct Row {
    label: &'static str,
    cells: Vec<Option<Markup>>,
}

pub fn compare_page(
    entries: &[Arc<Entry>],
    snapshot: &Snapshot,
    today: NaiveDate,
    lang: Lang,
    live: bool,
) -> Markup {
    let rows = rows(entries, snapshot, today, lang);
    let title = lang.pick("Primerjava ukrepov", "Comparison of measures");
    let n = entries.len();
    let main = html! {
        p.breadcrumb { a href=(href("/", lang)) { (lang.pick("← Vsi ukrepi", "← All measures")) } }
        h1 { (title) }
        p.hint {
            (lang.pick(
                "Vsaka vrstica primerja eno lastnost izbranih ukrepov. Za izpis uporabite ukaz Natisni v brskalniku (Ctrl+P).",
                "Each row compares one property of the selected measures. To print, use your browser's Print command (Ctrl+P).",
            ))
        }
        div.table-wrap {
            table.compare {
                caption {
                    (title) " (" (n) " " (views::count_word(n, lang)) ")"
                }
                thead {
                    tr {
                        td {}
                        @for e in entries {
                            th scope="col" {
                                a href=(href(&e.permalink(), lang))
                                    lang=[(lang == Lang::En && e.title_en.is_none()).then_some("sl")] {
                                    (e.title_in(lang))
                                }
                            }
                        }
                    }
                }
                tbody {
                    @for r in &rows {
                        tr {
                            th scope="row" { (r.label) }
                            @for c in &r.cells {
                                td {
                                    @match c {
                                        Some(m) => (m),
                                        None => {
                                            span aria-hidden="true" { "—" }
                                            span.visually-hidden { (lang.pick("ni podatka", "not given")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(
        &Frame {
            title,
            lang,
            quick_search: true,
            live,
            here: here_of(entries.iter().map(|e| e.id.as_str())),
            feed: None,
        },
        main,
    )
}

/// The rows of the comparison, one property each, a cell per measure (`None` where the
/// measure does not say).
fn rows(entries: &[Arc<Entry>], snapshot: &Snapshot, today: NaiveDate, lang: Lang) -> Vec<Row> {
    let d = |x| date_in(x, lang);
    let keys = |dimension: Dimension, facet: Facet, keys: &[String]| -> Option<Markup> {
        (!keys.is_empty()).then(|| {
            html! {
                @for (i, k) in keys.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(href(&format!("/?{}", search_for(facet, k)), lang)) { (snapshot.vocabulary.label_in(dimension, k, lang)) }
                }
            }
        })
    };
    let row = |label: &'static str, cell: &dyn Fn(&Entry) -> Option<Markup>| Row {
        label,
        cells: entries.iter().map(|e| cell(e.as_ref())).collect(),
    };
    vec![
        row(lang.pick("Občina", "Municipality"), &|e| {
            keys(
                Dimension::Municipality,
                Facet::Municipality,
                &e.municipalities,
            )
        }),
        row(lang.pick("Regija", "Region"), &|e| {
            keys(
                Dimension::Region,
                Facet::Region,
                &snapshot.vocabulary.regions_of(&e.municipalities),
            )
        }),
        row(lang.pick("Izvajalec", "Provider"), &|e| {
            (!e.provider.is_empty()).then(|| html! { (e.provider) })
        }),
        row(lang.pick("Vrsta ukrepa", "Type of measure"), &|e| {
            keys(Dimension::Type, Facet::Type, &e.types)
        }),
        row(lang.pick("Vir financiranja", "Source of funding"), &|e| {
            keys(Dimension::Source, Facet::Source, &e.sources)
        }),
        row(lang.pick("Upravičenci", "Beneficiaries"), &|e| {
            keys(Dimension::Beneficiary, Facet::Beneficiary, &e.beneficiaries)
        }),
        row(lang.pick("Skupna sredstva", "Total budget"), &|e| {
            e.budget_eur.map(|b| html! { (eur_in(b, lang)) })
        }),
        row(
            lang.pick("Največ na upravičenca", "Maximum per beneficiary"),
            &|e| e.max_amount_eur.map(|m| html! { (eur_in(m, lang)) }),
        ),
        row(
            lang.pick("Delež sofinanciranja", "Co-financing share"),
            &|e| {
                e.cofinancing_percent
                    .map(|p| html! { (lang.pick("do ", "up to ")) (p) " %" })
            },
        ),
        row(lang.pick("Odprto od", "Open from"), &|e| {
            e.open_from
                .map(|from| html! { time datetime=(from.to_string()) { (d(from)) } })
        }),
        row(lang.pick("Rok za prijavo", "Deadline"), &|e| match (
            e.open_until,
            e.until_funds_run_out,
        ) {
            (Some(until), funds) => Some(html! {
                time datetime=(until.to_string()) { (d(until)) }
                @if funds { (lang.pick(" ali do porabe sredstev", " or until funds run out")) }
            }),
            (None, true) => {
                Some(html! { (lang.pick("do porabe sredstev", "until funds run out")) })
            }
            (None, false) => None,
        }),
        row(lang.pick("Stanje", "Status"), &|e| {
            Some(status_badge(e, e.status(today), lang))
        }),
        row(lang.pick("Pravna podlaga", "Legal basis"), &|e| {
            (!e.legal_basis.is_empty())
                .then(|| html! { ul { @for l in &e.legal_basis { li { (l) } } } })
        }),
        row(lang.pick("Objava", "Published in"), &|e| {
            e.gazette.as_ref().map(|g| html! { (g) })
        }),
        row(lang.pick("Uradni vir", "Official source"), &|e| {
            e.url
                .as_ref()
                .map(|u| html! { a href=(u) rel="noopener external" { (u) } })
        }),
        row(lang.pick("Zadnje preverjeno", "Last checked"), &|e| {
            Some(html! { time datetime=(e.updated.to_string()) { (d(e.updated)) } })
        }),
    ]
}

/// The query string of a search for one facet value.
fn search_for(facet: Facet, key: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair(facet.name(), key)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_in_order_without_repeats_or_empty_values() {
        assert_eq!(
            requested_ids(Some("id=b&id=a&id=b&id=&q=x&id=%20c%20")),
            ["b", "a", "c"]
        );
        assert!(requested_ids(None).is_empty());
    }

    #[test]
    fn reading_ids_stops_once_there_are_too_many() {
        let raw: Vec<String> = (0..10_000).map(|i| format!("id=m{i}")).collect();
        assert_eq!(requested_ids(Some(&raw.join("&"))).len(), MAX_MEASURES + 1);
    }

    #[test]
    fn the_address_without_language_keeps_the_selection() {
        assert_eq!(here_of(["a", "b c"].into_iter()), "/compare?id=a&id=b+c");
        assert_eq!(here_of(std::iter::empty()), "/compare");
    }

    #[test]
    fn the_count_message_is_in_the_page_language() {
        assert!(
            count_message(1, Lang::Sl).starts_with("Izberite od 2 do 6 ukrepov za primerjavo.")
        );
        assert!(count_message(7, Lang::En).starts_with("Select 2 to 6 measures to compare."));
    }
}
