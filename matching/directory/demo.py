"""Generate and load the embedded synthetic demo directory (``data/demo_facilities.csv``).

Every facility here is fictional. Names say "Fictional ... (demo)", streets are "Example"
streets, phones are NANP fiction numbers (555-0100 to 555-0199) and websites are under
example.org. Only the shape of the data is realistic:

* **Services and payers** follow the SAMHSA *National Directory of Drug and Alcohol Abuse
  Treatment Facilities 2015* (11,928 facilities; the GeoDa OCR copy, see
  ``shared/data/real/SOURCES.md``). Each facility first gets a *profile* (hospital detox,
  residential with detox, opioid treatment program, plain outpatient, ...) at the profile's
  national share, then each service and payer is drawn with the probability that profile had
  in 2015. Conditioning on the profile keeps the joint patterns (hospital detox mostly sits
  with hospital inpatient care, methadone at OTPs, residential detox with residential) that
  independent national rates would lose. The shares and rates are recorded below as
  constants, so generation never needs the real file; :func:`derive_profile_rates` recomputes
  them from it, and a test checks that the two agree.
* **Places** are ZIP centroids from the ``zipcodes`` package (active STANDARD ZIPs with a
  location). States get facilities in proportion to their 2015 directory counts, with at
  least :data:`MIN_PER_STATE` each for all 50 states and DC. Within a state a ZIP is chosen
  with weight equal to the number of STANDARD ZIPs its city has - a population proxy that
  puts most facilities in large cities without emptying the countryside. Each point is then
  moved up to :data:`JITTER_MILES` in a random direction so facilities do not sit on centroids.
* **Availability** is synthetic for part of the facilities that have beds (detox or
  residential): open beds, a registry status consistent with them, and an *age* in hours.
  The CSV stores the age (``availability_age_hours``), not a timestamp; :func:`load_demo_directory`
  turns it into ``availability_reported_at = now - age``, so the demo looks as current on any
  day as on the day it was generated. Those rows always carry ``availability_source =
  "demo (synthetic)"``; the other rows have status ``unknown`` and no availability source.
  Every row has ``source = "demo (synthetic)"``.

Regenerate with ``python -m matching demo-data --out data/demo_facilities.csv``; the output is
byte-identical for the same seed and count.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
import zipcodes

from matching.directory import columns as col
from matching.directory.cache import cached_table
from matching.directory.io import to_csv_text, write_text_atomic
from matching.directory.schema import coerce_directory, validate_directory
from matching.errors import FacilityDataError
from matching.paths import DATA_DIR

DEMO_CSV: Final = DATA_DIR / "demo_facilities.csv"
SERVICE_CODES_CSV: Final = DATA_DIR / "service_codes.csv"

DEFAULT_SEED: Final = 20261126
DEFAULT_COUNT: Final = 3200
MIN_PER_STATE: Final = 5
JITTER_MILES: Final = 2.5
AGE_HOURS: Final = "availability_age_hours"

# Profiles of the 2015 national directory, assigned in this order of precedence (the first
# that applies wins): HID -> hospital_detox; HI/HIT -> hospital_inpatient; RD with
# residential -> residential_detox; residential -> residential; methadone -> OTP; any detox
# code -> outpatient_detox; everything else -> outpatient.
PROFILES: Final[tuple[str, ...]] = (
    "hospital_detox",
    "hospital_inpatient",
    "residential_detox",
    "residential",
    "opioid_treatment_program",
    "outpatient_detox",
    "outpatient",
)

# Facilities per profile in the 2015 directory (11,928 rows; derive_profile_rates recomputes).
PROFILE_COUNTS_2015: Final[dict[str, int]] = {
    "hospital_detox": 514,
    "hospital_inpatient": 74,
    "residential_detox": 690,
    "residential": 2009,
    "opioid_treatment_program": 1089,
    "outpatient_detox": 458,
    "outpatient": 7094,
}

# Share of each profile's 2015 facilities offering each service/payer, in PROFILES order.
# detox_any is recorded for facilities WITHOUT a detox subtype (DT or DM alone); the generator
# sets it wherever a subtype is drawn. Codes map to columns through data/service_codes.csv.
PROFILE_RATES_2015: Final[dict[str, tuple[float, ...]]] = {
    "detox_hospital": (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "detox_residential": (0.173, 0.054, 1.0, 0.0, 0.0, 0.0, 0.0),
    "detox_outpatient": (0.196, 0.068, 0.103, 0.024, 0.513, 0.993, 0.0),
    "detox_any": (0.0, 0.03, 0.0, 0.004, 0.245, 1.0, 0.0),
    "hospital_inpatient": (0.695, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "residential": (0.296, 0.284, 1.0, 1.0, 0.0, 0.0, 0.0),
    "partial_hospitalization": (0.37, 0.162, 0.261, 0.111, 0.035, 0.31, 0.098),
    "intensive_outpatient": (0.498, 0.297, 0.375, 0.229, 0.251, 0.801, 0.555),
    "outpatient": (0.595, 0.405, 0.449, 0.308, 1.0, 1.0, 0.99),
    "methadone": (0.169, 0.081, 0.049, 0.014, 1.0, 0.0, 0.0),
    "buprenorphine": (0.683, 0.486, 0.512, 0.21, 0.555, 0.642, 0.102),
    "naltrexone": (0.716, 0.432, 0.42, 0.221, 0.22, 0.64, 0.149),
    "pay_self": (0.92, 0.878, 0.904, 0.839, 0.975, 0.913, 0.909),
    "pay_medicaid": (0.698, 0.73, 0.455, 0.452, 0.623, 0.546, 0.641),
    "pay_medicare": (0.728, 0.581, 0.154, 0.163, 0.191, 0.439, 0.358),
    "pay_private": (0.946, 0.851, 0.757, 0.504, 0.429, 0.847, 0.706),
    "pay_military": (0.693, 0.527, 0.252, 0.187, 0.175, 0.404, 0.36),
    "pay_state": (0.553, 0.554, 0.401, 0.351, 0.319, 0.485, 0.476),
    "pay_ihs": (0.062, 0.081, 0.035, 0.064, 0.014, 0.046, 0.045),
    "sliding_fee": (0.169, 0.257, 0.329, 0.326, 0.232, 0.358, 0.468),
    "payment_assistance": (0.158, 0.162, 0.28, 0.317, 0.102, 0.183, 0.215),
}

# Not coded in 2015, so a plausible rule stands in (an assumption, not a measurement):
# detox that also offers methadone or buprenorphine, and hospital detox, manages opioid
# withdrawal; other detox programs do so at this rate.
OPIOID_DETOX_RATE_OTHER_DETOX: Final = 0.6
# Any facility offering MOUD accepts clients already on it; others do at this rate.
ACCEPTS_MOUD_RATE_WITHOUT_MOUD: Final = 0.45

# Facilities per state in the 2015 directory (50 states + DC; territories left out).
STATE_COUNTS_2015: Final[dict[str, int]] = {
    "AK": 73, "AL": 128, "AR": 59, "AZ": 250, "CA": 1234, "CO": 418, "CT": 160, "DC": 28,
    "DE": 33, "FL": 519, "GA": 270, "HI": 165, "IA": 105, "ID": 121, "IL": 651, "IN": 229,
    "KS": 189, "KY": 316, "LA": 91, "MA": 294, "MD": 338, "ME": 204, "MI": 423, "MN": 341,
    "MO": 234, "MS": 63, "MT": 54, "NC": 395, "ND": 58, "NE": 85, "NH": 36, "NJ": 311,
    "NM": 82, "NV": 60, "NY": 804, "OH": 302, "OK": 169, "OR": 209, "PA": 482, "RI": 55,
    "SC": 90, "SD": 64, "TN": 167, "TX": 381, "UT": 148, "VA": 139, "VT": 39, "WA": 401,
    "WI": 201, "WV": 92, "WY": 53,
}  # fmt: skip

# Synthetic availability: share of bed-holding facilities that report, how beds are drawn,
# the status when no bed is open, and the spread of report ages (fresh < 24 h, aging
# 24-72 h, stale > 72 h; docs/availability.md).
AVAILABILITY_SHARE: Final = 0.4
NO_BEDS_RATE: Final = 0.55
MAX_OPEN_BEDS: Final = 6
CLOSED_STATUSES: Final[dict[str, float]] = {
    "no_openings": 0.5,
    "waitlist": 0.3,
    "accepting_assessments": 0.2,
}
AGE_BANDS_HOURS: Final[tuple[tuple[float, tuple[float, float]], ...]] = (
    (0.5, (0.2, 23.9)),
    (0.3, (24.0, 72.0)),
    (0.2, (72.1, 240.0)),
)

_NAME_WORDS: Final = (
    "Harbor", "Cedar", "Maple", "Summit", "Riverbend", "Lakeside", "Pinecrest", "Willow",
    "Bluebird", "Meadow", "Stonebridge", "Lantern", "Northstar", "Sunrise", "Evergreen",
    "Clearwater", "Oak Hollow", "Silver Creek", "Juniper", "Beacon", "Foxglove", "Copper Hill",
    "Quiet Pines", "Red Rock", "Brightwater", "Hearthstone", "Kestrel", "Larkspur",
)  # fmt: skip
_PROFILE_KINDS: Final[dict[str, tuple[str, ...]]] = {
    "hospital_detox": ("Medical Center Withdrawal Unit", "Hospital Detox Unit"),
    "hospital_inpatient": ("Hospital Recovery Unit", "General Hospital Addiction Service"),
    "residential_detox": ("Detox and Residential Center", "Recovery Campus"),
    "residential": ("Residential Recovery House", "Recovery Ranch", "Treatment Lodge"),
    "opioid_treatment_program": ("Opioid Treatment Program", "Methadone Clinic"),
    "outpatient_detox": ("Outpatient Withdrawal Clinic", "Ambulatory Detox Clinic"),
    "outpatient": ("Counseling Center", "Recovery Clinic", "Behavioral Health Services"),
}
_STREET_SUFFIXES: Final = ("Ave", "St", "Rd", "Blvd", "Way", "Ln")
DEMO_NAME2: Final = "Demo listing - not a real facility"


def generate_demo(*, seed: int = DEFAULT_SEED, count: int = DEFAULT_COUNT) -> pd.DataFrame:
    """Return ``count`` fictional facilities as a canonical table plus ``availability_age_hours``.

    ``availability_reported_at`` is left empty; :func:`load_demo_directory` fills it.
    """
    if count < MIN_PER_STATE * len(STATE_COUNTS_2015):
        raise ValueError(
            f"count must be at least {MIN_PER_STATE * len(STATE_COUNTS_2015)} "
            f"({MIN_PER_STATE} per state and DC), got {count}"
        )
    rng = np.random.default_rng(seed)
    places = _draw_places(rng, count)
    services = _draw_services(rng, count)
    table = pd.concat([places, services], axis=1)
    table = pd.concat([table, _draw_identity(rng, table)], axis=1)
    table = pd.concat([table, _draw_availability(rng, table)], axis=1)
    table[col.SOURCE] = col.DEMO_SOURCE
    table[col.FACILITY_TYPE] = "SA"
    table[col.AVAILABILITY_REPORTED_AT] = pd.NaT
    return coerce_directory(table.drop(columns=["profile", "area_code"]))


def write_demo_csv(path: str | os.PathLike[str]) -> int:
    """Write the default demo set to ``path`` atomically and return its number of rows."""
    table = generate_demo()
    write_text_atomic(path, to_csv_text(table))
    return len(table)


def load_demo_directory(*, now: datetime | None = None, path: Path = DEMO_CSV) -> pd.DataFrame:
    """Read the demo CSV and return it validated, its availability reported ``age`` before ``now``.

    ``now`` must be timezone-aware (default: the current UTC time).
    """
    if now is None:
        now = datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(UTC)")
    if not path.exists():
        raise FacilityDataError(
            f"Demo directory {str(path)!r} does not exist; regenerate it with "
            "`python -m matching demo-data --out data/demo_facilities.csv`"
        )
    table = cached_table(path, lambda data: _demo_table(data, path.name), kind="demo")
    # The ages are cached, the stamps are not: they move with ``now``.
    stamps = pd.Timestamp(now).tz_convert("UTC") - pd.to_timedelta(table.pop(AGE_HOURS), unit="h")
    table[col.AVAILABILITY_REPORTED_AT] = stamps.dt.floor("s").astype(
        col.DTYPES[col.AVAILABILITY_REPORTED_AT]
    )
    return table


def _demo_table(data: bytes, name: str) -> pd.DataFrame:
    """Return the validated demo table with the report ages (hours) in an AGE_HOURS column."""
    raw = pd.read_csv(io.BytesIO(data), dtype="str", keep_default_na=False, encoding="utf-8")
    if AGE_HOURS not in raw.columns:
        raise FacilityDataError(
            f"{name} has no {AGE_HOURS!r} column, so it is not the demo directory; "
            "load other directories with read_directory"
        )
    ages = pd.to_numeric(raw[AGE_HOURS].replace("", pd.NA), errors="coerce")
    table = raw.drop(columns=AGE_HOURS).replace("", pd.NA)
    table = table.fillna({name: "" for name in col.TEXT_COLUMNS + (col.AVAILABILITY_STATUS,)})
    # Validation does not look at the report times, so any stamp validates like the real one.
    table[col.AVAILABILITY_REPORTED_AT] = pd.NaT
    validated = validate_directory(table)
    validated[AGE_HOURS] = ages.astype("float64").to_numpy()
    return validated


def is_demo_directory(frame: pd.DataFrame) -> bool:
    """Return True when any row of ``frame`` comes from the demo set.

    "Any", not "all": the fictional-facilities banner must show whenever one could be on screen.
    """
    return col.SOURCE in frame.columns and bool((frame[col.SOURCE] == col.DEMO_SOURCE).any())


def state_allocation(count: int) -> dict[str, int]:
    """Return facilities per state: ``MIN_PER_STATE`` each, the rest by 2015 share.

    The rest is split by largest remainder, so the counts always add up to ``count``.
    """
    states = sorted(STATE_COUNTS_2015)
    weights = np.array([STATE_COUNTS_2015[s] for s in states], dtype=float)
    spare = count - MIN_PER_STATE * len(states)
    exact = spare * weights / weights.sum()
    extra = np.floor(exact).astype(int)
    leftover = spare - int(extra.sum())
    # Ties break by state code (a stable sort) so the split is deterministic.
    order = np.argsort(-(exact - extra), kind="stable")
    extra[order[:leftover]] += 1
    return {s: MIN_PER_STATE + int(n) for s, n in zip(states, extra, strict=True)}


@lru_cache(maxsize=1)
def _zip_pool() -> pd.DataFrame:
    """Return active STANDARD ZIPs that have a location, with each city's ZIP count."""
    records = [
        z
        for z in zipcodes.list_all()
        if z["zip_code_type"] == "STANDARD"
        and z["active"]
        and z["state"] in STATE_COUNTS_2015
        and not (float(z["lat"]) == 0 and float(z["long"]) == 0)
    ]
    pool = pd.DataFrame(
        {
            "zip": [z["zip_code"] for z in records],
            "city": [z["city"] for z in records],
            "state": [z["state"] for z in records],
            "county": [z["county"] or "" for z in records],
            "area_code": [(z["area_codes"] or ["555"])[0] for z in records],
            "zip_lat": [float(z["lat"]) for z in records],
            "zip_lon": [float(z["long"]) for z in records],
        }
    ).sort_values("zip", ignore_index=True)
    pool["city_zips"] = pool.groupby(["state", "city"])["zip"].transform("size")
    return pool


