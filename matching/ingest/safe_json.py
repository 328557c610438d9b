"""Check a JSON document's size and nesting depth before parsing it.

Python's parser recurses once per level of nesting, so ``[[[[...`` 100,000 deep ends in a
RecursionError (a traceback) rather than an answer. :func:`json_nesting_depth` measures the
depth without recursing, in C-speed passes over the bytes, so :func:`load_json_safely` can
refuse such a file with one sentence. The CLI, the app's uploads and case backups all read
JSON through it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

import numpy as np

from matching.ingest.text import MAX_JSON_BYTES

# A FindTreatment.gov API page nests 4 deep and a case backup about 6; 64 is generous.
MAX_JSON_DEPTH: Final = 64

_ESCAPE_RE: Final = re.compile(rb"\\.", re.DOTALL)
_NOT_STRUCTURE: Final = bytes(set(range(256)) - set(b'[]{}"'))


class JsonShapeError(ValueError):
    """A JSON document is too large or too deeply nested to read."""


def json_nesting_depth(data: bytes) -> int:
    """Return how deeply arrays and objects nest in ``data`` (brackets inside strings ignored)."""
    # Only quotes and brackets matter once escapes (\" and \\) are gone; that leaves few bytes.
    marks = np.frombuffer(_ESCAPE_RE.sub(b"", data).translate(None, _NOT_STRUCTURE), np.uint8)
    if not marks.size:
        return 0
    quote = marks == ord('"')
    in_string = (np.cumsum(quote, dtype=np.int64) & 1).astype(bool) | quote
    opens = ((marks == ord("[")) | (marks == ord("{"))) & ~in_string
    closes = ((marks == ord("]")) | (marks == ord("}"))) & ~in_string
    steps = opens.astype(np.int32) - closes.astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


def load_json_safely(
    data: bytes, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """Parse UTF-8 JSON ``data`` after checking its size and nesting depth.

    Raises JsonShapeError (a sentence) when it is over ``max_bytes`` or nests deeper than
    ``max_depth``; UnicodeDecodeError and json.JSONDecodeError as ``json.loads`` would.
    """
    if len(data) > max_bytes:
        raise JsonShapeError(
            f"it is {len(data) / 1e6:,.0f} MB; JSON over {max_bytes / 1e6:,.0f} MB is not "
            "supported (split it into pages)"
        )
    depth = json_nesting_depth(data)
    if depth > max_depth:
        raise JsonShapeError(
            f"it nests {depth:,} levels deep (lists or objects inside each other); no real "
            f"listing or backup nests more than {max_depth}"
        )
    return json.loads(data.decode("utf-8-sig"))
