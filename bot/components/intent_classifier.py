"""Intents from logistic regression on dense sentence vectors plus character n-gram TF-IDF.

The sentence vector (multilingual e5, bot/components/e5.py) carries meaning across phrasings and languages;
character n-grams carry the surface forms it misses (typos, "thx", "tq", code-switching, short chat forms).
Measured by cross-validation per language (`benchmarks/bot_nlu.py`); see the comment in config.yml for the figures.

The fitted model is stored as plain arrays and JSON (no pickle): the n-gram vocabulary, its IDF weights and the
regression's coefficients. Prediction is the multinomial softmax of the linear scores.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers import LABEL_RANKING_LENGTH
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression


class CharTfidf:
    """Sublinear TF-IDF over character n-grams within word boundaries, rows L2-normalised (as scikit-learn's
    TfidfVectorizer with sublinear_tf=True and smooth IDF), rebuilt exactly from its vocabulary and IDF weights."""

    def __init__(self, ngram_range: tuple[int, int], vocabulary: dict[str, int], idf: np.ndarray) -> None:
        self.ngram_range = ngram_range
        self.vocabulary = vocabulary
        self.idf = idf
        self._counter = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, vocabulary=vocabulary)

    @classmethod
    def fit(cls, texts: list[str], ngram_range: tuple[int, int]) -> CharTfidf:
        counter = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range)
        counts = counter.fit_transform(texts)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
        vocabulary = {gram: int(i) for gram, i in counter.vocabulary_.items()}
        return cls(ngram_range, vocabulary, idf)

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        counts = self._counter.transform(texts).astype(np.float64).tocsr()
        counts.data = 1.0 + np.log(counts.data)
        weighted = counts @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class DenseCharIntentClassifier(GraphComponent, IntentClassifier):
    """Logistic regression on [character n-gram TF-IDF | dense sentence vector(s) of the text]. `featurizers`
    names the dense featurizers whose sentence vectors are used (their aliases; several are concatenated);
    empty means all of them."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [DenseFeaturizer]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # standardize: centre each dense dimension and scale it to unit variance (then by 1/sqrt(dimension), so the
        # dense block weighs about as much as the unit-length n-gram row). e5 vectors all point one way (cosines
        # 0.7-0.9); centred, the regression separates them with smaller weights.
        return {
            "C": 10.0,
            "min_ngram": 1,
            "max_ngram": 4,
            "max_iter": 3000,
            "featurizers": [],
            "standardize": False,
        }

    @staticmethod
    def required_packages() -> list[str]:
        return ["sklearn", "scipy"]

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        tfidf: CharTfidf | None = None,
        coef: np.ndarray | None = None,
        intercept: np.ndarray | None = None,
        labels: list[str] | None = None,
        shift: np.ndarray | None = None,
        scale: np.ndarray | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.tfidf = tfidf
        self.coef = coef
        self.intercept = intercept
        self.labels = labels or []
        self.shift = shift
        self.scale = scale

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> DenseCharIntentClassifier:
        return cls(config, model_storage, resource)

    def _dense(self, message: Message) -> np.ndarray | None:
        _, sentence = message.get_dense_features(TEXT, self.config.get("featurizers") or None)
        return None if sentence is None else sentence.features[0]

    def _features(self, texts: list[str], dense: list[np.ndarray]) -> sp.csr_matrix:
        assert self.tfidf is not None
        vectors = np.stack(dense)
        if self.shift is not None and self.scale is not None:
            vectors = (vectors - self.shift) * self.scale
        return sp.hstack([self.tfidf.transform(texts), sp.csr_matrix(vectors)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if self._dense(m) is not None]
        labels = [m.get(INTENT) for m in examples]
        if len(set(labels)) < 2:
            return self._resource
        texts = [m.get(TEXT) for m in examples]
        self.tfidf = CharTfidf.fit(texts, (self.config["min_ngram"], self.config["max_ngram"]))
        if self.config.get("standardize"):
            vectors = np.stack([self._dense(m) for m in examples])
            std = vectors.std(axis=0)
            std[std == 0] = 1.0
            self.shift, self.scale = vectors.mean(axis=0), 1.0 / (std * np.sqrt(vectors.shape[1]))
        features = self._features(texts, [self._dense(m) for m in examples])
        clf = LogisticRegression(C=self.config["C"], class_weight="balanced", max_iter=self.config["max_iter"])
        clf.fit(features, labels)
        self.labels = [str(label) for label in clf.classes_]
        self.coef, self.intercept = clf.coef_, clf.intercept_
        self.persist()
        return self._resource

    def predict_proba(self, texts: list[str], dense: list[np.ndarray]) -> np.ndarray:
        assert self.coef is not None and self.intercept is not None
        scores = self._features(texts, dense) @ self.coef.T + self.intercept
        scores = np.exp(scores - scores.max(axis=1, keepdims=True))
        return scores / scores.sum(axis=1, keepdims=True)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            dense = self._dense(message)
            if self.coef is None or dense is None:
                message.set("intent", None, add_to_output=True)
                message.set("intent_ranking", [], add_to_output=True)
                continue
            probabilities = self.predict_proba([message.get(TEXT) or ""], [dense])[0]
            order = np.argsort(-probabilities)[:LABEL_RANKING_LENGTH]
            ranking = [{"name": self.labels[i], "confidence": float(probabilities[i])} for i in order]
            message.set("intent", ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        assert self.tfidf is not None and self.coef is not None and self.intercept is not None
        with self._model_storage.write_to(self._resource) as folder:
            arrays = {"coef": self.coef, "intercept": self.intercept, "idf": self.tfidf.idf}
            if self.shift is not None and self.scale is not None:
                arrays |= {"shift": self.shift, "scale": self.scale}
            np.savez(folder / "weights.npz", **arrays)
            meta = {
                "labels": self.labels,
                "ngram_range": list(self.tfidf.ngram_range),
                "vocabulary": self.tfidf.vocabulary,
            }
            (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> DenseCharIntentClassifier:
        try:
            with model_storage.read_from(resource) as folder:
                meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
                with np.load(folder / "weights.npz") as arrays:
                    coef, intercept, idf = arrays["coef"], arrays["intercept"], arrays["idf"]
                    shift = arrays.get("shift")
                    scale = arrays.get("scale")
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)  # never trained (fewer than two intents)
        low, high = meta["ngram_range"]
        tfidf = CharTfidf((low, high), meta["vocabulary"], idf)
        return cls(config, model_storage, resource, tfidf, coef, intercept, meta["labels"], shift, scale)
