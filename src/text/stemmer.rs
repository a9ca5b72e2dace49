//! A Slovenian stemmer for search, written here because Snowball, Lucene and Elasticsearch
//! ship none. It works on folded text (lowercase, č→c, š→s, ž→z), so that queries without
//! diacritics stem the same way as the entries.
//!
//! A word first goes to its lemma (`lemma`, a model learned from a lemmatiser). A verb's term
//! is its infinitive: every person, participle and imperative of prijaviti is `prijaviti`,
//! apart from the noun prijava, which no ending rule can tell from the verb's prijavi. Every
//! other word goes on from its lemma through the ending rules below, which still join what the
//! model leaves apart (a comparative and its adjective, a form the model misplaces) and which
//! alone decide for a word the model does not change.
//!
//! It conflates inflected forms: nouns and adjectives in every case and number, and verbs in
//! every person and number of the present, the infinitive and supine, the l-participle and the
//! imperative. It does not try to join words that are only derived from one another
//! ("podjetje" and "podjetnik", "prodati" and "prodajati" stay apart), because precision matters
//! more to a searcher than a few more hits; a noun and a verb on one root do join where no
//! suffix can tell them apart (prijava and prijaviti). Four steps, each applied once:
//!
//! 0. **Verbs in -ovati, -evati** (`UJ_ENDINGS`): svetovati, svetoval, svetujem, svetuj →
//!    svetuj. The present's -uj- stands for both -ov- and -ev-, which folding and the present
//!    cannot tell apart, so every form ends in -uj and the other steps are skipped.
//! 1. **Endings** (`ENDINGS`): the longest inflectional ending whose removal leaves a stem of at
//!    least three letters (five for `mi`): adjective -ega -emu -imi -ima -em -im -ih,
//!    noun -ama -ami -oma -ema -om -ov -ev -am -ah -mi, -jo after a consonant (pomočjo,
//!    dejavnostjo), -ijo after v (storitvijo), and the vowels -a -e -i -o -u (noun, adjective
//!    and verb endings alike). Verb endings are taken whole, with the vowel of their class, so
//!    that every form of a verb leaves the same root: -ati -iti -at -it (infinitive, supine),
//!    -as -is -es -ata -ita -amo -imo -emo -ate -ite -eva -ajo -ejo (present), -aj -ajmo -ajte
//!    -ajoc (imperative, participle), -al -ala -alo -ali -ale and -il … -ile (l-participle),
//!    and -irava (financirava). Where such an ending is also the end of a noun's own stem, the
//!    noun keeps it: -eti -et -eta -ete go only after r (odpreti, odprete; promet and nasvet
//!    keep their -et); the second person's -s not after pi, ce, re, era (razpis, proces,
//!    interes, teras); the l-participle's -al -il not from the nouns in `OWN_L`, where cutting
//!    it would leave another word's stem (lokal is not Loka, pravilo is not pravo, plačilo is
//!    not plača).
//! 2. **Stem endings** (`STEM_ENDINGS`): the same word's other forms may still carry a piece
//!    that step 1 cut from the nominative, so one more piece is cut from what step 1 left:
//!    -am -em -om -im -ih -ov -ev -ah (program/programa → progr), -at -it -et -al -il (kredit,
//!    lokal; the same exceptions as in step 1), -ej (ideja/idejo) and -an, always leaving at
//!    least three letters. Verbal nouns keep their own stem (sofinanciranje → sofinanciranj):
//!    they are other words, not other forms. Because step 2 runs on the output of step 1 for
//!    *every* form, it keeps a paradigm together; its only risk is joining two different words.
//!    There is no -aj here: delaj and delajo lose it in step 1, and cutting it from prodaj-
//!    would join prodajati with prodati.
//! 3. **Alternations** (`normalize`): the vowel that comes and goes (neobstojni polglasnik) and
//!    stem extensions: Koper/Kopra → kopr, posel/posla → posl, mesten/mestna → mestn,
//!    gostinec/gostinca → gostinc, začetek/začetka → zacetk, partner/partnerja → partnr,
//!    storitev/storitve → stor, turizem/turizma → turiz, podjetij/podjetje → podjetj; the -ij-
//!    of -ija nouns and of the third person plural of -iti verbs (investicija → investic,
//!    govorijo → govor), and a j after a consonant (področje/področij → podroc; lj and nj are
//!    one sound each and keep it, and so do podjetje and zdravje), both only where five letters
//!    are left. They are applied before step 2 and after it. Last, the l of an l-participle
//!    goes after m, r or l (razumel → razum, odprl → odpr, želel → zel); after other
//!    consonants it belongs to a noun as often (posel, novela, svetel).
//!
//! No step cuts a word down to a function word: not to a preposition (`FUNCTION_WORDS`:
//! predal is not pred), and no lemma to a word that never counts (`stopwords`): najem is not
//! naj, which every "naj bi" of the handbook has, and delo is not del ("del stroškov"); a
//! lemma the steps would cut to one stays whole.
//!
//! Words of three letters or fewer, and words with digits, are left alone.

use std::cell::RefCell;
use std::sync::LazyLock;

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::text::lemma;
use crate::text::stopwords;

