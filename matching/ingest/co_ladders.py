"""Colorado's LADDERS provider directory feed (CSV), as the state's provider finder publishes it.

The Behavioral Health Administration exports its licensing and provider-directory system
weekly. Columns read here: ``AccountID`` (the id), ``DisplayName`` and ``AccountName``,
``AddressOneLine`` ("1245 East Colfax Avenue, Suite 203, Denver, Colorado 80218": the state
spelled out, suites kept), ``HideAddress`` (1: the address is withheld), ``Phone``,
``Website``, ``Fees``, ``LanguagesSpoken``, ``PopulationServed``, ``SubstanceUseServices`` (ASAM
level names), ``OpioidTreatmentPrograms``, ``OffersTelehealth``, ``ActiveSUDLicense``,
``AcceptingNewPatients``, ``ProviderDirectoryFormModifiedDate`` (Mountain time) and ``lat``,
``lon``.

What the feed can say, row by row (unknown is never "no"):

- **Levels of care** from the ASAM level names of ``SubstanceUseServices``. A row that names
  at least one level denies the levels it does not name; a row that names none (only "DUI/DWI",
  say, or nothing) says nothing about any level.
- **Payment** from ``Fees``: a row that lists fees denies the payers it does not list; an
  empty ``Fees`` says nothing. The feed's four choices cover self-pay, Medicaid, private
  insurance and a sliding fee; Medicare and the others stay unknown everywhere.
- **Who is served** (``PopulationServed``) and languages only ever say yes: a population not
  listed is not a refusal. A listed language list without Spanish or ASL denies those two.
- **Accepting new patients** ("yes" or empty): the state listing's own availability signal, a
  yes or unknown, never a no.
- A row with ``HideAddress`` = 1 ("Please contact this provider directly for location") has
  no address to search by: it is left out of the directory and counted, with its row number,
  in the import report's notes.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.ingest.address import split_addresses
from matching.ingest.report import Raw
from matching.ingest.text import read_csv_text, require_columns

SOURCE_LABEL: Final = "Colorado LADDERS provider directory"
HEADER_SIGNATURE: Final = frozenset(
    {"AccountName", "AddressOneLine", "SubstanceUseServices", "ProviderDirectoryFormModifiedDate"}
)
_REQUIRED: Final = ("AccountID", "AccountName", "AddressOneLine", "SubstanceUseServices")
# The listing's modification time is the provider's own clock in Colorado.
FEED_TIME_ZONE: Final = "America/Denver"
HIDDEN_ADDRESS_NOTE: Final = (
    "{count} row(s) withhold their address (HideAddress = 1) and are left out, since ReadyBed "
    "searches by location (rows {rows}); the state's provider finder lists them"
)

# ASAM level names -> the canonical level-of-care columns they mean (3.2-WM, 3.7-WM, 3.1, ...).
LEVELS: Final[dict[str, tuple[str, ...]]] = {
    "clinically managed residential detoxification": ("detox_any", "detox_residential"),
    "medically monitored inpatient detoxification": ("detox_any", "detox_residential"),
    "clinically managed low intensity residential services": ("residential",),
    "clinically managed medium intensity residential services": ("residential",),
    "clinically managed high intensity residential services": ("residential",),
    "medically monitored intensive residential treatment": ("residential",),
    "intensive outpatient": ("intensive_outpatient",),
    "day treatment (partial hospitalization)": ("partial_hospitalization",),
    "outpatient": ("outpatient",),
}
LEVEL_COLUMNS: Final = (
    "detox_any",
    "detox_residential",
    "residential",
    "intensive_outpatient",
    "partial_hospitalization",
    "outpatient",
)
FEES: Final[dict[str, str]] = {
    "self pay": "pay_self",
    "medicaid": "pay_medicaid",
    "private insurance": "pay_private",
    "sliding fee scale": "sliding_fee",
}
# Populations the feed names -> what each says (yes only).
POPULATIONS: Final[dict[str, tuple[str, ...]]] = {
    "men": ("accepts_male",),
    "women": ("accepts_female",),
    "older adults": ("accepts_seniors", "program_seniors"),
    "youth": ("accepts_adolescents",),
    "minors/adolescents": ("accepts_adolescents", "program_adolescents"),
    "pregnant person": ("program_pregnant_postpartum",),
    "military": ("program_veterans",),
    "lgbtqia+": ("program_lgbtq",),
    "offender": ("program_criminal_justice",),
    "clients referred from court/judicial system": ("program_criminal_justice",),
}
_TELEHEALTH: Final[dict[str, str]] = {
    "telehealth available - no restrictions": "true",
    "telehealth available - with restrictions": "true",
    "telehealth only": "true",
    "no telehealth available": "false",
}


def looks_like_co_ladders(header: list[str]) -> bool:
    """Return whether a CSV header is the LADDERS feed's."""
    return set(header) >= HEADER_SIGNATURE


def read_co_ladders(data: bytes, filename: str) -> Raw:
    """Read the LADDERS feed into raw canonical columns (see the module docstring)."""
    frame = read_csv_text(data, filename)
    require_columns(frame.columns, _REQUIRED, filename, "the LADDERS column(s)")
    hidden = frame.get("HideAddress", pd.Series("", index=frame.index)).str.strip().eq("1")
    address = split_addresses(frame["AddressOneLine"].where(~hidden, ""))
    table = _listing(frame, address, hidden).join(_services(frame))
    row_numbers = np.arange(1, len(frame) + 1)
    notes: tuple[str, ...] = ()
    if hidden.any():
        withheld = ", ".join(str(number) for number in row_numbers[hidden.to_numpy()])
        notes = (HIDDEN_ADDRESS_NOTE.format(count=int(hidden.sum()), rows=withheld),)
    kept = ~hidden.to_numpy()
    return Raw(
        table[kept].fillna("").reset_index(drop=True),
        row_numbers[kept],
        None,
        withheld=int(hidden.sum()),
        problems=_bad_addresses(address)[kept].reset_index(drop=True),
        notes=notes,
    )


