"""The Data page's column-mapping step: name the columns ReadyBed could not guess.

When a CSV's headers match no alias for a required field (a state feed whose name column is
``AccountName``, a single ``AddressOneLine`` column), the import fails with the missing fields;
this step shows one choice per missing field among the file's own headers (plus "one-line
address" when street, city, state or ZIP is missing), then imports again with that mapping
(``import_bytes(..., column_map=...)``). Nothing is saved until that import succeeds.
"""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from matching.directory import columns as col
from matching.errors import FacilityDataError
from matching.ingest.generic_csv import ADDRESS_LINE, FLAG_FIELDS
from matching.ingest.text import decode_text
from matching.render.safe_text import md_escape

_PENDING = "column_mapping_pending"  # (file name, its headers, the missing fields)
_CHOSEN = "column_mapping_chosen"  # (file name, {field: header})
_RETRY = "column_mapping_retry"  # import again on the next run
_NONE = "(not in this file)"
_MISSING = "no column with this meaning"
_ADDRESS_PARTS = ("street", "city", "state", "zip")
FIELD_LABELS = {
    "name": "Facility name",
    "state": "State",
    "zip": "ZIP code",
    "street": "Street",
    "city": "City",
    ADDRESS_LINE: "One-line address (street, city, state ZIP)",
}


def column_map_for(filename: str) -> dict[str, str] | None:
    """Return the mapping the user chose for ``filename`` (None when there is none)."""
    chosen = st.session_state.get(_CHOSEN)
    return dict(chosen[1]) if chosen and chosen[0] == filename else None


def retry_requested() -> bool:
    """Return (once) whether the user just submitted a mapping and the import should rerun."""
    return bool(st.session_state.pop(_RETRY, False))


def offer_column_mapping(filename: str, data: bytes, error: FacilityDataError) -> bool:
    """Remember a failed import that a mapping can fix; return whether it can."""
    missing = [problem.column for problem in error.problems if problem.message == _MISSING]
    headers = _headers(data, filename) if missing else []
    if not missing or not headers:
        return False
    st.session_state[_PENDING] = (filename, headers, missing)
    return True


def column_mapping_form() -> None:
    """Show the mapping step for the import that is waiting for one (nothing otherwise)."""
    pending = st.session_state.get(_PENDING)
    if not pending:
        return
    filename, headers, missing = pending
    fields = list(missing)
    if any(field in _ADDRESS_PARTS for field in missing):
        fields.append(ADDRESS_LINE)
    with st.form("column_mapping", border=True):
        st.markdown(
            f"**{md_escape(filename)}**: ReadyBed could not tell which column holds "
            f"{', '.join(FIELD_LABELS.get(f, f) for f in missing)}. "
            "Pick the matching column(s) below."
        )
        picks = {
            field: st.selectbox(
                FIELD_LABELS.get(field, field), [_NONE, *headers], key=f"column_map_{field}"
            )
            for field in fields
        }
        picks |= yes_no_picks(headers)
        if st.form_submit_button(
            "Import with these columns", icon=":material/table_view:", key="column_mapping_submit"
        ):
            chosen = {field: header for field, header in picks.items() if header != _NONE}
            st.session_state[_CHOSEN] = (filename, chosen)
            st.session_state[_RETRY] = True
            del st.session_state[_PENDING]
            st.rerun()


_FLAG_LABELS = {**col.SERVICE_LABELS, **col.PROFILE_LABELS}


def yes_no_picks(headers: list[str]) -> dict[str, str]:
    """Ask, for each column of the file, whether it is a yes/no answer about a service, payer
    or who is accepted; return {field: header} for those the user names."""
    st.caption(
        "Optional: a column of yes/no (or 1/0) answers can say a service, a payment or who is "
        "accepted. Blank or other answers stay unknown, never 'no'."
    )
    chosen: dict[str, str] = {}
    with st.expander("Yes/no columns (optional)"):
        for header in headers:
            field = st.selectbox(
                f"Column '{header}' says",
                [None, *FLAG_FIELDS],
                format_func=lambda name: (
                    "(nothing of these)" if name is None else _FLAG_LABELS[name]
                ),
                key=f"column_flag_{header}",
            )
            if field is not None:
                chosen[str(field)] = header
    return chosen


def clear_column_mapping() -> None:
    """Forget the pending step and the chosen mapping (after a successful import)."""
    for key in (_PENDING, _CHOSEN):
        st.session_state.pop(key, None)


def _headers(data: bytes, filename: str) -> list[str]:
    try:
        text = decode_text(data[:65_536], filename, partial=True)
        return [str(h) for h in pd.read_csv(io.StringIO(text), nrows=0).columns]
    except (FacilityDataError, ValueError):
        return []
