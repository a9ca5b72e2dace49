#!/usr/bin/env python3
"""Writes the relevance suite's lists of queries with a typo: each judged query of a source
list again, with one slip of the fingers in one of its longer words, and the same judgments
(the query means the same thing, so the same measures answer it).

    python3 scripts/typo_lists.py

- tests/relevance/typos_dev.toml from shipped.toml: to tune on;
- tests/relevance/typos.toml from questions.toml (the held-out questions): to measure on only.

A slip is one of: a letter left out, two neighbours swapped, a letter doubled, or a letter
replaced by its neighbour on a Slovenian keyboard; never the first letter (people rarely miss
it) and only in a word of at least five letters, which is where search looks for typos. The
random choices are seeded, so the lists are the same every run.
"""
import json
import pathlib
import random
import re
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "relevance"
ROWS = ["qwertzuiopšđ", "asdfghjklčćž", "yxcvbnm"]
WORD = re.compile(r"\w+")


def neighbours(c):
    for row in ROWS:
        i = row.find(c)
        if i >= 0:
            return [row[j] for j in (i - 1, i + 1) if 0 <= j < len(row)]
    return []


def slip(word, rng):
    kinds = ["drop", "swap", "double", "neighbour"]
    while True:
        kind = rng.choice(kinds)
        i = rng.randrange(1, len(word))
        if kind == "drop":
            return word[:i] + word[i + 1:]
        if kind == "swap" and i + 1 < len(word) and word[i] != word[i + 1]:
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        if kind == "double":
            return word[: i + 1] + word[i] + word[i + 1:]
        if kind == "neighbour":
            lower = word[i].lower()
            near = neighbours(lower)
            if near:
                return word[:i] + rng.choice(near) + word[i + 1:]


def with_typo(q, rng):
    words = [m for m in WORD.finditer(q) if len(m.group()) >= 5 and not m.group().isdigit()]
    if not words:
        return None
    m = rng.choice(words)
    return q[: m.start()] + slip(m.group(), rng) + q[m.end():]


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(source, target, seed, purpose):
    rng = random.Random(seed)
    queries = tomllib.loads((ROOT / source).read_text(encoding="utf-8"))["query"]
    out = [
        f"# Written by scripts/typo_lists.py from {source}: each query with one slip of the fingers",
        f"# in one word of five letters or more, and the judgments of {source}. {purpose}",
        "",
    ]
    for item in queries:
        q = with_typo(item["q"], rng)
        if q is None:
            continue
        out.append("[[query]]")
        out.append('category = "typo"')
        out.append(f"q = {quote(q)}")
        for key in ("filters",):
            if key in item:
                out.append(f"[query.{key}]")
                for k, v in item[key].items():
                    out.append(f"{k} = {json.dumps(v, ensure_ascii=False)}")
        out.append("[query.relevant]")
        for k, v in item["relevant"].items():
            out.append(f"{k} = {v}")
        out.append("")
    (ROOT / target).write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    write("shipped.toml", "typos_dev.toml", 21, "To tune on.")
    write("questions.toml", "typos.toml", 2112, "Held out: measure on it, never tune to it.")