/// Inflectional endings of step 1, with the shortest stem each may leave.
const ENDINGS: &[(&str, usize)] = &[
    ("vijo", 4),
    ("ega", 3),
    ("emu", 3),
    ("imi", 3),
    ("ima", 3),
    ("ama", 3),
    ("ami", 3),
    ("oma", 3),
    ("ema", 3),
    ("ih", 3),
    ("im", 3),
    ("em", 3),
    ("om", 3),
    ("ov", 3),
    ("ev", 3),
    ("am", 3),
    ("ah", 3),
    ("mi", 5),
    ("jo", 3),
    ("a", 3),
    ("e", 3),
    ("i", 3),
    ("o", 3),
    ("u", 3),
    // Verbs: infinitive and supine.
    ("ati", 3),
    ("iti", 3),
    ("eti", 3),
    ("at", 3),
    ("it", 3),
    ("et", 3),
    // Present: second person singular, dual, plural.
    ("as", 3),
    ("is", 3),
    ("es", 3),
    ("eva", 3),
    ("irava", 3),
    ("ata", 3),
    ("ita", 3),
    ("eta", 3),
    ("amo", 3),
    ("imo", 3),
    ("emo", 3),
    ("ate", 3),
    ("ite", 3),
    ("ete", 3),
    ("ajo", 3),
    ("ejo", 3),
    // Imperative and present participle.
    ("aj", 3),
    ("ajmo", 3),
    ("ajte", 3),
    ("ajoc", 3),
    // l-participle.
    ("al", 3),
    ("ala", 3),
    ("alo", 3),
    ("ali", 3),
    ("ale", 3),
    ("il", 3),
    ("ila", 3),
    ("ilo", 3),
    ("ili", 3),
    ("ile", 3),
];

/// Pieces of step 2, with the shortest stem each may leave.
const STEM_ENDINGS: &[(&str, usize)] = &[
    ("am", 3),
    ("em", 3),
    ("om", 3),
    ("im", 3),
    ("ih", 3),
    ("ov", 3),
    ("ev", 3),
    ("ah", 3),
    ("al", 3),
    ("il", 3),
    ("at", 3),
    ("it", 3),
    ("et", 3),
    ("ej", 3),
    ("an", 3),
];

/// Step 0: the forms of -ovati and -evati verbs, each replaced by -uj, with the shortest root
/// each may leave. Present and imperative first, then the -ov-/-ev- forms (infinitive, supine,
/// l-participle).
const UJ_ENDINGS: &[(&str, usize)] = &[
    ("ujem", 3),
    ("ujes", 3),
    ("uje", 3),
    ("ujeva", 3),
    ("ujeta", 3),
    ("ujemo", 3),
    ("ujete", 3),
    ("ujejo", 3),
    ("uj", 3),
    ("ujmo", 3),
    ("ujte", 3),
    ("ujoc", 3),
    ("ovati", 3),
    ("ovat", 3),
    ("oval", 3),
    ("ovala", 3),
    ("ovalo", 3),
    ("ovali", 3),
    ("ovale", 3),
    ("evati", 3),
    ("evat", 3),
    ("eval", 3),
    ("evala", 3),
    ("evalo", 3),
    ("evali", 3),
    ("evale", 3),
];

/// Nouns whose -al or -il is their own (folded, as step 1 leaves them): cutting it as an
/// l-participle's would leave another word's stem (lokal and loka, pravilo and pravo, zdravilo
/// and zdrav, merilo and mera, plačilo and plača, letalo and leto, besedilo and beseda) or
/// one that step 2 would cut again (kapital). Other nouns in -al and -ilo join their verb, as
/// any noun on a verb's root does.
const OWN_L: &[&str] = &[
    "barvil", "besedil", "daril", "gnojil", "kapital", "krmil", "letal", "lokal", "meril",
    "placil", "portal", "pravil", "zdravil",
];

/// Lemmas with a term of their own, because the cuts would make their term that of another,
/// common word of the field (folded): a search for a fair (sejem) would find every council
/// session (seja, sej), revitalisation (poživitev) every public call (poziv), a comprehensive
/// renovation (celovit) every "cel" and "celo", finished (končan) every end (konec, konc), and
/// accommodation (namestitev) every "namesto" (instead of). Each keeps its lemma whole, and
/// the rest of its paradigm meets it through the lemma model (sejma, sejmi: sejem); "sejm" is
/// what the model makes of the dual "sejmoma". A list, like `OWN_L`, because the same cuts
/// rightly join many other words (zaposlitev and zaposliti, turizem and turizma): these
/// collisions are per word, found by listing the terms of the handbook's words that more than
/// one lemma shares.
const OWN_TERMS: &[(&str, &str)] = &[
    ("celovit", "celovit"),
    ("koncan", "koncan"),
    ("namestitev", "namestitev"),
    ("pozivitev", "pozivitev"),
    ("sejem", "sejem"),
    ("sejm", "sejem"),
];

/// Words no stem may become: they are in nearly every text, so a word stemmed to one
/// ("predal" to "pred", "podal" to "pod") would match nearly every entry. Checked at each cut
/// (`may_cut`), so that a form refused one cut still takes another and meets the rest of its
/// paradigm ("predala", "predal"); `lemma_to_term` then keeps any lemma whole that the cuts
/// would leave as a word that never counts (`stopwords`), which also covers the words here
/// that are stop words, and these that are not ("brez", "proti") only here.
const FUNCTION_WORDS: &[&str] = &[
    "pred", "med", "nad", "pod", "brez", "proti", "prek", "preko", "okoli", "skozi", "mimo", "kot",
    "tudi", "kjer", "kako", "tako", "kdaj", "sedaj",
];

/// Endings of the second person singular are not cut after these: the -s is a noun's
/// (razpis, proces, interes, teras).
const NOT_SECOND_PERSON: &[&str] = &["pi", "ce", "re", "era"];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn is_consonant(b: u8) -> bool {
    b.is_ascii_lowercase() && !is_vowel(b)
}

