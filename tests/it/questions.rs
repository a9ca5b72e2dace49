//! Questions in plain Slovenian: a word the handbook has in no form finds the measures that
//! use another word of its family, below those that use the word itself, and so does a
//! participle ("znižane": znižanje); pronouns, the verbs of getting and "del" (a part, not
//! work) do not decide what matches; a verb form never turns into a preposition, nor any word
//! into one that never counts ("najem" into the "naj" of "naj bi"); in a
//! question of four words or more, how well the rare words match decides, not how many of the
//! common ones, and a verb counts less than a noun, a word with a slip as much as the word
//! meant, and a word of a place's name less where the place is not named; the calls of a
//! recurring measure come together, around an editor's pin too.

use crate::common::{TempHandbook, VOCABULARY, hit_ids, summarised_entry};

/// The query string of a search for `text` as typed and finished (a space after it).
fn q(text: &str) -> String {
    let mut out = String::from("q=");
    for b in format!("{text} ").bytes() {
        match b {
            b' ' => out.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[tokio::test]
async fn a_word_the_handbook_lacks_finds_the_measures_that_use_its_family() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/ustanovitev.toml",
        &summarised_entry(
            "Pomoč pri ustanovitvi",
            "Svetovanje ob ustanovitvi novega podjetja.",
        ),
    );
    hb.write(
        "measures/kranj/fasade.toml",
        &summarised_entry("Obnova fasad", "Sofinanciranje obnove pročelij."),
    );
    let app = hb.app();
    // No entry has any form of "ustanavljati": its perfective's noun answers.
    assert_eq!(app.ids(&q("ustanavljam")).await, ["ustanovitev"]);
    assert_eq!(app.ids(&q("svetovalec")).await, ["ustanovitev"]);
    // A word the handbook has is not widened to its family.
    assert!(app.ids(&q("obnova")).await == ["fasade"]);
}

#[tokio::test]
async fn a_word_the_handbook_has_is_matched_as_itself_and_one_it_lacks_by_its_family() {
    let hb = TempHandbook::empty();
    // Words of one family that no group of synonyms joins (the built-in groups join
    // "svetovanje" and "svetovalec").
    hb.write(
        "measures/kranj/a-povezovanje.toml",
        &summarised_entry("Povezovanje", "Brezplačno povezovanje podjetnikov."),
    );
    hb.write(
        "measures/kranj/b-povezovalec.toml",
        &summarised_entry("Povezovalec v občini", "Povezovalec za podjetnike."),
    );
    let app = hb.app();
    // "povezovalci" is a form of "povezovalec": that entry, not the family.
    assert_eq!(
        app.ids(&q("povezovalci")).await,
        ["b-povezovalec"],
        "a word the handbook has is matched as itself only"
    );
    assert_eq!(
        app.ids(&q("povezujem")).await.len(),
        2,
        "a word it lacks finds the whole family"
    );
}

#[tokio::test]
async fn a_verb_no_group_names_finds_the_synonyms_of_its_kin_that_one_does() {
    let hb = TempHandbook::empty();
    // The built-in groups join "subvencioniranje" and "sofinanciranje", not the verb
    // "subvencionirati"; no entry has any word of that family.
    hb.write(
        "measures/kranj/a-sofinanciranje.toml",
        &summarised_entry(
            "Pomoč novim trgovinam",
            "Sofinanciranje najemnine za lokal.",
        ),
    );
    hb.write(
        "measures/kranj/b-oddaja.toml",
        &summarised_entry(
            "Najemnine občinskih lokalov",
            "Seznam najemnin, najemnine po conah.",
        ),
    );
    let app = hb.app();
    // The rents alone would put the list of rents first; "subvencionirajo" means what
    // "subvencioniranje" does, and so matches the co-financing.
    assert_eq!(
        app.ids(&q("subvencionirajo najemnino")).await,
        ["a-sofinanciranje", "b-oddaja"]
    );
    // A word a group names keeps its own group, and widens no further.
    assert_eq!(app.ids(&q("subvencija")).await, ["a-sofinanciranje"]);
}

#[tokio::test]
async fn a_woman_naming_her_trade_finds_the_measures_for_crafts() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/a-obrt.toml",
        &summarised_entry("Pomoč obrtnikom", "Sofinanciranje naložb v obrt."),
    );
    hb.write(
        "measures/kranj/b-trgovine.toml",
        &summarised_entry("Pomoč trgovcem", "Sofinanciranje naložb v trgovine."),
    );
    let app = hb.app();
    // No entry says "frizerka" or any word of its family; the built-in groups count a
    // hairdresser's trade ("frizerski") among the crafts.
    assert_eq!(app.ids(&q("frizerka")).await, ["a-obrt"]);
    assert_eq!(
        app.ids(&q("sem mizarka, kje dobim pomoč")).await[0],
        "a-obrt"
    );
}

