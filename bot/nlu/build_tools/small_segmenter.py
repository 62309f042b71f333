"""Derive a small pkuseg segmenter from the model bundled with ``pkuseg``, offline.

Recipe (chosen after measuring, see ``measure_segmenter.py``): *prune* the full CRF's
feature table instead of training a new model. A kept feature keeps its exact weights,
so wherever the kept features are the ones that fire, the small model decides exactly
like the full one. Kept are

1. every feature that fires anywhere in the domain corpus (the policy documents in
   ``knowledge/sources`` and the citizen questions in ``bot/nlu/build_tools/corpus/questions.txt``),
   so domain text segments as with the full model;
2. the ``top_k`` features with the largest weight range over the five tags, the ones
   that can change a decision, so that text outside the corpus is still segmented well.

Dropped are all other features and the ``bigram`` word-pair set, which pkuseg only
needs while *training* (inference looks features up by name).  pkuseg's 390k-word
post-processing dictionary is cut the same way (``postprocess_words.txt``, see
``_postprocess_words``); ``--full-dict`` keeps it whole. Training a fresh model on the
same corpus with ``spacy_pkuseg.train`` was measured too and generalised much worse
(word F1 0.88 against the full model on the held-out questions, versus 0.99+).

    python -m bot.nlu.build_tools.small_segmenter --output build/pkuseg-small

Reads only files in this repository and the installed ``pkuseg`` package; writes
``features.msgpack`` + ``weights.npz`` (the layout ``spacy_pkuseg.pkuseg(path)`` loads),
``postprocess_words.txt`` and ``manifest.json``. Byte-for-byte deterministic.
"""
from __future__ import annotations

import argparse
import io
import json
import pickle
import sys
import time
import zipfile
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Sequence, Set

import numpy as np

from bot.nlu.build_tools.spacy_pipeline import POSTPROCESS_WORDS, full_segmenter_dir, pkuseg_package_dir

REPO = Path(__file__).resolve().parents[3]
CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
#: How many top-weighted features to keep besides those the corpus fires (see module doc).
DEFAULT_TOP_K = 200_000


def _text_lines(path: Path) -> Iterator[str]:
    """Non-empty lines of a text file; skips ``#`` comments and YAML front matter."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if path.suffix == ".md" and lines and lines[0].strip() == "---":
        # metadata (ids, dates, urls) is not text a citizen would type
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        lines = lines[end + 1:]
    for line in lines:
        line = line.strip()
        if line and not (path.suffix == ".txt" and path.parent == CORPUS_DIR and line.startswith("#")):
            yield line


def corpus_files(repo: Path = REPO) -> List[Path]:
    """The domain corpus, in a fixed order (the held-out set is deliberately absent)."""
    sources = repo / "knowledge" / "sources"
    return (sorted(sources.glob("*.txt")) + sorted((sources / "supplementary").glob("*.md"))
            + [CORPUS_DIR / "questions.txt"])


def corpus_lines(files: Iterable[Path]) -> List[str]:
    """All corpus lines from ``files``."""
    return [line for path in files for line in _text_lines(path)]


def _load_full(model_dir: Path):
    """Load pkuseg's own files: the feature table (pickle) and the weight vector."""
    from spacy_pkuseg.feature_extractor import FeatureExtractor

    # features.pkl ships inside the installed pkuseg package (a trusted local file);
    # reading it directly avoids FeatureExtractor.load's noisy format fallbacks.
    with open(model_dir / "features.pkl", "rb") as fh:
        data = pickle.load(fh)
    extractor = FeatureExtractor.__new__(FeatureExtractor)
    extractor.unigram = set(data["unigram"])
    extractor.bigram = set()  # unused at inference, and the biggest set in the file
    extractor.feature_to_idx = data["feature_to_idx"]
    extractor.tag_to_idx = data["tag_to_idx"]
    with np.load(model_dir / "weights.npz") as npz:
        n_tag, n_feature = (int(x) for x in npz["sizes"])
        weights = npz["w"]
    assert weights.shape[0] == n_tag * (n_feature + n_tag), "unexpected weights.npz layout"
    assert len(extractor.feature_to_idx) == n_feature
    return extractor, weights, n_tag, n_feature


def fired_features(extractor, lines: Iterable[str]) -> Set[int]:
    """Indices of all features the CRF looks up while segmenting ``lines``.

    Mirrors ``spacy_pkuseg.pkuseg.cut``: the text is split on whitespace and every
    piece is normalised and featurised on its own.
    """
    fired: Set[int] = set()
    for line in lines:
        for piece in line.split():
            nodes = list(extractor.normalize_text(piece))
            for i in range(len(nodes)):
                fired.update(extractor.get_node_features_idx(i, nodes))
    return fired


def _words_of(feature: str) -> Sequence[str]:
    """The dictionary words a word feature needs in ``unigram`` to be able to fire."""
    if feature.startswith("w-1."):
        return (feature[4:],)
    if feature.startswith("w1."):
        return (feature[3:],)
    if feature.startswith(("ww.l.", "ww.r.")):
        # '*' cannot occur inside a word: pkuseg rewrites it to '&' before featurising
        return tuple(w for w in feature[5:].split("*") if w != "**noWord")
    return ()


