"""Call odds: which facility to call first, learned from the calls a team has logged.

For a need (detox, residential, outpatient) and a payer, :func:`estimate` gives every facility
the chance that the next call ends with a bed offered, in two steps:

1. **Programs like it.** A logistic regression over what the directory says of the facility
   (offers the level asked, takes the payer, an opioid treatment program, licensed capacity,
   a state listing "accepting new patients"), the need and payer asked, and when the call is
   made (weekday or weekend; business hours, evening or night), calibrated with
   ``CalibratedClassifierCV(method="sigmoid")``, fit on every logged call. With fewer than
   :data:`MIN_OUTCOMES` calls logged (or only one kind of outcome) nothing is fit: every
   facility starts from the same transparent prior, the share of logged calls that found a
   bed (:data:`PRIOR_BED_OFFERED` before any call), and the basis says so.
2. **Its own calls.** The facility's own outcomes, each weighted by its age (half-life
   :data:`HALF_LIFE_DAYS`), update that starting point as a Beta prior of strength
   :data:`PRIOR_CALLS`: ``p = (PRIOR_CALLS * p_like + beds_offered) / (PRIOR_CALLS + calls)``.
   A facility with two calls moves a little; one with twenty is mostly its own record.

It is an order to call in, never a fact about beds: a fresh call ("bed open 2 h ago") always
outranks any estimate (the app orders by it first), and a low estimate never hides a facility
or turns "not reported" into "no". It is shown as a band (:func:`band`), never a bare
percentage. scikit-learn is imported only when a model is fit, so searches never load it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.directory.call_terms import CALL_PAYERS, NEEDS, OUTCOMES
from matching.errors import QueryError

# The call log's file: one logged call a row (python -m matching calls export).
LOG_COLUMNS: Final = ("facility_id", "called_at", "need", "payer", "outcome")

# Logged outcomes needed (with at least MIN_EACH of each kind) before a model is fit.
MIN_OUTCOMES: Final = 30
MIN_EACH: Final = 5
# Before any call is logged: one call in four finds a bed. A placeholder, not a measurement:
# the basis says "no calls logged yet" wherever it is used.
PRIOR_BED_OFFERED: Final = 0.25
# How many calls' worth of weight the "programs like it" estimate carries against a facility's
# own record, and how fast that record ages.
PRIOR_CALLS: Final = 4.0
HALF_LIFE_DAYS: Final = 30.0
# Band edges: "likely" from 1 in 2, "unlikely" below 1 in 5.
LIKELY: Final = 0.5
UNLIKELY: Final = 0.2

# Which directory columns say a facility offers each need.
NEED_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "detox": col.DETOX_COLUMNS,
    "residential": ("residential",),
    "outpatient": ("outpatient", "intensive_outpatient"),
}
PAYER_COLUMNS: Final[dict[str, str | None]] = {
    "medicaid": "pay_medicaid",
    "medicare": "pay_medicare",
    "private": "pay_private",
    "self": "pay_self",
    "military": "pay_military",
    "state": "pay_state",
    "ihs": "pay_ihs",
    "none": None,
}


@dataclass(frozen=True)
class OddsReport:
    """Every facility's chance of a bed offered, and what the estimate rests on.

    ``frame``: ``facility_id, p_bed_offered, calls, basis`` for every facility of the
    directory, in its order. ``model``: whether a model was fit (else the prior). ``logged``:
    outcomes it learned from; ``facilities_called``: how many programs they went to.
    """

    frame: pd.DataFrame
    model: bool
    logged: int
    facilities_called: int
    # facility_id -> how many of its logged calls ended with a bed offered (its own record).
    offered: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """Say in one sentence what the estimate rests on."""
        if not self.model:
            return (
                f"Not enough calls logged to learn from ({self.logged} of {MIN_OUTCOMES} "
                "needed, with some that found a bed and some that did not): every program starts "
                "from the same prior, moved only by its own calls."
            )
        return (
            f"Learned from {self.logged} calls your team logged to {self.facilities_called} "
            "programs."
        )


def band(probability: float) -> str:
    """Return "likely", "maybe" or "unlikely" for a chance of a bed offered."""
    if probability >= LIKELY:
        return "likely"
    return "maybe" if probability >= UNLIKELY else "unlikely"


def band_text(probability: float, calls: int, report: OddsReport, offered: int = 0) -> str:
    """Return the band with what drove it, e.g. "likely (from 37 calls your team logged to 12
    programs; 3 to this one, 2 found a bed)"."""
    found = f", {offered} found a bed" if calls and offered else ", none found a bed"
    own = f"; {calls} to this one{found if calls else ''}" if calls else "; none to this one yet"
    if report.model:
        basis = (
            f"from {report.logged} calls your team logged to {report.facilities_called} programs"
        )
    elif report.logged:
        basis = f"too few calls logged to learn from ({report.logged})"
    else:
        basis = "no calls logged yet"
    return f"{band(probability)} ({basis}{own})"


