"""Safe reading of other people's bytes: text decoding with a named encoding error, line-length
checks before parsing, JSON and workbook sniffing, and feed report times.
"""

from __future__ import annotations

import codecs
import io
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Final

import pandas as pd

from matching.errors import ImportFormatError, Problem

# A CSV row longer than this is not a facility listing; refusing it keeps memory bounded.
MAX_LINE_BYTES: Final = 1_000_000


# JSON pages are one line; cap the whole file instead.
MAX_JSON_BYTES: Final = 64_000_000


SNIFF_BYTES: Final = 65_536


XLSX_MAGIC: Final = b"PK\x03\x04"


def looks_like_json(head: bytes) -> bool:
    return head.lstrip(codecs.BOM_UTF8).lstrip()[:1] in (b"{", b"[")


def chunks_of_file(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        yield from iter(lambda: stream.read(MAX_LINE_BYTES), b"")


def chunks_of_bytes(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), MAX_LINE_BYTES):
        yield bytes(view[start : start + MAX_LINE_BYTES])


def scan_lines(chunks: Iterable[bytes], name: str) -> None:
    """Raise ImportFormatError at the first line longer than MAX_LINE_BYTES."""
    current, line = 0, 1
    for chunk in chunks:
        start = 0
        while True:
            newline = chunk.find(b"\n", start)
            if newline < 0:
                current += len(chunk) - start
                break
            current += newline - start
            if current > MAX_LINE_BYTES:
                break
            current, start, line = 0, newline + 1, line + 1
        if current > MAX_LINE_BYTES:
            raise ImportFormatError(
                f"{name}: line {line} is longer than {MAX_LINE_BYTES // 1_000_000} MB; "
                "this is not a facility listing (is it the right file?)"
            )


def decode_text(data: bytes, filename: str, *, partial: bool = False) -> str:
    """Decode CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="ignore" if partial else "strict")
    if b"\x00" in data[:SNIFF_BYTES]:
        raise ImportFormatError(
            f"{filename} contains NUL bytes: it is a binary file, not a CSV listing"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8-sig")
        utf8_error = exc
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFormatError(
            f"{filename}: byte 0x{data[exc.start]:02X} on line {line} is neither UTF-8 nor "
            f"Windows-1252 (UTF-8 failed at byte {utf8_error.start}); "
            "save the file as UTF-8 CSV and import it again"
        ) from exc


# How far ahead of this computer's clock a report time may be: clocks drift a little, but a
# report dated later than now would outrank every real call made before that time.
MAX_CLOCK_SKEW: Final = pd.Timedelta(minutes=5)


def parse_report_times(text: pd.Series, *, now: pd.Timestamp | None = None) -> pd.DataFrame:
    """Parse availability report times (ISO 8601; no offset = UTC).

    Returns a frame with ``stamp`` (UTC, NaT where empty or unusable) and ``problem`` (why a
    non-empty value is unusable, else ""). Refused: times before 1990, times more than
    :data:`MAX_CLOCK_SKEW` ahead of ``now`` (a report dated in the future would block every
    real report until then), and words such as "now" or "today" (which would be read as the
    moment of the import, not of the report).
    """
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    cleaned = text.astype("str").fillna("").str.strip()
    stamps = pd.to_datetime(cleaned, errors="coerce", utc=True, format="mixed")
    problem = pd.Series("", index=text.index, dtype="str")
    unparsed = stamps.isna() & (cleaned != "")
    problem = problem.where(~unparsed, "is not a date and time (e.g. 2026-11-26T14:30Z)")
    relative = (cleaned != "") & ~cleaned.str.contains(r"\d", regex=True)
    problem = problem.where(
        ~relative,
        "is a word, not a date and time; write when the report was made (2026-11-26T14:30Z)",
    )
    stamps = stamps.where(~relative)
    too_old = stamps.notna() & (stamps < pd.Timestamp("1990-01-01", tz="UTC"))
    problem = problem.where(~too_old, "is before 1990; check the date")
    ahead = stamps.notna() & (stamps > now + MAX_CLOCK_SKEW)
    problem = problem.where(
        ~ahead,
        "is in the future; check the date and the time zone (a report may be at most "
        "5 minutes after this computer's clock)",
    )
    usable = stamps.where(problem == "").astype("datetime64[ns, UTC]")
    return pd.DataFrame({"stamp": usable, "problem": problem}, index=text.index)


def header_of(text: str) -> list[str]:
    first = text.split("\n", 1)[0].rstrip("\r")
    return [cell.strip().strip('"') for cell in first.split(_delimiter_of(first))]


def _delimiter_of(header_line: str) -> str:
    """Return ',' unless the header is clearly tab- or semicolon-separated (European Excel)."""
    if "," in header_line:
        return ","
    return max(("\t", ";"), key=header_line.count) if any(d in header_line for d in "\t;") else ","


def read_csv_text(data: bytes, filename: str) -> pd.DataFrame:
    """Read CSV bytes as text columns; raise ImportFormatError naming what is wrong."""
    text = decode_text(data, filename)
    if not text.strip():
        raise ImportFormatError(f"{filename} has no header and no rows")
    fix = "quote cells that contain the separator, or check the header"
    try:
        with warnings.catch_warnings():
            # index_col=False keeps pandas from silently turning extra cells into an index.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(
                io.StringIO(text),
                sep=_delimiter_of(text.split("\n", 1)[0]),
                dtype="str",
                keep_default_na=False,
                index_col=False,
            )
    except pd.errors.ParserWarning as exc:
        raise ImportFormatError(
            f"{filename}: the first data row has more cells than the header; {fix}"
        ) from exc
    except pd.errors.ParserError as exc:
        detail = str(exc).removeprefix("Error tokenizing data. C error: ").strip()
        raise ImportFormatError(f"{filename} is not a readable CSV ({detail}); {fix}") from exc
    frame.columns = [str(name).strip() for name in frame.columns]
    if frame.empty:
        raise ImportFormatError(f"{filename} has a header but no data rows")
    return frame


def require_columns(
    present: Iterable[str], required: Iterable[str], filename: str, what: str
) -> None:
    """Raise ImportFormatError naming every ``required`` column ``present`` lacks (``what``:
    whose columns, e.g. "the LADDERS column(s)")."""
    have = set(present)
    missing = [name for name in required if name not in have]
    if missing:
        raise ImportFormatError(
            f"{filename} is missing {what} {', '.join(missing)}",
            [Problem(None, name, None, "column is missing") for name in missing],
        )
