//! Synthetic handbooks for benchmarks and load tests: N realistic entries in the handbook's
//! format, over the shipped vocabulary, with Slovenian wording in varied inflected forms, every
//! facet populated and dates spread over years; and a list of realistic queries to run on them.
//! Deterministic: the same N and seed give the same files.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use chrono::{Days, NaiveDate};

use crate::handbook::vocabulary::Vocabulary;

/// A small, fast, deterministic generator (xorshift64*); no need for cryptographic quality.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next_u64() % n.max(1) as u64).unwrap_or(0)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const TITLES: &[&str] = &[
    "Sofinanciranje najemnin poslovnih prostorov v starem mestnem jedru",
    "Subvencije za najemnine praznih lokalov v središču mesta",
    "Javni razpis za sofinanciranje obnove fasad v mestnem jedru",
    "Obnova stavbnih pročelij in streh v starem delu mesta",
    "Spodbude za zagon novih podjetij in samozaposlitev",
    "Vavčerji za digitalizacijo poslovanja malih podjetij",
    "Ugodna posojila za mikro in mala podjetja",
    "Oprostitev plačila takse za uporabo javnih površin",
    "Sofinanciranje komunalnega prispevka za nove investicije",
    "Pomoč gostincem in trgovcem v mestnem središču",
    "Programi za oživljanje mestnega jedra",
    "Usposabljanje in svetovanje za podjetnike začetnike",
    "Promocija lokalnih ponudnikov in trgovin v centru",
    "Spodbude za odpiranje novih delovnih mest",
    "Brezplačna raba praznih poslovnih prostorov za začasne dejavnosti",
];

const SENTENCES: &[&str] = &[
    "Občina krije do polovice upravičenih stroškov najemnine za prazne poslovne prostore.",
    "Upravičenci so samostojni podjetniki, mikro in mala podjetja s sedežem v občini.",
    "Prednost imajo trgovske in obrtne dejavnosti v pritličjih stavb ob glavnem trgu.",
    "Sofinancira se obnova uličnih fasad in streh na stavbah kulturne dediščine.",
    "Vloge se oddajo po pošti ali elektronsko do porabe sredstev.",
    "Prejemnik mora dejavnost opravljati vsaj dve leti po prejemu sredstev.",
    "Pomoč se dodeli po pravilu de minimis.",
    "Podjetnikom v inkubatorju so na voljo svetovanje, mentorstvo in delavnice.",
    "Sredstva so namenjena nakupu opreme, digitalizaciji prodaje in spletni promociji.",
    "Za nova delovna mesta občina povrne del stroškov plač za prvo leto.",
    "Gostincem, ki v poletni sezoni urejajo vrtove, občina zniža takso za javne površine.",
    "Lastniki praznih lokalov lahko prostore brezplačno oddajo za začasno rabo.",
    "Posojila imajo nižjo obrestno mero in daljši odlog odplačila.",
    "Razpis je del programa oživljanja mestnega središča in krepitve lokalne ponudbe.",
    "Podjetja, stara manj kot tri leta, imajo pri ocenjevanju dodatne točke.",
];

/// What editors write as `keywords`: the 40 most common of the shipped handbook's first round
/// of keywords (2026-12-06), three in ten of an entry's keywords then (about 3 of 9); the rest
/// were each rare, and matter to a search's cost only as length, so entries draw from these
/// few (`MOST_KEYWORDS`). The shipped entries have about twelve each since.
const KEYWORDS: &[&str] = &[
    "nepovratna sredstva",
    "samostojni podjetnik",
    "center mesta",
    "zaposliti delavca",
    "startup",
    "prenova fasade",
    "zagon podjetja",
    "najem lokala",
    "lastniki hiš",
    "postati samozaposlen",
    "ustanoviti podjetje",
    "mala podjetja",
    "pomoč pri zagonu",
    "korona",
    "naložbe",
    "obnova hiše",
    "nova zaposlitev",
    "ugoden kredit",
    "mikro podjetja",
    "epidemija",
    "posojilo za podjetje",
    "nakup opreme",
    "subvencija za podjetnike",
    "izobraževanje",
    "nižje obresti",
    "samostojni podjetniki",
    "novo podjetje",
    "covid",
    "samozaposlitev",
    "sejmi",
    "subvencija za podjetja",
    "lastna dejavnost",
    "mlado podjetje",
    "subvencija",
    "kulturni spomenik",
    "vaučer",
    "odpreti svoje podjetje",
    "pomoč pri najemnini",
    "socialna podjetja",
    "stara hiša",
];
/// Most keywords an entry draws from `KEYWORDS` (at least one).
const MOST_KEYWORDS: usize = 5;

pub const QUERIES: &[&str] = &[
    "najemnine",
    "subvencije najemnin",
    "najemnino v starem mestnem jedru",
    "fasade",
    "obnova procelij",
    "sofinanciranje obnove fasad",
    "vavcer digitalizacija",
    "posojila za mala podjetja",
    "samozaposlitev",
    "zagon podjetja",
    "podjetn",
    "gostinci",
    "taksa javne povrsine",
    "komunalni prispevek",
    "mestno sredisce",
    "ljubjana",
    "maribr",
    "nova delovna mesta",
    "inkubator",
    "promocija trgovin",
    "subvencije za najem lokala v starem mestnem jedru",
    "prazni lokali",
    "kulturna dediscina",
    "",
];

fn date(rng: &mut Rng) -> NaiveDate {
    let start = NaiveDate::from_ymd_opt(2015, 1, 1).expect("valid date");
    start
        .checked_add_days(Days::new(rng.below(12 * 365) as u64))
        .unwrap_or(start)
}

