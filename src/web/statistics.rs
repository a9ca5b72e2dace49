//! `/statistics`: how many measures the handbook has by region, municipality, type of measure,
//! source of funding and year of opening. Each count is drawn as a bar chart (inline SVG,
//! rendered on the server, no script) and listed in a table beside it; a bar and a table row
//! link to the search that lists exactly the measures counted. The counts are the search's own
//! facet counts over the whole handbook, so the page and the search can never disagree.

use std::collections::BTreeMap;

use axum::extract::{RawQuery, State};
use chrono::Datelike;
use maud::{Markup, html};

use super::AppState;
use super::error::PageError;
use super::views::{Frame, count_word, href, layout};
use crate::search::params;
use crate::search::{Facet, Results};
use crate::text::lang::Lang;

/// Bars: #0b5cad on white is 6.6:1, well above the 3:1 that graphics need.
const BAR: &str = "#0b5cad";
/// Text: #1b1f24 on white is 16:1.
const INK: &str = "#1b1f24";
/// Height of one row of a chart, and of its bar, in SVG units (pixels at full size).
const ROW: usize = 26;
const BAR_HEIGHT: usize = 18;
/// The longest bar; the others are scaled to it.
const BAR_MAX: usize = 360;
/// Room for the count right of the longest bar.
const VALUE_ROOM: usize = 56;
const FONT_SIZE: usize = 14;
/// Labels longer than this are cut in the chart (the table beside it has them whole).
const LABEL_CHARS: usize = 38;

pub async fn page(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Markup, PageError> {
    let lang = params::lang_of(raw.as_deref());
    // Only the language is taken from the request: the statistics are of the whole handbook.
    let all = (lang != Lang::Sl).then(|| format!("lang={}", lang.key()));
    let live = state.config.live_reload;
    let page = super::with_all_results(&state, all, move |query, results, _, _| {
        statistics_page(results, query.lang, live)
    })
    .await?;
    Ok(page)
}

/// One value counted: its label, how many measures, and the search that lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub count: usize,
    /// Path and query of the search, without the language; `None` where no search filters
    /// by this value (years).
    pub link: Option<String>,
}

/// One section of the page.
struct Stat {
    /// For element ids: `region`, `year`, ...
    key: &'static str,
    heading: &'static str,
    /// The header of the table's value column.
    column: &'static str,
    note: Option<&'static str>,
    bars: Vec<Bar>,
}

/// The values of a facet as bars, in the search's order (most measures first, then by label).
fn facet_bars(results: &Results, facet: Facet) -> Vec<Bar> {
    results
        .facets
        .iter()
        .filter(|(f, _)| *f == facet)
        .flat_map(|(_, values)| values)
        .filter(|v| v.count > 0)
        .map(|v| Bar {
            label: v.label.clone(),
            count: v.count,
            link: Some(format!(
                "/?{}",
                form_urlencoded::Serializer::new(String::new())
                    .append_pair(facet.name(), &v.value)
                    .finish()
            )),
        })
        .collect()
}

/// Measures by the year their call opens, oldest first; where only the deadline is known, its
/// year stands in (most past calls in a handbook record only when they closed); undated last.
fn year_bars(results: &Results, lang: Lang) -> Vec<Bar> {
    let mut years: BTreeMap<i32, usize> = BTreeMap::new();
    let mut undated = 0;
    for hit in &results.hits {
        match hit.entry.open_from.or(hit.entry.open_until) {
            Some(d) => *years.entry(d.year()).or_default() += 1,
            None => undated += 1,
        }
    }
    let mut bars: Vec<Bar> = years
        .into_iter()
        .map(|(year, count)| Bar {
            label: year.to_string(),
            count,
            link: None,
        })
        .collect();
    if undated > 0 {
        bars.push(Bar {
            label: lang.pick("brez datuma", "no date").to_string(),
            count: undated,
            link: None,
        });
    }
    bars
}

