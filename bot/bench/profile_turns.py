"""Where a turn's time goes, question by question, in one process (`make profile`).

    python -m bot.bench.profile_turns [--model models/assistant.tar.gz] [--citizens 40]
                                      [--seed 1] [--question TEXT ...] [--json FILE]
                                      [--actions-profile 25 [--sort tottime]]

Runs the trained model with the project's fixes (bot.server.speedups) and its tracker
store (FastSQLTrackerStore on a temporary SQLite file), and plays citizens who ask 3-12
of the load run's questions (bot/bench/load/questions.py) one after another, as
`make bench` does, but with no HTTP and no second process, so each part can be timed on
its own:

- nlu: the NLU pipeline (`MessageProcessor.parse_message`);
- actions: the action code itself (rasa_sdk's ActionExecutor.run, called in-process);
- payload: what the HTTP call adds to it in JSON: Rasa's request (the whole tracker)
  dumped and read back, the action server's answer dumped and read back;
- rest: everything else of the turn in Rasa (tracker store, policies, events).

It prints, per question, the median and p95 of each part (ms) and their shares of all
turns. `--actions-profile N` also profiles the action code alone (cProfile switched on
only while an action runs) and prints its N most expensive functions. The figures are
for comparing parts and questions on one machine, in one run; the served figures (HTTP,
concurrency, stock Rasa) are `make bench`'s.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import json
import logging
import pstats
import random
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot.bench.load.questions import QUESTIONS
from bot.ops.stack import ROOT

PARTS = ("total", "nlu", "actions", "payload", "rest")


class Timings:
    """Milliseconds of each part of each turn, by question; and the garbage collector's
    passes during the turns (they fall inside whichever part was running)."""

    def __init__(self) -> None:
        self.by_question: Dict[str, Dict[str, List[float]]] = defaultdict(lambda: defaultdict(list))
        self.current: Dict[str, float] = {}
        self.collections = [0, 0, 0]
        self.collection_ms = [0.0, 0.0, 0.0]
        self._collecting_since = 0.0
        self.counting_collections = False

    def on_collection(self, phase: str, info: Dict[str, Any]) -> None:
        """gc.callbacks hook."""
        if not self.counting_collections:
            return
        if phase == "start":
            self._collecting_since = time.perf_counter()
        else:
            self.collections[info["generation"]] += 1
            self.collection_ms[info["generation"]] += (time.perf_counter() - self._collecting_since) * 1000

    def start_turn(self) -> None:
        self.current = {part: 0.0 for part in PARTS}

    def add(self, *, part: str, seconds: float) -> None:
        self.current[part] += seconds * 1000

    def end_turn(self, *, question: str, seconds: float) -> None:
        turn = self.current
        turn["total"] = seconds * 1000
        turn["rest"] = turn["total"] - turn["nlu"] - turn["actions"] - turn["payload"]
        for part in PARTS:
            self.by_question[question][part].append(turn[part])


def in_process_endpoint(*, timings: Timings, profiler: Optional[cProfile.Profile]) -> Any:
    """An action endpoint that runs the project's actions in this process: the request
    and the answer go through JSON as over HTTP (timed as `payload`), the action code is
    timed (and profiled) alone."""
    from rasa.utils.endpoints import EndpointConfig
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")

    class InProcessActions(EndpointConfig):
        async def request(self, method: str = "post", subpath: Optional[str] = None,
                          content_type: Optional[str] = "application/json", compress: bool = False,
                          **kwargs: Any) -> Any:
            started = time.perf_counter()
            call = json.loads(json.dumps(kwargs["json"]))
            timings.add(part="payload", seconds=time.perf_counter() - started)
            started = time.perf_counter()
            if profiler:
                profiler.enable()
            try:
                answer = await executor.run(call)
            finally:
                if profiler:
                    profiler.disable()
                timings.add(part="actions", seconds=time.perf_counter() - started)
            started = time.perf_counter()
            answer = json.loads(json.dumps(answer or {"events": [], "responses": []}))
            timings.add(part="payload", seconds=time.perf_counter() - started)
            return answer

    return InProcessActions(url="http://in-process")


def citizens(*, count: int, seed: int, questions: List[str]) -> List[List[str]]:
    """`count` conversations of 3-12 questions drawn as the load run draws them."""
    draw = random.Random(seed)
    return [[draw.choice(questions) for _ in range(draw.randint(3, 12))] for _ in range(count)]


async def play(*, model: Path, conversations: List[List[str]], timings: Timings,
               profiler: Optional[cProfile.Profile], tracker_db: Path) -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    from bot.server import speedups
    from bot.server.tracker_store import FastSQLTrackerStore

    store = FastSQLTrackerStore(dialect="sqlite", db=str(tracker_db))
    agent = Agent.load(str(model), action_endpoint=in_process_endpoint(timings=timings, profiler=profiler),
                       tracker_store=store)
    for thread in threading.enumerate():   # the action server's start-up work (actions/warm_up.py)
        if thread.name == "knowledge-warm-up":
            thread.join()
    speedups.freeze_what_is_loaded()   # as the server does once its model is loaded
    processor = agent.processor
    parse = processor.parse_message

    async def timed_parse(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await parse(*args, **kwargs)
        finally:
            timings.add(part="nlu", seconds=time.perf_counter() - started)

    processor.parse_message = timed_parse   # this process only: the profile's own agent
    # One conversation first, not counted: TensorFlow and the store warm up.
    timings.start_turn()
    for question in QUESTIONS:
        await agent.handle_message(UserMessage(question, CollectingOutputChannel(), "profile-warm-up"))
    timings.counting_collections = True
    for number, conversation in enumerate(conversations):
        for question in conversation:
            timings.start_turn()
            started = time.perf_counter()
            await agent.handle_message(UserMessage(question, CollectingOutputChannel(), f"profile-{number}"))
            timings.end_turn(question=question, seconds=time.perf_counter() - started)
    timings.counting_collections = False


def summary(timings: Timings) -> Dict[str, Any]:
    """Per question and over all turns: turns, then median and p95 (ms) of each part;
    `share`: each part's share of all turns' time."""
    def figures(values: Dict[str, List[float]]) -> Dict[str, Any]:
        result: Dict[str, Any] = {"turns": len(values["total"])}
        for part in PARTS:
            ordered = sorted(values[part])
            result[part] = {"p50": round(statistics.median(ordered), 2),
                            "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)}
        return result

    every: Dict[str, List[float]] = defaultdict(list)
    for values in timings.by_question.values():
        for part in PARTS:
            every[part].extend(values[part])
    all_time = sum(every["total"]) or 1.0
    return {"questions": {question: figures(values) for question, values in sorted(
                timings.by_question.items(), key=lambda item: -statistics.median(item[1]["total"]))},
            "all": figures(every),
            "share": {part: round(sum(every[part]) / all_time, 3) for part in PARTS[1:]},
            "garbage_collection": {"passes_by_generation": timings.collections,
                                   "ms_by_generation": [round(ms, 1) for ms in timings.collection_ms],
                                   "share": round(sum(timings.collection_ms) / all_time, 3)}}


def table(report: Dict[str, Any]) -> str:
    lines = ["question | turns | " + " | ".join(f"{part} p50/p95" for part in PARTS),
             "---|---|" + "---|" * len(PARTS)]
    rows = list(report["questions"].items()) + [("(all turns)", report["all"])]
    for question, figures in rows:
        cells = " | ".join(f"{figures[part]['p50']:.1f} / {figures[part]['p95']:.1f}" for part in PARTS)
        lines.append(f"{question} | {figures['turns']} | {cells}")
    lines.append("")
    lines.append("share of all turns' time: " + ", ".join(f"{part} {share:.0%}"
                                                        for part, share in report["share"].items()))
    collection = report["garbage_collection"]
    lines.append(f"garbage collection during the turns (inside the parts above): "
                 f"{collection['share']:.1%} of their time; passes by generation {collection['passes_by_generation']}, "
                 f"ms {collection['ms_by_generation']}")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "assistant.tar.gz")
    parser.add_argument("--citizens", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--actions-profile", type=int, default=0, metavar="N",
                        help="print the N most expensive functions of the action code")
    parser.add_argument("--question", action="append", help="ask only this (repeatable); default: the load run's")
    parser.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime"],
                        help="order of --actions-profile")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.model.exists():
        print(f"{args.model} is missing: run `make train` first.")
        return 2
    # As `rasa run` sets them: no debug logging (structlog's default is debug).
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    from bot.server import speedups

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)

    speedups.install()
    timings = Timings()
    gc.callbacks.append(timings.on_collection)
    profiler = cProfile.Profile() if args.actions_profile else None
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(play(model=args.model, conversations=citizens(count=args.citizens, seed=args.seed,
                                                                      questions=args.question or QUESTIONS),
                         timings=timings, profiler=profiler, tracker_db=Path(tmp) / "trackers.db"))
    report = summary(timings)
    print(table(report))
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats(args.sort).print_stats(args.actions_profile)
        print(f"\naction code, by {args.sort} time:\n" + text.getvalue())
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
