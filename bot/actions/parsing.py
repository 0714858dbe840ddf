"""Pure functions that turn what the learner typed (and what NLU extracted) into API request fields.

Entity extraction misses things in long, messy messages; these parsers read the raw text as a second source so a
budget or a weekly time limit is not lost because a model did not tag it.
"""

from __future__ import annotations

import re
from typing import Any

CURRENCY_WORDS = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "rm": "MYR",
    "myr": "MYR",
    "ringgit": "MYR",
    "rp": "IDR",
    "idr": "IDR",
    "rupiah": "IDR",
    "sgd": "SGD",
    "php": "PHP",
    "peso": "PHP",
    "pesos": "PHP",
    "chf": "CHF",
    "pln": "PLN",
    "zloty": "PLN",
    "sek": "SEK",
    "kes": "KES",
    "inr": "INR",
    "rupees": "INR",
}
_CUR = r"(€|\$|£|eur|euros?|usd|dollars?|gbp|pounds?|rm|myr|ringgit|rp|idr|rupiah|sgd|php|pesos?|chf|pln|zloty|sek|kes|inr|rupees)"
_NUM = r"(\d+(?:[.,]\d+)?\s*k?)"
_MONEY_BEFORE = re.compile(rf"{_CUR}\s*{_NUM}", re.I)
_MONEY_AFTER = re.compile(rf"{_NUM}\s*{_CUR}\b", re.I)
_MONEY_WORDED = re.compile(rf"(?:budget|max(?:imum)?|up to|under|below|less than|at most|spend)\D{{0,20}}?{_NUM}", re.I)
_HOURS = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:(?:-|to)\s*(\d+(?:[.,]\d+)?)\s*)?(?:h|hrs?|hours?)\b\s*(?:(?:a|per|/|each|every)\s*(?:week|wk)|weekly)",
    re.I,
)
# A number followed by one of these is an amount of time or things, never a price.
_NOT_MONEY = re.compile(
    r"\s*(?:h\b|hrs?\b|hours?|days?|weeks?|wks?|months?|years?|ects|credits?|%|modules?|courses?)", re.I
)
_DURATION = re.compile(r"(\d+(?:[.,]\d+)?)\s*(days?|weeks?|wks?|months?|years?)\b", re.I)
_EQF = re.compile(r"\b(?:eqf|level)\s*(\d)\b", re.I)
_FREE = re.compile(r"\b(free|no cost|without paying|zero budget|no budget)\b", re.I)
_NONE = re.compile(
    r"^\s*(none|no|nope|nothing|n/?a|skip|no limits?|no constraints?|nothing special|not really)\W*$", re.I
)
MODE_WORDS = {
    "online": "online",
    "remote": "online",
    "remotely": "online",
    "virtual": "online",
    "e-learning": "online",
    "distance": "online",
    "onsite": "onsite",
    "on-site": "onsite",
    "on site": "onsite",
    "in person": "onsite",
    "in-person": "onsite",
    "face to face": "onsite",
    "face-to-face": "onsite",
    "on campus": "onsite",
    "classroom": "onsite",
    "blended": "blended",
    "hybrid": "blended",
}
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
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "one": 1,
    "second": 2,
    "2nd": 2,
    "two": 2,
    "third": 3,
    "3rd": 3,
    "three": 3,
    "fourth": 4,
    "4th": 4,
    "four": 4,
    "fifth": 5,
    "5th": 5,
    "five": 5,
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


def currency_code(word: str | None) -> str | None:
    if not word:
        return None
    word = word.strip()
    if re.fullmatch(r"[A-Z]{3}", word):
        return word
    return CURRENCY_WORDS.get(word.lower())


def money(text: str) -> tuple[float | None, str | None]:
    """The most likely price cap in a sentence: `€300`, `300 euros`, `max 300`, `1.5k USD`."""
    for pattern, num_group, cur_group in ((_MONEY_BEFORE, 2, 1), (_MONEY_AFTER, 1, 2)):
        m = pattern.search(text)
        if m:
            return _number(m.group(num_group)), currency_code(m.group(cur_group))
    m = _MONEY_WORDED.search(text)
    if m and not _NOT_MONEY.match(text[m.end(1) :]):
        return _number(m.group(1)), None
    return None, None


