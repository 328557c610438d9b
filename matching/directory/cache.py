"""A binary cache of validated directories: a search reads the table in ms, not a CSV parse.

Parsing and validating a directory CSV costs 0.2-0.6 s (most of it validation), every time a
process starts. The validated table is therefore kept as an Arrow (Feather) file in the user
cache (:func:`matching.paths.cache_dir`), named by a hash of

* the file's bytes (a changed file is a new key, whatever its name or modification time),
* the source of :mod:`matching.directory` and :mod:`matching.errors` (the code that turns the
  CSV into the table: a new version of it never reads an old version's result),
* the pandas and pyarrow versions, and what ``kind`` of loader made it.

Feather rather than pickle: reading it cannot run code, and pyarrow is already loaded with
pandas. Rather than Parquet: it reads 2-4 times faster and needs no decompression. Only the
:data:`KEEP` most recently used tables stay. The cache is an optimisation only: a missing,
damaged or unwritable cache means the file is read and validated as before, never an error.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Final

import pandas as pd

from matching.paths import cache_dir

KEEP: Final = 8
_FOLDER: Final = "directories"


def cached_table(path: Path, load: Callable[[bytes], pd.DataFrame], *, kind: str) -> pd.DataFrame:
    """Return ``load(bytes of path)``, from the cache when the same bytes were loaded before.

    ``load`` must be deterministic given the bytes (errors it raises are not cached).
    """
    data = path.read_bytes()
    key = hashlib.sha256(data + _code_fingerprint().encode() + kind.encode()).hexdigest()
    target = cache_dir() / _FOLDER / f"{key[:32]}.feather"
    cached = _read(target)
    if cached is not None:
        return cached
    table = load(data)
    _write(target, table)
    return table


def _read(target: Path) -> pd.DataFrame | None:
    if not target.is_file():
        return None
    try:
        table = pd.read_feather(target)
        os.utime(target)  # marks it recently used, for pruning
    except Exception:  # noqa: BLE001 - any unreadable cache file is just a miss
        return None
    return table


def _write(target: Path, table: pd.DataFrame) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".feather", dir=target.parent)
        os.close(handle)
        try:
            table.to_feather(temp_name)
            os.replace(temp_name, target)
        finally:
            Path(temp_name).unlink(missing_ok=True)
        _prune(target.parent)
    except Exception:  # noqa: BLE001 - read-only or full disk, odd column types: no cache
        return


def _prune(folder: Path) -> None:
    tables = sorted(folder.glob("*.feather"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in tables[KEEP:]:
        stale.unlink(missing_ok=True)


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    import pyarrow

    import matching.errors

    sources = sorted(Path(__file__).parent.glob("*.py")) + [Path(matching.errors.__file__)]
    digest = hashlib.sha256(f"{pd.__version__} {pyarrow.__version__}".encode())
    for source in sources:
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()
