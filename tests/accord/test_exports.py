"""The core's house rules: each package exports what others use, with a sorted
`__all__`; private modules stay inside their package; packages import each other
without cycles (docs/architecture.md)."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

import accord

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = [
    "accord",
    "accord.domain",
    "accord.domain.measures",
    "accord.loading",
    "accord.history",
    "accord.store",
    "accord.importing",
    "accord.metrics",
    "accord.present",
    "accord.simulation",
    "accord.approvals",
    "accord.scaffold",
    "accord.diagnostic",
    "accord.changes",
    "accord.alerts",
    "accord.report",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_sorted_complete_and_exists(name: str) -> None:
    package = importlib.import_module(name)
    exported = list(package.__all__)
    assert exported == sorted(exported)
    public = {
        n
        for n, value in vars(package).items()
        if not n.startswith("_")
        and not (isinstance(value, types.ModuleType) and n not in exported)
        and n not in ("annotations", "TYPE_CHECKING")
    }
    assert public == set(exported)
    for n in exported:
        assert hasattr(package, n), n


def test_errors_share_one_base() -> None:
    for name in ("LoadError", "ValidationFailed", "StoreError", "HistoryError", "MetricError"):
        assert issubclass(getattr(accord, name), accord.AccordError)


def _modules() -> dict[str, ast.Module]:
    out: dict[str, ast.Module] = {}
    for top in ("accord", "tui", "site_builder"):
        for path in (ROOT / top).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"))
    return out


def _imports(tree: ast.Module, *, top_level_only: bool) -> list[str]:
    """Modules imported (``from X import y`` also yields ``X.y``, which may be a module)."""
    found: list[str] = []
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _package(module: str) -> str:
    """`accord.metrics._calc` → `accord.metrics`; `accord.cli` → `accord.cli`."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "accord" and len(parts) > 1 else parts[0]


def _owner(private: str) -> str:
    """The package a private module belongs to: everything before its `_name` part."""
    parts = private.split(".")
    index = next(i for i, p in enumerate(parts) if p.startswith("_") and not p.startswith("__"))
    return ".".join(parts[:index])


def test_private_modules_are_used_only_inside_their_package() -> None:
    modules = _modules()
    offenders = []
    for importer, tree in modules.items():
        for imported in _imports(tree, top_level_only=False):
            if imported not in modules or not any(
                p.startswith("_") and not p.startswith("__") for p in imported.split(".")
            ):
                continue
            owner = _owner(imported)
            if not (importer == owner or importer.startswith(owner + ".")):
                offenders.append(f"{importer} imports {imported}")
    assert offenders == []


def test_core_packages_import_each_other_without_cycles() -> None:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for importer, tree in modules.items():
        if not importer.startswith("accord"):
            continue
        src = _package(importer)
        for imported in _imports(tree, top_level_only=True):
            if imported.startswith("accord.") and imported in modules:
                dst = _package(imported)
                if dst != src and src != "accord" and dst != "accord":
                    graph.setdefault(src, set()).add(dst)
    seen: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if seen.get(nxt) == 1:
                raise AssertionError("import cycle: " + " → ".join([*path, node, nxt]))
            if nxt not in seen:
                visit(nxt, [*path, node])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [])
    assert "accord.domain" not in {d for deps in graph.values() for d in deps} or not graph.get(
        "accord.domain"
    ), "the domain imports no other core package"