def _draw_places(rng: np.random.Generator, count: int) -> pd.DataFrame:
    pool = _zip_pool()
    picks: list[np.ndarray] = []
    for state, n in state_allocation(count).items():
        candidates = pool.index[pool["state"] == state].to_numpy()
        weights = pool.loc[candidates, "city_zips"].to_numpy(dtype=float)
        picks.append(rng.choice(candidates, size=n, p=weights / weights.sum()))
    chosen = pool.loc[np.concatenate(picks)].reset_index(drop=True)
    bearings = rng.uniform(0, 360, size=count)
    # sqrt spreads points evenly over the disc instead of bunching them at the centre.
    offsets_miles = JITTER_MILES * np.sqrt(rng.uniform(0, 1, size=count))
    # geopy is imported here, not at the top: only generating the demo set needs it, and
    # loading it costs every search process 0.1 s.
    from geopy.distance import distance

    points = [
        distance(miles=d).destination((lat, lon), bearing=b)
        for lat, lon, d, b in zip(
            chosen["zip_lat"], chosen["zip_lon"], offsets_miles, bearings, strict=True
        )
    ]
    return pd.DataFrame(
        {
            col.CITY: chosen["city"],
            col.STATE: chosen["state"],
            col.ZIP: chosen["zip"],
            col.COUNTY: chosen["county"],
            col.LAT: [round(p.latitude, 5) for p in points],
            col.LON: [round(p.longitude, 5) for p in points],
            "area_code": chosen["area_code"],
        }
    )


