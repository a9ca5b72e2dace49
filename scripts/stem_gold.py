#!/usr/bin/env python3
"""Writes tests/stemmer/forms.tsv, the stemmer's gold: lemma, part of speech and one word form a
line. The paradigms are spelled out by class below (with every irregular stem given by hand), so
that a missing or wrong form is corrected once, in its class, and the file is regenerated:

    python3 scripts/stem_gold.py > tests/stemmer/forms.tsv

Kept out on purpose: comparatives of adjectives (novejši), passive participles (financiran,
prijavljen; they decline as adjectives and dictionaries often list them as adjectives), and the
verb biti. A form that two lemmas share (dela: delo and delati) is written under both; the
evaluation leaves such homographs out of the score, as no stemmer can tell them apart.
"""
import sys

out = []


def add(lemma, pos, forms):
    seen = set()
    for f in forms:
        if f and f not in seen:
            seen.add(f)
            out.append((lemma, pos, f))


# --- Nouns -------------------------------------------------------------------------------------

SOFT = tuple("cčšžj")


def masc(lemma, stem=None, sg_only=False):
    """Masculine o-declension; `stem` for the oblique cases (posel/posl-, partner/partnerj-)."""
    s = stem or lemma
    o = "e" if s.endswith(SOFT) else "o"
    forms = [lemma, s + "a", s + "u", s + o + "m"]
    if not sg_only:
        forms += [s + o + "ma", s + o + "v", s + "ih", s + "i", s + "e"]
    add(lemma, "noun", forms)


def fem_a(lemma, gen_pl=None, sg_only=False):
    s = lemma[:-1]
    forms = [lemma, s + "e", s + "i", s + "o"]
    if not sg_only:
        forms += [gen_pl or s, s + "am", s + "ah", s + "ami", s + "ama"]
    add(lemma, "noun", forms)


def fem_ev(lemma):
    """storitev, zaposlitev: the fleeting e of -ev."""
    s = lemma[:-2] + "v"
    add(lemma, "noun",
        [lemma, s + "e", s + "i", s + "ijo", s + "am", s + "ah", s + "ami", s + "ama"])


def fem_i(lemma, ost=None, sg_only=False):
    """i-declension: -ost nouns take -im -ih -ima in the plural and dual, others -em -eh -ema."""
    ost = lemma.endswith("ost") if ost is None else ost
    forms = [lemma, lemma + "i", lemma + "jo"]
    if not sg_only:
        v = "i" if ost else "e"
        forms += [lemma + v + "m", lemma + v + "h", lemma + v + "ma", lemma + "mi"]
    add(lemma, "noun", forms)


def neut(lemma, gen_pl=None, sg_only=False):
    s = lemma[:-1]
    o = lemma[-1]  # -o or -e
    forms = [lemma, s + "a", s + "u", s + o + "m"]
    if not sg_only:
        forms += [s + o + "ma", gen_pl if gen_pl is not None else s, s + "ih", s + "i"]
    add(lemma, "noun", forms)


for w in ["prostor", "lokal", "najem", "razpis", "kredit", "program", "podjetnik", "obrtnik",
          "sklad", "nakup", "najemnik", "proračun", "trg", "svet", "zavod", "razvoj", "pogoj",
          "rok", "kraj", "zagon", "obisk", "vlagatelj", "investitor", "nasvet", "objekt",
          "inkubator", "projekt", "urad", "dokument", "kapital", "prihodek", "turist", "stan",
          "cilj", "ukrep", "signal"]:
    if w == "prihodek":
        masc(w, "prihodk")
    elif w == "kapital":
        masc(w, sg_only=True)
    else:
        masc(w)
masc("vavčer", "vavčerj")
masc("denar", "denarj", sg_only=True)
masc("partner", "partnerj")
masc("turizem", "turizm", sg_only=True)
masc("posel", "posl")
masc("gostinec", "gostinc")
masc("svetovalec", "svetovalc")
masc("trgovec", "trgovc")
masc("davek", "davk")
masc("prispevek", "prispevk")
masc("začetek", "začetk")
masc("dobiček", "dobičk")
masc("delavec", "delavc")
masc("center", "centr")
masc("dogodek", "dogodk")
masc("izdelek", "izdelk")
masc("kupec", "kupc")
masc("strošek", "strošk")
masc("sejem", "sejm")
masc("dohodek", "dohodk")
masc("prodajalec", "prodajalc")

