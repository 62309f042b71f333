"""Childcare facilities: importing a published 托育机构备案 list, and finding the nearest."""
from __future__ import annotations

import csv
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from knowledge import store
from knowledge.build import FACILITY_COLUMNS, KNOWLEDGE_DIR, SourceError, today
from knowledge.regions import Gazetteer

# Header names seen in local health commissions' 托育机构备案 lists -> our columns.
HEADER_ALIASES = {
    "name": ("机构名称", "托育机构名称", "名称", "name"),
    "district": ("所在地区", "所在旗县区", "旗县区", "区县", "所属区县", "行政区划", "district"),
    "address": ("地址", "机构地址", "详细地址", "address"),
    "phone": ("联系电话", "电话", "phone"),
    "type": ("机构性质", "机构类型", "类型", "type"),
    "ages": ("收托年龄", "收托月龄", "招收年龄", "ages"),
    "places": ("托位数", "托位", "核定托位数", "places"),
    "updated": ("备案日期", "备案时间", "更新日期", "updated"),
    "latitude": ("纬度", "latitude", "lat"),
    "longitude": ("经度", "longitude", "lon", "lng"),
}


def _facility_type(raw: str) -> str | None:
    """Reduce a printed 机构性质 to 公办 / 普惠 / 示范 (None when it says none of them)."""
    for label in ("示范", "普惠", "公办"):
        if label in raw:
            return label
    return None


def read_published_csv(*, path: Path, gazetteer: Gazetteer, jurisdiction: str | None) -> list[dict]:
    """Rows of a 备案 list, mapped to the facilities columns. Raises SourceError with line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        headers = [h.strip() for h in (reader.fieldnames or [])]
        column_of = {}
        for column, names in HEADER_ALIASES.items():
            match = next((h for h in headers if h in names), None)
            if match:
                column_of[column] = match
        if "name" not in column_of:
            raise SourceError(file=str(path), line=1, message="no 机构名称 column")
        context = gazetteer.regions[jurisdiction].name if jurisdiction in gazetteer.regions else path.stem
        rows = []
        for raw in reader:
            raw = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
            line = reader.line_num
            value = {column: raw.get(header, "") for column, header in column_of.items()}
            if not value["name"]:
                continue
            # A name several places share (青山区: 包头 / 武汉) is read inside the city the list
            # is for: --jurisdiction, else the file's name (包头托育机构备案.csv).
            district = (gazetteer.lookup(value["district"]) or gazetteer.lookup(context + value["district"])
                        if value.get("district") else None)
            region_id = jurisdiction or (district.parent if district and district.level == "district" else None)
            if region_id is None and district is not None:
                region_id = district.id
            if region_id is None or gazetteer.lookup(region_id) is None:
                raise SourceError(file=str(path), line=line,
                                  message="cannot tell the city: give --jurisdiction or a known 区县")
            try:
                rows.append({
                    "name": value["name"], "jurisdiction": region_id,
                    "district": district.id if district else None,
                    "address": value.get("address") or None,
                    "latitude": float(value["latitude"]) if value.get("latitude") else None,
                    "longitude": float(value["longitude"]) if value.get("longitude") else None,
                    "type": _facility_type(value.get("type", "")),
                    "ages": value.get("ages") or None,
                    "places": int(float(value["places"])) if value.get("places") else None,
                    "phone": value.get("phone") or None,
                    "source": f"import:{path.name}",
                    "updated": value.get("updated") or today(),
                    "is_demo": 0,
                })
            except ValueError as err:
                raise SourceError(file=str(path), line=line, message=f"bad number: {err}") from err
    return rows


def import_csv(*, path: Path, db_path: Path, jurisdiction: str | None = None,
               root: Path = KNOWLEDGE_DIR) -> int:
    """Import a 备案 list into the store and keep a normalised copy under
    knowledge/facilities/imported/ so the next build includes it. Returns rows imported."""
    conn = store.connect(path=db_path, read_only=False)
    try:
        rows = read_published_csv(path=path, gazetteer=Gazetteer(conn=conn), jurisdiction=jurisdiction)
        kept = root / "facilities" / "imported" / f"{path.stem}.csv"
        kept.parent.mkdir(parents=True, exist_ok=True)
        with kept.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FACILITY_COLUMNS)
            writer.writeheader()
            writer.writerows({k: ("" if row[k] is None else row[k]) for k in FACILITY_COLUMNS} for row in rows)
        store.delete_facilities_from(conn=conn, source=f"import:{path.name}")
        return store.insert_facilities(conn=conn, rows=rows)
    finally:
        conn.close()


@dataclass(frozen=True)
class Nearby:
    facility: sqlite3.Row
    distance_km: float


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), good to a few metres at city scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def nearest(*, conn: sqlite3.Connection, latitude: float, longitude: float, limit: int = 3,
            max_km: float = 50.0) -> list[Nearby]:
    """Facilities with coordinates within `max_km`, nearest first."""
    found = [
        Nearby(row, distance_km(latitude, longitude, row["latitude"], row["longitude"]))
        for row in store.facilities(conn=conn)
        if row["latitude"] is not None and row["longitude"] is not None
    ]
    return sorted((n for n in found if n.distance_km <= max_km), key=lambda n: n.distance_km)[:limit]
