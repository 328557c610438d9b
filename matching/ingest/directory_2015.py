"""Read SAMHSA's 2015 National Directory CSV, whose services are one "Keys" column of codes.

The codes become the long ``keys`` frame; the contact column is split into phone and intake
phone.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from matching.directory import columns as col
from matching.ingest.keys import long_keys
from matching.ingest.normalize import join_text
from matching.ingest.report import Raw
from matching.ingest.text import read_csv_text, require_columns

# The codes the 2015 edition prints. GeoDa's OCR legend (abbr_key.json) merges the legends of
# later editions too, so it is not this edition's code list: the 2015 directory has no code for
# opioid detox (ODTX), for accepting clients on medication prescribed elsewhere (MOA), for
# seniors (SNR), young-adult programs (TAY), accreditation (JC, CARF, ...), state licensing
# (STAG, ...), telehealth, naloxone education or transport, so those stay unknown. Language
# codes (F##, N##) only feed the ``languages`` text and are not listed.
_CODES_2015: Final = """
    SA SAF MHSAF MHF GHF DT HH CT HID HIT RES RS RL RD OP OD ODT OIT ORT OMB OTPA MM DM BU NXN
    VTRL ATR NP MD MC PI SF SS MI SI IHS PA VAMC ADLT CHLD YAD FEM MALE AD WN PW MN SE GL VET
    ADM MF CJ CO DU DV XA TRMA BC AH SP FX NX
"""
VOCABULARY_2015: Final = frozenset(_CODES_2015.split())
# Every facility accepts some age group and some sex and some payment (NP: none accepted): a
# row listing none of a group did not answer that question.
ANSWERED_2015: Final = (
    frozenset({"CHLD", "YAD", "ADLT"}),
    frozenset({"FEM", "MALE"}),
    frozenset({"SF", "MD", "MC", "PI", "MI", "SI", "IHS", "ATR", "NP"}),
)


def read_directory_2015(data: bytes, filename: str) -> Raw:
    frame = read_csv_text(data, filename)
    needed = ["Name1", "Address1", "City", "State", "ZIP_Code", "Keys", "Latitude", "Longitude"]
    require_columns(frame.columns, needed, filename, "the 2015 directory column(s)")
    get = frame.get
    empty = pd.Series("", index=frame.index, dtype="str")
    phone, intake = _split_contact(get("Contact", empty))
    table = pd.DataFrame(
        {
            col.NAME: frame["Name1"],
            col.NAME2: join_text(get("Name2", empty), get("Name3", empty), sep=" "),
            col.STREET: join_text(
                frame["Address1"], get("Address2", empty), get("Address3", empty)
            ),
            col.CITY: frame["City"],
            col.STATE: frame["State"],
            col.ZIP: frame["ZIP_Code"],
            col.PHONE: phone,
            col.INTAKE_PHONE: intake,
            col.LAT: frame["Latitude"],
            col.LON: frame["Longitude"],
        }
    )
    tokens = frame["Keys"].str.split("/").explode().str.strip()
    tokens = tokens[tokens.notna() & (tokens != "")]
    long = long_keys(tokens.index.to_numpy(), tokens.to_numpy(), "code", True)
    return Raw(
        table.reset_index(drop=True),
        np.arange(1, len(frame) + 1),
        long,
        VOCABULARY_2015,
        answered_groups=ANSWERED_2015,
    )


def _split_contact(contact: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split '(334)428-5050 Intake: (334)428-5040' into the phone and the intake phone."""
    parts = contact.str.split(r"\s*Intakes?:\s*", n=1, expand=True, regex=True)
    phone = parts[0].fillna("").str.strip()
    if parts.shape[1] < 2:
        return phone, pd.Series("", index=contact.index, dtype="str")
    rest = parts[1].fillna("")
    first = rest.str.extract(r"^(\(\d{3}\)\s*\d{3}-\d{4}(?:\s*x\d+)?)", expand=False)
    return phone, first.fillna(rest.str.strip())
