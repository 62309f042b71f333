"""Held-out NLU evaluation of a trained model, as the product uses it: intent macro-F1,
entity F1 over (entity, value) pairs after synonym mapping (all extractors together),
and a confusion-matrix image.

    python -m bot.nlu.evaluate --model models/assistant.tar.gz --heldout tests/nlu/heldout.yml --out reports/nlu
"""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from pathlib import Path

ENTITIES = ("region", "district", "child_order", "leave_type", "benefit")


def entity_pairs(entities: list[dict], synonyms: dict[str, str]) -> Counter:
    """(entity, canonical value) pairs, each counted once per message."""
    pairs = set()
    for entity in entities:
        if entity["entity"] not in ENTITIES:
            continue
        value = str(entity.get("value", entity.get("text", "")))
        pairs.add((entity["entity"], synonyms.get(value.lower(), value)))
    return Counter(pairs)


def f1(tp: int, fp: int, fn: int) -> float:
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


async def run(model: Path, heldout: Path, out: Path, data: Path) -> dict:
    from rasa.core.agent import load_agent
    from rasa.shared.nlu.training_data.loading import load_data
    from sklearn.metrics import classification_report, confusion_matrix

    from bot.nlu.text import normalise

    gold = load_data(str(heldout))
    synonyms = {}
    for path in sorted(Path(data).rglob("*.yml")):
        synonyms.update({k.lower(): v for k, v in load_data(str(path)).entity_synonyms.items()})
    agent = await load_agent(model_path=str(model))
    y_true, y_pred, errors = [], [], []
    tp = fp = fn = 0
    started = time.perf_counter()
    for example in gold.intent_examples:
        text = example.get("text")
        parsed = await agent.parse_message(text)
        y_true.append(example.get("intent"))
        y_pred.append(parsed["intent"]["name"])
        # Gold annotations are on the raw text; compare after the same normalisation.
        expected = entity_pairs(
            [{**e, "value": normalise(str(e.get("value", "")))} for e in example.get("entities", [])], synonyms)
        found = entity_pairs(parsed.get("entities", []), synonyms)
        tp += sum((expected & found).values())
        fp += sum((found - expected).values())
        fn += sum((expected - found).values())
        if y_true[-1] != y_pred[-1] or expected != found:
            errors.append({"text": text, "intent": y_true[-1], "predicted": y_pred[-1],
                           "confidence": round(parsed["intent"].get("confidence", 0.0), 3),
                           "missing": sorted(expected - found), "extra": sorted(found - expected)})
    seconds = time.perf_counter() - started
    # Macro-F1 over the intents of the held-out set; a prediction outside it (nlu_fallback)
    # is simply an error for its true intent.
    labels = sorted(set(y_true))
    report = classification_report(y_true, y_pred, labels=labels, output_dict=True, zero_division=0)
    out.mkdir(parents=True, exist_ok=True)
    shown = labels + sorted(set(y_pred) - set(labels))
    _plot_confusion(confusion_matrix(y_true, y_pred, labels=shown), shown, out / "intent_confusion_matrix.png")
    summary = {
        "examples": len(y_true),
        "intent_macro_f1": round(report["macro avg"]["f1-score"], 4),
        "intent_accuracy": round(sum(a == b for a, b in zip(y_true, y_pred)) / len(y_true), 4),
        "entity_f1": round(f1(tp, fp, fn), 4),
        "entity_precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "entity_recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "parse_ms_mean": round(1000 * seconds / max(1, len(y_true)), 1),
        "per_intent_f1": {k: round(v["f1-score"], 3) for k, v in report.items() if k in labels},
    }
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "errors.json").write_text(json.dumps(errors, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


def _plot_confusion(matrix, labels: list[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(12, 10))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i][j]:
                ax.text(j, i, matrix[i][j], ha="center", va="center", fontsize=6,
                        color="white" if matrix[i][j] > matrix.max() / 2 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("Held-out intent confusion matrix")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--heldout", type=Path, default=Path("tests/nlu/heldout.yml"))
    parser.add_argument("--data", type=Path, default=Path("data/nlu"))
    parser.add_argument("--out", type=Path, default=Path("reports/nlu"))
    args = parser.parse_args(argv)
    summary = asyncio.run(run(args.model, args.heldout, args.out, args.data))
    print(json.dumps({k: v for k, v in summary.items() if k != "per_intent_f1"}, ensure_ascii=False))
    print(f"confusion matrix: {args.out / 'intent_confusion_matrix.png'}; errors: {args.out / 'errors.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
