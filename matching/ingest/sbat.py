"""Los Angeles County's Service & Bed Availability Tool (SBAT): open beds by level and sex.

An SBAT export (docs/sources.md) packs each agency's open beds into one
string, level after level::

    RS(3.1)Adult - M: 0Adult - F: 2RS(3.5)Adult - M: 1R-WMAdult - F: 0

``R-WM`` / ``I-WM`` (residential / intensive withdrawal management) are detox beds;
``RS(3.1)``, ``RS(3.3)``, ``RS(3.5)`` residential levels, where one bed is often listed under
several levels, so a facility's residential beds are the *largest* level, not the sum; ``RBH``
(recovery bridge housing) is housing, not treatment, and is ignored. Counts are per population
(``Adult``/``Youth``) and sex (``M``/``F``). The by-sex and total columns hold adults' beds
(a sex a level does not list has 0 there); youth beds go to ``beds_open_youth``. "Last
Updated: 8/13/2025 8:42:02 AM" is Pacific time.

Two uses: :func:`merge_sbat` applies the reports to a directory, matching agencies by address
(then name) within the ZIP and listing those it cannot match; :func:`import_sbat_directory`
turns the export into a directory of its own, located at each address's ZIP centre.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.matcher import match_facilities
from matching.directory.service_codes import load_mapping
from matching.directory.zip_centroids import zip_centroid
from matching.errors import ImportFormatError
from matching.ingest.availability import MergeReport, apply_reports
from matching.ingest.normalize import build_table
from matching.ingest.report import ImportReport, ImportResult, Raw
from matching.ingest.text import read_csv_text

FORMAT: Final = "la-sbat"
SOURCE: Final = "LA County SBAT"
PACIFIC: Final = "America/Los_Angeles"
HEADER: Final = ("agency_name", "agency_address", "available_beds", "last_updated")
DETOX_LEVELS: Final = ("R-WM", "I-WM")
RESIDENTIAL_LEVELS: Final = ("RS(3.1)", "RS(3.3)", "RS(3.5)")
HOUSING_LEVELS: Final = ("RBH",)
_LEVEL_RE: Final = re.compile(
    r"(RS\(\d(?:\.\d)?\)|[A-Z]{1,3}-WM|RBH|[A-Z][A-Z0-9().\-]*?)(?=Adult|Youth)"
)
_COUNT_RE: Final = re.compile(r"(Adult|Youth) - ([MF]): (\d+)")
_ADDRESS_RE: Final = re.compile(
    r"^(?P<street>.*?),\s*(?P<city>[^,]+),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5})"
)
_TIME_RE: Final = re.compile(r"Last Updated:\s*(.+)$", re.IGNORECASE)
_STREET_WORDS: Final[dict[str, str]] = {
    "street": "st", "avenue": "ave", "av": "ave", "boulevard": "blvd", "road": "rd",
    "drive": "dr", "place": "pl", "lane": "ln", "court": "ct", "highway": "hwy",
    "parkway": "pkwy", "north": "n", "south": "s", "east": "e", "west": "w", "suite": "ste",
}  # fmt: skip
_UNIT_RE: Final = re.compile(r"\b(ste|unit|room|rm|bldg|building|floor|fl|apt)\b.*$|#.*$")


def is_sbat(data: bytes) -> bool:
    """Return whether ``data`` starts with an SBAT export's header."""
    first = data[:4096].decode("utf-8-sig", errors="replace").split("\n", 1)[0]
    names = {cell.strip().strip('"') for cell in first.split(",")}
    return set(HEADER) <= names


@dataclass(frozen=True)
class SbatTable:
    """An SBAT export parsed: one row per agency with address parts, beds and report time."""

    frame: pd.DataFrame
    unknown_levels: dict[str, int]
    repeated: int  # listings left out because they repeat an agency's name and address


