"""`make bench`: measurements side by side in one run, written to reports/bench.json
and reports/bench.md.

    python -m bot.bench [--train] [--segmenters] [--users 20] [--load-seconds 120]

- knowledge build time (fresh build into a temp file);
- training time (`--train`: a forced full training into a temp folder; otherwise the
  last `make train` figure from reports/train.json);
- start-to-ready time of the whole stack, peak RSS of the Rasa and action servers;
- REST round trip p50/p95 with 1 user and with N concurrent users (locust; each user
  plays citizens who ask 3-12 questions back to back, no pause), sustained
  messages/second, and whether every message of the load run is in the tracker store;
  the worst case too: N users each keeping one conversation going for 30 s;
- WeChat passive-reply latency; the e2e question set answered by the bot vs by plain
  BM25 keyword search over the same clauses;
- `--segmenters`: held-out NLU scores with the pruned pkuseg model vs the full one
  (trains a second model with build/spacy-zh-full).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bot.ops.stack import ROOT, Stack, send

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
        subprocess.run([sys.executable, "-m", "bot.nlu.build_tools.spacy_pipeline", "--output", str(full_spacy),
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


def wechat_latency(stack: Stack, *, token: str, messages: int = 30) -> dict:
    """Median/p95 ms of a signed plain-mode WeChat text message answered passively
    (the signature as WeChat computes it: sha1 of the sorted token, timestamp, nonce)."""
    import urllib.request

    import hashlib

    timings = []
    for i in range(messages):
        timestamp, nonce = str(int(time.time())), uuid.uuid4().hex[:10]
        signature = hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()
        body = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[bench-openid-{i % 5}]]>"
                f"</FromUserName><CreateTime>{timestamp}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                f"<Content><![CDATA[{QUESTIONS[i % len(QUESTIONS)]}]]></Content><MsgId>{10**15 + i}</MsgId></xml>")
        url = (f"http://localhost:{stack.rasa_port}/webhooks/wechat/webhook?signature={signature}"
               f"&timestamp={timestamp}&nonce={nonce}&openid=bench-openid-{i % 5}")
        started = time.perf_counter()
        with urllib.request.urlopen(urllib.request.Request(url, data=body.encode(), method="POST"), timeout=10) as r:
            r.read()
        timings.append((time.perf_counter() - started) * 1000)
    return {"messages": messages, "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1)}


def answer_share(stack: Stack) -> dict:
    """The e2e question set answered by the bot vs by plain BM25 keyword search (the top
    clause's full text and citation, judged by the same rules)."""
    import yaml

    from bot.ops import eval_e2e
    from knowledge import search, store

    questions = yaml.safe_load(eval_e2e.QUESTIONS.read_text(encoding="utf-8"))
    bot = eval_e2e.evaluate(stack.rest_url, questions)
    conn = store.connect(path=stack.knowledge_db)
    right = 0
    for item in questions:
        hits = search.search(conn=conn, query=item["question"], limit=1)
        text = ""
        if hits:
            cite = store.citation(conn=conn, clause_id=hits[0].clause_id)
            text = f"{cite['text']}\n《{cite['title']}》{cite['doc_number'] or ''}"
        right += not eval_e2e.judge(item, text)
    return {"questions": len(questions), "bot_share": bot["share"], "bm25_share": round(right / len(questions), 4)}


def main(argv: list[str] | None = None) -> int:
    from bot.bench.load.count import sent_per_sender, stored_user_messages
    from bot.bench.load.run import run_locust

    parser = argparse.ArgumentParser()
    parser.add_argument("--train", action="store_true", help="measure a forced full training")
    parser.add_argument("--segmenters", action="store_true", help="compare small vs full pkuseg (trains twice)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=120)
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
        token = "bench-token"
        stack = Stack(tracker_db=tmp_path / "tracker.db", rasa_port=5405, action_port=5455,
                      log_dir=tmp_path / "logs",
                      # The load generator's citizens ask back to back: no per-sender rate limit.
                      extra_env={"WECHAT_TOKEN": token, "CHANNEL_RATE_PER_MINUTE": "0"})
        try:
            report["ready_s"] = round(stack.start(), 1)
            host = f"http://localhost:{stack.rasa_port}"
            send(stack.rest_url, "warm-up", "你好")
            report["one_user"] = run_locust(host=host, users=1, seconds=30, prefix="bench1")
            sent_log = tmp_path / "sent.tsv"
            load = run_locust(host=host, users=args.users, seconds=args.load_seconds, prefix="benchload",
                              sent_log=sent_log)
            sent = sent_per_sender(sent_log)
            stored = stored_user_messages(stack.tracker_db, "benchload")
            report["concurrent"] = {**load, "messages_sent": sum(sent.values()),
                                    "messages_stored": sum(stored.values()), "all_stored": sent == stored,
                                    "citizens": len(sent)}
            report["endless"] = run_locust(host=host, users=args.users, seconds=30, prefix="benchendless",
                                           turns="0")
            report["wechat"] = wechat_latency(stack, token=token)
            report["answers"] = answer_share(stack)
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
    one, many, endless = report.get("one_user", {}), report.get("concurrent", {}), report.get("endless", {})
    rows = [
        ("knowledge build", f"{report['knowledge_build_s']} s", "≤ 10 s"),
        ("training (2 cores)", f"{report.get('training_s')} s", "≤ 300 s"),
        ("start to ready", f"{report.get('ready_s')} s", "≤ 15 s"),
        ("Rasa server peak RSS", f"{report.get('rasa_peak_rss_mb')} MB", "≤ 1024 MB"),
        ("action server peak RSS", f"{report.get('actions_peak_rss_mb')} MB", ""),
        ("REST p50 / p95, 1 user", f"{one.get('p50_ms')} / {one.get('p95_ms')} ms", "p95 ≤ 80 ms"),
        (f"REST p50 / p95, {many.get('users')} users", f"{many.get('p50_ms')} / {many.get('p95_ms')} ms",
         "p95 ≤ 300 ms"),
        ("messages / s (sustained)", f"{many.get('messages_per_s')}", "≥ 60"),
        (f"worst case: {endless.get('users')} users, one endless conversation each, {endless.get('seconds')} s: "
         "p50 / p95, messages / s", f"{endless.get('p50_ms')} / {endless.get('p95_ms')} ms, "
         f"{endless.get('messages_per_s')}", ""),
        ("errors (failed requests)",
         f"{one.get('failures', 0) + many.get('failures', 0) + endless.get('failures', 0)}", "0"),
        (f"load {many.get('seconds')} s: messages sent / stored ({many.get('citizens')} citizens)",
         f"{many.get('messages_sent')} / {many.get('messages_stored')}", "all stored"),
        ("WeChat reply p50 / p95", f"{report.get('wechat', {}).get('p50_ms')} / "
         f"{report.get('wechat', {}).get('p95_ms')} ms", "< 4500 ms"),
        ("e2e questions answered correctly: bot / BM25 search", f"{report.get('answers', {}).get('bot_share')} / "
         f"{report.get('answers', {}).get('bm25_share')}", "bot ≥ 0.95"),
    ]
    if "segmenters" in report:
        seg = report["segmenters"]
        rows.append(("held-out intent macro-F1 small / full",
                     f"{seg['small']['intent_macro_f1']} / {seg['full']['intent_macro_f1']}", "≥ 0.95"))
        rows.append(("held-out entity F1 small / full",
                     f"{seg['small']['entity_f1']} / {seg['full']['entity_f1']}", "≥ 0.90"))
    lines = [f"# Benchmark {report['date']} ({report['cpus']} CPUs)", "",
             "One run, side by side, load generator (locust) on the same machine. A load user plays "
             "citizens one after another, each asking 3-12 questions back to back with no pause.", "",
             "| measure | value | target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
