#!/usr/bin/env python3
"""Lists import circles between the modules of src/: each file is a module, and a path
`crate::a::b::…` (or `super::…`, or `pub use child::…` in a mod.rs) used in it is an edge to the
deepest module file that path names. Prints each circle found, or "no circles"; exit 1 if any.

    python3 scripts/module_cycles.py [SRC_DIR]
"""
import pathlib
import re
import sys

src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
modules = {}
for p in src.rglob("*.rs"):
    rel = p.relative_to(src).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts = parts[:-1]
    if parts in (["lib"], ["main"]):
        parts = []
    modules[tuple(parts)] = p


def resolve(path):
    """The deepest module that a module path names."""
    for n in range(len(path), -1, -1):
        if tuple(path[:n]) in modules:
            return tuple(path[:n])
    return ()


def strip_tests(text):
    i = text.find("#[cfg(test)]\nmod tests")
    return text if i < 0 else text[:i]


def expand(prefix, body):
    """`a::{b, c::{d}}` → [a::b, a::c::d] (roughly: enough for module names)."""
    out = []
    depth, start, items = 0, 0, []
    for i, ch in enumerate(body):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    for item in items:
        item = item.strip()
        if not item:
            continue
        m = re.match(r"([\w:]*?)(?:::)?\{(.*)\}$", item, re.S)
        if m:
            out += expand(prefix + [x for x in m.group(1).split("::") if x], m.group(2))
        else:
            out.append(prefix + [x for x in item.split(" as ")[0].split("::") if x])
    return out


edges = {m: set() for m in modules}
for mod, path in modules.items():
    text = strip_tests(path.read_text(encoding="utf-8"))
    text = re.sub(r"//[^\n]*", "", text)
    refs = []
    for m in re.finditer(r"\bcrate::((?:\w+::)*)\{([^;]*?)\};", text, re.S):
        refs += expand([x for x in m.group(1).split("::") if x], m.group(2))
    for m in re.finditer(r"\bcrate((?:::\w+)+)", text):
        refs.append([x for x in m.group(1).split("::") if x])
    for m in re.finditer(r"\b(?:pub(?:\([\w ]+\))? )?use (?!crate|super|self|std|core)(\w+)((?:::\w+)*)", text):
        if tuple(list(mod) + [m.group(1)]) in modules:
            refs.append(list(mod) + [m.group(1)] + [x for x in m.group(2).split("::") if x])
    for m in re.finditer(r"\bsuper((?:::\w+)+)", text):
        parent = list(mod[:-1])
        refs.append(parent + [x for x in m.group(1).split("::") if x])
    for r in refs:
        target = resolve(r)
        if target != mod and target in modules:
            edges[mod].add(target)

# Strongly connected components (Tarjan).
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]


def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(comp)


sys.setrecursionlimit(10000)
for v in modules:
    if v not in index:
        visit(v)
name = lambda m: "::".join(m) or "crate"
for comp in sccs:
    members = set(comp)
    pairs = sorted(f"{name(a)} → {name(b)}" for a in comp for b in edges[a] if b in members)
    print("circle: " + ", ".join(sorted(name(m) for m in comp)))
    for p in pairs:
        print("   " + p)
print("no circles" if not sccs else f"{len(sccs)} circles")
sys.exit(1 if sccs else 0)
