"""Split one-line US addresses ("1245 East Colfax Avenue, Suite 203, Denver, Colorado 80218").

State feeds and county registries often give the whole address in one cell. The parsing is
usaddress's (a trained tagger); this module only turns its labels into street, city, state
and ZIP, accepting full state names, and says which lines it could not split.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import usaddress

from matching.directory import columns as col

# USPS state and territory names -> their two-letter codes.
STATE_CODES: Final[dict[str, str]] = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
    "mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "puerto rico": "PR", "guam": "GU", "virgin islands": "VI",
    "u.s. virgin islands": "VI", "american samoa": "AS", "northern mariana islands": "MP",
}  # fmt: skip

_PLACE_LABELS: Final = frozenset({"PlaceName", "StateName", "ZipCode", "CountryName"})


def state_code(name: str) -> str:
    """Return the two-letter code of a state given by code or full name ('' if unknown)."""
    text = " ".join(name.replace(".", " ").split()).casefold()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return STATE_CODES.get(" ".join(name.split()).casefold(), STATE_CODES.get(text, ""))


def split_address(line: str) -> tuple[dict[str, str], str]:
    """Return ({street, city, state, zip}, problem) for one line; problem '' when it split."""
    text = " ".join(line.split())
    if not text:
        return {}, "the one-line address is empty"
    try:
        tokens = usaddress.parse(text)
    except Exception as exc:  # usaddress raises its own errors for lines it cannot tag
        return {}, f"the address {text[:60]!r} could not be split ({type(exc).__name__})"
    parts: dict[str, list[str]] = {}
    for token, label in tokens:
        key = "street" if label not in _PLACE_LABELS else label
        words = parts.setdefault(key, [])
        if label in ("OccupancyType", "USPSBoxType") and words and not words[-1].endswith(","):
            words[-1] += ","  # "Avenue, Suite 203": keep the unit apart from the street
        words.append(token.strip(","))
    street = " ".join(parts.get("street", []))
    city = " ".join(parts.get("PlaceName", []))
    state = state_code(" ".join(parts.get("StateName", [])))
    zip_code = "".join(parts.get("ZipCode", []))
    missing = [
        name
        for name, value in (("street", street), ("city", city), ("state", state), ("ZIP", zip_code))
        if not value
    ]
    problem = (
        f"the address {text[:60]!r} has no recognisable {', '.join(missing)}" if missing else ""
    )
    return {col.STREET: street, col.CITY: city, col.STATE: state, col.ZIP: zip_code}, problem


def split_addresses(lines: pd.Series) -> pd.DataFrame:
    """Return street, city, state, zip and problem columns for a column of one-line addresses."""
    rows = [split_address(str(line)) for line in lines.fillna("")]
    frame = pd.DataFrame(
        [parts for parts, _ in rows],
        index=lines.index,
        columns=[col.STREET, col.CITY, col.STATE, col.ZIP],
    ).fillna("")
    frame["problem"] = [problem for _, problem in rows]
    return frame.astype("str")
