"""Build practices/data/world-110m.json, the world map's country outlines, from
the Natural Earth 1:110m countries shipped by the npm package world-atlas.

Run by hand after `npm ci` (world-atlas is a devDependency in package.json):

    python scripts/build_world_map.py

It needs pycountry (the `map-build` extra: `pip install -e ".[map-build]"`) to
turn world-atlas's numeric ISO 3166-1 ids into the alpha-2 codes that
Jurisdiction.iso_code holds. The site itself reads only the JSON it writes: no
npm, pycountry or network at run time.

Steps: decode the TopoJSON arcs (quantized, delta-encoded), simplify each arc
once (Douglas-Peucker, so neighbours keep one shared border), cut the rings that
cross the antimeridian, project with Equal Earth (equal-area, so no country looks
bigger than it is), drop islands too small to see, and write each country as one
SVG path with relative coordinates rounded to one decimal.
"""

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "world-atlas" / "countries-110m.json"
OUTPUT = ROOT / "practices" / "data" / "world-110m.json"

WIDTH = 1000  # The globe's width at the equator, in viewBox units (the SVG
# scales to its container).
TOLERANCE_DEGREES = 0.15  # Douglas-Peucker tolerance (about 0.4 viewBox units).
MIN_AREA = 4.0  # Rings smaller than this (square units) are left out...
# ...unless they are a country's largest, so that every country is drawn.

# Antarctica takes a fifth of the height and holds no jurisdiction.
LEFT_OUT = {"010"}
# Natural Earth draws these de facto territories; pycountry has no code for
# them. Kosovo's "XK" is the user-assigned code in common use (the EU, SWIFT);
# the other two stay uncoded and so are never linked.
CODES_WITHOUT_ISO_ID = {"Kosovo": "XK", "N. Cyprus": "", "Somaliland": ""}

# Equal Earth (Šavrič, Patterson and Jenny, 2018).
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2


def equal_earth(lon, lat):
    lam, phi = math.radians(lon), math.radians(lat)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (lam * math.cos(theta)) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