#[tokio::test]
async fn a_participle_finds_the_measures_that_name_the_act_by_its_noun() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/a-znizana.toml",
        &summarised_entry("Znižana najemnina", "Znižana najemnina za lokale."),
    );
    hb.write(
        "measures/kranj/b-znizanje.toml",
        &summarised_entry("Znižanje najemnin", "Občina omogoča znižanje najemnin."),
    );
    hb.write(
        "measures/kranj/c-najemnine.toml",
        &summarised_entry("Najemnine v središču", "Subvencija najemnin za lokale."),
    );
    let app = hb.app();
    // "znižane" is a form of "znižana" and of the family of "znižanje": both match every
    // word, the form first; the measure with the rent alone comes last.
    assert_eq!(
        app.ids(&q("znižane najemnine")).await,
        ["a-znizana", "b-znizanje", "c-najemnine"]
    );
}

#[tokio::test]
async fn pronouns_and_the_verbs_of_getting_do_not_decide_what_matches() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/prenos.toml",
        &summarised_entry(
            "Vavčer za prenos lastništva",
            "Pomoč pri prenosu podjetja na naslednika.",
        ),
    );
    hb.write(
        "measures/kranj/svoj.toml",
        &summarised_entry(
            "Svoj prostor",
            "Dobivate svoje prostore za svojo dejavnost, takšne kot želite.",
        ),
    );
    let app = hb.app();
    let ids = app
        .ids(&q(
            "oče mi bo predal svojo obrt, kakšno pomoč dobivam pri prenosu",
        ))
        .await;
    assert_eq!(ids.first().map(String::as_str), Some("prenos"), "{ids:?}");
    assert!(!ids.contains(&"svoj".to_string()), "{ids:?}");
}

/// How people ask around what they ask ("zanima me", "kje najdem", "smo morali", "ali
/// obstaja možnost", "kakšni so pogoji", "informacije glede") matches nothing: a measure
/// that says those words and not what is asked is no answer.
#[tokio::test]
async fn the_words_people_ask_with_do_not_match_in_any_form() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/najem.toml",
        &summarised_entry("Subvencija najemnine", "Občina krije del najemnine lokala."),
    );
    hb.write(
        "measures/kranj/splosno.toml",
        &summarised_entry(
            "Informacije za podjetnike",
            "Možnosti, pogoji in informacije: kaj morate imeti, kje najdete, kar vas zanima. \
             Obrnite se na nas, pridite, velja za vse.",
        ),
    );
    let app = hb.app();
    for text in [
        "zanima me, kakšni so pogoji za subvencijo najemnine",
        "kje najdem informacije glede subvencije najemnine",
        "ali obstaja možnost, da bi morali imeti subvencijo najemnine",
        "kam se obrnem, kako pridem do subvencije najemnine, ali še velja",
    ] {
        assert_eq!(app.ids(&q(text)).await, ["najem"], "{text}");
    }
}

