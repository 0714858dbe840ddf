"""Which language a text is written in, and the language a learner asks to be taught in.

A learner who writes in Thai is best served by a course taught in Thai, so the ranking prefers credentials taught
in the learner's language when no language filter was asked for, and lexical matching cuts and filters words the
way the text's language needs. Detection is lingua's (its models ship in the wheel), restricted to the languages
in recommender/data/languages.yaml. Languages it cannot tell apart in a short text (Indonesian and Malay, Spanish
and Portuguese) are reported together.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LANGUAGES_FILE = Path(__file__).parent / "data" / "languages.yaml"
MIN_CONFIDENCE = 0.2  # below this the text says too little ("Excel", "SQL") to name a language
CLOSE = 0.7  # a second language at least this share of the first's confidence is reported with it
MARGIN = 1.5  # ... and the languages reported must stand this far above the best of the rest


def fold(text: str) -> str:
    """Lower case without accents, so "publicación" and "publicacion" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.cache
def languages() -> dict[str, dict[str, Any]]:
    """The languages Stackwise reads, with how each is cut into words and where its stopwords come from."""
    data: dict[str, dict[str, Any]] = yaml.safe_load(LANGUAGES_FILE.read_text(encoding="utf-8"))
    return data


@functools.cache
def _detector() -> Any:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    known = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in languages()]
    # Preloaded (about 400 MB for these languages, 2 s): a lazily loaded model would land on a learner's request.
    return LanguageDetectorBuilder.from_languages(*known).with_preloaded_language_models().build()


def prepare() -> None:
    """Build the detector with its models now (about 2 s), so no learner's request waits for it."""
    _detector()


@functools.lru_cache(maxsize=8192)  # one request reads its goal in the service, the gap analysis and BM25
def _ranked(text: str) -> tuple[str, ...]:
    """The languages the text is most likely written in, most likely first (empty when it is too short to tell)."""
    if not any(ch.isalpha() for ch in text):
        return ()
    values = _detector().compute_language_confidence_values(text)
    if not values or values[0].value < MIN_CONFIDENCE:
        return ()
    best = values[0].value
    close = [v for v in values if v.value >= CLOSE * best]
    rest = values[len(close)].value if len(close) < len(values) else 0.0
    if best < MARGIN * rest:
        return ()
    return tuple(v.language.iso_code_639_1.name.lower() for v in close)


def detect(text: str) -> frozenset[str]:
    """The languages the text is most likely written in (empty when it is too short to tell)."""
    return frozenset(_ranked(text))


def readable(codes: frozenset[str]) -> frozenset[str]:
    """The languages people who read `codes` can study in: those, and the ones their speakers also read."""
    table = languages()
    return codes | {other for code in codes for other in table.get(code, {}).get("also_reads", ())}


def likely_readable(codes: frozenset[str]) -> frozenset[str]:
    """Languages many people who read `codes` can also study in (`may_read`), beyond `readable(codes)`."""
    table = languages()
    return frozenset(other for code in codes for other in table.get(code, {}).get("may_read", ())) - readable(codes)


def primary(text: str) -> str | None:
    """The single most likely language, for reports; None when the text does not tell."""
    ranked = _ranked(text)
    return ranked[0] if ranked else None


# -- the language a learner asks to be taught in ---------------------------------------------------------------

# One file per language a learner writes in: how it names languages, and the phrases that tie a language to the
# course ("taught in French") or to the learner's ability to study in it ("English is fine too"). The format is
# described in recommender/data/teaching/en.yaml; a new language is a new file there.
TEACHING_DIR = Path(__file__).parent / "data" / "teaching"
_GAP_WORDS = 3  # {gap}: a few words between the course and the language ("curso de Python en ..."); `gap` in a file
_GAP_CHARS = 30  # ... or, in a script written without spaces, a few characters
_PLACEHOLDER = re.compile(r"\{(\w+)(\??)\}")


@dataclass(frozen=True, slots=True)
class _Phrase:
    """One compiled template: its regex (cut groups `cut0`, `cut1`, ... and a `lang` group), the names its `lang`
    group can hold, and the words of its language that, just before it, make it the learner's own teaching
    (`own`) or a dangling "but" to cut with it (`joiner`)."""

    pattern: re.Pattern[str]
    codes: dict[str, str]
    cuts: int
    own: re.Pattern[str] | None
    joiner: re.Pattern[str] | None


