#!/usr/bin/env python3
"""Per-iteration times of criterion runs, side by side: the fastest sample and the median
sample of each benchmark, in microseconds, and the ratio of the last run to the first.

Criterion reports the mean, which on a shared machine moves by a fifth from run to run; the
fastest of its samples moves far less, as nothing but other work makes a sample slower.

    cargo bench --bench search && cp -r target/criterion /tmp/after
    python3 scripts/criterion_min.py /tmp/before /tmp/after [/tmp/before2 /tmp/after2 ...]

Each argument is a copy of a `target/criterion` folder. With more than two, runs alternate
before, after, before, after …, and the fastest of each side's runs counts.
"""

import json
import statistics
import sys
from pathlib import Path


def per_iteration(folder: Path) -> dict[str, tuple[float, float]]:
    """Benchmark name → (fastest, median) sample time per iteration, in µs."""
    out = {}
    for sample in sorted(folder.glob("*/*/*/new/sample.json")):
        name = "/".join(sample.parts[-5:-2])
        data = json.loads(sample.read_text())
        times = [t / n / 1000 for t, n in zip(data["times"], data["iters"])]
        out[name] = (min(times), statistics.median(times))
    return out


def main() -> None:
    runs = [per_iteration(Path(a)) for a in sys.argv[1:]]
    if len(runs) < 2:
        sys.exit("usage: criterion_min.py BEFORE AFTER [BEFORE AFTER ...]")
    before, after = runs[0::2], runs[1::2]
    print("| benchmark | before fastest | after fastest | ratio | before median | after median | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name in sorted(runs[0]):
        if not all(name in r for r in runs):
            continue
        bf = min(r[name][0] for r in before)
        af = min(r[name][0] for r in after)
        bm = statistics.median(r[name][1] for r in before)
        am = statistics.median(r[name][1] for r in after)
        print(f"| {name} | {bf:.0f} | {af:.0f} | {af / bf:.2f} | {bm:.0f} | {am:.0f} | {am / bm:.2f} |")


if __name__ == "__main__":
    main()
