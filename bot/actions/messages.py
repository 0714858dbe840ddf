"""Everything the bot says, from one gettext catalog per language (bot/languages/<lang>/messages.po).

The msgid is a stable key (`greet`, `results.intro`), the msgstr the text with `{name}` placeholders. The catalogs
are read once, when the action server imports the actions (`Messages.load()`); a `Voice` is that lookup for one
conversation's language, with Babel's numbers, prices, lists and names for the same locale.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal

# The default language, and the fallback for a missing message.
DEFAULT_LANGUAGE = "en"
LANGUAGES_DIR = Path(__file__).resolve().parents[1] / "languages"


@functools.cache
def spoken(folder: Path = LANGUAGES_DIR) -> tuple[str, ...]:
    """The languages the advisor speaks: every folder holding a messages.po (a new language is a new folder),
    the default first."""
    found = sorted(p.parent.name for p in folder.glob("*/messages.po"))
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


def read_catalog(path: Path) -> dict[str, str]:
    """key -> text of one messages.po (the header entry, with an empty key, left out)."""
    with path.open("rb") as f:
        catalog = read_po(f)
    return {str(m.id): str(m.string) for m in catalog if m.id}


@dataclass(frozen=True)
class Messages:
    """The catalogs of every language, read-only."""

    catalogs: Mapping[str, Mapping[str, str]]
    locales: Mapping[str, Locale] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path = LANGUAGES_DIR, languages: Iterable[str] | None = None) -> Messages:
        codes = spoken(folder) if languages is None else languages
        catalogs = {lang: MappingProxyType(read_catalog(folder / lang / "messages.po")) for lang in codes}
        return cls(MappingProxyType(catalogs), MappingProxyType({lang: Locale.parse(lang) for lang in catalogs}))

    def voice(self, language: str | None) -> Voice:
        return Voice(self, language if language in self.catalogs else DEFAULT_LANGUAGE)

    def text(self, language: str, key: str) -> str:
        found = self.catalogs[language].get(key) or self.catalogs[DEFAULT_LANGUAGE].get(key)
        if found is None:
            raise KeyError(f"no message {key!r} in bot/languages/{DEFAULT_LANGUAGE}/messages.po")
        return found


@dataclass(frozen=True)
class Voice:
    """The bot's messages in one language: `voice("greet")`, `voice.counted("results.intro", 3)`, and numbers,
    prices and names formatted for that language's locale."""

    messages: Messages
    language: str

    @property
    def locale(self) -> Locale:
        return self.messages.locales[self.language]

    def __call__(self, key: str, **values: Any) -> str:
        return self.messages.text(self.language, key).format(**values)

    def has(self, key: str) -> bool:
        """Whether the catalogs word this key: codes the API adds later than the bot are left out, not guessed."""
        return key in self.messages.catalogs[DEFAULT_LANGUAGE]

    def number(self, value: float) -> str:
        return format_decimal(value, locale=self.locale)

    def counted(self, key: str, count: int, **values: Any) -> str:
        """`results.intro` with count=1 -> `results.intro.one` ("Here is 1 option"), else `.other`, as the
        locale's plural rule says; `{count}` formatted for the locale."""
        form = "one" if self.locale.plural_form(count) == "one" else "other"
        return self(f"{key}.{form}", count=self.number(count), **values)

    def plural(self, key: str, value: float) -> str:
        """`weeks` -> the message `weeks.one` or `weeks.other`, whichever the locale's plural rule picks."""
        form = "one" if self.locale.plural_form(value) == "one" else "other"
        return self(f"{key}.{form}", n=self.number(value))

    def money(self, amount: float, currency: str) -> str:
        """The locale's currency format (`€100`, `100 €`, `Rp3.000.000`), without decimals for a whole amount."""
        pattern = self.locale.currency_formats["standard"].pattern
        if float(amount).is_integer():
            return format_currency(
                amount, currency, format=pattern.replace(".00", ""), locale=self.locale, currency_digits=False
            )
        return format_currency(amount, currency, locale=self.locale)

    def date(self, iso: str) -> str:
        """An ISO date the way the locale writes it in a sentence ("1. maaliskuuta 2027", "1 มีนาคม ค.ศ. 2027")."""
        return format_date(dt.date.fromisoformat(iso), format="long", locale=self.locale)

    def and_list(self, items: Iterable[str]) -> str:
        listed = list(items)
        return format_list(listed, locale=self.locale) if listed else ""

    def or_list(self, items: Iterable[str]) -> str:
        listed = list(items)
        return format_list(listed, style="or", locale=self.locale) if listed else ""

    def language_name(self, code: str) -> str:
        return str(self.locale.languages.get(code.lower(), code))

    def country_name(self, code: str) -> str:
        return str(self.locale.territories.get(code.upper(), code))

    def mode(self, mode: str | None) -> str:
        return self(f"mode.{mode}") if mode in {"online", "onsite", "blended"} else self("mode.not_stated")
