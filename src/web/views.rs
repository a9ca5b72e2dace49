//! The pages, as pure functions from data to `Markup`. maud escapes every interpolated string,
//! so entry text and queries can never inject markup; the only pre-escaped HTML is the snippet
//! (escaped by Tantivy, with our `<mark>`) and the rendered Markdown body (raw HTML escaped).

use axum::http::StatusCode;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::handbook::diagnostic::Diagnostic;
use crate::handbook::entry::{Entry, Status};
use crate::handbook::vocabulary::Dimension;
use crate::live::health::{Report, Watch};
use crate::search::params;
use crate::search::request::NATIONAL;
use crate::search::{Facet, Hit, Results, SearchQuery, Snapshot, Sort};
use crate::text::format::{date_in, eur_in};
use crate::text::lang::Lang;

const SITE: &str = "Priročnik ukrepov za podjetništvo v mestnih središčih";
const SITE_EN: &str = "Handbook of measures for entrepreneurship in town centres";

/// What the frame around a page needs to know.
pub struct Frame<'a> {
    pub title: &'a str,
    pub lang: Lang,
    /// The search box in the header (not on the search page, which has its own).
    pub quick_search: bool,
    /// The page reloads itself when the handbook changes (`/events`).
    pub live: bool,
    /// This page's path and query without `lang`, so the language switch keeps the page.
    pub here: String,
    /// An Atom feed of this page's results, for `<link rel=alternate>`.
    pub feed: Option<String>,
}

/// `path` (which may carry a query) in `lang`: the language is kept across every link.
pub fn href(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Sl => path.to_string(),
        Lang::En if path.contains('?') => format!("{path}&lang=en"),
        Lang::En => format!("{path}?lang=en"),
    }
}

/// The site's name in a language.
pub fn site(lang: Lang) -> &'static str {
    lang.pick(SITE, SITE_EN)
}

/// The page frame: head, header with the language switch, main, footer.
pub fn layout(frame: &Frame<'_>, main: Markup) -> Markup {
    let lang = frame.lang;
    let other = lang.other();
    html! {
        (DOCTYPE)
        html lang=(lang.key()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (frame.title) " – " (site(lang)) }
                link rel="icon" href="data:,";
                link rel="stylesheet" href="/static/style.css";
                @if let Some(feed) = &frame.feed {
                    link rel="alternate" type="application/atom+xml" title=(lang.pick("Novi ukrepi te iskalne zahteve", "New measures of this search")) href=(feed);
                }
                link rel="alternate" hreflang=(other.key()) href=(href(&frame.here, other));
                script src="/static/app.js" defer {}
            }
            body data-live=[frame.live.then_some("/events")] {
                a.skip href="#main" { (lang.pick("Skoči na vsebino", "Skip to content")) }
                header.site {
                    a.brand href=(href("/", lang)) { (site(lang)) }
                    @if frame.quick_search {
                        form.quick role="search" action="/" method="get" {
                            label for="top-q" class="visually-hidden" { (lang.pick("Iskanje", "Search")) }
                            input #top-q type="search" name="q" placeholder=(lang.pick("Išči ukrepe …", "Search measures …"));
                            @if lang == Lang::En { input type="hidden" name="lang" value="en"; }
                            button type="submit" { (lang.pick("Išči", "Search")) }
                        }
                    }
                    nav.lang aria-label=(lang.pick("Jezik", "Language")) {
                        a href=(href(&frame.here, other)) hreflang=(other.key()) lang=(other.key()) { (other.native_name()) }
                    }
                }
                main #main tabindex="-1" { (main) }
                footer.site {
                    p {
                        (lang.pick("Skupni program upravljanja mestnih središč. Vir resnice so datoteke priročnika; ", "The joint town centre management programme. The handbook's files are the source of truth; "))
                        a href=(href("/statistics", lang)) { (lang.pick("statistika", "statistics")) } ", "
                        a href=(href("/changes", lang)) { (lang.pick("zadnje spremembe", "latest changes")) } ", "
                        a href=(href("/status", lang)) { (lang.pick("stanje priročnika", "state of the handbook")) } ", "
                        a href="/export.csv" { (lang.pick("odprti podatki (CSV", "open data (CSV")) } ", "
                        a href="/export.json" { "JSON" } ", "
                        a href="/api/openapi.json" { "API" } ")."
                    }
                }
            }
        }
    }
}

