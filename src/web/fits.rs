//! `/fits`, "Kaj mi pripada?" / "What fits me?": three questions as a plain GET form (where,
//! who, what for), answered with the matching search, each result saying in one line why it
//! fits. Where is `applies_in` (the municipality's measures and the national ones), who is the
//! beneficiary facet, and what for is a set of measure types grouped by purpose (`PURPOSES`).

use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

use super::AppState;
use super::error::{AppError, PageError};
use super::views::{self, Frame, count_word, deadline, href, labels, status_badge};
use crate::handbook::entry::Entry;
use crate::handbook::vocabulary::{Dimension, Vocabulary};
use crate::search::params;
use crate::search::request::{MAX_FILTER_VALUES, MAX_PAGE, NATIONAL};
use crate::search::{Facet, Results, SearchQuery, Snapshot};
use crate::text::analysis;
use crate::text::lang::Lang;

/// What a measure may be for, in a person's words, and the measure types (keys of the
/// vocabulary's `[type.*]`) that serve it. A type may serve several purposes (a voucher buys
/// advice as well as digitalisation). Two types serve none on purpose: a disincentive for
/// empty premises and the protection of ground floors are rules a municipality makes, not
/// something a person applies for (`NOT_APPLIED_FOR`). A unit test holds this table against
/// the shipped vocabulary: every key here exists there, every type there is here or listed.
pub struct Purpose {
    pub key: &'static str,
    /// The question's answer, in Slovenian and English.
    pub label: (&'static str, &'static str),
    /// The same in a few words, for "why it fits".
    pub short: (&'static str, &'static str),
    pub types: &'static [&'static str],
}

pub const PURPOSES: &[Purpose] = &[
    Purpose {
        key: "premises",
        label: (
            "Najem ali ureditev poslovnih prostorov",
            "Renting or fitting out business premises",
        ),
        short: ("najem prostorov", "renting premises"),
        types: &[
            "subvencija-najemnine",
            "subvencionirani-prostori",
            "oddaja-obcinskih-prostorov",
        ],
    },
    Purpose {
        key: "facade",
        label: (
            "Obnova fasade ali stavbe",
            "Renovating a facade or building",
        ),
        short: ("obnova fasade ali stavbe", "renovating a building"),
        types: &[
            "sofinanciranje-fasad",
            "obnova-kulturne-dediscine",
            "urbana-prenova",
        ],
    },
    Purpose {
        key: "starting",
        label: ("Začetek dejavnosti", "Starting a business"),
        short: ("začetek dejavnosti", "starting up"),
        types: &[
            "zagonska-spodbuda",
            "subvencija-samozaposlitve",
            "podporno-okolje",
        ],
    },
    Purpose {
        key: "hiring",
        label: (
            "Zaposlovanje in samozaposlitev",
            "Hiring or self-employment",
        ),
        short: ("zaposlovanje", "hiring"),
        types: &[
            "spodbuda-za-nova-delovna-mesta",
            "subvencija-samozaposlitve",
        ],
    },
    Purpose {
        key: "investing",
        label: (
            "Naložbe v opremo in razvoj",
            "Investing in equipment and growth",
        ),
        short: ("naložbe", "investing"),
        types: &[
            "investicijska-spodbuda",
            "nepovratna-sredstva",
            "okoljske-nalozbe",
            "sofinanciranje-komunalnega-prispevka",
            "raziskave-in-inovacije",
        ],
    },
    Purpose {
        key: "financing",
        label: (
            "Posojilo, garancija ali kapital",
            "A loan, a guarantee or equity",
        ),
        short: ("financiranje", "financing"),
        types: &[
            "posojilo",
            "garancija",
            "subvencija-obrestne-mere",
            "kapitalska-nalozba",
        ],
    },
    Purpose {
        key: "digital",
        label: ("Digitalizacija poslovanja", "Going digital"),
        short: ("digitalizacija", "going digital"),
        types: &["digitalizacija", "vavcer"],
    },
    Purpose {
        key: "learning",
        label: ("Svetovanje in usposabljanje", "Advice and training"),
        short: ("svetovanje in usposabljanje", "advice and training"),
        types: &["svetovanje-in-usposabljanje", "vavcer", "podporno-okolje"],
    },
    Purpose {
        key: "promoting",
        label: (
            "Promocija, prireditve in sejmi",
            "Promotion, events and trade fairs",
        ),
        short: ("promocija", "promotion"),
        types: &[
            "promocija",
            "internacionalizacija",
            "programi-ozivljanja-mestnega-jedra",
        ],
    },
    Purpose {
        key: "relief",
        label: (
            "Oprostitev plačil ali pomoč v stiski",
            "Fee exemptions or emergency relief",
        ),
        short: ("oprostitve in pomoč", "relief"),
        types: &["oprostitev-placila", "covid-19-pomoc", "interventna-pomoc"],
    },
];

