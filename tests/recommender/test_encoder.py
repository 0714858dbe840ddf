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
