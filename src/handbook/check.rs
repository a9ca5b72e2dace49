//! Reading one entry file and checking it: every field against the schema (`FIELDS`), keys
//! against the vocabulary, dates, amounts and addresses, with each problem placed at its line
//! and column; and the warnings about a valid entry that an editor should look at.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use toml::Spanned;
use toml::de::DeTable;

use crate::handbook::diagnostic::{Diagnostic, did_you_mean};
use crate::handbook::entry::Entry;
use crate::handbook::id::{is_valid_id, suggest_id};
use crate::handbook::toml_reader::{self, Reader};
use crate::handbook::vocabulary::{Dimension, Vocabulary};
use crate::text::analysis;

/// Every field an entry may have, in the order the editors' guide lists them.
pub const FIELDS: [&str; 25] = [
    "title",
    "summary",
    "title_en",
    "summary_en",
    "municipalities",
    "types",
    "sources",
    "beneficiaries",
    "keywords",
    "provider",
    "updated",
    "url",
    "open_from",
    "open_until",
    "until_funds_run_out",
    "closed",
    "last_confirmed",
    "series",
    "budget_eur",
    "max_amount_eur",
    "cofinancing_percent",
    "legal_basis",
    "gazette",
    "aliases",
    "body",
];

/// The largest amount in euro we accept; anything above is a typo (an extra zero or two).
const MAX_EUR: i64 = 100_000_000_000;

/// Reads and checks one entry. `today` is used to refuse `updated` dates in the future.
pub fn parse(
    file: &Path,
    id: &str,
    source: &str,
    vocabulary: &Vocabulary,
    today: NaiveDate,
) -> Result<Entry, Vec<Diagnostic>> {
    // The source is parsed as written, so that lines and columns are the editor's; strings
    // are composed (NFC) as they are read. Composing the whole source first would move columns
    // and could even break an escape: "\u004E" followed by a combining acute becomes "\u004É".
    let doc = toml_reader::parse(file, source)?;
    check(file, id, source, doc.get_ref(), vocabulary, today)
}

/// `parse`, and the `warnings` about the entry, from one parse of its TOML (parsing is most
/// of what reading a handbook costs).
pub fn parse_with_warnings(
    file: &Path,
    id: &str,
    source: &str,
    vocabulary: &Vocabulary,
    today: NaiveDate,
) -> Result<(Entry, Vec<Diagnostic>), Vec<Diagnostic>> {
    let doc = toml_reader::parse(file, source)?;
    let entry = check(file, id, source, doc.get_ref(), vocabulary, today)?;
    let warnings = warnings_at(file, source, doc.get_ref(), &entry, today);
    Ok((entry, warnings))
}