def _write_npz(path: Path, arrays: Dict[str, np.ndarray]) -> None:
    """Like ``np.savez`` but with fixed zip timestamps, so rebuilds are byte-identical."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, array in arrays.items():
            buf = io.BytesIO()
            np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            zf.writestr(info, buf.getvalue())


def _postprocess_words(*, model_dir: Path, lines: Sequence[str], lexicon: Set[str],
                       dictionary: Path) -> List[str]:
    """Choose the words of pkuseg's post-processing dictionary to keep.

    After the CRF, pkuseg merges adjacent tokens that together form a word of this
    dictionary (390k entries, e.g. 你/好 -> 你好); as Python strings it costs about as
    much memory as the pruned CRF itself, and spaCy loads it on every ``spacy.load``.
    Kept are the words the CRF's own training lexicon also has (the attested ones; the
    rest is mostly personal names, URLs and emoticons) plus every dictionary word the
    small model actually produces on the corpus, so domain text is unaffected.
    """
    import spacy_pkuseg

    # an absolute path: spacy_pkuseg downloads when given a relative "news", "web", ...
    seg = spacy_pkuseg.pkuseg(str(model_dir.resolve()), user_dict=None)
    # pkuseg's bundled dictionary (byte-identical to the copy inside spacy_pkuseg)
    seg.postprocesser = spacy_pkuseg.Postprocesser(None, [str(dictionary)])
    words: Set[str] = seg.postprocesser.other_words
    used = {token for line in lines for token in seg.cut(line) if token in words}
    return sorted((words & lexicon) | used)


def build_small_segmenter(*, output: Path, top_k: int = DEFAULT_TOP_K, prune_dict: bool = True,
                          corpus: Optional[Sequence[Path]] = None,
                          full_model: Optional[Path] = None) -> Dict[str, object]:
    """Write the pruned model to ``output``; return a summary (also in manifest.json)."""
    import srsly

    started = time.perf_counter()
    full_model = Path(full_model) if full_model else full_segmenter_dir()
    files = list(corpus) if corpus is not None else corpus_files()
    lines = corpus_lines(files)
    extractor, weights, n_tag, n_feature = _load_full(full_model)

    node = weights[: n_feature * n_tag].reshape(n_feature, n_tag)
    edges = weights[n_feature * n_tag:]  # tag-transition weights, always kept
    # A feature adds its weights to all five tag scores of a character; only the
    # differences between them can change the Viterbi path, hence range, not size.
    spread = node.max(axis=1) - node.min(axis=1)

    fired = np.fromiter(fired_features(extractor, lines), dtype=np.int64)
    # stable sort: ties resolved by feature index, so the selection is deterministic
    top = np.argsort(-spread, kind="stable")[:top_k]
    keep = np.union1d(fired, top)
    keep = keep[spread[keep] > 0]  # a constant feature can never change a decision
    # '$$' (index 0) is appended for every character by the inference code without a
    # lookup, so it must stay at index 0.
    keep = np.union1d(np.array([0]), keep)

    idx_to_feature: List[Optional[str]] = [None] * n_feature
    for name, idx in extractor.feature_to_idx.items():
        idx_to_feature[idx] = name
    names = [idx_to_feature[i] for i in keep]
    assert names[0] == "$$", names[0]
    feature_to_idx = {name: i for i, name in enumerate(names)}
    # Keep only dictionary words some kept feature refers to: a dropped word can then
    # only turn off features that are gone anyway (no feature mentions '**noWord').
    unigram = sorted({w for name in names for w in _words_of(name)} & extractor.unigram)
    new_weights = np.concatenate([node[keep].reshape(-1), edges]).astype(np.float64)
    del node, edges, weights, idx_to_feature

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    srsly.write_msgpack(output / "features.msgpack", {
        "unigram": unigram,
        "bigram": [],
        "feature_to_idx": feature_to_idx,
        "tag_to_idx": extractor.tag_to_idx,
    })
    _write_npz(output / "weights.npz",
               {"sizes": np.array([n_tag, len(names)]), "w": new_weights})
    summary: Dict[str, object] = {
        "recipe": "prune pkuseg default model: corpus-fired features + top-k by weight range",
        "top_k": top_k,
        "features_full": n_feature,
        "features_fired_in_corpus": int(fired.size),
        "features_kept": len(names),
        "unigram_full": len(extractor.unigram),
        "unigram_kept": len(unigram),
    }
    words_file = output / POSTPROCESS_WORDS
    if prune_dict:
        words = _postprocess_words(model_dir=output, lines=lines, lexicon=extractor.unigram,
                                   dictionary=pkuseg_package_dir() / "dicts" / "default.pkl")
        words_file.write_text("".join(w + "\n" for w in words), encoding="utf-8")
        summary["postprocess_words_kept"] = len(words)
    elif words_file.exists():
        words_file.unlink()  # no file = spacy_pipeline keeps pkuseg's full dictionary
    summary["corpus_files"] = [str(p.relative_to(REPO)) if p.is_relative_to(REPO) else str(p)
                               for p in files]
    (output / "manifest.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary["seconds"] = round(time.perf_counter() - started, 1)
    return summary


def main(argv: Optional[Sequence[str]] = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.build_tools.small_segmenter", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, required=True, help="folder to write the model to")
    parser.add_argument("--top-k", type=int, default=DEFAULT_TOP_K,
                        help="features kept by weight range besides the corpus ones (default: %(default)s)")
    parser.add_argument("--full-dict", action="store_true",
                        help="keep pkuseg's whole post-processing dictionary (about +50 MB per load)")
    args = parser.parse_args(argv)
    summary = build_small_segmenter(output=args.output, top_k=args.top_k, prune_dict=not args.full_dict)
    print(json.dumps({k: v for k, v in summary.items() if k != "corpus_files"}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
