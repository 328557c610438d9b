"""Search: find and rank facilities near a place, offline.

``geo`` resolves a ZIP, "City, ST" or coordinates to a location; ``index`` holds the spatial
index and the exact distances; ``query`` is the frozen, validated search request;
``scoring`` the named, weighted ranking components and presets; ``engine`` runs a query
(radius, hard filters, ranking, reasons); ``explain`` says which filter to loosen when
nothing is found. Search builds on :mod:`matching.directory` and never on records, cases or
rendering.
"""
