"""Import facility listings (SAMHSA exports, the 2015 directory, other CSVs) as the canonical table.

One small reader per format turns a file into *raw columns* (canonical names, text) plus the
service keys each row lists; the shared steps then clean addresses, apply the one mapping file
(:mod:`matching.directory.service_codes`), build ids, reject unusable rows and validate the result.

Rules (documented for users in ``data/README.md``):

- A row whose own data breaks the table's schema (:data:`matching.directory.schema.FIELDS`:
  no name, a coordinate that is not a number or out of range, one coordinate of the pair
  without the other, a state that is not two letters, a ZIP that is not 5 digits, a bed count
  outside 0..10,000, a repeated explicit id, ...) is *rejected*: it is left out, the report
  lists its row number and reason, and the other rows are imported. An empty coordinate pair
  means "location unknown" (0,0), not a rejection.
- A file that cannot be read at all (empty, damaged, wrong format, required columns missing,
  undecodable bytes, a line over :data:`MAX_LINE_BYTES`) or where no row survives raises
  :class:`~matching.errors.ImportFormatError` / :class:`~matching.errors.FacilityDataError`.
- Codes and names that are not in the mapping file are counted in ``report.unmapped``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.schema import (
    check_rows,
    coerce_directory,
    describe,
    validate_directory,
)
from matching.directory.service_codes import (
    MAPPABLE_FLAG_COLUMNS,
    MAPPED_TEXT_COLUMNS,
    ServiceMapping,
    normalize_code,
    normalize_name,
)
from matching.errors import FacilityDataError, Problem
from matching.ingest.generic_csv import GENERIC_PASSTHROUGH
from matching.ingest.report import ImportReport, Raw
from matching.ingest.text import parse_report_times


def build_table(
    raw: Raw, fmt: str, filename: str, report: ImportReport, mapping: ServiceMapping
) -> pd.DataFrame:
    table = _clean_text(raw.table)
    table = table.assign(**_coordinates_as_text(table))
    if col.AVAILABILITY_STATUS in table.columns:
        status = table[col.AVAILABILITY_STATUS]
        table[col.AVAILABILITY_STATUS] = status.where(status != "", "unknown")
    flags = _service_flags(raw, mapping, report)
    reasons = _row_problems(table)
    if raw.problems is not None:
        extra = raw.problems.to_numpy()
        reasons = reasons.where(extra == "", reasons.where(reasons == "", reasons + "; ") + extra)
    keep = reasons.eq("").to_numpy()
    report.record_rejected(raw.row_numbers, reasons)
    if not keep.any():
        shown = len(report.rejected)
        raise FacilityDataError(
            f"No row of {filename} could be imported ({report.rejected_count:,} rows rejected"
            + (f"; the first {shown} are listed)" if shown < report.rejected_count else ")"),
            [Problem(row, "", None, reason) for row, reason in report.rejected],
        )
    table = table[keep].reset_index(drop=True)
    table = table.assign(**{name: pd.to_numeric(table[name]) for name in (col.LAT, col.LON)})
    if flags is not None:
        table = table.join(flags[keep].reset_index(drop=True))
    table = _assign_ids(table, report)
    table[col.SOURCE] = (
        table[col.SOURCE].where(table[col.SOURCE] != "", f"{fmt}:{filename}")
        if col.SOURCE in table.columns
        else f"{fmt}:{filename}"
    )
    # Rows without coordinates are reported by the locating step (matching.ingest.locate).
    table = coerce_directory(table.drop(columns=[c for c in ("street2",) if c in table.columns]))
    report.rows_imported = len(table)
    return validate_directory(_add_services_text(table))


def _clean_text(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for name in out.columns:
        if name in (col.LAT, col.LON) or name in GENERIC_PASSTHROUGH:
            continue
        out[name] = out[name].astype("str").fillna("").str.strip()
    if "street2" in out.columns:
        out[col.STREET] = join_text(out.get(col.STREET, ""), out["street2"])
    out[col.STATE] = out[col.STATE].str.upper()
    out[col.ZIP] = _normalize_zip(out[col.ZIP])
    return out


def _normalize_zip(zips: pd.Series) -> pd.Series:
    """'2108' -> '02108'; '02108-1234' and '021081234' -> '02108'; '2108.0' -> '02108'."""
    text = zips.str.replace(r"\.0$", "", regex=True)
    short = text.str.extract(r"^(\d{3,5})(?:-\d{4})?$")[0]
    zip9 = text.str.extract(r"^(\d{5})\d{4}$")[0]
    return short.str.zfill(5).fillna(zip9).fillna(zips)


def join_text(*parts: Any, sep: str = ", ") -> pd.Series:
    series = [p.astype("str").fillna("").str.strip() for p in parts if isinstance(p, pd.Series)]
    joined = series[0]
    for part in series[1:]:
        joined = joined.where(part == "", joined + sep + part).where(joined != "", part)
    return joined


def _coordinates_as_text(table: pd.DataFrame) -> dict[str, pd.Series]:
    """Return lat and lon as stripped text; an empty pair becomes 0,0 (location unknown)."""
    text = {name: table[name].astype("str").fillna("").str.strip() for name in (col.LAT, col.LON)}
    neither = (text[col.LAT] == "") & (text[col.LON] == "")
    return {name: values.where(~neither, "0") for name, values in text.items()}


def _row_problems(table: pd.DataFrame) -> pd.Series:
    """Return one reason per row ('' = fine), naming the column and value.

    The reasons are the schema's (:func:`~matching.directory.schema.check_rows`) plus report
    times that parse but cannot be true (before 1990, in the future).
    """
    # A row without an id is fine: it gets one from its name, street and ZIP (_assign_ids).
    problems = [p for p in check_rows(table) if p.code != f"{col.FACILITY_ID}_empty"]
    if col.AVAILABILITY_REPORTED_AT in table.columns:
        problems += _implausible_times(
            table, {p.row for p in problems if p.column == col.AVAILABILITY_REPORTED_AT}
        )
    reasons = [""] * len(table)
    for problem in sorted(problems, key=lambda problem: problem.row or 0):
        position = (problem.row or 1) - 1
        reason = describe(problem)
        if problem.code == f"{col.FACILITY_ID}_duplicate":
            reason += "; later copies are left out"
        reasons[position] = f"{reasons[position]}; {reason}" if reasons[position] else reason
    return pd.Series(reasons, index=table.index, dtype="str")


def _implausible_times(table: pd.DataFrame, flagged: set[int | None]) -> list[Problem]:
    text = table[col.AVAILABILITY_REPORTED_AT].astype("str").fillna("")
    times = parse_report_times(text)
    return [
        Problem(int(i) + 1, col.AVAILABILITY_REPORTED_AT, text.iloc[i], times["problem"].iloc[i])
        for i in (times["problem"] != "").to_numpy().nonzero()[0]
        if int(i) + 1 not in flagged
    ]


def _assign_ids(table: pd.DataFrame, report: ImportReport) -> pd.DataFrame:
    """Keep explicit ids; hash name+street+zip for the rest, suffixing repeats -2, -3, ..."""
    explicit = table.get(col.FACILITY_ID, pd.Series("", index=table.index, dtype="str"))
    basis = (
        _fold(table[col.NAME])
        + "|"
        + _fold(table.get(col.STREET, pd.Series("", index=table.index)))
        + "|"
        + table[col.ZIP]
    )
    hashed = basis.map(lambda text: hashlib.sha1(text.encode("utf-8")).hexdigest()[:16])
    ids = explicit.where(explicit != "", hashed)
    order = ids.groupby(ids).cumcount()
    repeats = int((order > 0).sum())
    if repeats:
        report.notes.append(
            f"{repeats} row(s) repeat the name, street and ZIP of an earlier row; "
            "their ids end in -2, -3, ..."
        )
    return table.assign(
        **{col.FACILITY_ID: ids.where(order == 0, ids + "-" + (order + 1).astype("str"))}
    )


def _fold(text: pd.Series) -> pd.Series:
    return text.astype("str").str.casefold().str.replace(r"[\W_]+", " ", regex=True).str.strip()


def _service_flags(raw: Raw, mapping: ServiceMapping, report: ImportReport) -> pd.DataFrame | None:
    """Turn each row's listed keys into flags and label lists (NA where the source cannot say).

    A flag is True where the row lists a key that sets it; False where the row lists services
    and the source's vocabulary defines the flag; unknown (NA) on a row that lists nothing,
    and on every row for a flag the vocabulary cannot deny ("unknown is not no").
    """
    if raw.keys is None:
        return None
    n_rows = len(raw.table)
    keys = raw.keys
    mapped = _mapped_columns(keys, mapping, report)
    positions = keys["position"].to_numpy(dtype=int)
    key_codes, _ = pd.factorize(keys["kind"] + ":" + keys["key"])
    columns_of = pd.Series(mapped.to_numpy(), index=key_codes).groupby(level=0).first()
    matrix = np.zeros((n_rows, len(MAPPABLE_FLAG_COLUMNS)), dtype=bool)
    for j, name in enumerate(MAPPABLE_FLAG_COLUMNS):
        setting = [i for i, cols in columns_of.items() if isinstance(cols, tuple) and name in cols]
        if setting:
            matrix[positions[np.isin(key_codes, setting)], j] = True
    flags = pd.DataFrame(matrix, columns=list(MAPPABLE_FLAG_COLUMNS))
    listed = np.zeros(n_rows, dtype=bool)
    listed[positions] = True
    result = flags.astype("boolean")
    result[~listed] = pd.NA
    _unanswered_groups(result, keys, raw.answered_groups, mapping)
    _unanswered_categories(result)
    answerable = mapping.answerable_columns(raw.vocabulary)
    silent = [name for name in MAPPABLE_FLAG_COLUMNS if name not in answerable]
    for name in silent:
        result[name] = result[name].where(result[name].fillna(False), pd.NA)
    if silent and raw.vocabulary is not None:
        report.notes.append(
            f"the source's code list cannot say 'not offered' for {len(silent)} column(s) "
            f"({', '.join(silent[:8])}{', ...' if len(silent) > 8 else ''}): they are "
            "unknown unless a row lists them"
        )
    return result.join(_label_lists(keys, mapped, mapping, n_rows))


def _unanswered_categories(flags: pd.DataFrame) -> None:
    """Set a category's columns unknown (in place) on rows that list nothing of it.

    A row denies a service only where it lists at least one code of that service's category
    (``columns.DENIAL_GROUPS``): a row that lists only its ownership and smoking policy says
    nothing about detox, levels of care or medication.
    """
    for group in col.DENIAL_GROUPS:
        present = [name for name in group if name in flags.columns]
        if not present:
            continue
        answered = flags[present].fillna(False).to_numpy(dtype=bool).any(axis=1)
        flags.loc[~answered, present] = pd.NA


def _unanswered_groups(
    flags: pd.DataFrame,
    keys: pd.DataFrame,
    groups: tuple[frozenset[str], ...],
    mapping: ServiceMapping,
) -> None:
    """Set a group's columns unknown (in place) on rows that list no key of the group.

    A group holds codes or service names (matched as the mapping matches them).
    """
    if not groups:
        return
    folded = keys["key"].str.upper().to_numpy(dtype=object)
    is_name = (keys["kind"] == "name").to_numpy()
    if is_name.any():
        folded[is_name] = keys.loc[is_name, "key"].map(normalize_name).to_numpy(dtype=object)
    positions = keys["position"].to_numpy(dtype=int)
    for group in groups:
        members = {normalize_code(k) for k in group} | {normalize_name(k) for k in group}
        answered = np.zeros(len(flags), dtype=bool)
        answered[positions[np.isin(folded, list(members))]] = True
        columns = {
            column
            for key in group
            for column in (mapping.columns_for_code(key) or mapping.columns_for_name(key) or ())
        }
        for name in sorted(columns & set(flags.columns)):
            flags.loc[~answered, name] = pd.NA


def _mapped_columns(keys: pd.DataFrame, mapping: ServiceMapping, report: ImportReport) -> pd.Series:
    """Return the columns each listed key sets (NaN = unmapped), counting unmapped keys."""
    lookups = {"code": mapping.columns_for_code, "name": mapping.columns_for_name}
    mapped = pd.Series(None, index=keys.index, dtype=object)
    for kind, lookup in lookups.items():
        of_kind = keys["kind"] == kind
        distinct = keys.loc[of_kind, "key"].unique()
        mapped[of_kind] = keys.loc[of_kind, "key"].map({key: lookup(key) for key in distinct})
    unknown = keys[mapped.isna().to_numpy()]
    placement = unknown["placement"].astype(bool)
    other = unknown[~placement]
    if len(other):
        report.notes.append(
            f"{other['key'].nunique()} other service names ({len(other)} mentions: "
            "therapies, languages, age groups, ...) are not in the mapping and not used "
            "for matching"
        )
    report.unmapped.update(unknown[placement]["key"].value_counts().to_dict())
    return mapped


def _label_lists(
    keys: pd.DataFrame, mapped: pd.Series, mapping: ServiceMapping, n_rows: int
) -> pd.DataFrame:
    """Return the "; "-joined labels of the keys that feed each text column, in listed order."""
    listed = keys["kind"] + ":" + keys["key"]
    distinct = pd.DataFrame({"listed": listed, "columns": mapped}).drop_duplicates("listed")
    out = {}
    for name in MAPPED_TEXT_COLUMNS:
        label_of = {
            text: _label(mapping, text)
            for text, columns in zip(distinct["listed"], distinct["columns"], strict=True)
            if isinstance(columns, tuple) and name in columns
        }
        chosen = listed.isin(label_of.keys()).to_numpy()
        labels = pd.Series(
            listed[chosen].map(label_of).to_numpy(),
            index=keys.loc[chosen, "position"].to_numpy(),
            dtype="str",
        )
        joined = labels.groupby(level=0).agg(lambda values: "; ".join(dict.fromkeys(values)))
        out[name] = joined.reindex(range(n_rows), fill_value="").astype("str")
    return pd.DataFrame(out)


def _label(mapping: ServiceMapping, listed: str) -> str:
    kind, key = listed.split(":", 1)
    folded = normalize_code(key) if kind == "code" else normalize_name(key)
    return mapping.labels.get(f"{kind}:{folded}", key)


def _add_services_text(table: pd.DataFrame) -> pd.DataFrame:
    """Add the plain-words list of the services each row offers (for the detail view)."""
    text = pd.Series("", index=table.index, dtype="str")
    for name in col.SERVICE_COLUMNS:
        if name not in table.columns:
            continue
        offered = table[name].fillna(False).to_numpy(dtype=bool)
        label = col.SERVICE_LABELS[name]
        text = text.where(~offered, text.where(text == "", text + "; ") + label)
    return table.assign(**{col.SERVICES: text})
