#!/usr/bin/env python3
"""Reproduces the fault cases of issue 20 against a handbook binary, one line per case.

    python3 scripts/fault_probe.py BINARY [--only CASE ...] [--verbose] [--list]

Each case copies the shipped handbook (handbook/ next to this script's folder) into a temporary
folder of its own, gives the server an index folder of its own, serves on a free port of
127.0.0.1, waits for /healthz, does its thing, stops the server (SIGTERM, then SIGKILL) and
removes its temporary folders, whether it passed or not. Each case is bounded (~60-90 s).
Output: `case  PASS|FAIL|SKIP  key=value ...`; with --verbose a failing case also prints the
last lines of the server's log. Exit status: 0 if no case failed, 1 otherwise.
Python 3.11, standard library only.
"""
import argparse
import errno
import html
import json
import os
import random
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = os.path.join(ROOT, "handbook")
# An entry without `aliases` or `series`, so a copy under a new id is valid and adds no warning.
BASE_REL = "measures/kranj/kranj-kovacnica-podjetniski-inkubator-2021.toml"
# Entries that cases edit (other municipalities than the base, so edits do not collide).
EDIT_REL = "measures/hrastnik/hrastnik-pospesevanje-podjetnistva-2019.toml"
TOUCH_REL = "measures/metlika/metlika-razvoj-malega-gospodarstva-2023.toml"
NOBODY = 65534
CASE_LIMIT = 90  # seconds; a case that takes longer is stopped and fails
READY_WAIT = 30.0

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Fail(Exception):
    """The case could not go on; the message says why."""


