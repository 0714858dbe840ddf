"""Vector search behind a Protocol, with FAISS as the implementation.

Exact inner-product search (IndexFlatIP) up to `exact_limit` vectors, an inverted-file index (IVF) above it:
measured here, IVF builds a million vectors in about a minute where HNSW took tens of minutes, and answers in
milliseconds. "hnsw" stays available; it cannot remove vectors, so its deleted ids are kept as tombstones and
filtered from results until the next full build.
"""

from __future__ import annotations

import contextlib
import json
import threading
from pathlib import Path
from typing import Any, Protocol

import numpy as np

DEFAULT_EXACT_LIMIT = 200_000
# An IVF or HNSW search for a handful of queries is done in about a millisecond on one thread; handing it to
# OpenMP's pool costs several times that on a small machine (measured: 8 ms vs 0.8 ms per ESCO occupation query).
SMALL_SEARCH = 8


class _OneThread:
    """Runs FAISS single-threaded while any small search is in flight (the OpenMP setting is process-wide)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._saved = 0

    def __enter__(self) -> None:
        import faiss

        with self._lock:
            if self._active == 0:
                self._saved = faiss.omp_get_max_threads()
                faiss.omp_set_num_threads(1)
            self._active += 1

    def __exit__(self, *_: object) -> None:
        import faiss

        with self._lock:
            self._active -= 1
            if self._active == 0:
                faiss.omp_set_num_threads(self._saved)


_one_thread = _OneThread()


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
        nlist: int = 1024,
        nprobe: int = 32,
    ) -> None:
        import faiss

        if kind not in ("flat", "ivf", "hnsw"):
            raise ValueError(f"index kind must be flat, ivf or hnsw, not {kind!r}")
        self._dimension = dimension
        self._kind = kind
        self._ef_search = ef_search
        inner: Any
        self._nprobe = nprobe
        self._nlist = nlist
        if kind == "flat":
            inner = faiss.IndexFlatIP(dimension)
        elif kind == "ivf":
            self._quantizer = faiss.IndexFlatIP(dimension)
            inner = faiss.IndexIVFFlat(self._quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
            inner.nprobe = nprobe
        else:
            inner = faiss.IndexHNSWFlat(dimension, hnsw_m, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = ef_construction
            inner.hnsw.efSearch = ef_search
        self._index: Any = faiss.IndexIDMap2(inner)
        self._tombstones: set[int] = set()

    @classmethod
    def for_size(
        cls, dimension: int, count: int, exact_limit: int = DEFAULT_EXACT_LIMIT, nprobe: int = 32
    ) -> FaissIndex:
        if count <= exact_limit:
            return cls(dimension, "flat")
        # The usual ~4 sqrt(n) lists, but never fewer than ~40 training vectors per list (k-means needs them).
        nlist = int(max(1, min(16384, 4 * count**0.5, count // 40)))
        return cls(dimension, "ivf", nlist=nlist, nprobe=nprobe)

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
        if not len(ids):
            return
        if not self._index.is_trained:  # IVF learns its lists from the first batch (a sample is enough)
            sample = vectors[np.random.default_rng(0).permutation(len(vectors))[: 64 * self._nlist]]
            self._index.train(sample)
        self._index.add_with_ids(vectors, ids)

    def remove(self, ids: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if not len(ids):
            return
        if self._kind in ("flat", "ivf"):
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
        small = self._kind != "flat" and len(queries) <= SMALL_SEARCH
        with _one_thread if small else contextlib.nullcontext():
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
            json.dumps(
                {
                    "kind": self._kind,
                    "dimension": self._dimension,
                    "nprobe": self._nprobe,
                    "tombstones": sorted(self._tombstones),
                }
            )
        )

    @classmethod
    def load(cls, directory: Path, nprobe: int | None = None) -> FaissIndex:
        """`nprobe` overrides the saved one (a search-time setting: no rebuild needed to change it)."""
        import faiss

        meta = json.loads((directory / cls.TOMBSTONES).read_text())
        index = cls.__new__(cls)
        index._dimension = int(meta["dimension"])
        index._kind = meta["kind"]
        index._ef_search = 96
        index._nprobe = nprobe or int(meta.get("nprobe", 32))
        index._nlist = int(meta.get("nlist", 1024))
        index._index = faiss.read_index(str(directory / cls.FILE))
        if index._kind == "ivf":
            faiss.extract_index_ivf(index._index).nprobe = index._nprobe
        index._tombstones = set(meta["tombstones"])
        return index
