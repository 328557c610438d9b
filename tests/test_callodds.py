"""Call odds: calibrated on simulated calls with a known truth, a transparent fallback with few
calls, scikit-learn loaded only when a model is fit, and the CLI contract (calls export,
call-odds)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from search_frames import directory, facility

from matching.cli.main import main
from matching.directory.demo import load_demo_directory
from matching.errors import QueryError
from matching.records.calllog import CallReport
from matching.records.store import open_engine
from matching.records.team import LOCAL
from matching.records.workspace import Workspace
from matching.search import callodds, callsim
from matching.search.callodds import LOG_COLUMNS, band, brier, estimate, reliability

ROOT = Path(__file__).resolve().parents[1]
START = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def simulated() -> tuple[callsim.World, pd.DataFrame]:
    world = callsim.make_world(load_demo_directory(), pool=120, seed=7)
    return world, callsim.simulate_calls(world, calls=1600, start=START, days=150, seed=8)


def test_the_model_beats_the_no_learning_baseline_and_is_calibrated(simulated) -> None:
    world, log = simulated
    train, test = log.iloc[:1200], log.iloc[1200:]
    predicted = callsim.estimates_for(world, train, test)
    happened = (test["outcome"] == "bed_offered").to_numpy()
    baseline = np.full(len(test), (train["outcome"] == "bed_offered").mean())
    assert brier(predicted, happened) < brier(baseline, happened)
    # Closer to the simulation's known truth than the one-rate-for-all baseline, by a margin.
    truth = test["p_true"].to_numpy()
    assert np.mean(np.abs(predicted - truth)) < 0.8 * np.mean(np.abs(baseline - truth))
    # Calibrated: in each band with enough calls, predicted and observed rates agree.
    table = reliability(predicted, happened, bins=5)
    busy = table[table["calls"] >= 40]
    assert not busy.empty
    gap = np.average(np.abs(busy["predicted"] - busy["observed"]), weights=busy["calls"])
    assert gap < 0.08


def test_with_few_calls_it_says_so_and_uses_a_transparent_prior() -> None:
    frame = directory(facility(1), facility(2), facility(3))
    at = START + timedelta(days=10)
    calls = pd.DataFrame(
        {
            "facility_id": ["f001", "f001", "f001", "f002"],
            "called_at": [START + timedelta(days=day) for day in (1, 2, 3, 4)],
            "need": ["detox"] * 4,
            "payer": ["medicaid"] * 4,
            "outcome": ["bed_offered", "bed_offered", "bed_offered", "no_bed"],
        }
    )
    report = estimate(frame, calls, need="detox", payer="medicaid", at=at)
    assert not report.model
    assert "Not enough calls logged" in report.summary() and "4 of 30" in report.summary()
    odds = report.frame.set_index("facility_id")
    assert list(odds["basis"]) == ["prior + its calls", "prior + its calls", "prior"]
    assert list(odds["calls"]) == [3, 1, 0]
    # Its own record moves each facility from the shared prior, and nothing leaves [0, 1].
    assert odds.loc["f001", "p_bed_offered"] > odds.loc["f003", "p_bed_offered"]
    assert odds.loc["f002", "p_bed_offered"] < odds.loc["f003", "p_bed_offered"]
    assert odds["p_bed_offered"].between(0, 1).all()
    # No calls at all: the documented placeholder, the same for everyone.
    none = estimate(frame, calls.iloc[:0], need="detox", payer="medicaid", at=at).frame
    assert none["p_bed_offered"].eq(callodds.PRIOR_BED_OFFERED).all()


def test_older_calls_count_for_less() -> None:
    frame = directory(facility(1), facility(2))
    at = START + timedelta(days=200)
    calls = pd.DataFrame(
        {
            "facility_id": ["f001", "f002"],
            "called_at": [at - timedelta(days=1), at - timedelta(days=180)],
            "need": ["detox"] * 2,
            "payer": ["self"] * 2,
            "outcome": ["bed_offered"] * 2,
        }
    )
    odds = estimate(frame, calls, need="detox", payer="self", at=at).frame
    recent, old = odds["p_bed_offered"]
    assert recent > old


def test_bands_are_words_never_bare_percentages() -> None:
    assert (band(0.7), band(0.3), band(0.05)) == ("likely", "maybe", "unlikely")


def test_searching_never_loads_scikit_learn_and_few_calls_do_not_either() -> None:
    code = (
        "import sys\n"
        "from matching.cli.main import main\n"
        "main(['search', '--demo', '--near', '10001', '--format', 'csv'])\n"
        "from matching.search.callodds import estimate\n"
        "from search_frames import directory, facility\n"
        "import pandas as pd\n"
        "from datetime import datetime, UTC\n"
        "calls = pd.DataFrame(columns=['facility_id','called_at','need','payer','outcome'])\n"
        "estimate(directory(facility(1)), calls, need='detox', payer='self',"
        " at=datetime.now(UTC))\n"
        "print('sklearn' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_bad_call_log_is_refused_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(
        "facility_id,called_at,need,payer,outcome\n"
        "f001,2026-06-01T10:00:00-05:00,detox,medicaid,bed_offered\n"
        "f002,2026-06-01T10:00:00,detox,cash,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(QueryError) as caught:
        callodds.read_call_log(path)
    message = str(caught.value)
    assert "line 3: payer 'cash'" in message and "line 3: outcome 'maybe'" in message
    assert "no UTC offset" in message
    path.write_text("facility_id,when\nf001,x\n", encoding="utf-8")
    with pytest.raises(QueryError, match="no column called_at, need, payer, outcome"):
        callodds.read_call_log(path)


def test_export_then_call_odds_from_the_command_line(
    tmp_path: Path,
    store_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = open_engine(store_url)
    calls = Workspace(engine, LOCAL).calls
    when = datetime.now(UTC) - timedelta(hours=3)
    calls.log_call(
        CallReport(facility_id="demo-000001", availability_status="openings",
                   beds_open_detox=2, reported_at=when, need="detox", payer="medicaid")
    )  # fmt: skip
    calls.log_call(
        CallReport(facility_id="demo-000002", availability_status="unknown", reported_at=when,
                   need="detox", payer="private", outcome="no_answer")
    )  # fmt: skip
    calls.log_call(CallReport(facility_id="demo-000003", availability_status="waitlist"))
    engine.dispose()
    log = tmp_path / "log.csv"
    assert main(["calls", "export", "--out", str(log), "--tz", "America/Chicago"]) == 0
    said = capsys.readouterr().out
    assert "wrote 2 call(s)" in said and "left out 1 call(s)" in said
    exported = pd.read_csv(log, dtype=str)
    assert tuple(exported.columns) == LOG_COLUMNS
    assert list(exported["outcome"]) == ["bed_offered", "no_answer"]
    assert exported["called_at"].str.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00$").all()
    assert main(["call-odds", "--calls", str(log), "--demo", "--need", "detox",
                 "--payer", "medicaid", "--format", "json"]) == 0  # fmt: skip
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == len(load_demo_directory())  # every facility of the directory
    by_id = {row["facility_id"]: row for row in rows}
    assert set(by_id["demo-000001"]) == {"facility_id", "p_bed_offered", "calls", "basis"}
    assert by_id["demo-000001"]["calls"] == 1
    assert by_id["demo-000001"]["p_bed_offered"] > by_id["demo-000002"]["p_bed_offered"]
    assert main(["call-odds", "--calls", str(log), "--demo", "--need", "detox",
                 "--payer", "medicaid", "--at", "2026-06-01T10:00"]) == 2  # fmt: skip
    assert "no UTC offset" in capsys.readouterr().err


def test_a_call_that_was_not_answered_reports_no_availability() -> None:
    with pytest.raises(QueryError, match="reports no availability"):
        CallReport(facility_id="f001", availability_status="openings", outcome="no_answer")
    with pytest.raises(QueryError, match="need 'rehab'"):
        CallReport(facility_id="f001", availability_status="unknown", need="rehab")


def test_a_model_fit_earlier_is_reused_while_each_facility_s_own_calls_count_at_once(
    simulated,
) -> None:
    """The app refits only when the log grows by a tenth: the reused fit must give what a
    fresh fit gives on the same calls, and a new call must still move its facility."""
    world, log = simulated
    at = START + timedelta(days=151)
    frame = world.directory
    earlier = log.iloc[:1200]
    like = callodds.programs_like_it(frame, earlier, need="detox", payer="medicaid", at=at)
    assert like is not None and len(like) == len(frame)
    fresh = estimate(frame, earlier, need="detox", payer="medicaid", at=at)
    reused = estimate(frame, earlier, need="detox", payer="medicaid", at=at, like=like)
    assert reused.model and reused.frame.equals(fresh.frame)
    # One more call, a bed offered by a facility: its chance rises with the old fit too.
    called = str(earlier["facility_id"].iloc[0])
    more = pd.concat(
        [
            earlier,
            pd.DataFrame(
                {
                    "facility_id": [called],
                    "called_at": [at - timedelta(hours=1)],
                    "need": ["detox"],
                    "payer": ["medicaid"],
                    "outcome": ["bed_offered"],
                }
            ),
        ],
        ignore_index=True,
    )
    after = estimate(frame, more, need="detox", payer="medicaid", at=at, like=like)
    before_p = reused.frame.set_index("facility_id")["p_bed_offered"]
    after_p = after.frame.set_index("facility_id")["p_bed_offered"]
    assert after_p[called] > before_p[called]
    assert after.logged == reused.logged + 1
    others = after_p.index != called
    assert after_p[others].equals(before_p[others])


def test_too_few_calls_fit_nothing_to_reuse() -> None:
    frame = directory(facility(1), facility(2))
    calls = pd.DataFrame(
        {
            "facility_id": ["f001"] * 3,
            "called_at": [START] * 3,
            "need": ["detox"] * 3,
            "payer": ["self"] * 3,
            "outcome": ["bed_offered"] * 3,
        }
    )
    at = START + timedelta(days=1)
    assert callodds.programs_like_it(frame, calls, need="detox", payer="self", at=at) is None
    with pytest.raises(QueryError, match="need"):
        callodds.programs_like_it(frame, calls, need="sleep", payer="self", at=at)


def test_odds_for_some_facilities_are_theirs_in_the_full_estimate(simulated) -> None:
    """The app asks only for the results shown: each must get what the whole estimate gives
    it, in the directory's order, with or without a reused fit, and unknown ids are dropped."""
    world, log = simulated
    at = START + timedelta(days=151)
    frame = world.directory
    full = estimate(frame, log, need="residential", payer="self", at=at).frame
    some = [str(i) for i in frame["facility_id"].iloc[[40, 3, 17]]] + ["no-such-id"]
    like = callodds.programs_like_it(frame, log, need="residential", payer="self", at=at)
    for reused in (None, like):
        part = estimate(
            frame, log, need="residential", payer="self", at=at, only=some, like=reused
        ).frame
        expected = full[full["facility_id"].isin(some)].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, expected)
