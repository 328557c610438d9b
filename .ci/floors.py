"""Print a pip constraints file that pins every declared dependency at its floor.

Reads ``[project.dependencies]`` and the ``team`` extra from pyproject.toml and the test tools
the fast tests need from requirements-dev.txt, and turns each ``name>=X`` into ``name==X``, so
that installing with ``-c`` proves the floors are true (the newest versions are tested by the
main run).
With ``--tools`` it prints only the names of those test tools, for the install line.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Test tools the fast tests import (playwright only because the browser test modules import it
# at collection); linters are not needed there.
TEST_TOOLS = (
    "pytest",
    "pytest-xdist",
    "hypothesis",
    "pypdf",
    "nbclient",
    "nbformat",
    "ipykernel",
    "playwright",
    "scikit-learn",
    "markdown-it-py",
    "linkify-it-py",
    "pytest-httpserver",
    "pytest-postgresql",
)
# ``name[extra]>=X`` pins ``name==X``: pip refuses extras in a constraints file, and the extra's
# own packages follow (psycopg[binary] pins psycopg-binary to its own version).
_FLOOR = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[A-Za-z0-9_,.\-\s]*\])?\s*>=\s*([^,;\s]+)\s*$")


def floors(requirements: list[str]) -> dict[str, str]:
    """Return {name: floor} for requirements ``name>=X`` or ``name[extra]>=X``; refuse others."""
    found: dict[str, str] = {}
    for line in requirements:
        match = _FLOOR.match(line)
        if match is None:
            raise SystemExit(f"floors.py: {line!r} is not of the form 'name>=X'")
        found[match.group(1)] = match.group(2)
    return found


def main() -> None:
    """Print the constraints: runtime floors, then the test tools' floors."""
    if sys.argv[1:] == ["--tools"]:
        sys.stdout.write(" ".join(TEST_TOOLS) + "\n")
        return
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # The team extra is installed for the tests (its PostgreSQL and sign-in tests are fast ones).
    runtime = floors([*project["dependencies"], *project["optional-dependencies"]["team"]])
    dev_lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()
    ]
    dev = floors([line for line in dev_lines if line and not line.startswith("-")])
    missing = [tool for tool in TEST_TOOLS if tool not in dev]
    if missing:
        raise SystemExit(f"floors.py: requirements-dev.txt does not declare {', '.join(missing)}")
    pins = {**runtime, **{tool: dev[tool] for tool in TEST_TOOLS}}
    sys.stdout.write("".join(f"{name}=={floor}\n" for name, floor in pins.items()))


if __name__ == "__main__":
    main()
