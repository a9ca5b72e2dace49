//! The small alert forms of the search and measure pages, as pure views: an e-mail field and
//! daily or weekly for a search, and a reminder a chosen number of days before a measure
//! closes (`search=id=<id>` with `remind_days`). Without an SMTP server they say the service is
//! not available. The routes they post to are in `alerts`.

use maud::{Markup, html};

use crate::handbook::Entry;
use crate::search::SearchQuery;
use crate::search::params;
use crate::text::lang::Lang;

pub fn unavailable_text(lang: Lang) -> &'static str {
    lang.pick(
        "Obveščanje po e-pošti na tem strežniku ni nastavljeno (ni poštnega strežnika).",
        "E-mail alerts are not configured on this server (there is no mail server).",
    )
}

/// The small form of the search page: alerts of this search, daily or weekly.
pub fn search_form(query: &SearchQuery, enabled: bool) -> Markup {
    let lang = query.lang;
    let search = params::to_query_string(query, 1);
    html! {
        section.alerts aria-labelledby="alerts-title" {
            h2 #alerts-title { (lang.pick("Obvestila po e-pošti", "E-mail alerts")) }
            @if enabled {
                form.alerts method="post" action="/alerts" {
                    input type="hidden" name="search" value=(search);
                    label for="alert-email" { (lang.pick("Pošlji nove ukrepe tega iskanja na", "Send new measures of this search to")) }
                    " " input #alert-email type="email" name="email" required autocomplete="email" placeholder="ime@podjetje.si";
                    " " label for="alert-frequency" class="visually-hidden" { (lang.pick("Kako pogosto", "How often")) }
                    select #alert-frequency name="frequency" {
                        option value="daily" { (lang.pick("vsak dan", "daily")) }
                        option value="weekly" selected { (lang.pick("vsak teden", "weekly")) }
                    }
                    " " button type="submit" { (lang.pick("Naroči", "Subscribe")) }
                }
            } @else {
                p.unavailable { (unavailable_text(lang)) }
            }
        }
    }
}

/// The forms of a measure page: a reminder before it closes (when it has a closing date), and
/// alerts of new measures of its kind in its municipalities.
pub fn measure_forms(entry: &Entry, lang: Lang, enabled: bool, open: bool) -> Markup {
    let mut like = form_urlencoded::Serializer::new(String::new());
    for m in &entry.municipalities {
        like.append_pair("municipality", m);
    }
    for t in &entry.types {
        like.append_pair("type", t);
    }
    if lang == Lang::En {
        like.append_pair("lang", "en");
    }
    let like = like.finish();
    let id_search = if lang == Lang::En {
        format!("id={}&lang=en", entry.id)
    } else {
        format!("id={}", entry.id)
    };
    html! {
        section.alerts aria-labelledby="alerts-title" {
            h2 #alerts-title { (lang.pick("Obvestila po e-pošti", "E-mail alerts")) }
            @if !enabled {
                p.unavailable { (unavailable_text(lang)) }
            } @else {
                @if open && entry.open_until.is_some() {
                    form.alerts method="post" action="/alerts" {
                        input type="hidden" name="search" value=(id_search);
                        input type="hidden" name="frequency" value="daily";
                        label for="remind-email" { (lang.pick("Opomni me na rok na", "Remind me of the deadline at")) }
                        " " input #remind-email type="email" name="email" required autocomplete="email" placeholder="ime@podjetje.si";
                        " " label for="remind-days" { (lang.pick("dni prej", "days before")) }
                        " " select #remind-days name="remind_days" {
                            @for d in [1, 3, 7, 14, 30] {
                                option value=(d) selected[d == 7] { (d) }
                            }
                        }
                        " " button type="submit" { (lang.pick("Opomni me", "Remind me")) }
                    }
                }
                form.alerts method="post" action="/alerts" {
                    input type="hidden" name="search" value=(like);
                    label for="like-email" { (lang.pick("Novi ukrepi te vrste v tej občini na", "New measures of this kind in this municipality to")) }
                    " " input #like-email type="email" name="email" required autocomplete="email" placeholder="ime@podjetje.si";
                    " " label for="like-frequency" class="visually-hidden" { (lang.pick("Kako pogosto", "How often")) }
                    select #like-frequency name="frequency" {
                        option value="daily" { (lang.pick("vsak dan", "daily")) }
                        option value="weekly" selected { (lang.pick("vsak teden", "weekly")) }
                    }
                    " " button type="submit" { (lang.pick("Naroči", "Subscribe")) }
                }
            }
        }
    }
}
