from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from recommender.encoder import normalise
from recommender.index import FaissIndex


def _vectors(n: int, d: int = 32, seed: int = 0) -> np.ndarray:
    return normalise(np.random.default_rng(seed).normal(size=(n, d)))


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_search_finds_each_vector_first(kind: str) -> None:
    vectors = _vectors(300)
    index = FaissIndex(32, kind, nlist=8, nprobe=8)
    index.add(np.arange(300) + 1000, vectors)
    scores, ids = index.search(vectors[:20], 3)
    assert list(ids[:, 0]) == list(range(1000, 1020))
    assert np.all(scores[:, 0] > 0.99) and np.all(np.diff(scores, axis=1) <= 1e-6)


@pytest.mark.parametrize("kind", ["flat", "ivf", "hnsw"])
def test_removed_ids_never_come_back_and_survive_save(kind: str, tmp_path: Path) -> None:
    vectors = _vectors(100)
    index = FaissIndex(32, kind, nlist=4, nprobe=4)
    index.add(np.arange(100), vectors)
    index.remove(np.array([5, 7]))
    assert len(index) == 98
    index.save(tmp_path)
    loaded = FaissIndex.load(tmp_path)
    _, ids = loaded.search(vectors[[5, 7]], 10)
    assert 5 not in ids and 7 not in ids and loaded.kind == kind


def test_size_picks_exact_or_approximate() -> None:
    assert FaissIndex.for_size(8, 10, exact_limit=100).kind == "flat"
    assert FaissIndex.for_size(8, 1000, exact_limit=100).kind == "ivf"


def test_wrong_shape_is_rejected() -> None:
    with pytest.raises(ValueError, match="shape"):
        FaissIndex(8).add(np.arange(2), np.zeros((2, 4), dtype=np.float32))


def test_empty_index_returns_no_hits() -> None:
    _scores, ids = FaissIndex(8).search(np.ones((1, 8), dtype=np.float32), 5)
    assert ids.shape == (1, 0)
