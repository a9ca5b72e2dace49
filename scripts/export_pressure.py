#!/usr/bin/env python3
"""Heavy work against ordinary searches (issue 20, item 5): the release server on 127.0.0.1,
started over a handbook and an index folder, then

- exports: N clients download an export at once (default 8 × `/export.json`) while one client
  searches, one search after another; prints the server's RSS idle and at its highest during
  the exports (sampled every 20 ms, and `VmHWM`), what each export got (status, bytes,
  seconds), and the latency of the searches made meanwhile;
- flood: N clients send searches of random words (default 16, each query 1 KiB of words of
  3–10 letters, or `--flood-words` words filling 1 KiB) for some seconds while one client
  searches; prints what the flood got (statuses) and the latency of the ordinary searches.

Ordinary searches are a handful of real queries, each with another `page`, so none is answered
from the answer cache. Only 127.0.0.1 is contacted; the server is stopped at the end. Give each
binary its own index folder: their handbook caches may differ in format. A missing index is
built at the start (the script waits until the server is idle before measuring).

    python3 scripts/export_pressure.py BINARY HANDBOOK_DIR INDEX_DIR [--phase exports|flood|both]
        [--exports 8] [--path /export.json] [--flooders 16] [--flood-words 0] [--seconds 10]

e.g. over a generated handbook of 20,000 entries:
    cargo run --release --example gen_corpus -- 20000 /tmp/e20k/handbook
    python3 scripts/export_pressure.py target/release/handbook /tmp/e20k/handbook /tmp/e20k/index --phase exports
    python3 scripts/export_pressure.py target/release/handbook handbook /tmp/shipped-index --phase flood
"""
import argparse
import http.client
import json
import random
import socket
import string
import subprocess
import threading
import time
import urllib.parse

ORDINARY = ["subvencija", "najemnine", "fasade", "vavcer", "mestno jedro", "obnova procelij",
            "digitalni marketing", "podjetniki"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def get(conn_box, port, path, timeout=60):
    """(status, body bytes, seconds) of one GET on the client's kept-alive connection."""
    start = time.perf_counter()
    for attempt in range(2):
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn_box[0].request("GET", path)
            res = conn_box[0].getresponse()
            body = res.read()
            if res.getheader("connection", "").lower() == "close":
                conn_box[0].close()
                conn_box[0] = None
            return res.status, len(body), time.perf_counter() - start
        except (OSError, http.client.HTTPException):
            conn_box[0].close()
            conn_box[0] = None
            if attempt == 1:
                return 0, 0, time.perf_counter() - start
    return 0, 0, time.perf_counter() - start


def percentiles(ms):
    if not ms:
        return "no searches"
    ms = sorted(ms)
    n = len(ms)
    pick = lambda p: ms[min(n - 1, int(p * n))]
    return (f"{n} searches: p50 {pick(0.5):.1f} ms, p90 {pick(0.9):.1f} ms, "
            f"p99 {pick(0.99):.1f} ms, max {ms[-1]:.1f} ms")


def ordinary_searches(port, running, rng):
    """Searches one after another while `running` is set; latencies in ms."""
    conn, out, page = [None], [], 0
    while running.is_set():
        page += 1
        q = urllib.parse.quote(rng.choice(ORDINARY))
        status, _, secs = get(conn, port, f"/api/search?q={q}&page={page}", timeout=120)
        out.append(secs * 1000)
        if status != 200:
            print(f"  an ordinary search got {status}")
    return out


def exports_phase(server, port, options, rng):
    idle = status_kib(server.pid, "VmRSS")
    hwm_before = status_kib(server.pid, "VmHWM")
    running = threading.Event()
    running.set()
    peak = [idle]

    def sample():
        while running.is_set():
            peak[0] = max(peak[0], status_kib(server.pid, "VmRSS"))
            time.sleep(0.02)

    results = [None] * options.exports

    def export(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        start = time.perf_counter()
        conn.request("GET", options.path)
        res = conn.getresponse()
        size = 0
        while chunk := res.read(65536):
            size += len(chunk)
        results[i] = (res.status, size, time.perf_counter() - start, res.getheader("retry-after"))
        conn.close()

    sampler = threading.Thread(target=sample)
    sampler.start()
    searches = []
    searcher = threading.Thread(target=lambda: searches.extend(ordinary_searches(port, running, rng)))
    searcher.start()
    time.sleep(0.2)
    clients = [threading.Thread(target=export, args=(i,)) for i in range(options.exports)]
    started = time.perf_counter()
    for c in clients:
        c.start()
    for c in clients:
        c.join()
    took = time.perf_counter() - started
    running.clear()
    sampler.join()
    searcher.join()
    after = status_kib(server.pid, "VmRSS")
    hwm = status_kib(server.pid, "VmHWM")
    print(f"{options.exports} × {options.path}: all done after {took:.2f} s")
    for status, size, secs, retry in results:
        extra = f", Retry-After {retry}" if retry else ""
        print(f"  {status}: {size / 1e6:.1f} MB in {secs:.2f} s{extra}")
    print(f"RSS idle {idle / 1024:.0f} MB, highest during {peak[0] / 1024:.0f} MB "
          f"(+{(peak[0] - idle) / 1024:.0f} MB), after {after / 1024:.0f} MB; "
          f"VmHWM {hwm_before / 1024:.0f} → {hwm / 1024:.0f} MB")
    print(f"ordinary searches meanwhile: {percentiles(searches)}")


def random_query(rng, words):
    """1 KiB of random lowercase words: as many of 3–10 letters as fit, or `words` of them."""
    if words:
        size = max(1, (1024 - (words - 1)) // words)
        return " ".join("".join(rng.choices(string.ascii_lowercase, k=size)) for _ in range(words))
    out = []
    while True:
        word = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 10)))
        if len(" ".join(out + [word])) > 1024:
            return " ".join(out)
        out.append(word)


