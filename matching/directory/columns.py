"""The canonical facility table: column names, groups and dtypes.

Every importer produces this table and everything downstream (search, app, exports) reads it.
The names in ``CANONICAL_COLUMNS`` are a contract (``docs/facility-table.md``): checks outside the
repository rely on them, so add columns freely but never rename these.
"""

from __future__ import annotations

import typing
from typing import Final, Literal

FACILITY_ID: Final = "facility_id"
NAME: Final = "name"
NAME2: Final = "name2"
STREET: Final = "street"
CITY: Final = "city"
STATE: Final = "state"
ZIP: Final = "zip"
PHONE: Final = "phone"
INTAKE_PHONE: Final = "intake_phone"
WEBSITE: Final = "website"
LAT: Final = "lat"
LON: Final = "lon"
FACILITY_TYPE: Final = "facility_type"
SOURCE: Final = "source"

BEDS_OPEN_DETOX: Final = "beds_open_detox"
BEDS_OPEN_RESIDENTIAL: Final = "beds_open_residential"
AVAILABILITY_STATUS: Final = "availability_status"
AVAILABILITY_REPORTED_AT: Final = "availability_reported_at"
AVAILABILITY_SOURCE: Final = "availability_source"

# Extra columns (not part of the contract, but produced by every importer).
COUNTY: Final = "county"
ACCREDITED: Final = "accredited"
SERVICES: Final = "services"

TEXT_COLUMNS: Final[tuple[str, ...]] = (
    FACILITY_ID,
    NAME,
    NAME2,
    STREET,
    CITY,
    STATE,
    ZIP,
    PHONE,
    INTAKE_PHONE,
    WEBSITE,
    FACILITY_TYPE,
    SOURCE,
)

DETOX_COLUMNS: Final[tuple[str, ...]] = (
    "detox_any",
    "detox_hospital",
    "detox_residential",
    "detox_outpatient",
    "detox_opioid",
)
CARE_COLUMNS: Final[tuple[str, ...]] = (
    "hospital_inpatient",
    "residential",
    "partial_hospitalization",
    "intensive_outpatient",
    "outpatient",
)
MOUD_COLUMNS: Final[tuple[str, ...]] = (
    "methadone",
    "buprenorphine",
    "naltrexone",
    "accepts_moud_clients",
)
PAYMENT_COLUMNS: Final[tuple[str, ...]] = (
    "pay_self",
    "pay_medicaid",
    "pay_medicare",
    "pay_private",
    "pay_military",
    "pay_state",
    "pay_ihs",
    "sliding_fee",
    "payment_assistance",
)
# Insurance proper: what a plan pays, as opposed to self-pay and fee help.
_NOT_INSURANCE: Final = ("pay_self", "sliding_fee", "payment_assistance")
INSURANCE_COLUMNS: Final[tuple[str, ...]] = tuple(
    name for name in PAYMENT_COLUMNS if name not in _NOT_INSURANCE
)
SERVICE_COLUMNS: Final[tuple[str, ...]] = (
    DETOX_COLUMNS + CARE_COLUMNS + MOUD_COLUMNS + PAYMENT_COLUMNS
)
BED_COLUMNS: Final[tuple[str, ...]] = (BEDS_OPEN_DETOX, BEDS_OPEN_RESIDENTIAL)
AVAILABILITY_COLUMNS: Final[tuple[str, ...]] = (
    BEDS_OPEN_DETOX,
    BEDS_OPEN_RESIDENTIAL,
    AVAILABILITY_STATUS,
    AVAILABILITY_REPORTED_AT,
    AVAILABILITY_SOURCE,
)

CANONICAL_COLUMNS: Final[tuple[str, ...]] = (
    (FACILITY_ID, NAME, NAME2, STREET, CITY, STATE, ZIP, PHONE, INTAKE_PHONE, WEBSITE)
    + (LAT, LON, FACILITY_TYPE, SOURCE)
    + SERVICE_COLUMNS
    + AVAILABILITY_COLUMNS
)

# Second-round contract columns (docs/facility-table.md). Every importer fills what its source
# can say; a table without them gets them as unknown, so older canonical CSVs still load.
LISTED_AT: Final = "listed_at"
LOCATION_PRECISION: Final = "location_precision"
LANGUAGES: Final = "languages"
ACCREDITATIONS: Final = "accreditations"
LICENSED_BEDS: Final = "licensed_beds"
BEDS_OPEN_DETOX_FEMALE: Final = "beds_open_detox_female"
BEDS_OPEN_DETOX_MALE: Final = "beds_open_detox_male"
BEDS_OPEN_RESIDENTIAL_FEMALE: Final = "beds_open_residential_female"
BEDS_OPEN_RESIDENTIAL_MALE: Final = "beds_open_residential_male"

