#!/usr/bin/env python3
"""Cold start with a valid index: the time from starting `handbook serve` to its first answer
of `/healthz`, and to its first search answer, over a handbook whose index (and cache) were
written by an earlier start. Runs the release binary RUNS times on 127.0.0.1 and prints each
time, the median and the RSS after the first search; cleans up after itself.

    cargo build --release && python3 scripts/cold_start.py [RUNS=7] [HANDBOOK_DIR]

Without HANDBOOK_DIR it generates 10,000 entries with the corpus generator.
"""
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "handbook")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=2.0):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def start(handbook, index, port):
    return subprocess.Popen(
        [BINARY, "serve", "--handbook", handbook, "--index", index,
         "--addr", f"127.0.0.1:{port}", "--no-live-reload"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "RUST_LOG": "warn"},
    )


def wait_up(port, began, limit=60.0):
    """Polls /healthz every millisecond; returns the seconds since `began` of the first 200."""
    while time.monotonic() - began < limit:
        try:
            status, _ = get(f"http://127.0.0.1:{port}/healthz", timeout=0.5)
            if status == 200:
                return time.monotonic() - began
        except OSError:
            time.sleep(0.001)
    raise SystemExit("the server did not answer within a minute")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    work = tempfile.mkdtemp(prefix="handbook-cold-")
    try:
        if len(sys.argv) > 2:
            handbook = sys.argv[2]
        else:
            handbook = os.path.join(work, "handbook")
            subprocess.run([os.path.join(ROOT, "target", "release", "examples", "gen_corpus"),
                            "10000", handbook], check=True, stdout=subprocess.DEVNULL)
        index = os.path.join(work, "index")
        # The first start builds the index and, once serving, saves the handbook cache.
        port = free_port()
        server = start(handbook, index, port)
        wait_up(port, time.monotonic(), limit=600)
        deadline = time.monotonic() + 60
        while not os.path.exists(os.path.join(index, "handbook.cache")):
            if time.monotonic() > deadline:
                raise SystemExit("no handbook cache was written")
            time.sleep(0.05)
        time.sleep(0.5)
        stop(server)
        # Files younger than two seconds are never trusted from the cache: let them age.
        time.sleep(2.5)

        up, searched, rss = [], [], []
        for _ in range(runs):
            port = free_port()
            began = time.monotonic()
            server = start(handbook, index, port)
            try:
                up.append(wait_up(port, began))
                get(f"http://127.0.0.1:{port}/api/search?q=najemnina")
                searched.append(time.monotonic() - began)
                rss.append(rss_mb(server.pid))
            finally:
                stop(server)
        ms = lambda xs: ", ".join(f"{x * 1000:.0f}" for x in xs)
        print(f"start to /healthz (ms): {ms(up)}")
        print(f"start to first search answered (ms): {ms(searched)}")
        print(f"median: {statistics.median(up) * 1000:.0f} ms to /healthz, "
              f"{statistics.median(searched) * 1000:.0f} ms to a search; "
              f"RSS after it {statistics.median(rss):.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
