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
  (trains a second model with build/spacy-zh-full);
- ratios to references measured in the same run under the same load (absolute figures
  do not carry from machine to machine): the NLU-only floor (`POST /model/parse` on the
  project's server, 1 and N users), stock Rasa (`rasa run` without the project's
  patches, see STOCK below) with the same model, action server and load, and long
  conversations (p95 of turn 40 vs turn 3 of 40-turn conversations).

Durations come from the environment (short runs while developing), in seconds:
BENCH_ONE_USER_SECONDS (30), BENCH_LOAD_SECONDS (the --load-seconds default, 120),
BENCH_ENDLESS_SECONDS (30), BENCH_NLU_SECONDS (60), BENCH_STOCK_SECONDS (60),
BENCH_LONG_SECONDS (60), BENCH_LONG_USERS (4); BENCH_STOCK=0 leaves stock Rasa out,
BENCH_ANSWERS=0 the e2e question set.
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


#: What "stock Rasa" is in the comparison.
STOCK = ("stock Rasa 3.6.21: `.venv/bin/rasa run --enable-api` (not `python -m bot.server`: none of "
         "bot/server/speedups.py, no batched NLU), Rasa's own SQLTrackerStore on SQLite (`type: SQL`) in "
         "place of FastSQLTrackerStore, Rasa's own `rest` channel; the same trained model (its components "
         "are the model's: ChineseTextNormalizer, SharedSpacyNLP, LeanDIETClassifier, whose only effect "
         "without the batcher is a faster load), the same action server and the same load")

STOCK_ENDPOINTS = """action_endpoint:
  url: ${ACTION_ENDPOINT_URL}
tracker_store:
  type: SQL
  dialect: "sqlite"
  db: ${TRACKER_DB}
"""

DURATIONS = {"one_user": ("BENCH_ONE_USER_SECONDS", 30), "load": ("BENCH_LOAD_SECONDS", 120),
             "endless": ("BENCH_ENDLESS_SECONDS", 30), "nlu": ("BENCH_NLU_SECONDS", 60),
             "stock": ("BENCH_STOCK_SECONDS", 60), "long": ("BENCH_LONG_SECONDS", 60),
             "long_users": ("BENCH_LONG_USERS", 4)}

#: Ratio targets of issue 13: (key, what, target text, test of the value).
TARGETS = [
    ("throughput_vs_nlu", "messages/s at N users / NLU-only parses/s at N users", "≥ 0.70",
     lambda v: v >= 0.70),
    ("p95_1_user_vs_nlu", "turn p95 at 1 user / NLU-only p95 at 1 user", "≤ 1.5", lambda v: v <= 1.5),
    ("throughput_vs_stock", "messages/s at N users: project / stock Rasa", "≥ 6", lambda v: v >= 6),
    ("long_turn40_vs_turn3", "40-turn conversations: p95 at turn 40 / p95 at turn 3", "≤ 1.5",
     lambda v: v <= 1.5),
]


#: The locust runs of a report.
LOAD_RUNS = ("one_user", "concurrent", "endless", "nlu_one_user", "nlu_concurrent", "long", "stock_one_user",
             "stock_concurrent")


def durations(env: dict) -> dict:
    """Seconds of each timed run (and the long-conversation users) from BENCH_* variables."""
    return {name: int(env.get(variable, default)) for name, (variable, default) in DURATIONS.items()}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return round(numerator / denominator, 2)


