"""The architecture, enforced: dependencies point inward and ``dialogs/`` has no import cycles.

Every import counts — at module level, inside functions and under ``TYPE_CHECKING`` — since each is a
dependency a reader has to hold in mind.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "dialogs", "storage", "exporters")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


def _imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules ``name`` imports (a ``from package import module`` counts as the module)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in known else base)
    return {m for m in out if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(name, path, known) for name, path in known.items()}


def test_dialogs_imports_nothing_from_the_shell() -> None:
    """``dialogs/`` is the pure core: it never imports bot/, storage/ or exporters/."""
    graph = _graph()
    bad = sorted(f"{m} → {d}" for m, deps in graph.items() if m.startswith("dialogs")
                 for d in deps if not d.startswith("dialogs"))
    assert bad == []


def test_storage_and_exporters_never_import_the_shell() -> None:
    """Dependencies point inward: bot → storage, exporters → dialogs."""
    graph = _graph()
    bad = sorted(f"{m} → {d}" for m, deps in graph.items() if m.split(".")[0] in ("storage", "exporters")
                 for d in deps if d.startswith("bot"))
    assert bad == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_dialogs_has_no_import_cycles() -> None:
    graph = {m: {d for d in deps if d.startswith("dialogs")} for m, deps in _graph().items() if m.startswith("dialogs")}
    assert {"dialogs.conversation.waits", "dialogs.conversation.evolution"} <= graph["dialogs.conversation.engine"]
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