fn keys<S: AsRef<str>>(rng: &mut Rng, from: &[S], most: usize) -> String {
    let n = 1 + rng.below(most);
    let mut chosen: Vec<&str> = Vec::new();
    for _ in 0..n {
        let k = rng.pick(from).as_ref();
        if !chosen.contains(&k) {
            chosen.push(k);
        }
    }
    let quoted: Vec<String> = chosen.iter().map(|k| format!("\"{k}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

/// One entry's TOML.
pub fn entry(rng: &mut Rng, vocabulary: &Vocabulary, latest: NaiveDate) -> (String, String) {
    let municipalities: Vec<&String> = vocabulary.municipality.keys().collect();
    let types: Vec<&String> = vocabulary.r#type.keys().collect();
    let sources: Vec<&String> = vocabulary.source.keys().collect();
    let beneficiaries: Vec<&String> = vocabulary.beneficiary.keys().collect();
    let municipality = rng.pick(&municipalities).to_string();
    let place = &vocabulary.municipality[&municipality].label;
    let year = 2015 + rng.below(12);
    let mut toml = String::new();
    let title = rng.below(TITLES.len());
    let _ = writeln!(toml, "title = \"{} ({place}, {year})\"", TITLES[title]);
    let _ = writeln!(
        toml,
        "summary = \"{} {}\"",
        rng.pick(SENTENCES),
        rng.pick(SENTENCES)
    );
    let _ = writeln!(toml, "municipalities = [\"{municipality}\"]");
    let _ = writeln!(toml, "types = {}", keys(rng, &types, 2));
    let _ = writeln!(toml, "sources = {}", keys(rng, &sources, 2));
    if !beneficiaries.is_empty() {
        let _ = writeln!(toml, "beneficiaries = {}", keys(rng, &beneficiaries, 3));
    }
    let _ = writeln!(toml, "provider = \"Občina {place}\"");
    let updated = date(rng).min(latest);
    let _ = writeln!(toml, "updated = {updated}");
    if rng.chance(80) {
        let from = date(rng);
        let until = from
            .checked_add_days(Days::new(14 + rng.below(200) as u64))
            .unwrap_or(from);
        if rng.chance(70) {
            let _ = writeln!(toml, "open_from = {from}");
        }
        let _ = writeln!(toml, "open_until = {until}");
    }
    if rng.chance(30) {
        let _ = writeln!(toml, "until_funds_run_out = true");
    }
    if rng.chance(70) {
        let _ = writeln!(toml, "budget_eur = {}", 5_000 + rng.below(300) * 1_000);
        let _ = writeln!(toml, "max_amount_eur = {}", 500 + rng.below(40) * 250);
        let _ = writeln!(toml, "cofinancing_percent = {}", 20 + rng.below(9) * 10);
    }
    let mut body = String::from("## Pogoji\\n\\n");
    for _ in 0..(2 + rng.below(5)) {
        body.push_str("- ");
        let sentence: &&str = rng.pick(SENTENCES);
        body.push_str(sentence);
        body.push_str("\\n");
    }
    let _ = writeln!(toml, "body = \"{body}\"");
    // Drawn from a generator of their own, seeded from the entry's state without advancing it,
    // so every other part of a corpus is what it was before entries had keywords.
    let mut own = Rng::new(rng.0 ^ 0x9e37_79b9_7f4a_7c15);
    let _ = writeln!(
        toml,
        "keywords = {}",
        keys(&mut own, KEYWORDS, MOST_KEYWORDS)
    );
    // Half of the shipped handbook's calls recur (a `series`). Here half of the entries name a
    // series, the one of their municipality and title, as the same call of later years would;
    // at 10,000 entries about four in ten share it with another call (series of two or three),
    // at a few hundred nearly none do.
    if own.chance(50) {
        let _ = writeln!(toml, "series = \"{municipality}-serija-{title}\"");
    }
    (municipality, toml)
}

/// Writes a handbook of `n` generated entries to `dir`, over `vocabulary_file`'s vocabulary.
pub fn write(dir: &Path, vocabulary_file: &Path, n: usize, seed: u64) -> io::Result<()> {
    let source = fs::read_to_string(vocabulary_file)?;
    let vocabulary = Vocabulary::parse(vocabulary_file, &source)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "the vocabulary has problems"))?;
    fs::create_dir_all(dir.join("measures"))?;
    fs::write(dir.join("vocabulary.toml"), source)?;
    let mut rng = Rng::new(seed);
    let latest = crate::today();
    for i in 0..n {
        let (municipality, toml) = entry(&mut rng, &vocabulary, latest);
        let folder = dir.join("measures").join(&municipality);
        fs::create_dir_all(&folder)?;
        fs::write(
            folder.join(format!("{municipality}-ukrep-{i:06}.toml")),
            toml,
        )?;
    }
    let mut queries = String::new();
    for q in QUERIES {
        let _ = writeln!(queries, "{q}");
    }
    fs::write(dir.join("queries.txt"), queries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handbook::folder::Handbook;

    #[test]
    fn a_generated_handbook_is_valid_and_deterministic() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("handbook/vocabulary.toml");
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write(a.path(), &shipped, 50, 7).unwrap();
        write(b.path(), &shipped, 50, 7).unwrap();
        let hb = Handbook::load(a.path(), crate::today()).unwrap();
        let resolved = hb.resolve();
        let errors: Vec<String> = resolved
            .problems
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
        assert_eq!(resolved.entries.len(), 50);
        let first = |d: &Path| {
            let (files, _) = crate::handbook::folder::discover(d);
            fs::read_to_string(&files[0]).unwrap()
        };
        assert_eq!(first(a.path()), first(b.path()));
    }
}
