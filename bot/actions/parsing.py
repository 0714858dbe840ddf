"""Pure functions that turn what the learner typed (and what NLU extracted) into API request fields.

Limits with amounts (budget and currency, hours a week, weeks, free, modes) are read by the API (POST /v1/read,
see profile.from_reading) in every language. What is left here has no API equivalent: skill phrases, the course
languages a goal names, EQF levels, option numbers and "nothing" answers; the last three read the learners' words
of every language from bot/languages/<lang>/words.yml (languages.Words).
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
_LEAD_INS = re.compile(
    r"^\s*(?:actually|also|oh|and|well|yes|yeah|ok(?:ay)?|so|i forgot|btw|by the way)?[\s,]*"
    r"(?:i\s+(?:already\s+|also\s+)?(?:know|can|use|used|have|did|do|am good at|work(?:ed)? with|speak)"
    r"(?:\s+(?:some|basic|a bit of|a little|experience (?:with|in)|knowledge of|skills in))?"
    r"|(?:my )?skills?(?: are| is)?:?|experience (?:with|in))\s+",
    re.I,
)
_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|\bplus\b|\bas well as\b|\n|\.\s)\s*", re.I)


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
    message) nor a list of skills ("I know Excel, SQL and some Python")."""
    if len(text.split()) < GOAL_MIN_WORDS or _LEAD_INS.match(text):
        return False
    r = reading or {}
    return r.get("budget") is None and r.get("hours_per_week") is None and r.get("max_weeks") is None


def skill_phrases(text: str, words: Words) -> list[str]:
    """`I know basic Excel, some SQL and project management` -> [`Excel`, `SQL`, `project management`]."""
    phrases: list[str] = []
    for raw in _SPLIT.split(text):
        part = raw.strip(" .!?\"'")
        for _ in range(2):
            part = _LEAD_INS.sub("", part).strip(" .!?\"'")
        part = re.sub(r"^(?:some|basic|a bit of|a little|good|strong|advanced)\s+", "", part, flags=re.I)
        if len(part) >= 2 and not says_none(part, words) and part.lower() not in {"i", "also", "too", "as well"}:
            phrases.append(part)
    return phrases


# Words by which a learner claims a skill ("I know", "experienced in", "good Excel skills"; some of the catalog's
# other languages too), and words that start saying what they want instead.
_CLAIM = re.compile(
    r"\b(?:i(?:'ve| have)?\s+(?:already\s+|also\s+)?(?:use|used|work(?:ed)? with|done|do|did|speak|can)"
    r"|know|knows|knew|knowledge|experience[ds]?|background|familiar|skills?|skilled|proficient|fluent"
    r"|(?:good|strong|comfortable|confident) (?:at|with|in)|trained|certified|degree|expert"
    r"|bisa|paham|menguasai|conozco|domino|manejo|sé|conheço|sei usar|je connais|je maîtrise"
    r"|ich kann|kenne|beherrsche)\b",
    re.I,
)
_WISH = re.compile(
    r"\b(?:want|wanna|would like|'d like|like to|need|hope|plan|aim|become|move|switch|transition|get into"
    r"|learn|looking|help|start|grow|improve|mau|ingin|quiero|quero|je veux|ich möchte|ich will)\b",
    re.I,
)
_SENTENCE = re.compile(r"[.;!?\n]+")
_SEGMENT = re.compile(
    r",|\b(?:and|but|so)\b(?=\s+(?:i\s+|i'd\s+|i'm\s+)?(?:want|would|'d|need|hope|plan|am|looking))", re.I
)


def claimed_skills(text: str, tagged: list[str]) -> list[str]:
    """Of the skills NLU tagged in a message, those the learner says they have. In a goal ("I own a bakery and want
    to use social media for my local business") NLU also tags what they want to learn and where they are; a skill
    counts when it stands in a part that claims it ("I know Excel, SQL and some R"), up to where a wish starts."""
    claimed: list[str] = []
    for sentence in _SENTENCE.split(text):
        carrying = False
        for part in _SEGMENT.split(sentence):
            claim, wish = _CLAIM.search(part), _WISH.search(part)
            carrying = bool(claim and (not wish or claim.start() < wish.start())) or (carrying and not wish)
            if carrying:
                claimed.append(part.lower())
    low = text.lower()
    # A value NLU normalised ("excell" -> "Excel") may not stand in the text: it counts when anything was claimed.
    return [s for s in tagged if any(s.lower() in part for part in claimed) or (bool(claimed) and s.lower() not in low)]


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
