"""The Rasa project itself: its data validates without warnings and every test story passes, in every language.

Test stories are kept one language per file: bot/tests/stories/test_conversations.yml is English and
test_conversations_<lang>.yml holds the stories of <lang> (the code of its folder in bot/languages), so a language's
stories are counted by the file name's suffix."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from stackwise.bot import TRAINING_DATA
from stackwise.settings import Settings

pytestmark = pytest.mark.integration

MIN_STORIES_PER_LANGUAGE = 3
# `[text](entity)` and `[text]{"entity": ..., "value": ...}` -> `text`
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def _stories_dir(settings: Settings) -> Path:
    return settings.bot_dir / "tests" / "stories"


def _story_file(stories: Path, language: str) -> Path:
    return stories / ("test_conversations.yml" if language == "en" else f"test_conversations_{language}.yml")


def _stories(path: Path) -> list[dict]:
    return list((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("stories") or [])


def _plain(text: str) -> str:
    return " ".join(_ANNOTATION.sub(r"\1", text).lower().split())


def _training_examples(bot_dir: Path) -> set[str]:
    examples: set[str] = set()
    for path in [bot_dir / "data" / "nlu.yml", *sorted((bot_dir / "languages").glob("*/nlu.yml"))]:
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(item.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.add(_plain(line.strip()[2:]))
    return examples


def _languages(settings: Settings) -> list[str]:
    """The languages the bot speaks: a folder in bot/languages with its messages.po."""
    return sorted(p.parent.name for p in (settings.bot_dir / "languages").glob("*/messages.po"))


def test_every_language_has_test_stories() -> None:
    """Every language the bot speaks has its own test stories (files only: no bot environment needed)."""
    settings = Settings()
    stories = _stories_dir(settings)
    languages = _languages(settings)
    assert languages
    counts = {lang: len(_stories(f)) if (f := _story_file(stories, lang)).exists() else 0 for lang in languages}
    short = {lang: n for lang, n in counts.items() if n < MIN_STORIES_PER_LANGUAGE}
    assert not short, f"languages with fewer than {MIN_STORIES_PER_LANGUAGE} test stories: {short}"
    unknown = {f.name for f in stories.glob("*.yml")} - {_story_file(stories, lang).name for lang in languages}
    assert not unknown, f"story files named for no language the bot speaks: {sorted(unknown)}"


def test_test_stories_are_not_training_examples() -> None:
    """A user turn of a test story is never an NLU training example (annotations, case and spacing aside), so the
    stories test what the model was not shown. One- and two-word answers ("skip", "ja genau") are exempt: there are
    only so many ways to say them."""
    settings = Settings()
    examples = _training_examples(settings.bot_dir)
    copied = [
        (f.name, turn["user"].strip())
        for f in sorted(_stories_dir(settings).glob("*.yml"))
        for story in _stories(f)
        for turn in story.get("steps") or []
        if "user" in turn and len(_plain(turn["user"]).split()) > 2 and _plain(turn["user"]) in examples
    ]
    assert not copied, copied


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
    """Every story of every language (one file each, see above) passes against the model trained on all of them."""
    stories = _stories_dir(bot_settings)
    languages = _languages(bot_settings)
    for lang in languages:
        path = _story_file(stories, lang)
        assert path.exists() and len(_stories(path)) >= MIN_STORIES_PER_LANGUAGE, f"{lang}: too few test stories"
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
        "--successes",
        cwd=bot_settings.bot_dir,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text()[-4000:] if failed.exists() else done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, detail
    count = sum(len(_stories(f)) for f in stories.glob("*.yml"))
    assert count >= 30 + MIN_STORIES_PER_LANGUAGE * (len(languages) - 1)
    passed = _stories(tmp_path / "successful_test_stories.yml")  # every story of every file was run, and passed
    assert len(passed) == count, (len(passed), count)
