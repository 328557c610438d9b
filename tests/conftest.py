"""Shared test fixtures: paths to the hand-written fixtures and the real SAMHSA files."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# Real SAMHSA files, read in place beside the checkout; never copied into the repository.
REAL_DATA = ROOT.parent / "shared" / "data" / "real"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def real_data() -> Path:
    """Return the real-data folder, or skip the test cleanly when it is absent."""
    if not REAL_DATA.is_dir():
        pytest.skip("../shared/data/real is not present beside this checkout")
    return REAL_DATA
