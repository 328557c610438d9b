"""The two rules of the workspace (ARCHITECTURE.md, "The workspace"), checked on the source.

* No function takes a defaulted ``actor``: a call that forgets whom it acts for must fail,
  not silently act as the local person. Pages and the CLI bind the actor once, in a
  :class:`matching.records.workspace.Workspace`.
* SQL lives only in ``matching/records/``: nowhere else in the package, the pages or
  ``app.py`` imports SQLAlchemy, names a table of the store, builds a statement
  (``select``/``insert``/``update``/``delete``/``text``) or opens a connection or transaction
  on an engine. Pandas is not SQL: ``frame.update(...)``, ``np.select(...)`` and
  ``frame.insert(...)`` are methods, not the statement builders, and are not flagged.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from matching.records import store

ROOT = Path(__file__).resolve().parents[1]
RECORDS = ROOT / "matching" / "records"
CHECKED = sorted(
    [
        *(path for path in (ROOT / "matching").rglob("*.py") if RECORDS not in path.parents),
        *(ROOT / "app_pages").glob("*.py"),
        ROOT / "app.py",
    ]
)
EVERY_FUNCTION_FILE = sorted(
    [*(ROOT / "matching").rglob("*.py"), *(ROOT / "app_pages").glob("*.py")]
)

STATEMENTS = frozenset({"select", "insert", "update", "delete", "text"})
OPENERS = frozenset({"connect", "begin", "execute", "exec_driver_sql"})
TABLES = frozenset(store.metadata.tables)


def defaulted_actors(source: str) -> list[str]:
    """Return ``function (line)`` for each function whose ``actor`` parameter has a default."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        arguments = node.args
        positional = [*arguments.posonlyargs, *arguments.args]
        with_default = positional[len(positional) - len(arguments.defaults) :]
        with_default += [
            arg
            for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
            if default is not None
        ]
        if any(arg.arg == "actor" for arg in with_default):
            name = getattr(node, "name", "lambda")
            found.append(f"{name} (line {node.lineno})")
    return found


def _is_engine_like(node: ast.expr) -> bool:
    """Return whether ``node`` names an engine or a connection (``engine``, ``ws.engine`` ...)."""
    if isinstance(node, ast.Call):
        node = node.func
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return "engine" in name.lower() or "connection" in name.lower()