AGE_COLUMNS: Final[tuple[str, ...]] = (
    "accepts_adolescents",
    "accepts_young_adults",
    "accepts_adults",
    "accepts_seniors",
)
SEX_COLUMNS: Final[tuple[str, ...]] = ("accepts_female", "accepts_male")
PROGRAM_COLUMNS: Final[tuple[str, ...]] = (
    "program_adolescents",
    "program_young_adults",
    "program_women",
    "program_pregnant_postpartum",
    "program_men",
    "program_seniors",
    "program_lgbtq",
    "program_veterans",
    "program_criminal_justice",
    "program_co_occurring",
)
LANGUAGE_COLUMNS: Final[tuple[str, ...]] = ("lang_spanish", "lang_sign")
FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    "otp_certified",
    "telehealth",
    "state_licensed",
    "naloxone_education",
    "beds_for_children",
    "transport_assistance",
)
# Who the person is and what else the facility offers: nullable booleans like the services.
PROFILE_COLUMNS: Final[tuple[str, ...]] = (
    AGE_COLUMNS + SEX_COLUMNS + PROGRAM_COLUMNS + LANGUAGE_COLUMNS + FEATURE_COLUMNS
)
BEDS_BY_SEX_COLUMNS: Final[tuple[str, ...]] = (
    BEDS_OPEN_DETOX_FEMALE,
    BEDS_OPEN_DETOX_MALE,
    BEDS_OPEN_RESIDENTIAL_FEMALE,
    BEDS_OPEN_RESIDENTIAL_MALE,
)
SECOND_ROUND_COLUMNS: Final[tuple[str, ...]] = (
    (LISTED_AT, LOCATION_PRECISION)
    + PROFILE_COLUMNS
    + (LANGUAGES, ACCREDITATIONS, LICENSED_BEDS)
    + BEDS_BY_SEX_COLUMNS
)
# What a row must list something of before it can deny the rest ("unknown is not no", per
# row): the categories of SAMHSA's Service Code Reference, as groups of canonical columns. A
# row that lists no code setting any column of a group says nothing about that group; one that
# lists one (say "residential detox") denies the group's columns it does not list, where its
# source's code list defines them. A column alone in its group can be yes or unknown, never no.
DENIAL_GROUPS: Final[tuple[tuple[str, ...], ...]] = (
    DETOX_COLUMNS + CARE_COLUMNS,  # Type of Care, Service Setting, Detoxification, Hospitals
    MOUD_COLUMNS + ("otp_certified",),  # Opioid Medications, Type of Opioid Treatment
    tuple(name for name in PAYMENT_COLUMNS if name not in ("sliding_fee", "payment_assistance")),
    ("sliding_fee", "payment_assistance"),  # Payment Assistance Available
    AGE_COLUMNS,  # Age Groups Accepted
    SEX_COLUMNS,  # Gender Accepted
    PROGRAM_COLUMNS,  # Special Programs/Groups Offered, Exclusive Services
    LANGUAGE_COLUMNS,  # Language Services
    ("state_licensed",),  # License/Certification/Accreditation
    ("beds_for_children", "transport_assistance"),  # Ancillary Services
    ("naloxone_education",),
    ("telehealth",),
)

# How a row's coordinates were obtained; only "exact" and "geocoded" are street-level.
LocationPrecision = Literal["exact", "address_match", "geocoded", "zip_centroid", "none"]
LOCATION_PRECISIONS: Final[tuple[LocationPrecision, ...]] = typing.get_args(LocationPrecision)

# Open treatment beds for youth (under 18), detox and residential together, where a registry
# reports them apart from adults' (LA County SBAT); the by-sex and total columns are adults'.
BEDS_OPEN_YOUTH: Final = "beds_open_youth"
# From a state licensing list (California DHCS): when the licence expires and whether the list
# marks it expired (NA = unknown).
LICENSE_EXPIRES: Final = "license_expires"
LICENSE_EXPIRED: Final = "license_expired"
# A state listing's own availability signal (Colorado's LADDERS "AcceptingNewPatients"): yes or
# unknown (NA), never a no; as old as the row's listed_at.
ACCEPTING_NEW_PATIENTS: Final = "accepting_new_patients"
EXTRA_COLUMNS: Final[tuple[str, ...]] = (COUNTY, ACCREDITED, SERVICES, BEDS_OPEN_YOUTH) + (
    LICENSE_EXPIRES,
    LICENSE_EXPIRED,
    ACCEPTING_NEW_PATIENTS,
)
ALL_COLUMNS: Final[tuple[str, ...]] = CANONICAL_COLUMNS + SECOND_ROUND_COLUMNS + EXTRA_COLUMNS

