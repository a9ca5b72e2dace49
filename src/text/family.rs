//! Word families: the looser level of matching below inflection. The stemmer joins the forms
//! of one word; a family joins words made from one root ("ustanavljam", "ustanoviti",
//! "ustanovitev"; "svetujem", "svetovanje", "svetovalec"; "gostinec", "gostinstvo",
//! "gostinski"), so that a question worded with one member finds a measure worded with another.
//!
//! A family is known by a key made from a stem by cutting derivational pieces off its end:
//! verbal nouns (-anje, -ovanje), agent nouns (-alec, -ec, -nik), abstract nouns (-stvo),
//! adjectives (-ski, -ni), the -ir- of borrowed verbs and the -ic-/-ac- of their nouns
//! (investirati, investicija), the -uj- of -ovati verbs, the l that -vljati adds after a labial
//! (prijavljati, prijava), the -av-/-ov- of imperfective and perfective pairs (ustanavljati,
//! ustanoviti) and the -jen of passive participles (obnovljen, obnova). Keys are loose on
//! purpose and join some words that are not kin ("svet" and "svetovanje"), so search uses
//! them only below any match of the word itself, and only for a word that the handbook does
//! not contain in any form, where the alternative is no match at all, or for a verb, whose
//! term (its infinitive) no noun shares, and a verb's passive participle: a question's verb
//! often names what a measure calls by its noun, and so does an adjective made from a verb
//! ("znižane najemnine", znižanje) (`search::query`).

/// Derivational pieces cut from the end of a stem, longest first, with the shortest key each
/// may leave. Cut repeatedly (`family`), so that "svetovalc" loses -ovalc and "digitalizac"
/// loses -ac, then -iz.
const PIECES: &[(&str, usize)] = &[
    ("ovanj", 3),
    ("evanj", 3),
    ("ovalc", 3),
    ("evalc", 3),
    // The women's agent nouns beside the men's: svetovalka, svetovalec.
    ("ovalk", 3),
    ("evalk", 3),
    ("anj", 3),
    ("enj", 3),
    ("alc", 3),
    ("ilc", 3),
    ("elc", 3),
    // Longer left than the men's: lokalka is not Loka, nosilka not nos; and no -elk, which
    // is the -ek of izdelek, oddelek, pridelek.
    ("alk", 4),
    ("ilk", 5),
    ("stv", 4),
    ("nist", 4),
    ("st", 5),
    ("nik", 4),
    ("nic", 4),
    ("sk", 4),
    ("ir", 5),
    ("ic", 5),
    ("ac", 5),
    ("iz", 5),
    ("uj", 3),
    ("nc", 4),
    ("ni", 5),
    ("ln", 5),
    ("j", 5),
];

/// How many pieces may come off one stem: enough for "digitalizac" (-ac, -iz) and
/// "usposablj" (lj, then -ab), few enough to keep short roots apart.
const MAX_CUTS: usize = 3;

/// The key of the family of a term (as `stemmer::stem` makes it): cut from its root, so that
/// a verb's infinitive meets the nouns made from it.
pub fn family(term: &str) -> String {
    // The imperfective of a verb in -rediti says j for its d (urediti, urejati; prirediti,
    // prirejati), and the stemmer cuts that -ej as it cuts ideja's: meet the perfective first.
    // So does an imperfective in -ganjati its noun's o: zaganjati, zagon; poganjati, pogon.
    // Only the verb: in a verbal noun the g is the root's (vlaganje, vlagati).
    // And a verb in -emati keeps its -em, which the stemmer would cut as it cuts a case
    // ending: najemati, najem, najemnik; prejemati, prejemnik (not "naj", "pred").
    let mut key = if let Some(head) = term.strip_suffix("rejati").filter(|h| !h.is_empty()) {
        crate::text::stemmer::root(&format!("{head}rediti"))
    } else if let Some(head) = term.strip_suffix("ganjati").filter(|h| !h.is_empty()) {
        crate::text::stemmer::root(&format!("{head}gon"))
    } else if let Some(head) = term.strip_suffix("emati").filter(|h| h.len() >= 2) {
        format!("{head}em")
    } else {
        crate::text::stemmer::root(term)
    };
    for _ in 0..MAX_CUTS {
        if !cut_once(&mut key) {
            break;
        }
    }
    key
}

