"""Which language the conversation is in.

In order of strength: the learner asked for one ("can we continue in English?", "bisa pakai bahasa Indonesia?");
the learner writes in one (the API's reading of the message, POST /v1/read: an Indonesian smallholder on an
English page is answered in Indonesian); the page the widget sits on says one (message metadata `language`, or
`customData.language`), which is how a conversation starts and what a message too short to tell keeps. A
language the learner asked for or wrote in is kept until they ask for or write in another; a new conversation
without a page language starts in English.

The requests to switch are data: bot/languages/<lang>/words.yml lists, for learners writing <lang>, the phrases
that ask for a language (`{language}` stands for one of its names in that file), with the other words the actions
read (option ordinals, "nothing", "level").
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from actions.messages import DEFAULT_LANGUAGE, LANGUAGES_DIR, spoken

# Where the current language came from; a weaker source never overrides a stronger one.
SWITCH, PAGE, DETECTED, DEFAULT = "switch", "page", "detected", "default"


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Words:
    """The learners' words the actions read, from every language's words.yml: requests to switch language
    ((phrase, language) pairs, longest first, matched inside the normalised message), option ordinals, words for
    the last option, whole answers that mean "nothing", and words before an EQF level."""

    switch: tuple[tuple[str, str], ...]
    ordinals: Mapping[str, int]
    last: frozenset[str]
    none: frozenset[str]
    level: tuple[str, ...]
    greetings: tuple[tuple[str, frozenset[str]], ...] = ()  # per language, its greetings without spaces

    @classmethod
    def load(cls, folder: Path = LANGUAGES_DIR, languages: Iterable[str] | None = None) -> Words:
        languages = spoken(folder) if languages is None else tuple(languages)
        switch: dict[str, str] = {}
        ordinals: dict[str, int] = {}
        last: set[str] = set()
        none: set[str] = set()
        level: set[str] = set()
        greetings: list[tuple[str, frozenset[str]]] = []
        for lang in languages:
            path = folder / lang / "words.yml"
            table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            names: Mapping[str, list[str]] = table.get("names") or {}
            for target in names:
                if target not in languages:
                    raise ValueError(f"{path}: {target!r} is not one of the bot's languages {languages}")
            for phrase in table.get("switch") or []:
                for target, words in names.items():
                    for word in words:
                        switch.setdefault(normalise(phrase.format(language=word)), target)
            ordinals.update({normalise(str(k)): int(n) for k, n in (table.get("ordinals") or {}).items()})
            last.update(normalise(str(w)) for w in table.get("last") or [])
            none.update(normalise(str(w)) for w in table.get("none") or [])
            level.update(normalise(str(w)) for w in table.get("level") or [])
            greetings.append((lang, frozenset(_letters(str(w)) for w in table.get("greetings") or [])))
        return cls(
            tuple(sorted(switch.items(), key=lambda kv: -len(kv[0]))),
            MappingProxyType(ordinals),
            frozenset(last),
            frozenset(none),
            tuple(sorted(level, key=len, reverse=True)),
            tuple(greetings),
        )

    def requested(self, text: str) -> str | None:
        """The language a message asks the conversation to go on in, or None."""
        said = normalise(text)
        for phrase, target in self.switch:
            if phrase in said:
                return target
        return None

    def greeted_in(self, text: str) -> str | None:
        """The language of a message made only of greetings ("hola!", "Hai, apa khabar?", "สวัสดีครับ"): the first
        language, in the bot's order, whose greetings make up the whole of it; None for anything else."""
        said = _letters(text)
        if not said:
            return None
        for lang, phrases in self.greetings:
            if phrases and _made_of(said, phrases):
                return lang
        return None


def _letters(text: str) -> str:
    """Letters and digits only, casefolded: greetings compare without spaces and punctuation (Thai has no spaces)."""
    return "".join(ch for ch in normalise(text) if ch.isalnum())


def _made_of(text: str, phrases: frozenset[str]) -> bool:
    """Whether `text` is a run of `phrases` (each may repeat), read from the start."""
    ends = {0}
    for i in range(len(text)):
        if i in ends:
            ends.update(i + len(p) for p in phrases if p and text.startswith(p, i))
    return len(text) in ends


def supported(code: Any) -> str | None:
    """`pt-BR` -> `pt`; None for a language the bot does not speak."""
    if not isinstance(code, str) or not code.strip():
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in spoken() else None


def page_language(*metadata: Any) -> str | None:
    """The front end's language: `metadata.language` (the widget's customData read as metadata) or
    `metadata.customData.language`; the first of the given metadata that names a supported one."""
    for meta in metadata:
        if not isinstance(meta, Mapping):
            continue
        custom = meta.get("customData")
        for value in (meta.get("language"), custom.get("language") if isinstance(custom, Mapping) else None):
            if found := supported(value):
                return found
    return None


# Letters a message needs before its detected language may move a conversation already in another language: short
# answers ("Google Classroom, Word", "Hei", "redes e Linux") are names, loanwords or greetings shared by several
# languages, and detectors read them wrongly.
SWITCH_MIN_LETTERS = 25


def tells_language(text: str) -> bool:
    """Whether the message is long enough for its detected language to count against the conversation's."""
    return sum(ch.isalpha() for ch in text) >= SWITCH_MIN_LETTERS


def choose(
    current: str | None, source: str | None, switch: str | None, page: str | None, detected: str | None
) -> tuple[str, str]:
    """(language, source) after one message."""
    if switch:
        return switch, SWITCH
    if current and source == SWITCH:
        return current, SWITCH
    if detected:
        return detected, DETECTED
    if current and source == DETECTED:  # "ok", "2", "Excel": too short to tell, the conversation goes on as it was
        return current, DETECTED
    if page:
        return page, PAGE
    return current or DEFAULT_LANGUAGE, source or DEFAULT
