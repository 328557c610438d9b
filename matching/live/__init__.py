"""Live sources: opt-in online refreshes of the directory (FindTreatment.gov, Census geocoder).

Nothing here runs unless the user asks: each call sends something (an area, facility addresses)
to a public service, never anything about the person. :mod:`~matching.live.http` is the shared
client (timeouts, retries, pacing, a one-day cache); :mod:`~matching.live.findtreatment_api`
fetches an area's listings, :mod:`~matching.live.merge` merges them into a directory and
:mod:`~matching.live.census_geocoder` replaces ZIP-centre locations with geocoded ones. Live
builds on :mod:`matching.directory` and :mod:`matching.ingest` only.
"""
