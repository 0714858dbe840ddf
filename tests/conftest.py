"""Shared fixtures: small ESCO and catalog fixtures, stores on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.esco import EscoVocabulary, load_official
from knowledge.store import CatalogStore
from stackwise import bot as botrun
from stackwise.devstack import LocalStack, StackFailed, local_stack
from stackwise.settings import Settings
from tests.fixtures.esco_tables import write_esco_fixture

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent
PG_ADMIN_URL = os.environ.get("STACKWISE_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# Settings that say where this machine keeps what the tests may reuse (the checkout's prepared data, the official
# ESCO files, the machine-wide caches, the model, how it runs it). Every other STACKWISE_ variable of the shell
# (a deployment's .env, a developer's own Stackwise) would change what the tests run against: a required key, a
# database, a tracker store, an index directory. The tests give those themselves.
MACHINE_SETTINGS = frozenset(
    f"STACKWISE_{name}"
    for name in (
        "DATA_DIR",
        "ESCO_DIR",
        "CACHE_DIR",
        "MODEL_PATH",
        "ENCODER_BACKEND",
        "BOT_VENV",
        "WEB_VENDOR_DIR",
        "TEST_PG_ADMIN",
    )
)


@pytest.fixture(scope="session", autouse=True)
def _only_machine_settings_from_the_environment() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("STACKWISE_") and n not in MACHINE_SETTINGS]:
            patch.delenv(name)
        yield


@pytest.fixture(scope="session")
def esco_fixture_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_esco_fixture(tmp_path_factory.mktemp("esco"))


@pytest.fixture(scope="session")
def vocabulary(esco_fixture_dir: Path) -> EscoVocabulary:
    return load_official(esco_fixture_dir)


@pytest.fixture(scope="session")
def real_esco_dir() -> Path:
    value = os.environ.get("STACKWISE_ESCO_DIR")
    if not value or not (Path(value) / "skills_en.csv").is_file():
        pytest.skip(
            "needs the official ESCO v1.1.1 CSV files: set STACKWISE_ESCO_DIR (make test does when ../shared exists)"
        )
    return Path(value)


@pytest.fixture(scope="session")
def real_vocabulary(real_esco_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> EscoVocabulary:
    return load_official(real_esco_dir, tmp_path_factory.mktemp("esco-cache"))


@pytest.fixture
def small_catalog_path() -> Path:
    return FIXTURES / "catalog_small.yaml"


def _postgres_url() -> Iterator[str]:
    sqlalchemy = pytest.importorskip("sqlalchemy")
    name = f"stackwise_test_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sqlalchemy.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({exc.__class__.__name__})")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'stackwise.db'}"
    else:
        yield from _postgres_url()


@pytest.fixture
def store(database_url: str) -> Iterator[CatalogStore]:
    s = CatalogStore(database_url).open()
    yield s
    s.close()


# -- the bot and the whole running stack (tests/bot, tests/web) ---------------------------------------------


@pytest.fixture(scope="session")
def bot_settings() -> Settings:
    settings = Settings()
    if not (settings.bot_venv / "bin" / "rasa").exists():
        pytest.skip(f"the bot environment is missing ({settings.bot_venv}); `make test` creates it")
    return settings


@pytest.fixture(scope="session")
def bot_model(bot_settings: Settings) -> Path:
    return botrun.ensure_model(bot_settings)


@pytest.fixture(scope="session")
def stack(bot_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`stackwise up` as a user runs it, on free ports and a fresh data directory."""
    try:
        with local_stack(tmp_path_factory.mktemp("stack")) as running:
            yield running
    except StackFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def api_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """`stackwise up --no-bot`: the API and its pages alone, for tests that need no conversation."""
    try:
        with local_stack(tmp_path_factory.mktemp("api-stack"), bot=False) as running:
            yield running
    except StackFailed as exc:
        pytest.fail(str(exc))
