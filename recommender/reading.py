"""What a learner's chat message says about its limits: its language, a budget, free courses only, hours a week,
the weeks they have, and online or onsite study.

Amounts and durations come from Duckling (the pyduckling-native wheel) in the languages it reads; what it misses
(Thai baht, "5 jam seminggu", Finnish "3 kuukaudessa", "2tr") comes from one rule table per language,
recommender/data/reading/<lang>.yaml, which also says which words mean "per week", "within", "free" and each mode.
A new language is a new file, never a branch in this code; the code only knows digits and punctuation. Every front
end (the bot, the widget, integrations) asks this one reader, through POST /v1/read.
"""

from __future__ import annotations

import functools
import re
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml

from knowledge import currency as fx
from recommender import language as languages
from recommender.lexical import function_words, thai_words

READING_DIR = Path(__file__).parent / "data" / "reading"
COMMON_FILE = "common.yaml"
# Seconds in each unit a table may name; a month and a year as Duckling counts them, so both sources agree.
UNIT_SECONDS: dict[str, int] = {
    "minute": 60,
    "hour": 3600,
    "day": 86400,
    "week": 604800,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
WEEK = UNIT_SECONDS["week"]
DAY = UNIT_SECONDS["day"]
DAYS_PER_WEEK = 7  # "2 hours a day" is at most 14 hours a week
RATE_GAP = 24  # characters between a number of hours and "per week": "5 hours of study per week"
WITHIN_GAP = 20  # ... between "within" and the duration: "in the next 3 months"
BUDGET_GAP = 30  # ... between "budget" and its amount: "budget saya untuk kursus 3 juta"
DUCKLING_DIMENSIONS = ["amount-of-money", "duration"]

# Numerals in digits, as every one of the languages writes them: "5000", "5.000", "5,000", "1,200.50", "1.5".
# A group of exactly three digits after the separator is thousands (money is never written with three decimals).
_NUMBER = r"(?<![\d.,])(?:\d{1,3}(?:[.,\u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d+(?:[.,]\d+)?)"
_GROUPED = re.compile(r"(\d{1,3}(?:([.,\u00a0\u202f])\d{3})(?:\2\d{3})*)(?:([.,])(\d{1,2}))?")
# Where one fact ends and the next begins, in every language: Duckling reads no further.
_SEPARATORS = re.compile(r"[;:!?\n()\[\]]|[,.](?=\s|$)")
_BREAK = re.compile(r"[\d,;:.!?\n]")  # a gap that holds one of these separates two facts


class ReadingTableError(ValueError):
    """A rule table that cannot work: names the file, the key and the value."""


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str | None  # ISO 4217; None when the message does not say it


@dataclass(frozen=True, slots=True)
class Reading:
    """The limits a message states; None (or False, or empty) for what it does not say."""

    language: str | None
    budget: Money | None
    free_only: bool
    hours_per_week: float | None
    max_weeks: int | None
    modes: tuple[str, ...]  # among online, onsite, blended, in that order
    default_currency: str | None  # the currency the language's speakers most likely mean
    # Skills, limits left out: those the message says the learner has ("I know Excel and some SQL, but I want to
    # learn Python": Excel, SQL), and the whole message read as an answer to "what can you already do?" (every
    # item of its list up to a wish: "Excel, Word, max 5 hours a week" is Excel and Word).
    skills: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()  # what the parts after a wish name ("... I want to learn Python": Python)
    # Languages: those the message names ("in Spanish", "ภาษาไทย", "suomeksi"), and those it asks its courses to be
    # taught in ("courses in German please"; not "learn Spanish" nor "I teach in English").
    languages_named: tuple[str, ...] = ()
    taught_in: tuple[str, ...] = ()
    # The message without the limits it states ("..., online, anggaran 3 juta rupiah" cut): what it is about, the
    # text to rank courses against (limit words there pulled up e-commerce courses for a smallholder's goal).
    topic: str = ""


# -- rule tables ---------------------------------------------------------------------------------------------------

_KEYS = {
    "language",
    "duckling",
    "default_currency",
    "spaced",
    "currencies",
    "multipliers",
    "budget_words",
    "duration_units",
    "weekly",
    "daily",
    "within",
    "within_after",
    "conjunctions",
    "free",
    "not_free",
    "modes",
    "not_modes",
    "skill_claims",
    "skill_wishes",
    "skill_fillers",
    "list_words",
}
MODES = ("online", "onsite", "blended")
UNTOLD = ""  # an amount's currency when the word said with it names none ("pesos")


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _phrase(words: str, spaced: bool, left: bool = True) -> str:
    """A phrase as a pattern: any run of spaces between its words; in a spaced language not inside another word
    (digits may follow: "RM500", "Rp500")."""
    body = r"\s+".join(re.escape(w) for w in words.split())
    if spaced and left and words[0].isalnum():
        body = r"(?<!\w)" + body
    if spaced and words[-1].isalnum():
        body += r"(?![^\W\d_])"
    return body


def _alternation(words: Iterable[str], spaced: bool, left: bool = True) -> str | None:
    unique = sorted({w for w in words if w.strip()}, key=len, reverse=True)  # longest first: "per minggu" > "per"
    return "(?:" + "|".join(_phrase(w, spaced, left) for w in unique) + ")" if unique else None


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern, re.IGNORECASE) if pattern else None