@dataclass
class SbatMerge:
    """What merging an SBAT export into a directory did."""

    frame: pd.DataFrame
    agencies: int
    with_beds: int
    report: MergeReport
    unmatched: list[str] = field(default_factory=list)
    unknown_levels: dict[str, int] = field(default_factory=dict)

    def summary_text(self) -> str:
        """Return the result as a few lines for a terminal or the app."""
        lines = [
            f"LA County SBAT: {self.agencies} agencies, {self.with_beds} report treatment beds "
            f"(detox or residential); {self.report.matched} matched a facility, "
            f"{self.report.applied} applied, {self.report.ignored_older} older than the "
            f"facility's latest report, {len(self.unmatched)} unmatched."
        ]
        if self.unknown_levels:
            lines.append(
                "  levels not known to ReadyBed (ignored): " + _levels_text(self.unknown_levels)
            )
        lines += [f"  unmatched: {text}" for text in self.unmatched[:10]]
        if len(self.unmatched) > 10:
            lines.append(f"  ... and {len(self.unmatched) - 10} more unmatched agencies")
        return "\n".join(lines)


def _levels_text(levels: dict[str, int]) -> str:
    return ", ".join(f"{level} ({count} agencies)" for level, count in sorted(levels.items()))


def parse_beds(text: str) -> dict[tuple[str, str, str], int]:
    """Return {(level, population, sex): open beds} from one ``available_beds`` string."""
    counts: dict[tuple[str, str, str], int] = {}
    pieces = _LEVEL_RE.split(text.strip())
    # split() alternates: text before the first level, then level, its counts, level, ...
    for level, body in zip(pieces[1::2], pieces[2::2], strict=True):
        for population, sex, number in _COUNT_RE.findall(body):
            counts[(level, population, sex)] = int(number)
    return counts


def _level_beds(counts: dict[tuple[str, str, str], int], levels: tuple[str, ...]) -> dict:
    """Return one kind's open beds: the largest level per population and sex (NA if unlisted)."""
    present = [key for key in counts if key[0] in levels]
    if not present:
        return {"female": pd.NA, "male": pd.NA, "youth": pd.NA}
    best: dict[tuple[str, str], int] = {}
    for level, population, sex in present:
        best[(population, sex)] = max(
            best.get((population, sex), 0), counts[(level, population, sex)]
        )
    youth = [value for (population, _), value in best.items() if population == "Youth"]
    return {
        "female": best.get(("Adult", "F"), 0),
        "male": best.get(("Adult", "M"), 0),
        "youth": sum(youth) if youth else pd.NA,
    }


def read_sbat(data: bytes, filename: str) -> SbatTable:
    """Parse an SBAT export; raise ImportFormatError when it is not one."""
    raw = read_csv_text(data, filename)
    missing = [name for name in HEADER if name not in raw.columns]
    if missing:
        raise ImportFormatError(
            f"{filename} is not an LA County SBAT export: column(s) {', '.join(missing)} missing"
        )
    text = raw.astype("str").fillna("")
    for optional in ("agency_name_secondary", "agency_phone", "agency_website"):
        if optional not in text.columns:
            text[optional] = ""
    address = text["agency_address"].str.replace("\xa0", " ").str.strip().str.extract(_ADDRESS_RE)
    address = address.fillna("")
    beds, unknown = _beds_of(text["available_beds"], raw.index)
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    col.NAME: text["agency_name"].str.strip(),
                    col.NAME2: text["agency_name_secondary"].str.strip(),
                    col.STREET: address["street"].str.strip(),
                    col.CITY: address["city"].str.strip(),
                    col.STATE: address["state"],
                    col.ZIP: address["zip"],
                    col.PHONE: text["agency_phone"].str.strip(),
                    col.WEBSITE: text["agency_website"].str.strip(),
                    col.AVAILABILITY_REPORTED_AT: pacific_times(text["last_updated"]),
                },
                index=raw.index,
            ),
            beds,
        ],
        axis=1,
    )
    # The export lists some agencies more than once: keep each one's latest listing.
    frame = _with_status(frame)
    latest = (
        frame.sort_values(["_reports_beds", col.AVAILABILITY_REPORTED_AT], kind="stable")
        .drop_duplicates([col.NAME, col.NAME2, col.STREET, col.ZIP], keep="last")
        .sort_index()
    )
    return SbatTable(frame=latest, unknown_levels=unknown, repeated=len(frame) - len(latest))


