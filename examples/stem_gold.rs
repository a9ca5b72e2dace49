//! The analyser's terms (`term` of `/api/analyze`) against the stemmer's gold: pairwise precision, recall and F1 per part of speech on the
//! dev and test halves of `tests/stemmer/forms.tsv`, as a Markdown table. With a half's name
//! after the file (`dev`), it also lists that half's split paradigms and joined lemmas; rules are
//! written against the dev half only, so that the test half stays a fair measure.
//!
//!     cargo run --release --example stem_gold -- tests/stemmer/forms.tsv [dev]

#[path = "../tests/stemmer/gold.rs"]
mod gold;

use handbook::text::analysis;

/// The term `/api/analyze` gives a word.
fn term(word: &str) -> String {
    analysis::analyze(word)
        .into_iter()
        .next()
        .map(|w| w.term)
        .unwrap_or_default()
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "tests/stemmer/forms.tsv".to_string());
    let gold = gold::load(&std::fs::read_to_string(&path)?);
    println!(
        "{} lemmas, {} scored forms, {} homographs left out: {}\n",
        gold.lemmas.len(),
        gold.forms.len(),
        gold.homographs.len(),
        gold.homographs.join(" ")
    );
    print!("{}", gold::table(&gold, term));
    match args.next().as_deref() {
        None => {}
        Some("dev") => print!("\n{}", gold::errors(&gold, gold::Half::Dev, term)),
        Some("test") => print!("\n{}", gold::errors(&gold, gold::Half::Test, term)),
        Some(other) => anyhow::bail!("unknown half {other:?}: dev or test"),
    }
    Ok(())
}
