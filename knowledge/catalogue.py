"""Adding and removing a policy document without writing code (`python -m knowledge add`).

`add_document` reads a .txt/.md/.html/.docx/.pdf file (knowledge/readers.py), resolves the
place it governs with the places index, finds its clause structure by shape
(parsers.detect_shape), stores a normalised copy under knowledge/sources/, appends its
entry to sources.yml and rebuilds the store. Any failure leaves every file as it was.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from knowledge import build, parsers, places, readers, store
from knowledge.parsers import Clause, SourceError

STATUSES = ("in_force", "draft", "reported")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_ENTRY_START = re.compile(r"^- id:\s*(\S+)\s*$")
# Where a file added from the command line is kept (its own folder: easy to review).
ADDED_DIR = "added"


@dataclass
class Added:
    """What `add_document` did."""

    source_id: str
    file: Path
    shape: str
    shape_options: dict
    jurisdiction: str          # region id
    jurisdiction_name: str     # official name chain
    clauses: list[Clause] = field(default_factory=list)
    report: build.BuildReport | None = None


def _fail(message: str, *, file: str = "knowledge add") -> SourceError:
    return SourceError(file=file, line=0, message=message)


def known_ids(*, root: Path) -> set[str]:
    """Ids of the documents in sources.yml and of the supplementary sources."""
    ids = {str(e["id"]) for e in build.load_yaml_list(path=root / "sources" / "sources.yml")}
    for path in (root / "sources" / "supplementary").glob("*.md"):
        meta, _ = parsers.parse_supplementary(path=path)
        ids.add(str(meta["id"]))
    return ids


def resolve_jurisdiction(*, root: Path, name: str) -> places.Resolved:
    """The place a document governs, as the citizen-facing places index reads its name."""
    regions, aliases, place_rows = build.region_rows(root=root)
    index = places.PlaceIndex(places=place_rows, aliases=aliases)
    by_id = {r["id"]: r for r in regions}
    if name in by_id:   # a region id (neimenggu, ordos) is accepted as well
        return places.Resolved(kind="covered", mention=name, chain=by_id[name]["name"], region_id=name)
    key = places.normalise(name)
    matches = index.find_places(name, keep_ancestors=True)
    # The whole name read as places ("包头市昆都仑区"), none of them by a slip of the keyboard.
    spelt_right = bool(matches) and all(m.how != "typo" for m in matches) and \
        sum(m.end - m.start for m in matches) == len(key)
    if key in index.full_names or key in index.keys or spelt_right:
        return index.resolve(name)
    # A citizen's slip is forgiven (赛汗区); a document's jurisdiction must be spelt right.
    guess = index.resolve(name)
    return places.Resolved(kind="unknown", mention=name, chain=guess.chain if guess.kind != "unknown" else "")


def _region_id_for(*, root: Path, resolved: places.Resolved) -> tuple[str, str]:
    """(region id, name) of a resolved place; a place outside the coverage is refused."""
    if resolved.kind == "covered" and resolved.region_id:
        return resolved.region_id, resolved.chain or resolved.mention
    if resolved.kind == "ambiguous":
        names = "、".join(c.chain for c in resolved.candidates) or resolved.mention
        raise _fail(f"place {resolved.mention!r} is ambiguous ({names}): give the full name, e.g. with its city")
    if resolved.kind == "outside":
        raise _fail(f"place {resolved.chain!r} is outside the covered regions (knowledge/places.py "
                    "COVERED_SUBTREES); cover its province first")
    hint = f" (did you mean {resolved.chain}?)" if resolved.chain else ""
    raise _fail(f"unknown place {resolved.mention!r}{hint}: give a place name such as 鄂尔多斯市 or a region id")


def _check_date(date: str) -> str:
    try:
        return dt.date.fromisoformat(date).isoformat()
    except (TypeError, ValueError):
        raise _fail(f"date {date!r} is not a real date in the form YYYY-MM-DD") from None


def _new_id(*, region_id: str, date: str, taken: set[str]) -> str:
    base = f"{region_id}-{date[:4]}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _entry_text(entry: dict) -> str:
    """One sources.yml entry as YAML text (block style, options in flow style)."""
    options = entry.pop("shape_options")
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=200)
    if options:
        flow = yaml.safe_dump(options, allow_unicode=True, default_flow_style=True, width=200).strip()
        text = text.rstrip("\n") + f"\n  shape_options: {flow}\n"
    return text


def _entry_span(lines: list[str], *, source_id: str) -> tuple[int, int]:
    """(first line, line after the last) of the entry of `source_id` in sources.yml's lines."""
    start = next((i for i, line in enumerate(lines) if (m := _ENTRY_START.match(line)) and m.group(1) == source_id), None)
    if start is None:
        raise _fail(f"no entry {source_id!r} in sources.yml")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("- ") or lines[i].startswith("#")),
               len(lines))
    return start, end


def _set_in_entry(text: str, *, source_id: str, key: str, value: str | None) -> str:
    """sources.yml text with `key: value` set in the entry of `source_id` (comments kept)."""
    lines = text.splitlines(keepends=True)
    start, end = _entry_span(lines, source_id=source_id)
    rendered = f"  {key}: {value if value is not None else 'null'}\n"
    for i in range(start, end):
        if lines[i].startswith(f"  {key}:"):
            lines[i] = rendered
            return "".join(lines)
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    lines.insert(end, rendered)
    return "".join(lines)