/// Checks a parsed entry against the schema and the vocabulary.
fn check(
    file: &Path,
    id: &str,
    source: &str,
    t: &DeTable<'_>,
    vocabulary: &Vocabulary,
    today: NaiveDate,
) -> Result<Entry, Vec<Diagnostic>> {
    let mut r = Reader::new(file, source);
    check_id(&mut r, file, id);
    r.check_keys(t, &FIELDS, "in a measure");

    let start = 0..0;
    let required_string = |r: &mut Reader<'_>, key: &str, example: &str| {
        let v = r.string(t, key);
        if v.is_none() && !t.contains_key(key) {
            r.missing(start.clone(), key, example);
        }
        v.map(|s| s.into_inner().trim().to_string())
    };
    let title = required_string(
        &mut r,
        "title",
        "\"Subvencije najemnin v starem mestnem jedru\"",
    );
    let summary = required_string(
        &mut r,
        "summary",
        "\"Kratek opis ukrepa v enem ali dveh stavkih.\"",
    );
    let provider = required_string(&mut r, "provider", "\"Mestna občina Kranj\"");
    let title_en = r
        .string(t, "title_en")
        .map(|s| s.into_inner().trim().to_string());
    let summary_en = r
        .string(t, "summary_en")
        .map(|s| s.into_inner().trim().to_string());

    let municipalities = keys(
        &mut r,
        t,
        "municipalities",
        Dimension::Municipality,
        vocabulary,
        true,
    );
    let types = keys(&mut r, t, "types", Dimension::Type, vocabulary, true);
    let sources = keys(&mut r, t, "sources", Dimension::Source, vocabulary, true);
    let beneficiaries = keys(
        &mut r,
        t,
        "beneficiaries",
        Dimension::Beneficiary,
        vocabulary,
        false,
    );

    let keywords = keywords(&mut r, t);
    let updated = updated(&mut r, t, today);

    let url = r.string(t, "url").and_then(|u| check_url(&mut r, u));
    let (open_from, open_until) = call_dates(&mut r, t);
    let until_funds_run_out = r
        .boolean(t, "until_funds_run_out")
        .is_some_and(|b| b.into_inner());
    let closed = r.boolean(t, "closed").is_some_and(|b| b.into_inner());
    let last_confirmed = r
        .integer(
            t,
            "last_confirmed",
            1900..i64::from(today.year()) + 1,
            "years",
        )
        .and_then(|y| i32::try_from(y.into_inner()).ok());
    let series = series(&mut r, t);
    let budget_eur = r
        .integer(t, "budget_eur", 0..MAX_EUR, "euro")
        .map(Spanned::into_inner);
    let max_amount_eur = r
        .integer(t, "max_amount_eur", 0..MAX_EUR, "euro")
        .map(Spanned::into_inner);
    let cofinancing_percent = r
        .integer(t, "cofinancing_percent", 0..101, "percent")
        .map(Spanned::into_inner);
    let legal_basis = r
        .string_list(t, "legal_basis")
        .map(|l| strings(l.into_inner()))
        .unwrap_or_default();
    let gazette = r
        .string(t, "gazette")
        .map(|g| g.into_inner().trim().to_string());
    let body = r.string(t, "body").map(Spanned::into_inner);
    let aliases = aliases(&mut r, t, id);

    if !r.has_problems() {
        let mut entry = Entry {
            digest: 0,
            sort_key: String::new(),
            id: id.to_string(),
            title: title.expect("checked"),
            summary: summary.expect("checked"),
            title_en,
            summary_en,
            municipalities,
            types,
            sources,
            beneficiaries,
            keywords,
            provider: provider.expect("checked"),
            updated: updated.expect("checked").into_inner(),
            url,
            open_from: open_from.map(Spanned::into_inner),
            open_until: open_until.map(Spanned::into_inner),
            until_funds_run_out,
            closed,
            last_confirmed,
            series,
            budget_eur,
            max_amount_eur,
            cofinancing_percent,
            legal_basis,
            gazette,
            aliases,
            body,
        };
        entry.digest = crate::handbook::digest::Digest::default()
            .eat(serde_json::to_string(&entry).unwrap_or_default().as_bytes())
            .value();
        entry.sort_key = analysis::fold(&entry.title);
        Ok(entry)
    } else {
        Err(r.finish())
    }
}

/// The file name is the id: it must be one.
fn check_id(r: &mut Reader<'_>, file: &Path, id: &str) {
    if !is_valid_id(id) {
        r.diagnostics.push(
            Diagnostic::file(
                file,
                "invalid-id",
                format!("`{id}` is not a valid id (the file name is the id)"),
            )
            .with_help(format!(
                "rename the file to `{}.toml`: lowercase ascii letters, digits and single hyphens",
                suggest_id(id)
            )),
        );
    }
}

