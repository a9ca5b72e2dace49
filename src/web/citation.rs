//! Ready citations of a measure, for municipal officers writing reports and proposals: the
//! Slovenian citation a person would write, and the same as a BibTeX entry for reference
//! managers. Both name the provider, the title, the gazette, the permalink and the day the
//! entry was last checked, which is what makes a citation of a living handbook verifiable.

use crate::handbook::entry::Entry;

/// The handbook as a publication, in citations.
const PUBLICATION: &str = "Priročnik ukrepov za podjetništvo v mestnih središčih";

/// A version of the handbook a citation names: the day of its commit and the commit, so the
/// citation leads to what the measure said that day even after it changes.
#[derive(Debug, Clone, Copy)]
pub struct Cited<'a> {
    pub date: chrono::NaiveDate,
    pub commit: &'a str,
}

/// "Mestna občina Kranj: Subvencije najemnin. Uradni list RS, št. 5/2019. Priročnik …,
/// https://…/measures/x (zadnje preverjeno 16. 4. 2019)."
pub fn slovenian(entry: &Entry, permalink: &str) -> String {
    slovenian_at(entry, permalink, None)
}

/// The citation of a version: its permalink, and "različica z dne 3. 4. 2026" after the
/// check date.
pub fn slovenian_at(entry: &Entry, permalink: &str, version: Option<Cited<'_>>) -> String {
    let mut parts = vec![format!(
        "{}: {}.",
        entry.provider,
        entry.title.trim_end_matches('.')
    )];
    if let Some(g) = &entry.gazette {
        parts.push(format!("{}.", g.trim_end_matches('.')));
    }
    let version = version
        .map(|v| format!("; različica z dne {}", crate::text::format::date(v.date)))
        .unwrap_or_default();
    parts.push(format!(
        "{PUBLICATION}, {permalink} (zadnje preverjeno {}{version}).",
        crate::text::format::date(entry.updated)
    ));
    parts.join(" ")
}

/// A BibTeX `@misc` entry (biblatex reads its `url` and `urldate` too); the key is the entry's
/// id, which is stable.
pub fn bibtex(entry: &Entry, permalink: &str) -> String {
    bibtex_at(entry, permalink, None)
}

/// The BibTeX entry of a version: biblatex's `version` names its date and commit, and the
/// note says "različica z dne …".
pub fn bibtex_at(entry: &Entry, permalink: &str, version: Option<Cited<'_>>) -> String {
    let mut fields: Vec<(&str, String)> = vec![
        // Double braces keep the provider a corporate author, not "Kranj, Mestna občina".
        ("author", format!("{{{}}}", escape(&entry.provider))),
        ("title", format!("{{{}}}", escape(&entry.title))),
    ];
    if let Some(g) = &entry.gazette {
        fields.push(("howpublished", escape(g)));
    }
    let note_version = version
        .map(|v| format!(", različica z dne {}", crate::text::format::date(v.date)))
        .unwrap_or_default();
    fields.push((
        "note",
        format!(
            "{}, zadnje preverjeno {}{note_version}",
            escape(PUBLICATION),
            crate::text::format::date(entry.updated)
        ),
    ));
    if let Some(v) = version {
        fields.push(("version", format!("{} ({})", v.date, escape(v.commit))));
    }
    fields.push(("year", entry.updated.format("%Y").to_string()));
    fields.push(("url", url(permalink)));
    fields.push(("urldate", entry.updated.to_string()));
    fields.push(("language", "slovene".into()));
    let body: Vec<String> = fields
        .into_iter()
        .map(|(k, v)| format!("  {k} = {{{v}}}"))
        .collect();
    format!("@misc{{{},\n{}\n}}", entry.id, body.join(",\n"))
}

/// Text safe inside a braced BibTeX value: LaTeX's special characters escaped, so `%` does not
/// comment out the rest of the line. Braces become `\textbraceleft{}` and `\textbraceright{}`:
/// BibTeX counts every brace, escaped or not, so `\}` in a title would end the value early.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\textbraceleft{}"),
            '}' => out.push_str("\\textbraceright{}"),
            '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\^{}"),
            '~' => out.push_str("\\~{}"),
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