pub fn status_badge(entry: &Entry, status: Status, lang: Lang) -> Markup {
    html! {
        span class={"badge status-" (status.key())} { (status.label_in(lang)) }
        @if entry.until_funds_run_out && status != Status::Closed {
            " " span.badge.funds { (lang.pick("do porabe sredstev", "until funds run out")) }
        }
    }
}

pub fn deadline(entry: &Entry, lang: Lang) -> Markup {
    let d = |x| date_in(x, lang);
    html! {
        @match (entry.open_from, entry.open_until) {
            (Some(from), Some(until)) => { (lang.pick("Prijave ", "Applications ")) (d(from)) " – " (d(until)) }
            (None, Some(until)) => { (lang.pick("Rok: ", "Deadline: ")) (d(until)) }
            (Some(from), None) => { (lang.pick("Prijave od ", "Applications from ")) (d(from)) }
            (None, None) => { (lang.pick("Brez roka", "No deadline")) }
        }
    }
}

pub fn search_page(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    live: bool,
    alerts: bool,
) -> Markup {
    let lang = query.lang;
    let title = match (query.text.is_empty(), lang) {
        (true, _) => lang.pick("Iskanje", "Search").to_string(),
        (false, Lang::Sl) => format!("Iskanje: {}", query.text),
        (false, Lang::En) => format!("Search: {}", query.text),
    };
    let last_page = results.total.div_ceil(results.per_page).max(1);
    // This search's state without the language and page: shared, exported and followed as is.
    let state = params::to_query_string(
        &SearchQuery {
            lang: Lang::Sl,
            ..query.clone()
        },
        1,
    );
    let with = |path: &str| {
        if state.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{state}")
        }
    };
    let feed = href(&with("/feed.atom"), lang);
    let here = with("/");
    let page_link = |page: usize| format!("/?{}", params::to_query_string(query, page));
    let main = html! {
        p.fits-link {
            a href=(href("/fits", lang)) { (lang.pick("Kaj mi pripada?", "What fits me?")) }
            " " (lang.pick("Trije kratki odgovori: kje, kdo in za kaj.", "Three short answers: where, who and what for."))
        }
        form #search action="/" method="get" {
            div.searchbar {
                label for="q" { (lang.pick("Kaj iščete?", "What are you looking for?")) }
                input #q type="search" name="q" value=(query.text) autocomplete="off"
                    placeholder=(lang.pick("npr. subvencije najemnin v starem mestnem jedru", "e.g. rent subsidies in the old town centre"));
                label for="sort" { (lang.pick("Razvrsti po", "Sort by")) }
                select #sort name="sort" {
                    @for s in Sort::ALL {
                        option value=(s.key()) selected[s == query.sort] { (s.label_in(lang)) }
                    }
                }
                @if query.per_page != crate::search::request::DEFAULT_PER_PAGE {
                    input type="hidden" name="per_page" value=(query.per_page);
                }
                @if lang == Lang::En {
                    input type="hidden" name="lang" value="en";
                }
                button type="submit" { (lang.pick("Išči", "Search")) }
            }
            div.layout {
                (facets(query, results))
                section.results aria-label=(lang.pick("Zadetki", "Results")) {
                    p.total #results-status role="status" {
                        @if results.total == 0 { (lang.pick("Ni zadetkov. Poskusite z manj besedami ali brez filtrov.", "No results. Try fewer words or no filters.")) }
                        @else { (results.total) " " (count_word(results.total, lang)) }
                        @if query.min_amount.is_some() && results.excluded_unknown_amount > 0 {
                            " " span.unknown-amount {
                                "(" (results.excluded_unknown_amount) " "
                                (lang.pick(
                                    unknown_amount_sl(results.excluded_unknown_amount),
                                    if results.excluded_unknown_amount == 1 { "measure without a stated amount is not shown" } else { "measures without a stated amount are not shown" },
                                ))
                                ")"
                            }
                        }
                    }
                    (place_links(query, results, snapshot))
                    div.tools {
                        a #share.share href=(href(&here, lang)) { (lang.pick("Deli iskanje", "Share search")) }
                        " " span #share-status role="status" {}
                        " " a.export-csv href=(href(&with("/export.csv"), lang)) download { (lang.pick("Prenesi CSV", "Download CSV")) }
                        " " a.export-json href=(href(&with("/export.json"), lang)) { "JSON" }
                        " " a.feed href=(feed) type="application/atom+xml" { (lang.pick("Novice (Atom)", "Feed (Atom)")) }
                        " " a.calendar href=(href(&with("/calendar.ics"), lang)) type="text/calendar" { (lang.pick("Koledar rokov", "Calendar of deadlines")) }
                    }
                    ol.hits {
                        @for hit in &results.hits {
                            (hit_item(hit, snapshot, lang))
                        }
                    }
                    @if last_page > 1 && results.page <= last_page {
                        nav.pages aria-label=(lang.pick("Strani", "Pages")) {
                            @if results.page > 1 {
                                a rel="prev" href=(page_link(results.page - 1)) { (lang.pick("← Prejšnja", "← Previous")) }
                            }
                            span { (lang.pick("Stran ", "Page ")) (results.page) (lang.pick(" od ", " of ")) (last_page) }
                            @if results.page < last_page {
                                a rel="next" href=(page_link(results.page + 1)) { (lang.pick("Naslednja →", "Next →")) }
                            }
                        }
                    }
                }
            }
        }
        // Outside the search form: forms do not nest.
        (super::alert_forms::search_form(query, alerts))
        form #compare.compare-bar action="/compare" method="get" {
            @if lang == Lang::En {
                input type="hidden" name="lang" value="en";
            }
            p {
                button #compare-go type="submit" { (lang.pick("Primerjaj izbrane", "Compare selected")) }
                " " span #compare-count aria-live="polite" { (lang.pick("Izberite od 2 do 6 ukrepov.", "Select 2 to 6 measures.")) }
            }
        }
    };
    layout(
        &Frame {
            title: &title,
            lang,
            quick_search: false,
            live,
            here,
            feed: Some(feed),
        },
        main,
    )
}