def _beds_of(cells: pd.Series, index: pd.Index) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return the open beds by level and sex of each row, and the levels not recognised."""
    rows = []
    unknown: dict[str, int] = {}
    for beds_text in cells:
        counts = parse_beds(beds_text)
        for level, _, _ in counts:
            if level not in (*DETOX_LEVELS, *RESIDENTIAL_LEVELS, *HOUSING_LEVELS):
                unknown[level] = unknown.get(level, 0) + 1
        detox, residential = (
            _level_beds(counts, DETOX_LEVELS),
            _level_beds(counts, RESIDENTIAL_LEVELS),
        )
        rows.append({
            col.BEDS_OPEN_DETOX_FEMALE: detox["female"], col.BEDS_OPEN_DETOX_MALE: detox["male"],
            col.BEDS_OPEN_RESIDENTIAL_FEMALE: residential["female"],
            col.BEDS_OPEN_RESIDENTIAL_MALE: residential["male"],
            col.BEDS_OPEN_YOUTH: _sum_known(detox["youth"], residential["youth"]),
        })  # fmt: skip
    beds = pd.DataFrame(rows, index=index).astype("Int64")
    beds[col.BEDS_OPEN_DETOX] = beds[col.BEDS_OPEN_DETOX_FEMALE] + beds[col.BEDS_OPEN_DETOX_MALE]
    beds[col.BEDS_OPEN_RESIDENTIAL] = (
        beds[col.BEDS_OPEN_RESIDENTIAL_FEMALE] + beds[col.BEDS_OPEN_RESIDENTIAL_MALE]
    )
    return beds, unknown


def _sum_known(*values: object) -> object:
    known = [int(value) for value in values if not pd.isna(value)]  # type: ignore[call-overload]
    return sum(known) if known else pd.NA


def _with_status(frame: pd.DataFrame) -> pd.DataFrame:
    beds = frame[[col.BEDS_OPEN_DETOX, col.BEDS_OPEN_RESIDENTIAL, col.BEDS_OPEN_YOUTH]]
    reports = beds.notna().any(axis=1)
    any_open = beds.fillna(0).gt(0).any(axis=1)
    status = np.select([reports & any_open, reports], ["openings", "no_openings"], "unknown")
    return frame.assign(
        **{
            col.AVAILABILITY_STATUS: pd.array(status, dtype="str"),
            col.AVAILABILITY_SOURCE: SOURCE,
            "_reports_beds": reports,
        }
    )


def pacific_times(text: pd.Series) -> pd.Series:
    """Parse "Last Updated: 8/13/2025 8:42:02 AM" (Pacific time) to UTC (NaT if unusable)."""
    moment = text.astype("str").str.strip().str.extract(_TIME_RE)[0]
    local = pd.to_datetime(moment, format="%m/%d/%Y %I:%M:%S %p", errors="coerce")
    # An hour that does not exist or occurs twice (DST change) is read as standard time.
    aware = local.dt.tz_localize(PACIFIC, ambiguous=False, nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")


def street_key(street: pd.Series, zips: pd.Series) -> pd.Series:
    """Return a folded "number street|zip" key ("426 San Pedro Street" -> "426 san pedro st")."""
    folded = street.astype("str").fillna("").str.casefold().str.replace(r"[^\w#]+", " ", regex=True)
    folded = folded.str.replace(_UNIT_RE, "", regex=True)
    words = folded.str.split().map(lambda parts: " ".join(_STREET_WORDS.get(w, w) for w in parts))
    return words + "|" + zips.astype("str").str.strip()


def _fold(names: pd.Series) -> pd.Series:
    folded = names.astype("str").fillna("").str.casefold()
    return folded.str.replace(r"[\W_]+", " ", regex=True).str.strip()


def _name_key(names: pd.Series, zips: pd.Series) -> pd.Series:
    return _fold(names) + "|" + zips.astype("str").str.strip()


def match_agencies(directory: pd.DataFrame, agencies: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Return each agency's directory facility_id ("" when unmatched) and why the rest failed.

    The one facility matcher decides (:mod:`matching.directory.matcher`: name, street and
    phone in the same ZIP or within half a mile); an agency alike more than one facility is
    left unmatched, and says so.
    """
    found = match_facilities(directory.reset_index(drop=True), agencies.reset_index(drop=True))
    ids = directory[col.FACILITY_ID].astype("str").to_numpy()
    matched = pd.Series(
        [ids[target] if target >= 0 else "" for target in found.target],
        index=agencies.index,
        dtype="str",
    )
    reasons = [
        f"{row[col.NAME]} ({row[col.NAME2]}), {row[col.STREET]}, {row[col.CITY]} {row[col.ZIP]}"
        + (" - alike more than one facility" if status == "ambiguous" else "")
        for (_, row), status in zip(agencies.iterrows(), found.status, strict=True)
        if status != "matched"
    ]
    return matched, reasons


