"""A documented simulation of call outcomes with a known truth, to evaluate call odds.

No practice has shared real call logs yet, so :mod:`matching.search.callodds` is evaluated
(``benchmarks/bench_call_odds.py``, the notebook, ``tests/test_callodds.py``) on calls whose
outcome is drawn from a chance this module knows exactly. Every figure from it is a figure
about this simulation, and says so.

The truth, for a call to facility *f* asking for need *n* with payer *y* at local time *t*:

1. **Someone answers** with probability 0.9 in business hours (8-17 h on a weekday), 0.6 in
   the evening (17-21 h) or on a weekend day, 0.3 at night. Otherwise: ``no_answer``.
2. **The payer.** If the directory says *f* does not take *y*: ``not_accepted``.
3. **A bed** is offered with probability ``sigmoid(effect_f + level + payer + need)``:
   ``effect_f ~ Normal(-1, 1)`` is the facility's own turnover (what only its calls reveal);
   ``level`` is +1 where the directory says *f* offers *n*, -2 where it says it does not, 0
   where it does not say; +0.2 x log(1 + licensed beds); +0.5 when a state listing says it
   is accepting new patients; ``payer`` is private +0.2, self +0.4, Medicaid -0.3, none -0.8,
   others 0; ``need`` is detox -0.3, residential 0, outpatient +0.8.
4. Otherwise ``waitlist`` (one time in three) or ``no_bed``.

A team calls the programs near its families: each simulation draws a pool of facilities and
calls them with uneven frequency (a few often, most rarely).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.search.callodds import NEED_COLUMNS, PAYER_COLUMNS, estimate

ANSWER: Final[dict[str, float]] = {"business": 0.9, "evening": 0.6, "night": 0.3}
PAYER_EFFECT: Final[dict[str, float]] = {
    "private": 0.2,
    "self": 0.4,
    "medicaid": -0.3,
    "none": -0.8,
}
NEED_EFFECT: Final[dict[str, float]] = {"detox": -0.3, "residential": 0.0, "outpatient": 0.8}
NEED_SHARE: Final[dict[str, float]] = {"detox": 0.45, "residential": 0.4, "outpatient": 0.15}
PAYER_SHARE: Final[dict[str, float]] = {
    "medicaid": 0.45,
    "private": 0.3,
    "self": 0.1,
    "medicare": 0.05,
    "military": 0.05,
    "none": 0.05,
}
# The simulated team's clock: US Eastern standard time, as an offset (ISO 8601 with offset).
TEAM_ZONE: Final = timezone(timedelta(hours=-5))


@dataclass(frozen=True)
class World:
    """The simulated facilities: the directory's rows in the team's pool, and their effects."""

    directory: pd.DataFrame
    effect: pd.Series  # facility_id -> its own turnover (logit scale)
    popularity: np.ndarray  # how often the team calls each pool facility (sums to 1)

    @property
    def base(self) -> np.ndarray:
        """Return each pool facility's call-independent part of the truth (see _base)."""
        return _base(self.directory)

    def position(self, facility_ids: np.ndarray) -> np.ndarray:
        """Return the pool rows of ``facility_ids``."""
        rows = pd.Series(np.arange(len(self.directory)), index=self.directory[col.FACILITY_ID])
        return rows.loc[facility_ids].to_numpy()


def make_world(directory: pd.DataFrame, *, pool: int = 150, seed: int = 0) -> World:
    """Draw a team's pool of ``pool`` facilities from ``directory`` with their hidden effects."""
    rng = np.random.default_rng(seed)
    chosen = directory.iloc[
        rng.choice(len(directory), size=min(pool, len(directory)), replace=False)
    ]
    chosen = chosen.reset_index(drop=True)
    effect = pd.Series(rng.normal(-1.0, 1.0, len(chosen)), index=chosen[col.FACILITY_ID])
    weights = 1.0 / np.arange(1, len(chosen) + 1) ** 0.8
    return World(directory=chosen, effect=effect, popularity=weights / weights.sum())


def time_of_day(when: datetime) -> str:
    """Return "business", "evening" or "night" for a local time (weekends are "evening")."""
    if when.hour >= 21 or when.hour < 8:
        return "night"
    if when.weekday() >= 5 or when.hour >= 17:
        return "evening"
    return "business"


def true_chance(
    world: World, facility_ids: np.ndarray, needs: np.ndarray, payers: np.ndarray, when: list
) -> np.ndarray:
    """Return the true chance that each call ends with a bed offered (steps 1-3 above)."""
    at = world.position(facility_ids)
    answer = np.array([ANSWER[time_of_day(moment)] for moment in when])
    accepted = np.ones(len(at))
    logit = world.effect.to_numpy()[at] + world.base[at]
    for payer in set(payers.tolist()):
        asked = payers == payer
        takes = _says(world.directory, PAYER_COLUMNS[payer])[at]
        accepted = np.where(asked & (takes == 0), 0.0, accepted)
        logit = logit + asked * PAYER_EFFECT.get(payer, 0.0)
    for need in set(needs.tolist()):
        asked = needs == need
        logit = logit + asked * (_level(world.directory, need)[at] + NEED_EFFECT[need])
    return answer * accepted / (1.0 + np.exp(-logit))