# ------------------------------------------------------------------------------ the log file


def read_call_log(source: str | Path | bytes) -> pd.DataFrame:
    """Read a call log CSV (``LOG_COLUMNS``); QueryError naming each bad row and column."""
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    name = "the call log" if isinstance(source, bytes) else str(source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise QueryError(f"{name} is not UTF-8 text; export it again.") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    header = list(rows[0].keys()) if rows else next(csv.reader(io.StringIO(text)), [])
    missing = [name for name in LOG_COLUMNS if name not in header]
    if missing:
        raise QueryError(
            f"{name} has no column {', '.join(missing)}; it needs {', '.join(LOG_COLUMNS)} "
            "(python -m matching calls export writes one)."
        )
    problems = [p for number, row in enumerate(rows, start=2) for p in _row_problems(number, row)]
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if problems[5:] else ""
        )
        raise QueryError(f"{name}: {shown}.")
    frame = pd.DataFrame(rows, columns=list(LOG_COLUMNS)).astype("str")
    frame["called_at"] = pd.to_datetime(frame["called_at"], utc=False, format="ISO8601")
    return frame


def _row_problems(number: int, row: dict[str, str]) -> list[str]:
    found = []
    if not (row.get("facility_id") or "").strip():
        found.append(f"line {number}: facility_id is empty")
    for name, allowed in (("need", NEEDS), ("payer", CALL_PAYERS), ("outcome", OUTCOMES)):
        if row.get(name) not in allowed:
            found.append(
                f"line {number}: {name} {row.get(name)!r} is not one of {', '.join(allowed)}"
            )
    try:
        stamp = datetime.fromisoformat(row.get("called_at") or "")
    except ValueError:
        found.append(f"line {number}: called_at {row.get('called_at')!r} is not an ISO 8601 time")
    else:
        if stamp.utcoffset() is None:
            found.append(f"line {number}: called_at {row['called_at']!r} has no UTC offset")
    return found


def write_call_log(frame: pd.DataFrame) -> str:
    """Return a call log frame as CSV text, ``called_at`` in ISO 8601 with its offset."""
    out = frame[list(LOG_COLUMNS)].copy()
    out["called_at"] = [
        pd.Timestamp(stamp).isoformat(timespec="seconds") for stamp in out["called_at"]
    ]
    return out.to_csv(index=False, lineterminator="\n")


# ------------------------------------------------------------------------------ the estimate


def estimate(
    directory: pd.DataFrame,
    calls: pd.DataFrame,
    *,
    need: str,
    payer: str,
    at: datetime,
    only: Sequence[str] | None = None,
    like: np.ndarray | None = None,
) -> OddsReport:
    """Return every facility's chance that a call at ``at`` for ``need`` and ``payer`` ends
    with a bed offered (see the module docstring); only for the ids ``only`` when given (the
    model still learns from the calls to every facility of ``directory``).

    ``like`` is :func:`programs_like_it` of the same directory, need, payer and time, fit on
    an earlier state of the same log, to reuse instead of fitting again (the app refits only
    when the log has grown by a tenth: one more call hardly moves a regression over 30 or
    more, while each facility's own record below always counts every call).
    """
    _check_request(need, payer, at)
    calls = _known_calls(directory, calls)
    offered = (calls["outcome"] == "bed_offered").to_numpy()
    every_id = pd.Index(directory[col.FACILITY_ID].astype("str"))
    rows = np.arange(len(directory))
    if only is not None:
        # Positions by hash lookup, in the directory's order: isin on 12k Arrow strings is slow.
        at_rows = every_id.unique().get_indexer([str(facility_id) for facility_id in only])
        rows = np.unique(at_rows[at_rows >= 0])
    ids = every_id.to_numpy()[rows]
    if not _enough(offered):
        like, fitted = np.full(len(rows), _prior_rate(offered)), False
    elif like is not None and len(like) == len(directory):
        like, fitted = like[rows], True
    else:
        scored = directory if only is None else directory.iloc[rows]
        like, fitted = (
            _like_it(directory, scored, calls, offered, need=need, payer=payer, at=at),
            True,
        )
    weights = _decay(calls["called_at"], at)
    own_calls = pd.Series(weights).groupby(calls["facility_id"].to_numpy()).sum()
    own_beds = pd.Series(weights * offered).groupby(calls["facility_id"].to_numpy()).sum()
    n = own_calls.reindex(ids, fill_value=0.0).to_numpy()
    s = own_beds.reindex(ids, fill_value=0.0).to_numpy()
    p = (PRIOR_CALLS * like + s) / (PRIOR_CALLS + n)
    counts = calls["facility_id"].value_counts().reindex(ids, fill_value=0).to_numpy()
    basis = np.where(
        counts > 0,
        "model + its calls" if fitted else "prior + its calls",
        "model" if fitted else "prior",
    )
    frame = pd.DataFrame(
        {
            "facility_id": ids,
            "p_bed_offered": np.round(p, 4),
            "calls": counts.astype("int64"),
            "basis": basis,
        }
    )
    beds = calls.loc[offered, "facility_id"].value_counts()
    return OddsReport(
        frame=frame,
        model=fitted,
        logged=len(calls),
        facilities_called=int(calls["facility_id"].nunique()),
        offered={str(key): int(value) for key, value in beds.items()},
    )


