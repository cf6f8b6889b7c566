"""Boundaries of the fictional demo province: an irregular outline cut into communes that share edges."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, Polygon

# Where the fictional province sits on the map (inside lon 105–107, lat 20–22) and its size.
CENTRE_LONLAT = (106.05, 21.15)
HALF_AXES_KM = (45.0, 35.0)
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON = 111.32 * np.cos(np.radians(CENTRE_LONLAT[1]))
DECIMALS = 5  # ≈ 1 m: plenty for a commune map, and keeps the files small

CITY_CENTRE_KM = (9.0, -6.0)  # the provincial city sits off-centre, as most do
CITY_RADIUS_KM = 8.0  # communes are denser (smaller) around the city
MIN_SPACING = 0.35  # relative seed spacing at the city centre
EDGE_SPACING_KM = 0.17  # densified edges: real boundaries follow rivers and roads, not straight lines
CITY_WARDS = 16  # phường of the provincial city
RURAL_DISTRICTS = 8


@dataclass(frozen=True)
class Layout:
    """Commune seeds and their final boundaries, in matching order."""

    seeds_km: np.ndarray  # (n, 2) seed points in the local km frame
    cells_km: list[Polygon]  # commune shapes before the noise field (topology is the same)
    communes: list[Polygon]  # final commune boundaries, lon/lat rounded to DECIMALS
    outline: Polygon  # the province: union of the communes


def spacing_factor(xy: np.ndarray) -> np.ndarray:
    """Relative seed spacing: a third near the city centre (small wards), larger in the hilly north."""
    d = np.hypot(xy[..., 0] - CITY_CENTRE_KM[0], xy[..., 1] - CITY_CENTRE_KM[1])
    rural = 1.0 + 0.2 * np.clip(xy[..., 1] / HALF_AXES_KM[1], -1.0, 1.0)
    return MIN_SPACING + (rural - MIN_SPACING) * np.clip((d - 2.0) / CITY_RADIUS_KM, 0.0, 1.0)


def outline_km(rng: np.random.Generator) -> Polygon:
    """A smooth irregular blob: an ellipse whose radius wobbles with a few random harmonics."""
    theta = np.linspace(0.0, 2 * np.pi, 360, endpoint=False)
    radius = np.ones_like(theta)
    for k in range(2, 8):
        amp = rng.uniform(0.3, 1.0) * 0.12 / k
        radius += amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    x = HALF_AXES_KM[0] * radius * np.cos(theta)
    y = HALF_AXES_KM[1] * radius * np.sin(theta)
    return Polygon(np.column_stack([x, y]))


def spread_seeds(rng: np.random.Generator, outline: Polygon, count: int, candidates: int = 60) -> np.ndarray:
    """Mitchell's best-candidate sampling: well spread but not a grid; denser where spacing is small."""
    minx, miny, maxx, maxy = outline.bounds
    shapely.prepare(outline)
    seeds: list[np.ndarray] = []
    while len(seeds) < count:
        cand = rng.uniform((minx, miny), (maxx, maxy), size=(candidates, 2))
        # Thin candidates to a density ∝ 1/spacing², then keep the one farthest from the others.
        keep = rng.random(len(cand)) < (MIN_SPACING / spacing_factor(cand)) ** 2
        cand = cand[keep & shapely.contains_xy(outline, cand[:, 0], cand[:, 1])]
        cand = cand[:6]  # few candidates: spread out, yet irregular
        if len(cand) == 0:
            continue
        if not seeds:
            seeds.append(cand[0])
            continue
        pts = np.array(seeds)
        dist = np.hypot(cand[:, None, 0] - pts[None, :, 0], cand[:, None, 1] - pts[None, :, 1]).min(axis=1)
        seeds.append(cand[np.argmax(dist / spacing_factor(cand))])
    return np.array(seeds)


