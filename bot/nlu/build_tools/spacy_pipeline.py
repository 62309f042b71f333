"""Build the spaCy ``zh`` pipeline (pkuseg segmenter) that Rasa's ``SpacyNLP`` loads.

The result is a plain spaCy folder (``config.cfg``, ``meta.json``, ``tokenizer/``)
that carries the segmenter model inside it, so ``spacy.load(folder)`` never needs the
network or ``~/.pkuseg``.

    python -m bot.nlu.build_tools.spacy_pipeline --output build/spacy-zh \
        --user-words bot/nlu/build_tools/user_words.txt --segmenter small
"""
from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence

#: Optional file in a segmenter folder replacing pkuseg's post-processing dictionary
#: (one word a line); written by ``bot.nlu.build_tools.small_segmenter``.
POSTPROCESS_WORDS = "postprocess_words.txt"
#: Where ``python -m bot.nlu.build_tools.small_segmenter`` writes the small segmenter by default.
DEFAULT_SMALL_SEGMENTER = Path("build/pkuseg-small")
DEFAULT_USER_WORDS = Path(__file__).with_name("user_words.txt")


def pkuseg_package_dir() -> Path:
    """Return the installed ``pkuseg`` package folder.

    Located through the import system (without importing pkuseg) rather than a venv
    path, so it works in any virtualenv/site-packages layout.
    """
    spec = importlib.util.find_spec("pkuseg")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the pkuseg package is not installed (pip install pkuseg==0.0.25)")
    return Path(spec.origin).parent


def full_segmenter_dir() -> Path:
    """Return the directory of the model shipped inside the ``pkuseg`` package."""
    model_dir = pkuseg_package_dir() / "models" / "default"
    if not (model_dir / "weights.npz").is_file():
        raise FileNotFoundError(f"no pkuseg model in {model_dir}")
    return model_dir


def read_user_words(path: Path) -> List[str]:
    """Read one word per line; blank lines and ``#`` comments are skipped, order kept."""
    words: List[str] = []
    seen = set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        # only the first tab-separated field: pkuseg dict files may carry a tag column
        word = line.split("#", 1)[0].split("\t", 1)[0].strip()
        if word and word not in seen:
            seen.add(word)
            words.append(word)
    return words


def build_pipeline(*, output: Path, user_words: Sequence[str], segmenter_model: Path) -> Path:
    """Create a blank ``zh`` pipeline with pkuseg from ``segmenter_model`` and save it.

    ``segmenter_model`` is a directory holding ``weights.npz`` and ``features.msgpack``
    (or pkuseg's own ``features.pkl``), optionally ``postprocess_words.txt``.
    ``user_words`` become pkuseg's user dictionary: each is always kept as one token.
    Returns ``output``.
    """
    segmenter_model = Path(segmenter_model)
    if not (segmenter_model / "weights.npz").is_file():
        # Fail here: spacy_pkuseg treats an unknown *name* as a download request.
        raise FileNotFoundError(f"no pkuseg model (weights.npz) in {segmenter_model}")
    import spacy  # here, not at the top: importing spacy also imports TensorFlow (~2 s)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    # The model is passed as an absolute path: spacy_pkuseg *downloads* when the string
    # is one of its model names ("news", "web", ...), which a relative folder could be.
    # pkuseg_user_dict="default" keeps pkuseg's bundled post-processing dictionary,
    # as spaCy's own default does.
    nlp.tokenizer.initialize(pkuseg_model=str(segmenter_model.resolve()), pkuseg_user_dict="default")
    words_file = segmenter_model / POSTPROCESS_WORDS
    if words_file.is_file():
        # A small segmenter ships its own (pruned) post-processing dictionary; the
        # tokenizer serialises this set into tokenizer/pkuseg_processors.
        words = words_file.read_text(encoding="utf-8").split()
        nlp.tokenizer.pkuseg_seg.postprocesser.other_words = set(words)
    # The user words go into the preprocessor trie, which to_disk() serialises into
    # tokenizer/pkuseg_processors, so the loaded pipeline keeps them.
    nlp.tokenizer.pkuseg_update_user_dict([w for w in user_words if w.strip()])
    nlp.meta["name"] = "zh_pkuseg"
    nlp.meta["description"] = f"blank zh + pkuseg from {segmenter_model.name}, {len(user_words)} user words"
    output = Path(output)
    if output.exists():
        # A stale pkuseg_model/ from a previous (e.g. full) build would otherwise stay.
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    # Write next to the target and rename, so a failed build never leaves half a folder.
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=f".{output.name}-") as tmp:
        staged = Path(tmp) / "pipeline"
        nlp.to_disk(staged)
        staged.rename(output)
    return output


def _segmenter_path(choice: str, small_dir: Path) -> Path:
    if choice == "full":
        return full_segmenter_dir()
    if not (small_dir / "weights.npz").is_file():
        raise SystemExit(
            f"small segmenter not found in {small_dir}; build it first with\n"
            f"  python -m bot.nlu.build_tools.small_segmenter --output {small_dir}"
        )
    return small_dir


def main(argv: Optional[Sequence[str]] = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m bot.nlu.build_tools.spacy_pipeline", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, required=True, help="pipeline folder to write")
    parser.add_argument("--user-words", type=Path, default=DEFAULT_USER_WORDS,
                        help="user dictionary, one word per line (default: %(default)s)")
    parser.add_argument("--segmenter", choices=("full", "small"), default="small",
                        help="full: pkuseg's bundled model; small: the pruned model")
    parser.add_argument("--small-dir", type=Path, default=DEFAULT_SMALL_SEGMENTER,
                        help="where the small segmenter lives (default: %(default)s)")
    args = parser.parse_args(argv)
    model_dir = _segmenter_path(args.segmenter, args.small_dir)
    words = read_user_words(args.user_words)
    out = build_pipeline(output=args.output, user_words=words, segmenter_model=model_dir)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {out} ({args.segmenter} segmenter from {model_dir}, "
          f"{len(words)} user words, {size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
