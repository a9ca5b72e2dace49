#!/usr/bin/env python3
"""Makes a git repository with a long history of a generated handbook, for measuring what
history costs (`examples/history_cost.rs`, figures in docs/history.md):

    cargo run --release --example gen_corpus -- 10000 /tmp/corpus-10k
    python3 scripts/history_repo.py /tmp/corpus-10k 2000 /tmp/history-10k [SEED]

The repository gets the handbook in `handbook/` (as the project keeps it). The first commit
publishes every entry; each of the others changes one to three entries the way editors do
(a deadline moved, a budget changed, the check date), and about one in fifty adds an entry,
removes one or moves one to another folder. Commits are written with `git fast-import`, so
2,000 of them over 10,000 files take seconds. (Tests and scripts may run git; the product
reads the repository with gix.)
"""
import datetime
import os
import pathlib
import random
import re
import subprocess
import sys


def main():
    if len(sys.argv) < 4:
        print(__doc__)
        sys.exit(2)
    corpus = pathlib.Path(sys.argv[1])
    commits = int(sys.argv[2])
    out = pathlib.Path(sys.argv[3])
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 7)
    files = {}
    for p in sorted((corpus / "measures").rglob("*.toml")):
        files["handbook/" + p.relative_to(corpus).as_posix()] = p.read_text()
    vocabulary = (corpus / "vocabulary.toml").read_text()
    out.mkdir(parents=True, exist_ok=False)
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True, env=env)
    # The working copy is the last commit's: written at the end, not committed from it.
    stream = []
    start = datetime.datetime(2020, 1, 6, 9, 0, tzinfo=datetime.timezone.utc)
    editors = ["Ana Novak", "Bor Kos", "Cvetka Zupan", "David Horvat"]

    def data(text):
        raw = text.encode()
        return b"data %d\n" % len(raw) + raw + b"\n"

    def commit(n, message, ops):
        when = int((start + datetime.timedelta(hours=n * 7)).timestamp())
        who = editors[n % len(editors)]
        email = who.lower().replace(" ", ".") + "@example.org"
        chunk = [b"commit refs/heads/main\n", b"mark :%d\n" % (n + 1)]
        chunk.append(f"author {who} <{email}> {when} +0100\n".encode())
        chunk.append(f"committer {who} <{email}> {when} +0100\n".encode())
        chunk.append(data(message))
        if n > 0:
            chunk.append(b"from :%d\n" % n)
        chunk.extend(ops)
        stream.extend(chunk)

    ops = [b"M 100644 inline handbook/vocabulary.toml\n", data(vocabulary)]
    for path, text in files.items():
        ops += [f"M 100644 inline {path}\n".encode(), data(text)]
    commit(0, "Prva objava priročnika", ops)
    paths = list(files)
    added = 0
    for n in range(1, commits):
        ops = []
        roll = rng.random()
        if roll < 0.01:
            # A new entry, a copy of another under a new id.
            src = rng.choice(paths)
            path = re.sub(r"-ukrep-(\d+)\.toml$", f"-novo-{added:05d}.toml", src)
            added += 1
            files[path] = files[src]
            paths.append(path)
            ops += [f"M 100644 inline {path}\n".encode(), data(files[path])]
            message = "Nov ukrep"
        elif roll < 0.015:
            path = paths.pop(rng.randrange(len(paths)))
            del files[path]
            ops.append(f"D {path}\n".encode())
            message = "Ukrep odstranjen"
        elif roll < 0.02:
            # A move to another folder: the id stays.
            i = rng.randrange(len(paths))
            path = paths[i]
            name = path.rsplit("/", 1)[1]
            to = f"handbook/measures/drugo/{name}"
            if to not in files:
                files[to] = files.pop(path)
                paths[i] = to
                ops += [f"D {path}\n".encode(), f"M 100644 inline {to}\n".encode(), data(files[to])]
            message = "Ukrep premaknjen"
        else:
            message = rng.choice(["Podaljšan rok", "Popravljen znesek", "Preverjeno pri izvajalcu"])
            for _ in range(rng.randint(1, 3)):
                path = rng.choice(paths)
                text = files[path]
                day = (start + datetime.timedelta(hours=n * 7)).date()
                text = re.sub(r"(?m)^updated = .*$", f"updated = {day}", text)
                if "open_until" in text and rng.random() < 0.6:
                    text = re.sub(
                        r"(?m)^open_until = (\d{4}-\d\d-\d\d)$",
                        lambda m: "open_until = "
                        + str(datetime.date.fromisoformat(m.group(1)) + datetime.timedelta(days=rng.randint(7, 60))),
                        text,
                    )
                if "budget_eur" in text and rng.random() < 0.5:
                    text = re.sub(r"(?m)^budget_eur = (\d+)$", lambda m: f"budget_eur = {int(m.group(1)) + 1000 * rng.randint(1, 20)}", text)
                files[path] = text
                ops += [f"M 100644 inline {path}\n".encode(), data(text)]
        commit(n, message, ops)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=out, input=b"".join(stream), check=True, env=env
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True, env=env)
    print(f"{out}: {commits} commits, {len(files)} entries at HEAD")


if __name__ == "__main__":
    main()