/// The facets of a search, each value with its count, as a form that works without JavaScript.
fn facets(query: &SearchQuery, results: &Results) -> Markup {
    let lang = query.lang;
    html! {
        aside.facets aria-label=(lang.pick("Filtri", "Filters")) {
            details.facets-fold open {
                summary { (lang.pick("Filtri", "Filters")) }
                @for (facet, values) in &results.facets {
                    @if !values.is_empty() {
                        fieldset.facet {
                            legend { (facet.title_in(lang)) }
                            @let national = (*facet == Facet::Municipality).then(|| national_toggle(query, values)).flatten();
                            ul {
                                @for v in values {
                                    @if national.is_none() || v.value != NATIONAL {
                                        @let id = format!("f-{}-{}", facet.name(), v.value);
                                        li {
                                            input type="checkbox" id=(id) name=(facet.name()) value=(v.value) checked[v.selected];
                                            label for=(id) { (v.label) " " span.count { "(" (v.count) ")" } }
                                        }
                                    }
                                }
                            }
                            @if *facet == Facet::Municipality {
                                @match national {
                                    // One municipality: its measures with the national ones, or not.
                                    Some((on, count)) => {
                                        p.national {
                                            input type="checkbox" id="f-national" name="national" value="1" checked[on];
                                            label for="f-national" {
                                                (lang.pick("Vključi državne ukrepe", "Include national measures"))
                                                " " span.count { "(" (count) ")" }
                                            }
                                        }
                                    }
                                    // Ticking one municipality includes the national measures
                                    // unless the box above is then cleared.
                                    None => { input type="hidden" name="national" value="1"; }
                                }
                            }
                        }
                    }
                }
                (amount_and_deadline(query))
                button type="submit" { (lang.pick("Uporabi filtre", "Apply filters")) }
                @if query.has_filters() {
                    " " a href={"/?" (params::to_query_string(&query.without_filters(), 1))} { (lang.pick("Počisti filtre", "Clear filters")) }
                }
            }
        }
    }
}

/// With exactly one municipality asked for (other than the national scope): whether the
/// national measures are included, and how many there are among the matches. The search page
/// then shows "include national measures" in place of the national value.
fn national_toggle(
    query: &SearchQuery,
    values: &[crate::search::FacetValue],
) -> Option<(bool, usize)> {
    let wanted = query.wanted(Facet::Municipality);
    let local: Vec<&String> = wanted.iter().filter(|m| *m != NATIONAL).collect();
    if local.len() != 1 {
        return None;
    }
    let count = values
        .iter()
        .find(|v| v.value == NATIONAL)
        .map_or(0, |v| v.count);
    Some((wanted.iter().any(|m| m == NATIONAL), count))
}

