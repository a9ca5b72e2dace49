#!/usr/bin/env python3
"""Latency of the first search of some words: what nothing cached helps with. A search that
misses the answer cache still reuses the matches of words searched before (another filter,
sort or page of the same words; see src/matches.rs), so `miss_latency.py` measures that case.
This script starts the release server ROUNDS times over the same handbook and index, and
after each start, once it is idle, searches every line of the handbook's queries.txt once,
one after another, each with a random filter and page. Prints p50, p90, p99 and max in
milliseconds over all rounds. Only 127.0.0.1 is contacted; each server is stopped after its
round.

    python3 scripts/first_latency.py BINARY HANDBOOK_DIR INDEX_DIR [ROUNDS=8] [SEED=1]

e.g. over a generated corpus of 100,000 entries (see scripts/load.sh, CORPUS=DIR):
    python3 scripts/first_latency.py target/release/handbook DIR/handbook DIR/index
"""
import random
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

FILTERS = ["", "&status=open", "&region=gorenjska", "&type=subvencija-najemnine", "&sort=deadline"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def round_of(binary, handbook, index, queries, rng):
    port = free_port()
    server = subprocess.Popen(
        [binary, "serve", "--handbook", handbook, "--index", index,
         "--addr", f"127.0.0.1:{port}", "--no-live-reload"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start")
                time.sleep(0.05)
        # After it answers, the server still checks the files: wait until it is idle.
        for _ in range(240):
            before = cpu_ticks(server.pid)
            time.sleep(0.5)
            if cpu_ticks(server.pid) - before <= 2:
                break
        latencies = []
        for text in rng.sample(queries, len(queries)):
            q = urllib.parse.quote(text)
            url = f"{base}/api/search?q={q}{rng.choice(FILTERS)}&page={rng.randint(1, 500)}"
            start = time.perf_counter()
            urllib.request.urlopen(url, timeout=10).read()
            latencies.append((time.perf_counter() - start) * 1000)
        return latencies
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    binary, handbook, index = sys.argv[1:4]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    with open(f"{handbook}/queries.txt", encoding="utf-8") as lines:
        # Distinct lines only: a second search of the same words would reuse their matches.
        # (Lines that differ only in case or spacing would too; generated lists have none.)
        queries = sorted({l.strip() for l in lines if l.strip()})
    latencies = []
    for _ in range(rounds):
        latencies += round_of(binary, handbook, index, queries, rng)
    latencies.sort()
    n = len(latencies)
    pick = lambda p: latencies[min(n - 1, int(p * n))]
    print(f"searches: {n}  p50: {pick(0.5):.1f} ms  p90: {pick(0.9):.1f} ms  p99: {pick(0.99):.1f} ms  max: {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    main()
