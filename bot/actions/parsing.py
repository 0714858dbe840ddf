"""Pure functions that turn what the learner typed (and what NLU extracted) into API request fields.

Limits with amounts (budget and currency, hours a week, weeks, free, modes) and the skills a message claims or lists
and the languages it names or asks its courses in are read by the API (POST /v1/read, see profile.from_reading) in
every language. What is left here has no API equivalent: EQF levels, option numbers and "nothing" answers, read from
the learners' words of every language in bot/languages/<lang>/words.yml (languages.Words).
"""

from __future__ import annotations

import re
from typing import Any

from actions.languages import Words, normalise


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


def says_none(text: str | None, words: Words) -> bool:
    """A whole answer meaning "nothing", "skip", "no limits" in any of the bot's languages."""
    return text is None or normalise(text).strip(" .!?,;:'\"") in words.none


# An opening message this long that names no budget, hours or weeks (or names them beside a wish) describes a goal,
# whatever NLU made of it: learners open with their situation ("PhD student. My R scripts are a mess ...") more
# often than with "I want", and NLU scores a goal said with its limits as limits.
GOAL_MIN_WORDS = 6
WANT_MIN_LETTERS = 10  # a wish said beside limits that long names a goal ("feridas crónicas"), not a taste ("cheap")


def reads_as_goal(text: str, reading: dict[str, Any] | None) -> bool:
    """Long enough to be a goal, and neither only limits ("5 hours a week, up to 300 euros": the API's reading of
    the message) nor only a list of skills ("I know Excel, SQL and some Python": skills claimed, nothing wanted). A
    message that states limits is a goal too when it also says what the learner wants, at some length ("sou
    enfermeira e quero atualizar-me no tratamento de feridas crónicas, online, até 400 euros"), not "cheap"."""
    if len(text.split()) < GOAL_MIN_WORDS:
        return False
    r = reading or {}
    if r.get("skills") and not r.get("wants"):
        return False
    if r.get("budget") is None and r.get("hours_per_week") is None and r.get("max_weeks") is None:
        return True
    return sum(ch.isalpha() for want in r.get("wants") or () for ch in want) >= WANT_MIN_LETTERS


def asks(text: str) -> bool:
    """Whether the message is a question (its question mark, in Latin or full-width script)."""
    return text.rstrip().endswith(("?", "\uff1f"))


def answers_skills(text: str, reading: dict[str, Any] | None) -> bool:
    """Whether a message NLU thought off topic still answers "what can you already do?": the API reads items of a
    list in it, and it neither asks something nor says what the learner wants."""
    r = reading or {}
    return bool(r.get("listed")) and not r.get("wants") and not asks(text)


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