def ratios(report: dict) -> dict:
    """The project's figures over the references measured in the same run; None where a
    side was not measured. Each: value, target, met (None: not measured)."""
    get = lambda *path: _dig(report, path)
    values = {
        "throughput_vs_nlu": ratio(get("concurrent", "messages_per_s"), get("nlu_concurrent", "messages_per_s")),
        "p95_1_user_vs_nlu": ratio(get("one_user", "p95_ms"), get("nlu_one_user", "p95_ms")),
        "throughput_vs_stock": ratio(get("concurrent", "messages_per_s"), get("stock_concurrent", "messages_per_s")),
        "long_turn40_vs_turn3": ratio(get("long", "by_turn", "40", "p95_ms"), get("long", "by_turn", "3", "p95_ms")),
    }
    result = {}
    for key, what, target, meets in TARGETS:
        value = values[key]
        result[key] = {"what": what, "value": value, "target": target,
                       "met": None if value is None else bool(meets(value))}
    # Context, no target: what stock costs at 1 user, and the N-user p95s side by side.
    result["p95_1_user_stock_vs_project"] = {"what": "turn p95 at 1 user: stock Rasa / project",
                                             "value": ratio(get("stock_one_user", "p95_ms"), get("one_user", "p95_ms")),
                                             "target": "", "met": None}
    result["long_p50_turn40_vs_turn3"] = {"what": "40-turn conversations: p50 at turn 40 / p50 at turn 3",
                                          "value": ratio(get("long", "by_turn", "40", "p50_ms"),
                                                         get("long", "by_turn", "3", "p50_ms")),
                                          "target": "", "met": None}
    result["p95_n_users_vs_nlu"] = {"what": "turn p95 at N users / NLU-only p95 at N users",
                                    "value": ratio(get("concurrent", "p95_ms"), get("nlu_concurrent", "p95_ms")),
                                    "target": "", "met": None}
    return result


def _dig(report: dict, path: tuple):
    for key in path:
        if not isinstance(report, dict) or key not in report:
            return None
        report = report[key]
    return report


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

    seconds = durations(os.environ)
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", action="store_true", help="measure a forced full training")
    parser.add_argument("--segmenters", action="store_true", help="compare small vs full pkuseg (trains twice)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--load-seconds", type=int, default=seconds["load"])
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    args = parser.parse_args(argv)
    report: dict = {"date": time.strftime("%Y-%m-%d %H:%M"), "cpus": os.cpu_count(), "stock_means": STOCK}
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
            report["one_user"] = run_locust(host=host, users=1, seconds=seconds["one_user"], prefix="bench1")
            sent_log = tmp_path / "sent.tsv"
            load = run_locust(host=host, users=args.users, seconds=args.load_seconds, prefix="benchload",
                              sent_log=sent_log)
            sent = sent_per_sender(sent_log)
            stored = stored_user_messages(stack.tracker_db, "benchload")
            report["concurrent"] = {**load, "messages_sent": sum(sent.values()),
                                    "messages_stored": sum(stored.values()), "all_stored": sent == stored,
                                    "citizens": len(sent)}
            report["endless"] = run_locust(host=host, users=args.users, seconds=seconds["endless"],
                                           prefix="benchendless", turns="0")
            # References on the same server, same questions: the NLU alone.
            report["nlu_one_user"] = run_locust(host=host, users=1, seconds=seconds["nlu"], prefix="nlu1",
                                                mode="parse")
            report["nlu_concurrent"] = run_locust(host=host, users=args.users, seconds=seconds["nlu"],
                                                  prefix="nluload", mode="parse")
            report["long"] = run_locust(host=host, users=seconds["long_users"], seconds=seconds["long"],
                                        prefix="benchlong", turns="40", named_turns="3,40")
            report["wechat"] = wechat_latency(stack, token=token)
            if os.environ.get("BENCH_ANSWERS", "1") != "0":
                report["answers"] = answer_share(stack)
            report["rasa_peak_rss_mb"] = peak_rss_mb(stack.processes["rasa"].pid)
            report["actions_peak_rss_mb"] = peak_rss_mb(stack.processes["actions"].pid)
        finally:
            stack.stop()
        if os.environ.get("BENCH_STOCK", "1") != "0":
            report.update(stock_runs(tmp_path, users=args.users, seconds=seconds))
    report["ratios"] = ratios(report)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    (args.out / "bench.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def stock_runs(tmp: Path, *, users: int, seconds: dict) -> dict:
    """The same model, action server and load on stock Rasa (STOCK)."""
    from bot.bench.load.run import run_locust

    endpoints, credentials = tmp / "stock-endpoints.yml", tmp / "stock-credentials.yml"
    endpoints.write_text(STOCK_ENDPOINTS, encoding="utf-8")
    credentials.write_text("rest:\n", encoding="utf-8")
    stack = Stack(tracker_db=tmp / "stock-tracker.db", rasa_port=5406, action_port=5456, log_dir=tmp / "stock-logs",
                  endpoints=endpoints, credentials=credentials, rasa_command=[str(Path(sys.executable).parent / "rasa")])
    try:
        result = {"stock_ready_s": round(stack.start(), 1)}
        send(stack.rest_url, "warm-up", "你好")
        host = f"http://localhost:{stack.rasa_port}"
        result["stock_one_user"] = run_locust(host=host, users=1, seconds=seconds["one_user"], prefix="stock1")
        result["stock_concurrent"] = run_locust(host=host, users=users, seconds=seconds["stock"], prefix="stockload")
        result["stock_rasa_peak_rss_mb"] = peak_rss_mb(stack.processes["rasa"].pid)
        return result
    finally:
        stack.stop()


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
        ("errors (failed requests, every load run)",
         f"{sum((report.get(run) or {}).get('failures', 0) for run in LOAD_RUNS)}", "0"),
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
             *ratio_lines(report), "",
             "## Absolute figures (this machine, this run)", "",
             "| measure | value | target |", "|---|---|---|"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines) + "\n"


