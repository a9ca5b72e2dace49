//! The tokenizer every analyser starts with: words split at anything not a letter or digit,
//! words too long to be words dropped, and the rest lowercased and folded to ASCII (č→c, ß→ss),
//! in one pass over the text. It makes exactly the tokens of Tantivy's chain `SimpleTokenizer`
//! → `RemoveLongFilter` → `LowerCaser` → `AsciiFoldingFilter`, which it replaces because that
//! chain copies and rescans each word once per step, and every word of every entry goes
//! through it twice (the stemmed and the exact field): a seventh of a full build's time.
//!
//! Folding is Tantivy's own: a letter of the Latin blocks most European languages write is
//! looked up in a table made once by running Tantivy's filters on it, and a word with any
//! other letter goes through those filters whole.

use std::sync::LazyLock;

use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Characters from U+0080 up to here fold by table: Latin-1 Supplement, Latin Extended-A and
/// Latin Extended-B, every letter Slovenian and its neighbours write.
const TABLE_END: u32 = 0x250;

/// Lowercase and folded, as Tantivy's filters make a whole word.
fn filters() -> TextAnalyzer {
    TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

fn fold_with(filters: &mut TextAnalyzer, word: &str, out: &mut String) {
    let mut stream = filters.token_stream(word);
    while stream.advance() {
        out.push_str(&stream.token().text);
    }
}

/// The folded form of each character from U+0080 to `TABLE_END`. Lowercasing and folding
/// both map one character at a time, so a word's folded form is that of its characters.
static FOLDED: LazyLock<Vec<Box<str>>> = LazyLock::new(|| {
    let mut filters = filters();
    (0x80..TABLE_END)
        .map(|u| {
            let mut out = String::new();
            if let Some(c) = char::from_u32(u) {
                fold_with(&mut filters, c.encode_utf8(&mut [0; 4]), &mut out);
            }
            out.into_boxed_str()
        })
        .collect()
});

/// Splits, drops words of `limit` bytes or more, lowercases and folds.
#[derive(Clone)]
pub struct FoldingTokenizer {
    limit: usize,
    token: Token,
    /// For words with a letter outside the table.
    filters: TextAnalyzer,
}

impl FoldingTokenizer {
    /// Words of `limit` bytes or more, as written, are dropped (and still take a position).
    pub fn new(limit: usize) -> Self {
        FoldingTokenizer {
            limit,
            token: Token::default(),
            filters: filters(),
        }
    }
}

impl Tokenizer for FoldingTokenizer {
    type TokenStream<'a> = FoldingTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldingTokenStream<'a> {
        self.token.reset();
        FoldingTokenStream {
            text,
            at: 0,
            limit: self.limit,
            token: &mut self.token,
            filters: &mut self.filters,
        }
    }
}

pub struct FoldingTokenStream<'a> {
    text: &'a str,
    /// Byte offset where the search for the next word starts.
    at: usize,
    limit: usize,
    token: &'a mut Token,
    filters: &'a mut TextAnalyzer,
}

/// The character at byte `at` of `text`, and its length in bytes.
fn char_at(text: &str, at: usize) -> (char, usize) {
    let b = text.as_bytes()[at];
    if b.is_ascii() {
        return (char::from(b), 1);
    }
    let c = text[at..]
        .chars()
        .next()
        .expect("`at` is on a character boundary");
    (c, c.len_utf8())
}

impl FoldingTokenStream<'_> {
    /// The next word's start, end, and whether it is all ASCII.
    fn next_word(&mut self) -> Option<(usize, usize, bool)> {
        let len = self.text.len();
        while self.at < len {
            let (c, n) = char_at(self.text, self.at);
            if c.is_alphanumeric() {
                break;
            }
            self.at += n;
        }
        if self.at >= len {
            return None;
        }
        let start = self.at;
        let mut ascii = true;
        while self.at < len {
            let (c, n) = char_at(self.text, self.at);
            if !c.is_alphanumeric() {
                break;
            }
            ascii &= n == 1;
            self.at += n;
        }
        Some((start, self.at, ascii))
    }

    fn fold(&mut self, word: &str) {
        let text = &mut self.token.text;
        for c in word.chars() {
            match u32::from(c) {
                u if u < 0x80 => text.push(c.to_ascii_lowercase()),
                u if u < TABLE_END => text.push_str(&FOLDED[(u - 0x80) as usize]),
                _ => {
                    text.clear();
                    fold_with(self.filters, word, text);
                    return;
                }
            }
        }
    }
}

impl TokenStream for FoldingTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((start, end, ascii)) = self.next_word() {
            self.token.position = self.token.position.wrapping_add(1);
            if end - start >= self.limit {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.text.clear();
            let word = &self.text[start..end];
            if ascii {
                self.token.text.push_str(word);
                self.token.text.make_ascii_lowercase();
            } else {
                self.fold(word);
            }
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer};

    const LIMIT: usize = 12;

    /// The chain this tokenizer replaces.
    fn chain() -> TextAnalyzer {
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(LIMIT))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build()
    }

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    fn agree(text: &str) {
        let mut ours = TextAnalyzer::builder(FoldingTokenizer::new(LIMIT)).build();
        assert_eq!(
            tokens(&mut ours, text),
            tokens(&mut chain(), text),
            "{text:?}"
        );
    }

    #[test]
    fn words_are_split_lowercased_and_folded_as_by_tantivys_filters() {
        agree("Subvencije najemnin v STAREM mestnem jedru: 50 % (Škofja Loka, Žalec, Črnomelj)");
        agree("Straße ÆON Œuvre ĳssel ǅemal İstanbul ΣΟΦΙΑ Ꞵ ǈ Kelvin: \u{212A}");
        agree("a-b_c/d.e,f  g\th\ni… «j» 2024–2025 x²y ½ ①");
        agree("");
        agree("   ");
    }

    #[test]
    fn words_of_the_limit_or_longer_are_dropped_but_keep_their_position() {
        agree("kratka zeloDolgaBesedaNadMejo druga 12345678901 123456789012 šššššš ššššš");
        let mut ours = TextAnalyzer::builder(FoldingTokenizer::new(LIMIT)).build();
        let t = tokens(&mut ours, "ena abcdefghijklmnop dve");
        assert_eq!(t[1], ("dve".to_string(), 21, 24, 2));
    }

    #[test]
    fn every_character_of_the_table_folds_as_tantivy_folds_it() {
        for u in 0x80..TABLE_END + 64 {
            if let Some(c) = char::from_u32(u) {
                agree(&format!("x{c}y {c} {c}{c}"));
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_makes_the_tokens_of_the_chain(text in "[ a-zA-Z0-9čšžČŠŽćđß.,ΣσİıẞǅŉÅǰ\u{300}\u{1E9E}\u{FB01}\u{212A}-]{0,40}") {
            agree(&text);
        }

        #[test]
        fn any_unicode_makes_the_tokens_of_the_chain(text in "\\PC{0,30}") {
            agree(&text);
        }
    }
}