/// The filters that are not facets: calls that close soon, and a least amount.
fn amount_and_deadline(query: &SearchQuery) -> Markup {
    let lang = query.lang;
    let days = query.closing.unwrap_or(30);
    html! {
        fieldset.facet.limits {
            legend { (lang.pick("Rok in znesek", "Deadline and amount")) }
            p {
                input type="checkbox" id="f-closing" name="closing" value=(days) checked[query.closing.is_some()];
                label for="f-closing" {
                    @match lang {
                        Lang::Sl => { "Zapre se v " (days) " dneh" }
                        Lang::En => { "Closes within " (days) " days" }
                    }
                }
            }
            p {
                label for="f-min-amount" { (lang.pick("Vsaj toliko evrov na upravičenca", "At least this many euros per beneficiary")) }
                input #f-min-amount type="number" name="min_amount" min="0" step="1" inputmode="numeric" value=[query.min_amount];
            }
        }
    }
}

/// "Show only measures for Kranj (and national ones)" for each place the words name, or
/// "Show only national measures" where they name the state: the same search with the
/// `applies_in` filter.
fn place_links(query: &SearchQuery, results: &Results, snapshot: &Snapshot) -> Markup {
    let lang = query.lang;
    html! {
        @for place in &results.places {
            @if query.applies_in.as_ref() != Some(place) {
                @let filtered = SearchQuery { applies_in: Some(place.clone()), ..query.clone() };
                @let name = snapshot.label_in(Facet::Municipality, place, lang);
                p.place {
                    a href={"/?" (params::to_query_string(&filtered, 1))} {
                        @match (lang, place == NATIONAL) {
                            (Lang::Sl, true) => { "Pokaži samo državne ukrepe" }
                            (Lang::En, true) => { "Show only national measures" }
                            (Lang::Sl, false) => { "Pokaži samo ukrepe za " (name) " (in državne)" }
                            (Lang::En, false) => { "Show only measures for " (name) " (and national ones)" }
                        }
                    }
                }
            }
        }
    }
}

/// One hit: title, status and deadline, where and what, the snippet, the other calls of its
/// series, and a box to pick it for comparing.
fn hit_item(hit: &Hit, snapshot: &Snapshot, lang: Lang) -> Markup {
    let e = &hit.entry;
    let pick = format!("cmp-{}", e.id);
    html! {
        li.hit {
            h2 lang=[(lang == Lang::En && e.title_en.is_none()).then_some("sl")] { a href=(href(&e.permalink(), lang)) { (e.title_in(lang)) } }
            p.meta {
                (status_badge(e, hit.status, lang)) " "
                span.deadline { (deadline(e, lang)) } " · "
                (labels(snapshot, Dimension::Municipality, &e.municipalities, lang)) " · "
                (labels(snapshot, Dimension::Type, &e.types, lang))
            }
            p.snippet lang=[(lang == Lang::En && e.summary_en.is_none()).then_some("sl")] { (PreEscaped(&hit.snippet)) }
            (series_links(&snapshot.series_of(e), lang))
            p.pick {
                input.compare-pick #(pick) type="checkbox" name="id" value=(e.id) form="compare";
                " " label for=(pick) { (lang.pick("Primerjaj", "Compare")) span.visually-hidden { ": " (e.title_in(lang)) } }
            }
        }
    }
}

/// "Also in 2019, 2020": links to the other calls of a hit's series, newest first.
pub fn series_links(calls: &[Arc<Entry>], lang: Lang) -> Markup {
    /// More would crowd a hit; the measure page lists them all.
    const SHOWN: usize = 6;
    html! {
        @if !calls.is_empty() {
            p.series-links {
                (lang.pick("Tudi: ", "Also in: "))
                @for (i, call) in calls.iter().take(SHOWN).enumerate() {
                    @if i > 0 { ", " }
                    a href=(href(&call.permalink(), lang)) title=(call.title_in(lang)) {
                        @match call.year() {
                            Some(year) => { (year) span.visually-hidden { ": " (call.title_in(lang)) } }
                            None => (call.title_in(lang)),
                        }
                    }
                }
                @if calls.len() > SHOWN { " …" }
            }
        }
    }
}

/// "5 ukrepov", "5 measures".
pub fn count_word(n: usize, lang: Lang) -> &'static str {
    match lang {
        Lang::Sl => measures_word(n),
        Lang::En if n == 1 => "measure",
        Lang::En => "measures",
    }
}

