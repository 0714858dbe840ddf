"""Lexical (BM25) scoring with bm25s, over a light English stemmer so "spreadsheets" meets "spreadsheet".

Text is folded to unaccented lower case ("publicación" meets "publicacion") and the function words of the
languages learners write in are dropped: in a mostly English catalog a Spanish "de" or "que" is rare enough to
score high, and would pull every Spanish course up for any Spanish question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from recommender import language

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
# Other languages' function words that are also words a course or skill is about ("Ada", "pros and cons").
_CONTENT_TOO = frozenset({"ada", "con", "come", "per"})
STOPWORDS = STOPWORDS | (language.function_words() - _CONTENT_TOO)
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


def tokens(text: str) -> list[str]:
    return [stem(t) for t in _TOKEN.findall(language.fold(text)) if t not in STOPWORDS]


class LexicalIndex:
    """BM25 over a fixed list of documents; `scores` gives every document's score for a query."""

    def __init__(self, documents: Sequence[str]) -> None:
        import bm25s

        self._size = len(documents)
        self._bm25 = bm25s.BM25()
        tokenised = [tokens(d) or ["_"] for d in documents]
        if tokenised:
            self._bm25.index(tokenised, show_progress=False)

    def __len__(self) -> int:
        return self._size

    def scores(self, query: str) -> np.ndarray:
        terms = tokens(query)
        if not terms or not self._size:
            return np.zeros(self._size, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        known = [t for t in terms if t in vocab]
        if not known:
            return np.zeros(self._size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
