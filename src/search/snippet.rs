//! The passage shown under each result: the summary, or the part of the body that matched,
//! with matched words marked. Marking follows the query's own rules (`query::Highlighter`), so
//! "najemnine" is marked for the query "najemnino" and "Ljubljani" for "ljubjana".

use std::ops::Range;

use crate::handbook::entry::Entry;
use crate::search::query::Highlighter;
use crate::text::analysis;
use crate::text::lang::Lang;

/// Longest passage, in characters.
pub const MAX_CHARS: usize = 220;
/// How much text to show before the first match when a long text is cut.
const LEAD_CHARS: usize = 50;

/// The passage of `text` with matches marked, as HTML; `None` when nothing in it matched.
pub fn snippet(text: &str, highlighter: &Highlighter) -> Option<String> {
    let text = analysis::normalize(text);
    let mut marks: Vec<Range<usize>> = Vec::new();
    let mut shown: Option<Range<usize>> = None;
    // The words after the passage are never shown, so they are not looked at: in a long body
    // that is most of them.
    analysis::words(&text, |word, folded| {
        if shown.as_ref().is_some_and(|w| word.start >= w.end) {
            return false;
        }
        if highlighter.matches(folded) {
            if shown.is_none() {
                shown = Some(window(&text, &word));
            }
            marks.push(word);
        }
        true
    });
    Some(mark(&text, &marks, shown?))
}

/// The whole text if short, else about `MAX_CHARS` around the `first` match, cut at spaces
/// but never before the end of that match.
fn window(text: &str, first: &Range<usize>) -> Range<usize> {
    if text.chars().count() <= MAX_CHARS {
        return 0..text.len();
    }
    let before: Vec<(usize, char)> = text[..first.start].char_indices().collect();
    let mut start = before
        .len()
        .checked_sub(LEAD_CHARS)
        .map_or(0, |i| before[i].0);
    if start > 0 {
        start = text[start..first.start]
            .find(' ')
            .map_or(start, |i| start + i + 1);
    }
    let mut end = text[start..]
        .char_indices()
        .nth(MAX_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    if end < text.len() {
        end = text[start..end]
            .rfind(' ')
            .map_or(end, |i| start + i)
            // Without a space after the match ("najemnine,,,,…"), the last space before the
            // cut is before the match: the passage would show none of it.
            .max(first.end)
            .min(text.len());
    }
    start..end
}

/// HTML of `text[window]`, escaped, with `<mark>` around `marks` (byte ranges of `text`).
pub fn mark(text: &str, marks: &[Range<usize>], window: Range<usize>) -> String {
    let esc = |s: &str| maud::html!((s)).into_string();
    let mut out = String::new();
    if window.start > 0 {
        out.push('…');
    }
    let mut pos = window.start;
    for m in marks
        .iter()
        .filter(|m| m.start >= window.start && m.end <= window.end)
    {
        if m.start < pos {
            continue;
        }
        out.push_str(&esc(&text[pos..m.start]));
        out.push_str("<mark>");
        out.push_str(&esc(&text[m.clone()]));
        out.push_str("</mark>");
        pos = m.end;
    }
    out.push_str(&esc(&text[pos..window.end]));
    if window.end < text.len() {
        out.push('…');
    }
    out
}

/// The summary with the matched words marked, or the part of the body that matched, or else
/// the plain summary.
pub fn of_entry(entry: &Entry, highlighter: &Highlighter, lang: Lang) -> String {
    let summary = entry.summary_in(lang);
    if !highlighter.is_empty() {
        // The summary in the page's language first; then the other summary and the body
        // (Slovenian), which may be where the words matched.
        let other = (summary != entry.summary).then_some(entry.summary.as_str());
        let found = [Some(summary), other]
            .into_iter()
            .flatten()
            .find_map(|text| snippet(text, highlighter))
            .or_else(|| snippet(&entry.body_text(), highlighter));
        if let Some(s) = found {
            return s;
        }
    }
    maud::html!((summary)).into_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::{Highlighter, compile_highlighter_for_tests};

    fn hl(words: &[&str]) -> Highlighter {
        compile_highlighter_for_tests(words)
    }

    #[test]
    fn marks_are_escaped_and_placed_on_the_original_text() {
        let text = "Najem <b>lokala</b> & pročelja";
        let at = text.find("pročelja").unwrap();
        assert_eq!(
            mark(text, &[0..5, at..text.len()], 0..text.len()),
            "<mark>Najem</mark> &lt;b&gt;lokala&lt;/b&gt; &amp; <mark>pročelja</mark>"
        );
    }

    #[test]
    fn other_forms_of_the_word_are_marked() {
        let s = snippet(
            "Občina krije del najemnine za nove trgovine.",
            &hl(&["najemnino", "obcina"]),
        )
        .unwrap();
        assert_eq!(
            s,
            "<mark>Občina</mark> krije del <mark>najemnine</mark> za nove trgovine."
        );
    }

    #[test]
    fn a_long_text_is_cut_around_the_first_match() {
        let text = format!(
            "{} Podjetniški inkubator v središču. {}",
            "uvod ".repeat(60),
            "konec ".repeat(60)
        );
        let s = snippet(&text, &hl(&["inkubator"])).unwrap();
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>inkubator</mark>"), "{s}");
        assert!(s.chars().count() < MAX_CHARS + 30, "{s}");
    }

    /// The snippet as made before it stopped after the passage: every word analysed.
    fn snippet_of_every_word(text: &str, highlighter: &Highlighter) -> Option<String> {
        let text = analysis::normalize(text);
        let marks: Vec<Range<usize>> = analysis::analyze(&text)
            .into_iter()
            .filter(|w| highlighter.matches(&w.folded))
            .map(|w| w.start..w.end)
            .collect();
        let first = marks.first()?;
        Some(mark(&text, &marks, window(&text, first)))
    }

    #[test]
    fn stopping_after_the_passage_marks_what_looking_at_every_word_marks() {
        let words = [
            "najemnine",
            "lokal",
            "Občina",
            "sofinancira",
            "pročelja",
            "v",
            "starem",
            "mestnem",
            "jedru",
            "najemnino",
            "lokali",
            "—",
            "2024",
            "podjetnik",
        ];
        let highlighter = hl(&["najemnina", "lokala", "jedro"]);
        let mut checked = 0;
        // Texts from a few words to several passages long, the matches anywhere in them.
        for length in [3, 12, 40, 41, 60, 90, 150] {
            for shift in 0..words.len() {
                let text: Vec<&str> = (0..length)
                    .map(|i| words[(i * 7 + shift * 3 + i / 5) % words.len()])
                    .collect();
                let text = text.join(" ");
                assert_eq!(
                    snippet(&text, &highlighter),
                    snippet_of_every_word(&text, &highlighter),
                    "{text}"
                );
                checked += usize::from(snippet(&text, &highlighter).is_some());
            }
        }
        assert!(checked > 50, "only {checked} texts had a match");
    }

    #[test]
    fn nothing_matched_means_no_snippet() {
        assert_eq!(snippet("Brez ujemanja.", &hl(&["najemnina"])), None);
    }
}