def _listing(frame: pd.DataFrame, address: pd.DataFrame, hidden: pd.Series) -> pd.DataFrame:
    """Return who and where each row is, its listing time and its single-valued facts."""
    empty = pd.Series("", index=frame.index, dtype="str")
    get = frame.get
    display = get("DisplayName", empty).str.strip()
    account = frame["AccountName"].str.strip()
    number = frame["AccountID"].str.strip()
    return pd.DataFrame(
        {
            col.FACILITY_ID: ("CO-LADDERS-" + number).where(number != "", ""),
            col.NAME: display.where(display != "", account),
            col.NAME2: account.where(account != display, ""),
            col.STREET: address[col.STREET],
            col.CITY: address[col.CITY],
            # Colorado's feed lists Colorado providers: a state the parser missed is Colorado.
            col.STATE: address[col.STATE].where(address[col.STATE] != "", "CO"),
            col.ZIP: address[col.ZIP],
            col.PHONE: get("Phone", empty),
            col.WEBSITE: get("Website", empty),
            col.LAT: get("lat", empty).where(~hidden, ""),
            col.LON: get("lon", empty).where(~hidden, ""),
            col.SOURCE: SOURCE_LABEL,
            col.LISTED_AT: listed_at(get("ProviderDirectoryFormModifiedDate", empty)),
            col.LOCATION_PRECISION: np.where(get("lat", empty).str.strip().ne("") & ~hidden,
                                             "exact", ""),
            col.ACCEPTING_NEW_PATIENTS: get("AcceptingNewPatients", empty)
            .str.strip()
            .str.lower()
            .map({"yes": "true"})
            .fillna(""),
            "otp_certified": get("OpioidTreatmentPrograms", empty).str.strip().map(
                {"1": "true", "0": "false"}
            ).fillna(""),
            "telehealth": get("OffersTelehealth", empty).str.strip().str.lower().map(
                _TELEHEALTH
            ).fillna(""),
            "state_licensed": np.where(get("ActiveSUDLicense", empty).str.strip() == "1",
                                       "true", ""),
            col.LANGUAGES: _listed(get("LanguagesSpoken", empty)).str.join("; "),
        }
    )  # fmt: skip


def _services(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the levels of care, payers, populations and languages each row says."""
    empty = pd.Series("", index=frame.index, dtype="str")
    fees = frame.get("Fees", empty)
    return (
        _listed_flags(frame["SubstanceUseServices"], LEVELS, LEVEL_COLUMNS)
        .join(_listed_flags(fees, _as_tuples(FEES), tuple(FEES.values())))
        .join(_yes_only(frame.get("PopulationServed", empty), POPULATIONS))
        .join(_languages(frame.get("LanguagesSpoken", empty)))
    )


def listed_at(stamps: pd.Series) -> pd.Series:
    """Return the listing times ("6/28/2022 5:27 PM", Colorado time) as UTC ISO text."""
    parsed = pd.to_datetime(stamps.str.strip(), format="%m/%d/%Y %I:%M %p", errors="coerce")
    local = parsed.dt.tz_localize(FEED_TIME_ZONE, ambiguous="NaT", nonexistent="shift_forward")
    return local.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").fillna("")


def _listed(cells: pd.Series) -> pd.Series:
    """Return each cell's "a; b; c" as a list of stripped items (empty cell: empty list)."""
    return (
        cells.fillna("")
        .astype("str")
        .map(lambda text: [item.strip() for item in text.split(";") if item.strip()])
    )


def _as_tuples(mapping: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {name: (column,) for name, column in mapping.items()}


def _listed_flags(
    cells: pd.Series, meaning: dict[str, tuple[str, ...]], columns: tuple[str, ...]
) -> pd.DataFrame:
    """Return 'true' for what a row lists and 'false' for the rest of ``columns`` — but only
    on rows that list at least one item of ``meaning``; other rows say nothing ('')."""
    out = pd.DataFrame("", index=cells.index, columns=list(columns))
    for position, items in _listed(cells).items():
        said = [meaning[item.casefold()] for item in items if item.casefold() in meaning]
        if not said:
            continue
        out.loc[position, list(columns)] = "false"
        for names in said:
            out.loc[position, list(names)] = "true"
    return out


def _yes_only(cells: pd.Series, meaning: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Return 'true' for what each row lists; what it does not list stays unknown ('')."""
    columns = list(dict.fromkeys(name for names in meaning.values() for name in names))
    out = pd.DataFrame("", index=cells.index, columns=columns)
    for position, items in _listed(cells).items():
        for item in items:
            for name in meaning.get(item.casefold(), ()):
                out.at[position, name] = "true"
    return out


def _languages(cells: pd.Series) -> pd.DataFrame:
    """Return lang_spanish / lang_sign: yes when listed, no when a list is given without it."""
    lists = _listed(cells).map(lambda items: [item.casefold() for item in items])
    given = lists.map(bool)
    spanish = lists.map(lambda items: "spanish" in items)
    sign = lists.map(lambda items: any("sign language" in item for item in items))
    return pd.DataFrame(
        {
            "lang_spanish": np.where(spanish, "true", np.where(given, "false", "")),
            "lang_sign": np.where(sign, "true", np.where(given, "false", "")),
        },
        index=cells.index,
    )


def _bad_addresses(address: pd.DataFrame) -> pd.Series:
    """Return why a row's address cannot be used ('' otherwise): no ZIP could be read in it."""
    return address["problem"].where(address[col.ZIP].eq(""), "").astype("str")
