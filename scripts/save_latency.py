#!/usr/bin/env python3
"""Measures save-to-searchable latency end to end.

Starts the release server on 127.0.0.1 over a temporary copy of the handbook, then N times:
rewrites one entry's title with a fresh word (atomically, as editors' tools do), and polls
/api/search until that word is found. Prints p50, p95 and max. Debounce included.

    cargo build --release && python3 scripts/save_latency.py [N] [HANDBOOK_DIR]
"""
import json, os, random, shutil, socket, subprocess, sys, tempfile, time, urllib.request

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
# The handbook to copy: the shipped one, or e.g. a generated corpus of 10,000 entries.
SOURCE = sys.argv[2] if len(sys.argv) > 2 else None
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "handbook")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port):
    for _ in range(500):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.02)
    raise SystemExit("the server did not start")


def found(port, word):
    """Is an entry with `word` in its title searchable? The title is checked too: a fresh word
    must not count as found through a near match of an earlier one."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q={word}+", timeout=5) as r:
        return any(word in h["title"] for h in json.load(r)["hits"])


def main():
    work = tempfile.mkdtemp(prefix="handbook-latency-")
    hb = os.path.join(work, "handbook")
    shutil.copytree(SOURCE or os.path.join(ROOT, "handbook"), hb)
    port = free_port()
    server = subprocess.Popen(
        [BIN, "serve", "--handbook", hb, "--index", os.path.join(work, "index"), "--addr", f"127.0.0.1:{port}"],
        stdout=open(os.path.join(work, "server.log"), "w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(port)
        time.sleep(2)  # let the first index build and the watcher's start-up rescan finish
        entries = sorted(
            os.path.join(d, f) for d, _, fs in os.walk(os.path.join(hb, "measures")) for f in fs if f.endswith(".toml")
        )
        entry = entries[len(entries) // 2]
        original = open(entry, encoding="utf-8").read()
        latencies = []
        for i in range(N):
            # Random letters: no two saves' words are within typo distance of each other.
            word = "".join(random.choice("bcdfghjklmnprstvz") for _ in range(12))
            text = original.replace('title = "', f'title = "{word} ', 1)
            tmp = entry + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            start = time.perf_counter()
            os.replace(tmp, entry)
            deadline = start + 10
            while not found(port, word):
                if time.perf_counter() > deadline:
                    print(open(os.path.join(work, "server.log")).read())
                    raise SystemExit(f"save {i} not searchable after 10 s")
                time.sleep(0.002)
            latencies.append((time.perf_counter() - start) * 1000)
            time.sleep(0.05)
        latencies.sort()
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
        print(f"saves: {N}  p50: {pick(0.50):.0f} ms  p95: {pick(0.95):.0f} ms  max: {latencies[-1]:.0f} ms")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
