#!/usr/bin/env python3
"""Writes src/text/lemma/sl.rules, the lemma model: suffix rules that take a folded Slovenian
word form to its folded lemma ("pomagam" -> "pomagati", "obcine" -> "obcina").

The rules are learned from what the LemmaGen lemmatiser (lemmagen3 on PyPI, Slovene model,
CC BY-SA 4.0) says about the Slovenian words of wordfreq (PyPI, data CC BY-SA 4.0) and about
every word of the shipped handbook. LemmaGen sees each word with its diacritics; the rules work
on folded words, as the analyser does, so that "obcine" typed without them is understood too.

A rule is stored at the shortest ending of a word that decides it: the reader takes the rule of
the longest stored ending of a word (a leading ^ stands for the start of the word), so that
learned words get exactly LemmaGen's lemma and unseen words the rule most words with their
ending had. Regenerate, then commit the result:

    python3 -m venv /tmp/lexvenv && /tmp/lexvenv/bin/pip install wordfreq==3.1.1 \
        && /tmp/lexvenv/bin/pip install --no-deps lemmagen3==3.5.2
    /tmp/lexvenv/bin/python scripts/lexicon.py > src/text/lemma/sl.rules

`bash scripts/check_lexicon.sh` checks that the committed file is what this script writes.
The output is deterministic: words are read in wordfreq's order and the handbook's files in
sorted order, and ties are broken by fixed keys.
"""
import collections
import functools
import pathlib
import re
import sys

import lemmagen3
import wordfreq

FOLD = str.maketrans("čćšžđ", "ccszd")
WORD = re.compile(r"[a-zčćšžđ]+")
# Longest ending a rule is learned for, besides whole words.
MAX_ENDING = 8


def fold(word):
    return word.lower().translate(FOLD)


def rule(form, lemma):
    """How to turn form into lemma: letters cut from the end, then letters added."""
    common = 0
    while common < min(len(form), len(lemma)) and form[common] == lemma[common]:
        common += 1
    return (len(form) - common, lemma[common:])


@functools.cache
def known_words():
    return frozenset(words())


def words():
    """Every word to learn from, with a weight that breaks ties between folded look-alikes."""
    weight = collections.Counter()
    for word, freq in wordfreq.get_frequency_dict("sl", wordlist="best").items():
        if WORD.fullmatch(word):
            weight[word] += freq
    root = pathlib.Path(__file__).resolve().parent.parent
    for path in sorted((root / "handbook").rglob("*.toml")):
        for word in WORD.findall(path.read_text(encoding="utf-8").lower()):
            weight[word] += 1e-9
    return weight


# Endings tried on every lemma to find the forms its paradigm has beside those seen in text:
# cases and numbers (the dual too), persons, participles, imperatives and the supine.
ENDINGS = sorted(set("""
    a e i o u m š t j l v
    om em ih ah eh am im ma mi ov ev ju jo ja je ji
    ami ema oma ama ima imi ega emu emi ima ega ih
    mo te ta va jo ti či la lo li le al il el ul
    amo ate aš ajo ava ata aj ajmo ajte ajva ajta al ala alo ali ale at
    imo ite iš ijo iva ita i imo ite il ila ilo ili ile it
    emo ete eš ejo eva eta ejmo ejte el ela elo eli ele et
    jem ješ je jemo jete jejo jeva jeta
    ujem uješ uje ujemo ujete ujejo ujeva ujeta uj ujmo ujte ujva ujta
    oval ovala ovalo ovali ovale ovat eval evala evalo evali evale evat
    nem neš ne nemo nete nejo neva neta ni nimo nite nil nila nilo nili nile
""".split()))


def paradigm(lemmatizer, lemma):
    """Forms of lemma's paradigm that LemmaGen takes back to it."""
    for cut in range(0, 7):
        if len(lemma) - cut < 3:
            break
        base = lemma[: len(lemma) - cut]
        for ending in ENDINGS:
            form = base + ending
            if form != lemma and lemma_of(lemmatizer, form) == lemma:
                yield form


def is_infinitive(lemma):
    return len(lemma) > 3 and lemma.endswith("ti")


def lemma_of(lemmatizer, word):
    """LemmaGen's lemma, with two changes where LemmaGen leaves a verb form as it is:
    - a present participle in -joč (zaposlujoč, and the adjectives sodelujoči, -a, -e, whose
      lemma LemmaGen gives as sodelujoč) goes to its verb, found through the third person plural
      it is made from (delajo for delajoč, sodelujejo for sodelujoč); not other words in -oč,
      which are nouns and adjectives (pomoč, mogoč, vroč, tekoč);
    - an imperative in -aj, -uj, -ij (vprašaj, sodeluj, razvij) goes to the verb its plural
      (vprašajte) has, where that plural is a known word and its verb starts as the imperative
      does: not for nouns and adverbs such as natečaj, kriterij, julij, skupaj, whose made-up
      plural LemmaGen would also take to a verb."""
    lemma = lemmatizer.lemmatize(word)
    if lemma.endswith("joč"):
        plural = lemma[:-3] + "jejo" if lemma.endswith("ujoč") else lemma[:-1]
        verb = lemmatizer.lemmatize(plural)
        if is_infinitive(verb):
            return verb
    if lemma == word and word.endswith(("aj", "uj", "ij")) and len(word) >= 5:
        plural = word + "te"
        verb = lemmatizer.lemmatize(plural)
        if plural in known_words() and is_infinitive(verb) and verb.startswith(word[:-2]):
            return verb
    return lemma