def decode_arcs(topology):
    """Each arc as a list of (longitude, latitude): TopoJSON stores quantized
    integers, each position a delta from the one before."""
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def simplify(points, tolerance):
    """Douglas-Peucker; the first and last points (shared with neighbours) stay."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                distance = math.hypot(px - x1, py - y1)
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_points(ring, arcs):
    """A ring's points from its arc indices (a negative index ~i is arc i reversed);
    consecutive arcs share their joining point."""
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def area(points):
    return abs(
        sum(
            x1 * y2 - x2 * y1
            for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True)
        )
        / 2
    )


def number(value):
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    if text in ("-0", ""):
        return "0"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def path_data(rings):
    """Absolute move to each ring's start, then relative line segments; deltas
    come from rounded positions so rounding errors do not add up."""
    parts = []
    for ring in rings:
        rounded = [(round(x, 1), round(y, 1)) for x, y in ring]
        deduplicated = [rounded[0]]
        for point in rounded[1:]:
            if point != deduplicated[-1]:
                deduplicated.append(point)
        if deduplicated[-1] == deduplicated[0]:
            deduplicated.pop()
        if len(deduplicated) < 3:
            continue
        (x0, y0), moves = deduplicated[0], []
        previous = deduplicated[0]
        for x, y in deduplicated[1:]:
            moves.append(f"{number(x - previous[0])} {number(y - previous[1])}")
            previous = (x, y)
        text = f"M{number(x0)} {number(y0)}l" + " ".join(moves) + "z"
        # A minus sign separates numbers by itself.
        parts.append(text.replace(" -", "-"))
    return "".join(parts)


def iso_code(geometry):
    import pycountry  # build time only

    name = geometry["properties"]["name"]
    if "id" not in geometry:
        return CODES_WITHOUT_ISO_ID[name]
    country = pycountry.countries.get(numeric=geometry["id"])
    if country is None:
        sys.exit(f"No ISO 3166-1 country with numeric id {geometry['id']} ({name})")
    return country.alpha_2


def unwrap(ring):
    """The ring with each longitude within 180° of the one before, so a ring that
    crosses the antimeridian (Russia, Fiji) becomes one piece beyond ±180."""
    points = [ring[0]]
    for lon, lat in ring[1:]:
        previous = points[-1][0]
        lon += 360 * round((previous - lon) / 360)
        points.append((lon, lat))
    return points


def clip(ring, inside, cross):
    """Sutherland-Hodgman against one half-plane: `inside(point)` says which
    side a point is on, `cross(a, b)` where edge a-b meets the boundary."""
    out = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(cross(previous, current))
            out.append(current)
        elif inside(previous):
            out.append(cross(previous, current))
    return out


def at_longitude(limit):
    def cross(a, b):
        t = (limit - a[0]) / (b[0] - a[0])
        return (limit, a[1] + t * (b[1] - a[1]))

    return cross


def split_at_antimeridian(ring):
    """The ring cut into the pieces that lie within -180..180 longitude."""
    ring = unwrap(ring)
    pieces = []
    for shift in (-360, 0, 360):
        piece = [(lon + shift, lat) for lon, lat in ring]
        piece = clip(piece, lambda p: p[0] >= -180, at_longitude(-180))
        piece = clip(piece, lambda p: p[0] <= 180, at_longitude(180)) if piece else []
        if len(piece) >= 3:
            pieces.append(piece)
    return pieces


def build(topology):
    geometries = [
        g
        for g in topology["objects"]["countries"]["geometries"]
        if g.get("id") not in LEFT_OUT and g["type"] in ("Polygon", "MultiPolygon")
    ]
    # Simplified once per arc, so that neighbours keep one shared border.
    arcs = [simplify(arc, TOLERANCE_DEGREES) for arc in decode_arcs(topology)]
    shapes = []
    for geometry in geometries:
        polygons = (
            [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        )
        # Holes (lakes, enclaves) are left out: at this scale they are specks,
        # and an enclave is drawn as its own country on top.
        rings = [
            [equal_earth(lon, lat) for lon, lat in piece]
            for polygon in polygons
            for piece in split_at_antimeridian(ring_points(polygon[0], arcs))
        ]
        shapes.append((geometry, rings))

    # Scale so that the whole globe would be WIDTH across at the equator, leave
    # out specks, then crop the viewBox to the land that is drawn.
    scale = WIDTH / (2 * equal_earth(180, 0)[0])
    kept = []
    for geometry, rings in shapes:
        rings = [[(x * scale, -y * scale) for x, y in ring] for ring in rings]
        largest = max(rings, key=area)
        kept.append(
            (geometry, [r for r in rings if r is largest or area(r) >= MIN_AREA])
        )
    points = [p for _, rings in kept for ring in rings for p in ring]
    left = min(x for x, _ in points)
    top = min(y for _, y in points)
    width = math.ceil(max(x for x, _ in points) - left)
    height = math.ceil(max(y for _, y in points) - top)

    countries = []
    for geometry, rings in kept:
        rings = [[(x - left, y - top) for x, y in ring] for ring in rings]
        countries.append(
            {
                "iso": iso_code(geometry),
                "name": geometry["properties"]["name"],
                "d": path_data(rings),
            }
        )
    countries.sort(key=lambda c: (c["iso"] or "~", c["name"]))
    codes = [c["iso"] for c in countries if c["iso"]]
    if len(codes) != len(set(codes)):
        sys.exit("Two shapes share an ISO code")
    return {
        "source": "Natural Earth 1:110m countries (public domain), "
        "npm world-atlas 2.0.2 countries-110m.json; Equal Earth projection; "
        "built by scripts/build_world_map.py",
        "viewBox": f"0 0 {width} {height}",
        "countries": countries,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    topology = json.loads(args.source.read_text(encoding="utf-8"))
    data = build(topology)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    size = args.output.stat().st_size
    sys.stdout.write(
        f"{args.output}: {len(data['countries'])} countries, {size:,} bytes\n"
    )


if __name__ == "__main__":
    main()
