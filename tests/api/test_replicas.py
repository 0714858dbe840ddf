"""Two API replicas over one database and one index directory: an edit through one is served by the other
without a restart."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.main import create_app
from api.store import ApiStore
from knowledge.esco import EscoVocabulary
from knowledge.store import make_engine
from recommender.catalog_index import IndexStore
from recommender.service import RecommenderService
from stackwise.runtime import Runtime
from stackwise.settings import Settings
from tests.api.conftest import auth
from tests.fakes import UNFLOORED, HashingEncoder


def _replica(
    name: str, shared: Settings, vocabulary: EscoVocabulary, tmp_path: Path
) -> tuple[Settings, RecommenderService]:
    settings = shared.model_copy(update={"data_dir": tmp_path / name})
    service = RecommenderService(
        catalog=Runtime(settings).catalog,  # each replica reads the shared database itself
        vocabulary=vocabulary,
        encoder=HashingEncoder(),
        index_store=IndexStore(settings.index_dir),
        cache_dir=tmp_path / name / "cache",
        settings=UNFLOORED,
    )
    return settings, service.load()


def test_an_edit_through_one_replica_is_served_by_the_other(
    settings: Settings, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    shared = settings.model_copy(update={"index_dir": tmp_path / "shared-index", "index_poll_seconds": 0.05})
    assert Runtime(shared).seed() is not None
    settings_a, service_a = _replica("a", shared, vocabulary, tmp_path)
    settings_b, service_b = _replica("b", shared, vocabulary, tmp_path)
    assert service_a.version == service_b.version  # the second replica loaded what the first one built
    admin = auth(ApiStore(make_engine(shared.resolved_database_url)).open().create_key("ops", "admin")[1])

    with (
        TestClient(create_app(settings_a, service=service_a)) as a,
        TestClient(create_app(settings_b, service=service_b)) as b,
    ):
        record = b.get("/v1/credentials/green-farm-audit").json()["credential"]
        record["title"] = "Environmental Audit of Small Farms, revised"
        assert a.put("/v1/credentials/green-farm-audit", json=record, headers=admin).status_code == 200
        published = a.get("/v1/index", headers=admin).json()["version"]
        deadline = time.monotonic() + 20
        while b.get("/v1/index", headers=admin).json()["version"] != published and time.monotonic() < deadline:
            time.sleep(0.05)
        status_b = b.get("/v1/index", headers=admin).json()
        assert status_b["version"] == published and status_b["reload_error"] is None
        assert b.get("/v1/credentials/green-farm-audit").json()["credential"]["title"].endswith("revised")