pub fn statistics_page(results: &Results, lang: Lang, live: bool) -> Markup {
    let several = lang.pick(
        "Ukrep, ki velja v več občinah, je štet pri vsaki od njih.",
        "A measure that covers several municipalities is counted in each.",
    );
    let stats = [
        Stat {
            key: "region",
            heading: lang.pick("Ukrepi po regijah", "Measures by region"),
            column: Facet::Region.title_in(lang),
            note: Some(several),
            bars: facet_bars(results, Facet::Region),
        },
        Stat {
            key: "municipality",
            heading: lang.pick("Ukrepi po občinah", "Measures by municipality"),
            column: Facet::Municipality.title_in(lang),
            note: Some(several),
            bars: facet_bars(results, Facet::Municipality),
        },
        Stat {
            key: "type",
            heading: lang.pick("Ukrepi po vrsti", "Measures by type"),
            column: Facet::Type.title_in(lang),
            note: Some(lang.pick(
                "Ukrep več vrst je štet pri vsaki.",
                "A measure of several types is counted in each.",
            )),
            bars: facet_bars(results, Facet::Type),
        },
        Stat {
            key: "source",
            heading: lang.pick(
                "Ukrepi po viru financiranja",
                "Measures by source of funding",
            ),
            column: Facet::Source.title_in(lang),
            note: Some(lang.pick(
                "Ukrep z več viri je štet pri vsakem.",
                "A measure with several sources is counted in each.",
            )),
            bars: facet_bars(results, Facet::Source),
        },
        Stat {
            key: "year",
            heading: lang.pick(
                "Ukrepi po letu odprtja razpisa",
                "Measures by year the call opens",
            ),
            column: lang.pick("Leto", "Year"),
            note: Some(lang.pick(
                "Leto datuma »odprto od« ali, kjer ga ni, roka za prijavo; ukrepi brez obeh datumov so šteti posebej.",
                "The year of the “open from” date or, where there is none, of the deadline; measures with neither are counted apart.",
            )),
            bars: year_bars(results, lang),
        },
    ];
    let title = lang.pick("Statistika priročnika", "Statistics of the handbook");
    let main = html! {
        h1 { (title) }
        p.total #stat-total {
            strong { (results.total) } " " (count_word(results.total, lang)) (lang.pick(" v priročniku", " in the handbook"))
        }
        nav aria-label=(lang.pick("Razdelki", "Sections")) {
            ul {
                @for s in &stats {
                    li { a href={"#stat-" (s.key)} { (s.heading) } }
                }
            }
        }
        @for s in &stats {
            (section(s, lang))
        }
    };
    layout(
        &Frame {
            title,
            lang,
            quick_search: true,
            live,
            here: "/statistics".into(),
            feed: None,
        },
        main,
    )
}

