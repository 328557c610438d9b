"""The ZIP and city table of the ``zipcodes`` package, in a compact file that loads in ms.

The package answers one ZIP quickly, but its first query decodes all 42,789 records (about
0.25 s) and a list of every record costs 0.5-1.3 s: the whole cold start of a search. So the
records geo needs (ZIP, city, state, centroid, STANDARD, active, accepted city names) are
kept as numpy arrays in ``data/zip_table.npz`` with the city lookup precomputed, and a lookup
is a binary search. The file records which ``zipcodes`` version it was built from; when the
installed version differs, the table is rebuilt from the package once and saved in the user
cache (:func:`matching.paths.cache_dir`), so the answer always matches the installed package.
A test checks the table against the package record by record.

Regenerate after upgrading ``zipcodes``: ``python -m matching.directory.ziptable``.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, overload

import numpy as np
import zipcodes

from matching.paths import DATA_DIR, cache_dir

TABLE_PATH: Final = DATA_DIR / "zip_table.npz"
# Bump when the arrays or normalize_city change: older files are then rebuilt, not misread.
FORMAT_VERSION: Final = 2
_STANDARD, _ACTIVE = 1, 2
_SEP = "\t"

# Spellings people type for the same word; the zipcodes data spells them out ("Saint Louis").
_CITY_WORDS: Final = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}


def normalize_city(name: str) -> str:
    """Return a city name as lookups compare it: case-folded, no punctuation, words spelled out."""
    words = re.sub(r"[^a-z0-9 ]", " ", name.casefold().replace("'", "")).split()
    return " ".join(_CITY_WORDS.get(word, word) for word in words)


@dataclass(frozen=True, kw_only=True, slots=True)
class ZipRecord:
    """One ZIP as geo uses it; lat and lon are 0.0 when the package has no location."""

    zip_code: str
    city: str
    state: str
    lat: float
    lon: float
    standard: bool
    active: bool
    aliases: tuple[str, ...]

    @property
    def located(self) -> bool:
        """Whether the package gives this ZIP a centroid (0,0 means it does not)."""
        return not (self.lat == 0.0 and self.lon == 0.0)


class ZipTable:
    """ZIP records and the city index, over the arrays of a built table."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.version = str(arrays["version"])
        self._zip = arrays["zip"]
        self._lat, self._lon = arrays["lat"], arrays["lon"]
        self._city, self._state, self._flags = arrays["city"], arrays["state"], arrays["flags"]
        self._alias_offsets, self._alias_names = (
            arrays["row_alias_offsets"],
            arrays["row_alias_names"],
        )
        self._names = _Texts(arrays["names"], arrays["names_offsets"])
        self._states = _Texts(arrays["states"], arrays["states_offsets"])
        self._state_set = frozenset(self._states)
        self._keys = {
            kind: _Texts(arrays[f"{kind}_keys"], arrays[f"{kind}_keys_offsets"])
            for kind in ("primary", "alias")
        }
        self._rows = {kind: (arrays[f"{kind}_offsets"], arrays[f"{kind}_rows"])
                      for kind in ("primary", "alias")}  # fmt: skip

    def __len__(self) -> int:
        return len(self._zip)

    def record(self, row: int) -> ZipRecord:
        """Return the record at ``row`` (rows are in ZIP order)."""
        aliases = self._alias_names[self._alias_offsets[row] : self._alias_offsets[row + 1]]
        flags = int(self._flags[row])
        return ZipRecord(
            zip_code=f"{int(self._zip[row]):05d}",
            city=self._names[int(self._city[row])],
            state=self._states[int(self._state[row])],
            lat=float(self._lat[row]),
            lon=float(self._lon[row]),
            standard=bool(flags & _STANDARD),
            active=bool(flags & _ACTIVE),
            aliases=tuple(self._names[int(i)] for i in aliases),
        )

    def get(self, zip_code: str) -> ZipRecord | None:
        """Return the record of a 5-digit ZIP, None when the package does not know it."""
        if len(zip_code) != 5 or not zip_code.isdigit():
            return None
        row = int(np.searchsorted(self._zip, int(zip_code)))
        if row < len(self._zip) and int(self._zip[row]) == int(zip_code):
            return self.record(row)
        return None

    def with_prefix(self, prefix: str) -> list[ZipRecord]:
        """Return the records whose ZIP starts with a 3-digit ``prefix``, in ZIP order."""
        low = int(prefix) * 100
        start, end = np.searchsorted(self._zip, [low, low + 100])
        return [self.record(row) for row in range(int(start), int(end))]

    def states(self) -> frozenset[str]:
        """Return every state and territory code the package lists."""
        return self._state_set

    def city(self, state: str, normalized: str, *, kind: str) -> list[ZipRecord]:
        """Return the ZIPs whose primary (``kind="primary"``) or accepted alias name is a city."""
        keys = self._keys[kind]
        key = f"{state}{_SEP}{normalized}"
        position = bisect.bisect_left(keys, key)
        if position == len(keys) or keys[position] != key:
            return []
        offsets, rows = self._rows[kind]
        return [self.record(int(row)) for row in rows[offsets[position] : offsets[position + 1]]]

    def city_names(self, state: str) -> dict[str, str]:
        """Return the state's primary city names: normalised name -> name as the package spells it.

        Where several spellings normalise alike, the one of the highest ZIP wins.
        """
        keys, (offsets, rows) = self._keys["primary"], self._rows["primary"]
        start = bisect.bisect_left(keys, f"{state}{_SEP}")
        end = bisect.bisect_left(keys, f"{state}{chr(ord(_SEP) + 1)}")
        return {
            keys[i].split(_SEP, 1)[1]: self._names[int(self._city[rows[offsets[i + 1] - 1]])]
            for i in range(start, end)
        }

    def centroids(self) -> dict[str, tuple[float, float]]:
        """Return ``{zip: (lat, lon)}`` for every ZIP the package gives a non-zero centre."""
        located = ~((self._lat == 0.0) & (self._lon == 0.0))
        return {
            f"{int(code):05d}": (float(lat), float(lon))
            for code, lat, lon in zip(
                self._zip[located], self._lat[located], self._lon[located], strict=True
            )
        }

    def records(self) -> list[ZipRecord]:
        """Return every record (slow: for tests and benchmarks)."""
        return [self.record(row) for row in range(len(self))]


