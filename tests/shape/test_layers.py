"""The shape of the code: rooms by job, imports only downwards, no circles (issue 17).

Every product module is parsed (imports inside functions count too) and its imports are checked
against the floors below. A module may import its own floor or a lower one, never a higher one.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PRODUCT = ("kb", "corpus", "indexer", "collection", "web", "mcpserver", "cli")
DEV_ONLY = ("devkit", "bench", "tests", "training")

# Lowest first. A module belongs to the longest prefix listed here.
FLOORS: tuple[tuple[str, ...], ...] = (
    (
        "kb.errors",
        "kb.config",
        "kb.models",
        "kb.numerals",
        "kb.labels",
        "kb.records",
        "kb.schema",
        "kb.store",
        "kb.wordcut",
        "kb.data",
        "kb.analysis",
        "kb.versions",
        "kb",
    ),
    ("kb.query", "kb.references"),
    ("kb.engine",),
    ("kb.semantic",),
    ("kb.compare",),
    ("kb.links",),
    ("kb.verify",),
    ("kb.access",),
    ("kb.search",),
    ("kb.library",),
    ("kb.shapes",),
    ("corpus",),
    ("indexer",),
    ("collection",),
    ("web", "mcpserver"),
    ("cli",),
)
FEATURES = ("kb.semantic", "kb.compare", "kb.links", "kb.verify", "kb.search")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, module: str) -> set[str]:
    """Dotted names a module imports: modules, and module.name for names taken from them."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            name = node.module or ""
            if node.level:  # relative: resolve against the importing package
                package = module if path.name == "__init__.py" else module.rpartition(".")[0]
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            # `from kb.engine import snapshot` imports the module kb.engine.snapshot; resolved
            # against the known modules in _graph (a plain name falls back to its module)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {
        _module_name(p): p
        for root in PRODUCT
        if (REPO / root).is_dir()
        for p in (REPO / root).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imports(path, name):
            # the longest known module the import names (a name imported from it is not a module)
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def _floor(module: str) -> int:
    best, floor = -1, -1
    for level, prefixes in enumerate(FLOORS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, floor = len(prefix), level
    assert floor >= 0, f"{module} has no floor: add it to FLOORS"
    return floor


GRAPH = _graph()


def test_every_import_goes_down_or_sideways() -> None:
    upward = [
        f"{a} (floor {_floor(a)}) imports {b} (floor {_floor(b)})"
        for a, targets in GRAPH.items()
        for b in targets
        if _floor(b) > _floor(a)
    ]
    assert upward == []


def test_no_import_circles() -> None:
    """Tarjan's strongly connected components over modules: every one must be a single module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert circles == []


def test_core_engine_imports_no_feature() -> None:
    leaks = [
        f"{a} imports {b}"
        for a, targets in GRAPH.items()
        if a.startswith("kb.engine")
        for b in targets
        if b.startswith(FEATURES)
    ]
    assert leaks == []


def test_kb_root_holds_at_most_twelve_modules() -> None:
    modules = sorted(p.stem for p in (REPO / "kb").glob("*.py") if p.stem != "__init__")
    assert len(modules) <= 12, modules


def test_product_never_imports_dev_only_code() -> None:
    leaks = [
        f"{a} imports {b}"
        for a, targets in _raw_imports().items()
        for b in targets
        if b.split(".")[0] in DEV_ONLY
    ]
    assert leaks == []


def _raw_imports() -> dict[str, set[str]]:
    return {
        _module_name(p): _imports(p, _module_name(p))
        for root in PRODUCT
        if (REPO / root).is_dir()
        for p in (REPO / root).rglob("*.py")
    }


@pytest.mark.parametrize(
    "module",
    ["mcpserver.server", "cli.mcp", "mcpserver.stdio"],
)
def test_the_mcp_server_does_not_load_flask(module: str) -> None:
    code = f"import sys, {module}; print('flask' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
