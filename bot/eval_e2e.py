"""The question-and-answer set (tests/e2e/questions.yml) against the live server over
REST: the share of questions whose answer contains the facts it must.

    python -m bot.eval_e2e [--url http://localhost:5005/webhooks/rest/webhook] [--start]
"""
from __future__ import annotations

import argparse
import json
import uuid
from pathlib import Path

import yaml

from bot.stack import ROOT, Stack, send

QUESTIONS = ROOT / "tests" / "e2e" / "questions.yml"


def answer_text(replies: list[dict]) -> str:
    parts = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        parts.extend(b.get("title", "") for b in reply.get("buttons") or [])
    return "\n".join(parts)


def judge(item: dict, text: str) -> list[str]:
    """What is wrong with an answer (empty when right)."""
    problems = [f"missing {s!r}" for s in item.get("must_contain", []) if s not in text]
    problems += [f"must not say {s!r}" for s in item.get("must_not_contain", []) if s in text]
    problems += [f"none of {group!r}" for group in item.get("any_of", []) if not any(s in text for s in group)]
    return problems


def evaluate(url: str, questions: list[dict]) -> dict:
    results = []
    for item in questions:
        text = answer_text(send(url, f"e2e-{uuid.uuid4().hex[:12]}", item["question"]))
        problems = judge(item, text)
        results.append({"id": item["id"], "topic": item.get("topic"), "question": item["question"],
                        "ok": not problems, "problems": problems, "answer": text})
    right = sum(r["ok"] for r in results)
    by_topic: dict[str, list[int]] = {}
    for r in results:
        by_topic.setdefault(r["topic"], [0, 0])
        by_topic[r["topic"]][0] += r["ok"]
        by_topic[r["topic"]][1] += 1
    return {"questions": len(results), "correct": right, "share": round(right / max(1, len(results)), 4),
            "by_topic": {k: f"{a}/{b}" for k, (a, b) in sorted(by_topic.items())}, "results": results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default=None)
    parser.add_argument("--start", action="store_true", help="start the stack for the run")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "e2e.json")
    parser.add_argument("--min-share", type=float, default=0.95)
    args = parser.parse_args(argv)
    questions = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    stack = Stack(tracker_db=ROOT / "build" / "e2e-tracker.db") if args.start else None
    try:
        if stack:
            stack.tracker_db.unlink(missing_ok=True)
            stack.start()
        summary = evaluate(args.url or (stack.rest_url if stack else Stack().rest_url), questions)
    finally:
        if stack:
            stack.stop()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    for r in summary["results"]:
        if not r["ok"]:
            print(f"✗ {r['id']} {r['question']}: {'; '.join(r['problems'])}")
    print(json.dumps({k: v for k, v in summary.items() if k != "results"}, ensure_ascii=False))
    return 0 if summary["share"] >= args.min_share else 1


if __name__ == "__main__":
    raise SystemExit(main())
