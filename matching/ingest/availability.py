"""Merge bed-availability reports (a feed file or the app's call log) into the facility table.

A report names its facility by ``facility_id`` or, failing that, by name + ZIP. Each facility
keeps its latest report: a report older than what the facility already carries never
overwrites it, and of several reports for one facility in a batch the newest wins. Reports
that match no facility (or more than one) are listed, never dropped silently.

Feed CSV columns: ``facility_id`` (or ``name`` and ``zip``), ``beds_open_detox``,
``beds_open_residential``, ``availability_status`` (one of ``columns.AVAILABILITY_STATUSES`` or
its label, e.g. "No openings"), ``availability_reported_at`` (ISO 8601; no offset = UTC),
``availability_source``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import BED_COUNT_COLUMNS, check_rows
from matching.errors import FacilityDataError, Problem
from matching.ingest.text import parse_report_times, read_csv_text

FEED_COLUMNS: Final[tuple[str, ...]] = (
    col.FACILITY_ID,
    col.NAME,
    col.ZIP,
    *col.AVAILABILITY_COLUMNS,
)
_STATUS_BY_TEXT: Final[dict[str, str]] = {
    **{status: status for status in col.AVAILABILITY_STATUSES},
    **{label.casefold(): status for status, label in col.STATUS_LABELS.items()},
    "no openings": "no_openings",
    "accepting assessments": "accepting_assessments",
    "": "unknown",
}
MAX_FEED_BYTES: Final = 50_000_000


@dataclass
class MergeReport:
    """What a merge did with each report."""

    rows_read: int = 0
    matched: int = 0
    applied: int = 0
    ignored_older: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)

    def summary_text(self) -> str:
        """Return the report as a few lines for a terminal or the app."""
        lines = [
            f"Read {self.rows_read} availability reports: {self.matched} matched a facility, "
            f"{self.applied} applied, {self.ignored_older} ignored as older than the "
            f"facility's latest report, {len(self.unmatched)} unmatched."
        ]
        lines += [f"  unmatched row {row}: {reason}" for row, reason in self.unmatched[:10]]
        if len(self.unmatched) > 10:
            lines.append(f"  ... and {len(self.unmatched) - 10} more unmatched rows")
        return "\n".join(lines)


@dataclass(frozen=True)
class MergeResult:
    """The directory with the reports applied, and what happened to each report."""

    frame: pd.DataFrame
    report: MergeReport


def read_feed(source: str | os.PathLike[str] | bytes) -> pd.DataFrame:
    """Read and validate an availability feed CSV (a path or the file's bytes).

    Raises FacilityDataError listing every bad row (row, column, value).
    """
    if isinstance(source, bytes):
        data, name = source, "feed"
        if len(data) > MAX_FEED_BYTES:  # an upload gets the same limit as a file
            raise FacilityDataError(f"{name} is over {MAX_FEED_BYTES // 1_000_000} MB")
    else:
        path = Path(source)
        if not path.is_file():
            raise FacilityDataError(f"Availability feed {str(path)!r} does not exist")
        if path.stat().st_size > MAX_FEED_BYTES:
            raise FacilityDataError(f"{path.name} is over {MAX_FEED_BYTES // 1_000_000} MB")
        data, name = path.read_bytes(), path.name
    if not data.strip():
        raise FacilityDataError(f"{name} is empty; a feed needs a header and at least one row")
    raw = read_csv_text(data, name)
    return _validate_feed(raw, name)


def _validate_feed(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    has_id = col.FACILITY_ID in raw.columns
    if not has_id and not {col.NAME, col.ZIP} <= set(raw.columns):
        raise FacilityDataError(
            f"{name} needs a 'facility_id' column or both 'name' and 'zip' columns",
            [Problem(None, col.FACILITY_ID, None, "column is missing")],
        )
    if col.AVAILABILITY_REPORTED_AT not in raw.columns:
        raise FacilityDataError(
            f"{name} needs an '{col.AVAILABILITY_REPORTED_AT}' column (when each report was made)",
            [Problem(None, col.AVAILABILITY_REPORTED_AT, None, "column is missing")],
        )
    text = {c: raw[c].astype("str").str.strip() if c in raw.columns else "" for c in FEED_COLUMNS}
    feed = pd.DataFrame({c: pd.Series(v, index=raw.index, dtype="str") for c, v in text.items()})
    problems: list[Problem] = []

    def flag(mask: pd.Series, column: str, message: str | pd.Series) -> None:
        for position in mask.to_numpy().nonzero()[0]:
            text = message if isinstance(message, str) else message.iloc[position]
            problems.append(Problem(position + 1, column, feed[column].iloc[position], text))

    no_key = (feed[col.FACILITY_ID] == "") & ((feed[col.NAME] == "") | (feed[col.ZIP] == ""))
    flag(no_key, col.FACILITY_ID, "give a facility_id, or a name and a ZIP")
    times = parse_report_times(feed[col.AVAILABILITY_REPORTED_AT])
    stamps = times["stamp"]
    flag(feed[col.AVAILABILITY_REPORTED_AT] == "", col.AVAILABILITY_REPORTED_AT, "is empty")
    flag(times["problem"] != "", col.AVAILABILITY_REPORTED_AT, times["problem"])
    status = feed[col.AVAILABILITY_STATUS].str.casefold().str.replace("-", " ").map(_STATUS_BY_TEXT)
    flag(
        status.isna(),
        col.AVAILABILITY_STATUS,
        "status must be one of " + ", ".join(col.AVAILABILITY_STATUSES),
    )
    bed_columns = tuple(column for column in BED_COUNT_COLUMNS if column in feed.columns)
    problems += check_rows(feed, bed_columns)
    if problems:
        problems.sort(key=lambda problem: problem.row or 0)
        raise FacilityDataError(f"{name} has reports that cannot be used", problems)
    return feed.assign(
        **{column: pd.to_numeric(feed[column]).astype("Int64") for column in bed_columns},
        **{col.AVAILABILITY_STATUS: status.astype("str")},
        **{col.AVAILABILITY_REPORTED_AT: stamps.astype("datetime64[ns, UTC]")},
        zip=feed[col.ZIP].str.zfill(5).where(feed[col.ZIP] != "", ""),
    )


def apply_reports(directory: pd.DataFrame, reports: pd.DataFrame) -> MergeResult:
    """Return ``directory`` with each facility's latest report applied (input not modified).

    Newest wins: a report older than what the facility already shows is ignored
    (docs/availability.md).

    Parameters
    ----------
    directory : pandas.DataFrame
        A canonical table (docs/facility-table.md).
    reports : pandas.DataFrame
        The feed's columns (:func:`read_feed`): ``facility_id`` or ``name`` + ``zip``, and
        ``availability_reported_at``. Only the availability columns it carries are written,
        so a call log without bed counts updates status, time and source only. A report
        without a time cannot be ordered and is listed as unmatched.

    Returns
    -------
    MergeResult
        ``frame``, the updated copy, and ``report``: how many reports matched, were applied,
        were older than the facility's latest, and which rows matched nothing (and why).

    Raises
    ------
    FacilityDataError
        ``reports`` has no ``availability_reported_at`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matching import apply_reports, load_demo_directory
    >>> directory = load_demo_directory()
    >>> first = directory["facility_id"].iloc[0]
    >>> reports = pd.DataFrame(
    ...     {
    ...         "facility_id": [first, "no-such-id"],
    ...         "availability_status": ["no_openings", "openings"],
    ...         "availability_reported_at": [pd.Timestamp.now(tz="UTC")] * 2,
    ...         "availability_source": ["call by Dana", "call by Dana"],
    ...     }
    ... )
    >>> merged = apply_reports(directory, reports)
    >>> merged.report.applied, len(merged.report.unmatched)
    (1, 1)
    >>> merged.frame["availability_status"].iloc[0]
    'no_openings'
    >>> directory["availability_source"].iloc[0] == merged.frame["availability_source"].iloc[0]
    False
    """
    if col.AVAILABILITY_REPORTED_AT not in reports.columns:
        raise FacilityDataError(
            "Availability reports need an 'availability_reported_at' column",
            [Problem(None, col.AVAILABILITY_REPORTED_AT, None, "column is missing")],
        )
    report = MergeReport(rows_read=len(reports))
    reports = reports.reset_index(drop=True)
    target = _match(directory, reports, report)
    stamps = pd.to_datetime(reports[col.AVAILABILITY_REPORTED_AT], utc=True, errors="coerce")
    for position in (target.notna() & stamps.isna()).to_numpy().nonzero()[0]:
        report.unmatched.append((position + 1, "the report has no time (availability_reported_at)"))
    report.unmatched.sort()
    target = target.where(stamps.notna())
    matched = reports.assign(_target=target)[target.notna().to_numpy()]
    report.matched = len(matched)
    if matched.empty:
        return MergeResult(directory.copy(), report)
    stamps = pd.to_datetime(matched[col.AVAILABILITY_REPORTED_AT], utc=True)
    matched = matched.assign(**{col.AVAILABILITY_REPORTED_AT: stamps})
    latest = matched.sort_values(col.AVAILABILITY_REPORTED_AT, kind="stable").drop_duplicates(
        "_target", keep="last"
    )
    out, report.applied = _apply_newer(
        directory, latest["_target"].astype(int).to_numpy(), latest.drop(columns="_target")
    )
    report.ignored_older = report.matched - report.applied
    return MergeResult(out, report)


def apply_reports_at(
    directory: pd.DataFrame, reports: pd.DataFrame, positions: np.ndarray
) -> pd.DataFrame:
    """Return ``directory`` with ``reports`` applied to the rows at ``positions`` (input not
    modified); a report older than what its facility shows is ignored, as in apply_reports.

    For reports already matched to their rows (the call log's few new calls, by facility id):
    one report per position, each with an ``availability_reported_at``.
    """
    stamps = pd.to_datetime(reports[col.AVAILABILITY_REPORTED_AT], utc=True)
    return _apply_newer(
        directory, positions, reports.assign(**{col.AVAILABILITY_REPORTED_AT: stamps})
    )[0]


def _apply_newer(
    directory: pd.DataFrame, positions: np.ndarray, latest: pd.DataFrame
) -> tuple[pd.DataFrame, int]:
    """Apply each report of ``latest`` (one per row position, times as UTC) that is not older
    than its row's; return the new frame and how many applied."""
    current = directory[col.AVAILABILITY_REPORTED_AT].iloc[positions].to_numpy()
    newer = pd.isna(current) | (latest[col.AVAILABILITY_REPORTED_AT].to_numpy() >= current)
    apply = latest[newer]
    # A shallow copy (copy-on-write keeps ``directory`` as it was) whose changed columns are
    # replaced whole: a deep copy and ``.loc`` writes cost ~30 ms at 12k rows, per call logged.
    out = directory.copy(deep=False)
    positions = positions[newer]
    for column in col.AVAILABILITY_COLUMNS:
        if column in apply.columns:
            _write(out, positions, column, apply[column])
    _apply_bed_detail(out, positions, apply)
    return out, len(apply)


def _write(out: pd.DataFrame, positions: np.ndarray, column: str, values: object) -> None:
    """Set ``out[column]`` at ``positions`` to ``values`` (a Series, or one value for all)."""
    written = out[column].array.copy()
    if isinstance(values, pd.Series):
        values = values.astype(out[column].dtype).array
    written[positions] = values
    out[column] = written


# Beds by sex and youth beds: what a registry reports beyond the two totals.
BED_DETAIL_COLUMNS: Final[tuple[str, ...]] = (*col.BEDS_BY_SEX_COLUMNS, col.BEDS_OPEN_YOUTH)


def _apply_bed_detail(out: pd.DataFrame, positions: np.ndarray, apply: pd.DataFrame) -> None:
    """Write the reports' beds by sex; clear them where a newer report gives only totals."""
    carries_detail = any(column in apply.columns for column in BED_DETAIL_COLUMNS)
    carries_totals = any(column in apply.columns for column in col.BED_COLUMNS)
    for column in BED_DETAIL_COLUMNS:
        if column not in out.columns:
            continue
        if column in apply.columns:
            _write(out, positions, column, apply[column])
        elif carries_totals and not carries_detail:
            _write(out, positions, column, pd.NA)


def _match(directory: pd.DataFrame, reports: pd.DataFrame, report: MergeReport) -> pd.Series:
    """Return the directory position each report refers to (NA when unmatched)."""
    ids = pd.Series(range(len(directory)), index=directory[col.FACILITY_ID].to_numpy())
    given_id = _text(reports, col.FACILITY_ID)
    by_id = given_id.map(ids)
    if (given_id != "").all():
        # Every report names its facility_id (the call log always does): the name and ZIP
        # keys of the whole directory, most of the cost of a merge, are not needed.
        return _unmatched_by_id(by_id, given_id, report)
    keys = _name_zip_key(directory[col.NAME], directory[col.ZIP])
    counts = keys.value_counts()
    unique_keys = pd.Series(range(len(directory)), index=keys.to_numpy())[
        ~keys.duplicated(keep=False).to_numpy()
    ]
    names, zips = _text(reports, col.NAME), _text(reports, col.ZIP)
    report_keys = _name_zip_key(names, zips)
    by_name = report_keys.map(unique_keys)
    target = by_id.where(given_id != "", by_name)
    for position in target.isna().to_numpy().nonzero()[0]:
        if given_id.iloc[position]:
            reason = f"no facility has facility_id {given_id.iloc[position]!r}"
        elif not (names.iloc[position] and zips.iloc[position]):
            reason = "the report names no facility (give a facility_id, or a name and a ZIP)"
        elif counts.get(report_keys.iloc[position], 0) > 1:
            reason = (
                f"{counts[report_keys.iloc[position]]} facilities share the name and ZIP "
                f"{names.iloc[position]!r} {zips.iloc[position]!r}; "
                "give a facility_id"
            )
        else:
            reason = f"no facility named {names.iloc[position]!r} in ZIP {zips.iloc[position]!r}"
        report.unmatched.append((position + 1, reason))
    return target


def _unmatched_by_id(target: pd.Series, given_id: pd.Series, report: MergeReport) -> pd.Series:
    for position in target.isna().to_numpy().nonzero()[0]:
        reason = f"no facility has facility_id {given_id.iloc[position]!r}"
        report.unmatched.append((position + 1, reason))
    return target


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype="str")
    return frame[column].astype("str").fillna("").str.strip()


def _name_zip_key(names: pd.Series, zips: pd.Series) -> pd.Series:
    folded = names.astype("str").str.casefold().str.replace(r"[\W_]+", " ", regex=True)
    return folded.str.strip() + "|" + zips.astype("str").str.strip().str.zfill(5)


def merge_feed_file(directory: pd.DataFrame, path: str | os.PathLike[str]) -> MergeResult:
    """Read the feed at ``path`` and apply it to ``directory``."""
    return apply_reports(directory, read_feed(path))
