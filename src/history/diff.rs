//! What changed between two versions of an entry, field by field, and the same in words a reader
//! of each language understands ("rok prijave: 15. 3. 2026 → 30. 4. 2026", "dodana občina
//! Naklo"). The comparison is of the typed entry as `check` reads it, not of the lines of the
//! file: moving a line, reformatting a list or editing a comment is no change to a reader.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::handbook::check::FIELDS;
use crate::handbook::entry::Entry;
use crate::handbook::vocabulary::{Dimension, Vocabulary};
use crate::text::format::date_in;
use crate::text::lang::Lang;

/// One field that differs between two versions. `before` and `after` are the field's values as
/// the JSON of a measure writes them (`null` where the field was not given).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: &'static str,
    pub before: Value,
    pub after: Value,
}

/// Every field that differs from `before` to `after`, in the order the editors' guide lists
/// the fields, with `updated` (which changes with nearly every edit) last.
pub fn changes(before: &Entry, after: &Entry) -> Vec<Change> {
    let (Ok(Value::Object(mut b)), Ok(Value::Object(mut a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return Vec::new();
    };
    let mut out: Vec<Change> = FIELDS
        .iter()
        .filter_map(|&field| {
            let before = b.remove(field).unwrap_or(Value::Null);
            let after = a.remove(field).unwrap_or(Value::Null);
            (normal(&before) != normal(&after)).then_some(Change {
                field,
                before,
                after,
            })
        })
        .collect();
    if let Some(at) = out.iter().position(|c| c.field == "updated") {
        let updated = out.remove(at);
        out.push(updated);
    }
    out
}

/// An empty list, `false` and a missing value mean the same to a reader: the file may write a
/// field out or leave it away.
fn normal(v: &Value) -> &Value {
    match v {
        Value::Array(items) if items.is_empty() => &Value::Null,
        Value::Bool(false) => &Value::Null,
        other => other,
    }
}

/// The name of a field in `lang`, as the measure page labels it.
pub fn field_label(field: &str, lang: Lang) -> &'static str {
    let (sl, en) = match field {
        "title" => ("naslov", "title"),
        "summary" => ("povzetek", "summary"),
        "title_en" => ("angleški naslov", "English title"),
        "summary_en" => ("angleški povzetek", "English summary"),
        "municipalities" => ("občine", "municipalities"),
        "types" => ("vrste ukrepa", "types of measure"),
        "sources" => ("viri financiranja", "funding sources"),
        "beneficiaries" => ("upravičenci", "beneficiaries"),
        "provider" => ("izvajalec", "provider"),
        "updated" => ("zadnje preverjeno", "last checked"),
        "url" => ("uradni vir", "official source"),
        "open_from" => ("odprto od", "open from"),
        "open_until" => ("rok prijave", "deadline"),
        "until_funds_run_out" => ("do porabe sredstev", "until funds run out"),
        "closed" => ("zaprto", "closed"),
        "last_confirmed" => ("nazadnje potrjeno", "last confirmed"),
        "series" => ("serija", "series"),
        "budget_eur" => ("proračun", "budget"),
        "max_amount_eur" => ("največ na upravičenca", "maximum per beneficiary"),
        "cofinancing_percent" => ("delež sofinanciranja", "co-financing share"),
        "legal_basis" => ("pravna podlaga", "legal basis"),
        "gazette" => ("objava", "published in"),
        "aliases" => ("nekdanji naslovi", "former ids"),
        "keywords" => ("iskalni izrazi", "search keywords"),
        "body" => ("besedilo", "text"),
        _ => ("polje", "field"),
    };
    lang.pick(sl, en)
}

/// A change in words: "rok prijave: 15. 3. 2026 → 30. 4. 2026", "proračun: 77.777 € →
/// 88.888 €", "dodana občina Naklo", "povzetek spremenjen". Keys of the vocabulary are named
/// by their labels.
pub fn describe(change: &Change, vocabulary: &Vocabulary, lang: Lang) -> String {
    let label = field_label(change.field, lang);
    match change.field {
        "municipalities" | "types" | "sources" | "beneficiaries" | "legal_basis" | "aliases"
        | "keywords" => list_change(change, vocabulary, lang),
        "summary" | "summary_en" | "body" => match (&change.before, &change.after) {
            (Value::Null, _) => format!("{label} {}", lang.pick("dodan", "added")),
            (_, Value::Null) => format!("{label} {}", lang.pick("odstranjen", "removed")),
            _ if change.field == "body" => lang.pick("besedilo spremenjeno", "text changed").into(),
            _ => format!("{label} {}", lang.pick("spremenjen", "changed")),
        },
        "closed" => if change.after == Value::Bool(true) {
            lang.pick("razpis označen kot zaprt", "call marked as closed")
        } else {
            lang.pick(
                "razpis ni več označen kot zaprt",
                "call no longer marked as closed",
            )
        }
        .into(),
        "until_funds_run_out" => if change.after == Value::Bool(true) {
            lang.pick("odprto do porabe sredstev", "open until funds run out")
        } else {
            lang.pick("ne več do porabe sredstev", "no longer until funds run out")
        }
        .into(),
        field => format!(
            "{label}: {} → {}",
            value(field, &change.before, lang),
            value(field, &change.after, lang)
        ),
    }
}

/// One value as a reader writes it: dates "15. 3. 2026", amounts "77.777 €".
fn value(field: &str, v: &Value, lang: Lang) -> String {
    match v {
        Value::Null => lang.pick("ni navedeno", "not given").into(),
        Value::String(s) if matches!(field, "open_from" | "open_until" | "updated") => s
            .parse::<NaiveDate>()
            .map_or_else(|_| s.clone(), |d| date_in(d, lang)),
        Value::Number(n) if field.ends_with("_eur") => n
            .as_i64()
            .map_or_else(|| n.to_string(), |amount| eur_in(amount, lang)),
        Value::Number(n) if field == "cofinancing_percent" => format!("{n} %"),
        Value::String(s) => s.clone(),
        Value::Bool(b) => lang
            .pick(if *b { "da" } else { "ne" }, if *b { "yes" } else { "no" })
            .into(),
        other => other.to_string(),
    }
}

/// 77777 → "77.777 €", or "€77,777" in English, as `docs/history.md` shows a change; the
/// pages' tables write "EUR" (`text::format::eur_in`).
fn eur_in(amount: i64, lang: Lang) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(lang.pick('.', ','));
        }
        grouped.push(c);
    }
    let sign = if amount < 0 { "-" } else { "" };
    match lang {
        Lang::Sl => format!("{sign}{grouped} €"),
        Lang::En => format!("{sign}€{grouped}"),
    }
}

