"""benchmarks/team_load.py's loss check on a short real run (the figures are not asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _benchmark():
    spec = importlib.util.spec_from_file_location("team_load", ROOT / "benchmarks" / "team_load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules.
    sys.modules.setdefault("team_load", module)
    spec.loader.exec_module(module)
    return module


def test_a_short_run_on_sqlite_loses_nothing(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'load.sqlite3'}"
    status = _benchmark().main(
        ["--seconds", "1.5", "--members", "4", "--team-size", "2"] + ["--db", url]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "loss check, call log:" in out and "loss check, saves:" in out
    assert "LOST" not in out and out.count(": OK") == 2