/// Types of measure that no purpose lists: rules a municipality makes, which nobody applies for.
#[cfg(test)]
const NOT_APPLIED_FOR: &[&str] = &[
    "destimulacija-praznih-prostorov",
    "varovanje-poslovnih-pritlicij",
];

impl Purpose {
    fn of(key: &str) -> Option<&'static Purpose> {
        PURPOSES.iter().find(|p| p.key == key)
    }

    fn serves(&self, entry: &Entry) -> bool {
        entry.types.iter().any(|t| self.types.contains(&t.as_str()))
    }
}

/// The answers to the questionnaire.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Answers {
    municipality: Option<String>,
    beneficiaries: Vec<String>,
    purposes: Vec<&'static str>,
    page: usize,
    lang: Lang,
    /// Was the form sent (any of its fields present, even empty)?
    answered: bool,
}

fn bad(message: String) -> AppError {
    AppError::BadRequest(message)
}

fn is_key(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= 100
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn parse(raw: Option<&str>) -> Result<Answers, AppError> {
    let mut a = Answers {
        page: 1,
        ..Answers::default()
    };
    for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.trim();
        match key.as_ref() {
            "municipality" => {
                a.answered = true;
                if value.is_empty() {
                    continue;
                }
                if !is_key(value) {
                    return Err(bad(
                        "`municipality` must be a municipality key such as `ptuj` or `novo-mesto`"
                            .into(),
                    ));
                }
                a.municipality = Some(value.to_string());
            }
            "beneficiary" => {
                a.answered = true;
                if value.is_empty() {
                    continue;
                }
                if !is_key(value) {
                    return Err(bad(
                        "`beneficiary` must be a key of the vocabulary, such as `samostojni-podjetniki`"
                            .into(),
                    ));
                }
                if a.beneficiaries.len() >= MAX_FILTER_VALUES {
                    return Err(bad(format!(
                        "too many `beneficiary` values (at most {MAX_FILTER_VALUES})"
                    )));
                }
                if !a.beneficiaries.iter().any(|b| b == value) {
                    a.beneficiaries.push(value.to_string());
                }
            }
            "purpose" => {
                a.answered = true;
                if value.is_empty() {
                    continue;
                }
                let Some(p) = Purpose::of(value) else {
                    let known: Vec<&str> = PURPOSES.iter().map(|p| p.key).collect();
                    return Err(bad(format!(
                        "unknown `purpose`; use one of: {}",
                        known.join(", ")
                    )));
                };
                if !a.purposes.contains(&p.key) {
                    a.purposes.push(p.key);
                }
            }
            "page" if !value.is_empty() => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE).contains(&n) => a.page = n,
                _ => {
                    return Err(bad(format!(
                        "`page` must be a whole number from 1 to {MAX_PAGE}"
                    )));
                }
            },
            "lang" => a.lang = Lang::from_key(value).unwrap_or_default(),
            _ => {}
        }
    }
    Ok(a)
}

