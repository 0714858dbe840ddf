"""The intent classifier: its TF-IDF matches scikit-learn's, it learns, ranks, and survives persist and load."""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

from components.intent_classifier import CharTfidf, DenseCharIntentClassifier

EXAMPLES = {
    "greet": ["hi", "hello there", "good morning", "hey hey", "selamat pagi", "hiya"],
    "thank": ["thanks", "thank you so much", "thx a lot", "terima kasih", "many thanks", "cheers, thanks"],
    "refine": ["cheaper ones", "something shorter", "only online ones", "free ones please", "easier ones", "cheaper"],
}


def _message(text: str, intent: str | None = None) -> Message:
    # A stand-in for the e5 sentence vector: a fixed pseudo-random vector per intent plus noise, so that
    # the dense part carries signal the way the real one does.
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    base = np.random.default_rng(sorted(EXAMPLES).index(intent) if intent else 99).normal(size=8)
    vector = (base + 0.3 * rng.normal(size=8)).astype(np.float32)
    message = Message(data={TEXT: text, **({"intent": intent} if intent else {})})
    message.add_features(Features(vector[None, :] / np.linalg.norm(vector), FEATURE_TYPE_SENTENCE, TEXT, "dense"))
    return message


@pytest.fixture()
def storage(tmp_path: Path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def test_char_tfidf_equals_scikit_learns_and_rebuilds_from_its_parts() -> None:
    texts = ["cheaper ones please", "thx a lot", "hello there", "cheper"]
    ours = CharTfidf.fit(texts, (1, 4))
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True).fit(texts)
    new = ["cheaper", "thanks", "hi 👋"]
    assert np.allclose(ours.transform(new).toarray(), reference.transform(new).toarray())
    rebuilt = CharTfidf((1, 4), ours.vocabulary, ours.idf)
    assert np.allclose(rebuilt.transform(new).toarray(), ours.transform(new).toarray())


def test_learns_ranks_and_round_trips(storage: LocalModelStorage) -> None:
    resource = Resource("intent_classifier")
    config = DenseCharIntentClassifier.get_default_config()
    clf = DenseCharIntentClassifier.create(config, storage, resource, _context())
    data = TrainingData([_message(t, intent) for intent, texts in EXAMPLES.items() for t in texts])
    clf.train(data)

    queries = [_message("hello!", "greet"), _message("thank you", "thank"), _message("cheaper please", "refine")]
    for query in queries:
        query.set("intent", None)
    clf.process(queries)
    assert [q.get("intent")["name"] for q in queries] == ["greet", "thank", "refine"]
    ranking = queries[0].get("intent_ranking")
    assert len(ranking) == 3 and abs(sum(r["confidence"] for r in ranking) - 1) < 1e-6
    assert ranking == sorted(ranking, key=lambda r: -r["confidence"])

    loaded = DenseCharIntentClassifier.load(config, storage, resource, _context())
    again = [_message("hello!", "greet")]
    again[0].set("intent", None)
    loaded.process(again)
    assert again[0].get("intent_ranking") == ranking


def test_without_dense_features_or_training_it_predicts_nothing(storage: LocalModelStorage) -> None:
    config = DenseCharIntentClassifier.get_default_config()
    untrained = DenseCharIntentClassifier.load(config, storage, Resource("never_trained"), _context())
    message = _message("hello", "greet")
    untrained.process([message])
    assert message.get("intent") is None and message.get("intent_ranking") == []
