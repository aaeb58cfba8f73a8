"""Count import circles and upward arrows in salesmkt's import graph.

Usage: python tools/import_graph.py [PACKAGE_DIR] [--list]

Every ``import`` and ``from … import`` of a salesmkt module is an arrow, wherever it
stands (module level, inside a function, under ``if TYPE_CHECKING``). A *circle* is a
strongly connected set of two or more modules. An *upward arrow* goes from a lower
stage of the pipeline to a higher one, in this order (lowest first):

    0 base        salesmkt, errors, wording, model
    1 definitions  YAML files: questionnaires, rules, their checks
    2 intake       responses files in, checked answers out
    3 analysis     scores, gaps, statistics, waves
    4 advice       instrument answers, recommendations
    5 render       every output format
    6 pipeline     the typer-free runs
    7 front ends   cli, workshop tools, room (the live web room), __main__

Prints one line per circle and upward arrow with ``--list``, then the counts. Exit 1
when there is any, so CI can run it (tests/test_architecture.py does).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LAYERS = {
    "salesmkt": 0,
    "salesmkt.errors": 0,
    "salesmkt.wording": 0,
    "salesmkt.model": 0,
    "salesmkt.l10n": 0,  # the tool's own words per language (issue 18)
    "salesmkt.definitions": 1,
    "salesmkt.intake": 2,
    "salesmkt.intake.evidence": 2,  # CRM exports in (issue 16)
    "salesmkt.analysis": 3,
    "salesmkt.analysis.evidence": 3,  # funnel metrics, breakdowns, claims (issue 16)
    "salesmkt.advice": 4,
    "salesmkt.benchmark": 4,  # the aggregates-only peer store (issue 17)
    "salesmkt.render": 5,
    "salesmkt.pipeline": 6,
    "salesmkt.workshop": 7,
    "salesmkt.cli": 7,
    "salesmkt.room": 7,
    "salesmkt.__main__": 7,
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(module: str) -> int:
    """The stage of a module: its longest listed prefix."""
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return LAYERS[best]


def _resolve(node: ast.ImportFrom, here: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = here.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(path: Path, here: str, known: set[str]) -> set[str]:
    """The salesmkt modules one file imports (a ``from pkg import mod`` counts as mod)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "salesmkt"}
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node, here, path.name == "__init__.py")
            if target.split(".")[0] != "salesmkt":
                continue
            subs = {f"{target}.{a.name}" for a in node.names} & known
            found |= subs or {target}
    return {m for m in found if m in known and m != here}


def graph(root: Path) -> dict[str, set[str]]:
    files = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    known = set(files)
    return {name: imports(path, name, known) for name, path in files.items()}


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of two or more modules (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def upward(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for a, targets in edges.items() for b in targets if layer(b) > layer(a))


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    root = Path(args[0]) if args else Path(__file__).resolve().parent.parent / "salesmkt"
    edges = graph(root)
    found, up = circles(edges), upward(edges)
    if "--list" in argv:
        for c in found:
            print("circle: " + " -> ".join(c))
        for a, b in up:
            print(f"upward: {a} (stage {layer(a)}) -> {b} (stage {layer(b)})")
    arrows = sum(len(t) for t in edges.values())
    print(f"{len(edges)} modules, {arrows} arrows, {len(found)} circles, {len(up)} upward arrows")
    return 1 if found or up else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