impl Answers {
    /// The search that answers: `applies_in` the municipality, the beneficiaries, the types of
    /// the purposes; no words, so open and upcoming calls come first, then standing measures,
    /// then the record of closed calls.
    fn search(&self) -> SearchQuery {
        let mut q = SearchQuery {
            applies_in: self.municipality.clone(),
            page: self.page,
            lang: self.lang,
            ..SearchQuery::default()
        };
        if !self.beneficiaries.is_empty() {
            q.filters
                .insert(Facet::Beneficiary, self.beneficiaries.clone());
        }
        let mut types: Vec<String> = Vec::new();
        for p in self.purposes.iter().filter_map(|k| Purpose::of(k)) {
            for t in p.types {
                if !types.iter().any(|x| x == t) {
                    types.push((*t).to_string());
                }
            }
        }
        if !types.is_empty() {
            q.filters.insert(Facet::Type, types);
        }
        q
    }

    /// The form's query string without the language and page: for the language switch.
    fn query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if self.answered {
            s.append_pair("municipality", self.municipality.as_deref().unwrap_or(""));
        }
        for b in &self.beneficiaries {
            s.append_pair("beneficiary", b);
        }
        for p in &self.purposes {
            s.append_pair("purpose", p);
        }
        s.finish()
    }
}

pub async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    let answers = parse(raw.as_deref())?;
    let snapshot = state.snapshots.get();
    let today = state.today();
    let live = state.config.live_reload;
    let markup = if answers.answered {
        let query = answers.search();
        let slot = super::search_slot(&state).await?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            let results = snapshot.search(&query, today)?;
            Ok::<_, AppError>(render(&answers, Some((&query, &results)), &snapshot, live))
        })
        .await
        .map_err(|e| AppError::Internal(format!("search task failed: {e}")))??
    } else {
        render(&answers, None, &snapshot, live)
    };
    Ok(markup.into_response())
}

/// The municipalities to choose from, by label as a Slovenian reader sorts them.
fn municipalities(vocabulary: &Vocabulary, lang: Lang) -> Vec<(&str, &str)> {
    let mut all: Vec<(String, &str, &str)> = vocabulary
        .municipality
        .iter()
        .filter(|(k, _)| k.as_str() != NATIONAL)
        .map(|(k, _)| {
            let label = vocabulary.label_in(Dimension::Municipality, k, lang);
            (analysis::fold(label), k.as_str(), label)
        })
        .collect();
    all.sort();
    all.into_iter().map(|(_, k, l)| (k, l)).collect()
}

/// The beneficiary groups that some measure names, by label.
fn beneficiaries(snapshot: &Snapshot, lang: Lang) -> Vec<(&str, &str)> {
    let vocabulary = &snapshot.vocabulary;
    let mut used: Vec<(String, &str, &str)> = vocabulary
        .beneficiary
        .keys()
        .filter(|k| {
            snapshot
                .entries
                .values()
                .any(|e| e.beneficiaries.iter().any(|b| b == *k))
        })
        .map(|k| {
            let label = vocabulary.label_in(Dimension::Beneficiary, k, lang);
            (analysis::fold(label), k.as_str(), label)
        })
        .collect();
    used.sort();
    used.into_iter().map(|(_, k, l)| (k, l)).collect()
}

/// A label as it reads inside a sentence: its first letter small ("Samostojni podjetniki
/// (s.p.)" → "samostojni podjetniki (s.p.)").
fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Why `entry` fits the answers, in one line: "Velja v vaši občini · za: samostojni podjetniki
/// (s.p.) · najem prostorov".
fn why(entry: &Entry, answers: &Answers, vocabulary: &Vocabulary) -> String {
    let lang = answers.lang;
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = &answers.municipality {
        if entry.municipalities.iter().any(|x| x == m) {
            parts.push(
                lang.pick("Velja v vaši občini", "Applies in your municipality")
                    .into(),
            );
        } else if entry.municipalities.iter().any(|x| x == NATIONAL) {
            parts.push(
                lang.pick("Velja po vsej Sloveniji", "Applies across Slovenia")
                    .into(),
            );
        }
    }
    let groups: Vec<String> = answers
        .beneficiaries
        .iter()
        .filter(|b| entry.beneficiaries.contains(b))
        .map(|b| in_sentence(vocabulary.label_in(Dimension::Beneficiary, b, lang)))
        .collect();
    if !groups.is_empty() {
        parts.push(format!(
            "{} {}",
            lang.pick("za:", "for:"),
            groups.join(", ")
        ));
    }
    let purposes: Vec<&str> = answers
        .purposes
        .iter()
        .filter_map(|k| Purpose::of(k))
        .filter(|p| p.serves(entry))
        .map(|p| lang.pick(p.short.0, p.short.1))
        .collect();
    if !purposes.is_empty() {
        parts.push(purposes.join(", "));
    }
    parts.join(" · ")
}

