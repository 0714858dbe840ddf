from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from recommender.service import RecommenderService
from stackwise.settings import Settings
from tests.recommender.conftest import encoder, service, small_catalog  # noqa: F401  (fixtures)


@pytest.fixture
def client(service: RecommenderService, tmp_path: Path, esco_fixture_dir: Path) -> Iterator[TestClient]:  # noqa: F811
    settings = Settings(data_dir=tmp_path / "data", esco_dir=esco_fixture_dir)
    with TestClient(create_app(settings, service=service)) as c:
        yield c
