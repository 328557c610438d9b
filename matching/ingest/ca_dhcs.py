"""California DHCS's list of licensed and certified SUD treatment facilities (CSV).

Columns: ``license_number, facility_name, legal_entity, address_line1, address_line2, city,
state, zip, county, phone, setting_code`` (RES residential, NON non-residential, DSS, DPH),
``offers_detox, is_licensed, is_certified, license_expiration, license_expired,
treatment_capacity, target_population`` (CO-ED, WOMEN ONLY, MEN ONLY, YOUTH/ADOLESCENT, ...),
``adolescent_waiver, latitude, longitude``. Data: California Department of Health Care
Services, CC BY 4.0.

What the list can say: the setting (residential or not), detox (yes or no), who is admitted
(the target population), licensed capacity and the licence's expiry. Everything else (payment,
medications, levels of detox) is unknown, never "no". The licence number is the id.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.ingest.normalize import join_text
from matching.ingest.report import Raw
from matching.ingest.text import read_csv_text, require_columns

SOURCE_LABEL: Final = "California DHCS licensing list"
HEADER_SIGNATURE: Final = frozenset({"license_number", "setting_code", "treatment_capacity"})
_REQUIRED: Final = (
    "license_number",
    "facility_name",
    "address_line1",
    "city",
    "state",
    "zip",
    "setting_code",
    "target_population",
)

# Setting codes whose meaning for "residential" is known; DSS and DPH stay unknown.
_RESIDENTIAL: Final[dict[str, str]] = {"RES": "true", "NON": "false"}

# What each part of a target population ("WOMEN/CHILD/DUAL") says; parts not listed say nothing.
_POPULATION_PARTS: Final[dict[str, dict[str, str]]] = {
    "CO-ED": {"accepts_female": "true", "accepts_male": "true"},
    "FAMILIES": {"accepts_female": "true", "accepts_male": "true"},
    "WOMEN": {"accepts_female": "true", "accepts_male": "false", "program_women": "true"},
    "WOMEN ONLY": {"accepts_female": "true", "accepts_male": "false", "program_women": "true"},
    "MEN ONLY": {"accepts_female": "false", "accepts_male": "true", "program_men": "true"},
    "MEN": {"accepts_female": "false", "accepts_male": "true", "program_men": "true"},
    "YOUTH": {"accepts_adolescents": "true", "program_adolescents": "true"},
    "ADOLESCENT": {"accepts_adolescents": "true", "program_adolescents": "true"},
    # Women with their dependent children live in (DHCS's perinatal programs).
    "CHILDREN": {"beds_for_children": "true"},
    "CHILD": {"beds_for_children": "true"},
    "DUAL": {"program_co_occurring": "true"},
    "DUAL DIAGNOSIS": {"program_co_occurring": "true"},
}
_POPULATION_COLUMNS: Final = tuple(
    dict.fromkeys(name for part in _POPULATION_PARTS.values() for name in part)
)


def looks_like_ca_dhcs(header: list[str]) -> bool:
    """Return whether a CSV header is the DHCS licensing list's."""
    return set(header) >= HEADER_SIGNATURE


def read_ca_dhcs(data: bytes, filename: str) -> Raw:
    frame = read_csv_text(data, filename)
    require_columns(frame.columns, _REQUIRED, filename, "the DHCS licensing column(s)")
    empty = pd.Series("", index=frame.index, dtype="str")
    get = frame.get
    number = frame["license_number"].str.strip()
    table = pd.DataFrame(
        {
            col.FACILITY_ID: ("CA-DHCS-" + number).where(number != "", ""),
            col.NAME: frame["facility_name"],
            col.NAME2: get("legal_entity", empty),
            col.STREET: join_text(frame["address_line1"], get("address_line2", empty)),
            col.CITY: frame["city"],
            # DHCS licenses California facilities only: a garbled state ("C") is California.
            col.STATE: frame["state"].where(
                frame["state"].str.strip().str.fullmatch(r"[A-Za-z]{2}"), "CA"
            ),
            col.ZIP: frame["zip"],
            col.COUNTY: get("county", empty),
            col.PHONE: get("phone", empty),
            col.LAT: get("latitude", empty),
            col.LON: get("longitude", empty),
            col.SOURCE: SOURCE_LABEL,
            "residential": frame["setting_code"].str.strip().str.upper().map(_RESIDENTIAL),
            "detox_any": _flag(get("offers_detox", empty)),
            col.LICENSED_BEDS: get("treatment_capacity", empty).str.strip(),
            col.LICENSE_EXPIRES: get("license_expiration", empty).str.strip(),
            col.LICENSE_EXPIRED: _flag(get("license_expired", empty)),
        }
    )
    licensed = _flag(get("is_licensed", empty)).eq("true") | _flag(get("is_certified", empty)).eq(
        "true"
    )
    table["state_licensed"] = np.where(licensed, "true", "")
    table = table.join(_population(frame["target_population"]))
    waiver = _flag(get("adolescent_waiver", empty)).eq("true")
    table.loc[waiver, "accepts_adolescents"] = "true"
    return Raw(table.fillna(""), np.arange(1, len(frame) + 1), None, problems=_bad_cells(table))


def _flag(text: pd.Series) -> pd.Series:
    """Return 'true'/'false' for the list's true/false cells, '' where empty or unclear."""
    folded = text.astype("str").str.strip().str.lower()
    return folded.where(folded.isin(("true", "false")), "")


def _population(population: pd.Series) -> pd.DataFrame:
    """Return the flags a target population states ('' where it says nothing)."""
    out = pd.DataFrame("", index=population.index, columns=list(_POPULATION_COLUMNS))
    parts = population.astype("str").str.upper().str.split("/")
    for position, tokens in zip(population.index, parts, strict=True):
        for token in tokens if isinstance(tokens, list) else []:
            for name, value in _POPULATION_PARTS.get(" ".join(token.split()), {}).items():
                out.at[position, name] = value
    return out


def _bad_cells(table: pd.DataFrame) -> pd.Series:
    """Return a reason for rows whose capacity or expiry cannot be read ('' otherwise)."""
    reasons = pd.Series("", index=table.index, dtype="str")
    beds = table[col.LICENSED_BEDS]
    numbers = pd.to_numeric(beds, errors="coerce")
    bad_beds = (beds != "") & (numbers.isna() | (numbers < 0) | (numbers % 1 != 0))
    reasons = reasons.where(~bad_beds, "treatment_capacity '" + beds + "' is not a whole number")
    expires = table[col.LICENSE_EXPIRES]
    stamps = pd.to_datetime(expires, errors="coerce", format="mixed")
    bad_date = (expires != "") & stamps.isna()
    message = "license_expiration '" + expires.str.slice(0, 20) + "' is not a date"
    joined = reasons.where(reasons == "", reasons + "; ") + message
    return reasons.where(~bad_date, joined)