def programs_like_it(
    directory: pd.DataFrame, calls: pd.DataFrame, *, need: str, payer: str, at: datetime
) -> np.ndarray | None:
    """Return the fitted "programs like it" chance of every facility of ``directory`` (in its
    order), for :func:`estimate`'s ``like``; None when too few outcomes are logged to fit."""
    _check_request(need, payer, at)
    calls = _known_calls(directory, calls)
    offered = (calls["outcome"] == "bed_offered").to_numpy()
    if not _enough(offered):
        return None
    return _like_it(directory, directory, calls, offered, need=need, payer=payer, at=at)


def _check_request(need: str, payer: str, at: datetime) -> None:
    if need not in NEEDS:
        raise QueryError(f"need {need!r} is not one of {', '.join(NEEDS)}")
    if payer not in CALL_PAYERS:
        raise QueryError(f"payer {payer!r} is not one of {', '.join(CALL_PAYERS)}")
    if at.utcoffset() is None:
        raise QueryError("the time to estimate for must include its UTC offset")


def _known_calls(directory: pd.DataFrame, calls: pd.DataFrame) -> pd.DataFrame:
    """Return the calls to facilities of ``directory`` (the others cannot be placed)."""
    # A hash lookup in the directory's ids: a set of 12k Arrow strings cost ~40 ms.
    known = pd.Index(directory[col.FACILITY_ID]).unique().get_indexer(calls["facility_id"]) >= 0
    return calls[known]


def _like_it(
    directory: pd.DataFrame,
    scored: pd.DataFrame,
    calls: pd.DataFrame,
    offered: np.ndarray,
    *,
    need: str,
    payer: str,
    at: datetime,
) -> np.ndarray:
    """Return the "programs like it" chance for each ``scored`` facility from a model fit on
    the calls to every facility of ``directory`` (there are enough: :func:`_enough`)."""
    rows = len(scored)
    position = pd.Series(np.arange(len(directory)), index=directory[col.FACILITY_ID].astype("str"))
    at_rows = position.reindex(calls["facility_id"]).to_numpy()
    train = features(
        directory.iloc[at_rows],
        calls["need"].to_numpy(),
        calls["payer"].to_numpy(),
        calls["called_at"],
    )
    model = _fit(train, offered)
    now = pd.Series([pd.Timestamp(at)] * rows)
    ask = features(scored, np.full(rows, need), np.full(rows, payer), now)
    chance: np.ndarray = model.predict_proba(ask)[:, 1]
    return chance


def _prior_rate(offered: np.ndarray) -> float:
    """Return the one chance every facility starts from when too few calls are logged."""
    found = offered.sum() + PRIOR_BED_OFFERED * PRIOR_CALLS
    return float(found / (len(offered) + PRIOR_CALLS))


def _enough(offered: np.ndarray) -> bool:
    found = int(offered.sum())
    return len(offered) >= MIN_OUTCOMES and min(found, len(offered) - found) >= MIN_EACH


def _fit(train: np.ndarray, offered: np.ndarray):  # -> CalibratedClassifierCV
    # Imported here: only an estimate with enough calls pays for scikit-learn.
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    minority = int(min(offered.sum(), len(offered) - offered.sum()))
    model = CalibratedClassifierCV(
        LogisticRegression(C=1.0, max_iter=1000), method="sigmoid", cv=min(3, minority)
    )
    return model.fit(train, offered.astype("int8"))


