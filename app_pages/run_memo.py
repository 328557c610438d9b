"""What holds for one script run, read once in it: the page asks many times (issue 23).

``server_mode`` reads and checks the secrets file; every store access of a Search run asked
for it again (~18 times, ~6 ms of a call save's rerun). What it returns cannot change within a
run: the file is read again at the next run, so an edited file still counts at once.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import TypeVar

from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

T = TypeVar("T")

# By id of a session's run context (a dataclass, so not hashable; the entry goes with it): the
# run (its cursor map, new at every run) and what was read in it.
_RUNS: dict[int, tuple[object, dict[object, object]]] = {}


def once_per_run(function: Callable[[], T]) -> Callable[[], T]:
    """Return ``function`` called at most once per script run (outside a run: every time)."""

    @functools.wraps(function)
    def in_this_run() -> T:
        ctx = get_script_run_ctx(suppress_warning=True)
        if ctx is None:
            return function()
        if id(ctx) not in _RUNS:
            weakref.finalize(ctx, _RUNS.pop, id(ctx), None)
        run, kept = _RUNS.get(id(ctx), (None, {}))
        if run is not ctx.cursors:  # Streamlit gives each run a new cursor map
            run, kept = ctx.cursors, {}
            _RUNS[id(ctx)] = (run, kept)
        if function not in kept:
            kept[function] = function()
        return kept[function]  # type: ignore[return-value]

    return in_this_run
