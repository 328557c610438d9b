"""The ``python -m matching search`` subcommand: run a search and format the results.

Errors (an unknown place, a bad option, an unusable file) are raised as ReadyBed/ValueError
exceptions; :func:`matching.cli.main` prints them as one line and exits 2.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd

from matching.directory import columns as col
from matching.directory.io import read_directory
from matching.directory.text_safety import neutralize_formulas
from matching.errors import QueryError
from matching.render.crisis import CRISIS_SUMMARY
from matching.render.display import listing_text, person_text, results_listing_warning
from matching.search.engine import search
from matching.search.explain import Loosening, loosen_suggestions
from matching.search.geo import resolve_location
from matching.search.index import FacilityIndex
from matching.search.query import SearchQuery

CSV_COLUMNS = (
    col.FACILITY_ID,
    col.NAME,
    col.CITY,
    col.STATE,
    col.ZIP,
    col.PHONE,
    col.INTAKE_PHONE,
    "distance_miles",
    "score",
    "reasons",
    *col.AVAILABILITY_COLUMNS,
    "availability_age_hours",
    "freshness",
    "unverified",
    "beds_needed",
    "beds_needed_kind",
    "availability_for_need",
    *col.BEDS_BY_SEX_COLUMNS,
    # Where each row comes from (issue 20): the second name tells programs at one address
    # apart; the source, its date and how exactly the row is placed say how far to trust it.
    col.NAME2,
    col.SOURCE,
    col.LISTED_AT,
    col.LOCATION_PRECISION,
)


def run_search(args: argparse.Namespace, *, now: datetime | None = None) -> str:
    """Run the search the parsed arguments describe and return the formatted output text."""
    if args.top is None or args.top < 0:
        raise QueryError(f"--top must be 0 (all matches) or more, got {args.top}")
    origin = resolve_location(args.near)
    query = SearchQuery(
        origin=origin,
        radius_miles=args.radius_miles,
        payers=tuple(args.payer or ()),
        detox=args.detox,
        moud=tuple(args.moud or ()),
        after_care=args.after_care,
        min_beds=args.min_beds,
        max_age_hours=args.max_age_hours,
        include_unverified=args.include_unverified,
        preset=args.preset,
        age_group=args.age_group,
        sex=args.sex,
        pregnant=args.pregnant,
        language=args.language,
        veteran=args.veteran,
        non_veteran=args.not_veteran,
        co_occurring=args.co_occurring,
    )
    now = now or datetime.now(UTC)
    index = FacilityIndex(load_directory(args.data, now, demo=getattr(args, "demo", False)))
    # Only the rows shown are built (reasons and all); the total comes with them.
    results = search(index, query, now=now, top=args.top)
    if args.format == "csv":
        return format_csv(results)
    if args.format == "json":
        return format_json(results)
    hints = loosen_suggestions(index, query, now=now) if results.empty else []
    return format_table(
        results,
        query,
        total=results.attrs["total_matches"],
        hints=hints,
        now=now,
        directory=directory_label(args.data, getattr(args, "demo", False), len(index.directory)),
    )


def directory_label(path: str | None, demo: bool, rows: int) -> str:
    """Return which directory answers a search, in words."""
    if path:
        return f"{path} ({rows:,} facilities)"
    if demo:
        return f"the fictional demo directory ({rows:,} facilities)"
    return (
        f"SAMHSA National Directory 2023, the 2022 survey published in 2023 ({rows:,} "
        "facilities, shipped with ReadyBed; --data FILE for another)"
    )


def load_directory(path: str | None, now: datetime, *, demo: bool = False) -> pd.DataFrame:
    """Return the directory a command reads: ``path``, the demo set, or the shipped one."""
    if path:
        return read_directory(path)
    if demo:
        from matching.directory.demo import load_demo_directory

        return load_demo_directory(now=now)
    from matching.directory.default import load_default_directory

    return load_default_directory()


def _output_frame(results: pd.DataFrame) -> pd.DataFrame:
    table = results.loc[:, list(CSV_COLUMNS)].copy()
    table["distance_miles"] = table["distance_miles"].round(2)
    table["score"] = table["score"].round(1)
    table["availability_age_hours"] = table["availability_age_hours"].round(1)
    stamps = table[col.AVAILABILITY_REPORTED_AT]
    table[col.AVAILABILITY_REPORTED_AT] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(
        stamps.notna(), ""
    )
    listed = pd.to_datetime(table[col.LISTED_AT], utc=True)
    table[col.LISTED_AT] = listed.dt.strftime("%Y-%m-%d").where(listed.notna(), "")
    return table


def format_csv(results: pd.DataFrame) -> str:
    """Return the results as CSV with the columns in CSV_COLUMNS.

    Every text cell a spreadsheet could run as a formula gets a leading apostrophe (OWASP).
    """
    return neutralize_formulas(_output_frame(results)).to_csv(index=False, lineterminator="\n")


def format_json(results: pd.DataFrame) -> str:
    """Return the results as a JSON list of objects (null where unknown)."""
    records = _output_frame(results).astype(object).to_dict("records")
    clean = [{key: _json_value(value) for key, value in row.items()} for row in records]
    return json.dumps(clean, indent=2, ensure_ascii=False) + "\n"


def _json_value(value: object) -> object:
    if value is pd.NA or value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):
        return value.item()  # numpy scalars
    return value


def format_table(
    results: pd.DataFrame,
    query: SearchQuery,
    *,
    total: int,
    hints: Sequence[Loosening] = (),
    now: datetime | None = None,
    directory: str = "",
) -> str:
    """Return the results as numbered blocks a person can read in a terminal.

    ``hints`` (for an empty result) say which filter to loosen and what that would find;
    listings are aged against ``now`` (default: the current time).
    """
    head = (
        f"Near {query.origin.label} · within {query.radius_miles:g} mi · preset {query.preset}"
        f" · showing {len(results)} of {total} match{'es' if total != 1 else ''}"
    )
    who = person_text(query)
    lines = [head, *([f"For: {who}"] if who else [])]
    lines += [f"Directory: {directory}"] if directory else []
    lines.append("")
    if results.empty:
        lines.append(
            "No facilities match. Try a larger --radius-miles, fewer requirements, "
            "or --include-unverified."
        )
        lines += [f"  - {hint.change}: {hint.count} found" for hint in hints if hint.count]
    for rank, row in enumerate(results.itertuples(index=False), start=1):
        flag = "  [unverified]" if row.unverified else ""
        phone = str(row.intake_phone or row.phone or "no phone listed")
        lines.append(
            f"{rank:>3}. {row.name} - {row.city}, {row.state} · score {row.score:.0f}{flag}"
        )
        lines.append(f"     {phone}")
        lines.append(f"     {row.reasons}")
        lines.append(f"     {listing_text(row.source, row.listed_at)}")
    stale = results_listing_warning(results, now=now or datetime.now(UTC))
    if stale:
        lines += ["", stale]
    if (results[col.SOURCE] == col.DEMO_SOURCE).any():
        lines += ["", "Demo data: these facilities are fictional."]
    lines += ["", CRISIS_SUMMARY, ""]
    return "\n".join(lines)
