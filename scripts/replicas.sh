#!/usr/bin/env bash
# Two replicas of the handbook behind Debian's haproxy on 127.0.0.1, load through it, one
# replica killed (SIGKILL) a third of the way in: how many requests failed, and how many of
# them came after the health-check window. Also checks that the replicas, each on its own
# checkout, send the same X-Handbook-Version. Figures in docs/deploy.md.
#
#   scripts/replicas.sh [BINARY] [SECONDS] [CLIENTS]
#   BINARY defaults to target/release/handbook; SECONDS 30; CLIENTS 8.
#   SIGNAL=TERM scripts/replicas.sh ...  a graceful stop (as systemd's) instead of SIGKILL.
#   DRAIN=2 scripts/replicas.sh ...      replicas started with --drain-secs 2 (with SIGNAL=TERM).
#   RETRY=0 scripts/replicas.sh ...   without haproxy's retries: only the health checks act,
#                                     to see what the window costs on its own.
# Needs haproxy (apt-get install haproxy) and python3. Everything it starts is stopped on exit
# and its temporary folder deleted.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$(realpath "${1:-target/release/handbook}")
seconds=${2:-30}
clients=${3:-8}
command -v haproxy >/dev/null || { echo "haproxy is not installed (apt-get install haproxy)"; exit 2; }
[ -x "$binary" ] || { echo "no $binary; cargo build --release first"; exit 2; }

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Free ports, chosen by the system.
read -r port_a port_b port_lb < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

# Two checkouts of the same handbook, as two machines would have.
for r in a b; do
  mkdir -p "$work/$r"
  cp -r handbook "$work/$r/handbook"
done
start() { # name port
  "$binary" serve --handbook "$work/$1/handbook" --index "$work/$1/index" --data "$work/$1/data" \
    --addr "127.0.0.1:$2" --trusted-proxies 127.0.0.1 --drain-secs "${DRAIN:-0}" \
    >"$work/$1.out" 2>"$work/$1.log" &
  pids+=($!)
  echo $! >"$work/$1.pid"
}
start a "$port_a"
start b "$port_b"

# Health checks every 500 ms on /readyz; a replica is out after 2 failures, in after 2
# successes. A request whose connection is refused or cut is retried on the other replica.
# The health-check window is therefore about fall × inter = 1 s.
if [ "${RETRY:-1}" = 0 ]; then
  retry_lines="  retries 0"
else
  retry_lines=$'  retries 3\n  option redispatch 1\n  retry-on conn-failure empty-response response-timeout'
fi
cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 1024
defaults
  mode http
  timeout connect 1s
  timeout client 15s
  timeout server 15s
$retry_lines
frontend handbook
  bind 127.0.0.1:$port_lb
  default_backend replicas
backend replicas
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
  server a 127.0.0.1:$port_a check
  server b 127.0.0.1:$port_b check
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
pids+=($!)

python3 - "$port_a" "$port_b" "$port_lb" "$seconds" "$clients" "$(cat "$work/a.pid")" "${SIGNAL:-KILL}" <<'PY'
import http.client, os, signal, sys, threading, time, urllib.parse

port_a, port_b, port_lb, seconds, clients, pid_a = map(int, sys.argv[1:7])
how = sys.argv[7]

def get(port, target, conn=None):
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", target)
    r = c.getresponse()
    r.read()
    return r.status, r.getheader("X-Handbook-Version"), c

def ready(port, wait=120):
    deadline = time.time() + wait
    while time.time() < deadline:
        try:
            if get(port, "/readyz")[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False

for port in (port_a, port_b):
    if not ready(port):
        sys.exit(f"replica on {port} not ready")
versions = {get(p, "/healthz")[1] for p in (port_a, port_b)}
print(f"X-Handbook-Version of the two replicas: {sorted(versions)} ({'agree' if len(versions) == 1 else 'DIFFER'})")
# Until haproxy has seen both healthy.
time.sleep(1.5)

queries = ["najemnine", "fasada Kranj", "zagonske spodbude", "vavčer", "posojilo",
           "usposabljanje", "najemnina v Mariboru", "promocija", "sofinanciranje pročelja"]
results = []  # (time, ok, status or error)
lock = threading.Lock()
start = time.time()
stop_at = start + seconds
kill_at = start + seconds / 3

def client(n):
    conn = None
    i = n
    while time.time() < stop_at:
        target = f"/api/search?q={urllib.parse.quote_plus(queries[i % len(queries)])}&page={1 + i % 3}"
        i += 1
        t = time.time()
        try:
            status, _, conn = get(port_lb, target, conn)
            ok = status == 200
            what = status
        except Exception as e:  # a cut connection, a timeout
            ok, what, conn = False, type(e).__name__, None
        with lock:
            results.append((t, ok, what))

threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
for t in threads:
    t.start()
time.sleep(max(0, kill_at - time.time()))
os.kill(pid_a, signal.SIGTERM if how == "TERM" else signal.SIGKILL)
killed = time.time()
for t in threads:
    t.join()

window = 1.0  # fall × inter
total = len(results)
failed = [r for r in results if not r[1]]
late = [r for r in failed if r[0] > killed + window]
during = [r for r in failed if killed <= r[0] <= killed + window]
rate = total / seconds
print(f"{clients} clients for {seconds} s through haproxy: {total} requests ({rate:.0f}/s)")
print(f"replica a stopped (SIG{how}) at {killed - start:.1f} s")
print(f"failed: {len(failed)} in all, {len(during)} within the {window:.0f} s health-check window, "
      f"{len(late)} after it")
if failed:
    kinds = {}
    for _, _, what in failed:
        kinds[what] = kinds.get(what, 0) + 1
    print("failures by kind:", kinds)
after = [r for r in results if r[0] > killed]
print(f"requests after the kill: {len(after)}, of them ok: {sum(1 for r in after if r[1])}")
sys.exit(1 if late else 0)
PY
