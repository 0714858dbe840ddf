"""The pages' message files (web/i18n/<lang>.json for the chat and share pages, web/i18n/console/<lang>.json for
the adviser console and provider view) and the HTML templates: every language has every key of English with the
same placeholders and no empty text, and no visible text of a template is left outside the message system."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
SETS = {"site": WEB / "i18n", "console": WEB / "i18n" / "console"}
PUBLIC = {"en", "id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt"}  # the chat and share pages
CONSOLE = {"en", "id", "fi"}  # at least; others fall back to English key by key
TEMPLATES = {"index.html": "site", "pathway.html": "site", "adviser.html": "console", "provider.html": "console"}
# Attributes a person reads or hears; each must come from a data-i18n-<attribute> key, never be written in.
READ = ("aria-label", "placeholder", "title", "alt", "label", "aria-description")
EXEMPT = {"script", "style", "code"}  # code: commands, the same in every language
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _messages(folder: Path) -> dict[str, dict[str, str]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}


@pytest.mark.parametrize("name", list(SETS))
def test_every_language_has_the_keys_and_placeholders_of_english(name: str) -> None:
    files = _messages(SETS[name])
    assert set(files) >= (PUBLIC if name == "site" else CONSOLE)
    english = files["en"]
    assert english
    for lang, messages in files.items():
        assert set(messages) == set(english), f"{name}/{lang}.json: {sorted(set(messages) ^ set(english))}"
        for key, text in messages.items():
            assert isinstance(text, str) and text.strip(), f"{name}/{lang}.json: {key} is empty"
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english[key])), (
                f"{name}/{lang}.json: {key} has other placeholders than English: {text!r}"
            )


def test_translations_are_not_english_left_in() -> None:
    """A language file that repeats English for most of its texts was not translated."""
    for name, folder in SETS.items():
        files = _messages(folder)
        english = files["en"]
        for lang, messages in files.items():
            if lang == "en":
                continue
            same = [k for k, v in messages.items() if v == english[k] and len(v) > 12]
            assert len(same) <= 3, f"{name}/{lang}.json repeats English: {same}"


def test_the_language_names_are_their_own() -> None:
    script = (WEB / "static" / "i18n.js").read_text(encoding="utf-8")
    for own in ("Bahasa Indonesia", "Bahasa Melayu", "ไทย", "Tiếng Việt", "Suomi", "Español", "Deutsch", "Français"):
        assert f'"{own}"' in script


class _Template(HTMLParser):
    VOID: ClassVar[frozenset[str]] = frozenset(
        {"meta", "link", "input", "br", "img", "hr", "source", "area", "base", "col", "embed", "wbr"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.loose: list[str] = []  # text written into the template
        self.keys: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for attribute in READ:
            if named.get(attribute) and f"data-i18n-{attribute}" not in named:
                self.loose.append(f"<{tag} {attribute}={named[attribute]!r}>")
        for attribute, value in named.items():
            if attribute == "data-i18n" or (
                attribute.startswith("data-i18n-") and attribute not in ("data-i18n-slot", "data-i18n-picker")
            ):
                self.keys.append(value or "")
        if tag not in self.VOID:
            self.open.append((tag, named))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if not data.strip() or any(tag in EXEMPT for tag, _ in self.open):
            return
        where = self.open[-1][0] if self.open else "document"
        self.loose.append(f"<{where}>{data.strip()!r}")


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_templates_keep_every_visible_text_in_the_message_files(template: str) -> None:
    parser = _Template()
    parser.feed((WEB / template).read_text(encoding="utf-8"))
    assert parser.loose == [], f"{template}: text outside the message files (use data-i18n keys)"
    english = json.loads((SETS[TEMPLATES[template]] / "en.json").read_text(encoding="utf-8"))
    assert parser.keys, template
    assert [k for k in parser.keys if k not in english] == []
    assert "data-i18n-picker" in (WEB / template).read_text(encoding="utf-8"), f"{template} has no language picker"
