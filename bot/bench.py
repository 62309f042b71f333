"""`make bench`: measurements side by side in one run, written to reports/bench.json
and reports/bench.md.

    python -m bot.bench [--train] [--segmenters] [--messages 200] [--users 20]

- knowledge build time (fresh build into a temp file);
- training time (`--train`: a forced full training into a temp folder; otherwise the
  last `make train` figure from reports/train.json);
- start-to-ready time of the whole stack, peak RSS of the Rasa and action servers;
- REST round trip p50/p95 with 1 user and with N concurrent users, messages/second;
- `--segmenters`: held-out NLU scores with the pruned pkuseg model vs the full one
  (trains a second model with build/spacy-zh-full).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bot.stack import ROOT, Stack, send

QUESTIONS = [
    "包头生三孩产假多少天", "护理假几天", "育儿补贴怎么申请", "昆区哪有普惠托育", "呼和浩特育儿假",
    "个税能扣多少", "出生一件事怎么办", "通化产假多少天", "中宁公积金有啥政策", "你好",
]


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process and its children, in MB."""
    total = 0
    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                    text=True).stdout.split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024, 1)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def latencies(url: str, *, users: int, messages: int) -> dict:
    """Each user sends its share of `messages` sequentially; all users at once."""
    results: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def user(index: int) -> None:
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for i in range(messages // users):
            started = time.perf_counter()
            try:
                replies = send(url, sender, QUESTIONS[(index + i) % len(QUESTIONS)])
                ok = bool(replies)
            except Exception:
                ok = False
            elapsed = time.perf_counter() - started
            with lock:
                results.append(elapsed * 1000)
                errors[0] += not ok

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"users": users, "messages": len(results), "errors": errors[0],
            "p50_ms": round(statistics.median(results), 1), "p95_ms": round(percentile(results, 0.95), 1),
            "messages_per_s": round(len(results) / wall, 1)}


def knowledge_build_seconds() -> float:
    from knowledge import build

    with tempfile.TemporaryDirectory() as tmp:
        return round(build.build(db_path=Path(tmp) / "k.db").seconds, 3)


def train_seconds(*, config: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "rasa"), "train", "--force", "--quiet", "--data", "data",
                    "--domain", "domain.yml", "--config", str(config), "--out", str(out),
                    "--fixed-model-name", "assistant"], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return round(time.perf_counter() - started, 1)


def segmenter_comparison(tmp: Path) -> dict:
    """Held-out NLU with the pruned (small) and the full pkuseg model, same data and config."""
    from bot.nlu import evaluate

    full_spacy = ROOT / "build" / "spacy-zh-full"
    if not (full_spacy / "meta.json").exists():
        subprocess.run([sys.executable, "-m", "bot.nlu.spacy_pipeline", "--output", str(full_spacy),
                        "--user-words", "build/nlu/user_words.txt", "--segmenter", "full"], cwd=ROOT, check=True)
    config = tmp / "config-full.yml"
    config.write_text((ROOT / "config.yml").read_text(encoding="utf-8").replace(
        "model: build/spacy-zh", f"model: {full_spacy}"), encoding="utf-8")
    seconds = train_seconds(config=config, out=tmp / "full")
    import asyncio

    full = asyncio.run(evaluate.run(tmp / "full" / "assistant.tar.gz", ROOT / "tests/nlu/heldout.yml",
                                    tmp / "eval-full", ROOT / "data/nlu"))
    small = asyncio.run(evaluate.run(ROOT / "models" / "assistant.tar.gz", ROOT / "tests/nlu/heldout.yml",
                                     tmp / "eval-small", ROOT / "data/nlu"))
    pick = lambda s: {k: s[k] for k in ("intent_macro_f1", "entity_f1", "intent_accuracy")}
    return {"small": pick(small), "full": {**pick(full), "training_seconds": seconds}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", action="store_true", help="measure a forced full training")
    parser.add_argument("--segmenters", action="store_true", help="compare small vs full pkuseg (trains twice)")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    report: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count()}
    report["knowledge_build_s"] = knowledge_build_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if args.train:
            report["training_s"] = train_seconds(config=ROOT / "config.yml", out=tmp_path / "train")
        else:
            recorded = ROOT / "reports" / "train.json"
            report["training_s"] = json.loads(recorded.read_text())["training_seconds"] if recorded.exists() else None
        if args.segmenters:
            report["segmenters"] = segmenter_comparison(tmp_path)
        stack = Stack(tracker_db=tmp_path / "tracker.db", rasa_port=5405, action_port=5455)
        try:
            report["ready_s"] = round(stack.start(), 1)
            send(stack.rest_url, "warm-up", "你好")
            report["one_user"] = latencies(stack.rest_url, users=1, messages=min(100, args.messages))
            report["concurrent"] = latencies(stack.rest_url, users=args.users, messages=args.messages)
            report["rasa_peak_rss_mb"] = peak_rss_mb(stack.processes["rasa"].pid)
            report["actions_peak_rss_mb"] = peak_rss_mb(stack.processes["actions"].pid)
        finally:
            stack.stop()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (args.out / "bench.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(report: dict) -> str:
    one, many = report.get("one_user", {}), report.get("concurrent", {})
    rows = [
        ("knowledge build", f"{report['knowledge_build_s']} s", "≤ 10 s"),
        ("training (2 cores)", f"{report.get('training_s')} s", "≤ 300 s"),
        ("start to ready", f"{report.get('ready_s')} s", "≤ 15 s"),
        ("Rasa server peak RSS", f"{report.get('rasa_peak_rss_mb')} MB", "≤ 1024 MB"),
        ("action server peak RSS", f"{report.get('actions_peak_rss_mb')} MB", ""),
        ("REST p50 / p95, 1 user", f"{one.get('p50_ms')} / {one.get('p95_ms')} ms", "p95 ≤ 80 ms"),
        (f"REST p50 / p95, {many.get('users')} users", f"{many.get('p50_ms')} / {many.get('p95_ms')} ms",
         "p95 ≤ 300 ms"),
        ("messages / s", f"{many.get('messages_per_s')}", "≥ 60"),
        ("errors", f"{one.get('errors', 0) + many.get('errors', 0)}", "0"),
    ]
    if "segmenters" in report:
        seg = report["segmenters"]
        rows.append(("held-out intent macro-F1 small / full",
                     f"{seg['small']['intent_macro_f1']} / {seg['full']['intent_macro_f1']}", "≥ 0.95"))
        rows.append(("held-out entity F1 small / full",
                     f"{seg['small']['entity_f1']} / {seg['full']['entity_f1']}", "≥ 0.90"))
    lines = [f"# Benchmark {report['date']} ({report['cpus']} CPUs)", "", "| measure | value | target |",
             "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
