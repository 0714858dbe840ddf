"""The bot's own environment, its trained model, and a whole running stack (API, action server, Rasa)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stackwise import bot as botrun
from stackwise.devstack import LocalStack, StackFailed, local_stack
from stackwise.settings import Settings


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
