#!/usr/bin/env python3
"""Does the way a person asks change what a search finds? Each of a few searches of what
people look for ("subvencija najemnine") is wrapped in the phrases people ask with ("zanima
me …", "kdo ponuja …", "katere so pogoji za …"), and the first five of each wrapped search are
compared with the first five of the search alone: the share they have in common, averaged
per phrase over the searches. A phrase far below 1 has a word that decides what is found
though it says nothing about what is asked (or one that does say something: "nasvet").

    handbook serve --addr 127.0.0.1:3918 --no-watch &
    python3 scripts/filler_probe.py [http://127.0.0.1:3918]
"""

import json
import sys
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3918"

SEARCHES = [
    "subvencija najemnine", "obnova fasade", "ugoden kredit", "zagon podjetja",
    "gostinski vrt", "promocija obrti", "nakup opreme", "komunalni prispevek",
    "usposabljanje zaposlenih", "prazen lokal v centru", "samozaposlitev",
    "digitalizacija trgovine", "turistična nastanitev", "vavčer za svetovanje",
    "pomoč po poplavah",
]
PHRASES = [
    "zanima me {}", "rad bi informacije o {}", "kje najdem podatke za {}",
    "prosim za nasvet glede {}", "ali obstaja kakšna možnost za {}", "iščem ponudbo za {}",
    "kakšne so možnosti za {}", "ali je na voljo {}", "katere so pogoji za {}",
    "ali se da dobiti {}", "a veste kaj o {}", "mene zanima {}",
    "ali mi lahko poveste več o {}", "kdo ponuja {}", "potreboval bi {}",
]


def first(text: str, n: int = 5) -> list[str]:
    url = f"{BASE}/api/search?per_page={n}&q={urllib.parse.quote(text)}"
    with urllib.request.urlopen(url) as response:
        return [hit["id"] for hit in json.load(response)["hits"]]


def main() -> None:
    alone = {s: first(s) for s in SEARCHES}
    shares = []
    for phrase in PHRASES:
        common = [
            len(set(alone[s]) & set(first(phrase.format(s)))) / max(1, len(alone[s]))
            for s in SEARCHES
        ]
        shares.append((sum(common) / len(common), phrase))
    for share, phrase in sorted(shares):
        print(f"{share:.2f}  {phrase}")
    print(f"{sum(s for s, _ in shares) / len(shares):.2f}  on average")


if __name__ == "__main__":
    main()
