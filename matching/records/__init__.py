"""Records: what the user keeps on this computer about facilities.

``store`` opens the local database (SQLite by default) and declares its tables; ``calllog``
keeps the calls made to facilities and turns the latest into availability; ``shortlist``
keeps named shortlists; ``library`` keeps imported directories and which one is active.
Records build on :mod:`matching.directory` and :mod:`matching.ingest`, never on search.
"""
