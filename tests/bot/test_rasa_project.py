"""The Rasa project itself: its data validates without warnings and every test story passes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from stackwise.bot import TRAINING_DATA
from stackwise.settings import Settings

pytestmark = pytest.mark.integration


def _rasa(settings: Settings, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(settings.bot_venv / "bin" / "rasa"), *args],
        cwd=cwd,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=1200,
    )


def test_data_validates_cleanly(bot_settings: Settings) -> None:
    data = ("--data", *TRAINING_DATA)  # the English data and every language's folder, as training reads them
    done = _rasa(bot_settings, "data", "validate", *data, "--fail-on-warnings", cwd=bot_settings.bot_dir)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_every_test_story_passes(bot_settings: Settings, bot_model: Path, tmp_path: Path) -> None:
    stories = bot_settings.bot_dir / "tests" / "stories"
    assert len(list(stories.glob("*.yml"))) >= 1
    done = _rasa(
        bot_settings,
        "test",
        "core",
        "--model",
        str(bot_model),
        "--stories",
        str(stories),
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
        cwd=bot_settings.bot_dir,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text()[-4000:] if failed.exists() else done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, detail
    count = sum(line.startswith("- story:") for f in stories.glob("*.yml") for line in f.read_text().splitlines())
    assert count >= 30
