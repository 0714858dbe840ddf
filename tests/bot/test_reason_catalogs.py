"""The API's reasons as data and the bot's words for them: every code the recommender can give has a message in
every language the bot speaks (the bot reaches the API over HTTP only, so nothing else ties the two)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from api.schemas import Explanation
from recommender.pathways import STEP_ENGLISH
from recommender.request import ENGLISH

LANGUAGES_DIR = Path(__file__).resolve().parents[2] / "bot" / "languages"
CATALOGS = sorted(LANGUAGES_DIR.glob("*/messages.po"))
MSGID = re.compile(r'^msgid "([^"]+)"$', re.MULTILINE)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.name)
def test_every_reason_code_has_the_bots_words_in_every_language(path: Path) -> None:
    keys = set(MSGID.findall(path.read_text(encoding="utf-8")))
    assert {f"limit.{code}" for code in ENGLISH} <= keys, {f"limit.{code}" for code in ENGLISH} - keys
    assert {f"step.{code}" for code in STEP_ENGLISH} <= keys, {f"step.{code}" for code in STEP_ENGLISH} - keys
    kinds = get_args(Explanation.model_fields["kind"].annotation)
    assert kinds and {f"reason.{kind}" for kind in kinds} <= keys


def test_the_bot_speaks_ten_languages_here() -> None:
    assert len(CATALOGS) >= 10
