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
import math
from functools import lru_cache
from itertools import chain
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
    """Return the atlas's transform and objects, and its arcs as one array.

    The arcs are ~118k small lists once parsed; kept as lists they made every full garbage
    collection ~30 ms slower. They are held as one integer array (``deltas``, with each
    arc's ``starts`` and ``lengths``) and turned back into lists only for the arcs a cut uses.
    """
    loaded: dict[str, Any] = json.loads(ATLAS_PATH.read_text(encoding="utf-8"))
    arcs = loaded.pop("arcs")
    lengths = np.fromiter((len(arc) for arc in arcs), dtype="int64", count=len(arcs))
    deltas = np.fromiter(
        chain.from_iterable(chain.from_iterable(arcs)), dtype="int64", count=2 * lengths.sum()
    ).reshape(-1, 2)
    del arcs
    loaded["deltas"] = deltas
    loaded["lengths"] = lengths
    loaded["starts"] = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return loaded


def _arc(atlas: dict[str, Any], index: int) -> list[list[int]]:
    """Return arc ``index`` as the TopoJSON lists of quantised, delta-encoded positions."""
    start = int(atlas["starts"][index])
    arc: list[list[int]] = atlas["deltas"][start : start + int(atlas["lengths"][index])].tolist()
    return arc


@lru_cache(maxsize=1)
def _arc_bounds() -> np.ndarray:
    """Return (lon_min, lat_min, lon_max, lat_max) of every arc, in degrees."""
    atlas = _atlas()
    lengths, starts = atlas["lengths"], atlas["starts"]
    # Quantised, delta-encoded positions (the TopoJSON spec): a running sum within each arc
    # (one running sum over all, less the sum before the arc's start), then scale.
    running = np.cumsum(atlas["deltas"].astype("float64"), axis=0)
    before = np.vstack([np.zeros((1, 2)), running])[starts]
    points = (running - np.repeat(before, lengths, axis=0)) * np.array(
        atlas["transform"]["scale"]
    ) + np.array(atlas["transform"]["translate"])
    return np.hstack(
        [np.minimum.reduceat(points, starts, axis=0), np.maximum.reduceat(points, starts, axis=0)]
    )


@lru_cache(maxsize=1)
def _geometry_boxes() -> dict[str, tuple[list[dict[str, Any]], list[list[int]], np.ndarray]]:
    """Return, per object, its geometries with arcs, their arc indices and their boxes."""
    bounds = _arc_bounds()
    found = {}
    for name in OBJECTS:
        geometries = [g for g in _atlas()["objects"][name]["geometries"] if g.get("arcs")]
        indices = [_arc_indices(g["arcs"]) for g in geometries]
        every = bounds[np.fromiter(chain.from_iterable(indices), dtype="int64")]
        starts = np.cumsum([0, *(len(one) for one in indices[:-1])])
        boxes = np.hstack(
            [
                np.minimum.reduceat(every[:, :2], starts, axis=0),
                np.maximum.reduceat(every[:, 2:], starts, axis=0),
            ]
        )
        found[name] = (geometries, indices, boxes)
    return found


def _arc_indices(arcs: Any) -> list[int]:
    """Return every arc index of a Polygon's or MultiPolygon's nested ``arcs`` lists."""
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [index for part in arcs for index in _arc_indices(part)]


def _renumbered(arcs: Any, new_index: dict[int, int]) -> Any:
    if isinstance(arcs, int):
        return new_index[arcs] if arcs >= 0 else ~new_index[~arcs]
    return [_renumbered(part, new_index) for part in arcs]


# The box is widened to this grid before the cut, so nearby searches share one cached cut.
SNAP_DEGREES: Final = 0.05


def outlines_around(
    *, lat_min: float, lat_max: float, lon_min: float, lon_max: float
) -> dict[str, Any]:
    """Return a TopoJSON of the counties and states that touch the box (plus a margin).

    The result is cached and shared: do not modify it.
    """
    return _outlines_in(
        math.floor(lat_min / SNAP_DEGREES),
        math.ceil(lat_max / SNAP_DEGREES),
        math.floor(lon_min / SNAP_DEGREES),
        math.ceil(lon_max / SNAP_DEGREES),
    )