/// May `ending`, found at the end of `word`, be cut to leave `stem` bytes? The exceptions of
/// steps 1 and 2 beyond the shortest stem; `word` is lowercase ASCII.
fn may_cut(word: &[u8], stem: usize, ending: &[u8]) -> bool {
    let before = &word[..stem];
    if FUNCTION_WORDS.iter().any(|f| f.as_bytes() == before) {
        return false;
    }
    match ending {
        // -jo is the instrumental of pomoč, dejavnost (after a consonant) only; after a
        // vowel the j is the stem's, as in investicijo.
        b"jo" => before.last().copied().is_some_and(is_consonant),
        b"as" | b"is" | b"es" => {
            let with_vowel = &word[..=stem];
            !NOT_SECOND_PERSON
                .iter()
                .any(|n| with_vowel.ends_with(n.as_bytes()))
        }
        b"eti" | b"et" | b"eta" | b"ete" => before.last() == Some(&b'r'),
        b"al" | b"ala" | b"alo" | b"ali" | b"ale" | b"il" | b"ila" | b"ilo" | b"ili" | b"ile" => {
            let with_l = &word[..stem + 2];
            !OWN_L.iter().any(|n| n.as_bytes() == with_l)
        }
        _ => true,
    }
}

/// Where the stem ends once `word` loses the ending that starts at `stem`: -vijo keeps its v
/// (storitvijo, prijavijo), -irava its ir (financirava).
fn cut_at(word: &[u8], stem: usize) -> usize {
    let ending = &word[stem..];
    if ending == b"vijo" {
        stem + 1
    } else if ending == b"irava" {
        stem + 2
    } else {
        stem
    }
}