for w in ["najemnina", "subvencija", "fasada", "obnova", "prijava", "občina", "investicija",
          "trgovina", "spodbuda", "ponudba", "pogodba", "prodaja", "prodajalna", "delavnica",
          "ulica", "stavba", "cena", "plača", "loka", "pravica", "krajina", "podpora", "izvedba",
          "odločba", "ideja", "banka", "hiša", "pisarna", "mera", "kavarna", "tržnica",
          "dediščina", "promocija", "ustanova", "oddaja", "naložba", "oprema", "kategorija",
          "blagajna", "dokumentacija", "zadruga", "ekipa", "kvota"]:
    fem_a(w)
fem_a("vloga", "vlog")
fem_a("gostilna", "gostiln")
fem_a("digitalizacija", sg_only=True)
fem_ev("zaposlitev")
fem_ev("storitev")
fem_ev("oprostitev")
fem_ev("samozaposlitev")
for w in ["dejavnost", "skupnost", "priložnost", "možnost", "odgovornost"]:
    fem_i(w)
fem_i("obrt", ost=False)
fem_i("pomoč", sg_only=True)

neut("podjetje", "podjetij")
neut("pročelje", "pročelij")
neut("mesto")
neut("jedro", "jeder")
neut("središče")
neut("sredstvo", "sredstev")
neut("posojilo")
neut("svetovanje")
neut("usposabljanje")
neut("sofinanciranje", sg_only=True)
neut("financiranje", sg_only=True)
neut("gostinstvo", sg_only=True)
neut("delo")
neut("plačilo")
neut("pravo", sg_only=True)
neut("pravilo")
neut("merilo")
neut("zdravilo")
neut("letalo")
neut("leto")
neut("stanovanje")
neut("stanje")
neut("skladišče")
neut("okolje", "okolij")
neut("področje", "področij")
neut("poslovanje", sg_only=True)
neut("odprtje", "odprtij")
neut("iskanje")
neut("nadaljevanje")
neut("znanje")
neut("orodje", "orodij")
neut("dovoljenje")
neut("poročilo")
neut("obvestilo")
neut("izobraževanje")
neut("vodstvo", "vodstev")
neut("gospodarstvo", sg_only=True)

# --- Adjectives --------------------------------------------------------------------------------


def adj(lemma, stem=None, definite_only=False):
    """`lemma` is the masculine nominative (indefinite where there is one); `stem` the stem of
    the other forms where the nominative has a fleeting vowel (mesten/mestn-)."""
    s = stem or (lemma[:-1] if definite_only else lemma)
    n = "e" if s.endswith(SOFT) else "o"
    forms = [] if definite_only else [lemma]
    forms += [s + "i", s + "a", s + n, s + "ega", s + "emu", s + "em", s + "im", s + "ih",
              s + "ima", s + "imi", s + "e"]
    add(lemma, "adjective", forms)


for w in ["nov", "star", "zelen", "velik", "zdrav", "odprt", "mlad", "tuj", "obstoječ"]:
    adj(w)
for w, s in [("majhen", "majhn"), ("mesten", "mestn"), ("digitalen", "digitaln"),
             ("lokalen", "lokaln"), ("posloven", "poslovn"), ("finančen", "finančn"),
             ("davčen", "davčn"), ("turističen", "turističn"), ("javen", "javn"),
             ("zaseben", "zasebn"), ("prazen", "prazn"), ("brezplačen", "brezplačn"),
             ("ugoden", "ugodn"), ("kulturen", "kulturn"), ("dober", "dobr"),
             ("nepovraten", "nepovratn"), ("kratkoročen", "kratkoročn"),
             ("dolgoročen", "dolgoročn"), ("inovativen", "inovativn"), ("socialen", "socialn"),
             ("lesen", "lesn"), ("prostoren", "prostorn"), ("reden", "redn"),
             ("regionalen", "regionaln"), ("državen", "državn"), ("sodoben", "sodobn"),
             ("uspešen", "uspešn"), ("obrten", "obrtn")]:
    adj(w, s)