/// Filler typed with a slip ("pgoji" for "pogoji", "lahok" for "lahko") is still filler: the
/// word it was meant as says so. It is left out, and the words left decide whether the text
/// is a question, so the search finds what it finds typed right. Alone, it is searched for as
/// the word meant.
#[tokio::test]
async fn filler_typed_with_a_slip_is_still_filler() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/najem.toml",
        &summarised_entry("Subvencija najemnine", "Občina krije del najemnine lokala."),
    );
    // Enough that match every word for a search of keywords to show those alone.
    for n in 0..10 {
        hb.write(
            &format!("measures/kranj/najem-{n}.toml"),
            &summarised_entry(
                &format!("Subvencija najemnine {n}"),
                "Za najemnine v središču.",
            ),
        );
    }
    hb.write(
        "measures/kranj/fasade.toml",
        &summarised_entry("Subvencija za fasade", "Občina krije del obnove pročelij."),
    );
    hb.write(
        "measures/kranj/splosno.toml",
        &summarised_entry(
            "Splošno za podjetnike",
            "Pogoji: lahko zaprosi vsak, velja za vse.",
        ),
    );
    let app = hb.app();
    for (slip, right) in [
        (
            "kakšni so pgoji za subvencijo najemnine",
            "kakšni so pogoji za subvencijo najemnine",
        ),
        (
            "ali lahok dobim subvencijo najemnine",
            "ali lahko dobim subvencijo najemnine",
        ),
        ("pgoji najemnine", "pogoji najemnine"),
    ] {
        let found = app.ids(&q(slip)).await;
        assert!(!found.contains(&"splosno".to_string()), "{slip}: {found:?}");
        assert_eq!(found, app.ids(&q(right)).await, "{slip}");
        // Scored and kept as typed right: as keywords, every word counted, not as a question.
        let (a, b) = (
            app.json(&format!("/api/search?per_page=20&{}", q(slip)))
                .await,
            app.json(&format!("/api/search?per_page=20&{}", q(right)))
                .await,
        );
        assert_eq!(a["total"], b["total"], "{slip}");
        let score = |v: &serde_json::Value| v["hits"][0]["score"].as_f64().unwrap_or(0.0);
        assert!(
            (score(&a) - score(&b)).abs() < 1e-3,
            "{slip}: {} against {}",
            score(&a),
            score(&b)
        );
    }
    assert_eq!(app.ids(&q("pgoji")).await, ["splosno"]);
}

#[tokio::test]
async fn a_part_of_the_costs_is_not_a_job() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/promocija.toml",
        &summarised_entry(
            "Sofinanciranje promocije",
            "Občina krije stroške oglaševanja.",
        ),
    );
    hb.write(
        "measures/kranj/delo.toml",
        &summarised_entry("Čakanje na delo", "Nadomestilo za delo, ki ga ni."),
    );
    let app = hb.app();
    let ids = app.ids(&q("kdo plača del promocije")).await;
    assert_eq!(ids, ["promocija"]);
    // The work itself is still found.
    assert_eq!(app.ids(&q("čakanje na delo")).await, ["delo"]);
}

#[tokio::test]
async fn a_verb_form_never_becomes_a_preposition() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/pred.toml",
        &summarised_entry("Rok", "Vlogo oddajte pred iztekom roka."),
    );
    let app = hb.app();
    assert!(app.ids(&q("predal")).await.is_empty());
    let v = app.json("/api/analyze?text=predal+podal").await;
    let terms: Vec<&str> = v["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["term"].as_str().unwrap())
        .collect();
    // Both are also l-participles (predati, podati): their term is the infinitive.
    for t in &terms {
        assert!(!["pred", "pod"].contains(t), "{terms:?}");
    }
    assert_eq!(terms, ["predati", "podati"]);
}

#[tokio::test]
async fn a_word_is_never_cut_down_to_a_word_that_never_counts() {
    let hb = TempHandbook::empty();
    hb.write(
        "measures/kranj/najem.toml",
        &summarised_entry("Najem lokala", "Občina sofinancira najem praznih lokalov."),
    );
    hb.write(
        "measures/kranj/hedge.toml",
        &summarised_entry(
            "Obnova fasad",
            "Občina naj bi sofinancirala obnovo pročelij ter streh; delež prej ni bil znan.",
        ),
    );
    let app = hb.app();
    // "najem" is not "naj", "terme" not "ter", "prejem" not "prej": none of them matches
    // the entry that has only those words.
    assert_eq!(app.ids(&q("najem")).await, ["najem"]);
    assert_eq!(app.ids(&q("najemu")).await, ["najem"]);
    assert!(app.ids(&q("terme")).await.is_empty());
    assert!(app.ids(&q("prejem")).await.is_empty());
}

