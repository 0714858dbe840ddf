"""API replicas share one index directory: a build another process publishes is picked up without a restart and
without failing a request."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog
from recommender.catalog_index import CatalogIndex, IndexMismatch, IndexStore
from recommender.request import LearnerRequest
from recommender.service import RecommenderService
from recommender.watch import IndexWatcher
from tests.fakes import UNFLOORED, HashingEncoder
from tests.recommender.conftest import TODAY

REPO = Path(__file__).resolve().parents[2]

# Another process (another replica, or `stackwise index build`) publishes an index of the first `keep` credentials.
PUBLISHER = textwrap.dedent(
    """
    import dataclasses, sys
    from pathlib import Path
    from knowledge.catalog import validate_file
    from recommender.catalog_index import CatalogIndex, IndexStore
    from tests.fakes import HashingEncoder

    catalog = validate_file(Path(sys.argv[1]), None).catalog
    smaller = dataclasses.replace(catalog, credentials=catalog.credentials[: int(sys.argv[3])])
    print(IndexStore(Path(sys.argv[2])).publish(CatalogIndex.build(smaller, HashingEncoder())))
    """
)


class SharedStore:
    """Stands in for the database every replica reads the catalog from."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def __call__(self) -> Catalog:
        return self.catalog


def _replica(store: SharedStore, vocabulary: EscoVocabulary, index_root: Path, cache: Path) -> RecommenderService:
    return RecommenderService(
        catalog=store,
        vocabulary=vocabulary,
        encoder=HashingEncoder(),
        index_store=IndexStore(index_root),
        cache_dir=cache,
        today=lambda: TODAY,
        settings=UNFLOORED,
    ).load()


def _publish_from_another_process(catalog_path: Path, index_root: Path, keep: int) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PUBLISHER, str(catalog_path), str(index_root), str(keep)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_replica_reloads_a_build_another_process_published_while_serving(
    small_catalog: Catalog, small_catalog_path: Path, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    store = SharedStore(small_catalog)
    replica = _replica(store, vocabulary, tmp_path / "index", tmp_path / "cache")
    before = replica.version
    assert len(replica.catalog) == len(small_catalog) > 2

    failures: list[BaseException] = []
    answered = 0
    stop = threading.Event()

    def learner() -> None:
        nonlocal answered
        while not stop.is_set():
            try:
                replica.recommend(LearnerRequest("data analysis with spreadsheets and SQL", limit=5))
                answered += 1
            except BaseException as exc:  # any failure during the swap is the bug this test is for
                failures.append(exc)

    threads = [threading.Thread(target=learner) for _ in range(3)]
    for t in threads:
        t.start()
    watcher = IndexWatcher(replica, interval=0.05).start()
    try:
        store.catalog = dataclasses.replace(small_catalog, credentials=small_catalog.credentials[:2])
        _publish_from_another_process(small_catalog_path, tmp_path / "index", keep=2)
        deadline = time.monotonic() + 20
        while watcher.reloads == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        served_after = answered
        deadline = time.monotonic() + 20  # keep serving on the new build: however slow the machine, a few answers
        while answered < served_after + len(threads) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watcher.stop()
        stop.set()
        for t in threads:
            t.join()

    assert watcher.reloads == 1, watcher.last_error
    assert not failures, failures[:3]
    assert answered > served_after > 0
    assert replica.version == IndexStore(tmp_path / "index").version() != before
    result = replica.recommend(LearnerRequest("data analysis with spreadsheets and SQL", limit=5))
    assert {r.credential.id for r in result.results} <= {c.id for c in small_catalog.credentials[:2]}
    assert result.index_version == replica.version


def test_a_build_for_another_catalog_is_not_loaded_and_the_old_one_keeps_serving(
    small_catalog: Catalog, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    store = SharedStore(small_catalog)
    replica = _replica(store, vocabulary, tmp_path / "index", tmp_path / "cache")
    before = replica.version
    # Someone published a build of a catalog the store no longer (or not yet) holds.
    stale = dataclasses.replace(small_catalog, credentials=small_catalog.credentials[:1])
    IndexStore(tmp_path / "index").publish(CatalogIndex.build(stale, HashingEncoder()))
    clock = [0.0]
    watcher = IndexWatcher(replica, interval=1.0, clock=lambda: clock[0])
    assert watcher.poll() is False
    assert watcher.last_error is not None and "different catalog" in watcher.last_error
    assert replica.version == before and len(replica.catalog) == len(small_catalog)
    with pytest.raises(IndexMismatch):
        replica.reload_if_changed()
    clock[0] = 1.5  # within the back-off (2 s after the first failure): not even tried
    store.catalog = stale
    assert watcher.poll() is False and replica.version == before
    clock[0] = 2.5  # after it: the store caught up, the build fits
    assert watcher.poll() is True
    assert len(replica.catalog) == 1 and watcher.last_error is None


def test_publishing_never_removes_a_build_another_process_is_writing(
    small_catalog: Catalog, encoder: HashingEncoder, tmp_path: Path
) -> None:
    store = IndexStore(tmp_path / "index", keep=1)
    in_progress = tmp_path / "index" / "builds" / ".20990101T000000000000.otherhost-1.partial"
    in_progress.mkdir(parents=True)
    crashed = tmp_path / "index" / "builds" / ".20000101T000000000000.otherhost-2.partial"
    crashed.mkdir()
    old = time.time() - IndexStore.PARTIAL_GRACE_SECONDS - 60
    os.utime(crashed, (old, old))
    for _ in range(3):
        store.publish(CatalogIndex.build(small_catalog, encoder))
    assert in_progress.is_dir()
    assert not crashed.exists()
    finished = [p for p in (tmp_path / "index" / "builds").iterdir() if not p.name.startswith(".")]
    assert [IndexStore.version_of(p) for p in finished] == [store.version()]