def nominal_homographs(lemmatizer, lemmas):
    """The dative and locative of a feminine noun in -a that is also, to LemmaGen, a form of the
    verb in -iti on the same root (prijavi: prijava and prijaviti; spodbudi: spodbuda and
    spodbuditi). LemmaGen picks the verb; a handbook of measures mostly means the noun ("o
    prijavi", "pri spodbudi"), so the noun keeps them. Other look-alikes keep LemmaGen's lemma."""
    for lemma in sorted(lemmas):
        if not lemma.endswith("a") or len(lemma) < 5:
            continue
        form = lemma[:-1] + "i"
        if lemmatizer.lemmatize(form) == lemma[:-1] + "iti":
            yield form, lemma


def participle_nouns(lemmatizer):
    """A masculine noun in -l whose nominative LemmaGen reads as the l-participle of a verb, and
    with it the forms the participle shares (hotel, hotela, hoteli, hotele: hoteti), while the
    forms only the noun has (hotelu, hotelom, hotelov, hotelih) it takes to the noun. Where at
    least two of those are words of the text, the noun is in use, and a handbook of measures
    means it ("gradnja hotela"), so the shared forms go to the noun too: else one noun's cases
    fall under two terms. Wanting ("hotel bi") is filler in a question either way."""
    known = known_words()
    for word in sorted(known):
        if len(word) < 4 or not word.endswith("l"):
            continue
        verb = lemma_of(lemmatizer, word)
        if verb == word or not is_infinitive(verb):
            continue
        oblique = [
            word + ending
            for ending in ("u", "om", "ov", "ih")
            if word + ending in known and lemmatizer.lemmatize(word + ending) == word
        ]
        if len(oblique) < 2:
            continue
        for form in (word, word + "a", word + "i", word + "e"):
            if lemma_of(lemmatizer, form) == verb:
                yield form, word


def main():
    lemmatizer = lemmagen3.Lemmatizer("sl")
    # The folded form's rule: the rule of its heaviest spelling.
    best = {}
    lemmas = set()
    for word, w in words().items():
        if len(word) < 2:
            continue
        lemma = lemma_of(lemmatizer, word)
        if not WORD.fullmatch(lemma):
            continue
        lemmas.add(lemma)
        folded = fold(word)
        if folded not in best or w > best[folded][0]:
            best[folded] = (w, rule(folded, fold(lemma)))
    # Forms not seen in text weigh less than any seen one. The lemma itself is one of them
    # (text may show only "moram", "mora"; the rules must still know "morati").
    for lemma in sorted(lemmas):
        folded = fold(lemma)
        if folded not in best and lemma_of(lemmatizer, lemma) == lemma:
            best[folded] = (0, rule(folded, folded))
        for form in paradigm(lemmatizer, lemma):
            folded = fold(form)
            if folded not in best:
                best[folded] = (0, rule(folded, fold(lemma)))
    for form, lemma in nominal_homographs(lemmatizer, lemmas):
        folded = fold(form)
        if folded in best:
            best[folded] = (best[folded][0], rule(folded, fold(lemma)))
    for form, noun in participle_nouns(lemmatizer):
        folded = fold(form)
        weight = best[folded][0] if folded in best else 0
        best[folded] = (weight, rule(folded, fold(noun)))
    # Counts of rules by ending; "^" + word is the whole word.
    counts = collections.defaultdict(collections.Counter)
    for folded, (_, r) in best.items():
        for n in range(0, min(MAX_ENDING, len(folded)) + 1):
            counts[folded[len(folded) - n:]][r] += 1
        counts["^" + folded][r] += 1

    def majority(ending):
        c = counts[ending]
        # Ties go to the smaller change, so that the rule is stable between runs.
        return max(c.items(), key=lambda kv: (kv[1], -kv[0][0], -len(kv[0][1]), kv[0]))[0]

    def parent(ending):
        if ending.startswith("^"):
            word = ending[1:]
            return word[len(word) - min(MAX_ENDING, len(word)):]
        return ending[1:]

    stored = {}
    out = []
    # Shorter endings first, and a whole word after the ending of the same letters.
    for ending in sorted(counts, key=lambda e: (len(e.lstrip("^")), e.startswith("^"), e)):
        r = majority(ending)
        if ending:
            # The rule the reader would take without this ending: the nearest stored one above.
            up = parent(ending)
            while up not in stored:
                up = up[1:]
            if stored[up] == r:
                continue
        stored[ending] = r
        out.append((ending, r))
    return out


if __name__ == "__main__":
    sys.stdout.write(
        "# The lemma model, written by scripts/lexicon.py from LemmaGen's Slovene model (CC BY-SA 4.0)\n"
        "# and wordfreq's Slovenian words (CC BY-SA 4.0): ending<TAB>letters cut<TAB>letters added.\n"
    )
    for ending, (cut, add) in main():
        sys.stdout.write(f"{ending}\t{cut}\t{add}\n")