@lru_cache(maxsize=32)
def _outlines_in(lat_min: int, lat_max: int, lon_min: int, lon_max: int) -> dict[str, Any]:
    """Cut the outlines for a box given in SNAP_DEGREES steps (a cut costs ~25 ms)."""
    atlas = _atlas()
    box = np.array([lon_min, lat_min, lon_max, lat_max]) * SNAP_DEGREES + np.array(
        [-MARGIN_DEGREES, -MARGIN_DEGREES, MARGIN_DEGREES, MARGIN_DEGREES]
    )
    kept: dict[str, list[dict[str, Any]]] = {}
    used: dict[int, int] = {}
    for name, (geometries, indices, boxes) in _geometry_boxes().items():
        touches = (
            (boxes[:, 0] <= box[2])
            & (boxes[:, 2] >= box[0])
            & (boxes[:, 1] <= box[3])
            & (boxes[:, 3] >= box[1])
        )
        kept[name] = []
        for number in np.flatnonzero(touches):
            for index in indices[number]:
                used.setdefault(index, len(used))
            kept[name].append(geometries[number])
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
        "arcs": [_arc(atlas, index) for index in ordered],
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


# The offline map's look: light county fills under darker state lines, one dot a facility.
_COUNTY_MARK: Final = {"fill": "#f4f4f0", "stroke": "#c9c9c2", "strokeWidth": 0.5, "filled": True}
_STATE_MARK: Final = {"stroke": "#7a7a72", "strokeWidth": 1.2, "filled": False}


def offline_map_spec(points: pd.DataFrame, *, height: int = 380) -> dict[str, Any]:
    """Return the Vega-Lite spec of the points (:func:`display.map_points`) over the outlines.

    Written as a plain spec rather than through Altair, whose validation cost ~100 ms a
    rerun. The outlines are decoration (``aria: false``); each dot is read out by its
    tooltip's words, and the chart's description says the list says the same.
    """
    outlines = outlines_around(
        lat_min=float(points["lat"].min()),
        lat_max=float(points["lat"].max()),
        lon_min=float(points["lon"].min()),
        lon_max=float(points["lon"].max()),
    )

    def outline_layer(feature: str, look: dict[str, Any]) -> dict[str, Any]:
        return {
            "data": {"values": outlines, "format": {"type": "topojson", "feature": feature}},
            "mark": {"type": "geoshape", "clip": True, "aria": False, **look},
        }

    def field(name: str, kind: str, **more: Any) -> dict[str, Any]:
        return {"field": name, "type": kind, **more}

    dots = {
        "data": {"values": points.to_dict(orient="records")},
        "mark": {
            "type": "point",
            "filled": True,
            "opacity": 0.9,
            "stroke": "white",
            "strokeWidth": 0.5,
        },
        "encoding": {
            "longitude": field("lon", "quantitative"),
            "latitude": field("lat", "quantitative"),
            "color": field("color", "nominal", scale=None),
            "shape": field("shape", "nominal", scale=None),
            "size": field("size", "quantitative", scale={"range": [50, 200]}, legend=None),
            "order": field("size", "quantitative"),  # the origin (largest) is drawn on top
            "tooltip": [
                field("name", "nominal", title="Name"),
                field("distance", "nominal", title="Distance"),
                field("beds", "nominal", title="Beds"),
            ],
        },
    }
    facilities = len(points) - 1
    return {
        "description": f"Map of {facilities} {'facility' if facilities == 1 else 'facilities'} "
        "around the place you entered; the results list on this page says the same in words.",
        "height": height,
        "projection": {"type": "mercator", "fit": fit_extent(points)},
        "layer": [
            outline_layer("counties", _COUNTY_MARK),
            outline_layer("states", _STATE_MARK),
            dots,
        ],
    }
