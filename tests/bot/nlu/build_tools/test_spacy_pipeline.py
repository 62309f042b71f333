"""Tests of bot.nlu: the small pkuseg segmenter and the spaCy zh pipeline built from it.

The small segmenter is built once per session into a temporary folder (about 3 s, all
offline), then the spaCy pipeline is built from it and loaded back from disk the way
Rasa's SpacyNLP loads it.
"""
from __future__ import annotations

import json
import socket
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List

import pytest
import spacy

from bot.nlu.build_tools.small_segmenter import build_small_segmenter
from bot.nlu.build_tools.spacy_pipeline import DEFAULT_USER_WORDS, build_pipeline, read_user_words

SAMPLE = "包头生三孩产假多少天"


@contextmanager
def no_network() -> Iterator[None]:
    """Fail loudly if anything tries to download (spacy_pkuseg does for model *names*)."""
    import spacy_pkuseg

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(spacy_pkuseg, "download_model", refuse)
        yield


@pytest.fixture(scope="session")
def small_segmenter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkuseg-small")
    with no_network():
        build_small_segmenter(output=out)
    return out


@pytest.fixture(scope="session")
def pipeline_dir(small_segmenter: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("spacy") / "spacy-zh"
    with no_network():
        build_pipeline(output=out, user_words=read_user_words(DEFAULT_USER_WORDS),
                       segmenter_model=small_segmenter)
    return out


@pytest.fixture(scope="session")
def nlp(pipeline_dir: Path) -> spacy.language.Language:
    with no_network():
        return spacy.load(pipeline_dir)


def tokens(nlp: spacy.language.Language, text: str) -> List[str]:
    return [t.text for t in nlp(text)]


@pytest.mark.slow
def test_sample_question_segments_into_words(nlp: spacy.language.Language) -> None:
    # place / verb / user word 三孩 / user word 产假 / 多少 / measure word
    assert tokens(nlp, SAMPLE) == ["包头", "生", "三孩", "产假", "多少", "天"]


@pytest.mark.parametrize("text, word", [
    ("育儿补贴怎么申请", "育儿补贴"),
    ("我想问问国家育儿补贴的标准", "育儿补贴"),
    ("普惠托育一个月多少钱", "普惠托育"),
    ("哪里有普惠托育机构", "普惠托育"),
    ("昆都仑区的托育机构", "昆都仑区"),
    ("我住在包头市昆都仑区", "昆都仑区"),
    ("呼和浩特的婚假几天", "呼和浩特"),
    ("中宁县生三孩有奖励吗", "中宁县"),
])
def test_user_words_stay_one_token(nlp: spacy.language.Language, text: str, word: str) -> None:
    assert word in tokens(nlp, text)


def test_everyday_sentence(nlp: spacy.language.Language) -> None:
    assert tokens(nlp, "育儿补贴和普惠托育在昆都仑区怎么办") == [
        "育儿补贴", "和", "普惠托育", "在", "昆都仑区", "怎么办"]


@pytest.mark.parametrize("text", [
    "",
    " ",
    "😀👍🏽🎉",
    "How many days of maternity leave do I get in Baotou?",
    "\x00\x01\x07\x1b[31m包头\x7f\x1c",
    "\t\r\n\u3000\xa0\u200b\u2028",
    "ｆｕｌｌｗｉｄｔｈ　１２３ and ascii 456",
    ("包头生三孩产假多少天？I'm asking 😀\n" * 400)[:10_000],
    "育" * 10_000,
], ids=["empty", "space", "emoji", "english", "control", "unicode-space", "fullwidth",
        "10k-mixed", "10k-one-char"])
def test_odd_inputs_tokenise(nlp: spacy.language.Language, text: str) -> None:
    doc = nlp(text)
    # Rasa's SpacyTokenizer relies on token offsets: the tokens must rebuild the text.
    assert doc.text == text
    assert all(token.text for token in doc)
    assert (len(doc) == 0) == (text == "")


def test_pipeline_folder_is_self_contained(pipeline_dir: Path) -> None:
    meta = json.loads((pipeline_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["lang"] == "zh" and meta["spacy_version"].startswith(">=3.4")
    model = pipeline_dir / "tokenizer" / "pkuseg_model"
    assert (model / "weights.npz").is_file() and (model / "features.msgpack").is_file()
    size = sum(p.stat().st_size for p in pipeline_dir.rglob("*") if p.is_file())
    assert size < 40e6, f"pipeline is {size / 1e6:.0f} MB; the full model is 180 MB"


@pytest.mark.slow
def test_small_segmenter_is_deterministic(small_segmenter: Path, tmp_path: Path) -> None:
    with no_network():
        build_small_segmenter(output=tmp_path)
    for name in ("features.msgpack", "weights.npz", "postprocess_words.txt", "manifest.json"):
        assert (tmp_path / name).read_bytes() == (small_segmenter / name).read_bytes(), name


def test_shared_spacy_nlp_loads_once(pipeline_dir: Path) -> None:
    from bot.nlu.shared_spacy import SharedSpacyNLP

    first = SharedSpacyNLP.load_model(str(pipeline_dir))
    second = SharedSpacyNLP.load_model(str(pipeline_dir))
    assert first is second
    SharedSpacyNLP.ensure_proper_language_model(first.model)
    assert tokens(first.model, SAMPLE)[0] == "包头"