/// A table of endings grouped by their last letter: a word is compared only with the endings
/// that end in its own last letter (thirteen at most, of the 60 of step 1). This runs for every
/// token of every indexed text; comparing each word with every ending was a tenth of a build.
struct ByLastLetter([Vec<(&'static [u8], usize)>; 26]);

impl ByLastLetter {
    fn of(endings: &[(&'static str, usize)]) -> Self {
        let mut table: [Vec<(&'static [u8], usize)>; 26] = Default::default();
        for &(ending, min) in endings {
            let last = ending.as_bytes()[ending.len() - 1];
            table[usize::from(last - b'a')].push((ending.as_bytes(), min));
        }
        ByLastLetter(table)
    }
}

static STEP0: LazyLock<ByLastLetter> = LazyLock::new(|| ByLastLetter::of(UJ_ENDINGS));
static STEP1: LazyLock<ByLastLetter> = LazyLock::new(|| ByLastLetter::of(ENDINGS));
static STEP2: LazyLock<ByLastLetter> = LazyLock::new(|| ByLastLetter::of(STEM_ENDINGS));

/// Removes the longest listed ending that leaves enough of a stem and that `may_cut` allows.
/// `word` is lowercase ASCII.
fn strip<'a>(word: &'a str, endings: &ByLastLetter) -> &'a str {
    let w = word.as_bytes();
    let Some(bucket) = w
        .last()
        .and_then(|b| endings.0.get(usize::from(b.wrapping_sub(b'a'))))
    else {
        return word;
    };
    let mut best: Option<usize> = None;
    for &(e, min) in bucket {
        let Some(stem) = w.len().checked_sub(e.len()) else {
            continue;
        };
        if stem < min || best.is_some_and(|b| stem >= b) || &w[stem..] != e {
            continue;
        }
        if !may_cut(w, stem, e) {
            continue;
        }
        best = Some(stem);
    }
    // The stem ends where an ASCII ending starts, so on a character boundary.
    best.map_or(word, |stem| &word[..cut_at(w, stem)])
}

/// Step 3: alternations inside the stem.
fn normalize(stem: &mut String) {
    let b = stem.as_bytes();
    let n = b.len();
    // partnerj(a) → partner, področj(e) → podroc: a j after a consonant is the stem's
    // extension. Not after l and n (lj, nj are one sound), nor t and v (podjetje, zdravje keep
    // theirs, or they would meet podjeten and zdrav), and only where five letters are left, as
    // with -ij below: shorter stems meet other words, and a misspelt word (ljubjana) would move
    // two letters away from the right one, out of reach of the typo search.
    if n >= 6 && b[n - 1] == b'j' && is_consonant(b[n - 2]) && !b"lntv".contains(&b[n - 2]) {
        stem.pop();
    }
    let b = stem.as_bytes();
    let n = b.len();
    // The fleeting vowel: Koper/Kopra, posel/posla, mesten/mestna, gostinec/gostinca,
    // začetek/začetka.
    if n >= 5
        && is_consonant(b[n - 3])
        && b[n - 2] == b'e'
        && matches!(b[n - 1], b'r' | b'l' | b'n' | b'c' | b'k')
    {
        stem.remove(n - 2);
        return;
    }
    // storitev/storitve → storit: a final consonant + v is the fleeting-vowel -ev class.
    if n >= 5 && is_consonant(b[n - 2]) && b[n - 1] == b'v' && b[n - 2] != b'v' {
        stem.pop();
        return;
    }
    // -ij after a consonant: the genitive plural of podjetje, pročelje, zdravje (podjetij →
    // podjetj, as in podjetje), and otherwise the -ij- that runs through an -ija noun
    // (investicija) or ends the third person plural of an -iti verb (govorijo, zaposlijo),
    // which goes whole where five letters are left, as the j above (medij is not med).
    if n >= 5 && is_consonant(b[n - 3]) && b[n - 2] == b'i' && b[n - 1] == b'j' {
        let c = b[n - 3];
        let keeps_j = matches!(c, b't' | b'v') || (c == b'l' && !is_consonant(b[n - 4])) || n < 7;
        if keeps_j {
            stem.remove(n - 2);
        } else {
            stem.truncate(n - 2);
        }
        return;
    }
    // turizem/turizma: the fleeting vowel before m. Step 1 takes -em from the
    // nominative, so the other forms drop their m to meet it.
    if n >= 4 && is_consonant(b[n - 2]) && b[n - 1] == b'm' {
        stem.pop();
    }
}

/// The l of an -el or -rl participle, once the fleeting-vowel rule has made želel, razumel
/// into zell, razuml: razumel → razum, odprl → odpr.
fn drop_participle_l(stem: &mut String) {
    let b = stem.as_bytes();
    let n = b.len();
    if n >= 4 && b[n - 1] == b'l' && matches!(b[n - 2], b'm' | b'r' | b'l') {
        stem.pop();
    }
}

/// The term of a folded, lowercase word: a verb's infinitive, else the stem of its lemma.
pub fn stem(word: &str) -> String {
    let mut out = word.to_string();
    stem_in_place(&mut out);
    out
}

/// Most words `with_stem` remembers per thread before it starts over. A word has at most 60
/// bytes (longer ones are dropped as junk), so the memory stays under a megabyte however long
/// a server runs; searches run on the blocking threads of a bounded number of search slots, so
/// few threads hold one.
const REMEMBERED_STEMS: usize = 4096;

thread_local! {
    /// Words and their terms, for `with_stem`. Per thread, so no lock; a map that starts over
    /// rather than `lru::ByteLru`, whose lookups take an owned key (an allocation per word,
    /// what this saves) and whose recency is not worth its bookkeeping for terms this cheap
    /// to make again.
    static STEMS: RefCell<foldhash::HashMap<Box<str>, Box<str>>> =
        RefCell::new(foldhash::HashMap::default());
}

/// Calls `f` with the term of a folded, lowercase word (`stem`), made once per thread and
/// then remembered: marking the matches of a page of results asks for the term of every word
/// of each passage shown, and most words come again, in the next passage or the next search.
/// A call from inside `f` stems its word afresh, without the memory, which `f`'s caller holds.
pub fn with_stem<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    STEMS.with(|cell| {
        let Ok(mut cache) = cell.try_borrow_mut() else {
            return f(&stem(word));
        };
        if let Some(term) = cache.get(word) {
            return f(term);
        }
        if cache.len() >= REMEMBERED_STEMS {
            cache.clear();
        }
        let term = stem(word);
        let out = f(&term);
        cache.insert(word.into(), term.into_boxed_str());
        out
    })
}

/// Stems a folded, lowercase word where it is: the filter below runs on every token of every
/// indexed text.
pub fn stem_in_place(word: &mut String) {
    if word.len() <= 3 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    lemma::lemmatize_in_place(word);
    lemma_to_term(word);
}

/// The term of a word whose lemma (`lemma::lemma`) is known already: for callers that show
/// the lemma too, so the model is not asked twice. Equal to `stem` of the word.
pub fn term_of_lemma(lemma: &str) -> String {
    let mut out = lemma.to_string();
    if out.len() > 3 && out.bytes().all(|b| b.is_ascii_lowercase()) {
        lemma_to_term(&mut out);
    }
    out
}

/// A lemma's term: a verb's infinitive stays, any other lemma loses its ending, unless that
/// leaves a word that never counts.
fn lemma_to_term(lemma: &mut String) {
    if lemma::is_infinitive(lemma) {
        return;
    }
    if let Some((_, term)) = OWN_TERMS.iter().find(|(own, _)| *own == lemma.as_str()) {
        lemma.clear();
        lemma.push_str(term);
        return;
    }
    // Kept on the stack: this runs for every word indexed and every word of a snippet. A
    // lemma longer than the buffer is never cut down to a stop word, none of which has ten
    // letters; nor is one that is a stop word itself ("vas", "del") guarded.
    let mut whole = [0u8; 32];
    let n = lemma.len();
    let guarded = n <= whole.len() && !stopwords::is_stop_word(lemma);
    if guarded {
        whole[..n].copy_from_slice(lemma.as_bytes());
    }
    strip_endings(lemma);
    // What the rules cut from a word whose lemma ends in a consonant ("najem") or in a vowel
    // that is its own ("radio", "terme") is root, and where that leaves a word that never
    // counts ("naj", "radi", "ter"), the word would match every "naj bi" of the handbook.
    if guarded
        && stopwords::is_stop_word(lemma)
        && let Ok(whole) = std::str::from_utf8(&whole[..n])
    {
        lemma.clear();
        lemma.push_str(whole);
    }
}

/// The root that the ending rules leave of a term: a verb's infinitive loses its ending
/// (`prijaviti` → `prijav`), a stem stays. Word families (`family`) are cut from roots.
pub fn root(term: &str) -> String {
    let mut out = term.to_string();
    if lemma::is_infinitive(&out) {
        strip_endings(&mut out);
    }
    out
}

/// Steps 0 to 3: each only ever shortens the word or drops a letter from it (step 0 writes -uj
/// where it took an ending at least as long).
fn strip_endings(word: &mut String) {
    if word.len() <= 3 {
        return;
    }
    let root = strip(word, &STEP0).len();
    if root < word.len() {
        word.truncate(root);
        word.push_str("uj");
        return;
    }
    let step1 = strip(word, &STEP1).len();
    word.truncate(step1);
    // Alternations first too, so that step 2 sees one stem for the whole paradigm.
    normalize(word);
    let step2 = strip(word, &STEP2).len();
    word.truncate(step2);
    normalize(word);
    drop_participle_l(word);
}

/// The stemmer as a Tantivy token filter; put it after lowercasing and folding.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlovenianStemmer;

impl TokenFilter for SlovenianStemmer {
    type Tokenizer<T: Tokenizer> = StemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> StemmerFilter<T> {
        StemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct StemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for StemmerFilter<T> {
    type TokenStream<'a> = StemmerTokenStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        StemmerTokenStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct StemmerTokenStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for StemmerTokenStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        stem_in_place(&mut self.tail.token_mut().text);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analysis::fold;

    #[test]
    fn no_word_is_stemmed_into_a_preposition() {
        for w in ["predal", "predala", "podal", "podali", "medel"] {
            let s = stem(w);
            assert!(!FUNCTION_WORDS.contains(&s.as_str()), "{w} → {s}");
        }
        assert_eq!(stem("predal"), stem("predala"));
    }

    #[test]
    fn a_remembered_term_is_the_term_of_the_word_asked_for() {
        let words = [
            "najemnino",
            "prijavila",
            "svetujem",
            "pročelje",
            "pravi",
            "prava",
        ];
        let folded: Vec<String> = words
            .iter()
            .map(|w| crate::text::analysis::fold(w))
            .collect();
        // Twice: the first call makes each term, the second reads it back.
        for _ in 0..2 {
            for word in &folded {
                assert_eq!(with_stem(word, str::to_string), stem(word), "{word}");
            }
        }
        // Past the limit the memory starts over, and still answers for each word its own.
        let letters = |mut n: usize| {
            let mut out = String::from("najemnin");
            while n > 0 {
                out.push(char::from(b'a' + (n % 26) as u8));
                n /= 26;
            }
            out + "ami"
        };
        for n in 0..REMEMBERED_STEMS + 10 {
            let word = letters(n);
            assert_eq!(with_stem(&word, str::to_string), stem(&word));
        }
        for word in &folded {
            assert_eq!(with_stem(word, str::to_string), stem(word), "{word}");
        }
        // A call from inside another stems afresh rather than failing.
        let nested = with_stem("najemnino", |outer| {
            (outer.to_string(), with_stem("prijavila", str::to_string))
        });
        assert_eq!(nested, (stem("najemnino"), stem("prijavila")));
    }

    #[test]
    fn no_lemma_is_cut_down_to_a_word_that_never_counts() {
        // "naj bi", "prej", "ter" and "del stroškov" are in many entries; rent, receipt, spas
        // and work are not them.
        for w in [
            "najem", "najema", "najemu", "najemom", "najemih", "prejem", "terme", "radio", "delo",
            "dela",
        ] {
            let s = stem(w);
            assert!(!crate::text::stopwords::is_stop_word(&s), "{w} → {s}");
        }
        assert_eq!(stem("najem"), stem("najemom"));
        assert_eq!(stem("najem"), stem("najemih"));
        assert_eq!(stem("delo"), stem("dela"));
    }

    /// Whole paradigms: every form of a line must stem alike (written with diacritics, folded
    /// first as the analyser does).
    pub const PARADIGMS: &[&[&str]] = &[
        // feminine -a
        &[
            "najemnina",
            "najemnine",
            "najemnini",
            "najemnino",
            "najemnin",
            "najemninam",
            "najemninah",
            "najemninami",
            "najemninama",
        ],
        &[
            "občina",
            "občine",
            "občini",
            "občino",
            "občin",
            "občinam",
            "občinah",
            "občinami",
        ],
        &[
            "spodbuda",
            "spodbude",
            "spodbudi",
            "spodbudo",
            "spodbud",
            "spodbudam",
            "spodbudah",
            "spodbudami",
        ],
        &[
            "fasada", "fasade", "fasadi", "fasado", "fasad", "fasadam", "fasadah", "fasadami",
        ],
        &[
            "prijava",
            "prijave",
            "prijavi",
            "prijavo",
            "prijav",
            "prijavam",
            "prijavah",
            "prijavami",
        ],
        &[
            "investicija",
            "investicije",
            "investiciji",
            "investicijo",
            "investicij",
            "investicijam",
            "investicijah",
            "investicijami",
        ],
        &[
            "subvencija",
            "subvencije",
            "subvenciji",
            "subvencijo",
            "subvencij",
            "subvencijam",
            "subvencijah",
            "subvencijami",
        ],
        // feminine -ev and i-stems
        &[
            "storitev",
            "storitve",
            "storitvi",
            "storitvijo",
            "storitvam",
            "storitvah",
            "storitvami",
        ],
        &["oprostitev", "oprostitve", "oprostitvi", "oprostitvijo"],
        &[
            "dejavnost",
            "dejavnosti",
            "dejavnostjo",
            "dejavnostim",
            "dejavnostih",
            "dejavnostmi",
        ],
        &["pomoč", "pomoči", "pomočjo"],
        // masculine
        &[
            "podjetnik",
            "podjetnika",
            "podjetniku",
            "podjetnikom",
            "podjetniki",
            "podjetnikov",
            "podjetnikih",
            "podjetnike",
            "podjetnikoma",
        ],
        &[
            "prostor",
            "prostora",
            "prostoru",
            "prostorom",
            "prostori",
            "prostorov",
            "prostorih",
            "prostore",
            "prostorima",
        ],
        &[
            "lokal", "lokala", "lokalu", "lokalom", "lokali", "lokalov", "lokalih", "lokale",
        ],
        &[
            "program",
            "programa",
            "programu",
            "programom",
            "programi",
            "programov",
            "programih",
            "programe",
        ],
        &[
            "kredit", "kredita", "kreditu", "kreditom", "krediti", "kreditov", "kreditih",
            "kredite",
        ],
        &[
            "posel", "posla", "poslu", "poslom", "posli", "poslov", "poslih", "posle",
        ],
        &[
            "gostinec",
            "gostinca",
            "gostincu",
            "gostincem",
            "gostinci",
            "gostincev",
            "gostincih",
            "gostince",
        ],
        &[
            "partner",
            "partnerja",
            "partnerju",
            "partnerjem",
            "partnerji",
            "partnerjev",
            "partnerjih",
        ],
        &[
            "vavčer",
            "vavčerja",
            "vavčerju",
            "vavčerjem",
            "vavčerji",
            "vavčerjev",
            "vavčerjih",
        ],
        &["najem", "najema", "najemu", "najemom", "najemi", "najemov"],
        &["Koper", "Kopra", "Kopru", "Koprom"],
        &["Kranj", "Kranja", "Kranju", "Kranjem"],
        &["Maribor", "Maribora", "Mariboru", "Mariborom"],
        &["Gradec", "Gradca", "Gradcu", "Gradcem"],
        // neuter
        &[
            "mesto", "mesta", "mestu", "mestom", "mest", "mestih", "mestoma",
        ],
        &[
            "središče",
            "središča",
            "središču",
            "središčem",
            "središč",
            "središčih",
        ],
        &["jedro", "jedra", "jedru", "jedrom", "jeder", "jedrih"],
        &[
            "podjetje",
            "podjetja",
            "podjetju",
            "podjetjem",
            "podjetij",
            "podjetjih",
            "podjetji",
        ],
        &[
            "pročelje",
            "pročelja",
            "pročelju",
            "pročeljem",
            "pročelij",
            "pročeljih",
        ],
        &[
            "posojilo",
            "posojila",
            "posojilu",
            "posojilom",
            "posojil",
            "posojilih",
        ],
        &[
            "sofinanciranje",
            "sofinanciranja",
            "sofinanciranju",
            "sofinanciranjem",
        ],
        // adjectives
        &[
            "star", "stara", "staro", "starega", "staremu", "starem", "starim", "stari", "starih",
            "starimi", "stare",
        ],
        &[
            "mestni", "mestna", "mestno", "mestnega", "mestnemu", "mestnem", "mestnim", "mestnih",
            "mestnimi", "mestne", "mesten",
        ],
        &[
            "nov", "nova", "novo", "novega", "novemu", "novem", "novim", "novi", "novih", "novimi",
            "nove",
        ],
        &[
            "mali", "mala", "malo", "malega", "malemu", "malem", "malim", "malih", "malimi", "male",
        ],
        &[
            "podjetniški",
            "podjetniška",
            "podjetniško",
            "podjetniškega",
            "podjetniškemu",
            "podjetniškem",
            "podjetniškim",
            "podjetniških",
            "podjetniškimi",
        ],
        &[
            "prazen", "prazna", "prazno", "praznega", "praznem", "praznih", "prazne", "praznim",
        ],
        // verbs
        &[
            "sofinancirati",
            "sofinanciram",
            "sofinancira",
            "sofinanciramo",
            "sofinancirate",
            "sofinancirajo",
            "sofinanciral",
            "sofinancirala",
            "sofinancirali",
        ],
        // Without the forms a noun shares (prijavi: prijava; dela: delo): the noun keeps them.
        &[
            "prijaviti",
            "prijavim",
            "prijavimo",
            "prijavite",
            "prijavil",
            "prijavila",
            "prijavili",
        ],
        &[
            "spodbujati",
            "spodbujam",
            "spodbuja",
            "spodbujamo",
            "spodbujajo",
            "spodbujal",
            "spodbujala",
        ],
        &["delati", "delam", "delamo", "delate", "delajo"],
        &["kupiti", "kupim", "kupi", "kupimo", "kupite"],
        &[
            "plačilo",
            "plačila",
            "plačilu",
            "plačilom",
            "plačil",
            "plačilih",
        ],
        &["turizem", "turizma", "turizmu", "turizmom"],
        &[
            "sejem", "sejma", "sejmu", "sejmom", "sejmoma", "sejmi", "sejmov", "sejmih",
        ],
        &[
            "ulica", "ulice", "ulici", "ulico", "ulic", "ulicam", "ulicah", "ulicami",
        ],
        &[
            "razpis", "razpisa", "razpisu", "razpisom", "razpisi", "razpisov", "razpisih",
            "razpise",
        ],
        &[
            "pogoj", "pogoja", "pogoju", "pogojem", "pogoji", "pogojev", "pogojih",
        ],
        &[
            "svetovalec",
            "svetovalca",
            "svetovalcu",
            "svetovalcem",
            "svetovalci",
            "svetovalcev",
        ],
        &[
            "kulturen",
            "kulturna",
            "kulturno",
            "kulturnega",
            "kulturnih",
            "kulturni",
        ],
    ];

    /// Different words that look alike and must keep different stems.
    pub const APART: &[(&str, &str)] = &[
        ("podjetje", "podjetnik"),
        ("najem", "najemnina"),
        ("najemnik", "najemnina"),
        ("mesto", "mestni"),
        ("občina", "občan"),
        ("trg", "trgovina"),
        ("trgovina", "trgovec"),
        ("sklad", "skladišče"),
        ("pomoč", "pomočnik"),
        ("pravo", "pravica"),
        ("kraj", "krajina"),
        ("stan", "stanje"),
        ("lokal", "Loka"),
        ("lokalni", "lokal"),
        ("svet", "svetovanje"),
        ("Kranj", "kranjski"),
        ("program", "programski"),
        ("podjetniški", "podjetnik"),
        ("obnova", "obnovljiv"),
        ("prostor", "prostoren"),
        ("zavod", "zavodnik"),
        ("posel", "poslovni"),
        ("vloga", "vlagatelj"),
        ("les", "lesen"),
        ("plačilo", "plača"),
        ("pravilo", "pravo"),
        ("zdravilo", "zdrav"),
        ("letalo", "leto"),
        ("merilo", "mera"),
        ("besedilo", "beseda"),
        // What the verb rules would join if they cut more: an aspect pair, and short words
        // that a noun's stem would meet (ter, pod, med, nas are all common words of their own).
        ("prodati", "prodajati"),
        ("terasa", "ter"),
        ("podeliti", "pod"),
        ("dodeliti", "dodati"),
        ("izdelati", "izdati"),
        ("predmet", "pred"),
        ("medija", "med"),
        ("promet", "pro"),
        ("nasvet", "nas"),
        ("planet", "plan"),
        ("morje", "morati"),
        ("novela", "nov"),
        ("svetel", "svet"),
        ("postaja", "pošta"),
        ("zdravje", "zdrav"),
        ("Slovenija", "Slovenj"),
        // Lemmas with a term of their own (`OWN_TERMS`), against the words they would meet.
        ("sejem", "seja"),
        ("sejmov", "sej"),
        ("poživitev", "poziv"),
        ("poživitve", "pozivi"),
        ("celovita", "cel"),
        ("celovito", "celo"),
        ("končan", "konec"),
        ("končana", "konca"),
        ("namestitev", "namesto"),
    ];

    /// Verb paradigms: infinitive, supine, present, l-participle, imperative. Forms a noun
    /// shares (prijavi, dela, razumi) go with the noun and are left out; so are participles in
    /// -oč and -n, which the lemma model takes for adjectives of their own.
    const VERBS: &[&[&str]] = &[
        &[
            "financirati",
            "financirat",
            "financiram",
            "financiraš",
            "financira",
            "financirava",
            "financirata",
            "financiramo",
            "financirate",
            "financirajo",
            "financiral",
            "financirala",
            "financiralo",
            "financirali",
            "financirale",
            "financiraj",
            "financirajmo",
            "financirajte",
        ],
        &[
            "zaposlovati",
            "zaposlovat",
            "zaposlujem",
            "zaposluješ",
            "zaposluje",
            "zaposlujeva",
            "zaposlujeta",
            "zaposlujemo",
            "zaposlujete",
            "zaposlujejo",
            "zaposloval",
            "zaposlovala",
            "zaposlovalo",
            "zaposlovali",
            "zaposlovale",
            "zaposluj",
            "zaposlujmo",
            "zaposlujte",
        ],
        &[
            "nadaljevati",
            "nadaljujem",
            "nadaljuje",
            "nadaljujejo",
            "nadaljeval",
            "nadaljevala",
            "nadaljuj",
        ],
        &[
            "prijaviti",
            "prijavit",
            "prijavim",
            "prijaviš",
            "prijavita",
            "prijavimo",
            "prijavite",
            "prijavijo",
            "prijavil",
            "prijavila",
            "prijavilo",
            "prijavili",
            "prijavile",
        ],
        &[
            "delati", "delat", "delam", "delaš", "delata", "delamo", "delate", "delajo", "delal",
            "delala", "delalo", "delali", "delale", "delaj", "delajmo", "delajte",
        ],
        &[
            "odpreti", "odpret", "odprem", "odpre", "odpreva", "odpreta", "odpremo", "odprete",
            "odprejo", "odprl", "odprla", "odprlo", "odprli", "odprle", "odpri", "odprimo",
            "odprite",
        ],
        &[
            "kupiti", "kupim", "kupi", "kupimo", "kupite", "kupil", "kupila", "kupilo", "kupili",
        ],
        &[
            "zaposliti",
            "zaposlim",
            "zaposli",
            "zaposlijo",
            "zaposlil",
            "zaposlila",
        ],
        &[
            "razumem", "razume", "razumemo", "razumejo", "razumel", "razumela",
        ],
        &[
            "izvajati", "izvajam", "izvaja", "izvajajo", "izvajal", "izvajala", "izvajaj",
        ],
    ];

    fn stem_of(word: &str) -> String {
        stem(&fold(word))
    }

    /// The plain form of `strip`: every ending tried with `strip_suffix`, the shortest stem
    /// kept. The fast one must agree with it on every word.
    fn strip_reference<'a>(word: &'a str, endings: &[(&str, usize)]) -> &'a str {
        let mut best: Option<&str> = None;
        for (ending, min) in endings {
            if let Some(stem) = word.strip_suffix(ending)
                && stem.len() >= *min
                && may_cut(word.as_bytes(), stem.len(), ending.as_bytes())
                && best.is_none_or(|b| stem.len() < b.len())
            {
                best = Some(stem);
            }
        }
        best.map_or(word, |stem| &word[..cut_at(word.as_bytes(), stem.len())])
    }

    #[test]
    fn stripping_agrees_with_the_plain_form_on_every_ending_after_every_stem() {
        let mut stems: Vec<String> = PARADIGMS
            .iter()
            .flat_map(|p| p.iter())
            .map(|w| fold(w))
            .collect();
        stems.extend(
            [
                "", "a", "j", "ij", "ov", "pomoc", "stor", "xy", "razp", "odpr", "lok", "prav",
            ]
            .map(String::from),
        );
        let endings: Vec<&str> = ENDINGS
            .iter()
            .chain(STEM_ENDINGS)
            .chain(UJ_ENDINGS)
            .map(|(e, _)| *e)
            .chain(["", "ijo", "vij", "jo", "irav", "ira", "ras", "alu"])
            .collect();
        let mut checked = 0;
        for stem in &stems {
            for ending in &endings {
                let word = format!("{stem}{ending}");
                for (table, plain) in [
                    (&*STEP0, UJ_ENDINGS),
                    (&*STEP1, ENDINGS),
                    (&*STEP2, STEM_ENDINGS),
                ] {
                    assert_eq!(strip(&word, table), strip_reference(&word, plain), "{word}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 5_000, "{checked}");
    }

    /// Every form of a paradigm whose term is not that of the paradigm's first word.
    fn split_forms(paradigms: &[&[&str]]) -> Vec<String> {
        let mut split = Vec::new();
        for paradigm in paradigms {
            let first = stem_of(paradigm[0]);
            for w in *paradigm {
                let s = stem_of(w);
                if s != first {
                    split.push(format!("{w} → {s}, but {} → {first}", paradigm[0]));
                }
            }
        }
        split
    }

    #[test]
    fn the_term_of_a_words_lemma_is_the_words_term() {
        let odd = ["", "a", "abc", "2024", "e-vem", "pomoč"];
        for w in PARADIGMS
            .iter()
            .chain(VERBS)
            .flat_map(|p| p.iter())
            .chain(&odd)
        {
            let folded = fold(w);
            let lemma = lemma::lemma(&folded);
            assert_eq!(term_of_lemma(&lemma), stem(&folded), "{w} (lemma {lemma})");
        }
    }

    #[test]
    fn whole_paradigms_conflate() {
        let split = split_forms(PARADIGMS);
        assert!(split.is_empty(), "{split:#?}");
    }

    #[test]
    fn verb_paradigms_conflate() {
        let split = split_forms(VERBS);
        assert!(split.is_empty(), "{split:#?}");
    }

    #[test]
    fn look_alike_words_stay_apart() {
        for (a, b) in APART {
            assert_ne!(stem_of(a), stem_of(b), "{a} and {b} both → {}", stem_of(a));
        }
    }

    #[test]
    fn short_words_and_numbers_are_left_alone() {
        for w in ["eur", "sp", "2020", "p2", "sk75", "trg"] {
            assert_eq!(stem(w), w);
        }
    }

    /// The ending rules alone, as the module documentation describes them.
    #[test]
    fn examples_from_the_module_documentation_hold() {
        for (w, s) in [
            ("kopra", "kopr"),
            ("posla", "posl"),
            ("mestna", "mestn"),
            ("gostinca", "gostinc"),
            ("partnerja", "partnr"),
            ("storitve", "stor"),
            ("dejavnostjo", "dejavnost"),
            ("podjetij", "podjetj"),
            ("programa", "progr"),
            ("sofinancirajo", "sofinancir"),
            ("sofinanciranje", "sofinanciranj"),
            ("zacetka", "zacetk"),
            ("investicijo", "investic"),
            ("govorijo", "govor"),
            ("podrocij", "podroc"),
            ("svetovati", "svetuj"),
            ("svetujem", "svetuj"),
            ("financirava", "financir"),
            ("razumel", "razum"),
            ("odprl", "odpr"),
            ("zelel", "zel"),
            ("razpis", "razpis"),
            ("lokala", "lokal"),
        ] {
            let mut ending_stem = w.to_string();
            strip_endings(&mut ending_stem);
            assert_eq!(ending_stem, s, "{w}");
        }
    }

    /// Pairwise conflation over the paradigm list: recall = pairs of one paradigm that share a
    /// stem; precision = of all pairs that share a stem, those from one paradigm. Printed with
    /// `cargo test stemmer_figures -- --nocapture`.
    #[test]
    fn stemmer_figures_on_the_paradigm_list() {
        let words: Vec<(usize, String)> = PARADIGMS
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.iter().map(move |w| (i, stem_of(w))))
            .collect();
        let (mut same_para, mut same_both, mut same_stem) = (0u32, 0u32, 0u32);
        for (i, (pa, sa)) in words.iter().enumerate() {
            for (pb, sb) in &words[i + 1..] {
                let p = pa == pb;
                let s = sa == sb;
                same_para += u32::from(p);
                same_stem += u32::from(s);
                same_both += u32::from(p && s);
            }
        }
        let recall = f64::from(same_both) / f64::from(same_para);
        let precision = f64::from(same_both) / f64::from(same_stem);
        let f1 = 2.0 * precision * recall / (precision + recall);
        let mut seen = std::collections::BTreeSet::new();
        for (i, (pa, sa)) in words.iter().enumerate() {
            for (pb, sb) in &words[i + 1..] {
                if pa != pb && sa == sb && seen.insert((pa, pb)) {
                    println!(
                        "joined: {} ~ {} ({sa})",
                        PARADIGMS[*pa][0], PARADIGMS[*pb][0]
                    );
                }
            }
        }
        println!(
            "stemmer on {} paradigms, {} forms: precision {precision:.3}, recall {recall:.3}, F1 {f1:.3}",
            PARADIGMS.len(),
            words.len()
        );
        // The floor is what this list measures now that a verb's term is its infinitive.
        assert!(
            precision >= 0.94 && f1 >= 0.96,
            "precision {precision:.3}, F1 {f1:.3}"
        );
    }
}