def _alternation(phrases: list[str], space: str) -> str:
    """Folded phrases as one regex alternation, longest first, their spaces matching any run of spaces."""
    parts = {re.escape(fold(p)).replace(r"\ ", space) for p in phrases if p.strip()}
    return "(?:" + "|".join(sorted(parts, key=lambda p: (-len(p), p))) + ")"


def _name_table(source: str, table: Any) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise ValueError(f"{source}: names must map each name to an ISO 639-1 code")
    return {" ".join(fold(str(name)).split()): code for name, code in table.items()}


def _template(
    source: str, template: str, words: dict[str, Any], names: dict[str, str], spaced: bool, gap_words: int
) -> tuple[str, dict[str, str], int]:
    """A phrase template as a regex: the generic compiler every language's file goes through (see en.yaml)."""
    space = r"\s+" if spaced else r"\s*"
    gap = rf"[^\s\d.,;:!?]{{0,{_GAP_CHARS}}}?"  # in a script without spaces: a few characters
    codes: dict[str, str] = {}

    def piece(body: str) -> str:
        out, at = [], 0
        for m in _PLACEHOLDER.finditer(body):
            out.append(re.escape(fold(body[at : m.start()])))
            at = m.end()
            key = m.group(1)
            if key == "lang" or isinstance(words.get(key), dict):
                if codes:
                    raise ValueError(f"{source}: {template!r} names more than one language")
                codes.update(names if key == "lang" else _name_table(source, words[key]))
                out.append("(?P<lang>" + _alternation(list(codes), space) + ")")
            elif key in words:
                out.append(_alternation([str(w) for w in words[key]], space) + m.group(2))
            else:
                raise ValueError(f"{source}: {template!r} uses {{{key}}}, which the file does not list")
        out.append(re.escape(fold(body[at:])))
        return "".join(out)

    tokens = template.split()
    if "[" not in template:
        tokens[0], tokens[-1] = "[" + tokens[0], tokens[-1] + "]"
    regex, pending, cuts = r"\b" if spaced else "", False, 0
    for token in tokens:
        opened = token.startswith("[")
        closed = token.endswith("]")
        token = token.strip("[]")
        comma = token.startswith(",")
        token = token.lstrip(",")
        optional = (m := _PLACEHOLDER.fullmatch(token)) is not None and m.group(2) == "?"
        sep = rf"(?:\s*,\s*|{space})" if comma else space
        if opened:
            regex += f"(?P<cut{cuts}>"
        if token in ("{gap}", "{gap?}"):  # a few words, each after its space (never the template's first)
            regex += rf"(?:{sep}[^\W\d_]+){{0,{gap_words}}}?" if spaced else sep + gap
        elif optional:
            body = piece(token.replace("?}", "}"))
            regex += f"(?:{sep}{body})?" if pending else f"(?:{body}{sep})?"
        else:
            regex += (sep if pending else "") + piece(token)
            pending = True
        if closed:
            regex += ")"
            cuts += 1
    if cuts == 0 or "(?P<lang>" not in regex:
        raise ValueError(f"{source}: {template!r} must name a language and mark what to cut")
    return regex + (r"\b" if spaced else ""), codes, cuts


@functools.cache
def _teaching_tables() -> dict[Path, dict[str, Any]]:
    """Every language's teaching file, read once (on the first message read, not at import)."""
    return {f: yaml.safe_load(f.read_text(encoding="utf-8")) or {} for f in sorted(TEACHING_DIR.glob("*.yaml"))}


@functools.cache
def _phrases() -> tuple[_Phrase, ...]:
    """Every language's templates, compiled once (on the first goal read, not at import)."""
    tables = _teaching_tables()
    names: dict[str, str] = {}
    for f, data in tables.items():
        for name, code in _name_table(f.name, data.get("names", {})).items():
            if names.setdefault(name, code) != code:
                raise ValueError(f"{f.name}: {name!r} names {code}, and {names[name]} in another file")
    out: list[_Phrase] = []
    for f, data in tables.items():
        spaced = bool(data.get("boundaries", True))
        space, start = (r"\s+", r"\b") if spaced else (r"\s*", "")
        words = data.get("words", {})
        gap_words = int(data.get("gap", _GAP_WORDS))
        own = [str(w) for w in data.get("own", ())]
        joiners = [str(w) for w in data.get("joiners", ())]
        own_re = re.compile(start + _alternation(own, space) + r"\s*$") if own else None
        joiner_re = re.compile(start + _alternation(joiners, space) + r"[\s,;]*$") if joiners else None
        for template in [*data.get("wishes", ()), *data.get("abilities", ())]:
            regex, codes, cuts = _template(f.name, str(template), words, names, spaced, gap_words)
            out.append(_Phrase(re.compile(regex), codes, cuts, own_re, joiner_re))
    return tuple(out)