class Skip(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def word():
    """A fresh word no other word of the handbook is a typo of (random consonants)."""
    return "".join(random.choice("bcdfghjklmnprstvz") for _ in range(12))


def entry_id(path):
    return os.path.basename(path)[: -len(".toml")]


def with_title(text, new_title):
    """The entry's text with its `title` replaced (title_en and the rest unchanged)."""
    out, n = re.subn(r'(?m)^title = ".*"$', lambda _: 'title = ' + json.dumps(new_title, ensure_ascii=False), text, count=1)
    assert n == 1, "the entry has no one-line title"
    return out


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def as_root():
    return os.geteuid() == 0


class Http:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def request(self, path, method="GET", data=None, timeout=5):
        """(status, headers, body text); status 0 and the error as body if no answer."""
        req = urllib.request.Request(self.base + path, method=method, data=data)
        try:
            with OPENER.open(req, timeout=timeout) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")
        except (OSError, urllib.error.URLError) as e:
            return 0, {}, f"{type(e).__name__}: {e}"

    def get(self, path, timeout=5):
        return self.request(path, timeout=timeout)

    def json(self, path, timeout=5):
        status, _, body = self.get(path, timeout)
        if status != 200:
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def total(self):
        """The number of entries in search (no words), or None."""
        v = self.json("/api/search?per_page=1")
        return None if v is None else v.get("total")

    def found(self, w):
        """Is an entry with `w` in its title searchable? (The title is checked, so a near match
        of another word does not count.)"""
        v = self.json("/api/search?q=" + urllib.parse.quote(w) + "&per_page=100")
        if not v:
            return False
        return any(w in (h.get("title") or "").lower() for h in v.get("hits", []))

    def wait_found(self, w, seconds, interval=0.02):
        """Seconds from now until `w` is searchable, or None after `seconds`."""
        start = time.monotonic()
        while time.monotonic() - start < seconds:
            if self.found(w):
                return time.monotonic() - start
            time.sleep(interval)
        return None

    def status_text(self):
        status, _, body = self.get("/status")
        return status, html.unescape(body)


class Server:
    def __init__(self, binary, handbook, index, log_path, user=None, extra=()):
        self.port = free_port()
        self.http = Http(self.port)
        cmd = [binary, "serve", "--handbook", handbook, "--index", index,
               "--addr", f"127.0.0.1:{self.port}", *extra]
        if user is not None:
            cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
        env = dict(os.environ, RUST_LOG="info,handbook::access=off,tantivy=warn")
        self.log = open(log_path, "ab")
        self.log.write(f"\n=== {' '.join(cmd)}\n".encode())
        self.log.flush()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=self.log, env=env)

    def wait_ready(self, seconds=READY_WAIT):
        """Seconds until /healthz answered 200; raises Fail if it exits or does not answer."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            code = self.proc.poll()
            if code is not None:
                raise Fail(f"server exited with {code} before it was ready")
            status, _, _ = self.http.get("/healthz", timeout=1)
            if status == 200:
                return time.monotonic() - self.started
            time.sleep(0.05)
        raise Fail(f"server not ready within {seconds:.0f} s")

    def stop(self):
        """SIGTERM, then SIGKILL after 10 s; returns the exit code."""
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(signal.SIGTERM)
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        return self.proc.returncode


class Case:
    """One case's temporary folders and servers, all cleaned up on exit."""

    def __init__(self, name, binary, verbose):
        self.name, self.binary, self.verbose = name, binary, verbose
        self.work = tempfile.mkdtemp(prefix=f"fault-probe-{name}-")
        self.hb = os.path.join(self.work, "handbook")
        shutil.copytree(SHIPPED, self.hb, symlinks=True)
        self.index = os.path.join(self.work, "index")
        self.log_path = os.path.join(self.work, "server.log")
        self.servers = []
        self.mounts = []
        self.cleanups = []  # callables, run first to last before the folders are removed
        self.values = {}

    def p(self, rel):
        return os.path.join(self.hb, rel)

    def serve(self, user=None, handbook=None, wait=True):
        s = Server(self.binary, handbook or self.hb, self.index, self.log_path, user)
        self.servers.append(s)
        if wait:
            s.wait_ready()
        return s

    def new_entry(self, rel_dir, new_id, title, base=BASE_REL, root=None):
        """A copy of `base` as `<rel_dir>/<new_id>.toml` with another title; returns its path."""
        folder = os.path.join(root or self.hb, rel_dir)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, new_id + ".toml")
        write(path, with_title(read(self.p(base)), title))
        return path

    def log_tail(self, n=25):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
            return lines[-n:]
        except OSError:
            return []

    def close(self):
        for s in self.servers:
            try:
                s.stop()
            except Exception as e:  # noqa: BLE001 - cleanup goes on
                print(f"  (stopping the server failed: {e})", file=sys.stderr)
        for fn in self.cleanups:
            try:
                fn()
            except Exception as e:  # noqa: BLE001
                print(f"  (cleanup failed: {e})", file=sys.stderr)
        for m in reversed(self.mounts):
            if subprocess.run(["umount", m], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", m], capture_output=True)
        # Give back every permission a case took away, then remove.
        for d, dirs, files in os.walk(self.work):
            for x in dirs:
                try:
                    os.chmod(os.path.join(d, x), 0o755)
                except OSError:
                    pass
        shutil.rmtree(self.work, ignore_errors=True)


def restore_tree(path):
    """chmod u+rwx every folder and u+rw every file under path (after chmod 000)."""
    os.chmod(path, 0o755)
    for d, dirs, files in os.walk(path):
        for x in dirs:
            os.chmod(os.path.join(d, x), 0o755)
        for x in files:
            try:
                os.chmod(os.path.join(d, x), 0o644)
            except OSError:
                pass


def drop_user(c):
    """The uid to run the server as so permissions bite (None if not root); hands the temp
    folder to that user. The binary must be executable by it: if not, a copy is used."""
    if not as_root():
        return None
    if shutil.which("setpriv") is None:
        raise Skip("root, and no setpriv to drop privileges")
    subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", c.work], check=True)
    probe = subprocess.run(["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                            "test", "-x", c.binary], capture_output=True)
    if probe.returncode != 0:
        copy = os.path.join(c.work, "handbook-bin")
        shutil.copy2(c.binary, copy)
        os.chmod(copy, 0o755)
        c.binary = copy
    return NOBODY


# ---------------------------------------------------------------------------------------------
# The cases. Each fills c.values and returns True (PASS) or False (FAIL).


def case_symlink_root(c):
    os.symlink("/", c.p("measures/zz-link"))
    s = c.serve()
    c.values["ready_s"] = round(time.monotonic() - s.started, 2)
    time.sleep(1)
    w = word()
    c.new_entry("measures/kranj", "kranj-fault-probe-symlink", f"Preizkus {w}")
    took = s.http.wait_found(w, 5)
    c.values["new_entry_searchable_s"] = "never(5s)" if took is None else round(took, 2)
    status, _, body = s.http.get("/healthz")
    c.values["healthz"] = f"{status}:{body.strip()[:40]!r}"
    st, text = s.http.status_text()
    c.values["status_http"] = st
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    at = plain.find("zz-link")
    c.values["status_mentions_link"] = at >= 0
    if at >= 0:
        c.values["status_excerpt"] = repr(plain[max(0, at - 30): at + 90])
    c.values["total"] = s.http.total()
    return took is not None


def case_unreadable_folder(c):
    user = drop_user(c)
    c.values["server_uid"] = user if user is not None else os.geteuid()
    s = c.serve(user=user)
    time.sleep(2)
    before = s.http.total()
    c.values["count_start"] = before
    maribor = c.p("measures/maribor")
    measures = c.p("measures")
    c.cleanups.append(lambda: restore_tree(measures))

    def poke():
        path = c.p(TOUCH_REL)
        text = read(path)  # root reads through chmod 000
        write(path, text)
        os.utime(path)

    os.chmod(maribor, 0)
    time.sleep(3)
    poke()
    time.sleep(3)
    after_folder = s.http.total()
    c.values["count_maribor_000"] = after_folder
    os.chmod(measures, 0)
    time.sleep(3)
    if as_root():
        poke()
    time.sleep(3)
    after_measures = s.http.total()
    c.values["count_measures_000"] = after_measures
    _, text = s.http.status_text()
    c.values["status_mentions_maribor"] = "maribor" in text
    restore_tree(measures)
    return before is not None and before == after_folder == after_measures


def case_invalid_edit_restart(c):
    path = c.p(EDIT_REL)
    eid = entry_id(path)
    s = c.serve()
    time.sleep(2)
    c.values["before"] = s.http.get(f"/api/measures/{eid}")[0]
    with open(path, "a", encoding="utf-8") as f:
        f.write('\ntitle = \n"garbage [[\n')
    time.sleep(2)
    live = s.http.get(f"/api/measures/{eid}")[0]
    c.values["after_broken_edit"] = live
    c.values["exit_on_sigterm"] = s.stop()
    s2 = c.serve()
    time.sleep(1)
    restarted = s2.http.get(f"/api/measures/{eid}")[0]
    c.values["after_restart"] = restarted
    st, text = s2.http.status_text()
    c.values["status_shows_error"] = st == 200 and eid in text
    c.values["total_after_restart"] = s2.http.total()
    return restarted == 200


def case_broken_vocabulary_start(c):
    s = c.serve()
    time.sleep(2)
    full = s.http.total()
    c.values["count_first_run"] = full
    c.values["exit_on_sigterm"] = s.stop()
    with open(c.p("vocabulary.toml"), "a", encoding="utf-8") as f:
        f.write("\n[municipality.broken\nlabel = = \n")
    try:
        s2 = c.serve()
    except Fail as e:
        c.values["second_start"] = str(e).replace(" ", "_")
        return False
    time.sleep(1)
    again = s2.http.total()
    c.values["count_broken_vocabulary"] = again
    st, text = s2.http.status_text()
    c.values["status_mentions_vocabulary"] = "vocabulary" in text
    return full is not None and again == full


def case_non_utf8_name(c):
    name = os.path.join(os.fsencode(c.hb), b"measures/kranj/\xff\xfe.toml")
    with open(name, "wb") as f:
        f.write(with_title(read(c.p(BASE_REL)), "Preizkus imena").encode("utf-8"))
    try:
        r = subprocess.run([c.binary, "check", "--handbook", c.hb], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        c.values["check"] = "timeout(60s)"
        return False
    out = (r.stdout + r.stderr).decode("utf-8", "replace")
    c.values["check_exit"] = r.returncode
    marks = ["name-not-utf8", "\ufffd\ufffd.toml", "\\xff\\xfe", "\\xFF\\xFE", "%FF%FE", "%ff%fe"]
    hit = [m for m in marks if m in out]
    c.values["mentions"] = hit[0] if hit else "no"
    c.values["summary"] = repr((out.strip().splitlines() or [""])[-1][:70])
    return bool(hit)


def case_rapid_saves(c):
    """Two phases of 4 s each: saves written in place (truncate + write), then atomic saves
    (write a temporary file, rename it over the entry). Both must show a save while saving."""
    path = c.p(EDIT_REL)
    original = read(path)
    s = c.serve()
    time.sleep(2)
    ok = True
    for mode in ("inplace", "atomic"):
        ok &= rapid_phase(c, s, path, original, mode)
        time.sleep(1)
    return ok


def rapid_phase(c, s, path, original, mode):
    marker = word()  # in every save's title, so one search shows which save is indexed
    writes = {}  # save word -> time written
    order = []
    seen = {}  # save word -> time first seen in search
    saving = threading.Event()
    saving.set()
    lock = threading.Lock()
    poll_count = [0]

    def poll():
        while saving.is_set():
            v = s.http.json("/api/search?q=" + marker + "&per_page=5", timeout=2)
            now = time.monotonic()
            poll_count[0] += 1
            for h in (v or {}).get("hits", []):
                for t in (h.get("title") or "").lower().split():
                    with lock:
                        if t in writes and t not in seen:
                            seen[t] = now
            # the brief's check too: the word written ~1 s ago
            with lock:
                old = [w for w in order if now - writes[w] >= 1.0]
            if old and old[-1] not in seen and s.http.found(old[-1]):
                with lock:
                    seen.setdefault(old[-1], time.monotonic())
            time.sleep(0.01)

    poller = threading.Thread(target=poll, daemon=True)
    start = time.monotonic()
    poller.start()
    i = 0
    tmp = os.path.join(os.path.dirname(path), ".fault-probe.tmp")
    while time.monotonic() - start < 4.0:
        w = word()
        text = with_title(original, f"{marker} {w} Pospeševanje")
        with lock:
            writes[w] = time.monotonic()
            order.append(w)
        if mode == "atomic":
            write(tmp, text)
            os.replace(tmp, path)
        else:
            write(path, text)
        i += 1
        time.sleep(0.02)
    end = time.monotonic()
    saving.clear()
    poller.join(5)
    during = {w: t for w, t in seen.items() if t <= end}
    lags = [t - writes[w] for w, t in during.items()]
    v = c.values
    v[f"{mode}_saves"] = i
    v[f"{mode}_polls"] = poll_count[0]
    v[f"{mode}_versions_seen_during_saves"] = len(during)
    v[f"{mode}_first_seen_s"] = round(min(during.values()) - start, 2) if during else "never"
    v[f"{mode}_max_lag_s"] = round(max(lags), 2) if lags else "n/a"
    # The longest stretch of the saves in which search showed no newer save.
    points = sorted([start] + list(during.values()) + [end])
    v[f"{mode}_longest_stale_s"] = round(max(b - a for a, b in zip(points, points[1:])), 2)
    took = s.http.wait_found(order[-1], 5)
    v[f"{mode}_last_save_after_end_s"] = "never(5s)" if took is None else round(took, 2)
    return bool(during)


def case_dotted_folder(c):
    s = c.serve()
    time.sleep(2)
    results = []
    # Variant 1: mkdir, then write the entry into it.
    w1 = word()
    os.mkdir(c.p("measures/nova.gorica-test"))
    c.new_entry("measures/nova.gorica-test", "nova-gorica-fault-probe-mkdir", f"Preizkus {w1}")
    t1 = s.http.wait_found(w1, 10)
    c.values["mkdir_then_write_s"] = "never(10s)" if t1 is None else round(t1, 2)
    results.append(t1)
    # Variant 2: a folder with the entry made elsewhere, then moved in.
    w2 = word()
    stage = os.path.join(c.work, "stage")
    c.new_entry("nova.gorica-test2", "nova-gorica-fault-probe-mv", f"Preizkus {w2}", root=stage)
    os.rename(os.path.join(stage, "nova.gorica-test2"), c.p("measures/nova.gorica-test2"))
    t2 = s.http.wait_found(w2, 10)
    c.values["mv_folder_in_s"] = "never(10s)" if t2 is None else round(t2, 2)
    results.append(t2)
    # Control, not judged: the same move with a folder name without a dot.
    w3 = word()
    c.new_entry("novagoricatest3", "nova-gorica-fault-probe-mv-nodot", f"Preizkus {w3}", root=stage)
    os.rename(os.path.join(stage, "novagoricatest3"), c.p("measures/novagoricatest3"))
    t3 = s.http.wait_found(w3, 10)
    c.values["control_mv_undotted_s"] = "never(10s)" if t3 is None else round(t3, 2)
    return all(t is not None and t <= 5 for t in results)


def bibtex_balance(text):
    """(balanced, min depth, end depth) counting every brace as BibTeX does."""
    depth, low = 0, 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            low = min(low, depth)
    return depth == 0 and low >= 0, low, depth


def case_bibtex_braces(c):
    path = c.p(EDIT_REL)
    eid = entry_id(path)
    s = c.serve()
    time.sleep(2)
    w = word()
    text = with_title(read(path), f"Pomoč }} za {{x \\ {w}")
    text = re.sub(r'(?m)^provider = ".*"$', lambda _: 'provider = "Občina {Hrastnik"', text, count=1)
    write(path, text)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        v = s.http.json(f"/api/measures/{eid}")
        if v and w in (v.get("title") or ""):
            break
        time.sleep(0.05)
    else:
        raise Fail("the edited title was not served within 10 s")
    status, _, page = s.http.get(f"/measures/{eid}")
    m = re.search(r'<pre[^>]*id="bibtex"[^>]*>(.*?)</pre>', page, re.S)
    if status != 200 or not m:
        raise Fail(f"no BibTeX on /measures/{eid} (HTTP {status})")
    bib = html.unescape(m.group(1))
    ok, low, end = bibtex_balance(bib)
    title = next((l.strip() for l in bib.splitlines() if l.strip().startswith("title")), "")
    c.values["min_depth"] = low
    c.values["end_depth"] = end
    c.values["title_field"] = repr(title[:90])
    author = next((l.strip() for l in bib.splitlines() if l.strip().startswith("author")), "")
    c.values["author_field"] = repr(author[:60])
    return ok


def case_api_405_json(c):
    s = c.serve()
    status, headers, body = s.http.request("/api/search", method="POST", data=b"")
    ctype = {k.lower(): v for k, v in headers.items()}.get("content-type", "")
    try:
        json.loads(body)
        parsed = True
    except ValueError:
        parsed = False
    c.values["status"] = status
    c.values["content_type"] = ctype.replace(" ", "") or "none"
    c.values["json_body"] = parsed
    return status == 405 and "json" in ctype and parsed


def case_status_paths(c):
    user = drop_user(c)
    broken = c.p(EDIT_REL)
    with open(broken, "a", encoding="utf-8") as f:
        f.write("\nnot toml [[\n")
    unreadable = c.p(TOUCH_REL)
    os.chmod(unreadable, 0)
    c.cleanups.append(lambda: os.chmod(unreadable, 0o644))
    hb_abs = os.path.abspath(c.hb)
    s = c.serve(user=user, handbook=hb_abs)
    time.sleep(1)
    # A live change too: a third file made unreadable while serving, and touched.
    live = c.p(BASE_REL)
    os.chmod(live, 0)
    c.cleanups.append(lambda: os.chmod(live, 0o644))
    os.utime(live)
    time.sleep(2)
    st, text = s.http.status_text()
    c.values["server_uid"] = user if user is not None else os.geteuid()
    c.values["status_http"] = st
    c.values["abs_path_shown"] = c.work in text
    c.values["os_error_shown"] = "os error" in text
    c.values["status_lists_broken"] = entry_id(broken) in text
    return st == 200 and c.work not in text and "os error" not in text


def case_full_index_disk(c):
    if not as_root():
        raise Skip("needs root to mount a tmpfs")
    os.makedirs(c.index, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", c.index], capture_output=True)
    if r.returncode != 0:
        raise Skip("mount -t tmpfs failed: " + r.stderr.decode(errors="replace").strip().replace(" ", "_"))
    c.mounts.append(c.index)
    s = c.serve()
    time.sleep(2)
    path = c.p(EDIT_REL)
    original = read(path)
    filler = os.path.join(c.index, "filler")
    written = 0
    with open(filler, "wb", buffering=0) as f:
        for size in (1 << 20, 4096, 1):
            chunk = b"\0" * size
            while True:
                try:
                    written += f.write(chunk)
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break
    c.values["filler_mb"] = round(written / 2**20, 1)
    w1 = word()
    write(path, with_title(original, f"Polno {w1}"))
    time.sleep(3)
    c.values["word1_searchable_while_full"] = s.http.found(w1)
    hs, _, hbody = s.http.get("/healthz")
    c.values["healthz_full"] = f"{hs}:{hbody.strip()[:30]!r}"
    st, text = s.http.status_text()
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
    keys = ["No space", "os error 28", "StorageFull", "prostora", "index error", "indeks", "Indeks"]
    c.values["status_full"] = f"{st}:mentions=" + (",".join(k.replace(" ", "_") for k in keys if k in plain) or "none")
    c.values["server_alive"] = s.proc.poll() is None
    os.remove(filler)
    w2 = word()
    write(path, with_title(original, f"Prazno {w2}"))
    took = s.http.wait_found(w2, 10)
    c.values["word2_searchable_s"] = "never(10s)" if took is None else round(took, 2)
    return took is not None


CASES = {
    "symlink-root": case_symlink_root,
    "unreadable-folder": case_unreadable_folder,
    "invalid-edit-restart": case_invalid_edit_restart,
    "broken-vocabulary-start": case_broken_vocabulary_start,
    "non-utf8-name": case_non_utf8_name,
    "rapid-saves": case_rapid_saves,
    "dotted-folder": case_dotted_folder,
    "bibtex-braces": case_bibtex_braces,
    "api-405-json": case_api_405_json,
    "status-paths": case_status_paths,
    "full-index-disk": case_full_index_disk,
}


class CaseTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise CaseTimeout()


def run_case(name, binary, verbose):
    c = Case(name, binary, verbose)
    t0 = time.monotonic()
    verdict = "FAIL"
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(CASE_LIMIT)
    try:
        verdict = "PASS" if CASES[name](c) else "FAIL"
    except Skip as e:
        verdict = "SKIP"
        c.values["why"] = str(e)
    except Fail as e:
        c.values["error"] = str(e)
    except CaseTimeout:
        c.values["error"] = f"case over {CASE_LIMIT} s"
    except Exception as e:  # noqa: BLE001 - a probe error is a failing case, not a crash
        c.values["error"] = f"{type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        tail = c.log_tail() if verdict == "FAIL" and verbose else []
        try:
            c.close()
        except Exception as e:  # noqa: BLE001
            print(f"  (cleanup of {c.work} failed: {e})", file=sys.stderr)
    c.values["case_s"] = round(time.monotonic() - t0, 1)
    vals = " ".join(f"{k}={v}" for k, v in c.values.items())
    print(f"{name:<24} {verdict:<4} {vals}", flush=True)
    for line in tail:
        print("    | " + line, flush=True)
    return verdict


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--only", nargs="+", choices=list(CASES), metavar="CASE")
    ap.add_argument("--verbose", "-v", action="store_true")
    args = ap.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        sys.exit(f"not an executable: {binary}")
    if not os.path.isdir(os.path.join(SHIPPED, "measures")):
        sys.exit(f"no shipped handbook at {SHIPPED}")
    verdicts = [run_case(n, binary, args.verbose) for n in (args.only or CASES)]
    print(f"# {verdicts.count('PASS')} pass, {verdicts.count('FAIL')} fail, {verdicts.count('SKIP')} skip")
    sys.exit(1 if "FAIL" in verdicts else 0)


if __name__ == "__main__":
    main()
