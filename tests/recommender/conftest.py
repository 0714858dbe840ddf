from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from knowledge.catalog import validate_file
from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog
from recommender.catalog_index import IndexStore
from recommender.service import RecommenderService
from tests.fakes import UNFLOORED, HashingEncoder

TODAY = dt.date(2027, 1, 10)


@pytest.fixture
def small_catalog(small_catalog_path: Path, vocabulary: EscoVocabulary) -> Catalog:
    report = validate_file(small_catalog_path, vocabulary)
    assert report.ok
    return report.catalog


@pytest.fixture
def encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture
def service(
    small_catalog: Catalog, vocabulary: EscoVocabulary, encoder: HashingEncoder, tmp_path: Path
) -> RecommenderService:
    return RecommenderService(
        catalog=lambda: small_catalog,
        vocabulary=vocabulary,
        encoder=encoder,
        index_store=IndexStore(tmp_path / "index"),
        cache_dir=tmp_path / "cache",
        today=lambda: TODAY,
        settings=UNFLOORED,
    ).load()