/// "N ukrep… brez navedenega zneska ni prikazan…", in the number form of N (1, 2, 3–4, 5+).
fn unknown_amount_sl(n: usize) -> &'static str {
    match n % 100 {
        1 => "ukrep brez navedenega zneska ni prikazan",
        2 => "ukrepa brez navedenega zneska nista prikazana",
        3 | 4 => "ukrepi brez navedenega zneska niso prikazani",
        _ => "ukrepov brez navedenega zneska ni prikazanih",
    }
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

pub fn labels(snapshot: &Snapshot, dimension: Dimension, keys: &[String], lang: Lang) -> String {
    keys.iter()
        .map(|k| snapshot.vocabulary.label_in(dimension, k, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

pub struct MeasureView<'a> {
    pub entry: &'a Entry,
    pub snapshot: &'a Snapshot,
    pub base_url: &'a str,
    pub today: NaiveDate,
    /// Errors in the entry's file right now: the page shows its last good version.
    pub problems: &'a [&'a Diagnostic],
    pub related: &'a [Arc<Entry>],
    /// The other calls of the entry's series, newest year first.
    pub series: &'a [Arc<Entry>],
    pub lang: Lang,
    pub live: bool,
    /// The alert forms are offered (an SMTP server is configured).
    pub alerts: bool,
    /// The version shown (a past one for `?version=`), from the handbook's history; `None`
    /// without history.
    pub version: Option<&'a crate::history::VersionNote>,
}

pub fn measure_page(v: &MeasureView<'_>) -> Markup {
    let (entry, snapshot, lang) = (v.entry, v.snapshot, v.lang);
    let current_link = format!("{}{}", v.base_url, entry.permalink());
    // A citation names the version shown, when a commit holds it, so that it still leads to
    // what the measure said that day after the measure changes.
    let versioned = v.version.and_then(|n| n.permalink(v.base_url, &entry.id));
    let permalink = versioned.clone().unwrap_or_else(|| current_link.clone());
    let cited = v.version.and_then(|n| {
        Some(super::citation::Cited {
            date: n.date?.date_naive(),
            commit: n.short()?,
        })
        .filter(|_| !n.uncommitted)
    });
    let past = v.version.is_some_and(|n| n.past);
    let history_link = href(&format!("/measures/{}/history", entry.id), lang);
    let status = entry.status(v.today);
    let d = |x| date_in(x, lang);
    let facet_link = |facet: Facet, key: &str| href(&format!("/?{}={}", facet.name(), key), lang);
    let row = |dimension: Dimension, facet: Facet, keys: &[String]| {
        html! {
            @if !keys.is_empty() {
                dt { (dimension.title_in(lang)) }
                dd { @for (i, k) in keys.iter().enumerate() {
                    @if i > 0 { ", " }
                    a href=(facet_link(facet, k)) { (snapshot.vocabulary.label_in(dimension, k, lang)) }
                } }
            }
        }
    };
    let regions: Vec<String> = snapshot.vocabulary.regions_of(&entry.municipalities);
    let compare_similar = {
        let mut ids = vec![entry.id.as_str()];
        ids.extend(v.related.iter().take(5).map(|r| r.id.as_str()));
        let qs: String = ids
            .iter()
            .map(|id| format!("id={id}"))
            .collect::<Vec<_>>()
            .join("&");
        href(&format!("/compare?{qs}"), lang)
    };
    let untranslated = lang == Lang::En && entry.title_en.is_none();
    let main = html! {
        article.measure {
            @if let (true, Some(note)) = (past, v.version) {
                div.version-banner role="note" {
                    p {
                        strong { (lang.pick("Prejšnja različica. ", "A past version. ")) }
                        (lang.pick("Ukrep, kot je bil v različici priročnika z dne ", "The measure as it was in the version of the handbook of "))
                        @if let Some(date) = note.date { (crate::text::format::date_time_in(&date, lang)) }
                        " (" code { (note.short().unwrap_or_default()) } ")."
                    }
                    p {
                        a href=(href(&entry.permalink(), lang)) { (lang.pick("Trenutna različica", "Current version")) }
                        " · "
                        a href=(history_link) { (lang.pick("Zgodovina sprememb", "History of changes")) }
                    }
                }
            }
            @if v.version.is_some_and(|n| n.uncommitted) {
                p.uncommitted-note role="note" {
                    (lang.pick("Spremembe tega ukrepa še niso shranjene v zgodovini (niso še v gitu). ", "Changes to this measure are not yet committed to the history (git). "))
                    a href=(history_link) { (lang.pick("Kaj je novega", "What is new")) }
                }
            }
            @if !v.problems.is_empty() {
                div.notice role="status" {
                    p { strong { (lang.pick("Datoteka tega ukrepa ima napake.", "This measure's file has errors.")) } " "
                        (lang.pick("Prikazana je zadnja veljavna različica, dokler urednik napak ne odpravi.", "The last valid version is shown until an editor fixes them.")) }
                    ul { @for p in v.problems { li { code { (p.location_in(&v.snapshot.root)) } ": " (p.message) } } }
                }
            }
            p.breadcrumb { a href=(href("/", lang)) { (lang.pick("← Vsi ukrepi", "← All measures")) } }
            h1 lang=[untranslated.then_some("sl")] { (entry.title_in(lang)) }
            p.meta {
                (status_badge(entry, status, lang)) " " span.deadline { (deadline(entry, lang)) }
                @if entry.open_from.is_some() || entry.open_until.is_some() {
                    " " a.calendar href=(href(&format!("/measures/{}.ics", entry.id), lang)) type="text/calendar" { (lang.pick("V koledar", "Add to calendar")) }
                }
                " " a.history-link href=(history_link) { (lang.pick("Zgodovina sprememb", "History of changes")) }
            }
            @if let (Status::Unconfirmed, Some(year)) = (status, entry.last_confirmed) {
                p.unconfirmed role="note" {
                    (lang.pick("Ta stalni ukrep je bil nazadnje potrjen leta ", "This standing measure was last confirmed in "))
                    (year)
                    (lang.pick(". Pred prijavo pri izvajalcu preverite, ali še velja.", ". Check with the provider whether it still applies before you apply."))
                }
            }
            p.summary lang=[(lang == Lang::En && entry.summary_en.is_none()).then_some("sl")] { (entry.summary_in(lang)) }
            dl.fields {
                dt { (lang.pick("Izvajalec", "Provider")) } dd { (entry.provider) }
                (row(Dimension::Region, Facet::Region, &regions))
                (row(Dimension::Municipality, Facet::Municipality, &entry.municipalities))
                (row(Dimension::Type, Facet::Type, &entry.types))
                (row(Dimension::Source, Facet::Source, &entry.sources))
                (row(Dimension::Beneficiary, Facet::Beneficiary, &entry.beneficiaries))
                @if let Some(b) = entry.budget_eur { dt { (lang.pick("Skupna sredstva", "Total budget")) } dd { (eur_in(b, lang)) } }
                @if let Some(m) = entry.max_amount_eur { dt { (lang.pick("Največ na upravičenca", "Maximum per beneficiary")) } dd { (eur_in(m, lang)) } }
                @if let Some(p) = entry.cofinancing_percent { dt { (lang.pick("Delež sofinanciranja", "Co-financing share")) } dd { (lang.pick("do ", "up to ")) (p) " %" } }
                @if let Some(from) = entry.open_from { dt { (lang.pick("Odprto od", "Open from")) } dd { (d(from)) } }
                @if let Some(until) = entry.open_until { dt { (lang.pick("Rok za prijavo", "Deadline")) } dd { (d(until)) @if entry.until_funds_run_out { (lang.pick(" ali do porabe sredstev", " or until funds run out")) } } }
                @if entry.until_funds_run_out && entry.open_until.is_none() { dt { (lang.pick("Trajanje", "Duration")) } dd { (lang.pick("do porabe sredstev", "until funds run out")) } }
                @if !entry.legal_basis.is_empty() {
                    dt { (lang.pick("Pravna podlaga", "Legal basis")) }
                    dd { ul { @for l in &entry.legal_basis { li { (l) } } } }
                }
                @if let Some(g) = &entry.gazette { dt { (lang.pick("Objava", "Published in")) } dd { (g) } }
                @if let Some(u) = &entry.url { dt { (lang.pick("Uradni vir", "Official source")) } dd { a href=(u) rel="noopener external" { (u) } } }
                @if let Some(year) = entry.last_confirmed { dt { (lang.pick("Nazadnje potrjeno v viru", "Last confirmed by a source")) } dd { (year) } }
                dt { (lang.pick("Zadnje preverjeno", "Last checked")) } dd { time datetime=(entry.updated.to_string()) { (d(entry.updated)) } }
            }
            @if let Some(body) = &entry.body {
                section.body lang=[(lang == Lang::En).then_some("sl")] { (PreEscaped(crate::text::markdown::to_html(body))) }
            }
            @if !v.series.is_empty() && !past {
                section.series aria-labelledby="series-h" {
                    h2 #series-h { (lang.pick("Drugi razpisi tega ukrepa", "Other calls in this series")) }
                    ul {
                        @for call in v.series {
                            li {
                                @if let Some(year) = call.year() { (year) ": " }
                                a href=(href(&call.permalink(), lang)) { (call.title_in(lang)) }
                                " " (status_badge(call, call.status(v.today), lang))
                            }
                        }
                    }
                }
            }
            @if !past {
                (super::alert_forms::measure_forms(entry, lang, v.alerts, matches!(status, Status::Open | Status::Upcoming)))
            }
            @if !past { section.related aria-labelledby="related-h" {
                h2 #related-h { (lang.pick("Sorodni ukrepi", "Related measures")) }
                @if v.related.is_empty() {
                    p { (lang.pick("V priročniku ni podobnih ukrepov.", "The handbook has no similar measures.")) }
                } @else {
                    ul {
                        @for r in v.related {
                            li {
                                a href=(href(&r.permalink(), lang)) { (r.title_in(lang)) }
                                " " span.meta { "(" (labels(snapshot, Dimension::Municipality, &r.municipalities, lang)) " · " (labels(snapshot, Dimension::Type, &r.types, lang)) ")" }
                            }
                        }
                    }
                    p { a.compare-similar href=(compare_similar) { (lang.pick("Primerjaj s podobnimi ukrepi", "Compare with similar measures")) } }
                }
            } }
            section.cite aria-labelledby="cite-h" {
                h2 #cite-h { (lang.pick("Citiranje", "Cite")) }
                p { (lang.pick("Trajna povezava: ", "Permalink: ")) a href=(current_link) { (current_link) } }
                @if let Some(link) = &versioned {
                    p { (lang.pick("Povezava na to različico: ", "Link to this version: ")) a href=(link) { (link) } }
                }
                blockquote #citation lang="sl" { (super::citation::slovenian_at(entry, &permalink, cited)) }
                button.copy type="button" data-copy-target="citation" hidden { (lang.pick("Kopiraj citat", "Copy citation")) }
                h3 #bibtex-h { "BibTeX" }
                pre #bibtex aria-labelledby="bibtex-h" tabindex="0" { (super::citation::bibtex_at(entry, &permalink, cited)) }
                button.copy type="button" data-copy-target="bibtex" hidden { (lang.pick("Kopiraj BibTeX", "Copy BibTeX")) }
                " " span #copy-status role="status" {}
            }
        }
    };
    layout(
        &Frame {
            title: entry.title_in(lang),
            lang,
            quick_search: true,
            live: v.live,
            here: entry.permalink(),
            feed: None,
        },
        main,
    )
}

/// At most this many problems of each severity are listed on `/status`. A large handbook may
/// have a warning for most of its entries (every one not checked for a year): at 100,000
/// entries the page listing them all was 64 MB and took a third of a second to make. The
/// counts stay whole, warnings are counted by kind, and `handbook check` lists every problem.
pub const STATUS_LISTED: usize = 100;

/// How live reload is faring: whether edits are seen at once, by polling, or not at all, and
/// since when; when the files were last checked; a failure to apply them.
fn live_reload_state(report: &Report, lang: Lang) -> Markup {
    let time = |t: &chrono::DateTime<chrono::Local>| {
        html! { time datetime=(t.to_rfc3339()) { (t.format("%-d. %-m. %Y %H:%M:%S")) } }
    };
    html! {
        dt { (lang.pick("Sprotno osveževanje", "Live reload")) }
        dd #live-reload {
            @match &report.watch {
                Watch::Off => { (lang.pick("izklopljeno (spremembe se upoštevajo ob ponovnem zagonu)", "off (changes are read at the next start)")) }
                Watch::Events => { (lang.pick("deluje", "working")) }
                Watch::Polling { since, reason } => {
                    strong { (lang.pick("omejeno", "degraded")) }
                    (lang.pick(" od ", " since ")) (time(since)) ": " (reason)
                }
            }
            @if let Some(f) = &report.failing {
                br;
                strong { (lang.pick("Spremembe se ne uveljavijo", "Changes are not applied")) }
                (lang.pick(" od ", " since ")) (time(&f.since)) ": " (f.reason)
                (lang.pick("; strežnik poskuša znova (poskusov: ", "; the server keeps trying (attempts: ")) (f.attempts) ")."
                (lang.pick(" Do tedaj je v iskanju zadnja uveljavljena različica.", " Meanwhile the last applied version is searched."))
            }
        }
        @if let Some(at) = &report.last_checked {
            dt { (lang.pick("Zadnje uspešno preverjanje datotek", "Files last checked successfully")) }
            dd #last-checked { (time(at)) }
        }
    }
}