def build_arrays(records: list[dict[str, Any]], version: str) -> dict[str, np.ndarray]:
    """Return the table's arrays built from ``zipcodes.list_all()``-style records."""
    records = sorted(records, key=lambda record: record["zip_code"])
    names: dict[str, int] = {}
    states = sorted({record["state"] for record in records})
    alias_offsets, alias_names = [0], []
    index: dict[str, dict[str, list[int]]] = {"primary": {}, "alias": {}}
    for row, record in enumerate(records):
        names.setdefault(record["city"], len(names))
        index["primary"].setdefault(_key(record["state"], record["city"]), []).append(row)
        for alias in record.get("acceptable_cities") or ():
            alias_names.append(names.setdefault(alias, len(names)))
            index["alias"].setdefault(_key(record["state"], alias), []).append(row)
        alias_offsets.append(len(alias_names))
    arrays = {
        "version": np.array(version),
        "zip": np.array([int(record["zip_code"]) for record in records], dtype="int32"),
        "lat": np.array([float(record["lat"] or 0) for record in records], dtype="float64"),
        "lon": np.array([float(record["long"] or 0) for record in records], dtype="float64"),
        "city": np.array([names[record["city"]] for record in records], dtype="int32"),
        "state": np.array([states.index(record["state"]) for record in records], dtype="int16"),
        "flags": np.array([_flags(record) for record in records], dtype="uint8"),
        "row_alias_offsets": np.array(alias_offsets, dtype="int32"),
        "row_alias_names": np.array(alias_names, dtype="int32"),
    }
    arrays |= _texts("names", list(names)) | _texts("states", states)
    for kind, rows_by_key in index.items():
        keys = sorted(rows_by_key)
        offsets = np.cumsum([0] + [len(rows_by_key[key]) for key in keys])
        arrays |= _texts(f"{kind}_keys", keys)
        arrays[f"{kind}_offsets"] = offsets.astype("int32")
        arrays[f"{kind}_rows"] = np.array(
            [row for key in keys for row in rows_by_key[key]], dtype="int32"
        )
    return arrays


def table_version() -> str:
    """Return the version string a table built from the installed package carries."""
    return f"zipcodes {zipcodes.__version__}; format {FORMAT_VERSION}"


def save_table(path: Path) -> None:
    """Build the table from the installed ``zipcodes`` package and write it to ``path``."""
    from matching.directory.io import write_bytes_atomic  # pandas: only when building

    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, allow_pickle=False, **build_arrays(zipcodes.list_all(), table_version())
    )
    write_bytes_atomic(path, buffer.getvalue())


@lru_cache(maxsize=1)
def zip_table() -> ZipTable:
    """Return the table for the installed ``zipcodes`` (the shipped file, cache or a rebuild)."""
    wanted = table_version()
    cached = cache_dir() / f"zip_table-{_slug(wanted)}.npz"
    for path in (TABLE_PATH, cached):
        arrays = _read(path)
        if arrays is not None and str(arrays["version"]) == wanted:
            return ZipTable(arrays)
    try:
        save_table(cached)
    except OSError:
        # A read-only cache only costs this rebuild again next time; the answer is the same.
        return ZipTable(build_arrays(zipcodes.list_all(), wanted))
    arrays = _read(cached)
    return ZipTable(arrays if arrays is not None else build_arrays(zipcodes.list_all(), wanted))


def _read(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with np.load(path, allow_pickle=False) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None  # missing or damaged: rebuilt from the package


def _key(state: str, city: str) -> str:
    return f"{state}{_SEP}{normalize_city(city)}"


def _flags(record: dict[str, Any]) -> int:
    standard = _STANDARD if record["zip_code_type"] == "STANDARD" else 0
    return standard | (_ACTIVE if record["active"] else 0)


def _texts(name: str, texts: list[str]) -> dict[str, np.ndarray]:
    # One UTF-8 blob plus offsets instead of a fixed-width unicode array: a tenth of the size,
    # and nothing to parse at load (a lookup decodes only the strings it touches).
    encoded = [text.encode("utf-8") for text in texts]
    offsets = np.cumsum([0] + [len(data) for data in encoded])
    return {
        name: np.frombuffer(b"".join(encoded), dtype="uint8"),
        f"{name}_offsets": offsets.astype("int32"),
    }


class _Texts(Sequence[str]):
    """A read-only list of strings over a UTF-8 blob and offsets (bisect works on it)."""

    def __init__(self, blob: np.ndarray, offsets: np.ndarray) -> None:
        self._blob = blob.tobytes()
        self._offsets = offsets.tolist()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        return self._blob[self._offsets[index] : self._offsets[index + 1]].decode("utf-8")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")


if __name__ == "__main__":
    save_table(TABLE_PATH)
    print(f"wrote {TABLE_PATH} ({table_version()}, {len(zip_table())} ZIPs)")
