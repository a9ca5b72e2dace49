//! The query string of `/`, `/api/search` and friends, parsed by hand so that every mistake
//! gets a clear 400 and nothing else can go wrong: repeated keys are facet values, unknown keys
//! are ignored (trackers add them), empty values are skipped, and a text of more words than a
//! search looks up is refused before any of them is.

use std::collections::BTreeMap;

use crate::search::query;
use crate::search::request::{
    DEFAULT_PER_PAGE, MAX_CLOSING_DAYS, MAX_FILTER_VALUES, MAX_MIN_AMOUNT, MAX_PAGE, MAX_PER_PAGE,
    MAX_QUERY_BYTES, MAX_QUERY_WORDS, NATIONAL,
};
use crate::search::{Facet, SearchQuery, Sort};
use crate::text::lang::Lang;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParamError(pub String);

/// Parses a raw query string (without `?`).
pub fn parse_search(raw: Option<&str>) -> Result<SearchQuery, ParamError> {
    let mut q = SearchQuery::default();
    let mut filters: BTreeMap<Facet, Vec<String>> = BTreeMap::new();
    let mut seen_q = false;
    // The search page's "include national measures" box (`national=1`): with one
    // municipality ticked, it becomes `applies_in` of that municipality.
    let mut national = false;
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.trim();
        match key.as_ref() {
            "q" => {
                if value.len() > MAX_QUERY_BYTES {
                    return Err(ParamError(format!(
                        "the search text is too long (at most {MAX_QUERY_BYTES} bytes)"
                    )));
                }
                if seen_q && !value.is_empty() && !q.text.is_empty() {
                    q.text.push(' ');
                }
                q.text.push_str(value);
                if q.text.len() > MAX_QUERY_BYTES {
                    return Err(ParamError(format!(
                        "the search text is too long (at most {MAX_QUERY_BYTES} bytes)"
                    )));
                }
                seen_q = true;
            }
            "sort" if !value.is_empty() => {
                q.sort = Sort::from_key(value).ok_or_else(|| {
                    ParamError(format!(
                        "unknown sort `{}`; use one of: {}",
                        shorten(value),
                        Sort::ALL.map(Sort::key).join(", ")
                    ))
                })?;
            }
            // An unknown language falls back to Slovenian rather than failing: a link shared
            // from a future version should still open.
            "lang" => q.lang = Lang::from_key(value).unwrap_or_default(),
            "page" if !value.is_empty() => {
                q.page = number(value, "page", 1, MAX_PAGE)?;
            }
            "per_page" if !value.is_empty() => {
                q.per_page = number(value, "per_page", 1, MAX_PER_PAGE)?;
            }
            "applies_in" if !value.is_empty() => {
                if !is_key(value) {
                    return Err(ParamError(format!(
                        "`applies_in` must be a municipality key such as `kranj` or `novo-mesto` \
                         (lowercase letters, digits and hyphens), not `{}`",
                        shorten(value)
                    )));
                }
                match &q.applies_in {
                    Some(m) if m != value => {
                        return Err(ParamError(
                            "`applies_in` takes one municipality; to ask for several, repeat \
                             `municipality` instead"
                                .into(),
                        ));
                    }
                    _ => q.applies_in = Some(value.to_string()),
                }
            }
            "min_amount" if !value.is_empty() => {
                let max = usize::try_from(MAX_MIN_AMOUNT).unwrap_or(usize::MAX);
                q.min_amount = Some(number(value, "min_amount", 0, max)? as u64);
            }
            "closing" if !value.is_empty() => {
                let max = MAX_CLOSING_DAYS as usize;
                q.closing = Some(u32::try_from(number(value, "closing", 1, max)?).unwrap_or(1));
            }
            "national" => {
                national = match value {
                    "1" | "on" | "true" => true,
                    "" | "0" | "off" | "false" => false,
                    _ => {
                        return Err(ParamError(format!(
                            "`national` is 1 or 0, not `{}`",
                            shorten(value)
                        )));
                    }
                };
            }
            name => {
                let Some(facet) = Facet::from_name(name) else {
                    continue;
                };
                if value.is_empty() {
                    continue;
                }
                let values = filters.entry(facet).or_default();
                if values.len() >= MAX_FILTER_VALUES {
                    return Err(ParamError(format!(
                        "too many `{name}` values (at most {MAX_FILTER_VALUES})"
                    )));
                }
                if value.len() > 200 {
                    return Err(ParamError(format!("a `{name}` value is too long")));
                }
                if !values.iter().any(|v| v == value) {
                    values.push(value.to_string());
                }
            }
        }
    }
    let words = query::word_count(&q.text);
    if words > MAX_QUERY_WORDS {
        return Err(ParamError(format!(
            "the search has too many words ({words}; at most {MAX_QUERY_WORDS} are searched); \
             leave out the ones that say least"
        )));
    }
    // One municipality ticked with "include national measures": the same as `applies_in`.
    if national && q.applies_in.is_none() {
        let ticked = filters
            .get(&Facet::Municipality)
            .cloned()
            .unwrap_or_default();
        let local: Vec<&String> = ticked.iter().filter(|m| *m != NATIONAL).collect();
        if let [only] = local[..] {
            q.applies_in = Some(only.clone());
            filters.remove(&Facet::Municipality);
        }
    }
    q.filters = filters;
    if q.per_page == 0 {
        q.per_page = DEFAULT_PER_PAGE;
    }
    Ok(q)
}

