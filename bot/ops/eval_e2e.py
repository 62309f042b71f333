"""The question sets against the live server over REST: the share answered correctly.

Three sets:

- the old e2e set (tests/e2e/questions.yml): one question per item, judged by substrings
  (must_contain / must_not_contain / any_of), reported per topic;
- the citizen set (tests/e2e/citizen/*.yml, written apart from the training data from
  questions people type into search boxes and government Q&A boards): one message or a
  conversation per item, judged by regular expressions on every turn's reply (must /
  must_not / first), reported per facet, per topic, per kind (single, follow-up,
  multi-part, place) and overall. The point asked must come early: a turn's first must
  pattern (or its `first` patterns) has to match in the reply's opening: its first three
  sentences, at most 200 characters (in a multi-part item, the first part's answer).
- the dev set (tests/e2e/dev/*.yml): a second set in the citizen set's format and with its own
  `_patterns.yml`, written from other public wording, which the answering code is tuned against
  so that the citizen set stays a held-out measure. It runs only when asked for (`--set dev`).

    python -m bot.ops.eval_e2e --start                 # old + citizen set, stack started for the run (`make eval`)
    python -m bot.ops.eval_e2e --url http://localhost:5005/webhooks/rest/webhook --set citizen
    python -m bot.ops.eval_e2e --start --set dev       # the dev set (`make eval EVAL_SET=dev`)

Writes reports/eval.md and reports/eval.json (the sets run) and, as before, reports/e2e.json
(the old set). The exit status is 0 when every set run reaches its minimum share.
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path

import yaml

from bot.ops.stack import ROOT, Stack, send

QUESTIONS = ROOT / "tests" / "e2e" / "questions.yml"
CITIZEN_DIR = ROOT / "tests" / "e2e" / "citizen"
DEV_DIR = ROOT / "tests" / "e2e" / "dev"
PATTERNS_FILE = "_patterns.yml"
FACETS = ("amount", "eligibility", "apply", "materials", "deadline", "review_time", "payment_time",
          "counting", "split_transfer", "rights", "special_case", "source", "place", "general")
KINDS = ("single", "follow-up", "multi-part", "place")
# The opening of a reply, where the point asked should be: its first sentences (split at
# 。！？； and line breaks), at most this many of them and this many characters.
FIRST_SENTENCES = 3
FIRST_CHARS = 200
SENTENCE_END = re.compile(r"[。！？；!?;\n]+")

# Full-width digits, Latin letters and the percent sign as their half-width forms.
_HALF_WIDTH = {ord(ch): unicodedata.normalize("NFKC", ch) for ch in
               "０１２３４５６７８９％" + "".join(chr(c) for c in range(0xFF21, 0xFF3B)) + "".join(chr(c) for c in range(0xFF41, 0xFF5B))}

# (sender id, message) -> the bot's reply as one text (buttons included).
Reply = Callable[[str, str], str]


def answer_text(replies: list[dict]) -> str:
    parts = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        parts.extend(b.get("title", "") for b in reply.get("buttons") or [])
    return "\n".join(parts)


def rest_reply(url: str) -> Reply:
    """A reply function that talks to the live server's REST channel."""
    return lambda sender, message: answer_text(send(url, sender, message))


# ------------------------------------------------------------------ the old e2e set

def judge(item: dict, text: str) -> list[str]:
    """What is wrong with an answer to an old-set question (empty when right)."""
    problems = [f"missing {s!r}" for s in item.get("must_contain", []) if s not in text]
    problems += [f"must not say {s!r}" for s in item.get("must_not_contain", []) if s in text]
    problems += [f"none of {group!r}" for group in item.get("any_of", []) if not any(s in text for s in group)]
    return problems