fn render(
    answers: &Answers,
    found: Option<(&SearchQuery, &Results)>,
    snapshot: &Snapshot,
    live: bool,
) -> Markup {
    let lang = answers.lang;
    let title = lang.pick("Kaj mi pripada?", "What fits me?");
    let qs = answers.query_string();
    let here = if qs.is_empty() {
        "/fits".to_string()
    } else {
        format!("/fits?{qs}")
    };
    let main = html! {
        h1 { (title) }
        p.lead {
            (lang.pick(
                "Odgovorite na tri vprašanja in pokazali vam bomo ukrepe, ki veljajo za vas: ukrepe vaše občine in državne ukrepe. Vsa vprašanja so neobvezna.",
                "Answer three questions and we will show the measures that apply to you: your municipality's and the national ones. Every question is optional.",
            ))
        }
        form.fits #fits action="/fits" method="get" {
            fieldset {
                legend { (lang.pick("1. Kje imate ali boste odprli dejavnost?", "1. Where is (or will be) your business?")) }
                label for="fits-municipality" { (lang.pick("Občina", "Municipality")) }
                select #fits-municipality name="municipality" aria-describedby="fits-municipality-hint" {
                    option value="" selected[answers.municipality.is_none()] { (lang.pick("— katera koli občina —", "— any municipality —")) }
                    @for (key, label) in municipalities(&snapshot.vocabulary, lang) {
                        option value=(key) selected[answers.municipality.as_deref() == Some(key)] { (label) }
                    }
                }
                p.hint #fits-municipality-hint { (lang.pick("Pokazali bomo ukrepe te občine in državne ukrepe.", "We show this municipality's measures and the national ones.")) }
            }
            fieldset {
                legend { (lang.pick("2. Kdo ste?", "2. Who are you?")) }
                p.hint { (lang.pick("Izberite vse, kar velja za vas. Samostojni podjetnik, ki bo v najetem lokalu odprl trgovino, na primer izbere samostojne podjetnike, najemnike poslovnih prostorov in trgovce.", "Tick everything that applies. A sole trader opening a shop in rented premises, for example, ticks sole traders, tenants of business premises and retailers.")) }
                ul.choices {
                    @for (key, label) in beneficiaries(snapshot, lang) {
                        @let id = format!("fits-b-{key}");
                        li {
                            input type="checkbox" id=(id) name="beneficiary" value=(key) checked[answers.beneficiaries.iter().any(|b| b == key)];
                            label for=(id) { (label) }
                        }
                    }
                }
            }
            fieldset {
                legend { (lang.pick("3. Za kaj potrebujete pomoč?", "3. What do you need it for?")) }
                ul.choices {
                    @for p in PURPOSES {
                        @let id = format!("fits-p-{}", p.key);
                        li {
                            input type="checkbox" id=(id) name="purpose" value=(p.key) checked[answers.purposes.contains(&p.key)];
                            label for=(id) { (lang.pick(p.label.0, p.label.1)) }
                        }
                    }
                }
            }
            @if lang == Lang::En {
                input type="hidden" name="lang" value="en";
            }
            button type="submit" { (lang.pick("Pokaži, kaj mi pripada", "Show what fits me")) }
        }
        @if let Some((query, results)) = found {
            (answer(answers, query, results, snapshot))
        }
    };
    views::layout(
        &Frame {
            title,
            lang,
            quick_search: true,
            live,
            here,
            feed: None,
        },
        main,
    )
}

