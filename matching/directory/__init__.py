"""The facility directory: the canonical table and everything that defines it.

``columns`` names every column of the canonical table (the contract with importers, search,
app and exports); ``schema`` coerces a frame to the canonical dtypes and validates it;
``io`` reads and writes the canonical CSV atomically; ``service_codes`` loads the one mapping
file from SAMHSA codes and service names to canonical columns; ``demo`` generates the
synthetic demo directory. This is the lowest layer above :mod:`matching.errors`: it imports
nothing else of ReadyBed.
"""