def run_old(*, questions: list[dict], reply: Reply) -> dict:
    """The old set through `reply`: each question alone in a fresh conversation."""
    results = []
    for item in questions:
        text = reply(f"e2e-{uuid.uuid4().hex[:12]}", item["question"])
        problems = judge(item, text)
        results.append({"id": item["id"], "topic": item.get("topic"), "question": item["question"],
                        "ok": not problems, "problems": problems, "answer": text})
    right = sum(r["ok"] for r in results)
    return {"questions": len(results), "correct": right, "share": round(right / max(1, len(results)), 4),
            "by_topic": {k: f"{a}/{b}" for k, (a, b) in sorted(_tally(results, "topic").items())},
            "results": results}


def evaluate(url: str, questions: list[dict]) -> dict:
    """The old set against the live server (kept for `bot.bench`)."""
    return run_old(questions=questions, reply=rest_reply(url))


# ------------------------------------------------------------------ the citizen set

def load_patterns(*, directory: Path = CITIZEN_DIR) -> dict[str, str]:
    """Named patterns, used in the set as `@name`."""
    path = directory / PATTERNS_FILE
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_citizen_set(*, directory: Path = CITIZEN_DIR) -> list[dict]:
    """Every item of every topic file (files starting with "_" are not items)."""
    items = []
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            items.append({**item, "file": path.name})
    return items


def expand(pattern: str, *, patterns: dict[str, str]) -> str:
    """`@name` inside a pattern stands for the named pattern (as a group)."""
    def named(match: re.Match) -> str:
        if match.group(1) not in patterns:
            raise KeyError(f"unknown pattern @{match.group(1)}")
        return f"(?:{patterns[match.group(1)]})"
    return re.sub(r"@([A-Za-z_][A-Za-z0-9_]*)", named, pattern)


def turns_of(item: dict) -> list[dict]:
    """An item as a list of turns (a one-message item is a conversation of one turn).

    The point asked must open the reply (the rubric's "first sentence answers the thing
    asked"): unless a turn lists its own `first` patterns, its first `must` pattern (in a
    multi-part item: the first part's) has to match in the reply's opening (`opening_of`)."""
    if "turns" in item:
        return [{**turn, "first": turn.get("first", turn.get("must", [])[:1])} for turn in item["turns"]]
    return [{"text": item["text"], "must": item.get("must", []), "must_not": item.get("must_not", []),
             "first": item.get("first", item.get("must", [])[:1])}]


def kind_of(item: dict) -> str:
    """single, follow-up (a conversation), multi-part (several questions at once) or place."""
    if "turns" in item:
        return "follow-up"
    if item.get("parts", 1) > 1:
        return "multi-part"
    if item.get("facet") == "place":
        return "place"
    return "single"


def normalise_reply(text: str) -> str:
    """Full-width letters and digits to half-width, no whitespace, no thousands separators,
    so that patterns need not allow for "10,000 元" or "158 天"."""
    text = re.sub(r"\s+", "", text.translate(_HALF_WIDTH))
    return re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)


def judge_turn(turn: dict, reply: str, *, patterns: dict[str, str]) -> list[str]:
    """What is wrong with one reply (empty when right)."""
    text = normalise_reply(reply)
    problems = [f"missing /{p}/" for p in turn.get("must", [])
                if not re.search(expand(p, patterns=patterns), text, re.S)]
    problems += [f"must not match /{p}/" for p in turn.get("must_not", [])
                 if re.search(expand(p, patterns=patterns), text, re.S)]
    opening = opening_of(reply)
    problems += [f"/{p}/ not in the opening" for p in turn.get("first", [])
                 if not re.search(expand(p, patterns=patterns), opening, re.S)]
    return problems


def opening_of(reply: str) -> str:
    """The first FIRST_SENTENCES sentences of a reply (normalised), cut at FIRST_CHARS."""
    sentences = [s for s in SENTENCE_END.split(reply) if s.strip()]
    return normalise_reply("。".join(sentences[:FIRST_SENTENCES]))[:FIRST_CHARS]


def run_item_set(*, directory: Path, reply: Reply) -> dict:
    """A set in the citizen format (the citizen set or the dev set) with its own named patterns."""
    return run_citizen(items=load_citizen_set(directory=directory), reply=reply,
                       patterns=load_patterns(directory=directory))