FEATURE_NAMES: Final = (
    "offers the level asked",
    "level not recorded",
    "takes the payer",
    "payer not recorded",
    "opioid treatment program",
    "licensed capacity (log)",
    "state listing: accepting new patients",
    *(f"asked for {need}" for need in NEEDS),
    *(f"payer {payer}" for payer in CALL_PAYERS),
    "weekend",
    "evening (17-21 h)",
    "night (21-8 h)",
)


def features(
    facilities: pd.DataFrame, needs: np.ndarray, payers: np.ndarray, when: pd.Series
) -> np.ndarray:
    """Return the model's inputs (FEATURE_NAMES) for calls to ``facilities`` (one row each)."""
    rows = len(facilities)
    offers, level_unknown = np.zeros(rows), np.zeros(rows)
    for need in NEEDS:
        asked = needs == need
        yes, unknown = _any_yes(facilities, NEED_COLUMNS[need])
        offers = np.where(asked, yes, offers)
        level_unknown = np.where(asked, unknown, level_unknown)
    takes, payer_unknown = np.zeros(rows), np.zeros(rows)
    for payer, column in PAYER_COLUMNS.items():
        asked = payers == payer
        yes, unknown = _any_yes(facilities, (column,) if column else ("sliding_fee",))
        takes = np.where(asked, yes, takes)
        payer_unknown = np.where(asked, unknown, payer_unknown)
    licensed = facilities.get(col.LICENSED_BEDS)
    beds = (
        pd.to_numeric(licensed, errors="coerce").astype("float64").to_numpy()
        if licensed is not None
        else np.zeros(rows)
    )
    capacity = np.log1p(np.nan_to_num(beds, nan=0.0))
    local = [pd.Timestamp(stamp) for stamp in when]
    hours = np.array([stamp.hour for stamp in local])
    weekend = np.array([stamp.weekday() >= 5 for stamp in local], dtype="float64")
    columns = [
        offers,
        level_unknown,
        takes,
        payer_unknown,
        _any_yes(facilities, ("otp_certified",))[0],
        capacity,
        _any_yes(facilities, (col.ACCEPTING_NEW_PATIENTS,))[0],
        *((needs == need).astype("float64") for need in NEEDS),
        *((payers == payer).astype("float64") for payer in CALL_PAYERS),
        weekend,
        ((hours >= 17) & (hours < 21)).astype("float64"),
        ((hours >= 21) | (hours < 8)).astype("float64"),
    ]
    return np.column_stack(columns).astype("float64")


def _any_yes(facilities: pd.DataFrame, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return (any column says yes, none says and all are unknown) as 0/1 arrays."""
    rows = len(facilities)
    yes, unknown = np.zeros(rows, dtype=bool), np.ones(rows, dtype=bool)
    for name in names:
        if name not in facilities.columns:
            continue
        values = facilities[name].astype("boolean")
        yes |= values.fillna(False).to_numpy(dtype=bool)
        unknown &= values.isna().to_numpy(dtype=bool)
    return yes.astype("float64"), (unknown & ~yes).astype("float64")


def _decay(stamps: pd.Series, at: datetime) -> np.ndarray:
    """Return each call's weight: 1 now, halving every HALF_LIFE_DAYS; calls after ``at`` 0."""
    if stamps.empty:
        return np.zeros(0)
    moment = pd.Timestamp(at)
    days = np.array([(moment - pd.Timestamp(stamp)).total_seconds() / 86_400 for stamp in stamps])
    return np.where(days >= 0, np.power(0.5, np.maximum(days, 0) / HALF_LIFE_DAYS), 0.0)


def brier(predicted: np.ndarray, happened: np.ndarray) -> float:
    """Return the Brier score (mean squared error of the chances; lower is better)."""
    return float(np.mean((np.asarray(predicted) - np.asarray(happened, dtype="float64")) ** 2))


def reliability(predicted: np.ndarray, happened: np.ndarray, bins: int = 10) -> pd.DataFrame:
    """Return, per band of predicted chance, the mean prediction, the observed rate and count."""
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(predicted, edges[1:-1]), 0, bins - 1)
    frame = pd.DataFrame({"bin": which, "predicted": predicted, "observed": happened})
    table = frame.groupby("bin").agg(
        predicted=("predicted", "mean"), observed=("observed", "mean"), calls=("observed", "size")
    )
    return table.reset_index(drop=True)