/// Cuts one piece off `key`, if any may go; true when one went.
fn cut_once(key: &mut String) -> bool {
    let b = key.as_bytes();
    let n = b.len();
    // A woman's trade in -rka beside the man's in -r: frizerka, frizer; mizarka, mizar.
    if n >= 6 && key.ends_with("rk") {
        key.truncate(n - 1);
        return true;
    }
    // The verbal noun of a verb in -rejati keeps the j (urejanje → urej): ured, as ureditev.
    if n >= 4 && key.ends_with("rej") {
        key.truncate(n - 1);
        key.push('d');
        return true;
    }
    // The verbal noun in -nja of a verb in -diti: gradnja, izgradnja → grad, as graditi.
    // After -ad only, and with a root of at least four letters left: zadnji is not kin of
    // anything.
    if n >= 6 && key.ends_with("adnj") {
        key.truncate(n - 2);
        return true;
    }
    // The passive participle of a verb in -diti says j for its d: zgrajen → zgrad, as
    // zgraditi; urejen → ured, as urediti.
    if n >= 5 && (key.ends_with("grajn") || key.ends_with("rejn")) {
        key.truncate(n - 2);
        key.push('d');
        return true;
    }
    // A borrowed verb in -cionirati beside its noun in -cija: subvencionir → subvenc, as
    // subvencija (then subven), funkcionir → funkc, as funkcija. One cut for -ion- and -ir-
    // both, so that the verbal noun (subvencioniranje, three pieces) meets them too.
    if n >= 8 && key.ends_with("cionir") {
        key.truncate(n - 5);
        return true;
    }
    // The l after a labial that -vljati, -bljati add: prijavlj → prijav, usposablj → usposab.
    if n >= 6 && key.ends_with("lj") && matches!(b[n - 3], b'v' | b'b' | b'p' | b'm') {
        key.truncate(n - 2);
        return true;
    }
    // The -jen of a passive participle, and the l a labial takes before it: obnovljen →
    // obnov (then obn, as obnova), povrnjen → povrn (as povrniti). Only after l, n or r, as
    // in the participles `lemma::is_passive_participle` takes: after a vowel, -jn is an
    // adjective's ("strojni", "obmejni"), and cutting it would join "strojni" to "stroški".
    if n >= 7 && key.ends_with("ljn") && matches!(b[n - 4], b'v' | b'b' | b'p' | b'm') {
        key.truncate(n - 3);
        return true;
    }
    if n >= 6 && key.ends_with("jn") && matches!(b[n - 3], b'l' | b'n' | b'r') {
        key.truncate(n - 2);
        return true;
    }
    // The vowel of an imperfective and its perfective: ustanav-/ustanov- → ustan,
    // usposab-/usposob- → uspos, obnav-/obnov- → obn.
    if n >= 5 && matches!(b[n - 1], b'v' | b'b') && matches!(b[n - 2], b'a' | b'o') {
        key.truncate(n - 2);
        return true;
    }
    for &(piece, min) in PIECES {
        if let Some(rest) = key.strip_suffix(piece)
            && rest.len() >= min
        {
            let keep = rest.len();
            // -nc is the -nec of agent nouns (gostinec → gostinc): the n is the root's.
            let keep = if piece == "nc" || piece == "ni" || piece == "ln" {
                keep + 1
            } else {
                keep
            };
            if keep == n {
                continue;
            }
            key.truncate(keep);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::analysis::fold;
    use crate::text::stemmer::stem;

    fn key(word: &str) -> String {
        family(&stem(&fold(word)))
    }

    /// Each line is one family: every member must have the key of the first.
    const FAMILIES: &[&[&str]] = &[
        &[
            "ustanoviti",
            "ustanavljam",
            "ustanovitev",
            "ustanova",
            "ustanovljeno",
        ],
        &[
            "svetovanje",
            "svetujem",
            "svetovati",
            "svetovalec",
            "svetovalci",
            "svetovalka",
        ],
        // A woman's trade with the trade's adjective ("frizer" itself loses its e: frizr).
        &["frizerka", "frizerski", "frizerke", "frizerskem"],
        &["oblikovalec", "oblikovalka", "oblikovalci"],
        &["gostinec", "gostinstvo", "gostinski", "gostincem"],
        &["investicija", "investirati", "investiram", "investicijo"],
        // A verb in -cionirati, its participle and its verbal noun, with the noun in -cija.
        &[
            "subvencija",
            "subvencionirati",
            "subvencioniramo",
            "subvencionirana",
            "subvencioniranje",
        ],
        &["funkcija", "funkcionirati", "funkcionira"],
        &[
            "prodaja",
            "prodajalec",
            "prodajati",
            "prodajalci",
            "prodajalka",
        ],
        &["prijava", "prijavljam", "prijaviti"],
        &["digitalizacija", "digitaliziram", "digitalizirati"],
        &["obnova", "obnavljam", "obnoviti", "obnovljene"],
        &["zaposlitev", "zaposlujem", "zaposliti"],
        &["usposabljanje", "usposobiti", "usposabljam"],
        &["izobraževanje", "izobražujem", "izobraževati"],
        &["mentorstvo", "mentor", "mentorji"],
        // A passive participle, the adjective made from a verb, with its verbal noun.
        &["znižane", "znižanje", "znižati"],
        // The d of a perfective in -rediti is a j in its imperfective.
        &[
            "urediti", "urejati", "urejamo", "ureditev", "urejanje", "uredili", "urejen",
        ],
        // The -nja noun and the participle of a verb in -diti.
        &["graditi", "gradnja", "gradimo", "gradnje"],
        &["zgraditi", "zgrajen", "zgrajena", "zgradili"],
        &["zagon", "zaganjati", "zaganjamo", "zagona"],
        &["vlaganje", "vlagati", "vlagamo"],
        &["najem", "najemati", "najemam", "najemamo", "najemnik"],
        &["prejemnik", "prejemati", "prejemam", "prejem"],
        &[
            "prireditev",
            "prirejati",
            "prirejamo",
            "prirediti",
            "prirejanje",
        ],
    ];

    #[test]
    fn the_members_of_a_family_share_its_key() {
        for family in FAMILIES {
            let first = key(family[0]);
            for w in &family[1..] {
                assert_eq!(key(w), first, "{w} is not in the family of {}", family[0]);
            }
        }
    }

    #[test]
    fn families_of_other_roots_stay_apart() {
        let keys: Vec<String> = FAMILIES.iter().map(|f| key(f[0])).collect();
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        for (a, b) in [
            ("podjetje", "podjeten"),
            ("najemnina", "najem"),
            ("občina", "občan"),
            ("lokal", "loka"),
            ("prostor", "prost"),
            ("strojni", "stroški"),
            ("najemati", "najava"),
        ] {
            assert_ne!(key(a), key(b), "{a} and {b}");
        }
    }
}