def noise_field(rng: np.random.Generator) -> Callable[[np.ndarray], np.ndarray]:
    """A smooth displacement f(x, y) in km: random plane waves from 20 km down to 1 km wavelength.

    Shared vertices move identically, so shared edges stay shared. The map x + f(x) must not fold
    (Jacobian determinant > 0 everywhere, checked by :func:`min_jacobian`), or polygons would turn inside out.
    """
    waves = []
    for wavelength, amplitude in ((20.0, 0.8), (7.0, 0.25), (2.5, 0.09), (1.0, 0.028)):
        k = 2 * np.pi / wavelength
        for _ in range(3):
            angle = rng.uniform(0, 2 * np.pi)
            waves.append((k * np.cos(angle), k * np.sin(angle), rng.uniform(0, 2 * np.pi, 2), amplitude / 2))

    def displace(xy: np.ndarray) -> np.ndarray:
        out = np.array(xy, dtype=float)
        for kx, ky, phase, amp in waves:
            arg = kx * xy[:, 0] + ky * xy[:, 1]
            out[:, 0] += amp * np.sin(arg + phase[0])
            out[:, 1] += amp * np.sin(arg + phase[1])
        return out

    return displace


def min_jacobian(displace: Callable[[np.ndarray], np.ndarray], bounds: tuple[float, ...]) -> float:
    """Smallest Jacobian determinant of ``displace`` on a 200 m grid: > 0 means the map never folds."""
    xs = np.arange(bounds[0], bounds[2], 0.2)
    ys = np.arange(bounds[1], bounds[3], 0.2)
    gx, gy = np.meshgrid(xs, ys)
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    h = 1e-4
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])
    dx = (displace(pts + ex) - displace(pts - ex)) / (2 * h)
    dy = (displace(pts + ey) - displace(pts - ey)) / (2 * h)
    return float((dx[:, 0] * dy[:, 1] - dx[:, 1] * dy[:, 0]).min())


def to_lonlat(xy: np.ndarray) -> np.ndarray:
    """Local km frame → rounded lon/lat (a plain affine map is accurate enough at this size)."""
    lon = CENTRE_LONLAT[0] + xy[:, 0] / KM_PER_DEG_LON
    lat = CENTRE_LONLAT[1] + xy[:, 1] / KM_PER_DEG_LAT
    return np.round(np.column_stack([lon, lat]), DECIMALS)


def _faces(seeds: np.ndarray, outline: Polygon) -> list[Polygon]:
    """Voronoi cells clipped to the outline, built from one noded, densified linework.

    Polygonizing shared linework (rather than clipping each cell) guarantees that neighbours use the
    very same vertices along their common edge, before and after densifying.
    """
    edges = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline.buffer(10), only_edges=True)
    # Node the whole diagram against the outline first, then drop what lies outside: clipping each
    # edge separately leaves end points a hair off the outline, which polygonize treats as dangles.
    lines = shapely.get_parts(shapely.line_merge(shapely.unary_union([edges, outline.exterior])))
    mids = np.array([p.interpolate(0.5, normalized=True).coords[0] for p in lines])
    inside = shapely.contains_xy(outline.buffer(1e-6), mids[:, 0], mids[:, 1])
    pieces, mids = list(lines[inside]), mids[inside]
    spacing = EDGE_SPACING_KM * spacing_factor(mids)
    dense = [shapely.segmentize(p, s) for p, s in zip(pieces, spacing, strict=True)]
    return list(shapely.get_parts(shapely.polygonize(dense)))


def _cells(seeds: np.ndarray, faces: list[Polygon]) -> list[list[int]]:
    """Face indices of each seed's cell; a stray piece cut off by the outline joins its longest neighbour."""
    owner = np.full(len(faces), -1)
    tree = shapely.STRtree(faces)
    for i, xy in enumerate(seeds):
        hits = [j for j in tree.query(Point(xy)) if faces[j].contains(Point(xy))]
        owner[hits[0]] = i
    while (owner < 0).any():
        for j in np.flatnonzero(owner < 0):
            near = [n for n in tree.query(faces[j], predicate="touches") if owner[n] >= 0]
            if near:
                shared = [faces[j].boundary.intersection(faces[n].boundary).length for n in near]
                owner[j] = owner[near[int(np.argmax(shared))]]
    return [list(np.flatnonzero(owner == i)) for i in range(len(seeds))]