def run_citizen(*, items: list[dict], reply: Reply, patterns: dict[str, str]) -> dict:
    """The citizen set through `reply`: one fresh sender per item, kept for all its turns; an
    item is correct when every turn's reply passes."""
    results = []
    for item in items:
        sender = f"citizen-{item['id']}-{uuid.uuid4().hex[:8]}"
        turns = []
        for turn in turns_of(item):
            text = reply(sender, turn["text"])
            turns.append({"text": turn["text"], "answer": text,
                          "problems": judge_turn(turn, text, patterns=patterns)})
        results.append({"id": item["id"], "facet": item.get("facet"), "topic": item.get("topic"),
                        "kind": kind_of(item), "ok": not any(t["problems"] for t in turns), "turns": turns})
    return summarise(results)


def summarise(results: list[dict]) -> dict:
    right = sum(r["ok"] for r in results)
    return {"items": len(results), "correct": right, "share": round(right / max(1, len(results)), 4),
            "by_facet": _shares(results, "facet"), "by_topic": _shares(results, "topic"),
            "by_kind": _shares(results, "kind"), "results": results}


def _tally(results: list[dict], key: str) -> dict[str, list[int]]:
    counts: dict[str, list[int]] = {}
    for r in results:
        counts.setdefault(str(r.get(key)), [0, 0])
        counts[str(r.get(key))][0] += r["ok"]
        counts[str(r.get(key))][1] += 1
    return counts


def _shares(results: list[dict], key: str) -> dict[str, dict]:
    return {k: {"correct": a, "items": b, "share": round(a / b, 4)} for k, (a, b) in sorted(_tally(results, key).items())}


# ------------------------------------------------------------------ reports

def _item_set_lines(title: str, summary: dict) -> list[str]:
    """A citizen-format set's section: overall, then per facet, kind and topic."""
    lines = [f"## {title}: {summary['correct']}/{summary['items']} = {summary['share']:.1%}", ""]
    for column, key in (("facet", "by_facet"), ("kind", "by_kind"), ("topic", "by_topic")):
        lines += [f"| {column} | correct | items | share |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {v['correct']} | {v['items']} | {v['share']:.1%} |" for k, v in summary[key].items()]
        lines.append("")
    return lines


def _item_failure_lines(title: str, summary: dict) -> list[str]:
    """A citizen-format set's items answered wrongly, one line per failing turn."""
    failed = [r for r in summary["results"] if not r["ok"]]
    lines = [f"## {title} ({len(failed)})", ""]
    for r in failed:
        for turn in r["turns"]:
            if turn["problems"]:
                answer = turn["answer"].replace("\n", " ")[:160]
                lines.append(f"- `{r['id']}` ({r['facet']}) {turn['text']} — {'; '.join(turn['problems'])} — 「{answer}」")
    return lines + [""]