/// `count` general measures (splosno-00, splosno-01, ...) with this title and a number, and
/// this summary: the common words most measures share.
fn general(hb: &TempHandbook, count: usize, title: &str, summary: &str) {
    for n in 0..count {
        hb.write(
            &format!("measures/kranj/splosno-{n:02}.toml"),
            &summarised_entry(&format!("{title} {n}"), summary),
        );
    }
}

/// A handbook where forty measures share the common words of a question and one has its
/// rare word.
fn common_and_rare() -> TempHandbook {
    let hb = TempHandbook::empty();
    general(
        &hb,
        40,
        "Razvoj gospodarstva",
        "Sredstva za razvoj podjetij v občini.",
    );
    hb.write(
        "measures/kranj/prenos.toml",
        &summarised_entry(
            "Vavčer za prenos lastništva",
            "Sofinanciranje svetovanja pri prenosu lastništva na naslednika.",
        ),
    );
    hb
}

#[tokio::test]
async fn a_question_ranks_the_measure_of_its_rare_word_above_those_of_many_common_words() {
    let hb = common_and_rare();
    let app = hb.app();
    // Four words count: občina, prenos, podjetje, sin ("denar" is filler). Forty measures match
    // občina and podjetje, one the rare "prenos" alone: the question is about that one.
    let ids = app
        .ids(&q(
            "ali lahko dobim denar občine za prenos podjetja na sina",
        ))
        .await;
    assert_eq!(ids.first().map(String::as_str), Some("prenos"), "{ids:?}");
}

#[tokio::test]
async fn keywords_still_rank_the_measures_that_match_more_of_them_first() {
    let hb = common_and_rare();
    let app = hb.app();
    // Three keywords are not a question: the forty measures that match two of them come
    // before the one that matches a single word.
    let ids = app
        .ids(&format!("{}&per_page=50", q("občina podjetje prenos")))
        .await;
    assert_eq!(ids.len(), 41, "{ids:?}");
    assert_eq!(ids.last().map(String::as_str), Some("prenos"), "{ids:?}");
}

#[tokio::test]
async fn three_words_that_ask_are_a_question_where_the_rare_word_decides() {
    let hb = common_and_rare();
    let app = hb.app();
    // The same three words as the keywords above, asked: občina, podjetje, prenos.
    let ids = app.ids(&q("ali občina podjetju kaj da za prenos")).await;
    assert_eq!(ids.first().map(String::as_str), Some("prenos"), "{ids:?}");
}

#[tokio::test]
async fn in_a_question_a_word_most_measures_have_counts_less_even_where_it_is_rare() {
    let hb = TempHandbook::empty();
    general(&hb, 20, "Razvoj", "Sredstva za podjetja v občini.");
    // "Podjetja" in a title is rare among titles, but nearly every measure has the word.
    hb.write(
        "measures/kranj/a-podjetja.toml",
        &summarised_entry("Podjetja", "Sredstva za podjetja."),
    );
    hb.write(
        "measures/kranj/b-naslednik.toml",
        &summarised_entry("Vavčer", "Svetovanje pri predaji nasledniku."),
    );
    let app = hb.app();
    let ids = app
        .ids(&q(
            "kje dobim denar za podjetje, ko prodajam delavnico nasledniku",
        ))
        .await;
    assert_eq!(
        ids.first().map(String::as_str),
        Some("b-naslednik"),
        "{ids:?}"
    );
}

