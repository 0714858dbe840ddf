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


def primary(text: str) -> str | None:
    """The single most likely language, for reports; None when the text does not tell."""
    ranked = _ranked(text)
    return ranked[0] if ranked else None


# -- the language a learner asks to be taught in ---------------------------------------------------------------

# Names of the languages, folded, in English and in the languages learners most often write to us in.
_NAMES: dict[str, str] = {
    "en": "english ingles englisch anglais engels inglese",
    "es": "spanish espanol castellano spanisch espagnol spaans espanhol spagnolo",
    "de": "german aleman deutsch allemand duits alemao tedesco",
    "fr": "french frances franzosisch francais frans francese",
    "nl": "dutch neerlandes holandes niederlandisch neerlandais nederlands olandese",
    "pt": "portuguese portugues portugiesisch portugais portugees portoghese",
    "it": "italian italiano italienisch italien italiaans",
    "id": "indonesian indonesio indonesisch indonesien indonesiano",
    "ms": "malay malayo malaiisch malais maleis malese",
    "pl": "polish polaco polnisch polonais pools polski",
    "cs": "czech checo tschechisch tcheque tsjechisch cestina",
    "sv": "swedish sueco schwedisch suedois zweeds svenska",
    "da": "danish danes danisch danois deens dansk",
    "fi": "finnish finlandes finnisch finnois fins suomi",
    "th": "thai tailandes thailandisch thailandais",
    "vi": "vietnamese vietnamita vietnamesisch vietnamien vietnamees",
    "tl": "filipino tagalog",
    "zh": "chinese mandarin chino chinesisch chinois chinees",
}
# Indonesian and Malay name a language after "bahasa": alone, "Indonesia" or "Inggris" is the country.
_BAHASA: dict[str, str] = {
    "en": "inggris",
    "es": "spanyol",
    "de": "jerman",
    "fr": "perancis",
    "nl": "belanda",
    "pt": "portugis",
    "it": "italia",
    "id": "indonesia",
    "ms": "melayu malaysia",
    "zh": "mandarin cina",
}
_CODE = {name: code for code, names in _NAMES.items() for name in names.split()} | {
    f"bahasa {name}": code for code, names in _BAHASA.items() for name in names.split()
}
_NAME = "|".join(re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_CODE, key=len, reverse=True))
_LANG = r"(?P<lang>" + _NAME + r")\b"
_GAP = r"(?:[^\W\d_]+\s+){0,3}?"  # a few words between the course and the language ("curso de Python en ...")
_PLEASE = r"(?:\s*,?\s*(?:please|pls|only|if possible|por favor|svp|bitte|graag|per favore)\b)?"
# A phrase names the language of teaching only when it is tied to the course ("taught in", "course ... in",
# "in Spanish please"): "negotiate in Spanish" or "learn Spanish" name a skill, and stay in the goal.
_WISH_PATTERNS = [
    # English.
    r"\b(?:courses?|class(?:es)?|lectures?|programmes?|programs?|trainings?|materials?"
    r"|lessons?|modules?|content|instruction)\s+" + _GAP + r"(?P<cut>(?:taught\s+|delivered\s+|held\s+|given\s+)?"
    r"in\s+(?:the\s+)?" + _LANG + _PLEASE + ")",
    r"\b(?P<cut>(?:taught|delivered|offered|held|conducted|instructed)\s+(?:entirely\s+|only\s+|fully\s+)?in\s+"
    + _LANG
    + _PLEASE
    + ")",
    r"\b(?P<cut>(?:preferably|ideally|rather|only|prefer(?:ably)?)\s+in\s+" + _LANG + _PLEASE + ")",
    r"\b(?P<cut>in\s+" + _LANG + r"\s*,?\s*(?:please|pls|preferably|ideally|if possible))\b",
    r"\b(?P<cut>" + _LANG + r"-taught)",
    r"\b(?P<cut>" + _LANG + r"-language)\s+(?:courses?|class(?:es)?|programmes?|programs?|instruction|training)",
    # Spanish, Portuguese, French, Italian.
    r"\b(?:cursos?|clases?|aulas|formaci[oa]n|formacao|formations?|cours|corsi|corso|lezioni|programas?"
    r"|programmes?|modul[oi]s?|modules?)\s+" + _GAP + r"(?P<cut>(?:(?:impartid|dictad|ensenad|ministrad)[oa]s?\s+"
    r"|(?:enseigne|dispense)e?s?\s+)?(?:en|em|in)\s+" + _LANG + _PLEASE + ")",
    r"\b(?P<cut>(?:(?:impartid|dictad|ensenad|ministrad)[oa]s?|(?:enseigne|dispense)e?s?)\s+(?:en|em)\s+"
    + _LANG
    + _PLEASE
    + ")",
    r"\b(?P<cut>(?:preferiblemente|preferentemente|de preferencia|idealmente|que sea|de preference"
    r"|preferibilmente|preferencialmente)\s+(?:en|em|in)\s+" + _LANG + _PLEASE + ")",
    r"\b(?P<cut>(?:en|em|in)\s+" + _LANG + r"\s*,?\s*(?:por favor|s'il vous plait|svp|per favore))",
    # German and Dutch.
    r"\b(?:kurse?n?|unterricht|weiterbildungen?|schulungen?|lehrgange?|seminare?|angebote?|module?|programme?"
    r"|studiengange?|cursus(?:sen)?|opleidingen?|lessen|les|trainingen?)\s+"
    + _GAP
    + r"(?P<cut>(?:auf|in het)\s+"
    + _LANG
    + _PLEASE
    + ")",
    r"\b(?P<cut>(?:am liebsten|bitte|gerne?|vorzugsweise|moglichst|bij voorkeur|graag)\s+(?:auf|in het)\s+"
    + _LANG
    + _PLEASE
    + ")",
    r"\b(?P<cut>(?:auf|in het)\s+" + _LANG + r"\s*,?\s*(?:bitte|graag|alsjeblieft|alstublieft))\b",
    r"\b(?P<cut>(?P<stem>" + "|".join(n for n in _CODE if " " not in n) + r")(?:sprachige?[nrs]?|talige?))\b",
    # Indonesian and Malay.
    r"\b(?:kursus|kursusnya|kelas|kelasnya|pelatihan|pelatihannya|materi|materinya|program|programnya|modul"
    r"|modulnya|pengajaran|pengajarannya)\s+" + _GAP + r"(?P<cut>(?:pakai|memakai|menggunakan|gunakan|guna"
    r"|dalam|berbahasa)\s+" + _LANG + ")",
    r"\b(?P<cut>bahasa\s+pengantar(?:nya)?\s+" + _LANG + ")",
]
_WISH = [re.compile(p) for p in _WISH_PATTERNS]
# "my course in English", "I teach classes in English", "we taught in Spanish": the learner's own teaching (a
# lecturer's goal), not the course they want.
_OWN_WORDS = (
    "my our i we teach teaches teaching give gives giving mi mis nuestro nuestra nuestros mon ma mes mein meine "
    "meinen unser unsere mijn onze"
)
_OWN = frozenset(_OWN_WORDS.split())


