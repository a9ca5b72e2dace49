#!/usr/bin/env bash
# Load test: the release server on 127.0.0.1 over a generated handbook, driven by wrk with a
# realistic query mix, at 2 and 16 connections for a bounded time each. Prints requests/s,
# p50, p99 and the server's RSS; cleans up after itself.
#
#     scripts/load.sh [ENTRIES=10000] [SECONDS=10] [PATH_PREFIX=/api/search]
#
# Requests say `Accept-Encoding: gzip`, as browsers and most HTTP libraries do; set
# ENCODING=identity for a client that takes only plain bodies.
#
# The handbook is generated into a temporary folder and the server builds its index, unless
# CORPUS=DIR names a folder to keep them in: the first run fills it, and later runs measure a
# server restarted over its own index and handbook cache.
#
# Needs wrk (Debian: apt-get install wrk). Only 127.0.0.1 is ever contacted.
set -euo pipefail
cd "$(dirname "$0")/.."

entries=${1:-10000}
seconds=${2:-10}
prefix=${3:-/api/search}
encoding=${ENCODING:-gzip}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

work=$(mktemp -d)
corpus=${CORPUS:-$work}
server=""
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --release --quiet --example gen_corpus
cargo build --release --quiet
if [ ! -f "$corpus/handbook/vocabulary.toml" ]; then
    ./target/release/examples/gen_corpus "$entries" "$corpus/handbook" >/dev/null
fi
if [ -f "$corpus/index/meta.json" ]; then
    what="restarted over its index"
else
    what="index built from $(find "$corpus/handbook/measures" -name '*.toml' | wc -l) entries"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
start=$(date +%s.%N)
./target/release/handbook serve --handbook "$corpus/handbook" --index "$corpus/index" \
    --addr "127.0.0.1:$port" --no-live-reload 2>"$work/server.log" >/dev/null &
server=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.02; done
echo "server up after $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s ($what)"
# After it answers, the server still sets up its watch, checks the files and saves the
# handbook cache, on a core of its own. Measure the steady state: wait (at most two minutes)
# until it is idle, so that work is not counted against the searches.
ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
for _ in $(seq 240); do
    before=$(ticks); sleep 0.5; after=$(ticks)
    [ $((after - before)) -le 2 ] && break
done
echo "idle after $(python3 -c "print(round($(date +%s.%N) - $start, 2))") s; RSS $(awk '/VmRSS/ {print $2/1024 " MB"}' "/proc/$server/status")"

# The query mix: each line of queries.txt, alone and with filters, so the cache sees a
# realistic spread of distinct searches rather than one.
python3 - "$corpus/handbook/queries.txt" "$prefix" > "$work/paths.txt" <<'PY'
import sys, urllib.parse
queries = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
prefix = sys.argv[2]
filters = ["", "&status=open", "&region=gorenjska", "&region=podravska&region=savinjska",
           "&type=subvencija-najemnine", "&sort=deadline", "&page=2"]
for q in queries:
    for f in filters:
        print(f"{prefix}?q={urllib.parse.quote(q)}{f}")
PY
cat > "$work/mix.lua" <<LUA
local paths = {}
for line in io.lines("$work/paths.txt") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = (i % #paths) + 1
  return wrk.format("GET", paths[i])
end
LUA
echo "$(wc -l < "$work/paths.txt") distinct searches against $prefix, Accept-Encoding: $encoding"

for connections in 2 16; do
    out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency -H "Accept-Encoding: $encoding" -s "$work/mix.lua" "http://127.0.0.1:$port" 2>&1)
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
    p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    rss=$(awk '/VmRSS/ {print $2/1024 " MB"}' "/proc/$server/status")
    echo "connections=$connections requests/s=$rps p50=$p50 p99=$p99 rss=$rss ${errors:-errors=0}"
done
peak=$(awk '/VmHWM/ {print $2/1024 " MB"}' "/proc/$server/status")
echo "peak RSS: $peak"
