//! The pages, as pure functions from data to `Markup`. maud escapes every interpolated string,
//! so entry text and queries can never inject markup; the only pre-escaped HTML is the snippet
//! (escaped by Tantivy, with our `<mark>`) and the rendered Markdown body (raw HTML escaped).

use axum::http::StatusCode;
use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::params;
use crate::diagnostic::Diagnostic;
use crate::entry::{Entry, Status};
use crate::search::{Facet, Results, SearchQuery, Snapshot, Sort};
use crate::vocabulary::Dimension;

const SITE: &str = "Priročnik ukrepov za podjetništvo v mestnih središčih";

/// The page frame. `quick_search` adds the search box to the header (not on the search page,
/// which has its own).
/// `live`: the page reloads itself when the handbook changes (`/events`).
fn layout(title: &str, quick_search: bool, live: bool, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="sl" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (SITE) }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body data-live=[live.then_some("/events")] {
                a.skip href="#main" { "Skoči na vsebino" }
                header.site {
                    a.brand href="/" { (SITE) }
                    @if quick_search {
                        form.quick role="search" action="/" method="get" {
                            label for="top-q" class="visually-hidden" { "Iskanje" }
                            input #top-q type="search" name="q" placeholder="Išči ukrepe …";
                            button type="submit" { "Išči" }
                        }
                    }
                }
                main #main { (main) }
                footer.site {
                    p { "Skupni program upravljanja mestnih središč. Vir resnice so datoteke priročnika; "
                        a href="/status" { "stanje priročnika" } "." }
                }
            }
        }
    }
}

/// 18300 → "18.300 EUR", as Slovenian texts write amounts.
pub fn eur(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}{out} EUR", if amount < 0 { "-" } else { "" })
}

/// 2019-04-16 → "16. 4. 2019".
pub fn date(d: NaiveDate) -> String {
    d.format("%-d. %-m. %Y").to_string()
}

fn status_badge(entry: &Entry, status: Status) -> Markup {
    html! {
        span class={"badge status-" (status.key())} { (status.label()) }
        @if entry.until_funds_run_out && status != Status::Closed {
            " " span.badge.funds { "do porabe sredstev" }
        }
    }
}

fn deadline(entry: &Entry) -> Markup {
    html! {
        @match (entry.open_from, entry.open_until) {
            (Some(from), Some(until)) => { "Prijave " (date(from)) " – " (date(until)) }
            (None, Some(until)) => { "Rok: " (date(until)) }
            (Some(from), None) => { "Prijave od " (date(from)) }
            (None, None) => { "Brez roka" }
        }
    }
}