def _draw_services(rng: np.random.Generator, count: int) -> pd.DataFrame:
    counts = np.array([PROFILE_COUNTS_2015[p] for p in PROFILES], dtype=float)
    profile = rng.choice(len(PROFILES), size=count, p=counts / counts.sum())
    drawn = {
        name: rng.random(count) < np.asarray(rates)[profile]
        for name, rates in PROFILE_RATES_2015.items()
    }
    detox_subtype = drawn["detox_hospital"] | drawn["detox_residential"] | drawn["detox_outpatient"]
    drawn["detox_any"] = drawn["detox_any"] | detox_subtype
    moud = drawn["methadone"] | drawn["buprenorphine"] | drawn["naltrexone"]
    opioid_detox = drawn["methadone"] | drawn["buprenorphine"] | drawn["detox_hospital"]
    drawn["detox_opioid"] = drawn["detox_any"] & (
        opioid_detox | (rng.random(count) < OPIOID_DETOX_RATE_OTHER_DETOX)
    )
    drawn["accepts_moud_clients"] = moud | (rng.random(count) < ACCEPTS_MOUD_RATE_WITHOUT_MOUD)
    services = pd.DataFrame({name: drawn[name] for name in col.SERVICE_COLUMNS})
    services["profile"] = np.asarray(PROFILES)[profile]
    return services


