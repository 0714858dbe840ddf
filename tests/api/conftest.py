from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.store import ApiStore
from knowledge.store import make_engine
from recommender.service import RecommenderService
from stackwise.settings import Settings
from tests.recommender.conftest import encoder, service, small_catalog  # noqa: F401  (fixtures)


@pytest.fixture
def settings(tmp_path: Path, esco_fixture_dir: Path, database_url: str, small_catalog_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        esco_dir=esco_fixture_dir,
        database_url=database_url,
        catalog_path=small_catalog_path,
        rate_limit_per_minute=0,
    )


@pytest.fixture
def client(service: RecommenderService, settings: Settings) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(settings, service=service)) as c:
        yield c


@pytest.fixture
def keys(settings: Settings, client: TestClient) -> dict[str, str]:
    store = ApiStore(make_engine(settings.resolved_database_url)).open()
    return {role: store.create_key(f"test-{role}", role)[1] for role in ("public", "adviser", "admin")}


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
