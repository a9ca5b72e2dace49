//! `/feed.atom`: the measures a search finds, newest `updated` first, as an Atom 1.0 feed
//! (RFC 4287), so anyone can follow "new rent subsidies in Podravska" in a feed reader without
//! an account. It takes the parameters of `/api/search`; each entry's id is its permalink,
//! which never changes, so readers do not show a measure twice.

use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::{AppState, WebConfig, views};
use crate::handbook::entry::Entry;
use crate::handbook::vocabulary::Dimension;
use crate::search::params;
use crate::search::{Results, SearchQuery, Snapshot};
use crate::text::lang::Lang;

/// Most entries in one feed. A reader polls the feed again and again; the newest are what it
/// needs, and a whole handbook of thousands is what `/export.json` is for.
pub const MAX_FEED_ENTRIES: usize = 1000;

pub async fn atom(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let body = super::with_all_results(&state, raw, render).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}

/// The feed document.
pub fn render(
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
    config: &WebConfig,
) -> String {
    let lang = query.lang;
    let base = &config.base_url;
    let mut entries: Vec<&Entry> = results.hits.iter().map(|h| &*h.entry).collect();
    entries.sort_by(|a, b| b.updated.cmp(&a.updated).then_with(|| a.id.cmp(&b.id)));
    entries.truncate(MAX_FEED_ENTRIES);
    let qs = params::to_query_string(query, 1);
    let with = |path: &str| {
        if qs.is_empty() {
            format!("{base}{path}")
        } else {
            format!("{base}{path}?{qs}")
        }
    };
    let self_link = with("/feed.atom");
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .map_or_else(|| snapshot.loaded_at.to_utc().to_rfc3339(), timestamp);
    let mut title = views::site(lang).to_string();
    if !query.text.is_empty() {
        title.push_str(": ");
        title.push_str(&query.text);
    }
    let mut selected: Vec<String> = query
        .filters
        .iter()
        .flat_map(|(facet, keys)| keys.iter().map(|k| snapshot.label_in(*facet, k, lang)))
        .collect();
    if let Some(m) = &query.applies_in {
        let place = snapshot.label_in(crate::search::Facet::Municipality, m, lang);
        selected.push(match lang {
            crate::text::lang::Lang::Sl => format!("{place} in državni ukrepi"),
            crate::text::lang::Lang::En => format!("{place} and national measures"),
        });
    }
    if let Some(n) = query.min_amount {
        selected.push(format!("≥ {n} EUR"));
    }
    if let Some(n) = query.closing {
        selected.push(match lang {
            crate::text::lang::Lang::Sl => format!("rok v {n} dneh"),
            crate::text::lang::Lang::En => format!("closing within {n} days"),
        });
    }
    if !selected.is_empty() {
        title.push_str(" (");
        title.push_str(&selected.join(", "));
        title.push(')');
    }
    let mut out = String::with_capacity(1024 + entries.len() * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        lang.key()
    ));
    push_text(&mut out, "title", &title);
    push_text(
        &mut out,
        "subtitle",
        lang.pick(
            "Ukrepi za podjetništvo v mestnih središčih, ki ustrezajo iskanju; najprej zadnji preverjeni.",
            "Measures for entrepreneurship in town centres that match the search, most recently checked first.",
        ),
    );
    push_text(&mut out, "id", &self_link);
    push_link(&mut out, "self", "application/atom+xml", &self_link);
    push_link(&mut out, "alternate", "text/html", &with("/"));
    push_text(&mut out, "updated", &updated);
    push_author(&mut out, lang);
    for e in entries {
        let permalink = format!("{base}{}", e.permalink());
        out.push_str(" <entry>\n");
        push_text(&mut out, "title", e.title_in(lang));
        push_text(&mut out, "id", &permalink);
        push_link(
            &mut out,
            "alternate",
            "text/html",
            &views::href(&permalink, lang),
        );
        push_text(&mut out, "updated", &timestamp(e.updated));
        out.push_str("  <author>\n  ");
        push_text(&mut out, "name", &e.provider);
        out.push_str("  </author>\n");
        for (dimension, keys) in [
            (Dimension::Type, &e.types),
            (Dimension::Municipality, &e.municipalities),
        ] {
            for key in keys {
                out.push_str(&format!(
                    "  <category scheme=\"{}/vocabulary/{}\" term=\"{}\" label=\"{}\"/>\n",
                    escape(base),
                    dimension.name(),
                    escape(key),
                    escape(snapshot.vocabulary.label_in(dimension, key, lang)),
                ));
            }
        }
        push_text(&mut out, "summary", &summary(e, lang));
        out.push_str(" </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The summary with the deadline, which is what a follower of new calls needs to know first.
fn summary(e: &Entry, lang: Lang) -> String {
    let mut s = e.summary_in(lang).to_string();
    if let Some(until) = e.open_until {
        s.push_str(&format!(
            " {}{}.",
            lang.pick("Rok: ", "Deadline: "),
            crate::text::format::date_in(until, lang)
        ));
    }
    s
}

/// An Atom date: the day an entry was checked, at midnight UTC.
fn timestamp(d: chrono::NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

/// The feed's author, the programme, and its generator: the same in every feed of the site.
pub(super) fn push_author(out: &mut String, lang: Lang) {
    out.push_str("  <author>\n  ");
    push_text(
        out,
        "name",
        lang.pick(
            "Skupni program upravljanja mestnih središč",
            "Joint town centre management programme",
        ),
    );
    out.push_str("  </author>\n");
    push_text(out, "generator", "handbook");
}

pub(super) fn push_text(out: &mut String, element: &str, text: &str) {
    out.push_str(&format!("  <{element}>{}</{element}>\n", escape(text)));
}

pub(super) fn push_link(out: &mut String, rel: &str, kind: &str, href: &str) {
    out.push_str(&format!(
        "  <link rel=\"{rel}\" type=\"{kind}\" href=\"{}\"/>\n",
        escape(href)
    ));
}

/// Text safe in XML content and attributes. Characters XML 1.0 does not allow at all (most
/// control characters) are dropped: a feed reader rejects the whole feed for one of them.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_cannot_break_the_xml() {
        assert_eq!(escape("a<b>&\"c'\u{1}d"), "a&lt;b&gt;&amp;&quot;c&apos;d");
    }
}
