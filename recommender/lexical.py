"""Lexical (BM25) scoring with bm25s, over words cut the way each language needs.

Each text's language is detected (recommender.language); Thai is segmented by PyThaiNLP (it has no spaces between
words), Vietnamese by pyvi (a word is often several syllables: "dữ liệu" is one word, "data"), every other
language by spaces. Words are folded to unaccented lower case ("publicación" meets "publicacion"), the English
ones lightly stemmed ("spreadsheets" meets "spreadsheet"), and the stopwords of English and of the text's own
languages dropped: a Spanish "de" is rare in a mostly English catalog and would otherwise pull every Spanish
course up for any Spanish question.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import numpy as np

from recommender import language

# A term in half the documents of one language, where that language has 5 or more, says only which language it
# is (see _common_in_language).
COMMON_SHARE = 0.5
COMMON_LEAST = 5
_TOKEN = re.compile(r"[^\W_](?:[^\W_]|[+#])*")
# Words that say nothing about a skill or a course.
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "want",
        "wants",
        "would",
        "like",
        "get",
        "also",
        "etc",
        "using",
        "use",
        "used",
        "able",
    ]
)
_JOINED = re.compile(r"[^\W_](?:[^\W]|[+#])*")  # as _TOKEN, keeping pyvi's "_" between a word's syllables
_THAI = re.compile(r"[\u0e00-\u0e7f]+")
EN = frozenset({"en"})


KEPT_DIR = Path(__file__).parent / "data" / "kept_words"


@cache
def kept_words(code: str) -> frozenset[str]:
    """Words a language's stopword source lists that name what people learn or do ("sawit", oil palm, in the Malay
    list; "orders" and "research" in the English one), folded: kept as words (data/kept_words/<code>.txt)."""
    path = KEPT_DIR / f"{code}.txt"
    if not path.is_file():
        return frozenset()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(language.fold(line) for line in lines if line)


@cache
def stopwords(code: str) -> frozenset[str]:
    """A language's stopwords, folded, from the source languages.yaml names for it, less its kept words."""
    source = language.languages().get(code, {}).get("stopwords")
    words: frozenset[str] = frozenset()
    if source == "stackwise":
        words = STOPWORDS
    elif source == "pythainlp":
        from pythainlp.corpus import thai_stopwords

        words = frozenset(thai_stopwords())
    elif source == "iso":
        import stopwordsiso

        words = frozenset(language.fold(w) for w in stopwordsiso.stopwords(code))
    return words - kept_words(code)


@cache
def function_words(code: str) -> frozenset[str]:
    """A language's full stopword list, folded (for English too, whose BM25 list is kept short), less its kept
    words: the words trimmed from the ends of a phrase ("I've been a cashier for" -> "cashier")."""
    import stopwordsiso

    full = stopwordsiso.stopwords(code) if stopwordsiso.has_lang(code) else ()
    return (stopwords(code) | frozenset(language.fold(w) for w in full)) - kept_words(code)


_SUFFIXES = (
    "ational",
    "ization",
    "isation",
    "ations",
    "ation",
    "ments",
    "ment",
    "ings",
    "ing",
    "ies",
    "ied",
    "ers",
    "er",
    "ed",
    "es",
    "s",
)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in ("ies", "ied") else "")
            break
    # "manage"/"managing", "analyse"/"analysis" end alike once a final e or i goes.
    return word[:-1] if len(word) > 4 and word[-1] in "ei" else word


def thai_words(text: str, keep_whitespace: bool = False) -> list[str]:
    """Text with Thai in it cut into words by PyThaiNLP's dictionary segmenter (Thai has no spaces between words);
    runs of other scripts come back whole."""
    from pythainlp.tokenize import word_tokenize

    return list(word_tokenize(text, engine="newmm", keep_whitespace=keep_whitespace))


def prepare() -> None:
    """Load every language's stopwords and segmenters now (about a second), so no learner's request waits."""
    for code in language.languages():
        stopwords(code)
        function_words(code)
    ways = {spec.get("words") for spec in language.languages().values()}
    if "thai" in ways:
        thai_words("\u0e01")  # the first call reads the dictionary
    if "vietnamese" in ways:
        from pyvi import ViTokenizer

        ViTokenizer.tokenize("a")  # the first call reads the model


def words(text: str, languages: frozenset[str]) -> list[str]:
    """The text cut into folded words: Thai runs by PyThaiNLP, Vietnamese by pyvi, the rest by spaces."""
    ways = {language.languages().get(code, {}).get("words") for code in languages}
    out: list[str] = []
    rest = text
    if _THAI.search(text):
        for run in _THAI.findall(text):
            out.extend(w for w in thai_words(run) if w.strip())
        rest = _THAI.sub(" ", text)
    if "vietnamese" in ways:
        from pyvi import ViTokenizer

        rest = ViTokenizer.tokenize(rest)  # the syllables of one word joined by "_"
        return out + [w for w in _JOINED.findall(language.fold(rest)) if w.strip("_")]
    return out + _TOKEN.findall(language.fold(rest))


def tokens(text: str, languages: frozenset[str] | None = None) -> list[str]:
    """BM25 terms of a text in the given languages (detected when not given)."""
    found = language.detect(text) if languages is None else languages
    stop = STOPWORDS.union(*(stopwords(code) for code in found))
    return [stem(t) for t in words(text, found) if t not in stop]


def _common_in_language(tokenised: Sequence[list[str]], written: Sequence[frozenset[str]]) -> frozenset[str]:
    """Terms in at least COMMON_SHARE of the documents written in one language (of COMMON_LEAST or more): in a
    catalog mostly in other languages such a word ('học' in Vietnamese course texts) is rare overall, so BM25 would
    weigh it as a topic word and match every course in the learner's language; it only says which language."""
    by_language: dict[str, list[set[str]]] = {}
    for terms, found in zip(tokenised, written, strict=True):
        for code in found:
            by_language.setdefault(code, []).append(set(terms))
    common: set[str] = set()
    for documents in by_language.values():
        if len(documents) < COMMON_LEAST:
            continue
        counts = Counter(term for terms in documents for term in terms)
        common.update(term for term, n in counts.items() if n >= COMMON_SHARE * len(documents))
    return frozenset(common)


class LexicalIndex:
    """BM25 over a fixed list of documents; `scores` gives every document's score for a query."""

    def __init__(self, documents: Sequence[str], languages: frozenset[str] | None = None) -> None:
        """`languages`: what every document is written in (ESCO's labels: English), else each is detected."""
        import bm25s

        self._size = len(documents)
        self._bm25 = bm25s.BM25()
        written = [language.detect(d) if languages is None else languages for d in documents]
        tokenised = [tokens(d, found) or ["_"] for d, found in zip(documents, written, strict=True)]
        if tokenised:
            self._bm25.index(tokenised, show_progress=False)
        self._common = _common_in_language(tokenised, written)

    def __len__(self) -> int:
        return self._size

    def scores(self, query: str) -> np.ndarray:
        terms = tokens(query)
        if not terms or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        known = [t for t in terms if t in vocab and t not in self._common]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
