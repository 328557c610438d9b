"""A small real-looking directory near Denver's ZIP 80218 with the person's profile columns set.

Saved into a test store through the app's own library (save_import + set_active), so pages load
it exactly as they load an imported listing.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import coerce_directory, validate_directory
from matching.records import library
from matching.records.store import open_engine
from matching.records.team import LOCAL

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "person_profile.csv"
PLACE = "80218"
# Pregnant, Spanish, Medicaid, any detox: who must be found, in which tier, and who must not.
PREGNANCY_MOUD = {"pp-01", "pp-03"}  # programs for pregnant women with buprenorphine/methadone
PREGNANCY_NO_MOUD = "pp-02"
EXCLUDED = {"pp-04", "pp-05"}  # men only / no Spanish: a known "no"
UNRECORDED = "pp-06"  # pregnancy program and languages not recorded: only when unverified
ZIP_CENTER = "pp-03"


def person_directory() -> pd.DataFrame:
    """Return the fixture as a validated canonical table (unlisted columns unknown)."""
    raw = pd.read_csv(FIXTURE, dtype="str", keep_default_na=False)
    raw = raw.replace("", pd.NA).fillna({name: "" for name in (*col.TEXT_COLUMNS, col.LANGUAGES)})
    return validate_directory(coerce_directory(raw))


def save_person_directory(store_url: str) -> str:
    """Save the fixture in the store at ``store_url``, make it active, return its key."""
    engine = open_engine(store_url)
    try:
        entry = library.save_import(
            engine,
            person_directory(),
            name=FIXTURE.name,
            format="generic-csv",
            actor=LOCAL,
        )
        library.set_active(engine, entry.key, actor=LOCAL)
    finally:
        engine.dispose()
    return entry.key