def _draw_identity(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    count = len(table)
    ids = [f"demo-{i:06d}" for i in range(1, count + 1)]
    words = rng.choice(len(_NAME_WORDS), size=count)
    kind_picks = rng.integers(0, 1_000, size=count)
    names = [
        f"Fictional {_NAME_WORDS[w]} {kinds[k % len(kinds)]} (demo)"
        for w, k, kinds in zip(
            words, kind_picks, (_PROFILE_KINDS[p] for p in table["profile"]), strict=True
        )
    ]
    numbers = rng.integers(100, 9_900, size=count)
    suffixes = rng.choice(len(_STREET_SUFFIXES), size=count)
    lines = rng.integers(0, 100, size=(count, 2))
    has_website = rng.random(count) < 0.6
    has_beds = _holds_beds(table)
    area = table["area_code"]
    return pd.DataFrame(
        {
            col.FACILITY_ID: ids,
            col.NAME: names,
            col.NAME2: DEMO_NAME2,
            col.STREET: [
                f"{n} Example {_STREET_SUFFIXES[s]}" for n, s in zip(numbers, suffixes, strict=True)
            ],
            col.PHONE: [f"({a}) 555-01{x:02d}" for a, x in zip(area, lines[:, 0], strict=True)],
            col.INTAKE_PHONE: [
                f"({a}) 555-01{x:02d}" if beds else ""
                for a, x, beds in zip(area, lines[:, 1], has_beds, strict=True)
            ],
            col.WEBSITE: [
                f"https://example.org/demo/{i}" if web else ""
                for i, web in zip(ids, has_website, strict=True)
            ],
        }
    )


def _holds_beds(table: pd.DataFrame) -> np.ndarray:
    return (
        table["detox_hospital"]
        | table["detox_residential"]
        | table["hospital_inpatient"]
        | table["residential"]
    ).to_numpy()


def _draw_availability(rng: np.random.Generator, table: pd.DataFrame) -> pd.DataFrame:
    count = len(table)
    reports = _holds_beds(table) & (rng.random(count) < AVAILABILITY_SHARE)
    inpatient_detox = (table["detox_hospital"] | table["detox_residential"]).to_numpy()
    residential = (table["residential"] | table["hospital_inpatient"]).to_numpy()

    def beds(offers: np.ndarray) -> pd.Series:
        open_beds = np.where(
            rng.random(count) < NO_BEDS_RATE, 0, rng.integers(1, MAX_OPEN_BEDS + 1, size=count)
        )
        return pd.Series(open_beds, dtype="Int64").where(reports & offers, pd.NA)

    detox_beds = beds(inpatient_detox)
    residential_beds = beds(residential)
    closed = rng.choice(
        list(CLOSED_STATUSES), size=count, p=np.asarray(list(CLOSED_STATUSES.values()))
    )
    any_open = (detox_beds.fillna(0) > 0) | (residential_beds.fillna(0) > 0)
    status = np.where(any_open.to_numpy(), "openings", closed)
    band = rng.choice(len(AGE_BANDS_HOURS), size=count, p=[b[0] for b in AGE_BANDS_HOURS])
    low = np.array([AGE_BANDS_HOURS[b][1][0] for b in band])
    high = np.array([AGE_BANDS_HOURS[b][1][1] for b in band])
    ages = np.round(rng.uniform(low, high), 1)
    return pd.DataFrame(
        {
            col.BEDS_OPEN_DETOX: detox_beds,
            col.BEDS_OPEN_RESIDENTIAL: residential_beds,
            col.AVAILABILITY_STATUS: np.where(reports, status, "unknown"),
            col.AVAILABILITY_SOURCE: np.where(reports, col.DEMO_SOURCE, ""),
            AGE_HOURS: pd.Series(ages).where(reports),
        }
    )


def derive_profile_rates(
    national_2015: pd.DataFrame, service_codes: Path = SERVICE_CODES_CSV
) -> tuple[dict[str, int], dict[str, tuple[float, ...]]]:
    """Recompute ``PROFILE_COUNTS_2015`` and ``PROFILE_RATES_2015`` from the 2015 directory.

    ``national_2015`` is the directory with its slash-joined ``Keys`` column; codes map to
    columns through ``service_codes`` (rows of kind ``code``). Rates are rounded to 3 places.
    """
    mapping = pd.read_csv(service_codes, dtype="str", keep_default_na=False)
    mapping = mapping[(mapping["kind"] == "code") & (mapping["column"] != "")]
    keys = national_2015["Keys"].str.strip("/").str.split("/").explode()
    codes = pd.DataFrame({"row": keys.index, "key": keys.to_numpy()})
    joined = codes.merge(mapping, on="key")
    offered = (
        pd.crosstab(joined["row"], joined["column"]).reindex(
            index=national_2015.index, columns=list(PROFILE_RATES_2015), fill_value=0
        )
        > 0
    )
    profile = _profile_of(offered)
    counts = {p: int((profile == p).sum()) for p in PROFILES}
    no_subtype = ~(
        offered["detox_hospital"] | offered["detox_residential"] | offered["detox_outpatient"]
    )
    rates: dict[str, tuple[float, ...]] = {}
    for name in PROFILE_RATES_2015:
        values = offered[name]
        within = no_subtype if name == "detox_any" else pd.Series(True, index=values.index)
        rates[name] = tuple(
            round(float(values[(profile == p) & within].mean()), 3)
            if ((profile == p) & within).any()
            else 0.0
            for p in PROFILES
        )
    return counts, rates


def _profile_of(offered: pd.DataFrame) -> pd.Series:
    rules = [
        ("hospital_detox", offered["detox_hospital"]),
        ("hospital_inpatient", offered["hospital_inpatient"]),
        ("residential_detox", offered["detox_residential"] & offered["residential"]),
        ("residential", offered["residential"]),
        ("opioid_treatment_program", offered["methadone"]),
        ("outpatient_detox", offered["detox_any"] | offered["detox_outpatient"]),
    ]
    profile = pd.Series("outpatient", index=offered.index, dtype="str")
    for name, mask in reversed(rules):
        profile = profile.mask(mask, name)
    return profile
