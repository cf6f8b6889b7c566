"""Byte-stable writers for the demo data set: CSV, GeoJSON and JSON with fixed formats and key order."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from shapely.geometry import Polygon

DECIMALS = 5


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """UTF-8 without BOM, comma-separated, '\\n' line ends, blanks for missing values."""
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", na_rep="")


def write_json(data: dict, path: Path) -> None:
    """Sorted keys, two-space indent, Vietnamese letters kept as they are."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def _ring(coords: object) -> list[list[float]]:
    # round() again: np.round may leave a trailing ...0000001 that would print in full.
    return [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in coords]


def polygon_geometry(polygon: Polygon) -> dict:
    """A GeoJSON Polygon geometry (RFC 7946), coordinates rounded to DECIMALS."""
    rings = [_ring(polygon.exterior.coords)] + [_ring(r.coords) for r in polygon.interiors]
    return {"coordinates": rings, "type": "Polygon"}


def write_geojson(features: list[tuple[dict, Polygon]], path: Path) -> None:
    """A FeatureCollection with one feature per line, so a change shows as a readable diff."""
    lines = [
        json.dumps(
            {"geometry": polygon_geometry(geom), "properties": props, "type": "Feature"},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        for props, geom in features
    ]
    text = '{"features":[\n' + ",\n".join(lines) + '\n],"type":"FeatureCollection"}\n'
    path.write_text(text, encoding="utf-8")
