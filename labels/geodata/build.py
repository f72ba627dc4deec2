"""Build labels/geodata/france.geojson, the outlines the map of labelled collections is drawn on,
from Natural Earth's country outlines as the npm package world-atlas ships them (TopoJSON).

Run by hand when the outlines or the frames change, never at request time:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz   # gives package/
    python3 labels/geodata/build.py package/countries-10m.json

It decodes the TopoJSON (arcs delta-encoded on a quantised grid), keeps France (with its overseas
departments), New Caledonia and French Polynesia, places each of their islands in the frame of
labels/geodata/frames.py that holds it, and the neighbours of mainland France cut to its box;
then it simplifies each ring (Douglas-Peucker, to about half a unit of the drawn map) and rounds
the coordinates. One GeoJSON feature per frame and kind ("france" or "neighbour").
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from frames import FRAMES, MAINLAND  # noqa: E402

FRANCE = {"250", "540", "258"}  # France, New Caledonia, French Polynesia
NEIGHBOURS = {"056", "442", "276", "756", "380", "724", "020", "492", "826"}
PLACES = 4  # decimals kept: about ten metres


def decoded_arcs(topology):
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes, arcs):
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def polygons(geometry, arcs):
    if geometry["type"] == "Polygon":
        return [[ring(r, arcs) for r in geometry["arcs"]]]
    return [[ring(r, arcs) for r in polygon] for polygon in geometry["arcs"]]


def centre(points):
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


def inside(point, bounds):
    west, south, east, north = bounds
    return west <= point[0] <= east and south <= point[1] <= north


def clipped(points, bounds):
    """Sutherland-Hodgman: the ring cut to the box `bounds`."""
    west, south, east, north = bounds
    edges = (
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    )
    for keeps, cross in edges:
        if not points:
            break
        result, previous = [], points[-1]
        for point in points:
            if keeps(point):
                if not keeps(previous):
                    result.append(cross(previous, point))
                result.append(point)
            elif keeps(previous):
                result.append(cross(previous, point))
            previous = point
        points = result
    return points


def _at_x(a, b, x):
    return x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])


def _at_y(a, b, y):
    return a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y


def simplified(points, tolerance):
    """Douglas-Peucker, iterative (rings of thousands of points)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = (dx * dx + dy * dy) ** 0.5
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            px, py = points[index]
            if length:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / length
            else:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def written(points):
    return [[round(x, PLACES), round(y, PLACES)] for x, y in points]


def outline(rings, tolerance, bounds=None):
    result = []
    for points in rings:
        if bounds:
            points = clipped(points, bounds)
        points = simplified(points, tolerance)
        if len(points) >= 4:
            result.append(written(points + ([] if points[0] == points[-1] else [points[0]])))
    return result


def build(source):
    topology = json.loads(Path(source).read_text())
    arcs = decoded_arcs(topology)
    shapes = {}  # (frame, kind) -> [polygon]
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if code in FRANCE:
            for polygon in polygons(geometry, arcs):
                frame = next((f for f in FRAMES if inside(centre(polygon[0]), f.bounds)), None)
                if frame is None:
                    continue
                tolerance = (frame.bounds[2] - frame.bounds[0]) / frame.box[2] / 2
                rings = outline(polygon, tolerance)
                if rings:
                    shapes.setdefault((frame.key, "france"), []).append(rings)
        elif code in NEIGHBOURS:
            west, south, east, north = MAINLAND.bounds
            tolerance = (east - west) / MAINLAND.box[2]
            for polygon in polygons(geometry, arcs):
                rings = outline(polygon, tolerance, MAINLAND.bounds)
                if rings:
                    shapes.setdefault((MAINLAND.key, "neighbour"), []).append(rings)
    features = [
        {
            "type": "Feature",
            "properties": {"frame": frame, "kind": kind},
            "geometry": {"type": "MultiPolygon", "coordinates": found},
        }
        for (frame, kind), found in sorted(shapes.items())
    ]
    return {"type": "FeatureCollection", "features": features}


if __name__ == "__main__":
    source = sys.argv[1] if len(sys.argv) > 1 else "package/countries-10m.json"
    target = HERE / "france.geojson"
    target.write_text(json.dumps(build(source), separators=(",", ":")) + "\n")
    print(f"{target}: {target.stat().st_size // 1024} KB")