@functools.cache
def _names() -> tuple[re.Pattern[str], dict[str, str]]:
    """Every file's names of languages and the words that name one themselves ("suomeksi", "in English"), as one
    pattern over folded text: at word edges where the file's script has them, anywhere in Thai."""
    codes: dict[str, str] = {}
    bounded: set[str] = set()
    for f, data in _teaching_tables().items():
        tables = [data.get("names", {}), *(v for v in (data.get("words") or {}).values() if isinstance(v, dict))]
        for table in tables:
            for name, code in _name_table(f.name, table).items():
                codes.setdefault(name, code)
                if data.get("boundaries", True):
                    bounded.add(name)
    parts = sorted(codes, key=lambda n: (-len(n), n))
    body = "|".join(rf"\b{re.escape(n)}\b" if n in bounded else re.escape(n) for n in parts)
    return re.compile(body.replace(r"\ ", r"\s+")), codes


def named_languages(text: str) -> tuple[str, ...]:
    """The languages a message names, in the order named, in any learner's language ("in Spanish", "pakai bahasa
    Indonesia", "ภาษาไทย", "suomeksi"): an answer about limits names the courses' language this way."""
    pattern, codes = _names()
    found = [codes[" ".join(m.group(0).split())] for m in pattern.finditer(fold(text))]
    return tuple(dict.fromkeys(found))


def _fold_aligned(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, where it comes from in `text` (folding drops Thai tone
    marks and splits ligatures, so the two differ in length)."""
    folded: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        part = fold(ch)
        folded.append(part)
        origin.extend([i] * len(part))
    return "".join(folded), origin


@dataclass(frozen=True, slots=True)
class TeachingWish:
    """The languages a goal asks its courses to be taught in, and the goal without saying so: "lebih nyaman
    kalau kursusnya pakai bahasa Indonesia" is a wish about the course, and read as a topic it would bring up
    Indonesian language courses."""

    languages: tuple[str, ...]
    topic: str


@functools.lru_cache(maxsize=256)  # one request reads its goal in the service and again in the gap analysis
def teaching_wish(goal: str) -> TeachingWish:
    folded, origin = _fold_aligned(goal)
    found: list[tuple[int, str, list[tuple[int, int]]]] = []
    for phrase in _phrases():
        for m in phrase.pattern.finditer(folded):
            code = phrase.codes.get(" ".join(m.group("lang").split()))
            before = folded[max(0, m.start() - 40) : m.start()]
            if code is None or (phrase.own is not None and phrase.own.search(before)):
                continue
            spans = [m.span(f"cut{i}") for i in range(phrase.cuts) if m.start(f"cut{i}") >= 0]
            if phrase.joiner is not None and spans and (j := phrase.joiner.search(folded[: spans[0][0]])):
                spans[0] = (j.start(), spans[0][1])  # "... mut englanti käy": the "but" goes with the phrase
            found.append((m.start(), code, spans))
    if not found:
        return TeachingWish((), goal)
    keep = [True] * len(goal)
    for _, _, spans in found:
        for start, end in spans:
            if start >= end:
                continue
            first, last = origin[start], origin[end - 1] + 1
            while last < len(goal) and not fold(goal[last]):  # marks folded away belong to the letter before
                last += 1
            keep[first:last] = [False] * (last - first)
    topic = "".join(ch if k else " " for ch, k in zip(goal, keep, strict=True))
    topic = re.sub(r"\s+", " ", re.sub(r"[(\[]\s*[)\]]", " ", topic)).strip(" ,;.")  # "(je lis l'anglais)" leaves "( )"
    languages = (code for _, code, _ in sorted(found, key=lambda f: f[0]))
    return TeachingWish(tuple(dict.fromkeys(languages)), topic or goal)
