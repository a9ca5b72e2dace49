//! How text becomes search terms, and the words and languages around it: the tokenizer, the
//! Slovenian stemmer, synonyms, the analysers built from them, Markdown bodies and the two
//! languages of the interface.

pub mod analysis;
pub mod family;
pub(crate) mod lang;
pub mod markdown;
pub mod stemmer;
pub(crate) mod synonyms;
pub(crate) mod tokenizer;

pub use lang::Lang;