#[tokio::test]
async fn in_a_question_a_word_with_a_slip_counts_as_common_as_the_word_meant() {
    let hb = TempHandbook::empty();
    general(&hb, 20, "Razvoj", "Sredstva za podjetja v občini.");
    hb.write(
        "measures/kranj/a-podjetja.toml",
        &summarised_entry("Podjetja", "Podjetja in podjetja."),
    );
    hb.write(
        "measures/kranj/b-naslednik.toml",
        &summarised_entry(
            "Vavčer",
            "Svetovanje in pomoč pri predaji dejavnosti, opreme in strank nasledniku, \
             tudi družinskemu članu ali zaposlenemu.",
        ),
    );
    let app = hb.app();
    // "Poddjetje" is in no measure, but the word meant is in nearly all: it counts as little
    // as "podjetje" does, and the rare word decides.
    for typed in ["podjetje", "poddjetje"] {
        let ids = app
            .ids(&q(&format!(
                "kje dobim denar za {typed}, ko prodajam delavnico nasledniku"
            )))
            .await;
        assert_eq!(
            ids.first().map(String::as_str),
            Some("b-naslednik"),
            "{typed}: {ids:?}"
        );
    }
}

#[tokio::test]
async fn a_question_leaves_out_the_matches_of_its_common_words_alone() {
    let hb = TempHandbook::empty();
    general(&hb, 30, "Razvoj", "Sredstva za podjetja.");
    hb.write(
        "measures/kranj/prenos.toml",
        &summarised_entry(
            "Vavčer za prenos lastništva",
            "Prenos lastništva podjetja na naslednika.",
        ),
    );
    let app = hb.app();
    // Every measure has "podjetje"; only one has what the question is about.
    let v = app
        .json(&format!(
            "/api/search?{}",
            q("kdo pomaga pri prenosu lastništva podjetja na naslednika")
        ))
        .await;
    assert_eq!(hit_ids(&v), ["prenos"]);
    assert_eq!(v["total"], 1);
    // The word alone is a keyword search: every measure that has it.
    assert_eq!(
        app.json(&format!("/api/search?{}", q("podjetje"))).await["total"],
        31
    );
}

#[tokio::test]
async fn in_a_question_a_verb_counts_less_than_a_noun() {
    let hb = TempHandbook::empty();
    general(&hb, 20, "Razvoj", "Sredstva za podjetja.");
    // The question's verb in passing, in a title; its noun in a summary, where a match counts
    // half as much.
    hb.write(
        "measures/kranj/a-trznica.toml",
        &summarised_entry("Občina je uredila tržnico", "Nova tržnica v središču."),
    );
    hb.write(
        "measures/kranj/b-sejem.toml",
        &summarised_entry("Vavčer", "Povračilo stroškov za sejem."),
    );
    let app = hb.app();
    // Four words count: uredi, stojnica, sejem, brezplačno; the measure is about the fair.
    let ids = app
        .ids(&q("ali mi kdo uredi stojnico za sejem brezplačno"))
        .await;
    assert_eq!(ids, ["b-sejem", "a-trznica"]);
}

#[tokio::test]
async fn in_a_question_a_word_of_a_place_name_counts_less_where_the_place_is_not_named() {
    let hb = TempHandbook::empty();
    let novo_mesto = "[municipality.novo-mesto]\nlabel = \"Novo mesto\"\nregion = \"JV\"\n";
    hb.write("vocabulary.toml", &format!("{VOCABULARY}{novo_mesto}"));
    general(&hb, 20, "Razvoj", "Sredstva za podjetja.");
    // "Novem" in the titles of Novo mesto's measures; what the question asks for in a summary.
    for n in 0..2 {
        hb.write(
            &format!("measures/novo-mesto/a-{n}.toml"),
            &summarised_entry(&format!("Najemnine v Novem mestu {n}"), "Opis.")
                .replace("[\"kranj\"]", "[\"novo-mesto\"]"),
        );
    }
    hb.write(
        "measures/kranj/b-stroji.toml",
        &summarised_entry("Vavčer", "Sofinanciranje nakupa strojev."),
    );
    let app = hb.app();
    // "nove" is new here, not Novo mesto; the question is about machines.
    let ids = app
        .ids(&q("kje lahko kupim nove stroje za delavnico"))
        .await;
    assert_eq!(ids.first().map(String::as_str), Some("b-stroji"), "{ids:?}");
    // Named, the place ranks its measures first.
    let ids = app.ids(&q("kje lahko kupim stroje v Novem mestu")).await;
    assert_eq!(ids.first().map(String::as_str), Some("a-0"), "{ids:?}");
}

