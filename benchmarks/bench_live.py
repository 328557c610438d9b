"""Time the live sources: a FindTreatment.gov refresh and the LA County SBAT import.

Run: ``python benchmarks/bench_live.py [runs]``. Needs ../shared/data/real beside the checkout.

1. Refresh: 5 recorded pages of 2,000 facilities each (rows built from the real 2019 API page,
   each with its own frid and place) served by a local HTTP server, fetched, imported and
   merged into a 10,000-row directory that already holds half of them; goal under 3 s. Timed
   without the cache (every page over HTTP), then the same refresh answered by the cache.
2. SBAT: the real 760-row snapshot applied to a directory as availability (parse, match,
   merge); goal under 1 s. Its import as a directory of its own is timed too.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching.ingest.sbat import import_sbat_directory, merge_sbat  # noqa: E402
from matching.live.findtreatment_api import FetchArea, fetch_area  # noqa: E402
from matching.live.http import LiveSettings  # noqa: E402
from matching.live.merge import merge_listings  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"
SAMPLE = REAL / "CBHSQ_findtreatment" / "findtreatment_api_sample_2019-05.json"
SBAT = REAL / "fabriceyhc_SUD-BedWatch" / "sudhelpla_agencies_20250814_094001.csv"
PAGES, PAGE_ROWS = 5, 2000
REFRESH_GOAL_SECONDS = 3.0
SBAT_GOAL_SECONDS = 1.0
AREA = FetchArea(lat=38.03, lon=-78.48, radius_miles=100)


def _median(action: Callable[[], object], runs: int) -> tuple[float, list[float], float]:
    """Return the median wall time, every run's wall time, and the median CPU time.

    CPU time (of this process, the local server's thread included) is shown because the
    machine is shared: under load the wall time also counts other processes' turns.
    """
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), times, statistics.median(cpu)


def _pages() -> list[bytes]:
    template = json.loads(SAMPLE.read_text(encoding="utf-8"))["rows"]
    pages = []
    for page in range(PAGES):
        rows = []
        for i in range(PAGE_ROWS):
            number = page * PAGE_ROWS + i
            row = dict(template[number % len(template)])
            row["frid"] = f"bench-{number:05d}"
            row["name1"] = f"{row['name1']} #{number}"
            row["latitude"] = f"{float(row['latitude']) + (number % 97) * 0.001:.6f}"
            rows.append(row)
        document = {"page": page + 1, "totalPages": PAGES, "recordCount": 10_000, "rows": rows}
        pages.append(json.dumps(document).encode("utf-8"))
    return pages


def _serve(pages: list[bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
            number = int(parse_qs(urlsplit(self.path).query)["page"][0])
            body = pages[number - 1]
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def bench_refresh(runs: int) -> None:
    server = _serve(_pages())
    url = f"http://127.0.0.1:{server.server_address[1]}"
    quick = {"backoff_seconds": 0.0, "min_interval_seconds": 0.0}
    uncached = LiveSettings(findtreatment_url=url, cache_dir=None, **quick)
    first = fetch_area(AREA, settings=uncached)
    # The directory already holds every other facility, one of them with a changed phone.
    existing = first.frame.iloc[::2].copy()
    existing.loc[existing.index[0], "phone"] = "000-000-0000"

    def refresh(settings: LiveSettings) -> None:
        merge_listings(existing, fetch_area(AREA, settings=settings).frame)

    merged = merge_listings(existing, first.frame)
    median, times, cpu = _median(lambda: refresh(uncached), runs)
    print(f"refresh {PAGES} pages x {PAGE_ROWS} rows + import + merge into {len(existing):,} rows")
    print(f"  {merged.summary_text()}")
    print("  runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(
        f"  median {median:.3f} s (CPU {cpu:.3f} s); goal {REFRESH_GOAL_SECONDS:.1f} s; "
        f"ratio {median / REFRESH_GOAL_SECONDS:.2f} (CPU {cpu / REFRESH_GOAL_SECONDS:.2f})"
    )
    with tempfile.TemporaryDirectory() as folder:
        cached = LiveSettings(findtreatment_url=url, cache_dir=Path(folder), **quick)
        refresh(cached)  # fills the cache
        median_cached, _, cpu_cached = _median(lambda: refresh(cached), runs)
        hits = fetch_area(AREA, settings=cached).cache_hits
    print(
        f"  same refresh from the cache ({hits} of {PAGES} pages): median "
        f"{median_cached:.3f} s (CPU {cpu_cached:.3f} s)"
    )
    server.shutdown()


def bench_sbat(runs: int) -> None:
    data = SBAT.read_bytes()
    directory = import_sbat_directory(data, SBAT.name).frame
    median, times, cpu = _median(lambda: merge_sbat(directory, data, SBAT.name), runs)
    merged = merge_sbat(directory, data, SBAT.name)
    print(f"SBAT availability: {len(data.splitlines()) - 1} rows into {len(directory)} facilities")
    print("  " + merged.summary_text().splitlines()[0])
    print("  runs (s): " + ", ".join(f"{t:.3f}" for t in times))
    print(
        f"  median {median:.3f} s (CPU {cpu:.3f} s); goal {SBAT_GOAL_SECONDS:.1f} s; "
        f"ratio {median / SBAT_GOAL_SECONDS:.2f}"
    )
    median_dir, _, cpu_dir = _median(lambda: import_sbat_directory(data, SBAT.name), runs)
    print(
        f"  as a directory of its own (ZIP centres, full validation): median {median_dir:.3f} s "
        f"(CPU {cpu_dir:.3f} s)"
    )


def main(runs: int = 5) -> None:
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if not (SAMPLE.is_file() and SBAT.is_file()):
        print(f"skipped: {SAMPLE} or {SBAT} is not present")
        return
    bench_refresh(runs)
    bench_sbat(runs)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