def _unique_index(keys: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """Map each key that names exactly one facility to its id (empty names never match)."""
    ids = pd.Series(frame[col.FACILITY_ID].to_numpy(), index=keys.to_numpy())
    ids = ids[~ids.index.str.startswith("|") & ~ids.index.str.startswith(" |")]
    grouped = ids.groupby(level=0).agg(lambda values: values.unique().tolist())
    return grouped[grouped.map(len) == 1].map(lambda values: values[0])


def merge_sbat(directory: pd.DataFrame, data: bytes, filename: str) -> SbatMerge:
    """Apply an SBAT export's bed reports to ``directory`` (the input is not modified)."""
    parsed = read_sbat(data, filename)
    table = parsed.frame
    reporting = table[table["_reports_beds"]].reset_index(drop=True)
    ids, unmatched = match_agencies(directory, reporting)
    reports = reporting.assign(**{col.FACILITY_ID: ids})[ids != ""]
    columns = [col.FACILITY_ID, *col.AVAILABILITY_COLUMNS, *col.BEDS_BY_SEX_COLUMNS,
               col.BEDS_OPEN_YOUTH]  # fmt: skip
    merged = apply_reports(directory, reports[columns])
    return SbatMerge(
        frame=merged.frame,
        agencies=len(table),
        with_beds=len(reporting),
        report=merged.report,
        unmatched=unmatched,
        unknown_levels=parsed.unknown_levels,
    )


def import_sbat_directory(data: bytes, filename: str) -> ImportResult:
    """Import an SBAT export as a directory of its own, each agency at its ZIP's centre."""
    parsed = read_sbat(data, filename)
    table = parsed.frame.drop(columns="_reports_beds")
    centers = table[col.ZIP].map(lambda zip_code: zip_centroid(zip_code) or (0.0, 0.0))
    located = centers.map(lambda point: point != (0.0, 0.0))
    stamps = table[col.AVAILABILITY_REPORTED_AT]
    text = table.astype("str").where(table.notna(), "")
    text[col.AVAILABILITY_REPORTED_AT] = stamps.dt.strftime("%Y-%m-%dT%H:%M:%SZ").where(
        stamps.notna(), ""
    )
    text[col.LAT] = centers.map(lambda point: str(point[0]))
    text[col.LON] = centers.map(lambda point: str(point[1]))
    text[col.LOCATION_PRECISION] = np.where(located, "zip_centroid", "none")
    text[col.SOURCE] = SOURCE
    # A level listed at all says the facility offers that care; other services are unknown.
    services = pd.DataFrame(
        {
            "residential": table[col.BEDS_OPEN_RESIDENTIAL].notna().map({True: "true", False: ""}),
            "detox_residential": table[col.BEDS_OPEN_DETOX].notna().map({True: "true", False: ""}),
            "detox_any": table[col.BEDS_OPEN_DETOX].notna().map({True: "true", False: ""}),
        }
    )
    raw = Raw(pd.concat([text, services], axis=1), np.arange(1, len(table) + 1), None)
    report = ImportReport(format=FORMAT, source=filename, rows_read=len(table))
    frame = build_table(raw, FORMAT, filename, report, load_mapping())
    if parsed.unknown_levels:
        report.notes.append(
            "levels not known to ReadyBed (ignored): " + _levels_text(parsed.unknown_levels)
        )
    if parsed.repeated:
        report.notes.append(f"{parsed.repeated} repeated listings of an agency left out")
    report.notes.append(
        f"{int(located.sum())} agencies located at their ZIP's centre (distances are "
        "approximate until geocoded)"
    )
    return ImportResult(frame=frame, report=report)
