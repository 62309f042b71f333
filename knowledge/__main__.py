"""Command line: python -m knowledge build | search 关键词 | check | import-facilities FILE.csv | qa 问题 | qa-eval"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge import build as build_module
from knowledge import facilities, qa, regions, search, store
from knowledge.parsers import SourceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="知识库：构建、检索、校验")
    parser.add_argument("--db", type=Path, default=store.DEFAULT_DB, help="store path (default build/knowledge.db)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build the store from knowledge/ (atomic)")
    find = commands.add_parser("search", help="full-text search over clauses")
    find.add_argument("query", nargs="+")
    find.add_argument("--limit", type=int, default=5)
    commands.add_parser("check", help="every fact's figure in its clause, no orphan rows")
    imp = commands.add_parser("import-facilities", help="import a 托育机构备案 CSV")
    imp.add_argument("file", type=Path)
    imp.add_argument("--jurisdiction", help="gazetteer id of the city, when the CSV has no 区县 column")
    ask = commands.add_parser("qa", help="question-answer entries for a citizen's question")
    ask.add_argument("question", nargs="+")
    ask.add_argument("--limit", type=int, default=3)
    qa_eval = commands.add_parser("qa-eval", help="matcher hit@1/hit@3 on one held-out paraphrase per entry")
    qa_eval.add_argument("--misses", action="store_true", help="list the held-out questions not ranked first")
    qa_eval.add_argument("--held-out", type=int, default=-1, help="index of the held-out paraphrase (default: last)")
    # Allow --db after the sub-command too (python -m knowledge build --db x.db).
    for sub in commands.choices.values():
        sub.add_argument("--db", type=Path, default=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        if args.command == "build":
            report = build_module.build(db_path=args.db)
            print(f"built {report.db_path}")
            print(f"documents: {report.documents}")
            print(f"clauses: {report.clauses}")
            for table, n in report.facts.items():
                print(f"{table}: {n}")
            print(f"regions: {report.regions}")
            print(f"facilities: {report.facilities}")
            print(f"qa: {report.qa}")
            print(f"seconds: {report.seconds:.2f}")
        elif args.command == "search":
            conn = store.connect(path=args.db)
            hits = search.search(conn=conn, query=" ".join(args.query), limit=args.limit)
            if not hits:
                print("no match")
            for hit in hits:
                cite = store.citation(conn=conn, clause_id=hit.clause_id)
                print(f"{hit.score:8.3f}  {hit.clause_id}  《{cite['title']}》{cite['number']}")
                print(f"          {hit.snippet}")
        elif args.command == "check":
            problems = build_module.check(db_path=args.db)
            for problem in problems:
                print(problem)
            print("ok" if not problems else f"{len(problems)} problem(s)")
            return 1 if problems else 0
        elif args.command == "qa":
            conn = store.connect(path=args.db)
            found = qa.match(conn=conn, text=" ".join(args.question), limit=args.limit)
            if not found:
                print("no match")
            for hit in found:
                print(f"{hit.score:8.3f}  {hit.entry_id}  [{hit.topic}/{hit.facet}/{hit.jurisdiction}]")
                print(f"          {hit.answer}")
                for clause_id in hit.clause_ids:
                    cite = store.citation(conn=conn, clause_id=clause_id)
                    print(f"          来源：《{cite['title']}》 {clause_id}")
        elif args.command == "qa-eval":
            entries = qa.load_entries(root=build_module.KNOWLEDGE_DIR)
            places = regions.Gazetteer(conn=store.connect(path=args.db))
            text_only = qa.evaluate(entries=entries, held_out_index=args.held_out)
            with_place = qa.evaluate(entries=entries, places=places, held_out_index=args.held_out)
            print(f"entries: {text_only.entries} (one held-out paraphrase each)")
            print(f"text only:             hit@1 {text_only.hit_at_1:.3f}  hit@3 {text_only.hit_at_3:.3f}")
            print(f"place named -> filter: hit@1 {with_place.hit_at_1:.3f}  hit@3 {with_place.hit_at_3:.3f}")
            if args.misses:
                for entry_id, question, top in with_place.misses:
                    print(f"  {entry_id}: {question} -> {top}")
        elif args.command == "import-facilities":
            n = facilities.import_csv(path=args.file, db_path=args.db, jurisdiction=args.jurisdiction)
            print(f"imported {n} facilities from {args.file}")
    except (SourceError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