#[tokio::test]
async fn in_a_question_the_calls_of_a_recurring_measure_come_together_best_matched_first() {
    let hb = TempHandbook::empty();
    let call = |title: &str, summary: &str, series: &str| {
        format!(
            "{}series = \"{series}\"\n",
            summarised_entry(title, summary)
        )
    };
    // One year's call says all the question's words, the next year's only one of them.
    hb.write(
        "measures/kranj/izlozbe-2023.toml",
        &call(
            "Izložbe 2023",
            "Prenova izložbe, tende in svetila lokala.",
            "kranj-izlozbe",
        ),
    );
    // Checked later: of two equal scores, it would come first.
    hb.write(
        "measures/kranj/izlozbe-2024.toml",
        &call("Izložbe 2024", "Prenova v mestnem jedru.", "kranj-izlozbe")
            .replace("updated = 2024-01-01", "updated = 2024-06-01"),
    );
    // A call of the series that shares no word of the question.
    hb.write(
        "measures/kranj/izlozbe-2025.toml",
        &call("Vitrine 2025", "Sofinanciranje vitrin.", "kranj-izlozbe"),
    );
    // Another measure says more of the question than the second call.
    hb.write(
        "measures/kranj/tende.toml",
        &summarised_entry("Tende", "Tende in svetila za lokal."),
    );
    let app = hb.app();
    let question = q("kje dobim denar za prenovo izložbe, tende in svetila lokala");
    assert_eq!(
        app.ids(&question).await,
        ["izlozbe-2023", "izlozbe-2024", "tende"]
    );
    // A few words are not a question: matching more of them still ranks first.
    assert_eq!(
        app.ids(&q("prenova tende")).await,
        ["izlozbe-2023", "tende", "izlozbe-2024"]
    );
    // An editor's pin comes first; its series does not follow it above the answers, and
    // the calls answering by their words still come together.
    hb.write(
        "synonyms.toml",
        "[[pin]]\nquery = \"kje dobim denar za prenovo izložbe, tende in svetila lokala\"\nmeasures = [\"izlozbe-2025\"]\n",
    );
    let app = hb.app();
    assert_eq!(
        app.ids(&question).await,
        ["izlozbe-2025", "izlozbe-2023", "izlozbe-2024", "tende"]
    );
}

#[tokio::test]
async fn in_a_question_a_measure_of_the_type_its_words_point_to_ranks_above_one_that_matches_as_well()
 {
    let hb = TempHandbook::empty();
    // Many measures of another type, that share none of the question's words.
    general(&hb, 60, "Razvoj", "Sredstva za podjetja.");
    // Most measures that say "izložba" are of the type "subvencija-najemnine" (whose label
    // says nothing of shop windows): the word points to that type.
    let rent = |entry: String| entry.replace("[\"vavcer\"]", "[\"subvencija-najemnine\"]");
    for n in 0..3 {
        hb.write(
            &format!("measures/kranj/izlozbe-{n}.toml"),
            &rent(summarised_entry(
                &format!("Izložbe {n}"),
                "Urejene izložbe praznih lokalov v mestnem jedru.",
            )),
        );
    }
    // Two programmes say the same words; one is of that type. The other comes first by its
    // title where their scores tie.
    let programme = "Podukrepi: sejmi, izložbe in izobraževanje za podjetnike.";
    hb.write(
        "measures/kranj/a-program.toml",
        &summarised_entry("Program A", programme),
    );
    hb.write(
        "measures/kranj/b-program.toml",
        &rent(summarised_entry("Program B", programme)),
    );
    let app = hb.app();
    let ids = app
        .ids(&q("kdo mi pomaga urediti izložbo trgovine v centru"))
        .await;
    let at = |id: &str| ids.iter().position(|i| i == id);
    assert!(
        at("b-program").is_some() && at("a-program").is_some(),
        "{ids:?}"
    );
    assert!(at("b-program") < at("a-program"), "{ids:?}");
    // Keywords are not a question: there the tie stands, in title order.
    let ids = app.ids(&q("izložbe sejmi izobraževanje")).await;
    assert_eq!(ids[..2], ["a-program", "b-program"], "{ids:?}");
}