@dataclass(frozen=True, eq=False)  # hashed by identity: one per language per reader
class LanguageRules:
    """One language's table, compiled."""

    code: str
    duckling: str | None
    default_currency: str | None
    currencies: dict[str, str | None]
    multipliers: dict[str, tuple[float, bool]]  # word → (factor, an amount of money on its own)
    units: dict[str, tuple[str, bool]]  # word → (unit, means "within" itself)
    amount_before: re.Pattern[str]  # "RM500", "Rp 500rb", "€300"
    amount_after: re.Pattern[str]  # "3 juta rupiah", "5,000 บาท", "300 EUR"
    slang: re.Pattern[str] | None  # "2tr", "500rb": money in the default currency
    budget: re.Pattern[str] | None  # "budget saya 3 juta": an amount, currency not said
    duration: re.Pattern[str] | None  # "5 jam", "3 kuukaudessa"
    weekly: re.Pattern[str] | None
    daily: re.Pattern[str] | None
    within: re.Pattern[str] | None
    within_after: re.Pattern[str] | None
    conjunctions: re.Pattern[str] | None
    free: re.Pattern[str] | None
    not_free: re.Pattern[str] | None
    modes: dict[str, re.Pattern[str]]
    not_modes: re.Pattern[str] | None
    spaced: bool = True
    skill_claims: re.Pattern[str] | None = None  # "I know", "saya bisa", "osaan": the learner has what follows
    skill_wishes: re.Pattern[str] | None = None  # "I want", "mau belajar": what follows is wanted, not had
    skill_fillers: re.Pattern[str] | None = None  # "some", "basic", "sedikit": how much, not which skill
    list_words: re.Pattern[str] | None = None  # "and", "plus", "dan", "sekä": join the items of a list
    limit_words: frozenset[str] = frozenset()  # the words of the limit phrases, left over around an amount
    limit_phrases: frozenset[str] = frozenset()  # the same phrases whole ("tối đa"), for languages not trimmed by word

    def currency(self, word: str) -> str | None:
        """The ISO code a currency word or sign names; an ISO code itself ("SGD", matched in capitals) is its own."""
        code = word.strip()
        return self.currencies.get(_key(word), code if fx.is_known(code) else None)

    def number(self, match: re.Match[str]) -> float:
        value = parse_number(match.group("num"))
        mult = match.groupdict().get("mult")
        return value * self.multipliers[_key(mult)][0] if mult else value


def _fail(path: Path, where: str, message: str) -> ReadingTableError:
    return ReadingTableError(f"{path}: {where}: {message}")


def _currency_code(path: Path, where: str, code: Any) -> str | None:
    if code is None:
        return None
    if not isinstance(code, str) or not fx.is_known(code):
        raise _fail(path, where, f"{code!r} is not a currency knowledge.currency knows; use an ISO 4217 code it lists")
    return code


