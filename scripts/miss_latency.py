#!/usr/bin/env python3
"""Latency of searches that miss the answer cache, against a server already running on
127.0.0.1: N searches one after another, each a line of the handbook's queries.txt with a
random filter and a random page from 1 to 500, so that (almost) none was asked before.
Prints p50, p90, p99 and max in milliseconds. The words of each line are searched many times,
so after their first search the server reuses their matches (src/matches.rs): this measures
what narrowing, sorting or paging a search costs. `first_latency.py` measures the first
search of some words.

    python3 scripts/miss_latency.py PORT HANDBOOK_DIR [N=150] [SEED=1]

Start the server first, e.g. over a generated corpus of 100,000 entries:
    ./target/release/handbook serve --handbook DIR --index INDEX --addr 127.0.0.1:PORT --no-live-reload
"""
import random
import sys
import time
import urllib.parse
import urllib.request

FILTERS = ["", "&status=open", "&region=gorenjska", "&type=subvencija-najemnine", "&sort=deadline"]


def main():
    port, handbook = int(sys.argv[1]), sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 150
    random.seed(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    queries = [l.strip() for l in open(f"{handbook}/queries.txt", encoding="utf-8") if l.strip()]
    latencies = []
    for _ in range(n):
        q = urllib.parse.quote(random.choice(queries))
        url = f"http://127.0.0.1:{port}/api/search?q={q}{random.choice(FILTERS)}&page={random.randint(1, 500)}"
        start = time.perf_counter()
        urllib.request.urlopen(url, timeout=10).read()
        latencies.append((time.perf_counter() - start) * 1000)
    latencies.sort()
    pick = lambda p: latencies[min(n - 1, int(p * n))]
    print(f"searches: {n}  p50: {pick(0.5):.1f} ms  p90: {pick(0.9):.1f} ms  p99: {pick(0.99):.1f} ms  max: {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
