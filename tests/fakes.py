"""Deterministic stand-ins for unit tests: an encoder that hashes words, so similar texts get similar vectors."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from recommender.encoder import Progress, normalise
from recommender.lexical import tokens
from recommender.ranking import RankingSettings
from recommender.service import ServiceSettings


class HashingEncoder:
    """Bag of stemmed words and character trigrams, hashed into a fixed number of signed buckets."""

    def __init__(self, dimension: int = 256, name: str = "hashing-test-encoder") -> None:
        self._dimension = dimension
        self._name = name
        self.calls = 0
        self.texts_encoded = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimension(self) -> int:
        return self._dimension

    def _bucket(self, feature: str) -> tuple[int, float]:
        digest = hashlib.md5(feature.encode()).digest()
        return int.from_bytes(digest[:4], "little") % self._dimension, 1.0 if digest[4] & 1 else -1.0

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in tokens(text):
                i, sign = self._bucket("w:" + word)
                out[row, i] += 2.0 * sign
                padded = f"#{word}#"
                for k in range(len(padded) - 2):
                    j, s = self._bucket("c:" + padded[k : k + 3])
                    out[row, j] += 0.5 * s
        if progress:
            progress(len(texts))
        return normalise(out)


class TranslatingEncoder(HashingEncoder):
    """A stand-in for a multilingual encoder: texts it has a translation for are embedded as that translation,
    so a goal and a credential that say the same in two languages meet, as they do in multilingual-e5."""

    def __init__(self, translations: dict[str, str], name: str = "translating-test-encoder") -> None:
        super().__init__(name=name)
        self.translations = translations

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        return super().encode([self.translations.get(t, t) for t in texts], progress)


# The relevance floors are measured on the real encoders' cosines; the hashing encoder's are on another scale, so
# services over it list by rank alone unless a test sets a floor on purpose.
UNFLOORED = ServiceSettings(ranking=RankingSettings(relevance_floor=0.0, relative_floor=0.0))
