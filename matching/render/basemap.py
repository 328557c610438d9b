"""State and county outlines for the offline map, from the Census Bureau via ``us-atlas``.

``data/us-atlas/counties-10m.json`` is the TopoJSON of the ``us-atlas`` npm package (ISC,
Census Bureau cartographic boundaries, 1:10 million; see data/README.md). It holds the
``counties``, ``states`` and ``nation`` objects over one shared set of arcs. The whole file is
840 kB - too much to send to a phone with every map - so :func:`outlines_around` cuts out the
counties and states that touch the area shown, with only the arcs they use, still as TopoJSON
(Vega-Lite draws it). Nothing is fetched from a map service: the outlines ship with ReadyBed.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Final

import numpy as np
import pandas as pd

from matching.paths import DATA_DIR

ATLAS_PATH: Final = DATA_DIR / "us-atlas" / "counties-10m.json"
OBJECTS: Final = ("counties", "states")
# Degrees added around the points, so the outlines frame them instead of ending at the edge.
MARGIN_DEGREES: Final = 0.15


@lru_cache(maxsize=1)
def _atlas() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(ATLAS_PATH.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def _arc_bounds() -> np.ndarray:
    """Return (lon_min, lat_min, lon_max, lat_max) of every arc, in degrees."""
    atlas = _atlas()
    scale = np.array(atlas["transform"]["scale"])
    translate = np.array(atlas["transform"]["translate"])
    bounds = np.empty((len(atlas["arcs"]), 4))
    for number, arc in enumerate(atlas["arcs"]):
        # Quantised, delta-encoded positions (the TopoJSON spec): a running sum, then scale.
        points = np.cumsum(np.asarray(arc, dtype="float64"), axis=0) * scale + translate
        bounds[number, :2] = points.min(axis=0)
        bounds[number, 2:] = points.max(axis=0)
    return bounds


def _arc_indices(arcs: Any) -> list[int]:
    """Return every arc index of a Polygon's or MultiPolygon's nested ``arcs`` lists."""
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [index for part in arcs for index in _arc_indices(part)]


def _renumbered(arcs: Any, new_index: dict[int, int]) -> Any:
    if isinstance(arcs, int):
        return new_index[arcs] if arcs >= 0 else ~new_index[~arcs]
    return [_renumbered(part, new_index) for part in arcs]


def outlines_around(
    *, lat_min: float, lat_max: float, lon_min: float, lon_max: float
) -> dict[str, Any]:
    """Return a TopoJSON of the counties and states that touch the box (plus a margin)."""
    atlas = _atlas()
    box = np.array(
        [
            lon_min - MARGIN_DEGREES,
            lat_min - MARGIN_DEGREES,
            lon_max + MARGIN_DEGREES,
            lat_max + MARGIN_DEGREES,
        ]
    )
    bounds = _arc_bounds()
    kept: dict[str, list[dict[str, Any]]] = {}
    used: dict[int, int] = {}
    for name in OBJECTS:
        kept[name] = []
        for geometry in atlas["objects"][name]["geometries"]:
            indices = _arc_indices(geometry.get("arcs", []))
            if not indices:
                continue
            extent = bounds[indices]
            touches = (
                extent[:, 0].min() <= box[2]
                and extent[:, 2].max() >= box[0]
                and extent[:, 1].min() <= box[3]
                and extent[:, 3].max() >= box[1]
            )
            if touches:
                for index in indices:
                    used.setdefault(index, len(used))
                kept[name].append(geometry)
    ordered = sorted(used, key=used.__getitem__)
    return {
        "type": "Topology",
        "transform": atlas["transform"],
        "objects": {
            name: {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": geometry["type"],
                        "arcs": _renumbered(geometry["arcs"], used),
                        "properties": {"name": geometry.get("properties", {}).get("name", "")},
                    }
                    for geometry in geometries
                ],
            }
            for name, geometries in kept.items()
        },
        "arcs": [atlas["arcs"][index] for index in ordered],
    }


def fit_extent(points: pd.DataFrame) -> dict[str, Any]:
    """Return a GeoJSON MultiPoint of the points' box plus the margin, for a projection's fit."""
    lat_min, lat_max = float(points["lat"].min()), float(points["lat"].max())
    lon_min, lon_max = float(points["lon"].min()), float(points["lon"].max())
    pad = MARGIN_DEGREES / 3
    return {
        "type": "Feature",
        "properties": {},
        "geometry": {
            "type": "MultiPoint",
            "coordinates": [[lon_min - pad, lat_min - pad], [lon_max + pad, lat_max + pad]],
        },
    }
