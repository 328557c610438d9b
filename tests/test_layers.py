"""The layering rule of ``matching`` (ARCHITECTURE.md), checked on the source.

Layers, lowest first: ``errors``/``paths`` < ``directory`` < ``ingest`` < ``search`` and
``case`` (the pure domain) < ``records`` (the store: the only SQL) and ``render`` < ``cli``;
``records`` never imports ``search`` or ``render``, nor they it. A module
may import its own layer and the layers below it, never one above; nothing but the CLI itself
(and ``python -m matching``) imports the CLI; and there is no import cycle between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "matching"

RANKS = {
    "errors": 0,
    "paths": 0,
    "wording": 0,
    "directory": 1,
    "ingest": 2,
    "search": 3,
    "case": 3,
    "records": 4,
    "render": 4,
    "live": 2,
    "cli": 5,
}
SIBLINGS = {frozenset({"search", "records"}), frozenset({"records", "render"})}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> set[str]:
    """Return the matching modules ``path`` imports (at any depth, lazily or not)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("matching"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("matching"):
            module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in MODULES else module)
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANKS else None


EDGES = {module: _imports(path) for module, path in MODULES.items()}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_layer(module: str) -> None:
    own = _layer(module)
    if own is None:  # matching/__init__ (the public facade) and __main__
        return
    for target in EDGES[module]:
        other = _layer(target)
        if other is None or other == own:
            continue
        assert frozenset({own, other}) not in SIBLINGS, f"{module} imports sibling {target}"
        assert RANKS[other] <= RANKS[own], f"{module} ({own}) imports {target} ({other})"


def test_nothing_but_the_cli_imports_the_cli() -> None:
    outside = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]
    importers = {module: EDGES[module] for module in MODULES}
    importers.update({str(path.relative_to(ROOT)): _imports(path) for path in outside})
    offenders = [
        f"{module} imports {target}"
        for module, targets in importers.items()
        for target in targets
        if _layer(target) == "cli" and _layer(module) != "cli" and module != "matching.__main__"
    ]
    assert offenders == []


def test_there_is_no_import_cycle() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(EDGES.get(module, ())):
            if target not in MODULES or target == "matching":
                continue
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :] + [target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(MODULES):
        if module not in state:
            visit(module)


def test_every_subpackage_says_what_it_is_for() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        docstring = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert docstring and len(docstring.split()) >= 30, f"{init} needs a paragraph"
