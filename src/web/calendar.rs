//! Calendars (RFC 5545): `GET /measures/{id}.ics`, the opening and closing of one call as
//! all-day events, the closing with a reminder a week before; and `GET /calendar.ics?<search>`,
//! the same for every dated measure of a search, to subscribe to in a calendar program. The
//! text is written by hand: a few properties, escaped and folded as the RFC says. Errors are
//! JSON, as the exports' and the feed's are: calendars are read by programs.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::error::{ApiError, AppError};
use super::{AppState, pages};
use crate::handbook::Entry;
use crate::search::params;
use crate::search::snapshot::Lookup;
use crate::search::{Facet, Snapshot};
use crate::text::lang::Lang;

/// At most this many measures in a search's calendar, as in its feed: a calendar of the whole
/// record of closed calls would be of no use to anyone.
pub const MAX_CALENDAR_ENTRIES: usize = 1000;

/// Days before a call closes that its event's alarm goes off.
pub const ALARM_DAYS: u32 = 7;

const CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// `GET /measures/{id}`: the page, or with `.ics` at the end the measure's calendar (ids have
/// no dots, and the router has no routes that end in a suffix).
pub async fn measure_or_calendar(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let calendar_of = match &id {
        Ok(Path(path)) => path.strip_suffix(".ics").map(str::to_string),
        Err(_) => None,
    };
    match calendar_of {
        Some(id) => measure(&state, &id, raw.as_deref()).into_response(),
        None => pages::measure(State(state), id, RawQuery(raw))
            .await
            .into_response(),
    }
}

fn measure(state: &AppState, id: &str, raw: Option<&str>) -> Result<Response, ApiError> {
    let lang = params::lang_of(raw);
    let snapshot = state.snapshots.get();
    match snapshot.lookup(id) {
        // A standing measure has no dates, and a calendar without an event is not one (RFC
        // 5545 wants a component); its page offers no calendar either.
        Lookup::Found(entry) if entry.open_from.is_none() && entry.open_until.is_none() => {
            Err(AppError::NotFound(format!(
                "the measure `{id}` has no dates to put in a calendar: it is a standing measure"
            ))
            .into())
        }
        Lookup::Found(entry) => {
            let body = calendar(
                entry.title_in(lang),
                &[entry.as_ref()],
                &snapshot,
                &state.config.base_url,
                lang,
            );
            Ok((
                [
                    (header::CONTENT_TYPE, CONTENT_TYPE.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("inline; filename=\"{}.ics\"", entry.id),
                    ),
                ],
                body,
            )
                .into_response())
        }
        Lookup::Moved(current) => Ok(super::moved_permanently(&super::views::href(
            &format!("/measures/{current}.ics"),
            lang,
        ))),
        Lookup::Missing => Err(AppError::NotFound(format!("there is no measure `{id}`")).into()),
    }
}

/// `GET /calendar.ics?<search parameters>`.
pub async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let body = super::with_all_results(&state, raw, |query, results, snapshot, config| {
        let entries: Vec<&Entry> = results
            .hits
            .iter()
            .map(|h| h.entry.as_ref())
            .filter(|e| e.open_from.is_some() || e.open_until.is_some())
            .take(MAX_CALENDAR_ENTRIES)
            .collect();
        let name = if query.text.is_empty() {
            super::views::site(query.lang).to_string()
        } else {
            format!("{} – {}", query.text, super::views::site(query.lang))
        };
        calendar(&name, &entries, snapshot, &config.base_url, query.lang)
    })
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"calendar.ics\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// A VCALENDAR of the calls of `entries`: for each, an all-day event on the day it opens and
/// one on the day it closes, the latter with an alarm `ALARM_DAYS` before.
pub fn calendar(
    name: &str,
    entries: &[&Entry],
    snapshot: &Snapshot,
    base_url: &str,
    lang: Lang,
) -> String {
    let host = crate::alerts::send::host(base_url);
    let mut out = String::new();
    let mut line = |text: &str| fold(&mut out, text);
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//handbook//Prirocnik ukrepov za podjetnistvo//SL");
    line("CALSCALE:GREGORIAN");
    line(&format!("X-WR-CALNAME:{}", escape(name)));
    for entry in entries {
        let title = entry.title_in(lang);
        let permalink = super::views::href(&format!("{base_url}{}", entry.permalink()), lang);
        let place = entry
            .municipalities
            .iter()
            .map(|m| snapshot.label_in(Facet::Municipality, m, lang))
            .collect::<Vec<_>>()
            .join(", ");
        let description = format!("{}\n{permalink}", entry.summary_in(lang));
        let stamp = format!("DTSTAMP:{}T000000Z", ics_date(entry.updated));
        let events = [
            (
                entry.open_from,
                "opens",
                lang.pick("Odpre se: ", "Opens: "),
                false,
            ),
            (
                entry.open_until,
                "closes",
                lang.pick("Rok: ", "Deadline: "),
                true,
            ),
        ];
        for (day, kind, prefix, alarm) in events {
            let Some(day) = day else { continue };
            line("BEGIN:VEVENT");
            line(&format!("UID:{}-{kind}@{host}", entry.id));
            line(&stamp);
            line(&format!("DTSTART;VALUE=DATE:{}", ics_date(day)));
            line(&format!(
                "DTEND;VALUE=DATE:{}",
                ics_date(day.succ_opt().unwrap_or(day))
            ));
            line(&format!("SUMMARY:{}", escape(&format!("{prefix}{title}"))));
            line(&format!("DESCRIPTION:{}", escape(&description)));
            if !place.is_empty() {
                line(&format!("LOCATION:{}", escape(&place)));
            }
            line(&format!("URL:{permalink}"));
            line("TRANSP:TRANSPARENT");
            if alarm {
                line("BEGIN:VALARM");
                line("ACTION:DISPLAY");
                line(&format!(
                    "DESCRIPTION:{}",
                    escape(&match lang {
                        Lang::Sl => format!("Čez {ALARM_DAYS} dni se zaključi: {title}"),
                        Lang::En => format!("Closes in {ALARM_DAYS} days: {title}"),
                    })
                ));
                line(&format!("TRIGGER:-P{ALARM_DAYS}D"));
                line("END:VALARM");
            }
            line("END:VEVENT");
        }
    }
    line("END:VCALENDAR");
    out
}

fn ics_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// TEXT values (RFC 5545, 3.3.11): backslash, semicolon, comma and newline escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545, 3.1): at most 75 octets a line, continued on lines
/// that begin with a space, never inside a character; CRLF at each end.
fn fold(out: &mut String, line: &str) {
    const MAX: usize = 75;
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > MAX {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_folded_at_75_octets_between_characters() {
        let mut out = String::new();
        fold(&mut out, &format!("SUMMARY:{}", "č".repeat(60)));
        for physical in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "č".repeat(60)));
    }

    #[test]
    fn text_values_escape_the_characters_of_the_syntax() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