def _store_module_names(tree: ast.AST) -> set[str]:
    """Return the local names the module gives ``matching.records.store``."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "matching.records":
            names.update(
                alias.asname or alias.name for alias in node.names if alias.name == "store"
            )
        elif isinstance(node, ast.Import):
            names.update(
                alias.asname
                for alias in node.names
                if alias.name == "matching.records.store" and alias.asname
            )
    return names


def sql_uses(source: str) -> list[str]:
    """Return a description of each place ``source`` touches SQL itself (see the docstring)."""
    tree = ast.parse(source)
    store_names = _store_module_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] == "sqlalchemy"
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.split(".")[0] == "sqlalchemy":
                found.append(f"line {node.lineno}: imports from {module}")
            elif module == "matching.records.store":
                found += [
                    f"line {node.lineno}: imports the table {alias.name}"
                    for alias in node.names
                    if alias.name in TABLES
                ]
        elif isinstance(node, ast.Call):
            function = node.func
            if isinstance(function, ast.Name) and function.id in STATEMENTS:
                found.append(f"line {node.lineno}: builds a statement with {function.id}()")
            elif (
                isinstance(function, ast.Attribute)
                and function.attr in OPENERS
                and _is_engine_like(function.value)
            ):
                found.append(f"line {node.lineno}: calls .{function.attr}() on a store")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in TABLES
            and isinstance(node.value, ast.Name)
            and node.value.id in store_names
        ):
            found.append(f"line {node.lineno}: reads the table {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", EVERY_FUNCTION_FILE, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_function_takes_a_defaulted_actor(path: Path) -> None:
    assert defaulted_actors(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", CHECKED, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_sql_outside_records(path: Path) -> None:
    assert sql_uses(path.read_text(encoding="utf-8")) == []


def test_the_actor_check_finds_a_default_and_accepts_a_required_actor() -> None:
    source = (
        "def a(engine, *, actor=LOCAL): ...\n"
        "def b(engine, actor=None): ...\n"
        "def c(engine, *, now=None, actor): ...\n"
        "def d(engine, actor, now=None): ...\n"
    )
    assert defaulted_actors(source) == ["a (line 1)", "b (line 2)"]


def test_the_sql_check_finds_sql_and_leaves_pandas_alone() -> None:
    sql = (
        "import sqlalchemy\n"
        "from sqlalchemy import select\n"
        "from matching.records.store import cases, open_engine\n"
        "from matching.records import store\n"
        "with engine.connect() as connection:\n"
        "    connection.execute(select(store.users))\n"
        "with ui.get_engine().begin() as c:\n"
        "    pass\n"
    )
    assert sorted(sql_uses(sql)) == [
        "line 1: imports sqlalchemy",
        "line 2: imports from sqlalchemy",
        "line 3: imports the table cases",
        "line 5: calls .connect() on a store",
        "line 6: builds a statement with select()",
        "line 6: calls .execute() on a store",
        "line 6: reads the table store.users",
        "line 7: calls .begin() on a store",
    ]
    pandas = (
        "import numpy as np\n"
        "import pandas as pd\n"
        "frame = pd.DataFrame({'a': [1]})\n"
        "frame.update(frame)\n"
        "frame.insert(0, 'b', 2)\n"
        "frame.drop(columns=['b']).query('a > 0')\n"
        "band = np.select([frame.a > 0], ['yes'], default='no')\n"
        "entry = workspace.cases.load_case(3)\n"
        "text = display.listing_text(source, stamp)\n"
    )
    assert sql_uses(pandas) == []


# --- The workspace itself ------------------------------------------------------------------


def test_every_records_function_that_acts_for_someone_is_on_a_repository() -> None:
    """A new records function with an ``actor`` is reachable from ``ui.workspace()`` too."""
    import inspect

    from matching.records import workspace

    repositories = [
        value
        for value in vars(workspace).values()
        if inspect.isclass(value) and issubclass(value, workspace._Repository)
    ]
    bound = {
        (repository.__name__, name)
        for repository in repositories
        for name in vars(repository)
        if not name.startswith("_")
    }
    bound_names = {name for _repository, name in bound}
    unbound = []
    for path in sorted(RECORDS.glob("*.py")):
        module = path.stem
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            parameters = {arg.arg for arg in [*node.args.args, *node.args.kwonlyargs]}
            # ``require_in`` and ``append`` work inside a caller's transaction, not for a page.
            if {"actor", "engine"} <= parameters and node.name not in bound_names:
                unbound.append(f"{module}.{node.name}")
    assert unbound == []


def test_a_workspace_acts_for_its_own_person(tmp_path: Path) -> None:
    import doctest

    from matching.records import workspace as module
    from matching.records.store import open_engine
    from matching.records.team import LOCAL, sign_in
    from matching.records.workspace import Workspace

    assert doctest.testmod(module).failed == 0  # the module docstring's example
    engine = open_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    local = Workspace(engine, LOCAL)
    colleague = Workspace(engine, sign_in(engine, email="pat@practice.example"))
    local.shortlists.create_shortlist("Ours")
    names = {item.name for item in local.shortlists.list_shortlists()}
    assert "Ours" in names
    # Another organisation's person sees none of the local organisation's shortlists.
    assert "Ours" not in {item.name for item in colleague.shortlists.list_shortlists()}
    engine.dispose()


def test_pages_get_the_workspace_from_one_place() -> None:
    """Only ``ui.workspace()`` makes a workspace: no page binds an engine or a person itself."""
    makers = {"get_engine", "current_actor", "Workspace", "open_engine", "sign_in"}
    offenders = []
    for path in sorted([*(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]):
        if path.name in ("ui.py", "team_ui.py"):  # the one place, and the sign-in it asks
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                function = node.func
                name = function.attr if isinstance(function, ast.Attribute) else None
                name = function.id if isinstance(function, ast.Name) else name
                if name in makers:
                    offenders.append(f"{path.name} line {node.lineno}: {name}()")
    assert offenders == []
