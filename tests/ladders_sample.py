"""A small file in the shape of Colorado's LADDERS feed, for the importer's tests."""

from __future__ import annotations

HEADER = (
    "AcceptingNewPatients,AccountID,AccountName,DisplayName,AddressOneLine,HideAddress,Phone,"
    "Website,Fees,LanguagesSpoken,PopulationServed,SubstanceUseServices,"
    "OpioidTreatmentPrograms,OffersTelehealth,ActiveSUDLicense,"
    "ProviderDirectoryFormModifiedDate,lat,lon"
)
ROWS = [
    # A detox + residential program accepting new patients, listed in winter (MST, UTC-7).
    'yes,A1,Peak Detox LLC,Peak Detox,"1245 East Colfax Avenue, Suite 203, Denver, Colorado '
    '80218",0,(303) 555-0101,,Medicaid; Self Pay,English; Spanish,Men; Women,'
    "Clinically Managed Residential Detoxification; Clinically Managed High Intensity "
    "Residential Services,0,,1,1/15/2023 9:00 AM,39.7403,-104.9711",
    # DUI classes only: says nothing about any level of care; no fees listed: payers unknown.
    ',A2,Road Safe,Road Safe,"2531 Airport Road, Colorado Springs, CO 80910",0,(719) 555-0102,'
    ",,,,DUI/DWI,0,No Telehealth Available,0,6/28/2022 5:27 PM,38.8171,-104.7557",
    # Withheld address.
    ",A3,Virtual Care,Virtual Care,Please contact this provider directly for location,1,"
    "(720) 555-0103,,Self Pay,English,,Outpatient,0,Telehealth Only,1,6/1/2022 8:00 AM,,",
]


def ladders_bytes(rows: list[str] = ROWS) -> bytes:
    """Return the header and ``rows`` as the bytes of a LADDERS CSV."""
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")