def _remove_entry(text: str, *, source_id: str) -> str:
    """sources.yml text without the entry of `source_id` (and the comment lines just above it)."""
    lines = text.splitlines(keepends=True)
    start, end = _entry_span(lines, source_id=source_id)
    while start > 0 and lines[start - 1].startswith("# added by"):
        start -= 1
    return "".join(lines[:start] + lines[end:])


class _Files:
    """Files changed by one command, restored when it fails."""

    def __init__(self) -> None:
        self.saved: dict[Path, str | None] = {}

    def write(self, path: Path, text: str) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_text(encoding="utf-8") if path.exists() else None
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def remove(self, path: Path) -> None:
        if path not in self.saved:
            self.saved[path] = path.read_text(encoding="utf-8") if path.exists() else None
        path.unlink(missing_ok=True)

    def restore(self) -> None:
        for path, text in self.saved.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")


def add_document(
    *, path: Path, title: str, issuer: str, jurisdiction: str, date: str,
    doc_number: str | None = None, status: str = "in_force", supersedes: str | None = None,
    source_id: str | None = None, root: Path = build.KNOWLEDGE_DIR, db_path: Path = store.DEFAULT_DB,
) -> Added:
    """Add one document and rebuild the store; raise SourceError (nothing changed) on bad input."""
    path = Path(path)
    if not title.strip() or not issuer.strip():
        raise _fail("--title and --issuer must not be empty")
    if status not in STATUSES:
        raise _fail(f"status {status!r} is not one of {', '.join(STATUSES)}")
    date = _check_date(date)
    taken = known_ids(root=root)
    if source_id is not None and not _SOURCE_ID.match(source_id):
        raise _fail(f"id {source_id!r}: use lower-case letters, digits and '-' (e.g. ordos-2026-subsidy)")
    if source_id is not None and source_id in taken:
        raise _fail(f"id {source_id!r} is already in sources.yml; choose another --id or remove it first")
    if supersedes is not None and supersedes not in taken:
        raise _fail(f"--supersedes {supersedes!r}: no such document; known: {', '.join(sorted(taken))}")
    region_id, region_name = _region_id_for(root=root, resolved=resolve_jurisdiction(root=root, name=jurisdiction))

    text = readers.read_document(path=path)
    source_id = source_id or _new_id(region_id=region_id, date=date, taken=taken)
    suffix = ".md" if path.suffix.lower() in (".md", ".markdown") else ".txt"
    relative = f"{ADDED_DIR}/{source_id}{suffix}"
    copy = root / "sources" / relative
    if copy.exists():
        raise _fail(f"{copy} already exists; remove it or choose another --id")

    files = _Files()
    try:
        files.write(copy, text.rstrip("\n") + "\n")
        try:
            shape, options = parsers.detect_shape(path=copy)
            clauses = parsers.parse_document(doc_id=source_id, path=copy, shape=shape, options=options)
        except SourceError as err:
            raise _fail(f"no clause structure found in {path.name}: {err.message}", file=str(path)) from None
        entry = {
            "id": source_id, "file": relative, "shape": shape, "title": title.strip(), "issuer": issuer.strip(),
            "jurisdiction": region_id, "doc_number": doc_number or None, "date": date,
            "date_note": f"{date}（由 knowledge add 登记）", "sort_date": date, "status": status,
            "supersedes": supersedes, "superseded_by": None, "kind": "document",
            "confidence": "reported" if status == "reported" else "official",
            "expected_measures": sum(1 for c in clauses if c.kind == "measure"),
            "shape_options": options,
        }
        meta_path = root / "sources" / "sources.yml"
        sources_text = meta_path.read_text(encoding="utf-8")
        if supersedes is not None:
            sources_text = _set_in_entry(sources_text, source_id=supersedes, key="superseded_by", value=source_id)
        added = (f"# added by `python -m knowledge add` from {path.name} on {dt.date.today().isoformat()}\n"
                 + _entry_text(dict(entry)))
        files.write(meta_path, sources_text.rstrip("\n") + "\n" + added)
        report = build.build(root=root, db_path=db_path)
    except BaseException:
        files.restore()
        raise
    return Added(source_id=source_id, file=copy, shape=shape, shape_options=options, jurisdiction=region_id,
                 jurisdiction_name=region_name, clauses=clauses, report=report)


def remove_document(*, source_id: str, root: Path = build.KNOWLEDGE_DIR,
                    db_path: Path = store.DEFAULT_DB) -> build.BuildReport:
    """Remove a document added with `add_document` and rebuild; nothing changes when facts
    or question-answer entries still cite it (the build says which)."""
    meta_path = root / "sources" / "sources.yml"
    entries = {str(e["id"]): e for e in build.load_yaml_list(path=meta_path)}
    if source_id not in entries:
        raise _fail(f"no document {source_id!r} in sources.yml")
    entry = entries[source_id]
    if not str(entry["file"]).startswith(f"{ADDED_DIR}/"):
        raise _fail(f"{source_id!r} is one of the curated documents, not one added with `knowledge add`; "
                    "edit sources.yml by hand to remove it")
    files = _Files()
    try:
        text = _remove_entry(meta_path.read_text(encoding="utf-8"), source_id=source_id)
        older = entry.get("supersedes")
        if older and older in entries and entries[older].get("superseded_by") == source_id:
            text = _set_in_entry(text, source_id=older, key="superseded_by", value=None)
        files.write(meta_path, text)
        files.remove(root / "sources" / str(entry["file"]))
        return build.build(root=root, db_path=db_path)
    except BaseException:
        files.restore()
        raise