def markdown(*, old: dict | None, citizen: dict | None, dev: dict | None = None) -> str:
    """reports/eval.md: overall, per facet, per topic, per kind, then the failures."""
    lines = ["# Evaluation over REST", ""]
    if citizen:
        lines += _item_set_lines("Citizen set (tests/e2e/citizen/)", citizen)
    if dev:
        lines += _item_set_lines("Dev set (tests/e2e/dev/)", dev)
    if old:
        lines += [f"## Old e2e set (tests/e2e/questions.yml): {old['correct']}/{old['questions']} = "
                  f"{old['share']:.1%}", "", "| topic | correct/items |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in old["by_topic"].items()]
        lines.append("")
    if citizen:
        lines += _item_failure_lines("Citizen items answered wrongly", citizen)
    if dev:
        lines += _item_failure_lines("Dev items answered wrongly", dev)
    if old:
        failed = [r for r in old["results"] if not r["ok"]]
        lines += [f"## Old-set questions answered wrongly ({len(failed)})", ""]
        lines += [f"- `{r['id']}` {r['question']} — {'; '.join(r['problems'])}" for r in failed]
        lines.append("")
    return "\n".join(lines)


def write_reports(*, old: dict | None, citizen: dict | None, out_dir: Path, dev: dict | None = None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "eval.json").write_text(json.dumps({"old": old, "citizen": citizen, "dev": dev}, ensure_ascii=False,
                                                  indent=2), encoding="utf-8")
    (out_dir / "eval.md").write_text(markdown(old=old, citizen=citizen, dev=dev), encoding="utf-8")
    if old:
        (out_dir / "e2e.json").write_text(json.dumps(old, ensure_ascii=False, indent=2), encoding="utf-8")


def headline(*, old: dict | None, citizen: dict | None, dev: dict | None = None) -> str:
    """What `make eval` prints: overall and per facet."""
    lines = []
    for name, summary in (("citizen set", citizen), ("dev set", dev)):
        if summary:
            lines.append(f"{name}: {summary['correct']}/{summary['items']} = {summary['share']:.1%}")
            for label, key in (("facet", "by_facet"), ("kind ", "by_kind"), ("topic", "by_topic")):
                lines += [f"  {label} {k:<15} {v['correct']:>3}/{v['items']:<3} {v['share']:.1%}" for k, v in summary[key].items()]
    if old:
        lines.append(f"old e2e set: {old['correct']}/{old['questions']} = {old['share']:.1%}")
        lines += [f"  topic {k:<15} {v}" for k, v in old["by_topic"].items()]
    return "\n".join(lines)


def run(*, which: str, reply: Reply, questions_path: Path = QUESTIONS,
        citizen_dir: Path = CITIZEN_DIR) -> tuple[dict | None, dict | None]:
    """Run the old set, the citizen set or both through one reply function (the dev set: `run_item_set`)."""
    old = citizen = None
    if which in ("both", "old"):
        old = run_old(questions=yaml.safe_load(questions_path.read_text(encoding="utf-8")), reply=reply)
    if which in ("both", "citizen"):
        citizen = run_item_set(directory=citizen_dir, reply=reply)
    return old, citizen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None)
    parser.add_argument("--start", action="store_true", help="start the stack for the run")
    parser.add_argument("--set", dest="which", choices=["both", "old", "citizen", "dev"], default="both",
                        help="both = old + citizen; dev = the dev set alone")
    parser.add_argument("--out-dir", type=Path, default=ROOT / "reports")
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="the old set")
    parser.add_argument("--citizen-dir", type=Path, default=CITIZEN_DIR, help="the citizen set")
    parser.add_argument("--dev-dir", type=Path, default=DEV_DIR, help="the dev set")
    parser.add_argument("--min-share", type=float, default=0.95, help="old set")
    parser.add_argument("--min-citizen-share", type=float, default=0.92, help="citizen set (issue 10 target)")
    parser.add_argument("--min-dev-share", type=float, default=0.92, help="dev set (the citizen set's target)")
    args = parser.parse_args(argv)
    stack = Stack(tracker_db=ROOT / "build" / "e2e-tracker.db") if args.start else None
    try:
        if stack:
            stack.tracker_db.unlink(missing_ok=True)
            stack.start()
        url = args.url or (stack.rest_url if stack else Stack().rest_url)
        reply = rest_reply(url)
        old, citizen = run(which=args.which, reply=reply, questions_path=args.questions, citizen_dir=args.citizen_dir)
        dev = run_item_set(directory=args.dev_dir, reply=reply) if args.which == "dev" else None
    finally:
        if stack:
            stack.stop()
    write_reports(old=old, citizen=citizen, dev=dev, out_dir=args.out_dir)
    if old:
        for r in old["results"]:
            if not r["ok"]:
                print(f"✗ {r['id']} {r['question']}: {'; '.join(r['problems'])}")
    print(headline(old=old, citizen=citizen, dev=dev))
    print(f"reports: {args.out_dir / 'eval.md'}, {args.out_dir / 'eval.json'}")
    ok = (old is None or old["share"] >= args.min_share) and \
         (citizen is None or citizen["share"] >= args.min_citizen_share) and \
         (dev is None or dev["share"] >= args.min_dev_share)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
