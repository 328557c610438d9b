"""The offline map's outlines: cut from the shipped us-atlas TopoJSON around the results."""

from __future__ import annotations

import json

import numpy as np

from matching.render import basemap


def _arc_refs(arcs: object) -> list[int]:
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [index for part in arcs for index in _arc_refs(part)]  # type: ignore[attr-defined]


def test_manhattan_outlines_hold_its_counties_and_states_and_are_small() -> None:
    topology = basemap.outlines_around(lat_min=40.70, lat_max=40.80, lon_min=-74.02, lon_max=-73.93)
    counties = {g["properties"]["name"] for g in topology["objects"]["counties"]["geometries"]}
    states = {g["properties"]["name"] for g in topology["objects"]["states"]["geometries"]}
    assert {"New York", "Kings", "Queens", "Hudson"} <= counties
    assert states == {"New York", "New Jersey"}
    assert "Los Angeles" not in counties
    # A phone receives tens of kilobytes, not the whole 840 kB atlas.
    assert len(json.dumps(topology)) < 120_000


def test_every_arc_reference_points_into_the_cut_arcs() -> None:
    topology = basemap.outlines_around(lat_min=39.9, lat_max=40.1, lon_min=-83.1, lon_max=-82.9)
    refs = [
        index
        for name in basemap.OBJECTS
        for geometry in topology["objects"][name]["geometries"]
        for index in _arc_refs(geometry["arcs"])
    ]
    assert refs and max(refs) < len(topology["arcs"]) and min(refs) >= 0
    assert "Franklin" in {
        g["properties"]["name"] for g in topology["objects"]["counties"]["geometries"]
    }


def test_decoded_arcs_fall_inside_the_united_states_and_territories() -> None:
    bounds = basemap._arc_bounds()
    assert np.isfinite(bounds).all()
    assert bounds[:, 0].min() >= -180 and bounds[:, 2].max() <= 180
    assert bounds[:, 1].min() >= -15 and bounds[:, 3].max() <= 72


def test_fit_extent_frames_the_points() -> None:
    import pandas as pd

    points = pd.DataFrame({"lat": [40.7, 40.9], "lon": [-74.1, -73.8]})
    (west, south), (east, north) = basemap.fit_extent(points)["geometry"]["coordinates"]
    assert west < -74.1 and east > -73.8 and south < 40.7 and north > 40.9
