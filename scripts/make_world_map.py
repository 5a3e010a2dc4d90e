#!/usr/bin/env python3
"""Build the compact world map served by Foyer (Public/assets/world.json).

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped inside
the geopandas 0.14.4 wheel (geopandas/datasets/naturalearth_lowres). Run once;
the small result is committed, so the server never fetches map data from anyone.

    pip install pyshp
    pip download --no-deps geopandas==0.14.4 -d /tmp/ne
    python3 scripts/make_world_map.py /tmp/ne/geopandas-0.14.4-py3-none-any.whl

Output format (version 1):
    {"v": 1, "q": 100, "bbox": [...], "rings": [[x0, y0, dx1, dy1, ...], ...]}
Each ring is a closed outline of land in longitude/latitude, multiplied by `q`
and rounded to integers; the first pair is absolute, the rest are deltas from
the previous point. Antarctica is left out (it has no visitors and dominates a
Mercator map).
"""
from __future__ import annotations

import io
import json
import sys
import zipfile
from pathlib import Path

import shapefile  # pyshp

QUANTUM_PER_DEGREE = 100          # 0.01° ≈ 1.1 km: far below what 1:110m shows
SIMPLIFY_TOLERANCE_DEGREES = 0.08  # Douglas–Peucker tolerance
MIN_RING_POINTS = 4
SKIP_COUNTRIES = {"Antarctica"}
DATASET = "geopandas/datasets/naturalearth_lowres/naturalearth_lowres"
OUT = Path(__file__).resolve().parent.parent / "Sources/FoyerServer/Public/assets/world.json"


def open_reader(source: Path) -> shapefile.Reader:
    if source.suffix == ".whl" or source.suffix == ".zip":
        z = zipfile.ZipFile(source)
        parts = {ext: io.BytesIO(z.read(f"{DATASET}.{ext}")) for ext in ("shp", "shx", "dbf")}
        return shapefile.Reader(shp=parts["shp"], shx=parts["shx"], dbf=parts["dbf"], encoding="latin-1")
    return shapefile.Reader(str(source), encoding="latin-1")


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker on a polyline (iterative, keeps both ends)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    tol2 = tolerance * tolerance
    while stack:
        first, last = stack.pop()
        ax, ay = points[first]
        bx, by = points[last]
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        best, best_index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
                d2 = (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2
            if d2 > best:
                best, best_index = d2, i
        if best > tol2:
            keep[best_index] = True
            stack.append((first, best_index))
            stack.append((best_index, last))
    return [p for p, k in zip(points, keep) if k]


def encode_ring(points: list[tuple[float, float]]) -> list[int] | None:
    quantised: list[tuple[int, int]] = []
    for lon, lat in points:
        q = (round(lon * QUANTUM_PER_DEGREE), round(lat * QUANTUM_PER_DEGREE))
        if not quantised or quantised[-1] != q:
            quantised.append(q)
    if len(quantised) > 1 and quantised[0] == quantised[-1]:
        quantised.pop()  # the ring is closed when drawn
    if len(quantised) < MIN_RING_POINTS - 1:
        return None
    flat = [quantised[0][0], quantised[0][1]]
    for (px, py), (x, y) in zip(quantised, quantised[1:]):
        flat += [x - px, y - py]
    return flat


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    reader = open_reader(Path(sys.argv[1]))
    names = [f[0] for f in reader.fields[1:]]
    rings: list[list[int]] = []
    total_in = total_out = 0
    for shape_record in reader.iterShapeRecords():
        record = dict(zip(names, shape_record.record))
        if record.get("name") in SKIP_COUNTRIES:
            continue
        shape = shape_record.shape
        bounds = list(shape.parts) + [len(shape.points)]
        for start, end in zip(bounds, bounds[1:]):
            ring = [(float(x), float(y)) for x, y in shape.points[start:end]]
            total_in += len(ring)
            ring = simplify(ring, SIMPLIFY_TOLERANCE_DEGREES)
            encoded = encode_ring(ring)
            if encoded is not None:
                total_out += len(encoded) // 2
                rings.append(encoded)
    doc = {
        "v": 1,
        "source": "Natural Earth 1:110m admin-0 countries (public domain)",
        "q": QUANTUM_PER_DEGREE,
        "rings": rings,
    }
    OUT.write_text(json.dumps(doc, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(rings)} rings, {total_in} -> {total_out} points, {OUT.stat().st_size} bytes -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