# Registry wording (Nebraska's labels), with "unknown" for "not updated" / never reported.
AvailabilityStatus = Literal[
    "openings", "no_openings", "waitlist", "accepting_assessments", "unknown"
]
AVAILABILITY_STATUSES: Final[tuple[AvailabilityStatus, ...]] = typing.get_args(AvailabilityStatus)
STATUS_LABELS: Final[dict[str, str]] = {
    "openings": "Openings",
    "no_openings": "No openings",
    "waitlist": "Waitlist",
    "accepting_assessments": "Accepting assessments",
    "unknown": "Not updated",
}

DEMO_SOURCE: Final = "demo (synthetic)"

# pandas dtypes of the table. Booleans are nullable: NA means "the source does not say".
DTYPES: Final[dict[str, str]] = {
    **{column: "str" for column in TEXT_COLUMNS},
    LAT: "float64",
    LON: "float64",
    **{column: "boolean" for column in SERVICE_COLUMNS},
    BEDS_OPEN_DETOX: "Int64",
    BEDS_OPEN_RESIDENTIAL: "Int64",
    AVAILABILITY_STATUS: "str",
    AVAILABILITY_REPORTED_AT: "datetime64[ns, UTC]",
    AVAILABILITY_SOURCE: "str",
    LISTED_AT: "datetime64[ns, UTC]",
    LOCATION_PRECISION: "str",
    **{column: "boolean" for column in PROFILE_COLUMNS},
    LANGUAGES: "str",
    ACCREDITATIONS: "str",
    LICENSED_BEDS: "Int64",
    **{column: "Int64" for column in BEDS_BY_SEX_COLUMNS},
    COUNTY: "str",
    ACCREDITED: "boolean",
    SERVICES: "str",
    BEDS_OPEN_YOUTH: "Int64",
    LICENSE_EXPIRES: "datetime64[ns, UTC]",
    LICENSE_EXPIRED: "boolean",
    ACCEPTING_NEW_PATIENTS: "boolean",
}

# Plain words for each service column, for tables, detail views and exports.
SERVICE_LABELS: Final[dict[str, str]] = {
    "detox_any": "Detox (withdrawal management)",
    "detox_hospital": "Hospital inpatient detox",
    "detox_residential": "Residential detox",
    "detox_outpatient": "Outpatient detox",
    "detox_opioid": "Opioid detox",
    "hospital_inpatient": "Hospital inpatient treatment",
    "residential": "Residential treatment",
    "partial_hospitalization": "Partial hospitalization / day treatment",
    "intensive_outpatient": "Intensive outpatient",
    "outpatient": "Outpatient",
    "methadone": "Methadone",
    "buprenorphine": "Buprenorphine",
    "naltrexone": "Naltrexone",
    "accepts_moud_clients": "Accepts clients already on opioid medication",
    "pay_self": "Cash or self-payment",
    "pay_medicaid": "Medicaid",
    "pay_medicare": "Medicare",
    "pay_private": "Private health insurance",
    "pay_military": "Military insurance (TRICARE)",
    "pay_state": "State-financed insurance",
    "pay_ihs": "IHS/Tribal/Urban funds",
    "sliding_fee": "Sliding fee scale",
    "payment_assistance": "Payment assistance",
}

# Plain words for the second-round flags (who is accepted, special programs, other features).
PROFILE_LABELS: Final[dict[str, str]] = {
    "accepts_adolescents": "Accepts adolescents",
    "accepts_young_adults": "Accepts young adults",
    "accepts_adults": "Accepts adults",
    "accepts_seniors": "Accepts seniors",
    "accepts_female": "Accepts women",
    "accepts_male": "Accepts men",
    "program_adolescents": "Program for adolescents",
    "program_young_adults": "Program for young adults",
    "program_women": "Program for women",
    "program_pregnant_postpartum": "Program for pregnant or postpartum women",
    "program_men": "Program for men",
    "program_seniors": "Program for seniors",
    "program_lgbtq": "Program for LGBTQ+ clients",
    "program_veterans": "Program for veterans",
    "program_criminal_justice": "Program for clients referred from the courts",
    "program_co_occurring": "Program for co-occurring mental illness",
    "lang_spanish": "Services in Spanish",
    "lang_sign": "Sign language for the deaf and hard of hearing",
    "otp_certified": "Certified Opioid Treatment Program (may dispense methadone)",
    "telehealth": "Telehealth",
    "state_licensed": "State licensed or certified",
    "naloxone_education": "Naloxone (overdose reversal) education",
    "beds_for_children": "Residential beds for clients' children",
    "transport_assistance": "Transportation assistance",
}