/// `updated`: required, and not after `today`.
fn updated(r: &mut Reader<'_>, t: &DeTable<'_>, today: NaiveDate) -> Option<Spanned<NaiveDate>> {
    let updated = r.date(t, "updated");
    if updated.is_none() && !t.contains_key("updated") {
        r.missing(0..0, "updated", &today.to_string());
    }
    if let Some(u) = &updated
        && *u.get_ref() > today
    {
        r.error(
            u.span(),
            "updated-in-future",
            format!("`updated` is {}, which is in the future", u.get_ref()),
        )
        .help = Some(
            format!(
                "`updated` is the day an editor last checked the entry; use today's date, {today}"
            )
            .into(),
        );
    }
    updated
}

/// `open_from` and `open_until`, the second not before the first.
fn call_dates(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
) -> (Option<Spanned<NaiveDate>>, Option<Spanned<NaiveDate>>) {
    let open_from = r.date(t, "open_from");
    let open_until = r.date(t, "open_until");
    if let (Some(from), Some(until)) = (&open_from, &open_until)
        && until.get_ref() < from.get_ref()
    {
        r.error(
            until.span(),
            "dates-reversed",
            format!(
                "`open_until` ({}) is before `open_from` ({})",
                until.get_ref(),
                from.get_ref()
            ),
        )
        .help = Some("swap the two dates, or correct the one that is wrong".into());
    }
    (open_from, open_until)
}

/// `series`: a key written like an id.
fn series(r: &mut Reader<'_>, t: &DeTable<'_>) -> Option<String> {
    r.string(t, "series").and_then(|s| {
        let key = s.get_ref().trim();
        if is_valid_id(key) {
            Some(key.to_string())
        } else {
            r.error(
                s.span(),
                "invalid-series",
                format!("`{key}` is not a valid series key"),
            )
            .help = Some(
                format!(
                    "a series key is written like an id, e.g. `{}`: the id of its calls without the year",
                    suggest_id(key)
                )
                .into(),
            );
            None
        }
    })
}

/// `aliases`: former ids, each a valid id and not the entry's own.
fn aliases(r: &mut Reader<'_>, t: &DeTable<'_>, id: &str) -> Vec<String> {
    let mut aliases = Vec::new();
    for alias in r
        .string_list(t, "aliases")
        .map(Spanned::into_inner)
        .unwrap_or_default()
    {
        if !is_valid_id(alias.get_ref()) {
            r.error(
                alias.span(),
                "invalid-id",
                format!("alias `{}` is not a valid id", alias.get_ref()),
            )
            .help =
                Some(format!("a former id looks like `{}`", suggest_id(alias.get_ref())).into());
        } else if alias.get_ref() == id {
            r.error(
                alias.span(),
                "alias-is-id",
                "an alias cannot be the entry's own id",
            )
            .help = Some("aliases list former ids of this entry; remove this one".into());
        } else {
            aliases.push(alias.into_inner());
        }
    }
    aliases
}

/// A keyword is what a person types into the search box: a few words, not a sentence.
const MAX_KEYWORD_CHARS: usize = 60;

/// `keywords`: each a few words, trimmed (an empty one is the list reader's `empty-value`); a
/// sentence is an error, as it is surely a paste into the wrong field.
fn keywords(r: &mut Reader<'_>, t: &DeTable<'_>) -> Vec<String> {
    let mut keywords = Vec::new();
    for keyword in r
        .string_list(t, "keywords")
        .map(Spanned::into_inner)
        .unwrap_or_default()
    {
        let text = keyword.get_ref().trim();
        let chars = text.chars().count();
        if chars > MAX_KEYWORD_CHARS {
            r.error(
                keyword.span(),
                "keyword-too-long",
                format!("a keyword of {chars} characters; at most {MAX_KEYWORD_CHARS} are allowed"),
            )
            .help =
                Some("a keyword is a few words people search with; say more in the `body`".into());
        } else {
            keywords.push(text.to_string());
        }
    }
    keywords
}

fn strings(list: Vec<Spanned<String>>) -> Vec<String> {
    list.into_iter()
        .map(|s| s.into_inner().trim().to_string())
        .collect()
}

/// An entry not checked for this long is flagged for an editor.
pub const STALE_AFTER_DAYS: i64 = 365;

