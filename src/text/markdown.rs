//! Markdown bodies of entries: safe HTML for pages and plain text for the index. Editors may
//! paste anything, so raw HTML is shown as text and links go only to web, mail and local pages.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("mailto:")
        || lower.starts_with('/')
        || lower.starts_with('#')
}

/// HTML for a page. Raw HTML in the Markdown is escaped; unsafe link targets are dropped.
pub fn to_html(markdown: &str) -> String {
    let mut dropped_links = 0usize;
    let events = Parser::new_ext(markdown, options()).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
            if !safe_url(&dest_url) =>
        {
            dropped_links += 1;
            None
        }
        Event::End(TagEnd::Link | TagEnd::Image) if dropped_links > 0 => {
            dropped_links -= 1;
            None
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            // Images would load third-party content into an official page; show a link instead.
            Some(Event::Start(Tag::Link {
                link_type: LinkType::Inline,
                dest_url,
                title,
                id: CowStr::Borrowed(""),
            }))
        }
        Event::End(TagEnd::Image) => Some(Event::End(TagEnd::Link)),
        other => Some(other),
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// The words of the Markdown without its markup, for full-text search.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::TableCell,
            ) if !out.ends_with([' ', '\n']) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = to_html("Pogoji <script>alert(1)</script>\n\n<b>x</b>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b>"), "{html}");
    }

    #[test]
    fn javascript_links_are_dropped_but_their_text_stays() {
        let html = to_html("[klik](javascript:alert(1)) in [vir](https://www.kranj.si)");
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("klik"), "{html}");
        assert!(
            html.contains("<a href=\"https://www.kranj.si\">vir</a>"),
            "{html}"
        );
    }

    #[test]
    fn plain_text_keeps_the_words_only() {
        assert_eq!(
            plain_text("# Pogoji\n\n- **najem** lokala\n- rok"),
            "Pogoji\nnajem lokala\nrok"
        );
    }
}
