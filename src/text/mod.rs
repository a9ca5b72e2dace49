//! How text becomes search terms, and the words and languages around it: the tokenizer, the
//! Slovenian lemma model and stemmer, synonyms, the analysers built from them, Markdown bodies and the two
//! languages of the interface, and dates and amounts written in each (`format`).

pub mod analysis;
pub mod family;
pub mod format;
pub(crate) mod lang;
pub mod lemma;
pub mod markdown;
pub mod stemmer;
pub mod stopwords;
pub(crate) mod synonyms;
pub(crate) mod tokenizer;

pub use lang::Lang;
