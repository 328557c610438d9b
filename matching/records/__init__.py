"""Records: what users keep, and the only layer that speaks SQL.

``workspace`` binds the store and the person a call acts for, once, and offers every
repository over them (the way the app and the CLI reach the store); ``store`` opens the
database (SQLite by default, PostgreSQL on a team server) and declares its tables, ``migrate``
upgrades them; ``cases``, ``case_rows``, ``members`` and ``sharing`` keep intervention plans,
their teams and invitations, and what a placement learns; ``calllog`` keeps the calls made to
facilities and turns the latest into availability; ``shortlist`` keeps named shortlists;
``library`` keeps imported directories and which one is active; ``searches`` and ``privacy``
the last search and the address cache; ``team``, ``audit``, ``sealing`` and ``admin`` are
team mode's people, audit log, encryption and operator checks. Records build on
:mod:`matching.case` (the domain it stores, and the permission table it applies),
:mod:`matching.directory` and :mod:`matching.ingest`, never on search or render.
"""
