"""Vector search behind a Protocol, with FAISS as the implementation.

Exact inner-product search (IndexFlatIP) up to `exact_limit` vectors, HNSW above it. Both sit in an ID map so
entries can be upserted and deleted in place; HNSW cannot remove vectors, so deleted ids are kept as
tombstones and filtered from results until the next full build.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_EXACT_LIMIT = 200_000


class VectorIndex(Protocol):
    @property
    def dimension(self) -> int: ...

    @property
    def kind(self) -> str: ...

    def __len__(self) -> int: ...

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None: ...

    def remove(self, ids: np.ndarray) -> None: ...

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Scores and ids of the k nearest vectors per query row; missing hits have id -1."""
        ...

    def save(self, directory: Path) -> None: ...


class FaissIndex:
    """FAISS flat or HNSW index over L2-normalised vectors (inner product = cosine)."""

    FILE = "vectors.faiss"
    TOMBSTONES = "tombstones.json"

    def __init__(
        self,
        dimension: int,
        kind: str = "flat",
        hnsw_m: int = 32,
        ef_construction: int = 80,
        ef_search: int = 96,
    ) -> None:
        import faiss

        if kind not in ("flat", "hnsw"):
            raise ValueError(f"index kind must be flat or hnsw, not {kind!r}")
        self._dimension = dimension
        self._kind = kind
        self._ef_search = ef_search
        inner: Any
        if kind == "flat":
            inner = faiss.IndexFlatIP(dimension)
        else:
            inner = faiss.IndexHNSWFlat(dimension, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = ef_construction
            inner.hnsw.efSearch = ef_search
        self._index: Any = faiss.IndexIDMap2(inner)
        self._tombstones: set[int] = set()

    @classmethod
    def for_size(cls, dimension: int, count: int, exact_limit: int = DEFAULT_EXACT_LIMIT) -> FaissIndex:
        return cls(dimension, "flat" if count <= exact_limit else "hnsw")

    @property
    def dimension(self) -> int:
        return self._dimension

    @property
    def kind(self) -> str:
        return self._kind

    def __len__(self) -> int:
        return int(self._index.ntotal) - len(self._tombstones)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[1] != self._dimension:
            raise ValueError(f"vectors must have shape (n, {self._dimension}), got {vectors.shape}")
        if len(ids) != len(vectors):
            raise ValueError("ids and vectors differ in length")
        if len(ids):
            self._index.add_with_ids(vectors, ids)

    def remove(self, ids: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if not len(ids):
            return
        if self._kind == "flat":
            self._index.remove_ids(ids)
        else:
            self._tombstones.update(int(i) for i in ids)

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        queries = np.ascontiguousarray(np.atleast_2d(queries), dtype=np.float32)
        total = int(self._index.ntotal)
        if total == 0 or k <= 0:
            n = len(queries)
            return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
        fetch = min(total, k + len(self._tombstones))
        if self._kind == "hnsw":
            import faiss

            params = faiss.SearchParametersHNSW(efSearch=max(self._ef_search, fetch))  # type: ignore[attr-defined]
            scores, ids = self._index.search(queries, fetch, params=params)
        else:
            scores, ids = self._index.search(queries, fetch)
        if self._tombstones:
            dead = np.isin(ids, np.fromiter(self._tombstones, dtype=np.int64))
            ids = np.where(dead, -1, ids)
            scores = np.where(dead, -np.inf, scores)
            order = np.argsort(-scores, axis=1, kind="stable")
            ids = np.take_along_axis(ids, order, axis=1)
            scores = np.take_along_axis(scores, order, axis=1)
        return scores[:, :k], ids[:, :k]

    def save(self, directory: Path) -> None:
        import faiss

        directory.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self._index, str(directory / self.FILE))
        (directory / self.TOMBSTONES).write_text(
            json.dumps({"kind": self._kind, "dimension": self._dimension, "tombstones": sorted(self._tombstones)})
        )

    @classmethod
    def load(cls, directory: Path) -> FaissIndex:
        import faiss

        meta = json.loads((directory / cls.TOMBSTONES).read_text())
        index = cls.__new__(cls)
        index._dimension = int(meta["dimension"])
        index._kind = meta["kind"]
        index._ef_search = 96
        index._index = faiss.read_index(str(directory / cls.FILE))
        index._tombstones = set(meta["tombstones"])
        return index
