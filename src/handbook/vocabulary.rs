//! The controlled vocabularies of `handbook/vocabulary.toml`: the keys that entries may use for
//! municipality, type, source and beneficiary, with their labels. Statistical regions are not a
//! table of their own: they come from each municipality's `region` label, and their keys are
//! slugs of those labels, so a region is renamed in one place.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::de::DeValue;

use crate::handbook::diagnostic::Diagnostic;
use crate::handbook::toml_reader::{self, Reader};
use crate::text::analysis;
use crate::text::lang::Lang;

/// The facet dimensions that the vocabulary defines (status is computed, not defined).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Dimension {
    Region,
    Municipality,
    Type,
    Source,
    Beneficiary,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Region,
        Dimension::Municipality,
        Dimension::Type,
        Dimension::Source,
        Dimension::Beneficiary,
    ];

    /// The name used in URLs, JSON and `vocabulary.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Region => "region",
            Dimension::Municipality => "municipality",
            Dimension::Type => "type",
            Dimension::Source => "source",
            Dimension::Beneficiary => "beneficiary",
        }
    }

    /// The heading shown to people in `lang`.
    pub fn title_in(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Sl => self.title(),
            Lang::En => match self {
                Dimension::Region => "Region",
                Dimension::Municipality => "Municipality",
                Dimension::Type => "Type of measure",
                Dimension::Source => "Source of funding",
                Dimension::Beneficiary => "Beneficiaries",
            },
        }
    }

    /// The heading shown to people in Slovenian.
    pub fn title(self) -> &'static str {
        match self {
            Dimension::Region => "Regija",
            Dimension::Municipality => "Občina",
            Dimension::Type => "Vrsta ukrepa",
            Dimension::Source => "Vir financiranja",
            Dimension::Beneficiary => "Upravičenci",
        }
    }
}

/// One key of a vocabulary with its labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Term {
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// For municipalities: the key of the statistical region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// For municipalities: the ISO 3166-2 code, e.g. SI-052.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// For municipalities: an urban municipality (mestna občina).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub urban: bool,
}

/// Serialized only into the handbook cache, as the last good vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vocabulary {
    pub region: BTreeMap<String, Term>,
    pub municipality: BTreeMap<String, Term>,
    pub r#type: BTreeMap<String, Term>,
    pub source: BTreeMap<String, Term>,
    pub beneficiary: BTreeMap<String, Term>,
}

const TABLES: [&str; 4] = ["municipality", "type", "source", "beneficiary"];
const MUNICIPALITY_KEYS: [&str; 5] = ["label", "label_en", "region", "code", "urban"];
const TERM_KEYS: [&str; 2] = ["label", "label_en"];

impl Vocabulary {
    pub fn terms(&self, dimension: Dimension) -> &BTreeMap<String, Term> {
        match dimension {
            Dimension::Region => &self.region,
            Dimension::Municipality => &self.municipality,
            Dimension::Type => &self.r#type,
            Dimension::Source => &self.source,
            Dimension::Beneficiary => &self.beneficiary,
        }
    }

    /// The label of a key, or the key itself when the vocabulary no longer has it (an entry's last
    /// good version may still use a key that an editor has just removed).
    pub fn label<'a>(&'a self, dimension: Dimension, key: &'a str) -> &'a str {
        self.terms(dimension)
            .get(key)
            .map_or(key, |t| t.label.as_str())
    }

    /// The label of a key in `lang`: `label_en` in English where the vocabulary has one.
    pub fn label_in<'a>(&'a self, dimension: Dimension, key: &'a str, lang: Lang) -> &'a str {
        match self.terms(dimension).get(key) {
            Some(t) => match (lang, &t.label_en) {
                (Lang::En, Some(en)) => en,
                _ => &t.label,
            },
            None => key,
        }
    }

    /// The region keys of the given municipalities, without duplicates, in order.
    pub fn regions_of(&self, municipalities: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for m in municipalities {
            if let Some(r) = self.municipality.get(m).and_then(|t| t.region.as_deref())
                && !out.iter().any(|o| o == r)
            {
                out.push(r.to_string());
            }
        }
        out
    }