def _words(path: Path, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        raise _fail(path, key, "must be a list of words or phrases")
    return value


def compile_rules(path: Path, data: dict[str, Any], common: dict[str, Any]) -> LanguageRules:
    """A language's table, checked (unknown keys, currencies and units fail with the file and key) and compiled."""
    unknown = set(data) - _KEYS
    if unknown:
        raise _fail(path, ", ".join(sorted(unknown)), f"unknown key(s); known: {', '.join(sorted(_KEYS))}")
    code = data.get("language")
    if code != path.stem:
        raise _fail(path, "language", f"{code!r} must be the file's name, {path.stem!r}")
    spaced = bool(data.get("spaced", True))
    currencies: dict[str, str | None] = {}
    for source, table in (
        ("common.yaml currencies", common.get("currencies") or {}),
        ("currencies", data.get("currencies") or {}),
    ):
        for word, iso in table.items():
            currencies[_key(str(word))] = _currency_code(path, f"{source}.{word}", iso)
    multipliers: dict[str, tuple[float, bool]] = {}
    for word, spec in (data.get("multipliers") or {}).items():
        factor, money = (spec.get("factor"), bool(spec.get("money"))) if isinstance(spec, dict) else (spec, False)
        if not isinstance(factor, int | float) or factor <= 0:
            raise _fail(path, f"multipliers.{word}", f"{factor!r} must be a number > 0")
        multipliers[_key(str(word))] = (float(factor), money)
    units: dict[str, tuple[str, bool]] = {}
    for word, spec in (data.get("duration_units") or {}).items():
        unit, within = (spec.get("unit"), bool(spec.get("within"))) if isinstance(spec, dict) else (spec, False)
        if unit not in UNIT_SECONDS:
            raise _fail(path, f"duration_units.{word}", f"{unit!r} must be one of {', '.join(UNIT_SECONDS)}")
        units[_key(str(word))] = (unit, within)
    modes = data.get("modes") or {}
    if set(modes) - set(MODES):
        raise _fail(path, "modes", f"modes are {', '.join(MODES)}")

    # ISO codes are read in capitals only ("300 EUR"): in lower case some are words ("try", "all").
    iso = "(?-i:" + "|".join(sorted(fx.EUR_RATES)) + r")(?![^\W\d_])"
    words = _alternation(currencies, spaced, left=True) or "(?!)"
    after_words = _alternation(currencies, spaced, left=False) or "(?!)"
    mult = _alternation(multipliers, spaced, left=False)
    mult_part = rf"(?:\s*(?P<mult>{mult}))?" if mult else ""
    money_mult = _alternation([w for w, (_, money) in multipliers.items() if money], spaced, left=False)
    budget_words = _alternation(_words(path, data, "budget_words"), spaced)
    unit_words = _alternation(units, spaced, left=False)
    return LanguageRules(
        code=code,
        duckling=data.get("duckling"),
        default_currency=_currency_code(path, "default_currency", data.get("default_currency")),
        currencies=currencies,
        multipliers=multipliers,
        units=units,
        amount_before=re.compile(rf"(?P<cur>{words}|(?<!\w){iso})\.?\s*(?P<num>{_NUMBER}){mult_part}", re.IGNORECASE),
        amount_after=re.compile(rf"(?P<num>{_NUMBER}){mult_part}\s*(?P<cur>{after_words}|{iso})", re.IGNORECASE),
        slang=_compile(rf"(?P<num>{_NUMBER})\s*(?P<mult>{money_mult})" if money_mult else None),
        budget=_compile(
            rf"{budget_words}[^\d,;:.!?\n]{{0,{BUDGET_GAP}}}?(?P<num>{_NUMBER}){mult_part}" if budget_words else None
        ),
        duration=_compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>{unit_words})" if unit_words else None),
        weekly=_compile(_alternation(_words(path, data, "weekly"), spaced)),
        daily=_compile(_alternation(_words(path, data, "daily"), spaced)),
        within=_compile(_alternation(_words(path, data, "within"), spaced)),
        within_after=_compile(_alternation(_words(path, data, "within_after"), spaced)),
        conjunctions=_compile(_alternation(_words(path, data, "conjunctions"), spaced)),
        free=_compile(_alternation(_words(path, data, "free"), spaced)),
        not_free=_compile(_alternation(_words(path, data, "not_free"), spaced)),
        modes={
            mode: pattern
            for mode in MODES
            if (pattern := _compile(_alternation(_words(path, modes, mode), spaced))) is not None
        },
        not_modes=_compile(_alternation(_words(path, data, "not_modes"), spaced)),
        spaced=spaced,
        skill_claims=_compile(_alternation(_words(path, data, "skill_claims"), spaced)),
        skill_wishes=_compile(_alternation(_words(path, data, "skill_wishes"), spaced)),
        skill_fillers=_compile(_alternation(_words(path, data, "skill_fillers"), spaced)),
        list_words=_compile(_alternation(_words(path, data, "list_words"), spaced)),
        limit_words=frozenset(
            languages.fold(word)
            for key in ("budget_words", "weekly", "daily", "within", "within_after", "conjunctions", "free")
            for phrase in _words(path, data, key)
            for word in phrase.split()
        )
        | frozenset(languages.fold(w) for table in (currencies, multipliers, units) for k in table for w in k.split())
        | frozenset(
            languages.fold(w) for mode in MODES for phrase in _words(path, modes, mode) for w in phrase.split()
        ),
        limit_phrases=frozenset(
            languages.fold(phrase)
            for key in ("budget_words", "weekly", "daily", "within", "within_after", "conjunctions", "free")
            for phrase in _words(path, data, key)
        ),
    )


