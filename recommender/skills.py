"""Free text -> ranked ESCO skills (and occupations), from dense and lexical evidence.

Dense evidence: the best cosine between the text and any of a concept's labels (preferred or alternative);
the same for each clause of a longer text (a job-ad sentence or a learner's message names several skills, and
a clause matches one label far better than the whole sentence does); and the cosine with the concept's
description. Lexical evidence: BM25 over the labels. The channels are combined with weights tuned on the
Decorte validation splits (`benchmarks/skill_matching.py --tune`). Vectors of the whole vocabulary are built
once per (model, vocabulary) and cached as one .npz file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np

from knowledge.esco import EscoOccupation, EscoSkill, EscoVocabulary
from recommender import language
from recommender.encoder import Encoder, Progress
from recommender.index import FaissIndex, VectorIndex
from recommender.lexical import EN, LexicalIndex

Concept = TypeVar("Concept", EscoSkill, EscoOccupation)


@dataclass(frozen=True, slots=True)
class Weights:
    """Fusion weights; defaults tuned on the Decorte validation splits (benchmarks/skill_matching.py --tune)."""

    label: float = 1.0
    clauses: float = 0.8
    description: float = 0.3
    lexical: float = 0.4

    def fuse(self, channels: dict[str, np.ndarray]) -> np.ndarray:
        return (
            self.label * channels["label"]
            + self.clauses * channels["clauses"]
            + self.description * channels["description"]
            + self.lexical * channels["lexical"]
        )


# Clause boundaries: punctuation, conjunctions and the prepositions that join skill phrases in job ads.
_CLAUSE = re.compile(
    r"\s*(?:[,;:()\[\]/•]|\band\b|\bor\b|\bwith\b|\bincluding\b|\bsuch as\b|\bas well as\b"
    r"|\bof\b|\bin\b|\bfor\b|\bto\b)\s*",
    re.IGNORECASE,
)
MAX_CLAUSES = 12
# Label spaces above this many rows are searched through an IVF index first (the ESCO skills are ~110k rows,
# the occupations ~33k); the candidates it finds are then scored exactly.
LABEL_EXACT_LIMIT = 20_000
LABEL_NPROBE = 24  # 99% of top-5 skill lists identical to scoring every label (Decorte test sentences)
CANDIDATE_LABELS = 96  # nearest labels per query row


def clauses(text: str) -> list[str]:
    """The phrases of a longer text worth matching on their own (none for short texts: they are one phrase)."""
    if len(text.split()) < 4:
        return []
    parts = [p.strip() for p in _CLAUSE.split(text) if p and len(p.strip()) > 2]
    return [p for p in dict.fromkeys(parts) if p.lower() != text.strip().lower()][:MAX_CLAUSES]


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    uri: str
    label: str
    score: float
    matched: str  # the label or text that matched best, for explanations


def vocabulary_fingerprint(concepts: Sequence[EscoSkill] | Sequence[EscoOccupation]) -> str:
    h = hashlib.sha256()
    for c in concepts:
        h.update(json.dumps([c.uri, c.label, c.alt_labels, c.description]).encode())
    return h.hexdigest()[:16]


class ConceptSpace(Generic[Concept]):
    """Vectors of every label and description of a list of concepts; one row block per concept."""

    def __init__(
        self,
        concepts: Sequence[Concept],
        label_vectors: np.ndarray,
        label_owner: np.ndarray,
        description_vectors: np.ndarray,
    ) -> None:
        self.concepts: list[Concept] = list(concepts)
        self.label_vectors = label_vectors
        self.label_owner = label_owner  # concept index of every label row, non-decreasing
        self.description_vectors = description_vectors
        self.label_texts = [t for c in self.concepts for t in _labels(c)]
        self._starts = np.searchsorted(label_owner, np.arange(len(self.concepts)))
        self._ends = np.append(self._starts[1:], len(label_owner))
        self.index_of: dict[str, int] = {c.uri: i for i, c in enumerate(self.concepts)}
        self._lexical: LexicalIndex | None = None
        self.search_index: VectorIndex | None = None  # over label rows; see `prepare_search`

    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex([" ".join(_labels(c)) for c in self.concepts], EN)  # ESCO: English labels
        return self._lexical

    @classmethod
    def build(
        cls, concepts: Sequence[Concept], encoder: Encoder, progress: Progress | None = None
    ) -> ConceptSpace[Concept]:
        labels: list[str] = []
        owner: list[int] = []
        for i, concept in enumerate(concepts):
            for text in _labels(concept):
                labels.append(text)
                owner.append(i)
        descriptions = [c.description or c.label for c in concepts]
        label_vectors = encoder.encode(labels, progress)
        description_vectors = encoder.encode(descriptions, progress)
        return cls(concepts, label_vectors, np.asarray(owner, dtype=np.int32), description_vectors)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")  # processes sharing the cache never collide
        np.savez(tmp, labels=self.label_vectors, owner=self.label_owner, descriptions=self.description_vectors)
        tmp.replace(path)

    def prepare_search(self, folder: Path | None, exact_limit: int) -> None:
        """Above `exact_limit` label rows, candidates come from an inverted-file index over the labels (kept in
        `folder`, built once) instead of one pass over every row: the full ESCO skill labels are ~110k rows,
        ~170 MB that each query would otherwise stream through."""
        rows = len(self.label_vectors)
        if rows <= exact_limit:
            self.search_index = None
            return
        if folder is not None and (folder / FaissIndex.FILE).is_file():
            self.search_index = FaissIndex.load(folder, nprobe=LABEL_NPROBE)
            return
        index = FaissIndex.for_size(self.label_vectors.shape[1], rows, exact_limit=exact_limit, nprobe=LABEL_NPROBE)
        index.add(np.arange(rows), self.label_vectors)
        if folder is not None:
            tmp = folder.with_name(f"{folder.name}.{os.getpid()}.tmp")  # another process may build the same
            shutil.rmtree(tmp, ignore_errors=True)
            index.save(tmp)
            shutil.rmtree(folder, ignore_errors=True)
            try:
                tmp.replace(folder)
            except OSError:
                if not (folder / FaissIndex.FILE).is_file():
                    raise
                shutil.rmtree(tmp, ignore_errors=True)  # the other process published the same index first
        self.search_index = index

    @classmethod
    def load(cls, path: Path, concepts: Sequence[Concept]) -> ConceptSpace[Concept]:
        data = np.load(path)
        return cls(concepts, data["labels"], data["owner"], data["descriptions"])

    # -- scoring ---------------------------------------------------------------------------------------------

    def lexical_scores(self, query_text: str) -> np.ndarray:
        """BM25 over every concept's labels, scaled so the best is 1."""
        lex = self.lexical.scores(query_text)
        top = float(lex.max()) if len(lex) else 0.0
        return lex / top if top > 0 else lex

    def channels(
        self,
        queries: np.ndarray,
        query_text: str,
        lexical: bool | np.ndarray = True,
        candidates: np.ndarray | None = None,
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Per-concept evidence for a text: row 0 of `queries` is the whole text, further rows its clauses.

        Scores every concept, or only `candidates` (sorted concept indices; the arrays then follow their order).
        `lexical` may be the text's `lexical_scores`, already computed. Also returns, per concept, the label row
        that matched best (for explanations)."""
        if candidates is None:
            rows = np.arange(len(self.label_vectors))
            owner, starts = self.label_owner, self._starts
        else:
            lengths = self._ends[candidates] - self._starts[candidates]
            starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
            rows = np.repeat(self._starts[candidates] - starts, lengths) + np.arange(int(lengths.sum()))
            owner = np.repeat(np.arange(len(candidates)), lengths)
        sims = self.label_vectors[rows] @ queries.T if candidates is not None else self.label_vectors @ queries.T
        whole = sims[:, 0]
        label = np.maximum.reduceat(whole, starts)
        best_any = sims.max(axis=1)
        clause = np.maximum.reduceat(best_any, starts) if queries.shape[0] > 1 else label
        hits = np.nonzero(best_any >= np.maximum(label, clause)[owner])[0]
        best_rows = np.zeros(len(starts), dtype=np.int64)
        best_rows[owner[hits[::-1]]] = rows[hits[::-1]]
        descriptions = self.description_vectors if candidates is None else self.description_vectors[candidates]
        if isinstance(lexical, np.ndarray):
            lex = lexical
        else:
            lex = self.lexical_scores(query_text) if lexical else np.zeros(len(self.concepts), dtype=np.float32)
        return {
            "label": label,
            "clauses": clause,
            "description": descriptions @ queries[0],
            "lexical": lex if candidates is None else lex[candidates],
        }, best_rows

    def candidates(self, queries: np.ndarray, top: int, lex: np.ndarray | None) -> np.ndarray | None:
        """Concepts worth scoring exactly: those owning the nearest labels of each query row, and the best
        lexical matches. None when the space is small enough to score whole."""
        if self.search_index is None:
            return None
        k = max(CANDIDATE_LABELS, 8 * top)
        _, ids = self.search_index.search(queries, k)
        found = [self.label_owner[ids[ids >= 0]]]
        if lex is not None:
            n = min(k, int(np.count_nonzero(lex)))
            if n:
                found.append(np.argpartition(-lex, n - 1)[:n])
        return np.unique(np.concatenate(found)).astype(np.int64)

    def rank(
        self, queries: np.ndarray, query_text: str, weights: Weights, top: int, min_score: float = -1.0
    ) -> list[ConceptMatch]:
        lex = self.lexical_scores(query_text) if weights.lexical != 0 else None
        candidates = self.candidates(queries, top, lex)
        if candidates is not None and not len(candidates):
            return []
        channels, rows = self.channels(queries, query_text, lex if lex is not None else False, candidates)
        total = weights.fuse(channels)
        k = min(top, len(total))
        if k <= 0:
            return []
        best = np.argpartition(-total, k - 1)[:k]
        best = best[np.lexsort((best, -total[best]))]
        concept = best if candidates is None else candidates[best]
        scale = weights.label + weights.clauses + weights.description + weights.lexical
        return [
            ConceptMatch(
                self.concepts[c].uri, self.concepts[c].label, float(total[i] / scale), self.label_texts[rows[i]]
            )
            for i, c in zip(best, concept, strict=True)
            if total[i] / scale >= min_score
        ]


def _reads_as_english(text: str) -> bool:
    """English, or too short to tell (read as English, as the rest of the recommender does)."""
    written = language.detect(text)
    return not written or "en" in written


def _labels(concept: EscoSkill | EscoOccupation) -> tuple[str, ...]:
    return (concept.label, *concept.alt_labels)


class SkillMatcher:
    """Matches free text to ESCO skills and occupations. Cheap constructor; `load()` builds or reads vectors."""

    def __init__(
        self,
        vocabulary: EscoVocabulary,
        encoder: Encoder,
        cache_dir: Path | None = None,
        skill_weights: Weights = Weights(),
        occupation_weights: Weights = Weights(label=1.0, clauses=0.0, description=0.5, lexical=0.2),
        build_encoder: Encoder | None = None,
        label_exact_limit: int = LABEL_EXACT_LIMIT,
        multilingual: tuple[Encoder, Encoder] | None = None,
        occupation_scale: tuple[float, float] = (0.67, 1.04),
    ) -> None:
        """`multilingual`: an encoder that reads the learners' languages, as (passages, queries): occupations are
        then matched from a text in another language by its similarity to their preferred (English) labels, put
        on the English matcher's scale by `occupation_scale` (the cosines that map to 0 and 1: a straight-line fit
        of the English matcher's best score on e5's cosine for the same occupation, over the English judged goals)."""
        self.vocabulary = vocabulary
        self.multilingual = multilingual
        self.occupation_scale = occupation_scale
        self._multilingual_occupations: np.ndarray | None = None
        self.label_exact_limit = label_exact_limit
        self.encoder = encoder
        self.build_encoder = build_encoder or encoder  # may cache; queries skip the cache
        self.cache_dir = cache_dir
        self.skill_weights = skill_weights
        self.occupation_weights = occupation_weights
        self._skills: ConceptSpace[EscoSkill] | None = None
        self._occupations: ConceptSpace[EscoOccupation] | None = None

    def load(self, progress: Progress | None = None) -> SkillMatcher:
        if self._skills is None:
            self._skills = self._space(list(self.vocabulary.skills.values()), "skills", progress)
        if self._occupations is None:
            self._occupations = self._space(list(self.vocabulary.occupations.values()), "occupations", progress)
        if self.multilingual is not None and self._multilingual_occupations is None:
            self._multilingual_occupations = self._preferred_labels(self.multilingual[0], progress)
        return self

    def _preferred_labels(self, encoder: Encoder, progress: Progress | None) -> np.ndarray:
        """Every occupation's preferred label embedded by `encoder` (cached like the other label vectors)."""
        concepts = list(self.vocabulary.occupations.values())
        path = None
        if self.cache_dir is not None:
            path = self.cache_dir / f"esco-occupation-labels-{encoder.name}-{vocabulary_fingerprint(concepts)}.npy"
            if path.is_file():
                return np.load(path)
        vectors = encoder.encode([c.label for c in concepts], progress)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
        return vectors

    def pending_texts(self) -> int:
        """How many texts `load()` will embed (for a progress bar); 0 when the vectors are cached."""
        n = 0
        for kind, concepts in (
            ("skills", list(self.vocabulary.skills.values())),
            ("occupations", list(self.vocabulary.occupations.values())),
        ):
            path = self._cache_path(kind, concepts)
            if path is None or not path.is_file():
                n += sum(len(_labels(c)) + 1 for c in concepts)
        if self.multilingual is not None and self._multilingual_occupations is None:
            n += len(self.vocabulary.occupations)  # an upper bound: they may be cached
        return n

    def _cache_path(self, kind: str, concepts: Sequence[EscoSkill] | Sequence[EscoOccupation]) -> Path | None:
        if self.cache_dir is None:
            return None
        return self.cache_dir / f"esco-{kind}-{self.encoder.name}-{vocabulary_fingerprint(concepts)}.npz"

    def _space(self, concepts, kind, progress):  # type: ignore[no-untyped-def]
        path = self._cache_path(kind, concepts)
        if path is not None and path.is_file():
            space = ConceptSpace.load(path, concepts)
        else:
            space = ConceptSpace.build(concepts, self.build_encoder, progress)
            if path is not None:
                space.save(path)
        space.prepare_search(path.with_suffix(".ivf") if path is not None else None, self.label_exact_limit)
        return space

    @property
    def skills(self) -> ConceptSpace[EscoSkill]:
        if self._skills is None:
            self.load()
        assert self._skills is not None
        return self._skills

    @property
    def occupations(self) -> ConceptSpace[EscoOccupation]:
        if self._occupations is None:
            self.load()
        assert self._occupations is not None
        return self._occupations

    def query_vectors(self, text: str, known: Mapping[str, np.ndarray] | None = None, split: bool = True) -> np.ndarray:
        """The text's vector followed by its clauses' vectors (unless `split` is off); `known` vectors are
        reused, the rest encoded in one call."""
        parts = [text, *(clauses(text) if split else ())]
        known = known or {}
        missing = [p for p in parts if p not in known]
        fresh = dict(zip(missing, self.encoder.encode(missing), strict=True)) if missing else {}
        return np.vstack([known[p] if p in known else fresh[p] for p in parts])

    def match_skills(
        self,
        text: str,
        top: int = 5,
        min_score: float = -1.0,
        known: Mapping[str, np.ndarray] | None = None,
        split: bool = True,
    ) -> list[ConceptMatch]:
        """`split` adds each clause of the text as a query of its own (see `clauses`)."""
        queries = self.query_vectors(text, known, split)
        return self.skills.rank(queries, text, self.skill_weights, top, min_score)

    def match_occupations(self, text: str, top: int = 5, vector: np.ndarray | None = None) -> list[ConceptMatch]:
        if self.multilingual is not None and not _reads_as_english(text):
            return self._match_occupations_multilingual(text, top)
        query = vector if vector is not None else self.encoder.encode([text])[0]
        return self.occupations.rank(query.reshape(1, -1), text, self.occupation_weights, top)

    def _match_occupations_multilingual(self, text: str, top: int) -> list[ConceptMatch]:
        """MiniLM and BM25 read ESCO's English labels with English words only: a Thai or Finnish goal meets the
        labels through the multilingual encoder instead."""
        if self._multilingual_occupations is None:
            self.load()
        assert self.multilingual is not None and self._multilingual_occupations is not None
        sims = self._multilingual_occupations @ self.multilingual[1].encode([text])[0]
        k = min(top, len(sims))
        if k <= 0:
            return []
        best = np.argpartition(-sims, k - 1)[:k]
        best = best[np.lexsort((best, -sims[best]))]
        low, high = self.occupation_scale
        concepts = self.occupations.concepts
        return [
            ConceptMatch(concepts[i].uri, concepts[i].label, float((sims[i] - low) / (high - low)), concepts[i].label)
            for i in best
        ]

    def skill_label(self, uri: str) -> str:
        return self.vocabulary.skills[uri].label

    def skill_vector(self, uri: str) -> np.ndarray:
        """The preferred-label vector of a skill (the first row of its block)."""
        space = self.skills
        i = space.index_of[uri]
        return space.label_vectors[space._starts[i]]