fn answer(
    answers: &Answers,
    query: &SearchQuery,
    results: &Results,
    snapshot: &Snapshot,
) -> Markup {
    let lang = answers.lang;
    let search = params::to_query_string(query, 1);
    let last_page = results.total.div_ceil(results.per_page).max(1);
    let page_link = |page: usize| {
        let mut a = answers.clone();
        a.page = page;
        let mut qs = a.query_string();
        if page > 1 {
            qs.push_str(&format!("&page={page}"));
        }
        href(&format!("/fits?{qs}"), lang)
    };
    html! {
        section.results.fits-results aria-labelledby="fits-results-h" {
            h2 #fits-results-h { (lang.pick("Ukrepi za vas", "Measures for you")) }
            p.total #results-status role="status" {
                @if results.total == 0 {
                    (lang.pick("Ni ukrepov za te odgovore. Poskusite z manj odgovori.", "No measures fit these answers. Try fewer answers."))
                } @else {
                    (results.total) " " (count_word(results.total, lang)) ". "
                    (lang.pick(
                        "Najprej odprti in prihajajoči razpisi, nato stalni ukrepi, na koncu zaprti razpisi.",
                        "Open and upcoming calls first, then standing measures, then closed calls.",
                    ))
                }
            }
            p.tools {
                a.as-search href=(href(&format!("/?{search}"), lang)) {
                    (lang.pick("Odpri kot iskanje (s filtri, izvozom in novicami)", "Open as a search (with filters, exports and a feed)"))
                }
            }
            ol.hits {
                @for hit in &results.hits {
                    @let e = &hit.entry;
                    @let reason = why(e, answers, &snapshot.vocabulary);
                    li.hit {
                        h3 lang=[(lang == Lang::En && e.title_en.is_none()).then_some("sl")] { a href=(href(&e.permalink(), lang)) { (e.title_in(lang)) } }
                        p.meta {
                            (status_badge(e, hit.status, lang)) " "
                            span.deadline { (deadline(e, lang)) } " · "
                            (labels(snapshot, Dimension::Municipality, &e.municipalities, lang))
                        }
                        @if !reason.is_empty() {
                            p.why { strong { (lang.pick("Zakaj: ", "Why: ")) } (reason) }
                        }
                        p.snippet lang=[(lang == Lang::En && e.summary_en.is_none()).then_some("sl")] { (e.summary_in(lang)) }
                    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Vocabulary {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml");
        let source = std::fs::read_to_string(&path).unwrap();
        Vocabulary::parse(&path, &source).unwrap()
    }

    #[test]
    fn every_purpose_names_types_of_the_shipped_vocabulary_and_every_type_has_a_purpose() {
        let vocabulary = shipped();
        for p in PURPOSES {
            for t in p.types {
                assert!(
                    vocabulary.r#type.contains_key(*t),
                    "{}: no type `{t}`",
                    p.key
                );
            }
        }
        for t in vocabulary.r#type.keys() {
            assert!(
                PURPOSES.iter().any(|p| p.types.contains(&t.as_str()))
                    || NOT_APPLIED_FOR.contains(&t.as_str()),
                "the type `{t}` serves no purpose of /fits"
            );
        }
    }

    #[test]
    fn answers_become_applies_in_beneficiaries_and_the_types_of_the_purposes() {
        let a = parse(Some(
            "municipality=ptuj&beneficiary=samostojni-podjetniki&purpose=premises&purpose=digital&lang=en",
        ))
        .unwrap();
        let q = a.search();
        assert_eq!(q.applies_in.as_deref(), Some("ptuj"));
        assert_eq!(q.selected(Facet::Beneficiary), ["samostojni-podjetniki"]);
        assert!(
            q.selected(Facet::Type)
                .contains(&"subvencija-najemnine".to_string())
        );
        assert!(
            q.selected(Facet::Type)
                .contains(&"digitalizacija".to_string())
        );
        assert_eq!(q.lang, Lang::En);
        assert!(q.text.is_empty());
        for raw in [
            "purpose=flying",
            "municipality=Ptuj!",
            "page=0",
            "beneficiary=A B",
        ] {
            assert!(parse(Some(raw)).is_err(), "{raw}");
        }
        assert!(!parse(None).unwrap().answered);
        assert!(parse(Some("municipality=")).unwrap().answered);
    }
}
