from __future__ import annotations

from pathlib import Path

import numpy as np

from recommender.encoder import CachingEncoder, EmbeddingCache, Encoder, normalise
from tests.fakes import HashingEncoder


def test_fake_encoder_satisfies_the_protocol_and_normalises() -> None:
    encoder = HashingEncoder()
    assert isinstance(encoder, Encoder)
    vectors = encoder.encode(["analyse data", "teach languages"])
    assert vectors.dtype == np.float32 and np.allclose(np.linalg.norm(vectors, axis=1), 1.0)


def test_caching_encoder_embeds_only_text_it_has_not_seen(tmp_path: Path) -> None:
    inner = HashingEncoder()
    cached = CachingEncoder(inner, EmbeddingCache(tmp_path / "cache.sqlite"))
    first = cached.encode(["a text", "another text", "a text"])
    assert inner.texts_encoded == 2
    again = CachingEncoder(inner, EmbeddingCache(tmp_path / "cache.sqlite")).encode(
        ["another text", "new text", "a text"]
    )
    assert inner.texts_encoded == 3  # only "new text"
    assert np.allclose(again[0], first[1]) and np.allclose(again[2], first[0])


def test_normalise_leaves_zero_vectors_at_zero() -> None:
    out = normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    assert np.allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_model_name_is_the_same_before_and_after_loading(tmp_path: Path) -> None:
    from recommender.encoder import SentenceTransformerEncoder

    model_dir = tmp_path / "my-model"
    model_dir.mkdir()
    encoder = SentenceTransformerEncoder(str(model_dir))
    assert encoder.name == "my-model"
    default = SentenceTransformerEncoder()
    assert default.name == SentenceTransformerEncoder(default.model_path).name != "model"


def test_memo_encoder_embeds_each_text_once_and_keeps_input_order() -> None:
    from recommender.encoder import MemoEncoder

    inner = HashingEncoder()
    memo = MemoEncoder(inner, size=3)
    first = memo.encode(["goal", "excel", "goal"])
    assert inner.texts_encoded == 2 and np.allclose(first[0], first[2])
    again = memo.encode(["excel", "goal"])
    assert inner.texts_encoded == 2  # both remembered
    assert np.allclose(again, inner.encode(["excel", "goal"]))
    memo.encode(["a", "b"])  # pushes out the least recently used ("excel" was used before "goal")
    before = inner.texts_encoded
    memo.encode(["goal"])
    assert inner.texts_encoded == before
    memo.encode(["excel"])
    assert inner.texts_encoded == before + 1
    assert memo.encode([]).shape == (0, inner.dimension)


def test_unknown_encoder_backend_is_refused_with_the_choices() -> None:
    import pytest

    from recommender.encoder import make_encoder

    with pytest.raises(ValueError, match="onnx, onnx-int8, torch"):
        make_encoder("tensorflow", None)