pub fn search_page(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    live: bool,
) -> Markup {
    let title = if query.text.is_empty() {
        "Iskanje".to_string()
    } else {
        format!("Iskanje: {}", query.text)
    };
    let last_page = results.total.div_ceil(results.per_page).max(1);
    let main = html! {
        form #search action="/" method="get" {
            div.searchbar {
                label for="q" { "Kaj iščete?" }
                input #q type="search" name="q" value=(query.text) autocomplete="off"
                    placeholder="npr. subvencije najemnin v starem mestnem jedru";
                label for="sort" { "Razvrsti po" }
                select #sort name="sort" {
                    @for s in Sort::ALL {
                        option value=(s.key()) selected[s == query.sort] { (s.label()) }
                    }
                }
                @if query.per_page != crate::search::DEFAULT_PER_PAGE {
                    input type="hidden" name="per_page" value=(query.per_page);
                }
                button type="submit" { "Išči" }
            }
            div.layout {
                aside.facets aria-label="Filtri" {
                    @for (facet, values) in &results.facets {
                        @if !values.is_empty() {
                            fieldset.facet {
                                legend { (facet.title()) }
                                ul {
                                    @for v in values {
                                        @let id = format!("f-{}-{}", facet.name(), v.value);
                                        li {
                                            input type="checkbox" id=(id) name=(facet.name()) value=(v.value) checked[v.selected];
                                            label for=(id) { (v.label) " " span.count { "(" (v.count) ")" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    button type="submit" { "Uporabi filtre" }
                    @if !query.filters.is_empty() {
                        " " a href={"/?" (params::to_query_string(&SearchQuery { filters: Default::default(), ..query.clone() }, 1))} { "Počisti filtre" }
                    }
                }
                section.results aria-live="polite" {
                    p.total {
                        @if results.total == 0 { "Ni zadetkov. Poskusite z manj besedami ali brez filtrov." }
                        @else { (results.total) " " (measures_word(results.total)) }
                    }
                    ol.hits {
                        @for hit in &results.hits {
                            li.hit {
                                h2 { a href=(hit.entry.permalink()) { (hit.entry.title) } }
                                p.meta {
                                    (status_badge(&hit.entry, hit.status)) " "
                                    span.deadline { (deadline(&hit.entry)) } " · "
                                    (labels(snapshot, Dimension::Municipality, &hit.entry.municipalities)) " · "
                                    (labels(snapshot, Dimension::Type, &hit.entry.types))
                                }
                                p.snippet { (PreEscaped(&hit.snippet)) }
                            }
                        }
                    }
                    @if last_page > 1 && results.page <= last_page {
                        nav.pages aria-label="Strani" {
                            @if results.page > 1 {
                                a rel="prev" href={"/?" (params::to_query_string(query, results.page - 1))} { "← Prejšnja" }
                            }
                            span { "Stran " (results.page) " od " (last_page) }
                            @if results.page < last_page {
                                a rel="next" href={"/?" (params::to_query_string(query, results.page + 1))} { "Naslednja →" }
                            }
                        }
                    }
                }
            }
        }
    };
    layout(&title, false, live, main)
}

/// Slovenian has four number forms: 1 ukrep, 2 ukrepa, 3 ukrepi, 5 ukrepov (and 101 ukrep ...).
pub fn measures_word(n: usize) -> &'static str {
    match n % 100 {
        1 => "ukrep",
        2 => "ukrepa",
        3 | 4 => "ukrepi",
        _ => "ukrepov",
    }
}

fn labels(snapshot: &Snapshot, dimension: Dimension, keys: &[String]) -> String {
    keys.iter()
        .map(|k| snapshot.vocabulary.label(dimension, k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The citation of an entry as a person would write it in a report.
pub fn citation(entry: &Entry, permalink: &str) -> String {
    let mut parts = vec![format!("{}: {}.", entry.provider, entry.title)];
    if let Some(g) = &entry.gazette {
        parts.push(format!("{g}."));
    }
    parts.push(format!("Priročnik ukrepov za podjetništvo v mestnih središčih, {permalink} (zadnje preverjeno {}).", date(entry.updated)));
    parts.join(" ")
}

pub fn measure_page(
    entry: &Entry,
    snapshot: &Snapshot,
    base_url: &str,
    today: NaiveDate,
    problems: &[&Diagnostic],

    live: bool,
) -> Markup {
    let permalink = format!("{base_url}{}", entry.permalink());
    let status = entry.status(today);
    let facet_link = |facet: Facet, key: &str| format!("/?{}={}", facet.name(), key);
    let row = |name: &str, dimension: Dimension, facet: Facet, keys: &[String]| {
        html! {
            @if !keys.is_empty() {
                dt { (name) }
                dd { @for (i, k) in keys.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(facet_link(facet, k)) { (snapshot.vocabulary.label(dimension, k)) }
                } }
            }
        }
    };
    let regions: Vec<String> = snapshot.vocabulary.regions_of(&entry.municipalities);
    let main = html! {
        article.measure {
            @if !problems.is_empty() {
                div.notice role="status" {
                    p { strong { "Datoteka tega ukrepa ima napake." } " Prikazana je zadnja veljavna različica, dokler urednik napak ne odpravi." }
                    ul { @for d in problems { li { code { (d.location()) } ": " (d.message) } } }
                }
            }
            p.breadcrumb { a href="/" { "← Vsi ukrepi" } }
            h1 { (entry.title) }
            p.meta { (status_badge(entry, status)) " " span.deadline { (deadline(entry)) } }
            p.summary { (entry.summary) }
            dl.fields {
                dt { "Izvajalec" } dd { (entry.provider) }
                (row("Regija", Dimension::Region, Facet::Region, &regions))
                (row("Občina", Dimension::Municipality, Facet::Municipality, &entry.municipalities))
                (row("Vrsta ukrepa", Dimension::Type, Facet::Type, &entry.types))
                (row("Vir financiranja", Dimension::Source, Facet::Source, &entry.sources))
                (row("Upravičenci", Dimension::Beneficiary, Facet::Beneficiary, &entry.beneficiaries))
                @if let Some(b) = entry.budget_eur { dt { "Skupna sredstva" } dd { (eur(b)) } }
                @if let Some(m) = entry.max_amount_eur { dt { "Največ na upravičenca" } dd { (eur(m)) } }
                @if let Some(p) = entry.cofinancing_percent { dt { "Delež sofinanciranja" } dd { "do " (p) " %" } }
                @if let Some(from) = entry.open_from { dt { "Odprto od" } dd { (date(from)) } }
                @if let Some(until) = entry.open_until { dt { "Rok za prijavo" } dd { (date(until)) @if entry.until_funds_run_out { " ali do porabe sredstev" } } }
                @if entry.until_funds_run_out && entry.open_until.is_none() { dt { "Trajanje" } dd { "do porabe sredstev" } }
                @if !entry.legal_basis.is_empty() {
                    dt { "Pravna podlaga" }
                    dd { ul { @for l in &entry.legal_basis { li { (l) } } } }
                }
                @if let Some(g) = &entry.gazette { dt { "Objava" } dd { (g) } }
                @if let Some(u) = &entry.url { dt { "Uradni vir" } dd { a href=(u) rel="noopener external" { (u) } } }
                dt { "Zadnje preverjeno" } dd { time datetime=(entry.updated.to_string()) { (date(entry.updated)) } }
            }
            @if let Some(body) = &entry.body {
                section.body { (PreEscaped(crate::markdown::to_html(body))) }
            }
            section.cite aria-labelledby="cite-h" {
                h2 #cite-h { "Citiranje" }
                p { "Trajna povezava: " a href=(permalink) { (permalink) } }
                blockquote #citation { (citation(entry, &permalink)) }
            }
        }
    };
    layout(&entry.title, true, live, main)
}

pub fn status_page(snapshot: &Snapshot, live: bool) -> Markup {
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
        snapshot.problems.iter().partition(|d| d.is_error());
    let list = |items: &[&Diagnostic]| {
        html! {
            ul.problems {
                @for d in items {
                    li class={"problem " (d.severity)} {
                        code { (d.location()) } " "
                        strong { (d.severity) "[" (d.code) "]" } ": " (d.message)
                        @if let Some(h) = &d.help { br; span.help { "Kaj storiti: " (h) } }
                    }
                }
            }
        }
    };
    let main = html! {
        h1 { "Stanje priročnika" }
        dl.fields {
            dt { "Ukrepov v iskanju" } dd #entry-count { (snapshot.entries.len()) }
            dt { "Zadnja osvežitev" } dd { time datetime=(snapshot.loaded_at.to_rfc3339()) { (snapshot.loaded_at.format("%-d. %-m. %Y %H:%M:%S")) } }
            dt { "Napake" } dd #error-count { (errors.len()) }
            dt { "Opozorila" } dd #warning-count { (warnings.len()) }
        }
        @if errors.is_empty() {
            p { "Vse datoteke so veljavne." }
        } @else {
            h2 { "Datoteke z napakami" }
            p { "Neveljavne datoteke ostanejo v iskanju v zadnji veljavni različici, dokler jih urednik ne popravi." }
            (list(&errors))
        }
        @if !warnings.is_empty() {
            h2 { "Opozorila" }
            p { "Ti ukrepi so v iskanju, a jih je vredno pregledati." }
            (list(&warnings))
        }
    };
    layout("Stanje priročnika", true, live, main)
}

pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let main = html! {
        h1 { (status.as_u16()) " – " (status.canonical_reason().unwrap_or("Napaka")) }
        p { (message) }
        p { a href="/" { "Na iskanje" } }
    };
    layout("Napaka", true, false, main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_use_slovenian_thousands_separators() {
        assert_eq!(eur(18300), "18.300 EUR");
        assert_eq!(eur(500), "500 EUR");
        assert_eq!(eur(1_200_000), "1.200.000 EUR");
    }

    #[test]
    fn counts_use_the_four_slovenian_number_forms() {
        let forms: Vec<_> = [1, 2, 3, 4, 5, 11, 101, 102, 104, 111]
            .map(measures_word)
            .into();
        assert_eq!(
            forms,
            [
                "ukrep", "ukrepa", "ukrepi", "ukrepi", "ukrepov", "ukrepov", "ukrep", "ukrepa",
                "ukrepi", "ukrepov"
            ]
        );
    }

    #[test]
    fn dates_are_written_the_slovenian_way() {
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2019, 4, 16).unwrap()),
            "16. 4. 2019"
        );
    }
}