def _says(rows: pd.DataFrame, column: str | None) -> np.ndarray:
    """Return 1 (yes), 0 (no) or -1 (not said) for a column; -1 throughout for None."""
    if column is None or column not in rows.columns:
        return np.full(len(rows), -1)
    values = rows[column].astype("boolean")
    return np.where(values.isna(), -1, values.fillna(False).astype("int8")).astype("int64")


def _level(rows: pd.DataFrame, need: str) -> np.ndarray:
    """Return +1 where the directory says a facility offers ``need``, -2 where it says it does
    not, 0 where it does not say."""
    offers = np.full(len(rows), -1)
    for name in NEED_COLUMNS[need]:
        said = _says(rows, name)
        offers = np.where(said == 1, 1, np.where((said == 0) & (offers == -1), 0, offers))
    return np.select([offers == 1, offers == 0], [1.0, -2.0], default=0.0)


def _base(rows: pd.DataFrame) -> np.ndarray:
    """Return the part of the truth that does not depend on the call: capacity, listing."""
    beds = rows.get(col.LICENSED_BEDS)
    licensed = (
        pd.to_numeric(beds, errors="coerce").astype("float64").to_numpy()
        if beds is not None
        else np.zeros(len(rows))
    )
    accepting = 0.5 * (_says(rows, col.ACCEPTING_NEW_PATIENTS) == 1)
    return 0.2 * np.log1p(np.nan_to_num(licensed, nan=0.0)) + accepting


def simulate_calls(
    world: World, *, calls: int, start: datetime, days: float, seed: int = 1
) -> pd.DataFrame:
    """Return ``calls`` simulated calls (the call-log columns) plus ``p_true``, in time order."""
    rng = np.random.default_rng(seed)
    ids = world.directory[col.FACILITY_ID].to_numpy()
    facility = rng.choice(ids, size=calls, p=world.popularity)
    needs = rng.choice(list(NEED_SHARE), size=calls, p=list(NEED_SHARE.values()))
    payers = rng.choice(list(PAYER_SHARE), size=calls, p=list(PAYER_SHARE.values()))
    midnight = start.astimezone(TEAM_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    day = np.sort(rng.integers(0, max(int(days), 1), size=calls))
    hour = rng.choice(np.arange(24), size=calls, p=_hour_weights())
    minute = rng.integers(0, 60, size=calls)
    moments = [
        midnight + timedelta(days=int(d), hours=int(h), minutes=int(m))
        for d, h, m in zip(day, hour, minute, strict=True)
    ]
    truth = true_chance(world, facility, needs, payers, moments)
    outcomes = _draw(rng, world, facility, needs, payers, moments, truth)
    return pd.DataFrame(
        {
            "facility_id": facility,
            "called_at": moments,
            "need": needs,
            "payer": payers,
            "outcome": outcomes,
            "p_true": truth,
        }
    )


def _hour_weights() -> np.ndarray:
    weights = np.array([0.2] * 8 + [3.0] * 9 + [1.2] * 4 + [0.4] * 3)
    return weights / weights.sum()


def _draw(
    rng: np.random.Generator,
    world: World,
    facility: np.ndarray,
    needs: np.ndarray,
    payers: np.ndarray,
    moments: list,
    truth: np.ndarray,
) -> np.ndarray:
    """Draw each call's outcome by the truth of the module docstring."""
    answer = np.array([ANSWER[time_of_day(moment)] for moment in moments])
    at = world.position(facility)
    refused = np.zeros(len(at), dtype=bool)
    for payer in set(payers.tolist()):
        refused |= (payers == payer) & (_says(world.directory, PAYER_COLUMNS[payer])[at] == 0)
    # The bed's chance given an answer and an accepted payer.
    bed = np.divide(truth, answer, out=np.zeros(len(at)), where=~refused)
    draw = rng.random((3, len(at)))
    return np.select(
        [draw[0] >= answer, refused, draw[1] < bed, draw[2] < 1 / 3],
        ["no_answer", "not_accepted", "bed_offered", "waitlist"],
        default="no_bed",
    )


def estimates_for(world: World, train: pd.DataFrame, test: pd.DataFrame) -> np.ndarray:
    """Return the estimate, learned from ``train``, for each call of ``test`` (one fit per
    need, payer, day and time of day): what the benchmark and the tests judge."""
    found, cache = np.zeros(len(test)), {}
    for position, call in enumerate(test.itertuples()):
        key = (call.need, call.payer, call.called_at.date(), time_of_day(call.called_at))
        if key not in cache:
            report = estimate(
                world.directory, train, need=call.need, payer=call.payer, at=call.called_at
            )
            cache[key] = report.frame.set_index("facility_id")["p_bed_offered"]
        found[position] = cache[key][call.facility_id]
    return found