fn section(s: &Stat, lang: Lang) -> Markup {
    let heading_id = format!("stat-{}", s.key);
    html! {
        section.stat aria-labelledby=(heading_id) {
            h2 #(heading_id) { (s.heading) }
            @if s.bars.is_empty() {
                p { (lang.pick("Ni podatkov.", "No data.")) }
            } @else {
                figure.chart {
                    (chart(s, lang))
                    figcaption {
                        (s.heading) ". "
                        @if let Some(note) = s.note { (note) " " }
                        @if s.bars.iter().any(|b| b.link.is_some()) {
                            (lang.pick("Stolpec odpre iskanje teh ukrepov.", "A bar opens the search for these measures."))
                        }
                    }
                }
                div.table-wrap {
                    table.stats {
                        caption { (s.heading) }
                        thead {
                            tr {
                                th scope="col" { (s.column) }
                                th.num scope="col" { (lang.pick("Število ukrepov", "Number of measures")) }
                            }
                        }
                        tbody {
                            @for b in &s.bars {
                                tr {
                                    th scope="row" {
                                        @match &b.link {
                                            Some(link) => a href=(href(link, lang)) { (b.label) },
                                            None => (b.label),
                                        }
                                    }
                                    td.num { (b.count) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A horizontal bar chart: the label left, the bar scaled to the largest count, the count
/// right of the bar; a bar with a search is a link to it.
fn chart(s: &Stat, lang: Lang) -> Markup {
    let title_id = format!("chart-{}-title", s.key);
    let desc_id = format!("chart-{}-desc", s.key);
    let max = s.bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let labels: Vec<String> = s.bars.iter().map(|b| cut(&b.label)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    // About 0.6 em per character: a generous estimate, so labels do not run into the bars.
    let label_room = (longest * FONT_SIZE * 6 / 10 + 16).clamp(60, 320);
    let width = label_room + BAR_MAX + VALUE_ROOM;
    let height = s.bars.len() * ROW + 8;
    let largest = s.bars.iter().find(|b| b.count == max);
    let desc = match (largest, lang) {
        (Some(b), Lang::Sl) => format!(
            "Vodoravni stolpci, eden za vsako vrednost ({}); največ ukrepov ima {}: {}. Vse vrednosti so v preglednici ob grafu.",
            s.bars.len(),
            b.label,
            b.count
        ),
        (Some(b), Lang::En) => format!(
            "Horizontal bars, one per value ({}); the most measures has {}: {}. Every value is in the table beside the chart.",
            s.bars.len(),
            b.label,
            b.count
        ),
        (None, _) => String::new(),
    };
    html! {
        // A group, not an image: an image's children are hidden from screen readers, and
        // the bars are links (axe: nested-interactive).
        svg role="group" aria-labelledby=(title_id) aria-describedby=(desc_id)
            width=(width) height=(height) viewBox={"0 0 " (width) " " (height)}
            font-size=(FONT_SIZE) {
            title #(title_id) { (s.heading) }
            desc #(desc_id) { (desc) }
            @for (i, (b, label)) in s.bars.iter().zip(&labels).enumerate() {
                @let y = 4 + i * ROW;
                @let baseline = y + BAR_HEIGHT / 2 + FONT_SIZE * 35 / 100;
                @let length = (b.count * BAR_MAX / max).max(2);
                text x=(label_room - 8) y=(baseline) text-anchor="end" fill=(INK) { (label) }
                @let bar = html! {
                    rect x=(label_room) y=(y) width=(length) height=(BAR_HEIGHT) fill=(BAR) {}
                    text x=(label_room + length + 6) y=(baseline) fill=(INK) { (b.count) }
                };
                @match &b.link {
                    Some(link) => {
                        a href=(href(link, lang)) aria-label={(b.label) ": " (b.count) " " (count_word(b.count, lang))} { (bar) }
                    }
                    None => g { (bar) },
                }
            }
        }
    }
}

/// A label as the chart shows it: cut to `LABEL_CHARS` characters.
fn cut(label: &str) -> String {
    match label.char_indices().nth(LABEL_CHARS) {
        Some((i, _)) => format!("{}…", &label[..i]),
        None => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(counts: &[usize]) -> Stat {
        Stat {
            key: "type",
            heading: "Ukrepi po vrsti",
            column: "Vrsta",
            note: None,
            bars: counts
                .iter()
                .enumerate()
                .map(|(i, c)| Bar {
                    label: format!("Vrsta <{i}>"),
                    count: *c,
                    link: Some(format!("/?type=v{i}")),
                })
                .collect(),
        }
    }

    #[test]
    fn the_longest_bar_belongs_to_the_largest_count_and_the_others_scale_to_it() {
        let svg = chart(&bars(&[4, 2, 1]), Lang::Sl).into_string();
        assert!(svg.contains(&format!("width=\"{BAR_MAX}\"")), "{svg}");
        assert!(svg.contains(&format!("width=\"{}\"", BAR_MAX / 2)), "{svg}");
        assert!(svg.contains(&format!("width=\"{}\"", BAR_MAX / 4)), "{svg}");
    }

    #[test]
    fn the_chart_is_a_group_named_by_its_title_with_escaped_labels() {
        let svg = chart(&bars(&[1]), Lang::Sl).into_string();
        assert!(svg.starts_with("<svg role=\"group\" aria-labelledby=\"chart-type-title\""));
        assert!(svg.contains("<title id=\"chart-type-title\">Ukrepi po vrsti</title>"));
        assert!(svg.contains("viewBox="));
        assert!(svg.contains("Vrsta &lt;0&gt;"));
        assert!(!svg.contains("<0>"));
        // Every rect is closed: an unclosed <rect> in HTML swallows what follows.
        assert_eq!(svg.matches("<rect").count(), svg.matches("</rect>").count());
    }

    #[test]
    fn the_height_grows_with_the_number_of_rows() {
        let one = chart(&bars(&[1]), Lang::En).into_string();
        let three = chart(&bars(&[1, 1, 1]), Lang::En).into_string();
        assert!(one.contains(&format!("height=\"{}\"", ROW + 8)));
        assert!(three.contains(&format!("height=\"{}\"", 3 * ROW + 8)));
    }

    #[test]
    fn long_labels_are_cut_in_the_chart_only() {
        let long = "a".repeat(100);
        assert_eq!(cut(&long).chars().count(), LABEL_CHARS + 1);
        assert_eq!(cut("Kranj"), "Kranj");
    }
}
