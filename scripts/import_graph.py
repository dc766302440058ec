#!/usr/bin/env python3
"""The core crate's module graph: which top-level module uses which, from `crate::` paths.

Fails (exit 1) when the graph has a circle, or when any module but `output` itself uses
`output`: rendering and writing read the engine, never the other way round. Test code
(`tests.rs`, `*_tests.rs`, anything after `#[cfg(test)]`), comments and `pub use`
re-exports (names bound for the public API, no code called) are not counted.

    python3 scripts/import_graph.py          # prints the graph, checks it
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "crates" / "wijkprofiel" / "src"


def modules() -> set[str]:
    return {p.stem for p in SRC.iterdir() if p.suffix == ".rs" and p.stem != "lib"} | {
        p.name for p in SRC.iterdir() if p.is_dir()
    }


def root_names(known: set[str]) -> dict[str, str]:
    """Names the crate root re-exports (`pub use area::{Area, ...}`) and their modules."""
    names: dict[str, str] = {}
    text = (SRC / "lib.rs").read_text()
    for module, body in re.findall(r"pub use (\w+)::\{([^}]*)\}", text):
        for name in re.findall(r"\w+", body):
            names[name] = module
    for module, name in re.findall(r"pub use (\w+)::(\w+);", text):
        names[name] = module
    return {n: m for n, m in names.items() if m in known}


def code_of(path: Path) -> str:
    """The non-test, non-comment, non-re-export text of a file."""
    if path.name == "tests.rs" or path.name.endswith("_tests.rs"):
        return ""
    text = re.split(r"#\[cfg\((?:all\()?test\b", path.read_text())[0]
    lines = [
        line
        for line in text.splitlines()
        if not line.lstrip().startswith("//") and not line.lstrip().startswith("pub use ")
    ]
    return "\n".join(lines)


def graph() -> dict[str, set[str]]:
    known = modules()
    names = root_names(known)
    edges: dict[str, set[str]] = {m: set() for m in known}
    for path in SRC.rglob("*.rs"):
        rel = path.relative_to(SRC)
        module = rel.parts[0].removesuffix(".rs")
        if module == "lib":
            continue
        code = code_of(path)
        targets = set(re.findall(r"\bcrate::(\w+)", code))
        for group in re.findall(r"\bcrate::\{([^}]*)\}", code):
            targets |= {part.split("::")[0].strip() for part in group.split(",") if part.strip()}
        for target in targets:
            target = names.get(target, target)
            if target in known and target != module:
                edges[module].add(target)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that reach each other (strongly connected, Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def main() -> int:
    edges = graph()
    for module in sorted(edges):
        print(f"{module} -> {', '.join(sorted(edges[module])) or '(nothing)'}")
    problems = []
    for group in circles(edges):
        problems.append("circle among: " + ", ".join(group))
    back = sorted(m for m, targets in edges.items() if "output" in targets)
    if back:
        problems.append("uses the output wing: " + ", ".join(back))
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