/// What was added to a list and what was taken from it, each item named: "dodana občina
/// Naklo; odstranjena občina Kranj".
fn list_change(change: &Change, vocabulary: &Vocabulary, lang: Lang) -> String {
    let items = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (before, after) = (items(&change.before), items(&change.after));
    let dimension = match change.field {
        "municipalities" => Some(Dimension::Municipality),
        "types" => Some(Dimension::Type),
        "sources" => Some(Dimension::Source),
        "beneficiaries" => Some(Dimension::Beneficiary),
        _ => None,
    };
    let name = |key: &str| match dimension {
        Some(d) => vocabulary.label_in(d, key, lang).to_string(),
        None => key.to_string(),
    };
    // Slovenian agrees the participle with the noun's gender: "dodana občina", "dodan vir".
    let (added, removed) = match (change.field, lang) {
        ("municipalities", Lang::Sl) => ("dodana občina", "odstranjena občina"),
        ("types", Lang::Sl) => ("dodana vrsta ukrepa", "odstranjena vrsta ukrepa"),
        ("sources", Lang::Sl) => ("dodan vir financiranja", "odstranjen vir financiranja"),
        ("beneficiaries", Lang::Sl) => ("dodan upravičenec", "odstranjen upravičenec"),
        ("legal_basis", Lang::Sl) => ("dodana pravna podlaga", "odstranjena pravna podlaga"),
        ("aliases", Lang::Sl) => ("dodan nekdanji naslov", "odstranjen nekdanji naslov"),
        ("keywords", Lang::Sl) => ("dodan iskalni izraz", "odstranjen iskalni izraz"),
        ("keywords", Lang::En) => ("added search keyword", "removed search keyword"),
        ("municipalities", Lang::En) => ("added municipality", "removed municipality"),
        ("types", Lang::En) => ("added type", "removed type"),
        ("sources", Lang::En) => ("added funding source", "removed funding source"),
        ("beneficiaries", Lang::En) => ("added beneficiary", "removed beneficiary"),
        ("legal_basis", Lang::En) => ("added legal basis", "removed legal basis"),
        (_, Lang::En) => ("added former id", "removed former id"),
        (_, Lang::Sl) => ("dodano", "odstranjeno"),
    };
    let mut parts: Vec<String> = after
        .iter()
        .filter(|k| !before.contains(k))
        .map(|k| format!("{added} {}", name(k)))
        .collect();
    parts.extend(
        before
            .iter()
            .filter(|k| !after.contains(k))
            .map(|k| format!("{removed} {}", name(k))),
    );
    if parts.is_empty() {
        // The same items in another order: the order is what the page shows first.
        format!(
            "{} {}",
            field_label(change.field, lang),
            lang.pick("v drugem vrstnem redu", "in another order")
        )
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn vocabulary() -> Vocabulary {
        Vocabulary::parse(
            Path::new("vocabulary.toml"),
            r#"[type.subvencija-najemnine]
label = "Subvencija najemnine"
label_en = "Rent subsidy"
[source.obcinski-proracun]
label = "Občinski proračun"
[municipality.kranj]
label = "Kranj"
region = "Gorenjska"
[municipality.naklo]
label = "Naklo"
region = "Gorenjska"
"#,
        )
        .expect("vocabulary")
    }

    fn entry(extra: &str) -> Entry {
        let source = format!(
            "title = \"Subvencije najemnin\"\nsummary = \"Pomoč.\"\ntypes = [\"subvencija-najemnine\"]\n\
             sources = [\"obcinski-proracun\"]\nprovider = \"Mestna občina Kranj\"\n{extra}"
        );
        crate::handbook::check::parse(
            Path::new("x.toml"),
            "kranj-najem",
            &source,
            &vocabulary(),
            NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
        )
        .expect("entry")
    }

    fn words(before: &str, after: &str, lang: Lang) -> Vec<String> {
        changes(&entry(before), &entry(after))
            .iter()
            .map(|c| describe(c, &vocabulary(), lang))
            .collect()
    }

    const BASE: &str = "municipalities = [\"kranj\"]\nupdated = 2026-01-10\n";

    #[test]
    fn a_keyword_added_or_removed_is_named_as_a_search_keyword() {
        let w = words(
            &format!("{BASE}keywords = [\"posojilo\"]\n"),
            &format!("{BASE}keywords = [\"kredit\"]\n"),
            Lang::Sl,
        );
        assert_eq!(
            w,
            ["dodan iskalni izraz kredit; odstranjen iskalni izraz posojilo"]
        );
        let w = words(BASE, &format!("{BASE}keywords = [\"kredit\"]\n"), Lang::En);
        assert_eq!(w, ["added search keyword kredit"]);
    }

    #[test]
    fn a_moved_deadline_reads_as_both_dates_the_slovenian_way() {
        let w = words(
            &format!("{BASE}open_until = 2026-03-15\n"),
            &format!("{BASE}open_until = 2026-04-30\n"),
            Lang::Sl,
        );
        assert_eq!(w, ["rok prijave: 15. 3. 2026 → 30. 4. 2026"]);
    }

    #[test]
    fn a_changed_budget_reads_as_amounts_in_euro_in_both_languages() {
        let (before, after) = (
            format!("{BASE}budget_eur = 77777\n"),
            format!("{BASE}budget_eur = 88888\n"),
        );
        assert_eq!(
            words(&before, &after, Lang::Sl),
            ["proračun: 77.777 € → 88.888 €"]
        );
        assert_eq!(
            words(&before, &after, Lang::En),
            ["budget: €77,777 → €88,888"]
        );
    }

    #[test]
    fn an_added_municipality_is_named_by_its_label() {
        let w = words(
            BASE,
            "municipalities = [\"kranj\", \"naklo\"]\nupdated = 2026-01-10\n",
            Lang::Sl,
        );
        assert_eq!(w, ["dodana občina Naklo"]);
        let w = words(
            "municipalities = [\"kranj\", \"naklo\"]\nupdated = 2026-01-10\n",
            BASE,
            Lang::En,
        );
        assert_eq!(w, ["removed municipality Naklo"]);
    }

    #[test]
    fn a_date_given_for_the_first_time_says_it_was_not_given_before() {
        let w = words(BASE, &format!("{BASE}open_from = 2026-02-01\n"), Lang::Sl);
        assert_eq!(w, ["odprto od: ni navedeno → 1. 2. 2026"]);
    }

    #[test]
    fn the_check_date_comes_last_and_an_unchanged_entry_has_no_changes() {
        let c = changes(
            &entry(&format!("{BASE}open_until = 2026-03-15\n")),
            &entry("municipalities = [\"kranj\"]\nupdated = 2026-02-01\nopen_until = 2026-04-30\n"),
        );
        let fields: Vec<_> = c.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["open_until", "updated"]);
        assert_eq!(c[0].before, Value::String("2026-03-15".into()));
        assert!(changes(&entry(BASE), &entry(BASE)).is_empty());
    }

    #[test]
    fn writing_false_or_an_empty_list_out_is_no_change() {
        assert!(
            changes(
                &entry(BASE),
                &entry(&format!("{BASE}closed = false\nlegal_basis = []\n"))
            )
            .is_empty()
        );
    }

    #[test]
    fn long_texts_are_said_to_have_changed_without_repeating_them() {
        let w = words(
            &format!("{BASE}body = \"Prvo.\"\n"),
            &format!("{BASE}body = \"Drugo.\"\n"),
            Lang::Sl,
        );
        assert_eq!(w, ["besedilo spremenjeno"]);
    }
}
