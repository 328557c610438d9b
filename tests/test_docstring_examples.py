"""The examples in the public entry points' docstrings run, offline, and show what they say.

A newcomer copies these first; an example that no longer runs teaches the wrong thing.
"""

from __future__ import annotations

import doctest

import pytest

import matching
from matching.case import readiness

ENTRY_POINTS = {
    "search_facilities": matching.search_facilities,
    "FacilityIndex": matching.FacilityIndex,
    "import_file": matching.import_file,
    "apply_reports": matching.apply_reports,
    "resolve_location": matching.resolve_location,
    "run_checks": readiness.run_checks,
}
SECTIONS = ("Parameters", "Returns", "Examples")


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_entry_point_documents_parameters_returns_and_an_example(name: str) -> None:
    docstring = ENTRY_POINTS[name].__doc__ or ""
    sections = SECTIONS if name != "FacilityIndex" else ("Parameters", "Examples")
    missing = [s for s in sections if f"\n    {s}\n    {'-' * len(s)}\n" not in docstring]
    assert not missing, f"{name}'s docstring lacks the numpydoc sections {missing}"


@pytest.mark.parametrize("name", list(ENTRY_POINTS))
def test_entry_point_example_runs_and_shows_what_it_says(name: str) -> None:
    entry = ENTRY_POINTS[name]
    finder = doctest.DocTestFinder(recurse=False)
    tests = [t for t in finder.find(entry, name, globs={}) if t.examples]
    assert tests, f"{name} has no runnable example"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, (
        f"{result.failed} of {result.attempted} example lines of {name} failed"
    )
