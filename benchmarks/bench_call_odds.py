"""Call odds on a simulation with a known truth: how good the estimate is, and how many calls
it saves.

No real call logs exist yet, so every figure here is about ``matching.search.callsim`` (its
docstring gives the truth: facility effects, payer, level of care, time of day). A team's pool
of 150 programs from the shipped directory is called for 240 days; the estimate is fit on the
first N calls and judged on the next 600:

- Brier score (lower is better) of the estimate, of the no-learning baseline (the share of
  logged calls that found a bed, the same for every program) and of the truth itself (the
  floor no estimate can beat);
- mean distance from the true chance, and a reliability table (predicted vs observed);
- calls until a bed is offered, over 300 searches of 12 programs each, calling in the order
  of the estimate versus in an order that knows nothing (today's, by distance: random here).

Also the cold start: ``python -m matching search`` never imports scikit-learn.

    python benchmarks/bench_call_odds.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.directory.default import load_default_directory  # noqa: E402
from matching.search import callsim  # noqa: E402
from matching.search.callodds import brier, estimate, reliability  # noqa: E402

START = datetime(2026, 1, 5, tzinfo=UTC)
SIZES = (30, 100, 300, 1000, 2000)
TEST_CALLS = 600
SEARCHES = 300
CANDIDATES = 12


def calls_until_bed(
    world: callsim.World, train: pd.DataFrame, rng: np.random.Generator, when: datetime
) -> tuple[float, float, float, float]:
    """Return mean calls until a bed and the share found within 3 calls, ordered / unordered."""
    ids = world.directory["facility_id"].to_numpy()
    ordered, blind = [], []
    fits: dict[tuple[str, str], pd.Series] = {}
    for _ in range(SEARCHES):
        need = rng.choice(list(callsim.NEED_SHARE), p=list(callsim.NEED_SHARE.values()))
        payer = rng.choice(list(callsim.PAYER_SHARE), p=list(callsim.PAYER_SHARE.values()))
        pool = rng.choice(ids, size=CANDIDATES, replace=False)
        if (need, payer) not in fits:
            fits[need, payer] = estimate(
                world.directory, train, need=need, payer=payer, at=when
            ).frame.set_index("facility_id")["p_bed_offered"]
        truth = callsim.true_chance(
            world, pool, np.full(CANDIDATES, need), np.full(CANDIDATES, payer), [when] * CANDIDATES
        )
        draws = rng.random(CANDIDATES) < truth  # the same world for both orders
        by_estimate = np.argsort(-fits[need, payer].loc[pool].to_numpy(), kind="stable")
        ordered.append(_first_bed(draws[by_estimate]))
        blind.append(_first_bed(draws[rng.permutation(CANDIDATES)]))
    return (
        float(np.mean(ordered)),
        float(np.mean(np.array(ordered) <= 3)),
        float(np.mean(blind)),
        float(np.mean(np.array(blind) <= 3)),
    )


def _first_bed(draws: np.ndarray) -> int:
    """Return the number of calls until the first bed (all of them, plus one, when none)."""
    hits = np.flatnonzero(draws)
    return int(hits[0]) + 1 if len(hits) else len(draws) + 1


def cold_search_seconds() -> tuple[float, bool]:
    """Return the wall time of a cold CLI search and whether it loaded scikit-learn."""
    code = (
        "import sys; from matching.cli.main import main; "
        "main(['search', '--near', '10001', '--format', 'csv']); "
        "print('sklearn' in sys.modules, file=sys.stderr)"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - started, done.stderr.strip().endswith("True")


def main() -> None:
    """Print the evaluation table, a reliability table and the cold-start figures."""
    world = callsim.make_world(load_default_directory(), pool=150, seed=11)
    log = callsim.simulate_calls(
        world, calls=max(SIZES) + TEST_CALLS, start=START, days=240, seed=12
    )
    test = log.iloc[max(SIZES) :]
    happened = (test["outcome"] == "bed_offered").to_numpy()
    truth = test["p_true"].to_numpy()
    print("Simulated calls (matching/search/callsim.py); judged on the next", TEST_CALLS)
    print("calls logged | Brier estimate | Brier baseline | Brier truth | |p - truth| est / base"
          " | calls to a bed: ordered / blind | bed within 3 calls: ordered / blind")  # fmt: skip
    predicted = np.zeros(0)
    for size in SIZES:
        train = log.iloc[max(SIZES) - size : max(SIZES)]
        started = time.perf_counter()
        predicted = callsim.estimates_for(world, train, test)
        elapsed = time.perf_counter() - started
        baseline = np.full(len(test), (train["outcome"] == "bed_offered").mean())
        order = calls_until_bed(
            world, train, np.random.default_rng(size), test["called_at"].iloc[0]
        )
        print(
            f"{size:>12} | {brier(predicted, happened):.4f} | {brier(baseline, happened):.4f} | "
            f"{brier(truth, happened):.4f} | {np.mean(abs(predicted - truth)):.3f} / "
            f"{np.mean(abs(baseline - truth)):.3f} | {order[0]:.2f} / {order[2]:.2f} | "
            f"{order[1]:.0%} / {order[3]:.0%}   ({elapsed:.1f} s for the test estimates)"
        )
    print("\nReliability of the estimate fit on", max(SIZES), "calls (10 bands):")
    print(reliability(predicted, happened).to_string(index=False, float_format="%.3f"))
    seconds, loaded = cold_search_seconds()
    print(f"\ncold CLI search: {seconds:.2f} s; scikit-learn imported: {loaded}")
    started = time.perf_counter()
    directory = load_default_directory()
    estimate(directory, log.iloc[:1000], need="detox", payer="medicaid", at=datetime.now(UTC))
    print(
        f"one estimate over all {len(directory):,} facilities from 1,000 calls: "
        f"{time.perf_counter() - started:.2f} s"
    )


if __name__ == "__main__":
    main()
