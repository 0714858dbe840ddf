"""The catalogs: every key in every language, with the same placeholders, none empty."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from actions import formatting
from actions.languages import Words
from actions.messages import DEFAULT_LANGUAGE, LANGUAGES_DIR, Messages, read_catalog, spoken

LANGUAGES = spoken()

MESSAGES = Messages.load()
ENGLISH = MESSAGES.catalogs[DEFAULT_LANGUAGE]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_key_in_every_language_with_the_same_placeholders(lang: str) -> None:
    catalog = read_catalog(LANGUAGES_DIR / lang / "messages.po")
    assert set(catalog) == set(ENGLISH), (
        f"{lang}: missing {set(ENGLISH) - set(catalog)}, extra {set(catalog) - set(ENGLISH)}"
    )
    for key, text in catalog.items():
        assert text.strip(), f"{lang}: {key} is empty"
        assert _placeholders(text) == _placeholders(ENGLISH[key]), f"{lang}: {key}"


def test_every_key_the_code_uses_is_in_the_catalog() -> None:
    """Keys written as string literals in the actions (v("..."), formatting.say(v, "...")) and the fixed messages
    the simple actions say."""
    prefixes = {k.split(".")[0] for k in ENGLISH}
    used: set[str] = set()
    for path in (Path(__file__).resolve().parents[2] / "actions").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            value = node.value if isinstance(node, ast.Constant) else None
            if (
                isinstance(value, str)
                and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", value)
                and value.split(".")[0] in prefixes
            ):
                used.add(value)
    used |= {"greet", "goodbye", "welcome", "iamabot", "help", "out_of_scope", "goal_examples", "default", "intro"}
    used |= {f"{key}.{form}" for key in ("weeks", "hours") for form in ("one", "other")}
    used |= {f"mode.{m}" for m in ("online", "onsite", "blended", "not_stated")}
    plural = {key for key in used if {f"{key}.one", f"{key}.other"} <= set(ENGLISH)}  # Voice.plural's keys
    assert used - plural - set(ENGLISH) == set()
    assert {title for titles in formatting.BUTTONS.values() for title, _ in titles} <= set(ENGLISH)


def test_a_missing_language_speaks_english_and_catalogs_are_read_only() -> None:
    assert MESSAGES.voice("xx").language == "en" and MESSAGES.voice(None).language == "en"
    with pytest.raises(TypeError):
        MESSAGES.catalogs["en"]["greet"] = "changed"  # type: ignore[index]


def test_every_language_names_every_language_in_its_switch_phrases() -> None:
    words = Words.load()
    targets = {lang for _, lang in words.switch}
    assert targets == set(LANGUAGES)
    assert words.requested("can we continue in English?") == "en"
    assert words.requested("bisa pakai bahasa Indonesia?") == "id"
    assert words.requested("voidaanko jatkaa suomeksi") == "fi"
    assert words.requested("พูดภาษาไทยได้ไหม") == "th"
    assert words.requested("Können wir auf Deutsch weitermachen?") == "de"
    assert words.requested("courses in German please") is None  # the courses' language, not the conversation's
    assert words.requested("I teach my classes in English") is None


def test_the_languages_spoken_are_the_folders_with_a_catalog_english_first() -> None:
    assert LANGUAGES[0] == DEFAULT_LANGUAGE
    assert set(LANGUAGES) == {p.parent.name for p in LANGUAGES_DIR.glob("*/messages.po")}
    assert {"en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt"} <= set(LANGUAGES)


@pytest.mark.parametrize(
    ("lang", "one", "three"),
    [
        ("en", "Here is 1 option:", "Here are 3 options:"),
        ("fi", "Tässä 1 vaihtoehto:", "Tässä 3 vaihtoehtoa:"),
        ("de", "Hier ist 1 Angebot:", "Hier sind 3 Angebote:"),
        ("id", "Ini 1 pilihan untukmu:", "Ini 3 pilihan untukmu:"),  # no plural forms
    ],
)
def test_a_count_picks_the_languages_plural_form(lang: str, one: str, three: str) -> None:
    v = MESSAGES.voice(lang)
    assert (v.counted("results.intro", 1), v.counted("results.intro", 3)) == (one, three)