for w in ["podjetniški", "gostinski", "trgovski", "evropski", "slovenski", "zagonski",
          "gospodarski", "občinski", "letni", "programski", "kranjski"]:
    adj(w, definite_only=True)

# --- Adverbs -----------------------------------------------------------------------------------

for lemma, forms in [
    ("hitro", ["hitro", "hitreje", "najhitreje"]),
    ("pogosto", ["pogosto", "pogosteje", "najpogosteje"]),
    ("dolgo", ["dolgo", "dlje", "najdlje"]),
    ("veliko", ["veliko", "več", "največ"]),
    ("lahko", ["lahko", "lažje", "najlažje"]),
    ("blizu", ["blizu", "bližje", "najbližje"]),
    ("danes", ["danes"]),
    ("takoj", ["takoj"]),
    ("skupaj", ["skupaj"]),
    ("sproti", ["sproti"]),
    ("kmalu", ["kmalu"]),
    ("zelo", ["zelo"]),
]:
    add(lemma, "adverb", forms)

# --- Verbs -------------------------------------------------------------------------------------


def verb(inf, pres, l_masc, l_stem, imp, third_pl=None, extra=(), dual=None, supine=True):
    """Infinitive, supine, present (`pres` is the 3rd person singular; the dual and plural are
    made from it), l-participle, imperative (`imp` is the 2nd person singular, or None)."""
    forms = [inf]
    if supine:
        forms.append(inf[:-1])
    p = pres
    d2, pl2 = dual or (p + "ta", p + "te")
    forms += [p + "m", p + "š", p, p + "va", d2, p + "mo", pl2, third_pl or p + "jo"]
    forms += [l_masc, l_stem + "a", l_stem + "o", l_stem + "i", l_stem + "e"]
    if imp:
        forms += [imp, imp + "mo", imp + "te"]
    forms += list(extra)
    add(inf, "verb", forms)


def am(inf, extra=()):
    """-ati/-eti with the present in -am: delati, delam, delal, delaj."""
    x = inf[:-2]
    verb(inf, x, x + "l", x + "l", x + "j", extra=extra)


def im(inf, extra=()):
    """-iti with the present in -im: prijaviti, prijavim, prijavil, prijavi."""
    x = inf[:-2]
    verb(inf, x, x + "l", x + "l", x, extra=extra)


def eti(inf, extra=()):
    """-eti with the present in -im: želeti, želim, želel, želi."""
    x = inf[:-2]
    p = x[:-1] + "i"
    verb(inf, p, x + "l", x + "l", p, extra=extra)


def ujem(inf, extra=()):
    """-ovati/-evati with the present in -ujem: svetovati, svetujem, svetoval, svetuj."""
    r = inf[:-5]
    x = inf[:-2]
    verb(inf, r + "uje", x + "l", x + "l", r + "uj", extra=extra)


def dati(inf):
    """The -dati compounds: prodati, prodam, prodasta, prodaste, prodajo, prodaj."""
    x = inf[:-2]
    verb(inf, x, x + "l", x + "l", x + "j", third_pl=x + "jo", dual=(x + "sta", x + "ste"))


for w in ["delati", "pomagati", "prodajati", "najemati", "vlagati", "ustanavljati",
          "obnavljati", "prijavljati", "usposabljati", "razvijati", "odpirati", "podpirati",
          "spodbujati", "izvajati", "upravljati", "izkoriščati", "sprejemati", "pridobivati",
          "izboljšati", "podaljšati", "povečati", "zmanjšati", "poznati", "plačati",
          "spremljati", "omogočati", "zagotavljati", "oddajati", "upoštevati", "vprašati",
          "odgovarjati", "čakati", "izdelati", "dobivati", "ohranjati", "prenavljati",
          "oživljati", "predstavljati", "obstajati",
          "financirati", "sofinancirati", "subvencionirati", "investirati", "digitalizirati",
          "registrirati", "organizirati", "kandidirati", "promovirati", "rezervirati",
          "informirati"]:
    am(w)
