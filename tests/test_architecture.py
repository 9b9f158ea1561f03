"""The package graph stays acyclic and points the way DESIGN.md says, counting imports inside functions."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("dermkg", "kg", "ingest", "synth", "studio", "train")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    paths = (p for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py")))
    return {_module_name(p): p for p in paths if "__pycache__" not in p.parts}


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The first-party module an import names (``a.b.c`` may be module ``a.b`` and attribute ``c``)."""
    while target:
        if target in known:
            return target
        target = target.rpartition(".")[0]
    return None


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every first-party module `module` imports, at any depth of the file (TYPE_CHECKING blocks excepted)."""
    tree = _tree(path)
    is_pkg = path.name == "__init__.py"
    skip: set[int] = set()
    for node in ast.walk(tree):  # `if TYPE_CHECKING:` imports are for the type checker, not a runtime edge
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found: set[str] = set()
    if "import_module" in ast.unparse(tree):  # lazy exports name their modules in strings: edges too
        found |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in known}
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_pkg else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names = [f"{prefix}.{a.name}" for a in node.names] or [prefix]
        for name in names:
            hit = _resolve(name, known)
            if hit and hit != module:
                found.add(hit)
    return found


def _graph() -> nx.DiGraph:
    known = _modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(known)
    for module, path in known.items():
        graph.add_edges_from((module, dep) for dep in _imports(module, path, known))
    return graph


GRAPH = _graph()


def _cycles() -> set[frozenset[str]]:
    return {frozenset(c) for c in nx.strongly_connected_components(GRAPH) if len(c) > 1}


def test_the_checker_sees_function_level_imports() -> None:
    """Guards the checker itself: dermkg.cli imports kg.cli inside a function and at the top."""
    assert GRAPH.number_of_nodes() > 100
    assert ("dermkg.cli", "kg.cli") in GRAPH.edges
    assert ("synth", "synth.pipeline") in GRAPH.edges  # a lazy export (import_module) is an edge too


def test_no_import_cycles() -> None:
    """Counting function-level imports: none tolerated, anywhere."""
    cycles = _cycles()
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(sorted(c)) for c in cycles)


def _violations(src_pkg: str, allowed: set[str], exempt: set[str] = frozenset()) -> list[str]:
    out = []
    for a, b in GRAPH.edges:
        if a.split(".")[0] != src_pkg or a in exempt:
            continue
        top = b.split(".")[0]
        if top not in allowed and b not in allowed:
            out.append(f"{a} -> {b}")
    return sorted(out)


@pytest.mark.parametrize(
    ("package", "allowed", "exempt"),
    [
        ("kg", {"kg", "dermkg"}, set()),
        ("ingest", {"ingest", "kg", "dermkg"}, set()),
        ("synth", {"synth", "kg", "dermkg"}, set()),
        ("train", {"train", "dermkg"}, set()),
        ("dermkg", {"dermkg"}, {"dermkg.cli"}),
    ],
)
def test_dependency_direction(package: str, allowed: set[str], exempt: set[str]) -> None:
    assert _violations(package, allowed, exempt) == []


def test_train_does_not_import_the_cli() -> None:
    """train runs on a GPU box with only the dataset; the dermkg CLI pulls in every stage."""
    assert [(a, b) for a, b in GRAPH.edges if a.startswith("train") and b == "dermkg.cli"] == []


def test_the_checker_finds_a_cycle_through_a_function_level_import(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    from pkg import b\n")
    (tmp_path / "b.py").write_text(
        "from typing import TYPE_CHECKING\nimport pkg.a\nif TYPE_CHECKING:\n    import pkg.c\n"
    )
    (tmp_path / "c.py").write_text("from . import a\n")
    known = {"pkg.a": tmp_path / "a.py", "pkg.b": tmp_path / "b.py", "pkg.c": tmp_path / "c.py"}
    edges = {(m, d) for m, p in known.items() for d in _imports(m, p, known)}
    assert edges == {("pkg.a", "pkg.b"), ("pkg.b", "pkg.a"), ("pkg.c", "pkg.a")}  # TYPE_CHECKING is no edge


def _import_guards(path: Path, known: dict[str, Path]) -> list[str]:
    """``try: import <ours> except ImportError`` blocks: our modules always ship; a guard hides a bug."""
    tree = _tree(path)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        caught = " ".join(ast.unparse(h.type) for h in node.handlers if h.type is not None)
        if "ImportError" not in caught and "ModuleNotFoundError" not in caught:
            continue
        for stmt in node.body:
            for sub in ast.walk(stmt):
                names = [a.name for a in sub.names] if isinstance(sub, ast.Import) else []
                if isinstance(sub, ast.ImportFrom):
                    names = ["." if sub.level else sub.module or ""]
                if any(n == "." or _resolve(n, known) for n in names):
                    found.append(f"{path}:{sub.lineno}")
    return found


def test_no_import_guards_around_our_own_modules() -> None:
    known = _modules()
    assert [g for p in known.values() for g in _import_guards(p, known)] == []


def test_the_guard_checker_finds_a_guard(tmp_path: Path) -> None:
    guarded = tmp_path / "g.py"
    guarded.write_text("try:\n    from kg.lint import x\nexcept ImportError:\n    x = None\n")
    third_party = tmp_path / "t.py"
    third_party.write_text("try:\n    import wandb\nexcept ImportError:\n    wandb = None\n")
    known = {"kg.lint": REPO / "kg" / "lint.py"}
    assert len(_import_guards(guarded, {**known, "g": guarded})) == 1
    assert _import_guards(third_party, known) == []


def test_the_studio_calls_algorithms_by_reference_not_by_name() -> None:
    """``getattr(algorithms, "path")`` hides the call from readers, type checkers and this very graph."""
    hits = [
        f"{p.relative_to(REPO)}:{n.lineno}"
        for p in sorted((REPO / "studio").rglob("*.py"))
        for n in ast.walk(_tree(p))
        if isinstance(n, ast.Call) and ast.unparse(n.func) == "getattr" and "algorithm" in ast.unparse(n)
    ]
    assert hits == []