pub fn status_page(snapshot: &Snapshot, report: &Report, live: bool, lang: Lang) -> Markup {
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = snapshot
        .problems
        .iter()
        .map(|d| &**d)
        .partition(|d| d.is_error());
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &warnings {
        *kinds.entry(w.code).or_default() += 1;
    }
    let list = |items: &[&Diagnostic]| {
        let shown = &items[..items.len().min(STATUS_LISTED)];
        html! {
            ul.problems {
                @for d in shown {
                    li class={"problem " (d.severity)} {
                        code { (d.location_in(&snapshot.root)) } " "
                        strong { (d.severity) "[" (d.code) "]" } ": " (d.message)
                        @if let Some(h) = &d.help { br; span.help { (lang.pick("Kaj storiti: ", "What to do: ")) (h) } }
                    }
                }
            }
            @if items.len() > shown.len() {
                p.more {
                    (lang.pick("Prikazanih je prvih ", "The first "))
                    (shown.len())
                    (lang.pick(" od ", " of "))
                    (items.len())
                    (lang.pick(". Vse izpiše ", " are shown. "))
                    code { "handbook check" }
                    (lang.pick(".", " lists them all."))
                }
            }
        }
    };
    let main = html! {
        h1 { (lang.pick("Stanje priročnika", "State of the handbook")) }
        dl.fields {
            dt { (lang.pick("Ukrepov v iskanju", "Measures searchable")) } dd #entry-count { (snapshot.entries.len()) }
            dt { (lang.pick("Zadnja osvežitev", "Last reload")) } dd { time datetime=(snapshot.loaded_at.to_rfc3339()) { (snapshot.loaded_at.format("%-d. %-m. %Y %H:%M:%S")) } }
            (live_reload_state(report, lang))
            dt { (lang.pick("Napake", "Errors")) } dd #error-count { (errors.len()) }
            dt { (lang.pick("Opozorila", "Warnings")) } dd #warning-count { (warnings.len()) }
        }
        @if errors.is_empty() {
            p { (lang.pick("Vse datoteke so veljavne.", "Every file is valid.")) }
        } @else {
            h2 { (lang.pick("Datoteke z napakami", "Files with errors")) }
            p { (lang.pick("Neveljavne datoteke ostanejo v iskanju v zadnji veljavni različici, dokler jih urednik ne popravi.", "Invalid files stay searchable in their last valid version until an editor fixes them.")) }
            (list(&errors))
        }
        @if !warnings.is_empty() {
            h2 { (lang.pick("Opozorila", "Warnings")) }
            p { (lang.pick("Ti ukrepi so v iskanju, a jih je vredno pregledati.", "These measures are searchable but worth a look.")) }
            @if warnings.len() > STATUS_LISTED {
                ul.kinds {
                    @for (code, count) in &kinds {
                        li { code { (code) } ": " (count) }
                    }
                }
            }
            (list(&warnings))
        }
    };
    layout(
        &Frame {
            title: lang.pick("Stanje priročnika", "State of the handbook"),
            lang,
            quick_search: true,
            live,
            here: "/status".into(),
            feed: None,
        },
        main,
    )
}

pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let main = html! {
        h1 { (status.as_u16()) " – " (status.canonical_reason().unwrap_or("Napaka")) }
        p { (message) }
        p { a href="/" { "Na iskanje" } }
    };
    layout(
        &Frame {
            title: "Napaka",
            lang: Lang::Sl,
            quick_search: true,
            live: false,
            here: "/".into(),
            feed: None,
        },
        main,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_measures_left_out_for_their_amount_are_counted_in_the_right_number_form() {
        assert_eq!(
            unknown_amount_sl(2),
            "ukrepa brez navedenega zneska nista prikazana"
        );
        assert_eq!(
            unknown_amount_sl(103),
            "ukrepi brez navedenega zneska niso prikazani"
        );
        assert!(unknown_amount_sl(7).starts_with("ukrepov"));
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
}
