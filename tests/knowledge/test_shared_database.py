"""Several API replicas start at once on one empty PostgreSQL database: they take turns to migrate and seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.store import CatalogStore

REPO = Path(__file__).resolve().parents[2]

# What an API replica does on start-up: migrate both schemas, then seed the store when it is empty.
REPLICA_START = """
import sys
from pathlib import Path
from api.store import ApiStore
from stackwise.runtime import Runtime
from stackwise.settings import Settings

runtime = Runtime(Settings(database_url=sys.argv[1], catalog_path=Path(sys.argv[2]), esco_dir=Path(sys.argv[3]),
                           data_dir=Path(sys.argv[4])))
ApiStore(runtime.store.engine).open()
print("seeded" if runtime.seed() is not None else "found")
"""


@pytest.mark.postgres
def test_replicas_starting_together_migrate_and_seed_once(
    small_catalog_path: Path, esco_fixture_dir: Path, tmp_path: Path
) -> None:
    from tests.conftest import _postgres_url

    urls = _postgres_url()
    url = next(urls)
    try:
        replicas = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    REPLICA_START,
                    url,
                    str(small_catalog_path),
                    str(esco_fixture_dir),
                    str(tmp_path / str(i)),
                ],
                cwd=REPO,
                env={**os.environ, "PYTHONPATH": str(REPO)},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(4)
        ]
        outcomes = []
        for replica in replicas:
            out, err = replica.communicate(timeout=180)
            assert replica.returncode == 0, err[-2000:]
            outcomes.append(out.strip())
        assert sorted(outcomes) == ["found", "found", "found", "seeded"]
        store = CatalogStore(url).open()
        assert store.revision()[0] == 1  # one import, not four
        store.close()
    finally:
        urls.close()
