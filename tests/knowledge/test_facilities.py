"""Childcare facilities: shipped rows, demo labelling, CSV import, nearest first."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import build, facilities, store

ROOT = Path(__file__).resolve().parents[2]


def test_every_row_without_a_document_source_is_demo(conn):
    rows = store.facilities(conn=conn)
    assert rows
    for row in rows:
        if row["is_demo"]:
            assert "演示" in row["name"] and row["phone"] is None
        else:
            # A real row comes from a clause of a document and invents no address.
            assert store.clause(conn=conn, clause_id=row["source"]) is not None, row["source"]
            assert (row["address"], row["latitude"], row["phone"]) == (None, None, None)


def test_every_baotou_district_has_demo_rows(conn):
    districts = {r["district"] for r in store.facilities(conn=conn, jurisdictions=["baotou"]) if r["is_demo"]}
    assert {"kundulun", "qingshan", "donghe", "jiuyuan", "shiguai", "baiyunebo", "tumed-right",
            "guyang", "darhan-muminggan", "rare-earth-hitech"} == districts


def test_nearest_is_sorted_by_distance(conn):
    kundulun = [r for r in store.facilities(conn=conn, district="kundulun") if r["latitude"]][0]
    found = facilities.nearest(conn=conn, latitude=kundulun["latitude"], longitude=kundulun["longitude"], limit=3)
    assert kundulun["id"] == found[0].facility["id"]
    assert 0.0 == pytest.approx(found[0].distance_km, abs=1e-6)
    assert [n.distance_km for n in found] == sorted(n.distance_km for n in found)


def test_nothing_near_a_place_far_away(conn):
    assert [] == facilities.nearest(conn=conn, latitude=39.9042, longitude=116.4074)   # 北京


def test_distance_km():
    # 包头 (40.657, 109.840) to 呼和浩特 (40.842, 111.749): about 162 km.
    assert 162 == pytest.approx(facilities.distance_km(40.657, 109.840, 40.842, 111.749), abs=3)


PUBLISHED = """序号,机构名称,所在旗县区,地址,联系电话,机构性质,收托年龄,托位数,备案日期,经度,纬度
1,测试普惠托育园,昆都仑区,测试路1号,0472-0000000,民办普惠,1-3岁,60,2025-03-01,109.82,40.66
2,测试公办托育中心,青山区,测试路2号,,公办,2-3岁,80,2025-04-01,,
"""


def test_import_published_list(tmp_path, built_store):
    db_path = tmp_path / "k.db"
    shutil.copy(built_store.db_path, db_path)
    knowledge_root = tmp_path / "knowledge"
    csv_path = tmp_path / "包头托育机构备案.csv"
    csv_path.write_text(PUBLISHED, encoding="utf-8")
    assert 2 == facilities.import_csv(path=csv_path, db_path=db_path, root=knowledge_root)
    # Importing the same file again replaces, never duplicates.
    assert 2 == facilities.import_csv(path=csv_path, db_path=db_path, root=knowledge_root)
    conn = store.connect(path=db_path)
    imported = [dict(r) for r in store.facilities(conn=conn) if r["source"] == "import:包头托育机构备案.csv"]
    assert [("测试普惠托育园", "baotou", "kundulun", "普惠", 60, 0), ("测试公办托育中心", "baotou", "qingshan", "公办", 80, 0)] == [
        (r["name"], r["jurisdiction"], r["district"], r["type"], r["places"], r["is_demo"]) for r in imported]
    # The normalised copy is what the next build reads.
    kept = knowledge_root / "facilities" / "imported" / "包头托育机构备案.csv"
    rows = build.read_facility_csv(path=kept, region_ids={"baotou", "kundulun", "qingshan"})
    assert ["测试普惠托育园", "测试公办托育中心"] == [r["name"] for r in rows]


def test_import_rejects_an_unknown_place_with_its_line(tmp_path, built_store):
    db_path = tmp_path / "k.db"
    shutil.copy(built_store.db_path, db_path)
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("机构名称,所在旗县区\n某托育园,朝阳区\n", encoding="utf-8")
    with pytest.raises(build.SourceError, match=r"bad.csv:2:"):
        facilities.import_csv(path=csv_path, db_path=db_path, root=tmp_path / "knowledge")
