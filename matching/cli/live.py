"""The online subcommands: ``fetch`` (FindTreatment.gov listings) and ``geocode`` (Census).

Both are explicit, opt-in actions: ``fetch`` sends the searched area (a place's centre and a
radius) to SAMHSA, ``geocode`` sends facility addresses to the US Census Bureau. Output is
written atomically, so a failed call leaves every file as it was.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_live_commands(commands: Any) -> None:
    """Add ``fetch`` and ``geocode`` to the subcommand parsers ``commands``."""
    fetch = commands.add_parser(
        "fetch",
        help="get current listings for an area from FindTreatment.gov (online: sends the area)",
    )
    fetch.add_argument("--near", required=True, help='ZIP, "City, ST" or "lat, lon"')
    fetch.add_argument("--radius-miles", type=float, default=25.0)
    fetch.add_argument("--out", required=True, help="canonical CSV to write")
    fetch.add_argument("--into", help="directory CSV to merge the listings into")
    fetch.set_defaults(handler=_run_fetch)

    geocode = commands.add_parser(
        "geocode",
        help="geocode ZIP-centre rows with the US Census geocoder (online: sends addresses)",
    )
    geocode.add_argument("data", help="canonical directory CSV")
    geocode.add_argument("--out", required=True, help="canonical CSV to write")
    geocode.set_defaults(handler=_run_geocode)


def _progress(fraction: float, message: str) -> None:
    # Progress goes to stderr so stdout stays the report a script reads.
    if sys.stderr.isatty():
        print(f"\r[{'#' * int(fraction * 20):<20}] {message[:60]:<60}", end="", file=sys.stderr)
        if fraction >= 1.0:
            print(file=sys.stderr)


def _run_fetch(args: argparse.Namespace) -> int:
    from matching.directory.io import read_directory, write_directory
    from matching.live.findtreatment_api import FetchArea, fetch_area
    from matching.live.merge import merge_listings
    from matching.search.geo import resolve_location

    origin = resolve_location(args.near)
    # Read the target first: a bad --into fails before anything goes online.
    directory = read_directory(args.into) if args.into else None
    area = FetchArea(lat=origin.lat, lon=origin.lon, radius_miles=args.radius_miles)
    result = fetch_area(area, progress=_progress)
    cached = f" ({result.cache_hits} from today's cache)" if result.cache_hits else ""
    print(
        f"Fetched {len(result.frame):,} facilities within {args.radius_miles:g} mi of "
        f"{origin.label} from FindTreatment.gov in {result.pages} page(s){cached}."
    )
    frame = result.frame
    if directory is not None:
        merged = merge_listings(directory, result.frame)
        frame = merged.frame
        print(merged.summary_text())
    write_directory(frame, args.out)
    print(result.report.summary_text().splitlines()[0])
    return 0


def _run_geocode(args: argparse.Namespace) -> int:
    from matching.directory.io import read_directory, write_directory
    from matching.live.census_geocoder import geocode_directory

    result = geocode_directory(read_directory(args.data), progress=_progress)
    write_directory(result.frame, args.out)
    print(result.summary_text())
    return 0


def _sbat_bytes(path: str, fmt: str, *, auto: str) -> bytes | None:
    """Return the file's bytes when it is (or is declared) an SBAT export, else None."""
    from pathlib import Path

    from matching.ingest.sbat import FORMAT, is_sbat

    if fmt not in (auto, FORMAT):
        return None
    source = Path(path)
    if not source.is_file():
        return None  # the regular command reports the missing file
    data = source.read_bytes()
    return data if fmt == FORMAT or is_sbat(data) else None


def run_sbat_availability(args: argparse.Namespace) -> bool:
    """Merge an LA County SBAT export into ``--data`` if ``feed`` is one; return whether it was."""
    from pathlib import Path

    from matching.directory.io import read_directory, write_directory
    from matching.ingest.sbat import merge_sbat

    data = _sbat_bytes(args.feed, args.format, auto="auto")
    if data is None:
        return False
    result = merge_sbat(read_directory(args.data), data, Path(args.feed).name)
    write_directory(result.frame, args.out)
    print(result.summary_text())
    return True


def run_sbat_import(args: argparse.Namespace) -> bool:
    """Import an LA County SBAT export as a directory if ``source`` is one; return whether."""
    from pathlib import Path

    from matching.directory.io import write_directory
    from matching.ingest.sbat import import_sbat_directory

    data = _sbat_bytes(args.source, args.format, auto="auto")
    if data is None:
        return False
    result = import_sbat_directory(data, Path(args.source).name)
    write_directory(result.frame, args.out)
    print(result.report.summary_text())
    return True
