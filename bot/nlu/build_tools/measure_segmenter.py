"""Measure the full vs the small pkuseg spaCy pipeline; print one JSON line.

    python -m bot.nlu.build_tools.measure_segmenter [--full build/spacy-zh-full] [--small build/spacy-zh]

For each pipeline, ``--runs`` fresh interpreters (default 3) each time ``spacy.load``
and segment the held-out sentences; reported are the median load time, the peak RSS
(``VmHWM`` of that interpreter, so TensorFlow, which ``import spacy`` pulls in through
thinc, is included; ``baseline`` is the same interpreter with ``spacy.blank("zh")``),
the on-disk size, and the agreement of small with full on the held-out set
(``bot/nlu/build_tools/corpus/heldout.txt``, never used to build the small segmenter) as word-
boundary F1 (split points between characters), word F1 (exact word spans) and the
number of identically segmented sentences. Missing pipelines are built first.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Set, Tuple

from bot.nlu.build_tools.small_segmenter import CORPUS_DIR, corpus_lines

HELDOUT = CORPUS_DIR / "heldout.txt"

# Runs in a fresh interpreter: nothing loaded by this process can hide in its numbers.
_CHILD = r"""
import json, re, sys, time
t0 = time.perf_counter()
import spacy
t1 = time.perf_counter()
nlp = spacy.blank("zh") if sys.argv[1] == "-" else spacy.load(sys.argv[1])
t2 = time.perf_counter()
with open(sys.argv[2], encoding="utf-8") as fh:
    sentences = json.load(fh)
tokens = [[t.text for t in nlp(s)] for s in sentences]
t3 = time.perf_counter()
with open("/proc/self/status") as fh:
    status = fh.read()
kb = lambda key: int(re.search(key + r":\s+(\d+)", status).group(1))
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "segment_s": t3 - t2,
                  "peak_rss_kb": kb("VmHWM"), "rss_kb": kb("VmRSS"), "tokens": tokens},
                 ensure_ascii=False))
"""


def _run_child(pipeline: str, sentences_json: Path) -> Dict[str, object]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    proc = subprocess.run([sys.executable, "-c", _CHILD, pipeline, str(sentences_json)],
                          capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"loading {pipeline} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _spans(words: Sequence[str]) -> Tuple[Set[Tuple[int, int]], Set[int]]:
    """Word spans and internal boundary offsets of one segmentation."""
    spans, bounds, pos = set(), set(), 0
    for word in words:
        spans.add((pos, pos + len(word)))
        pos += len(word)
        bounds.add(pos)
    bounds.discard(pos)  # the text's end is a boundary in every segmentation
    return spans, bounds


def agreement(predicted: List[List[str]], reference: List[List[str]]) -> Dict[str, object]:
    """Micro-averaged boundary F1 and word F1 of ``predicted`` against ``reference``."""
    counts = {"b": [0, 0, 0], "w": [0, 0, 0]}  # true positives, predicted, reference
    same = 0
    for pred, ref in zip(predicted, reference):
        (pw, pb), (rw, rb) = _spans(pred), _spans(ref)
        for key, p, r in (("w", pw, rw), ("b", pb, rb)):
            counts[key][0] += len(p & r)
            counts[key][1] += len(p)
            counts[key][2] += len(r)
        same += pred == ref

    def f1(tp: int, n_pred: int, n_ref: int) -> float:
        return 1.0 if n_pred + n_ref == 0 else round(2 * tp / (n_pred + n_ref), 4)

    return {"boundary_f1": f1(*counts["b"]), "word_f1": f1(*counts["w"]),
            "identical_sentences": f"{same}/{len(reference)}"}


def _disk_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def _measure(pipeline: str, sentences_json: Path, runs: int) -> Tuple[Dict[str, object], list]:
    results = [_run_child(pipeline, sentences_json) for _ in range(runs)]
    summary: Dict[str, object] = {
        "load_s_median": round(statistics.median(r["load_s"] for r in results), 3),
        "load_s_runs": [round(r["load_s"], 3) for r in results],
        "import_spacy_s_median": round(statistics.median(r["import_s"] for r in results), 3),
        "peak_rss_mb": round(max(r["peak_rss_kb"] for r in results) / 1024),
        "segment_ms_per_sentence": round(
            1000 * statistics.median(r["segment_s"] for r in results) / max(1, len(results[0]["tokens"])), 3),
    }
    if pipeline != "-":
        summary["disk_mb"] = _disk_mb(Path(pipeline))
    return summary, results[0]["tokens"]


def _ensure_built(full: Path, small: Path, small_segmenter: Path) -> None:
    from bot.nlu.build_tools.small_segmenter import build_small_segmenter
    from bot.nlu.build_tools.spacy_pipeline import (DEFAULT_USER_WORDS, build_pipeline, full_segmenter_dir,
                                        read_user_words)

    words = read_user_words(DEFAULT_USER_WORDS)
    if not (full / "meta.json").is_file():
        build_pipeline(output=full, user_words=words, segmenter_model=full_segmenter_dir())
    if not (small / "meta.json").is_file():
        if not (small_segmenter / "weights.npz").is_file():
            build_small_segmenter(output=small_segmenter)
        build_pipeline(output=small, user_words=words, segmenter_model=small_segmenter)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.build_tools.measure_segmenter", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", type=Path, default=Path("build/spacy-zh-full"))
    parser.add_argument("--small", type=Path, default=Path("build/spacy-zh"))
    parser.add_argument("--small-segmenter", type=Path, default=Path("build/pkuseg-small"),
                        help="used only when --small has to be built")
    parser.add_argument("--heldout", type=Path, default=HELDOUT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    _ensure_built(args.full, args.small, args.small_segmenter)
    sentences = corpus_lines([args.heldout])
    with tempfile.TemporaryDirectory() as tmp:
        sentences_json = Path(tmp) / "sentences.json"
        sentences_json.write_text(json.dumps(sentences, ensure_ascii=False), encoding="utf-8")
        baseline, _ = _measure("-", sentences_json, args.runs)
        full, full_tokens = _measure(str(args.full), sentences_json, args.runs)
        small, small_tokens = _measure(str(args.small), sentences_json, args.runs)
    for stats in (full, small):
        stats["peak_rss_over_baseline_mb"] = stats["peak_rss_mb"] - baseline["peak_rss_mb"]
    print(json.dumps({
        "heldout_sentences": len(sentences),
        "runs": args.runs,
        "baseline_blank_zh": baseline,
        "full": {"pipeline": str(args.full), **full},
        "small": {"pipeline": str(args.small), **small},
        "small_vs_full": agreement(small_tokens, full_tokens),
    }, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
