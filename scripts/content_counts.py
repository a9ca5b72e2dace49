#!/usr/bin/env python3
"""The counts the content issue is judged by, over a handbook folder (default: handbook/):
entries, by municipality, national, by type, by year (from the dates, else the year in the id),
with a url, with English, series, and statuses on a day (default: today).

    python3 scripts/content_counts.py [HANDBOOK_DIR] [--on YYYY-MM-DD]
"""
import argparse
import collections
import datetime
import pathlib
import re
import tomllib

parser = argparse.ArgumentParser(description="Counts of the handbook's entries.")
parser.add_argument("handbook", nargs="?", default="handbook", help="the handbook folder")
parser.add_argument("--on", type=datetime.date.fromisoformat, default=datetime.date.today(),
                    help="the day statuses are computed on (YYYY-MM-DD)")
options = parser.parse_args()
on = options.on
root = pathlib.Path(options.handbook)
vocabulary = tomllib.loads((root / "vocabulary.toml").read_text(encoding="utf-8"))
entries = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in (root / "measures").rglob("*.toml")}


def year(id_, e):
    """As `Entry::year`: the year at the end of the id (a period's first), else the dates'."""
    m = re.search(r"-((?:19|20)\d\d)(?:-((?:19|20)\d\d))?$", id_)
    if m:
        return int(m.group(1))
    for field in ("open_from", "open_until"):
        if field in e:
            return e[field].year
    return e.get("last_confirmed")


def status(e):
    if e.get("closed"):
        return "closed"
    start, end = e.get("open_from"), e.get("open_until")
    if start is None and end is None:
        confirmed = e.get("last_confirmed")
        return "unconfirmed" if confirmed is not None and on.year - confirmed > 2 else "ongoing"
    if start is not None and on < start:
        return "upcoming"
    if end is not None and on > end:
        return "closed"
    return "open"


by_place = collections.Counter(m for e in entries.values() for m in e["municipalities"])
by_type = collections.Counter(t for e in entries.values() for t in e["types"])
by_year = collections.Counter(year(i, e) for i, e in entries.items())
statuses = collections.Counter(status(e) for e in entries.values())
urban = {k for k, m in vocabulary["municipality"].items() if m.get("urban")}
n = len(entries)
print(f"entries: {n}")
print(f"municipalities with an entry (besides slovenija): {len(set(by_place) - {'slovenija'})}")
print(f"national (slovenija): {by_place['slovenija']}")
print("urban municipalities: " + ", ".join(f"{k} {by_place[k]}" for k in sorted(urban)))
print(f"from 2023 or later: {sum(c for y, c in by_year.items() if y and y >= 2023)}")
print(f"with a url: {sum('url' in e for e in entries.values())} ({100 * sum('url' in e for e in entries.values()) / n:.1f} %)")
english = sum(bool(e.get("title_en")) and bool(e.get("summary_en")) for e in entries.values())
print(f"with title_en and summary_en: {english} ({100 * english / n:.1f} %)")
series = collections.Counter(e["series"] for e in entries.values() if "series" in e)
print(f"series: {len(series)} with {sum(series.values())} calls")
print(f"status on {on}: " + ", ".join(f"{k} {v}" for k, v in statuses.most_common()))
print("by year: " + ", ".join(f"{y} {c}" for y, c in sorted(by_year.items(), key=lambda x: (x[0] is None, x[0] or 0))))
print("by type: " + ", ".join(f"{k} {v}" for k, v in by_type.most_common()))
print("by municipality: " + ", ".join(f"{k} {v}" for k, v in by_place.most_common()))
