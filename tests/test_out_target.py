"""``--out`` writes only regular files, and a killed write leaves nothing behind for long."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from search_frames import directory, facility

from matching.cli.main import main
from matching.directory.io import write_directory

ROOT = Path(__file__).resolve().parents[1]


def test_out_refuses_a_device_node(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "listing.csv"
    link.symlink_to("/dev/null")
    assert main(["demo-data", "--out", str(link)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a regular file" in err
    assert link.is_symlink() and os.readlink(link) == "/dev/null"


def test_out_refuses_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out.csv"
    folder.mkdir()
    assert main(["demo-data", "--out", str(folder)]) == 2
    assert "is not a regular file" in capsys.readouterr().err
    assert folder.is_dir()


def test_a_write_killed_midway_is_cleaned_up_by_the_next_run(tmp_path: Path) -> None:
    target = tmp_path / "big.csv"
    # A child that starts writing and is killed while the temporary file exists.
    script = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
import matching.directory.io as io
real_replace = io.os.replace
def stall(*args):
    print("writing", flush=True)
    time.sleep(60)
io.os.replace = stall
io.write_text_atomic({str(target)!r}, "x" * 1000)
"""
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    leftovers = list(tmp_path.glob(".big.csv.*"))
    assert len(leftovers) == 1 and str(child.pid) in leftovers[0].name
    write_directory(directory(facility(1)), target)
    assert list(tmp_path.glob(".big.csv.*")) == []
    assert target.read_text().startswith("facility_id")


def test_a_running_writers_temporary_file_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "big.csv"
    ours = tmp_path / f".big.csv.{os.getpid()}.abc123"
    ours.write_text("in progress")
    write_directory(directory(facility(1)), target)
    assert ours.exists()