/// The language asked for in a query string (`lang=en`), for pages without a search.
pub fn lang_of(raw: Option<&str>) -> Lang {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "lang")
        .filter_map(|(_, v)| Lang::from_key(v.trim()))
        .last()
        .unwrap_or_default()
}

fn number(value: &str, name: &str, min: usize, max: usize) -> Result<usize, ParamError> {
    match value.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ParamError(format!(
            "`{name}` must be a whole number from {min} to {max}, not `{}`",
            shorten(value)
        ))),
    }
}

/// A vocabulary key as `vocabulary.toml` allows them: lowercase ascii letters, digits and
/// hyphens.
fn is_key(value: &str) -> bool {
    value.len() <= 100
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Echoing user input in an error is useful, echoing a megabyte of it is not.
fn shorten(value: &str) -> String {
    match value.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_string(),
    }
}

/// The query string that reproduces `q`, optionally on another page; for links and sharing.
pub fn to_query_string(q: &SearchQuery, page: usize) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.text.is_empty() {
        s.append_pair("q", &q.text);
    }
    for (facet, values) in &q.filters {
        for v in values {
            s.append_pair(facet.name(), v);
        }
    }
    if let Some(m) = &q.applies_in {
        s.append_pair("applies_in", m);
    }
    if let Some(n) = q.min_amount {
        s.append_pair("min_amount", &n.to_string());
    }
    if let Some(n) = q.closing {
        s.append_pair("closing", &n.to_string());
    }
    if q.sort != Sort::Relevance {
        s.append_pair("sort", q.sort.key());
    }
    if page > 1 {
        s.append_pair("page", &page.to_string());
    }
    if q.per_page != DEFAULT_PER_PAGE {
        s.append_pair("per_page", &q.per_page.to_string());
    }
    if q.lang != Lang::Sl {
        s.append_pair("lang", q.lang.key());
    }
    s.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_or_ed_values_of_one_facet() {
        let q = parse_search(Some(
            "q=najem&municipality=kranj&municipality=koper&type=x&utm_source=news",
        ))
        .unwrap();
        assert_eq!(q.text, "najem");
        assert_eq!(q.selected(Facet::Municipality), ["kranj", "koper"]);
        assert_eq!(q.selected(Facet::Type), ["x"]);
    }

    #[test]
    fn bad_numbers_and_sorts_are_refused_with_a_message() {
        for raw in [
            "page=0",
            "page=abc",
            "per_page=101",
            "per_page=-1",
            "sort=price",
            "page=99999999999999999999",
        ] {
            let err = parse_search(Some(raw)).unwrap_err();
            assert!(!err.0.is_empty(), "{raw}");
        }
        assert_eq!(
            parse_search(Some("page=3&per_page=100")).unwrap().per_page,
            100
        );
    }

    #[test]
    fn an_overlong_query_is_refused() {
        let raw = format!("q={}", "a".repeat(MAX_QUERY_BYTES + 1));
        assert!(parse_search(Some(&raw)).is_err());
        let raw = format!("q={}", "a".repeat(MAX_QUERY_BYTES));
        assert!(parse_search(Some(&raw)).is_ok());
    }

    #[test]
    fn a_search_of_more_words_than_are_looked_up_is_refused_but_stop_words_do_not_count() {
        let words = |n: usize| {
            (0..n)
                .map(|i| format!("beseda{i}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let raw = format!("q={}", words(MAX_QUERY_WORDS));
        assert!(parse_search(Some(&raw)).is_ok());
        let raw = format!("q={}+in+za+v+na+pri+da", words(MAX_QUERY_WORDS));
        assert!(parse_search(Some(&raw)).is_ok(), "stop words are dropped");
        let raw = format!("q={}", words(MAX_QUERY_WORDS + 1));
        let err = parse_search(Some(&raw)).unwrap_err();
        assert!(err.0.contains("too many words"), "{}", err.0);
        assert!(err.0.contains(&MAX_QUERY_WORDS.to_string()), "{}", err.0);
        // The words of a quoted phrase are looked up one by one too.
        let raw = format!("q=%22{}%22+ena+dva", words(MAX_QUERY_WORDS - 1));
        assert!(parse_search(Some(&raw)).is_err());
    }

    #[test]
    fn invalid_utf8_and_empty_values_do_not_break_parsing() {
        let q = parse_search(Some("q=%FF%FEnajem&municipality=&status=open")).unwrap();
        assert!(q.text.ends_with("najem"));
        assert!(q.selected(Facet::Municipality).is_empty());
        assert_eq!(q.selected(Facet::Status), ["open"]);
    }

    #[test]
    fn the_language_is_read_and_kept_and_an_unknown_one_is_slovenian() {
        assert_eq!(parse_search(Some("lang=en")).unwrap().lang, Lang::En);
        assert_eq!(parse_search(Some("lang=xx")).unwrap().lang, Lang::Sl);
        let q = parse_search(Some("q=rent&lang=en")).unwrap();
        assert!(to_query_string(&q, 1).contains("lang=en"));
        assert!(!to_query_string(&SearchQuery::default(), 1).contains("lang"));
    }

    #[test]
    fn applies_in_amounts_and_closing_are_read_and_bad_values_refused() {
        let q = parse_search(Some("applies_in=novo-mesto&min_amount=5000&closing=30")).unwrap();
        assert_eq!(q.applies_in.as_deref(), Some("novo-mesto"));
        assert_eq!(q.min_amount, Some(5000));
        assert_eq!(q.closing, Some(30));
        assert_eq!(q.wanted(Facet::Municipality), ["novo-mesto", "slovenija"]);
        assert_eq!(
            parse_search(Some("min_amount=0")).unwrap().min_amount,
            Some(0)
        );
        for raw in [
            "applies_in=Kranj",
            "applies_in=kranj%20x",
            "applies_in=kranj&applies_in=koper",
            "min_amount=-1",
            "min_amount=1.5",
            "min_amount=abc",
            "min_amount=99999999999999999999",
            "closing=0",
            "closing=3651",
            "closing=x",
            "national=maybe",
        ] {
            let err = parse_search(Some(raw)).unwrap_err();
            assert!(!err.0.is_empty(), "{raw}");
        }
        assert!(parse_search(Some("applies_in=&min_amount=&closing=")).is_ok());
    }

    #[test]
    fn one_municipality_with_national_ticked_becomes_applies_in() {
        let q = parse_search(Some("municipality=kranj&national=1")).unwrap();
        assert_eq!(q.applies_in.as_deref(), Some("kranj"));
        assert!(q.selected(Facet::Municipality).is_empty());
        let q = parse_search(Some("municipality=kranj&municipality=slovenija&national=1")).unwrap();
        assert_eq!(q.applies_in.as_deref(), Some("kranj"));
        let two = parse_search(Some("municipality=kranj&municipality=koper&national=1")).unwrap();
        assert_eq!(two.applies_in, None);
        assert_eq!(two.selected(Facet::Municipality), ["kranj", "koper"]);
        let off = parse_search(Some("municipality=kranj")).unwrap();
        assert_eq!(off.applies_in, None);
    }

    #[test]
    fn the_query_string_round_trips() {
        let raw = "q=mestno+jedro&municipality=kranj&status=open&sort=deadline&page=2&lang=en\
                   &applies_in=ptuj&min_amount=1000&closing=30";
        let q = parse_search(Some(raw)).unwrap();
        assert_eq!(parse_search(Some(&to_query_string(&q, 2))).unwrap(), q);
    }
}
