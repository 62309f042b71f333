"""Command line: python -m knowledge build | add FILE … | remove ID | search 关键词 | check |
import-facilities FILE.csv | qa 问题 | qa-eval"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from knowledge import build as build_module
from knowledge import catalogue, facilities, qa, regions, search, store
from knowledge import suggest
from knowledge.parsers import SourceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description="知识库：构建、检索、校验")
    parser.add_argument("--db", type=Path, default=store.DEFAULT_DB, help="store path (default build/knowledge.db)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build", help="build the store from knowledge/ (atomic)")
    add = commands.add_parser("add", help="add a policy document (.txt .md .html .docx .pdf) and rebuild")
    add.add_argument("path", type=Path)
    add.add_argument("--title", required=True)
    add.add_argument("--issuer", required=True)
    add.add_argument("--jurisdiction", required=True, help="place it governs, e.g. 鄂尔多斯市 (or a region id)")
    add.add_argument("--date", required=True, help="YYYY-MM-DD, the date printed on the document")
    add.add_argument("--doc-number", help="文号, e.g. 鄂府办发〔2026〕1号")
    add.add_argument("--status", default="in_force", choices=catalogue.STATUSES)
    add.add_argument("--supersedes", metavar="SOURCE_ID", help="the document this one replaces")
    add.add_argument("--id", dest="source_id", metavar="SOURCE_ID", help="id to give it (default: place-year)")
    remove = commands.add_parser("remove", help="remove a document added with `add`, and rebuild")
    remove.add_argument("source_id")
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
    propose = commands.add_parser("suggest-facts", help="candidate fact rows of one source, for review")
    propose.add_argument("source_id")
    propose.add_argument("--out", type=Path, default=suggest.REVIEW_DIR,
                         help="folder of the review file (default knowledge/facts/review)")
    propose.add_argument("--force", action="store_true", help="overwrite an existing review file")
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
        elif args.command == "add":
            added = catalogue.add_document(
                path=args.path, title=args.title, issuer=args.issuer, jurisdiction=args.jurisdiction,
                date=args.date, doc_number=args.doc_number, status=args.status, supersedes=args.supersedes,
                source_id=args.source_id, db_path=args.db)
            print(f"added {added.source_id}: {added.file} ({added.jurisdiction_name} → {added.jurisdiction})")
            print(f"shape: {added.shape} {added.shape_options or ''}".rstrip())
            print(f"clauses: {len(added.clauses)}")
            for clause in added.clauses:
                print(f"  {added.source_id}:{clause.path}  {clause.heading[:60]}")
            print(f"rebuilt {added.report.db_path}: {added.report.documents} documents, {added.report.clauses} clauses")
            print(f"next: python -m knowledge suggest-facts {added.source_id}   (candidate facts to review)")
        elif args.command == "remove":
            report = catalogue.remove_document(source_id=args.source_id, db_path=args.db)
            print(f"removed {args.source_id}; rebuilt {report.db_path}: {report.documents} documents")
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
        elif args.command == "suggest-facts":
            written = suggest.write_review(conn=store.connect(path=args.db), doc_id=args.source_id,
                                           out_dir=args.out, force=args.force)
            for table, n in written.counts.items():
                print(f"{table}: {n}")
            print(f"wrote {written.path}")
        elif args.command == "import-facilities":
            n = facilities.import_csv(path=args.file, db_path=args.db, jurisdiction=args.jurisdiction)
            print(f"imported {n} facilities from {args.file}")
    except (SourceError, FileNotFoundError, suggest.SuggestError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