for w in ["prijaviti", "ustanoviti", "obnoviti", "zaposliti", "kupiti", "vložiti", "pridobiti",
          "dobiti", "narediti", "nameniti", "spodbuditi", "urediti", "ponuditi", "predložiti",
          "oprostiti", "zgraditi", "odločiti", "potrditi", "omogočiti", "zagotoviti",
          "prenoviti", "oživiti", "ohraniti", "izpolniti", "govoriti", "rešiti", "odobriti",
          "dodeliti", "prositi", "storiti", "usposobiti", "izkoristiti", "posoditi", "učiti",
          "misliti", "pustiti", "zaključiti", "razširiti", "predstaviti", "zaslužiti",
          "zaprositi", "pomeniti", "samozaposliti"]:
    im(w)
im("voditi", extra=["vodeč"])
for w in ["želeti", "živeti", "videti", "sedeti", "trpeti"]:
    eti(w)
for w in ["svetovati", "zaposlovati", "potrebovati", "nadaljevati", "načrtovati",
          "obratovati", "kupovati", "pričakovati", "posredovati", "podeljevati", "dodeljevati",
          "izpolnjevati", "uresničevati", "plačevati", "nakupovati", "oglaševati",
          "izobraževati", "podpisovati"]:
    ujem(w)
ujem("delovati", extra=["delujoč"])
ujem("sodelovati", extra=["sodelujoč"])
ujem("poslovati", extra=["poslujoč"])
for w in ["prodati", "oddati", "dodati", "izdati"]:
    dati(w)
# -niti: the present in -nem.
for w in ["povrniti", "vrniti", "dvigniti"]:
    verb(w, w[:-3] + "e", w[:-2] + "l", w[:-2] + "l", w[:-2])
# Verbs whose present, past or imperative stem differs from the infinitive's.
verb("odpreti", "odpre", "odprl", "odprl", "odpri")
verb("podpreti", "podpre", "podprl", "podprl", "podpri")
verb("zapreti", "zapre", "zaprl", "zaprl", "zapri")
verb("začeti", "začne", "začel", "začel", "začni")
verb("najeti", "najame", "najel", "najel", "najemi")
verb("prejeti", "prejme", "prejel", "prejel", "prejmi")
verb("sprejeti", "sprejme", "sprejel", "sprejel", "sprejmi")
verb("vzeti", "vzame", "vzel", "vzel", "vzemi")
verb("prevzeti", "prevzame", "prevzel", "prevzel", "prevzemi")
verb("iskati", "išče", "iskal", "iskal", "išči")
verb("napisati", "napiše", "napisal", "napisal", "napiši")
verb("izvesti", "izvede", "izvedel", "izvedl", "izvedi")
verb("razviti", "razvije", "razvil", "razvil", "razvij")
verb("zagnati", "zažene", "zagnal", "zagnal", "zaženi")
verb("rasti", "raste", "rasel", "rasl", "rasti", extra=["rastoč"])
verb("reči", "reče", "rekel", "rekl", "reci", extra=["rekoč"])
verb("moči", "more", "mogel", "mogl", None, supine=False)
verb("priti", "pride", "prišel", "prišl", "pridi")
verb("imeti", "ima", "imel", "imel", "imej")
verb("razumeti", "razume", "razumel", "razumel", "razumi")
verb("morati", "mora", "moral", "moral", None)
verb("hoteti", "hoče", "hotel", "hotel", None)
add("vedeti", "verb", ["vedeti", "vedet", "vem", "veš", "ve", "veva", "vesta", "vemo", "veste",
                       "vedo", "vedel", "vedela", "vedelo", "vedeli", "vedele", "vedi",
                       "vedimo", "vedite", "vedoč"])

w = sys.stdout.write
w("# The stemmer's gold: lemma, part of speech, form; written by scripts/stem_gold.py.\n")
for lemma, pos, form in out:
    w(f"{lemma}\t{pos}\t{form}\n")