/// URLs are read verbatim; only what would unbalance the value is percent-encoded.
fn url(u: &str) -> String {
    u.replace('{', "%7B")
        .replace('}', "%7D")
        .replace(' ', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        let source = r#"title = "Subvencije najemnin 100 % {mestno} jedro"
summary = "Pomoč."
municipalities = ["kranj"]
types = ["subvencija-najemnine"]
sources = ["obcinski-proracun"]
provider = "Mestna občina Kranj"
updated = 2024-03-05
gazette = "Uradni list RS, št. 5/2019"
"#;
        let vocabulary = crate::handbook::vocabulary::Vocabulary::parse(
            std::path::Path::new("vocabulary.toml"),
            r#"[type.subvencija-najemnine]
label = "Subvencija najemnine"
[source.obcinski-proracun]
label = "Občinski proračun"
[municipality.kranj]
label = "Kranj"
region = "Gorenjska"
"#,
        )
        .expect("vocabulary");
        crate::handbook::check::parse(
            std::path::Path::new("x.toml"),
            "kranj-najem",
            source,
            &vocabulary,
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        )
        .expect("entry")
    }

    #[test]
    fn the_slovenian_citation_names_provider_title_gazette_permalink_and_check_date() {
        let c = slovenian(&entry(), "https://h.example/measures/kranj-najem");
        assert_eq!(
            c,
            "Mestna občina Kranj: Subvencije najemnin 100 % {mestno} jedro. Uradni list RS, \
             št. 5/2019. Priročnik ukrepov za podjetništvo v mestnih središčih, \
             https://h.example/measures/kranj-najem (zadnje preverjeno 5. 3. 2024)."
        );
    }

    #[test]
    fn a_cited_version_names_its_day_and_its_permalink() {
        let version = Cited {
            date: chrono::NaiveDate::from_ymd_opt(2026, 4, 3).unwrap(),
            commit: "0123456789",
        };
        let link = "https://h.example/measures/kranj-najem?version=0123456789";
        let c = slovenian_at(&entry(), link, Some(version));
        assert!(
            c.ends_with(
                "https://h.example/measures/kranj-najem?version=0123456789 (zadnje preverjeno \
                 5. 3. 2024; različica z dne 3. 4. 2026)."
            ),
            "{c}"
        );
        let b = bibtex_at(&entry(), link, Some(version));
        assert!(b.contains("version = {2026-04-03 (0123456789)}"), "{b}");
        assert!(b.contains("različica z dne 3. 4. 2026"), "{b}");
        assert!(b.contains(&format!("url = {{{link}}}")), "{b}");
        assert_balanced_as_bibtex_counts(&b);
    }

    #[test]
    fn bibtex_escapes_latex_specials_and_keeps_braces_balanced() {
        let b = bibtex(&entry(), "https://h.example/measures/kranj-najem");
        assert!(b.starts_with("@misc{kranj-najem,\n"), "{b}");
        assert!(
            b.contains(
                "title = {{Subvencije najemnin 100 \\% \\textbraceleft{}mestno\\textbraceright{} jedro}}"
            ),
            "{b}"
        );
        assert!(b.contains("author = {{Mestna občina Kranj}}"), "{b}");
        assert!(
            b.contains("url = {https://h.example/measures/kranj-najem}"),
            "{b}"
        );
        assert!(b.contains("urldate = {2024-03-05}"), "{b}");
        assert!(
            b.contains("howpublished = {Uradni list RS, št. 5/2019}"),
            "{b}"
        );
        assert_balanced_as_bibtex_counts(&b);
    }

    /// BibTeX counts every brace, a backslash before it or not: each value must balance so.
    fn assert_balanced_as_bibtex_counts(b: &str) {
        let mut depth = 0i32;
        for c in b.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            assert!(depth >= 0, "{b}");
        }
        assert_eq!(depth, 0, "{b}");
    }

    #[test]
    fn a_lone_brace_in_a_title_or_provider_does_not_end_the_value() {
        let mut e = entry();
        for title in ["Najem } in {", "}}}", "{ odprto", "a \\} b"] {
            e.title = title.into();
            e.provider = format!("Občina {title}");
            assert_balanced_as_bibtex_counts(&bibtex(&e, "https://h.example/m"));
        }
    }
}