def flood_phase(port, options, rng):
    running = threading.Event()
    running.set()
    statuses = {}
    lock = threading.Lock()

    def flood(seed):
        local = random.Random(seed)
        conn = [None]
        while running.is_set():
            q = urllib.parse.quote(random_query(local, options.flood_words))
            status, _, _ = get(conn, port, f"/api/search?q={q}", timeout=120)
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    baseline = threading.Event()
    baseline.set()
    timer = threading.Timer(3, baseline.clear)
    timer.start()
    alone = ordinary_searches(port, baseline, rng)
    print(f"ordinary searches alone: {percentiles(alone)}")
    flooders = [threading.Thread(target=flood, args=(rng.random(),)) for _ in range(options.flooders)]
    for f in flooders:
        f.start()
    time.sleep(0.5)
    measuring = threading.Event()
    measuring.set()
    threading.Timer(options.seconds, measuring.clear).start()
    during = ordinary_searches(port, measuring, rng)
    running.clear()
    for f in flooders:
        f.join()
    words = options.flood_words or "as many as fit"
    print(f"{options.flooders} clients of 1 KiB random-word queries ({words} words) for "
          f"{options.seconds} s: statuses {dict(sorted(statuses.items()))}")
    print(f"ordinary searches meanwhile: {percentiles(during)}")


def main():
    parser = argparse.ArgumentParser(description="Heavy work against ordinary searches.")
    parser.add_argument("binary")
    parser.add_argument("handbook")
    parser.add_argument("index")
    parser.add_argument("--phase", choices=["exports", "flood", "both"], default="both")
    parser.add_argument("--exports", type=int, default=8, help="concurrent exports")
    parser.add_argument("--path", default="/export.json", help="what each export client asks for")
    parser.add_argument("--flooders", type=int, default=16, help="clients sending random words")
    parser.add_argument("--flood-words", type=int, default=0,
                        help="words per flood query (0: as many of 3–10 letters as fit in 1 KiB)")
    parser.add_argument("--seconds", type=float, default=10, help="how long the flood lasts")
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    port = free_port()
    server = subprocess.Popen(
        [options.binary, "serve", "--handbook", options.handbook, "--index", options.index,
         "--addr", f"127.0.0.1:{port}", "--no-live-reload"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 600
        conn = [None]
        while get(conn, port, "/healthz", timeout=1)[0] != 200:
            if time.time() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.05)
        # After it answers, the server still checks the files: wait until it is idle.
        for _ in range(480):
            before = cpu_ticks(server.pid)
            time.sleep(0.5)
            if cpu_ticks(server.pid) - before <= 2:
                break
        # What is measured is only worth as much as what is served: say how many entries.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", "/api/search?per_page=1")
        print(f"serving {json.loads(conn.getresponse().read())['total']} entries")
        conn.close()
        if options.phase in ("exports", "both"):
            exports_phase(server, port, options, rng)
        if options.phase in ("flood", "both"):
            flood_phase(port, options, rng)
    finally:
        server.terminate()
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