/// Warnings about a valid entry: it stays searchable, but an editor should look.
pub fn warnings(file: &Path, source: &str, entry: &Entry, today: NaiveDate) -> Vec<Diagnostic> {
    match toml_reader::parse(file, source) {
        Ok(doc) => warnings_at(file, source, doc.get_ref(), entry, today),
        Err(_) => Vec::new(),
    }
}

/// `warnings`, placed at the keys of `t`, the entry's parsed source.
fn warnings_at(
    file: &Path,
    source: &str,
    t: &DeTable<'_>,
    entry: &Entry,
    today: NaiveDate,
) -> Vec<Diagnostic> {
    let span_of = |key: &str| t.get(key).map_or(0..0, |v| v.span());
    let mut out = Vec::new();
    let age = (today - entry.updated).num_days();
    if age > STALE_AFTER_DAYS {
        out.push(
            Diagnostic::at(
                file,
                source,
                span_of("updated"),
                "stale",
                format!(
                    "not checked for {} months (last on {})",
                    age * 12 / 365,
                    entry.updated
                ),
            )
            .with_help(
                "check the entry against its official source, then set `updated` to today's date",
            )
            .warning(),
        );
    }
    if let (Some(from), None, false) = (entry.open_from, entry.open_until, entry.closed)
        && (today - from).num_days() > STALE_AFTER_DAYS
    {
        out.push(
            Diagnostic::at(file, source, span_of("open_from"), "open-without-end", format!(
                "the call has shown as open since {from}, with no closing date"
            ))
            .with_help("if the call has ended, add `open_until`, or `closed = true` if the date is not known")
            .warning(),
        );
    }
    if entry.until_funds_run_out
        && !entry.closed
        && entry.open_until.is_none_or(|until| until >= today)
        && age > STALE_AFTER_DAYS / 4
    {
        out.push(
            Diagnostic::at(
                file,
                source,
                span_of("until_funds_run_out"),
                "funds-unchecked",
                format!(
                    "the call is open until its funds run out, and was last checked on {}",
                    entry.updated
                ),
            )
            .with_help("check whether funds remain; if they ran out, add `closed = true`")
            .warning(),
        );
    }
    if entry.url.is_none() {
        out.push(
            Diagnostic::file(
                file,
                "missing-url",
                "the entry has no `url` to its official source",
            )
            .with_help("add `url = \"https://...\"`: the call, or the page where it was announced")
            .warning(),
        );
    }
    out
}

/// A list of vocabulary keys; each must exist in the vocabulary.
fn keys(
    r: &mut Reader<'_>,
    t: &DeTable<'_>,
    field: &str,
    dimension: Dimension,
    vocabulary: &Vocabulary,
    required: bool,
) -> Vec<String> {
    let Some(list) = r.string_list(t, field) else {
        if required && !t.contains_key(field) {
            let example = vocabulary
                .terms(dimension)
                .keys()
                .next()
                .map_or("key", String::as_str);
            r.missing(0..0, field, &format!("[\"{example}\"]"));
        }
        return Vec::new();
    };
    if required && list.get_ref().is_empty() {
        r.error(
            list.span(),
            "empty-value",
            format!("`{field}` must list at least one key"),
        )
        .help = Some(
            format!(
                "add the {} keys from vocabulary.toml that apply",
                dimension.name()
            )
            .into(),
        );
    }
    let terms = vocabulary.terms(dimension);
    // Folded once per list, and only if some key is unknown.
    let mut labels: Option<Vec<(String, &str)>> = None;
    let mut out: Vec<String> = Vec::new();
    for key in list.into_inner() {
        let k = key.get_ref().trim();
        if terms.contains_key(k) {
            if !out.iter().any(|o| o == k) {
                out.push(k.to_string());
            }
            continue;
        }
        let message = format!("unknown {} `{k}`", dimension.name());
        if r.is_full() {
            r.error(key.span(), "unknown-value", message);
            continue;
        }
        // Editors often type the label ("Novo mesto") where the key (`novo-mesto`) belongs.
        let labels = labels.get_or_insert_with(|| {
            terms
                .values()
                .map(|t| (analysis::fold(&t.label), t.key.as_str()))
                .collect()
        });
        let folded = analysis::fold(k);
        let by_label = labels
            .iter()
            .find(|(label, _)| *label == folded)
            .map(|(_, key)| *key);
        let help = match by_label.or_else(|| did_you_mean(k, terms.keys().map(String::as_str))) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "use a key from [{}.*] in vocabulary.toml, or add this one there",
                dimension.name()
            ),
        };
        r.error(key.span(), "unknown-value", message).help = Some(help.into());
    }
    out
}

