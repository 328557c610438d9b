"""Time ``store.open_engine``: on a store that is already current, on a new one, on PostgreSQL.

Run: ``python benchmarks/bench_open_engine.py [runs] [--compare CHECKOUT]``. Every page run and
every CLI command opens the store, and the tests open hundreds, so opening an up-to-date store
must stay cheap now that it checks the schema revision (migrate.py) instead of ``create_all``.

Figures printed (median of ``runs`` opens, each followed by ``dispose``):
* reopen SQLite - an existing store at the newest revision (the common case);
* cold reopen SQLite - the same in a fresh interpreter (imports included: a CLI command, an
  app start), median of a few runs;
* new SQLite - a new file: every migration runs;
* reopen PostgreSQL - an existing database at the newest revision, when a server can be
  started here (Debian's postgresql, as for the tests).

``--compare CHECKOUT`` runs the same timings with another checkout's code (for example the
commit before migrations) in a subprocess and prints the ratios.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _median_ms(action: Callable[[int], None], runs: int) -> float:
    times = []
    for run in range(runs):
        start = time.perf_counter()
        action(run)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _postgresql_reopen(runs: int) -> float | None:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from postgres_support import postgresql_server
    except ImportError:  # the other checkout has no PostgreSQL support
        return None
    from matching.records.store import open_engine

    try:
        with postgresql_server() as server:
            url = f"postgresql+psycopg://{server.user}@{server.host}:{server.port}/postgres"  # type: ignore[attr-defined]
            open_engine(url).dispose()
            return _median_ms(lambda _run: open_engine(url).dispose(), runs)
    except BaseException as exc:  # pytest's skip outside pytest: no server here
        print(f"PostgreSQL: not measured ({exc})", file=sys.stderr)
        return None


def _cold_open_ms(code: Path, url: str, runs: int) -> float:
    # Time only the import and the open inside the child, not the interpreter's own start.
    script = (
        "import time\n"
        "start = time.perf_counter()\n"
        "from matching.records.store import open_engine\n"
        f"open_engine({url!r}).dispose()\n"
        "print((time.perf_counter() - start) * 1000)\n"
    )
    times = [
        float(
            subprocess.run(
                [sys.executable, "-c", script],
                cwd=code,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(times)


def measure(code: Path, runs: int) -> dict[str, float | None]:
    """Return the median milliseconds of each kind of open, with ``code``'s matching package."""
    sys.path.insert(0, str(code))
    from matching.records.store import open_engine

    with tempfile.TemporaryDirectory() as folder:
        existing = f"sqlite:///{Path(folder) / 'existing' / 'readybed.sqlite3'}"
        open_engine(existing).dispose()
        figures: dict[str, float | None] = {
            "reopen SQLite": _median_ms(lambda _run: open_engine(existing).dispose(), runs),
            "cold reopen SQLite": _cold_open_ms(code, existing, max(3, runs // 6)),
            "new SQLite": _median_ms(
                lambda run: open_engine(
                    f"sqlite:///{Path(folder) / f'new{run}.sqlite3'}"
                ).dispose(),
                runs,
            ),
        }
    figures["reopen PostgreSQL"] = _postgresql_reopen(runs)
    return figures


def main() -> None:
    """Print the figures, and the ratios against ``--compare CHECKOUT`` when given."""
    arguments = sys.argv[1:]
    as_json = "--json" in arguments
    other = None
    if "--compare" in arguments:
        other = Path(arguments[arguments.index("--compare") + 1]).resolve()
    numbers = [argument for argument in arguments if argument.isdigit()]
    runs = int(numbers[0]) if numbers else 30
    code = Path(os.environ.get("BENCH_CODE", ROOT))
    figures = measure(code, runs)
    if as_json:
        print(json.dumps(figures))
        return
    baseline: dict[str, float | None] = {}
    if other is not None:
        result = subprocess.run(
            [sys.executable, __file__, str(runs), "--json"],
            env=os.environ | {"BENCH_CODE": str(other)},
            capture_output=True,
            text=True,
            check=True,
        )
        baseline = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"open_engine, median of {runs} opens (ms)")
    for name, value in figures.items():
        line = f"  {name:<18} {_ms(value)}"
        before = baseline.get(name)
        if before is not None and value is not None:
            line += f"   before {_ms(before)}   ratio {value / before:.2f}x"
        print(line)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:8.2f}"


if __name__ == "__main__":
    main()