def build_layout(rng: np.random.Generator, count: int) -> Layout:
    """Outline, seeds and commune boundaries of the demo province."""
    outline = outline_km(rng)
    seeds = spread_seeds(rng, outline, count)
    faces = _faces(seeds, outline)
    groups = _cells(seeds, faces)
    displace = noise_field(rng)
    folding = min_jacobian(displace, outline.buffer(2).bounds)
    if folding < 0.1:
        raise RuntimeError(f"the noise field folds the map (min Jacobian {folding:.2f}): lower its amplitude")

    def finish(geom: Polygon) -> Polygon:
        return shapely.transform(geom, lambda xy: to_lonlat(displace(xy)))

    final_faces = [shapely.remove_repeated_points(finish(f)) for f in faces]
    cells_km = [shapely.coverage_union_all([faces[j] for j in g]) for g in groups]
    communes = [shapely.coverage_union_all([final_faces[j] for j in g]) for g in groups]
    communes = [shapely.orient_polygons(c) for c in communes]  # RFC 7946: exterior rings anticlockwise
    province = shapely.orient_polygons(shapely.coverage_union_all(communes))
    return Layout(seeds, cells_km, communes, province)


def adjacency(cells: list[Polygon]) -> list[set[int]]:
    """Neighbours of each cell: cells sharing a stretch of border (a single touching point does not count)."""
    tree = shapely.STRtree(cells)
    neighbours: list[set[int]] = [set() for _ in cells]
    for i, cell in enumerate(cells):
        for j in tree.query(cell, predicate="touches"):
            if j != i and cell.boundary.intersection(cells[j].boundary).length > 0:
                neighbours[i].add(int(j))
    return neighbours


def assign_districts(rng: np.random.Generator, layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """District of each commune (0 = the city) and the seat commune of each district.

    The city takes the wards nearest its centre; the countryside is split by k-means on the commune
    seeds with a random additive weight per district, so districts differ in size like real ones.
    """
    seeds = layout.seeds_km
    district = np.full(len(seeds), -1)
    to_city = np.hypot(*(seeds - CITY_CENTRE_KM).T)
    district[np.argsort(to_city)[:CITY_WARDS]] = 0
    rural = np.flatnonzero(district < 0)
    centres = seeds[rng.choice(rural, RURAL_DISTRICTS, replace=False)]
    for _ in range(20):
        label = np.argmin(np.hypot(*(seeds[rural, None] - centres[None]).transpose(2, 0, 1)), axis=1)
        centres = np.array([seeds[rural[label == k]].mean(axis=0) for k in range(RURAL_DISTRICTS)])
    bias = rng.uniform(-3.0, 3.0, RURAL_DISTRICTS)  # km: some districts reach further than others
    cost = np.hypot(*(seeds[rural, None] - centres[None]).transpose(2, 0, 1)) - bias
    district[rural] = 1 + np.argmin(cost, axis=1)
    _make_contiguous(district, adjacency(layout.cells_km), layout.cells_km)
    seats = np.array(
        [-1] + [_seat(seeds, district, k, centres[k - 1]) for k in range(1, RURAL_DISTRICTS + 1)]
    )
    seats[0] = int(np.flatnonzero(district == 0)[np.argmin(to_city[district == 0])])
    return district, seats


def _seat(seeds: np.ndarray, district: np.ndarray, k: int, centre: np.ndarray) -> int:
    members = np.flatnonzero(district == k)
    return int(members[np.argmin(np.hypot(*(seeds[members] - centre).T))])


def _components(members: set[int], neighbours: list[set[int]]) -> list[set[int]]:
    todo, parts = set(members), []
    while todo:
        stack, part = [min(todo)], set()
        while stack:
            i = stack.pop()
            if i in part:
                continue
            part.add(i)
            stack.extend(n for n in neighbours[i] if n in members and n not in part)
        parts.append(part)
        todo -= part
    return parts


def _make_contiguous(district: np.ndarray, neighbours: list[set[int]], cells: list[Polygon]) -> None:
    """Hand every detached piece of a rural district to the neighbour it shares most border with."""
    changed = True
    while changed:
        changed = False
        for k in range(1, district.max() + 1):
            parts = sorted(_components(set(np.flatnonzero(district == k)), neighbours), key=len, reverse=True)
            for part in parts[1:]:
                i = min(part)
                others = [n for n in neighbours[i] if district[n] not in (k, 0)]
                if not others:
                    continue
                border = [cells[i].boundary.intersection(cells[n].boundary).length for n in others]
                district[i] = district[others[int(np.argmax(border))]]
                changed = True