def load_tables(directory: Path = READING_DIR) -> tuple[dict[str, LanguageRules], dict[str, str]]:
    """Every language's rules (one <code>.yaml each) and the Duckling units that are not ISO codes."""
    common_path = directory / COMMON_FILE
    common: dict[str, Any] = yaml.safe_load(common_path.read_text(encoding="utf-8")) or {}
    units = {str(k): v for k, v in (common.get("duckling_units") or {}).items()}
    for unit, code in units.items():
        _currency_code(common_path, f"duckling_units.{unit}", code)
    tables: dict[str, LanguageRules] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == COMMON_FILE:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise _fail(path, "/", "must be a mapping of the keys documented in en.yaml")
        tables[path.stem] = compile_rules(path, data, common)
    return tables, units


def parse_number(text: str) -> float:
    """Digits as written in any of the languages: "5.000" and "5,000" are five thousand, "1,5" and "1.5" one and
    a half."""
    m = _GROUPED.fullmatch(text)
    if m and m.group(3) != m.group(2):
        whole = re.sub(r"\D", "", m.group(1))
        return float(f"{whole}.{m.group(4)}" if m.group(4) else whole)
    return float(text.replace(",", ".").replace("\u00a0", "").replace("\u202f", ""))


# -- reading -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    rank: int  # which source wins a tie: Duckling 0, a currency rule 1, a budget word 2


@dataclass(frozen=True, slots=True)
class _Amount(_Found):
    value: float
    currency: str | None


@dataclass(frozen=True, slots=True)
class _Duration(_Found):
    seconds: float
    within: bool  # the word itself means "within" (Finnish "3 kuukaudessa")


@dataclass(frozen=True, slots=True)
class _Marker(_Found):
    factor: int  # per week 1, per day DAYS_PER_WEEK


@dataclass(frozen=True, slots=True)
class _Mode(_Found):
    mode: str


F = TypeVar("F", bound=_Found)


