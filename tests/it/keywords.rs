//! The editors' `keywords`: a measure is found by the words people search with that its own
//! text never uses, in any form, below a measure whose title uses the word itself; the words
//! are searched, not shown on the measure's page. (How the history names a keyword added is
//! `history::diff`'s unit test; `keyword-too-long` is in `diagnostics`.)

use crate::common::{TempHandbook, simple_entry};

fn with_keywords(title: &str, keywords: &str) -> String {
    format!("{}keywords = [{keywords}]\n", simple_entry(title))
}

#[tokio::test]
async fn a_keyword_finds_a_measure_whose_text_never_uses_the_word_below_one_that_does() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/a.toml",
        &simple_entry("Zelenjava na tržnici"),
    );
    hb.write(
        "measures/kranj/b.toml",
        &with_keywords("Ukrep za prodajalce", "\"zelenjava\", \"sadje\""),
    );
    hb.write("measures/kranj/c.toml", &simple_entry("Drugi ukrep"));
    let app = hb.app();
    assert_eq!(app.ids("q=zelenjava").await, ["a", "b"]);
    // In another form too: keywords are analysed as the rest of the text is.
    assert_eq!(app.ids("q=zelenjavo").await, ["a", "b"]);
    assert_eq!(app.ids("q=sadja").await, ["b"]);
}

#[tokio::test]
async fn keywords_are_searched_but_not_shown_on_the_measures_page() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/b.toml",
        &with_keywords("Ukrep za prodajalce", "\"sadje\""),
    );
    let app = hb.app();
    assert_eq!(app.ids("q=sadje").await, ["b"]);
    let page = app.get("/measures/b").await;
    assert!(page.body.contains("Ukrep za prodajalce"), "{}", page.body);
    assert!(!page.body.contains("sadje"), "{}", page.body);
}
