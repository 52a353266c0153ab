"""Build the dashboard's country outlines, ``src/flashpoint/web/outlines.json``.

Provenance: Natural Earth 1:110m Admin 0 - Countries (https://www.naturalearthdata.com),
public domain ("All versions of Natural Earth raster + vector map data found on this
website are in the public domain"). The copy read here is the ``naturalearth_lowres``
shapefile that the ``pyogrio`` wheel ships as a test fixture, so no download from a map
server is needed:

    pip download --no-deps pyogrio==0.13.0 -d /tmp/whl
    unzip /tmp/whl/pyogrio-*.whl 'pyogrio/tests/fixtures/naturalearth_lowres/*' -d /tmp/ne
    python tools/build_outlines.py /tmp/ne/pyogrio/tests/fixtures/naturalearth_lowres/\
naturalearth_lowres.shp

The output keeps, per country, its ISO3 code, its name, its bounding box and its outer
and inner rings as flat ``[lon, lat, lon, lat, ...]`` lists rounded to 0.01 degrees
(about 1 km, far finer than the 1:110m source), so the file stays small enough to send
to the browser once. The dashboard draws the rings as plain line traces; it never asks
a tile or topojson server for anything.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import shapefile

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "flashpoint" / "web" / "outlines.json"
DECIMALS = 2

# Natural Earth leaves iso_a3 as "-99" for a few entries; these are the codes the rest of
# Flashpoint uses for them (XKX is the code the gazetteer gives Kosovo).
ISO3_FIXES = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX"}
# Entities without an ISO 3166 code of their own are drawn as part of the country ISO
# 3166 assigns them to, under that country's name.
MERGED_INTO = {"N. Cyprus": "CYP", "Somaliland": "SOM"}


def _ring(points: list[tuple[float, float]]) -> list[float]:
    """One ring as a flat coordinate list, rounded, with repeated points dropped."""
    flat: list[float] = []
    last: tuple[float, float] | None = None
    for lon, lat in points:
        here = (round(lon, DECIMALS), round(lat, DECIMALS))
        if here != last:
            flat.extend(here)
            last = here
    return flat


def _rings(shape: Any) -> list[list[float]]:
    """Every ring of a (multi)polygon; ``shape.parts`` holds the start of each ring."""
    starts = [*shape.parts, len(shape.points)]
    rings = (_ring(shape.points[a:b]) for a, b in zip(starts, starts[1:], strict=False))
    return [r for r in rings if len(r) >= 6]  # a ring needs three distinct points


def _iso3(record: Any) -> str:
    code, name = str(record["iso_a3"]), str(record["name"])
    if code != "-99":
        return code
    fixed = ISO3_FIXES.get(name) or MERGED_INTO.get(name)
    if fixed is None:
        raise SystemExit(f"{name}: no ISO3 code in the source, nor in ISO3_FIXES or MERGED_INTO")
    return fixed


def read_countries(path: Path) -> list[dict[str, Any]]:
    """Countries of the shapefile, sorted by ISO3, disputed parts merged into their country.

    Args:
        path: the ``naturalearth_lowres.shp`` file (its ``.dbf`` beside it).

    Returns:
        ``[{"iso3", "name", "bbox": [west, south, east, north], "rings": [[lon, lat, ...]]}]``
    """
    countries: dict[str, dict[str, Any]] = {}
    with shapefile.Reader(str(path)) as reader:
        for item in reader.iterShapeRecords():
            iso3, name = _iso3(item.record), str(item.record["name"])
            country = countries.setdefault(iso3, {"iso3": iso3, "name": name, "rings": []})
            if name not in MERGED_INTO:
                country["name"] = name
            country["rings"].extend(_rings(item.shape))
    for country in countries.values():
        lons = [v for ring in country["rings"] for v in ring[0::2]]
        lats = [v for ring in country["rings"] for v in ring[1::2]]
        country["bbox"] = [min(lons), min(lats), max(lons), max(lats)]
    return sorted(countries.values(), key=lambda c: c["iso3"])


def build(source: Path, output: Path = OUTPUT) -> Path:
    """Write the outlines JSON and return its path."""
    if not source.is_file():
        raise SystemExit(f"{source}: no such shapefile (see the docstring of this script)")
    document = {
        "source": "Natural Earth 1:110m Admin 0 - Countries, public domain "
                  "(naturalearthdata.com), via the naturalearth_lowres fixture of pyogrio",
        "decimals": DECIMALS,
        "countries": [{k: c[k] for k in ("iso3", "name", "bbox", "rings")}
                      for c in read_countries(source)],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapefile", type=Path, help="naturalearth_lowres.shp")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {OUTPUT}")
    args = parser.parse_args()
    path = build(args.shapefile, args.output)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
