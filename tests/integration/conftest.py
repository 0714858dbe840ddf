"""Integration fixtures: the real model, the real ESCO files and the shipped catalog, built once per session."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.catalog import DEFAULT_CATALOG, validate_file
from recommender.catalog_index import IndexStore
from recommender.encoder import (
    CachingEncoder,
    EmbeddingCache,
    LoadableEncoder,
    SentenceTransformerEncoder,
    make_encoder,
)
from recommender.service import RecommenderService
from stackwise.settings import Settings

TODAY = dt.date(2027, 1, 4)


@pytest.fixture(scope="session")
def real_encoder() -> SentenceTransformerEncoder:
    """PyTorch sentence-transformers: the reference other backends are held to."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return SentenceTransformerEncoder().load()


@pytest.fixture(scope="session")
def shipped_encoder() -> LoadableEncoder:
    """The encoder the product runs with (its default backend)."""
    settings = Settings()
    return make_encoder(settings.encoder_backend, settings.model_path, settings.cache_dir).load()


@pytest.fixture(scope="session")
def real_service(
    shipped_encoder: LoadableEncoder, real_vocabulary, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RecommenderService]:  # type: ignore[no-untyped-def]
    cache_dir = Settings().cache_dir  # machine-wide: ESCO vectors are built once per machine
    report = validate_file(DEFAULT_CATALOG, None)
    service = RecommenderService(
        catalog=lambda: report.catalog,
        vocabulary=real_vocabulary,
        encoder=shipped_encoder,
        build_encoder=CachingEncoder(shipped_encoder, EmbeddingCache(cache_dir / "embeddings.sqlite")),
        index_store=IndexStore(tmp_path_factory.mktemp("index")),
        cache_dir=cache_dir,
        today=lambda: TODAY,
    )
    yield service.load()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).parent.name == "integration":
            item.add_marker(pytest.mark.integration)