def _spans(pattern: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    return pattern.finditer(text) if pattern is not None else iter(())


def _overlaps(a: _Found, b: _Found) -> bool:
    return a.start < b.end and b.start < a.end


def _longest_first(found: Iterable[F]) -> list[F]:
    """Overlapping finds keep the longest ("Rp500rb" over Duckling's "Rp500"), then the better source; text order."""
    kept: list[F] = []
    for f in sorted(found, key=lambda f: (f.start - f.end, f.rank, f.start)):
        if not any(_overlaps(f, k) for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _said_over_untold(amounts: list[_Amount]) -> list[_Amount]:
    """Drops an amount without a currency that overlaps the same amount with one: Duckling reads "under 1500" of
    "under 1500 SGD" (a code it does not know) as money of unknown unit, longer than the rule's "1500 SGD"."""
    return [
        a
        for a in amounts
        if a.currency is not None
        or not any(b.currency is not None and b.value == a.value and _overlaps(a, b) for b in amounts)
    ]


def _close(text: str, start: int, end: int, limit: int, words: int | None = None) -> bool:
    """The text between two finds is short and holds no number or separator."""
    gap = text[start:end]
    if end < start or len(gap) > limit or _BREAK.search(gap):
        return False
    return words is None or len(gap.split()) <= words


def _mask(text: str, spans: Iterable[tuple[int, int]], mark: str = ";") -> str:
    """Each span becomes `mark` and spaces, so Duckling reads the facts on either side apart and offsets still hold."""
    chars = list(text)
    for start, end in spans:
        if end > start:
            chars[start:end] = [mark] + [" "] * (end - start - 1)
    return "".join(chars)


def _without(text: str, spans: list[tuple[int, int]], rules: list[LanguageRules]) -> str:
    """`text` with the spans cut, and the commas and conjunctions they leave alone; the text itself when nothing
    else would be left."""
    if not spans:
        return text
    words = frozenset().union(*(r.limit_words for r in rules))
    phrases = frozenset().union(*(r.limit_phrases for r in rules))
    parts = []
    for part in _mask(text, spans, mark=",").split(","):
        part = " ".join(part.split())
        folded = languages.fold(part).strip(_EDGE)
        left = [w for w in (w.strip(_EDGE) for w in folded.split()) if w and w not in words]
        if any(ch.isalpha() for ch in part) and left and folded not in phrases:
            parts.append(part)
    return ", ".join(parts).strip(" ;.") or text


def _unmangle(text: str) -> str:
    """Duckling's bindings hand back non-ASCII units as UTF-8 bytes read as Latin-1 ("Â£" for "£")."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


@dataclass(frozen=True)
class _Loaded:
    duckling: Any
    reference_time: Any
    dimensions: Any
    tables: dict[str, LanguageRules]
    duckling_units: dict[str, str]


class MessageReader:
    """`MessageReader().load()` once per process (Duckling's runtime, the tables, language detection), then
    `read()` from any thread."""

    def __init__(self, directory: Path = READING_DIR) -> None:
        self.directory = directory
        self._loaded: _Loaded | None = None
        self._contexts: dict[str, Any] = {}
        self._lock = threading.Lock()  # Duckling's Haskell runtime is called from one thread at a time

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._require().tables))

    def load(self) -> MessageReader:
        if self._loaded is not None:
            return self
        tables, units = load_tables(self.directory)
        languages.prepare()
        import duckling  # starts the Haskell runtime

        # The reader asks for amounts and durations, never for dates, so Duckling gets no time-zone data: an empty
        # folder (a missing one ends the process from inside Haskell).
        with tempfile.TemporaryDirectory() as empty:
            zones = duckling.load_time_zones(empty)
        self._loaded = _Loaded(
            duckling=duckling,
            reference_time=duckling.parse_ref_time(zones, "UTC", 0),
            dimensions=duckling.parse_dimensions(DUCKLING_DIMENSIONS),
            tables=tables,
            duckling_units=units,
        )
        for rules in tables.values():
            self._context(rules.duckling or "EN")
        return self

    def _require(self) -> _Loaded:
        if self._loaded is None:
            raise RuntimeError("MessageReader.load() has not been called")
        return self._loaded

    def _context(self, code: str) -> Any:
        loaded = self._require()
        context = self._contexts.get(code)
        if context is None:
            d = loaded.duckling
            context = d.Context(loaded.reference_time, d.default_locale_lang(d.parse_lang(code.upper())))
            self._contexts[code] = context
        return context

    def _duckling(self, text: str, code: str) -> list[dict[str, Any]]:
        loaded = self._require()
        # Duckling's Rust binding panics on a NUL character (C strings): a space keeps every offset in place.
        text = text.replace("\x00", " ")
        with self._lock:
            found: list[dict[str, Any]] = loaded.duckling.parse(text, self._context(code), loaded.dimensions, False)
        return found

    # -- the reading ----------------------------------------------------------------------------------------------

    def language_of(self, text: str, hint_language: str | None = None) -> str | None:
        """The detected language; the hint when detection names it among close candidates (Indonesian or Malay)
        or cannot tell."""
        hint = hint_language.lower() if hint_language else None
        if hint and hint in languages.detect(text):
            return hint
        return languages.primary(text) or hint

    def read(self, text: str, hint_language: str | None = None) -> Reading:
        loaded = self._require()
        language = self.language_of(text, hint_language)
        hint = hint_language.lower() if hint_language else None
        codes = {c for c in (language, hint, *languages.detect(text)) if c in loaded.tables}
        rules = [loaded.tables[c] for c in sorted(codes)] or list(loaded.tables.values())
        own = loaded.tables.get(language or "")
        duckling_code = (own.duckling if own else language) or "EN"

        rates = _longest_first(
            _Marker(m.start(), m.end(), 0, factor)
            for r in rules
            for pattern, factor in ((r.weekly, 1), (r.daily, DAYS_PER_WEEK))
            for m in _spans(pattern, text)
        )
        cuts = [m.span() for m in _SEPARATORS.finditer(text)]
        cuts += [m.span() for r in rules for m in _spans(r.conjunctions, text)]
        entities = self._duckling(_mask(text, cuts + [(m.start, m.end) for m in rates]), duckling_code)

        durations = _longest_first([*self._duckling_durations(entities), *self._rule_durations(rules, text)])
        hours_per_week, bound = self._hours_per_week(text, durations, rates)
        unbound = [m for m in rates if m not in bound]
        if unbound:  # "in a week": a marker no number of hours took may be the duration itself
            again = self._duckling(_mask(text, cuts + [(m.start, m.end) for m in bound]), duckling_code)
            durations = _longest_first([*self._duckling_durations(again), *self._rule_durations(rules, text)])
        max_weeks = self._max_weeks(text, rules, durations, rates, bound)

        amounts = _longest_first(
            _said_over_untold(
                [*self._duckling_amounts(entities, loaded.duckling_units), *self._rule_amounts(rules, text, own)]
            )
        )
        # A number that is part of a duration ("no más de 4 horas por semana") is no budget, unless a currency
        # is said with it.
        amounts = [
            a for a in amounts if not ((a.rank == 2 or a.currency is None) and any(_overlaps(a, d) for d in durations))
        ]
        said = [a for a in amounts if a.currency is not None]
        chosen = (said or amounts)[:1]
        budget = Money(chosen[0].value, chosen[0].currency or None) if chosen else None
        untold = bool(chosen) and chosen[0].currency == UNTOLD  # not the language's usual one either

        # What states a limit is no skill: cut before skills are read ("Excel, Word, max 5 hours a week"); the cut
        # ends a list item, not the sentence ("pengalaman 2 tahun di customer service" still claims).
        limits = [(f.start, f.end) for f in (*amounts, *durations, *rates)]
        limits += [m.span() for r in rules for p in (r.free, r.budget) for m in _spans(p, text)]
        modes = self._mode_finds(rules, text)
        limits += [(m.start, m.end) for m in modes]
        skills, listed, wants = _skills(rules, _mask(text, limits, mark=","), codes)
        free_only = self._free(rules, text) or (budget is not None and budget.amount == 0)
        stated = [(f.start, f.end) for f in (*amounts, *durations, *rates, *modes)]
        if budget is not None:  # "budget" alone may be the topic ("learn budget planning")
            stated += [m.span() for r in rules for m in _spans(r.budget, text)]
        if free_only:
            stated += [m.span() for r in rules for m in _spans(r.free, text)]
        return Reading(
            language=language,
            budget=budget,
            free_only=free_only,
            hours_per_week=hours_per_week,
            max_weeks=max_weeks,
            modes=tuple(mode for mode in MODES if mode in {f.mode for f in modes}),
            default_currency=own.default_currency if own and not untold else None,
            skills=skills,
            listed=listed,
            wants=wants,
            languages_named=languages.named_languages(text),
            taught_in=languages.teaching_wish(text).languages,
            topic=_without(text, stated, rules),
        )

    @staticmethod
    def _duckling_amounts(entities: list[dict[str, Any]], units: dict[str, str]) -> Iterator[_Amount]:
        found: dict[tuple[int, int], _Amount] = {}
        for e in entities:
            if e["dim"] != "amount-of-money":
                continue
            value = e["value"]
            if value.get("type") == "interval":  # "under 300 €", "between 200 and 500": the upper bound
                value = value.get("to") or value.get("from") or {}
            if "value" not in value:
                continue
            unit = _unmangle(str(value.get("unit", "")))
            code = unit if fx.is_known(unit) else units.get(unit)
            amount = _Amount(e["start"], e["end"], 0, float(value["value"]), code)
            # Duckling may read one span two ways; for Indonesian "lebih dari 3 juta" both 3,000,000 and 10,003:
            # the larger is the one its multiplier word says.
            span = (e["start"], e["end"])
            if span not in found or amount.value > found[span].value:
                found[span] = amount
        yield from found.values()

    @staticmethod
    def _rule_amounts(rules: list[LanguageRules], text: str, own: LanguageRules | None) -> Iterator[_Amount]:
        for r in rules:
            for pattern in (r.amount_before, r.amount_after):
                for m in pattern.finditer(text):
                    # A currency word the table maps to null ("pesos": which one?) is said, but names no currency.
                    yield _Amount(m.start(), m.end(), 1, r.number(m), r.currency(m.group("cur")) or UNTOLD)
            for m in _spans(r.slang, text):  # "2tr": the speaker's own currency
                yield _Amount(m.start(), m.end(), 1, r.number(m), r.default_currency)
            for m in _spans(r.budget, text):  # "budget saya 3 juta": the amount, the currency not said
                yield _Amount(m.start("num"), m.end(), 2, r.number(m), None)

    @staticmethod
    def _duckling_durations(entities: list[dict[str, Any]]) -> Iterator[_Duration]:
        for e in entities:
            if e["dim"] == "duration" and "normalized" in e["value"]:
                yield _Duration(e["start"], e["end"], 0, float(e["value"]["normalized"]["value"]), False)

    @staticmethod
    def _rule_durations(rules: list[LanguageRules], text: str) -> Iterator[_Duration]:
        for r in rules:
            for m in _spans(r.duration, text):
                unit, within = r.units[_key(m.group("unit"))]
                yield _Duration(m.start(), m.end(), 1, parse_number(m.group("num")) * UNIT_SECONDS[unit], within)

    @staticmethod
    def _hours_per_week(
        text: str, durations: list[_Duration], rates: list[_Marker]
    ) -> tuple[float | None, list[_Marker]]:
        """The first number of hours next to "per week" (or "per day", times 7); the markers numbers of hours took."""
        bound: list[_Marker] = []
        hours: float | None = None
        for d in durations:
            if d.seconds >= DAY:
                continue
            near = [
                m
                for m in rates
                if m not in bound and (_close(text, d.end, m.start, RATE_GAP) or _close(text, m.end, d.start, RATE_GAP))
            ]
            if not near:
                continue  # "3 jam" alone: how long something takes, not time each week
            marker = min(near, key=lambda m: m.start - d.end if m.start >= d.end else d.start - m.end)
            bound.append(marker)
            if hours is None:
                hours = round(d.seconds / 3600 * marker.factor, 2)
        return hours, bound

    @staticmethod
    def _max_weeks(
        text: str, rules: list[LanguageRules], durations: list[_Duration], rates: list[_Marker], bound: list[_Marker]
    ) -> int | None:
        """The first duration of a day or more said as a limit ("in 3 months", "dalam 2 bulan", "3 kuukaudessa").
        Not one that belongs to a rate ("3 days a week") and not one said without "within" ("5 years of work")."""
        before = [m for r in rules for m in _spans(r.within, text)]
        after = [m for r in rules for m in _spans(r.within_after, text)]
        for d in durations:
            if d.seconds < DAY:
                continue
            if any(_overlaps(d, m) for m in bound):
                continue
            if any(not _overlaps(d, m) and _close(text, d.end, m.start, 3) for m in rates):
                continue
            if (
                d.within
                or any(_close(text, m.end(), d.start, WITHIN_GAP, words=2) for m in before)
                or any(_close(text, d.end, m.start(), 3) for m in after)
            ):
                return max(1, round(d.seconds / WEEK))
        return None

    @staticmethod
    def _free(rules: list[LanguageRules], text: str) -> bool:
        exceptions = [m.span() for r in rules for m in _spans(r.not_free, text)]
        masked = _mask(text, exceptions)
        return any(True for r in rules for _ in _spans(r.free, masked))

    @staticmethod
    def _mode_finds(rules: list[LanguageRules], text: str) -> list[_Mode]:
        """Modes named, a longer phrase winning over one inside it ("partly online" is blended, not online); a
        phrase that only holds a mode word ("Google Classroom", "jualan online": selling online) names none."""
        masked = _mask(text, [m.span() for r in rules for m in _spans(r.not_modes, text)])
        return _longest_first(
            _Mode(m.start(), m.end(), 0, mode)
            for r in rules
            for mode, pattern in r.modes.items()
            for m in pattern.finditer(masked)
        )


# Where a sentence ends, and where the items of a list part, in every language (a "." inside "Node.js" does not).
_SENTENCE_END = re.compile(r"[;!?\n\u3002]+|\.+(?=\s|$)")
_ITEM_BREAK = re.compile(r"[,/\u3001\uff0c]")
_ELISION = re.compile(r"([^\W\d_]{1,3})['\u2019](?=[^\W\d_])")  # an article or pronoun joined by an apostrophe
# In a language written without spaces between words (Thai), a space between two of its letters ends a phrase.
_PHRASE_SPACE = re.compile(r"(?<=[^\s\d\x00-\x7f])\s+(?=[^\s\d\x00-\x7f])")
_EDGE = " \t.,:;!?\"'()[]{}-\u2013\u2014\u201c\u201d\u2018\u2019"


@functools.lru_cache(maxsize=256)  # a handful of language combinations; the sets are large
def _function_words(
    codes: tuple[str, ...], rules: tuple[LanguageRules, ...]
) -> tuple[frozenset[str], frozenset[str], str]:
    """(words, whole phrases) that are no skill in these languages: their stopwords and their limit words; and how
    to cut an item into words to trim its ends: "spaces", "thai" (PyThaiNLP's segmenter: Thai has no spaces), or ""
    for not at all (a Vietnamese space ends a syllable, "thu ngân")."""
    common = frozenset().union(*(function_words(c) for c in codes))
    stop = common.union(*(r.limit_words for r in rules))
    phrases = common.union(*(r.limit_phrases for r in rules))
    ways = {languages.languages().get(c, {}).get("words") for c in codes}
    cut = ""
    if ways == {"spaces"} and all(r.spaced for r in rules):
        cut = "spaces"
    elif "thai" in ways and ways <= {"thai", "spaces"}:
        cut = "thai"
    return stop, phrases, cut


def _skills(
    rules: list[LanguageRules], masked: str, codes: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(claimed, listed, wanted) phrases of a message whose limits are masked. A part claims skills from a claim
    word ("I know", "saya bisa") until a wish ("but I want to learn"), and wants from there until the next claim; a
    list answer is every item up to a wish."""
    stop, phrases, cut = _function_words(tuple(sorted(codes)), tuple(rules))
    spaced = all(r.spaced for r in rules)

    def first(kind: str, piece: str) -> int | None:
        starts = [m.start() for r in rules for m in _spans(getattr(r, kind), piece)]
        return min(starts) if starts else None

    claimed: list[str] = []
    listed: list[str] = []
    wanted: list[str] = []
    for sentence in _SENTENCE_END.split(masked):
        breaks = [m.span() for r in rules for p in (r.list_words, r.conjunctions) for m in _spans(p, sentence)]
        if not spaced:
            breaks += [m.span() for m in _PHRASE_SPACE.finditer(sentence)]
        claiming = wishing = False
        for piece in _ITEM_BREAK.split(_mask(sentence, breaks)):
            for part in piece.split(";"):  # a masked joining word ends an item too (a masked limit is a comma)
                claim, wish = first("skill_claims", part), first("skill_wishes", part)
                if claim is not None and (wish is None or claim < wish):
                    claiming, wishing = True, False
                elif wish is not None:
                    claiming, wishing = False, True
                item = _item(rules, part, stop if cut else phrases, cut)
                if item and claiming:
                    claimed.append(item)
                if item and not wishing:
                    listed.append(item)
                if item and wishing:
                    wanted.append(item)
    return _unique(claimed), _unique(listed), _unique(wanted)


def _item(rules: list[LanguageRules], part: str, stop: frozenset[str], cut: str) -> str | None:
    """A list item without its claim and filler words, and (`cut`: how to cut it into words) without the function
    words at its ends ("I've been a cashier for" -> "cashier", "กรีดยางมา" -> "กรีดยาง"); None when nothing of a skill
    is left. Words in capitals stay ("R", "SQL", "IT")."""
    for r in rules:
        for pattern in (r.skill_claims, r.skill_wishes, r.skill_fillers):
            if pattern is not None:
                part = pattern.sub(" ", part)
    if cut == "thai":
        words, joint = thai_words(part.strip(_EDGE), keep_whitespace=True), ""
    else:
        words, joint = part.strip(_EDGE).split(), " "
    if not cut:  # spaces part syllables or phrases: only a whole function phrase ("tối đa") is no skill
        return None if languages.fold(" ".join(words)) in stop else _skill(" ".join(words))

    def function_word(word: str) -> bool:
        bare = word.strip(_EDGE)
        return not bare or (languages.fold(bare) in stop and not bare.isupper())

    while words and function_word(words[0]):
        words.pop(0)
    if words and (elided := _ELISION.match(words[0])) and function_word(elided.group(1)):
        words[0] = words[0][elided.end() :]  # "l'analyse" -> "analyse"
    while words and function_word(words[-1]):
        words.pop()
    return _skill(joint.join(words))


def _skill(item: str) -> str | None:
    item = item.strip(_EDGE)
    return item if any(ch.isalpha() for ch in item) else None


def _unique(items: list[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out = []
    for item in items:
        if (key := languages.fold(item)) not in seen:
            seen.add(key)
            out.append(item)
    return tuple(out)