def hours_per_week(text: str) -> float | None:
    m = _HOURS.search(text)
    return _number(m.group(2) or m.group(1)) if m else None  # "2-3 hours": the upper end is the limit


def weeks(text: str) -> float | None:
    """A duration in weeks: `3 months` -> 13."""
    for m in _DURATION.finditer(text):
        rest = text[m.end() : m.end() + 12].lower()
        if m.group(2).lower().startswith(("week", "wk")) and re.match(r"\s*(a|per|/|each)\s", rest):
            continue  # "2 hours per week" style: a rate, not a duration
        value = _number(m.group(1))
        if value is None:
            continue
        unit = m.group(2).lower()
        factor = {"d": 1 / 7, "w": 1.0, "m": 4.345, "y": 52.0}[unit[0]]
        return round(value * factor, 1)
    return None


def eqf(text: str) -> int | None:
    m = _EQF.search(text)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 8 else None


def modes(text: str) -> list[str]:
    low = text.lower()
    return sorted({code for word, code in MODE_WORDS.items() if re.search(rf"\b{re.escape(word)}\b", low)})


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


def wants_free(text: str) -> bool:
    return bool(_FREE.search(text))


def says_none(text: str | None) -> bool:
    return text is None or bool(_NONE.match(text))


# Slots whose values the text parser reads together with their unit.
UNIT_SLOTS = frozenset({"budget", "currency", "hours_per_week", "duration"})


def constraints_from_text(text: str) -> dict[str, Any]:
    """Slot values for every limit found in free text; empty when there are none."""
    found: dict[str, Any] = {}
    amount, currency = money(text)
    if amount is not None:
        found["budget"] = f"{amount:g}"
        if currency:
            found["currency"] = currency
    if wants_free(text):
        found["free_only"] = True
    if (h := hours_per_week(text)) is not None:
        found["hours_per_week"] = f"{h:g}"
    if (w := weeks(text)) is not None:
        found["duration"] = f"{w:g} weeks"
    if (level := eqf(text)) is not None:
        found["eqf_level"] = str(level)
    if m := modes(text):
        found["mode"] = m
    if langs := languages(text):
        found["language"] = langs
    return found


# An opening message this long that names no budget, hours or weeks describes a goal, whatever NLU made of it:
# learners open with their situation ("PhD student. My R scripts are a mess ...") more often than with "I want".
GOAL_MIN_WORDS = 6


def reads_as_goal(text: str) -> bool:
    """Long enough to be a goal, and neither limits ("5 hours a week, up to 300 euros") nor a list of skills
    ("I know Excel, SQL and some Python")."""
    if len(text.split()) < GOAL_MIN_WORDS or _LEAD_INS.match(text):
        return False
    amount, _ = money(text)
    return amount is None and hours_per_week(text) is None and weeks(text) is None


def skill_phrases(text: str) -> list[str]:
    """`I know basic Excel, some SQL and project management` -> [`Excel`, `SQL`, `project management`]."""
    phrases: list[str] = []
    for raw in _SPLIT.split(text):
        part = raw.strip(" .!?\"'")
        for _ in range(2):
            part = _LEAD_INS.sub("", part).strip(" .!?\"'")
        part = re.sub(r"^(?:some|basic|a bit of|a little|good|strong|advanced)\s+", "", part, flags=re.I)
        if len(part) >= 2 and not says_none(part) and part.lower() not in {"i", "also", "too", "as well"}:
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


def option_index(value: str | None, count: int) -> int | None:
    """`2`, `second`, `last`, `#3` -> a 0-based index into the shown list, or None when it is not there."""
    if value is None or count == 0:
        return None
    v = str(value).strip().lower().lstrip("#").removeprefix("option").strip()
    if v in {"last", "final", "bottom"}:
        return count - 1
    number = _ORDINALS.get(v)
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
