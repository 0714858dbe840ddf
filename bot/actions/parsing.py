"""Pure functions that turn what the learner typed (and what NLU extracted) into API request fields.

Limits with amounts (budget and currency, hours a week, weeks, free, modes) and the skills a message claims or lists
are read by the API (POST /v1/read, see profile.from_reading) in every language. What is left here has no API
equivalent: the course languages a goal names, EQF levels, option numbers and "nothing" answers; the last three read
the learners' words of every language from bot/languages/<lang>/words.yml (languages.Words).
"""

from __future__ import annotations

import re
from typing import Any

from actions.languages import Words, normalise

LANGUAGE_WORDS = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "french": "fr",
    "german": "de",
    "deutsch": "de",
    "italian": "it",
    "portuguese": "pt",
    "dutch": "nl",
    "polish": "pl",
    "finnish": "fi",
    "swedish": "sv",
    "malay": "ms",
    "bahasa melayu": "ms",
    "bahasa malaysia": "ms",
    "bahasa indonesia": "id",
    "bahasa inggris": "en",
    "bahasa": "ms",  # alone, as Malaysians say it; "bahasa indonesia" and the others above take precedence
    "indonesian": "id",
    "greek": "el",
    "czech": "cs",
    "romanian": "ro",
}


def _number(text: str) -> float | None:
    text = text.strip().lower().replace(" ", "")
    scale = 1000.0 if text.endswith("k") else 1.0
    text = text.rstrip("k")
    if re.fullmatch(r"\d{1,3}(,\d{3})+", text):
        text = text.replace(",", "")
    try:
        return float(text.replace(",", ".")) * scale
    except ValueError:
        return None


def eqf(text: str, words: Words) -> int | None:
    """An EQF level said with its word ("EQF 5", "level 6", "tingkat 5", "Niveau 4")."""
    low = normalise(text)
    for word in words.level:
        m = re.search(rf"(?<!\w){re.escape(word)}\s*(\d)(?!\d)", low)
        if m and 1 <= int(m.group(1)) <= 8:
            return int(m.group(1))
    return None


def _language_mentions(text: str) -> list[tuple[int, str]]:
    """(position, code) of every language named; a longer name ("bahasa indonesia") hides the shorter in it."""
    low = text.lower()
    taken: set[int] = set()
    out = []
    for word, code in sorted(LANGUAGE_WORDS.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(rf"\b{word}\b", low):
            if not taken & set(range(*m.span())):
                taken.update(range(*m.span()))
                out.append((m.start(), code))
    return out


def languages(text: str) -> list[str]:
    return sorted({code for _, code in _language_mentions(text)})


# What comes before a language named as the course's language: "courses in German", "taught in English",
# "prefer Bahasa", "auf Deutsch", "pakai bahasa Indonesia". Not "learn Spanish" or "I need German": a goal.
_MEDIUM = re.compile(
    r"(?:\b(?:in|auf|en|em|pakai|memakai|menggunakan|dalam|berbahasa|prefer|preferably|ideally|only)"
    r"|\btaught\s+in)\s+(?:the\s+)?$"
)
# "I teach my classes in English", "fluent in English", "we work in Spanish": the learner's own language use.
_OWN_USE = re.compile(
    r"\b(?:teach|teaching|my|our|fluent|speak|speaking|write|writing|work|working|communicate|negotiate)\s+"
    r"(?:\w+\s+){0,2}in\s+$"
)


def course_languages(text: str) -> list[str]:
    """Languages a goal names as the language to be taught in; a goal that is about a language ("learn
    Spanish", "negotiate in Mandarin" aside) does not limit the courses to those taught in it."""
    low = text.lower()
    return sorted(
        {
            code
            for start, code in _language_mentions(text)
            if _MEDIUM.search(low[:start]) and not _OWN_USE.search(low[:start])
        }
    )


def says_none(text: str | None, words: Words) -> bool:
    """A whole answer meaning "nothing", "skip", "no limits" in any of the bot's languages."""
    return text is None or normalise(text).strip(" .!?,;:'\"") in words.none


# An opening message this long that names no budget, hours or weeks describes a goal, whatever NLU made of it:
# learners open with their situation ("PhD student. My R scripts are a mess ...") more often than with "I want".
GOAL_MIN_WORDS = 6


def reads_as_goal(text: str, reading: dict[str, Any] | None) -> bool:
    """Long enough to be a goal, and neither limits ("5 hours a week, up to 300 euros": the API's reading of the
    message) nor only a list of skills ("I know Excel, SQL and some Python": skills claimed, nothing wanted)."""
    if len(text.split()) < GOAL_MIN_WORDS:
        return False
    r = reading or {}
    if r.get("skills") and not r.get("wants"):
        return False
    return r.get("budget") is None and r.get("hours_per_week") is None and r.get("max_weeks") is None


def answers_skills(text: str, reading: dict[str, Any] | None) -> bool:
    """Whether a message NLU thought off topic still answers "what can you already do?": the API reads items of a
    list in it, and it neither asks something nor says what the learner wants."""
    r = reading or {}
    return bool(r.get("listed")) and not r.get("wants") and not text.rstrip().endswith(("?", "\uff1f"))


def claimed_skills(text: str, tagged: list[str], claims: list[str]) -> list[str]:
    """The skills a message says the learner has: of those NLU tagged, the ones inside a phrase the API read as
    claimed (POST /v1/read `skills`: "I know Excel, SQL and some R" but not what they want to learn or where they
    are); a value NLU normalised ("excell" -> "Excel") that does not stand in the text counts when anything was
    claimed; then the API's phrases NLU tagged nothing in (a language NLU tags less well)."""
    low = text.lower()
    said = [c.lower() for c in claims]
    kept = [s for s in tagged if any(s.lower() in c for c in said) or (bool(said) and s.lower() not in low)]
    rest = [c for c in claims if not any(k.lower() in c.lower() for k in kept)]
    return [*kept, *rest]


def merge(old: list[str] | None, new: list[str]) -> list[str]:
    """Union keeping first-said order, case-insensitive."""
    out: list[str] = []
    seen: set[str] = set()
    for item in [*(old or []), *new]:
        key = item.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out


def option_index(value: str | None, count: int, words: Words) -> int | None:
    """`2`, `second`, `kedua`, `last`, `#3` -> a 0-based index into the shown list, or None when it is not there."""
    if value is None or count == 0:
        return None
    v = normalise(str(value)).lstrip("#").removeprefix("option").strip()
    if v in words.last:
        return count - 1
    number = words.ordinals.get(v)
    if number is None and v.isdigit():
        number = int(v)
    if number is None or not 1 <= number <= count:
        return None
    return number - 1


def number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    m = re.search(r"\d+(?:[.,]\d+)?\s*k?", str(value), re.I)
    return _number(m.group(0)) if m else None