fn check_url(r: &mut Reader<'_>, value: Spanned<String>) -> Option<String> {
    let text = value.get_ref().trim();
    match url::Url::parse(text) {
        Ok(u)
            if matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Some(text.to_string())
        }
        Ok(_) => {
            r.error(
                value.span(),
                "bad-url",
                "`url` must be a web address starting with http:// or https://",
            )
            .help =
                Some("copy the address of the official page from the browser's address bar".into());
            None
        }
        Err(e) => {
            r.error(value.span(), "bad-url", format!("`url` is not a valid web address: {e}"))
                .help = Some("copy the address of the official page from the browser's address bar, e.g. https://www.kranj.si/...".into());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handbook::entry::Status;

    #[test]
    fn binary_text_is_checked_as_utf8_and_dates_are_day_numbers_there_but_iso_in_json() {
        #[derive(serde::Deserialize)]
        struct Field(#[serde(deserialize_with = "crate::handbook::serde_text::one")] String);
        let good = postcard::to_stdvec("Črnomelj, žaga").unwrap();
        assert_eq!(
            postcard::from_bytes::<Field>(&good).unwrap().0,
            "Črnomelj, žaga"
        );
        // Postcard writes text as its length and bytes: these bytes are no UTF-8.
        let bad = postcard::to_stdvec(&[0xC4u8, 0x28]).unwrap();
        assert!(postcard::from_bytes::<Field>(&bad).is_err());

        let mut e = parse_str(GOOD).unwrap();
        e.open_until = None;
        e.body = Some("Čas je **zdaj**.".into());
        let bytes = postcard::to_stdvec(&e).unwrap();
        let mut back: Entry = postcard::from_bytes(&bytes).unwrap();
        back.set_derived(e.digest, e.sort_key.clone());
        assert_eq!(back, e);
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["open_from"], "2024-02-01");
        assert_eq!(json["updated"], "2024-01-10");
        assert_eq!(json["open_until"], serde_json::Value::Null);
    }

    fn vocab() -> Vocabulary {
        Vocabulary::parse(
            Path::new("vocabulary.toml"),
            r#"
[municipality.ljubljana]
label = "Ljubljana"
region = "Osrednjeslovenska"
[municipality.novo-mesto]
label = "Novo mesto"
[type.subvencija-najemnine]
label = "Subvencija najemnine"
[source.obcinski-proracun]
label = "Občinski proračun"
[beneficiary.mikro-podjetja]
label = "Mikro podjetja"
"#,
        )
        .unwrap()
    }

    const GOOD: &str = r#"title = "Subvencije najemnin"
summary = "Pomoč pri najemnini."
municipalities = ["ljubljana"]
types = ["subvencija-najemnine"]
sources = ["obcinski-proracun"]
provider = "Mestna občina Ljubljana"
updated = 2024-01-10
open_from = 2024-02-01
open_until = 2024-03-01
"#;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 2, 15).unwrap()
    }

    fn parse_str(src: &str) -> Result<Entry, Vec<Diagnostic>> {
        parse(Path::new("m/a.toml"), "a", src, &vocab(), today())
    }

    fn codes(src: &str) -> Vec<(usize, usize, &'static str)> {
        parse_str(src)
            .unwrap_err()
            .iter()
            .map(|d| (d.line, d.column, d.code))
            .collect()
    }

    #[test]
    fn a_complete_entry_parses() {
        let e = parse_str(GOOD).unwrap();
        assert_eq!(e.municipalities, ["ljubljana"]);
        assert_eq!(e.status(today()), Status::Open);
    }

    #[test]
    fn status_follows_the_dates() {
        let mut e = parse_str(GOOD).unwrap();
        let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
        assert_eq!(e.status(day(1, 31)), Status::Upcoming);
        assert_eq!(e.status(day(2, 1)), Status::Open);
        assert_eq!(e.status(day(3, 1)), Status::Open);
        assert_eq!(e.status(day(3, 2)), Status::Closed);
        e.open_from = None;
        assert_eq!(e.status(day(1, 1)), Status::Open);
        e.open_until = None;
        assert_eq!(e.status(day(1, 1)), Status::Ongoing);
        e.closed = true;
        assert_eq!(e.status(day(1, 1)), Status::Closed);
    }

    #[test]
    fn an_unknown_municipality_suggests_the_right_key() {
        let src = GOOD.replace("[\"ljubljana\"]", "[\"lubljana\"]");
        let errs = parse_str(&src).unwrap_err();
        assert_eq!(
            (errs[0].line, errs[0].column, errs[0].code),
            (3, 19, "unknown-value")
        );
        assert_eq!(&*errs[0].message, "unknown municipality `lubljana`");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `ljubljana`?"));
    }

    #[test]
    fn a_label_written_where_the_key_belongs_suggests_the_key() {
        let src = GOOD.replace("[\"ljubljana\"]", "[\"Novo mesto\"]");
        let errs = parse_str(&src).unwrap_err();
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `novo-mesto`?"));
    }

    #[test]
    fn every_problem_is_reported_in_one_pass() {
        let src = GOOD
            .replace("title = \"Subvencije najemnin\"\n", "")
            .replace("open_from = 2024-02-01", "open_from = 2024-04-01")
            .replace("updated = 2024-01-10", "updated = 2025-01-10\nbudget_eur = -5\ncofinancing_percent = 150\nurl = \"ftp://x\"\ncolour = 1");
        let found = codes(&src);
        for code in [
            "missing-field",
            "updated-in-future",
            "out-of-range",
            "bad-url",
            "unknown-key",
            "dates-reversed",
        ] {
            assert!(
                found.iter().any(|(_, _, c)| *c == code),
                "{code} not in {found:?}"
            );
        }
        assert_eq!(
            found
                .iter()
                .filter(|(_, _, c)| *c == "out-of-range")
                .count(),
            2
        );
    }

    #[test]
    fn reversed_dates_point_at_open_until() {
        let src = GOOD.replace("open_until = 2024-03-01", "open_until = 2024-01-01");
        assert_eq!(codes(&src), [(9, 14, "dates-reversed")]);
    }

    #[test]
    fn empty_strings_and_empty_required_lists_are_errors() {
        let src = GOOD
            .replace("\"Pomoč pri najemnini.\"", "\"  \"")
            .replace("[\"obcinski-proracun\"]", "[]");
        assert_eq!(
            codes(&src),
            [(2, 11, "empty-value"), (5, 11, "empty-value")]
        );
    }

    #[test]
    fn stale_entries_open_calls_without_an_end_and_missing_sources_are_warnings() {
        let src = GOOD.replace("open_until = 2024-03-01\n", "");
        let e = parse_str(&src).unwrap();
        let later = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let w = warnings(Path::new("m/a.toml"), &src, &e, later);
        let codes: Vec<_> = w
            .iter()
            .map(|d| (d.line, d.column, d.code, d.is_error()))
            .collect();
        assert_eq!(
            codes,
            [
                (7, 11, "stale", false),
                (8, 13, "open-without-end", false),
                (0, 0, "missing-url", false)
            ]
        );
        assert_eq!(
            &*w[0].message,
            "not checked for 16 months (last on 2024-01-10)"
        );
        assert_eq!(
            warnings(
                Path::new("m/a.toml"),
                GOOD,
                &parse_str(GOOD).unwrap(),
                today()
            )
            .len(),
            1
        );
    }

    #[test]
    fn one_parse_gives_the_entry_and_the_same_warnings_as_two() {
        let src = GOOD.replace("open_until = 2024-03-01\n", "");
        let later = NaiveDate::from_ymd_opt(2025, 6, 1).unwrap();
        let file = Path::new("m/a.toml");
        let (entry, once) = parse_with_warnings(file, "a", &src, &vocab(), later).unwrap();
        let twice = warnings(file, &src, &parse_str(&src).unwrap(), later);
        assert_eq!(entry, parse_str(&src).unwrap());
        assert_eq!(once.len(), 3);
        assert_eq!(once, twice);
        let broken = src.replace("title = ", "title = [");
        assert_eq!(
            parse_with_warnings(file, "a", &broken, &vocab(), later).unwrap_err(),
            parse(file, "a", &broken, &vocab(), later).unwrap_err()
        );
    }

    #[test]
    fn a_last_confirmation_in_the_future_and_a_malformed_series_key_are_errors() {
        let src = GOOD.replace(
            "updated = 2024-01-10",
            "updated = 2024-01-10\nlast_confirmed = 2025\nseries = \"Kranj 2020\"",
        );
        let found: Vec<_> = codes(&src).into_iter().map(|(_, _, c)| c).collect();
        assert_eq!(found, ["out-of-range", "invalid-series"]);
        let good = GOOD.replace(
            "updated = 2024-01-10",
            "updated = 2024-01-10\nlast_confirmed = 2024\nseries = \"ljubljana-najemnine\"",
        );
        let e = parse_str(&good).unwrap();
        assert_eq!(e.last_confirmed, Some(2024));
        assert_eq!(e.series.as_deref(), Some("ljubljana-najemnine"));
    }

    #[test]
    fn a_standing_measure_runs_for_two_calendar_years_after_its_last_confirmation() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let standing = |confirmed, today| Status::of(false, None, None, confirmed, today);
        assert_eq!(standing(Some(2022), day(2024, 12, 31)), Status::Ongoing);
        assert_eq!(standing(Some(2022), day(2025, 1, 1)), Status::Unconfirmed);
        assert_eq!(standing(None, day(2090, 1, 1)), Status::Ongoing);
        // A call with dates, or a closed one, is judged by them alone.
        let until = Some(day(2030, 1, 1));
        assert_eq!(
            Status::of(false, None, until, Some(2000), day(2025, 1, 1)),
            Status::Open
        );
        assert_eq!(
            Status::of(true, None, None, Some(2000), day(2025, 1, 1)),
            Status::Closed
        );
    }

    #[test]
    fn a_calls_year_comes_from_its_id_then_its_dates_then_its_last_confirmation() {
        let mut e = parse_str(GOOD).unwrap();
        assert_eq!(e.year(), Some(2024), "from open_from");
        e.id = "kranj-najemnine-2023".into();
        assert_eq!(e.year(), Some(2023), "a call for 2023 may open in 2024");
        e.id = "ctn-2021-2027".into();
        assert_eq!(e.year(), Some(2021), "a period starts in its first year");
        e.id = "kranj-najemnine".into();
        e.open_from = None;
        assert_eq!(e.year(), Some(2024), "from open_until");
        e.open_until = None;
        assert_eq!(e.year(), None);
        e.last_confirmed = Some(2019);
        assert_eq!(e.year(), Some(2019));
        e.id = "sk75-12345".into();
        assert_eq!(e.year(), Some(2019), "five digits are no year");
    }
}
