"""Generate NLU resources from the knowledge store, so names are never copied by hand:

- data/nlu/lookups/gazetteer.yml: lookup tables `region` / `district` and synonyms
  mapping every name and alias of a covered region to its gazetteer id (昆区 -> kundulun).
  Only covered places: the ~3000 national names and the towns are not NLU features; the
  actions read places from the raw text with knowledge/places.py (and ask back on a
  shared name even when a synonym here maps it to one region);
- a user dictionary for the pkuseg segmenter (place names, leave types, benefit kinds,
  service names), one word per line.

    python -m bot.nlu.build_tools.lookups --db build/knowledge.db --nlu data/nlu/lookups/gazetteer.yml \
        --user-words build/nlu/user_words.txt
"""
from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from knowledge import store

# Words citizens use that are not names in the store but must stay one token.
EXTRA_WORDS = (
    "育儿补贴", "育儿补贴金", "普惠托育", "托育机构", "托育服务", "三孩", "二孩", "一孩", "三胎",
    "二胎", "头胎", "老大", "老二", "老三", "大宝", "二宝", "三宝", "产假", "护理假", "陪产假",
    "育儿假", "婚假", "照护假", "生育假", "生育津贴", "生育保险", "个税", "专项附加扣除",
    "公积金", "公租房", "购房补贴", "转人工", "预产期", "出生一件事", "长幼随学",
)


def _literal_block_dumper() -> type:
    class Dumper(yaml.SafeDumper):
        pass

    def str_presenter(dumper: yaml.SafeDumper, data: str):
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    Dumper.add_representer(str, str_presenter)
    return Dumper


def nlu_lookups(*, conn) -> dict:
    """Rasa NLU data: lookup tables and synonyms for every covered place."""
    regions = {r["id"]: r for r in store.regions(conn=conn)}
    names: dict[str, list[str]] = {}
    for row in store.region_aliases(conn=conn):
        names.setdefault(row["region_id"], []).append(row["alias"])
    entity_of = lambda region_id: "district" if regions[region_id]["level"] == "district" else "region"
    lookups = {"region": [], "district": []}
    synonyms = []
    for region_id, aliases in sorted(names.items()):
        if region_id == "china":
            continue  # "国家"/"全国" are not places a citizen lives in
        lookups[entity_of(region_id)].extend(sorted(aliases))
        synonyms.append({"synonym": region_id,
                         "examples": "".join(f"- {a}\n" for a in sorted(aliases))})
    # Names of programmes and services the documents mention (萌宝驿站, 云上妇幼 …): a
    # feature that tells DIET "this asks about a named policy item".
    lookups["service"] = sorted({row["name"] for row in store.all_facts(conn=conn, table="services")
                                 if row["name"] and len(row["name"]) <= 20})
    return {
        "version": "3.1",
        "nlu": [{"lookup": name, "examples": "".join(f"- {v}\n" for v in values)}
                for name, values in lookups.items()] + synonyms,
    }


def synonym_lookups(*, synonyms_file: Path) -> dict:
    """Lookup tables child_order / leave_type / benefit from the hand-written synonyms, so
    the lookup extractor finds every listed surface form (then mapped to its value)."""
    data = yaml.safe_load(synonyms_file.read_text(encoding="utf-8"))
    entity_of_value = {"1": "child_order", "2": "child_order", "3": "child_order",
                       "产假": "leave_type", "护理假": "leave_type", "育儿假": "leave_type",
                       "婚假": "leave_type", "独生子女照护假": "leave_type"}
    tables: dict[str, set] = {"child_order": set(), "leave_type": set(), "benefit": set()}
    for block in data.get("nlu", []):
        if "synonym" not in block:
            continue
        value = str(block["synonym"])
        entity = entity_of_value.get(value, "benefit")
        forms = [line.strip()[2:].strip() for line in block["examples"].splitlines() if line.strip().startswith("- ")]
        # Single characters and bare digits would fire everywhere.
        tables[entity].update(f for f in forms + ([value] if not value.isdigit() else []) if len(f) >= 2)
    return {"version": "3.1", "nlu": [{"lookup": name, "examples": "".join(f"- {v}\n" for v in sorted(values))}
                                      for name, values in tables.items()]}


def user_words(*, conn) -> list[str]:
    """Words pkuseg must keep whole: places, leave types, benefit kinds, services."""
    words = {row["alias"] for row in store.region_aliases(conn=conn)}
    for table, column in (("leave_rules", "leave_type"), ("benefits", "kind"), ("services", "name")):
        words.update(row[column] for row in store.all_facts(conn=conn, table=table) if row[column])
    words.update(EXTRA_WORDS)
    # pkuseg's user dictionary is whitespace-separated: drop entries that contain spaces.
    return sorted(w for w in words if w and not any(ch.isspace() for ch in w) and len(w) <= 20)


def write_if_changed(path: Path, text: str) -> None:
    """Keep the file (and its mtime) when nothing changed, so `make` does not retrain."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=store.DEFAULT_DB)
    parser.add_argument("--nlu", type=Path, required=True)
    parser.add_argument("--user-words", type=Path, required=True)
    parser.add_argument("--synonyms", type=Path, default=Path("data/nlu/synonyms.yml"))
    args = parser.parse_args(argv)
    conn = store.connect(path=args.db)
    args.nlu.parent.mkdir(parents=True, exist_ok=True)
    header = "# GENERATED by `python -m bot.nlu.build_tools.lookups` from the knowledge store. Do not edit.\n"
    write_if_changed(args.nlu, header + yaml.dump(nlu_lookups(conn=conn), Dumper=_literal_block_dumper(),
                                                  allow_unicode=True, sort_keys=False))
    write_if_changed(args.nlu.parent / "terms.yml", header + yaml.dump(
        synonym_lookups(synonyms_file=args.synonyms), Dumper=_literal_block_dumper(), allow_unicode=True,
        sort_keys=False))
    args.user_words.parent.mkdir(parents=True, exist_ok=True)
    write_if_changed(args.user_words, "\n".join(user_words(conn=conn)) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