def ratio_lines(report: dict) -> list[str]:
    """The ratio table: the project's figures over references measured in the same run."""
    computed = report.get("ratios") or ratios(report)
    met = {True: "met", False: "**not met**", None: "not measured"}
    get = lambda *path: _dig(report, path)
    users = get("concurrent", "users")
    sides = {
        "throughput_vs_nlu": f"{get('concurrent', 'messages_per_s')} / {get('nlu_concurrent', 'messages_per_s')}",
        "p95_1_user_vs_nlu": f"{get('one_user', 'p95_ms')} / {get('nlu_one_user', 'p95_ms')} ms",
        "throughput_vs_stock": f"{get('concurrent', 'messages_per_s')} / {get('stock_concurrent', 'messages_per_s')}",
        "long_turn40_vs_turn3": f"{get('long', 'by_turn', '40', 'p95_ms')} / {get('long', 'by_turn', '3', 'p95_ms')} ms",
        "p95_1_user_stock_vs_project": f"{get('stock_one_user', 'p95_ms')} / {get('one_user', 'p95_ms')} ms",
        "p95_n_users_vs_nlu": f"{get('concurrent', 'p95_ms')} / {get('nlu_concurrent', 'p95_ms')} ms",
        "long_p50_turn40_vs_turn3": f"{get('long', 'by_turn', '40', 'p50_ms')} / "
                                    f"{get('long', 'by_turn', '3', 'p50_ms')} ms",
    }
    lines = ["## Ratios (same run, same load)", "",
             "| ratio | measured | value | target | |", "|---|---|---|---|---|"]
    for key, entry in computed.items():
        what = entry["what"].replace("N users", f"{users} users")
        lines.append(f"| {what} | {sides[key]} | {entry['value']} | {entry['target']} | "
                     f"{met[entry['met']] if entry['target'] else ''} |")
    long = report.get("long") or {}
    lines += ["", f"NLU only: `POST /model/parse` with the same questions on the project's server. "
              f"Long conversations: {long.get('users')} users, 40-turn conversations, {long.get('seconds')} s "
              f"({_dig(long, ('by_turn', '3', 'requests'))} / {_dig(long, ('by_turn', '40', 'requests'))} "
              "samples of turn 3 / turn 40). "
              f"Stock means {report.get('stock_means', STOCK)}."]
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
