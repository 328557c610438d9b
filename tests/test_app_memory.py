"""What the app has loaded is moved out of the garbage collector's sight after a full
collection (issue 23, point 6: full collections of ~200k objects cost 20-160 ms a click), at
most a few times a process. Run in a fresh Python: freezing is for the whole process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc
from app_pages import ui

ui.keep_loaded_data_out_of_gc()  # importing the app may have made full collections already
before = gc.get_freeze_count()
ui.keep_loaded_data_out_of_gc()
assert gc.get_freeze_count() == before, "froze without a full collection since the last"
kept = [[n] for n in range(50_000)]  # long-lived data, as a loaded directory's objects
gc.collect()
ui.keep_loaded_data_out_of_gc()
frozen = gc.get_freeze_count()
assert frozen >= before + 50_000, (before, frozen)
assert len(gc.get_objects(generation=2)) < 1_000  # a full collection no longer walks them
for _ in range(10):
    gc.collect()
    ui.keep_loaded_data_out_of_gc()
assert len(ui._freezes) == ui.MAX_FREEZES
print("ok")
"""


def test_loaded_data_is_frozen_after_a_full_collection_and_only_a_few_times() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
