"""Package-level contracts: the public API works end to end and never pulls in streamlit."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

import matching
from matching.directory import columns as col


def test_matching_never_imports_streamlit() -> None:
    # A fresh interpreter: importing every matching module must not load streamlit.
    code = (
        "import pkgutil, importlib, sys, matching\n"
        "for info in pkgutil.walk_packages(matching.__path__, 'matching.'):\n"
        "    if not info.name.endswith('__main__'):\n"
        "        importlib.import_module(info.name)\n"
        "print('streamlit' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_public_api_searches_the_demo_directory_from_a_zip() -> None:
    index = matching.FacilityIndex(matching.load_demo_directory())
    query = matching.SearchQuery(
        origin=matching.resolve_location("10001"), radius_miles=40, detox="any"
    )
    ranked = matching.search_facilities(
        index, query, now=datetime(2026, 11, 26, 20, 0, tzinfo=UTC), top=10
    )
    assert 0 < len(ranked) <= 10
    assert ranked["detox_any"].fillna(False).all()
    assert (ranked["distance_miles"] <= 40).all()
    assert ranked["score"].is_monotonic_decreasing
    assert set(col.CANONICAL_COLUMNS) <= set(ranked.columns)


def test_every_public_name_imports_from_the_package() -> None:
    # The names load lazily; `from matching import X` and attribute access must both work.
    code = (
        "import matching\n"
        "from matching import FacilityIndex, search_facilities, resolve_location\n"
        "missing = [n for n in matching.__all__ if getattr(matching, n, None) is None]\n"
        "print(missing, set(matching.__all__) <= set(dir(matching)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[] True"


def test_importing_the_package_alone_loads_no_heavy_library() -> None:
    # A command that needs one part of the package must not pay for pandas, geopy or the
    # importers just by importing `matching` (the CLI's cold start).
    code = (
        "import sys, matching\n"
        "heavy = ('pandas', 'geopy', 'openpyxl', 'sqlalchemy', 'fpdf', 'sklearn', 'scipy')\n"
        "print(sorted(name for name in heavy if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_unknown_package_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        matching.no_such_name  # noqa: B018