    /// Parses and checks `vocabulary.toml`, returning every problem found.
    pub fn parse(file: &Path, source: &str) -> Result<Vocabulary, Vec<Diagnostic>> {
        // As written, like an entry: labels are composed as they are read (`Reader::string`).
        let doc = toml_reader::parse(file, source)?;
        let mut r = Reader::new(file, source);
        r.check_keys(doc.get_ref(), &TABLES, "in vocabulary.toml");
        let mut vocab = Vocabulary::default();
        for name in TABLES {
            let Some(table) = r.table(doc.get_ref(), name) else {
                if name != "beneficiary" {
                    r.missing(0..0, name, &format!("[{name}.key] with label = \"...\""))
                        .message = format!("vocabulary.toml has no [{name}.*] table").into();
                }
                continue;
            };
            let DeValue::Table(entries) = table.get_ref() else {
                unreachable!("checked by table()")
            };
            for (key, value) in entries.iter() {
                let key_text = key.get_ref().to_string();
                if !crate::handbook::id::is_valid_id(&key_text) {
                    r.error(key.span(), "invalid-key", format!("`{key_text}` is not a valid key"))
                        .help = Some("keys use lowercase ascii letters, digits and single hyphens, e.g. `novo-mesto`".into());
                }
                let DeValue::Table(t) = value.get_ref() else {
                    r.error(
                        value.span(),
                        "wrong-type",
                        format!("`{name}.{key_text}` must be a table with a label"),
                    )
                    .help = Some(
                        format!("write it as [{name}.{key_text}] followed by label = \"...\"")
                            .into(),
                    );
                    continue;
                };
                let allowed: &[&str] = if name == "municipality" {
                    &MUNICIPALITY_KEYS
                } else {
                    &TERM_KEYS
                };
                r.check_keys(t, allowed, &format!("in [{name}.{key_text}]"));
                let label = r.string(t, "label");
                if label.is_none() && !t.contains_key("label") {
                    r.missing(key.span(), "label", "\"...\"");
                }
                let mut term = Term {
                    key: key_text.clone(),
                    label: label
                        .map(|l| l.into_inner())
                        .unwrap_or_else(|| key_text.clone()),
                    label_en: r.string(t, "label_en").map(|s| s.into_inner()),
                    region: None,
                    code: None,
                    urban: false,
                };
                if name == "municipality" {
                    term.code = r.string(t, "code").map(|s| s.into_inner());
                    term.urban = r.boolean(t, "urban").is_some_and(|b| b.into_inner());
                    if let Some(region) = r.string(t, "region") {
                        let region_key = analysis::slug(region.get_ref());
                        if region_key.is_empty() {
                            // A region is a facet value; without a key it cannot be selected.
                            r.error(
                                region.span(),
                                "empty-value",
                                format!("`region` `{}` has no letters or digits", region.get_ref().trim()),
                            )
                            .help = Some("write the name of the statistical region, e.g. region = \"Gorenjska\"".into());
                            continue;
                        }
                        vocab
                            .region
                            .entry(region_key.clone())
                            .or_insert_with(|| Term {
                                key: region_key.clone(),
                                label: region.get_ref().trim().to_string(),
                                label_en: None,
                                region: None,
                                code: None,
                                urban: false,
                            });
                        term.region = Some(region_key);
                    }
                }
                let map = match name {
                    "municipality" => &mut vocab.municipality,
                    "type" => &mut vocab.r#type,
                    "source" => &mut vocab.source,
                    _ => &mut vocab.beneficiary,
                };
                map.insert(key_text, term);
            }
        }
        if r.has_problems() {
            Err(r.finish())
        } else {
            Ok(vocab)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: &str = r#"
[municipality.kranj]
label = "Kranj"
region = "Gorenjska"
[municipality.koper]
label = "Koper/Capodistria"
region = "Obalno-kraška"
urban = true
[type.subvencija-najemnine]
label = "Subvencija najemnine"
label_en = "Rent subsidy"
[source.obcinski-proracun]
label = "Občinski proračun"
"#;

    #[test]
    fn regions_come_from_municipalities_with_slug_keys() {
        let v = Vocabulary::parse(Path::new("v.toml"), VOCAB).unwrap();
        assert_eq!(v.region["obalno-kraska"].label, "Obalno-kraška");
        assert_eq!(
            v.municipality["koper"].region.as_deref(),
            Some("obalno-kraska")
        );
        assert!(v.municipality["koper"].urban);
        assert_eq!(
            v.label(Dimension::Type, "subvencija-najemnine"),
            "Subvencija najemnine"
        );
        assert_eq!(v.label(Dimension::Type, "gone"), "gone");
        assert!(v.beneficiary.is_empty());
    }

    #[test]
    fn every_problem_in_the_vocabulary_is_reported() {
        let src = "[municipality.Kranj]\nlabl = \"Kranj\"\n[type.x]\nlabel = 3\n[source.y]\nlabel = \"Y\"\n[colour.z]\n";
        let errs = Vocabulary::parse(Path::new("v.toml"), src).unwrap_err();
        let codes: Vec<_> = errs.iter().map(|d| (d.line, d.code)).collect();
        assert!(codes.contains(&(7, "unknown-key")), "{codes:?}");
        assert!(codes.contains(&(1, "invalid-key")), "{codes:?}");
        assert!(codes.contains(&(2, "unknown-key")), "{codes:?}");
        assert!(codes.contains(&(4, "wrong-type")), "{codes:?}");
        assert!(
            errs.iter()
                .any(|d| d.help.as_deref() == Some("did you mean `label`?"))
        );
    }
}