@dataclass(frozen=True, slots=True)
class TeachingWish:
    """The languages a goal asks its courses to be taught in, and the goal without saying so: "lebih nyaman
    kalau kursusnya pakai bahasa Indonesia" is a wish about the course, and read as a topic it would bring up
    Indonesian language courses."""

    languages: tuple[str, ...]
    topic: str


@functools.lru_cache(maxsize=256)  # one request reads its goal in the service and again in the gap analysis
def teaching_wish(goal: str) -> TeachingWish:
    folded = fold(goal)
    if len(folded) != len(goal):  # folding changed the length (rare ligatures): spans would not line up
        return TeachingWish((), goal)
    spans: list[tuple[int, int]] = []
    languages: list[str] = []
    for pattern in _WISH:
        for m in pattern.finditer(folded):
            code = _CODE.get(" ".join((m.groupdict().get("lang") or m.groupdict().get("stem") or "").split()))
            before = folded[: m.start()].split()[-1:]
            if code is None or (before and before[0] in _OWN):
                continue
            languages.append(code)
            spans.append(m.span("cut"))
    if not spans:
        return TeachingWish((), goal)
    keep = [True] * len(goal)
    for start, end in spans:
        keep[start:end] = [False] * (end - start)
    topic = re.sub(r"\s+", " ", "".join(ch if k else " " for ch, k in zip(goal, keep, strict=True))).strip(" ,;.")
    return TeachingWish(tuple(dict.fromkeys(languages)), topic or goal)
