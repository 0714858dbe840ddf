"""Ranking credentials for a learner: relevance to the goal (dense + BM25, fused), coverage of the skill gap by
learning outcomes, and diminishing returns for outcomes the learner already has. Filters are exact.

Every result carries its explanation: which outcomes matched which gap skill or the goal, with scores, and
which gap skills it leaves uncovered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.models import Catalog, Credential
from recommender.catalog_index import CatalogIndex
from recommender.gaps import GapAnalysis, TargetSkill
from recommender.lexical import LexicalIndex
from recommender.request import Constraints, violations


@dataclass(frozen=True, slots=True)
class RankingSettings:
    fusion: str = "convex"  # "convex" or "rrf"
    dense_weight: float = 0.6  # within relevance: dense vs lexical
    relevance_weight: float = 0.55
    coverage_weight: float = 0.45
    redundancy_penalty: float = 0.25
    rrf_k: int = 20
    sim_low: float = 0.30  # cosine at which an outcome starts to count as covering a skill ...
    sim_high: float = 0.70  # ... and at which it counts fully
    explain_threshold: float = 0.5
    known_threshold: float = 0.75


@dataclass(frozen=True, slots=True)
class OutcomeMatch:
    outcome: str
    need: str  # the gap skill's label, or "goal"
    need_uri: str | None
    score: float
    via: str  # "ESCO link" or "meaning"


@dataclass(frozen=True)
class RankedCredential:
    credential: Credential
    score: float
    relevance: float
    coverage: float
    redundancy: float
    matches: tuple[OutcomeMatch, ...] = field(default=())
    covers: tuple[str, ...] = field(default=())  # gap skill URIs it covers
    uncovered: tuple[TargetSkill, ...] = field(default=())


def calibrate(cosine: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((cosine - low) / (high - low), 0.0, 1.0)


def _minmax(values: np.ndarray) -> np.ndarray:
    if not len(values):
        return values
    lo, hi = float(values.min()), float(values.max())
    return (values - lo) / (hi - lo) if hi > lo else np.zeros_like(values)


def _rrf(values: np.ndarray, k: int) -> np.ndarray:
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(1, len(values) + 1)
    return 1.0 / (k + ranks)


class Ranker:
    def __init__(
        self,
        catalog: Catalog,
        index: CatalogIndex,
        skill_vector: object,
        settings: RankingSettings = RankingSettings(),
    ) -> None:
        self.catalog = catalog
        self.index = index
        self.skill_vector = skill_vector  # Callable[[str], np.ndarray]
        self.settings = settings
        self.lexical = LexicalIndex([_document(c) for c in catalog])
        self.position = {c.id: i for i, c in enumerate(catalog)}
        self._entry_pos = np.asarray([self.position.get(e.credential_id, -1) for e in index.entries], dtype=np.int64)
        # Descriptions are broader than titles and outcomes; they count a little less.
        self._entry_scale = np.asarray(
            [0.9 if e.kind == "description" else 1.0 for e in index.entries], dtype=np.float32
        )

    # -- relevance -------------------------------------------------------------------------------------------

    def relevance_parts(self, goal_vector: np.ndarray, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Dense (best of title, description and outcomes) and BM25 scores for every credential."""
        dense = np.full(len(self.catalog), -1.0, dtype=np.float32)
        sims = (self.index.vectors @ goal_vector) * self._entry_scale
        live = self._entry_pos >= 0
        np.maximum.at(dense, self._entry_pos[live], sims[live])
        lexical = self.lexical.scores(query)
        return dense, lexical

    def relevance(self, dense: np.ndarray, lexical: np.ndarray, mode: str | None = None) -> np.ndarray:
        s = self.settings
        mode = mode or s.fusion
        if mode == "dense":
            return _minmax(dense)
        if mode == "lexical":
            return _minmax(lexical)
        if mode == "rrf":
            return _minmax(_rrf(dense, s.rrf_k) + _rrf(lexical, s.rrf_k))
        return s.dense_weight * _minmax(dense) + (1 - s.dense_weight) * _minmax(lexical)

    # -- ranking ---------------------------------------------------------------------------------------------

    def rank(
        self,
        gap: GapAnalysis,
        goal_vector: np.ndarray,
        constraints: Constraints,
        limit: int,
        today: dt.date,
        mode: str | None = None,
        per_credential_price: bool = True,
    ) -> list[RankedCredential]:
        s = self.settings
        query = " ".join([gap.goal, *(t.label for t in gap.gaps[:5])])
        dense, lexical = self.relevance_parts(goal_vector, gap.goal if mode == "lexical" else query)
        relevance = self.relevance(dense, lexical, mode)
        eligible = [
            i
            for i, c in enumerate(self.catalog.credentials)
            if not violations(c, constraints, self.catalog, today, per_credential_price)
        ]
        if not eligible:
            return []
        gap_vectors = np.vstack([self.skill_vector(t.uri) for t in gap.gaps]) if gap.gaps else None  # type: ignore[operator]
        gap_weights = np.asarray([t.weight for t in gap.gaps], dtype=np.float32)
        known_uris = {k.uri for k in gap.known}
        known_vectors = np.vstack([self.skill_vector(k.uri) for k in gap.known]) if gap.known else None  # type: ignore[operator]
        scored: list[RankedCredential] = []
        for i in eligible:
            credential = self.catalog.credentials[i]
            rows = [r for r in self.index.rows_of.get(credential.id, []) if self.index.entries[r].kind == "outcome"]
            outcome_vectors = (
                self.index.vectors[rows] if rows else np.zeros((0, self.index.manifest.dimension), np.float32)
            )
            coverage, per_gap, best_outcome = self._coverage(credential, outcome_vectors, gap, gap_vectors, gap_weights)
            redundancy = self._redundancy(credential, outcome_vectors, known_uris, known_vectors)
            rel = float(relevance[i])
            if mode in ("dense", "lexical"):  # single-signal baselines for the benchmark
                score = rel
            else:
                score = s.relevance_weight * rel + s.coverage_weight * coverage - s.redundancy_penalty * redundancy
            scored.append(
                RankedCredential(
                    credential,
                    score,
                    rel,
                    coverage,
                    redundancy,
                    *self._explain(credential, gap, per_gap, best_outcome, outcome_vectors, goal_vector),
                )
            )
        scored.sort(key=lambda r: (-r.score, r.credential.id))
        return scored[:limit]

    def _coverage(
        self,
        credential: Credential,
        outcome_vectors: np.ndarray,
        gap: GapAnalysis,
        gap_vectors: np.ndarray | None,
        gap_weights: np.ndarray,
    ) -> tuple[float, np.ndarray, np.ndarray]:
        """Share of the gap's weight that the credential's outcomes cover, per-gap scores, best outcome per gap."""
        if gap_vectors is None or not len(outcome_vectors):
            return 0.0, np.zeros(len(gap.gaps)), np.zeros(len(gap.gaps), dtype=np.int64)
        s = self.settings
        sims = calibrate(outcome_vectors @ gap_vectors.T, s.sim_low, s.sim_high)  # outcomes x gaps
        for o, outcome in enumerate(credential.learning_outcomes[: len(outcome_vectors)]):
            for g, target in enumerate(gap.gaps):
                if target.uri in outcome.skills:
                    sims[o, g] = 1.0
        per_gap = sims.max(axis=0)
        best = sims.argmax(axis=0)
        total = float(gap_weights.sum())
        return (float((per_gap * gap_weights).sum() / total) if total else 0.0), per_gap, best

    def _redundancy(
        self,
        credential: Credential,
        outcome_vectors: np.ndarray,
        known_uris: set[str],
        known_vectors: np.ndarray | None,
    ) -> float:
        """Share of the credential's outcomes that teach what the learner already knows."""
        if not len(outcome_vectors) or (known_vectors is None and not known_uris):
            return 0.0
        known = np.zeros(len(outcome_vectors), dtype=bool)
        if known_vectors is not None:
            known |= (outcome_vectors @ known_vectors.T).max(axis=1) >= self.settings.known_threshold
        for o, outcome in enumerate(credential.learning_outcomes[: len(outcome_vectors)]):
            if known_uris & set(outcome.skills):
                known[o] = True
        return float(known.mean())

    def _explain(
        self,
        credential: Credential,
        gap: GapAnalysis,
        per_gap: np.ndarray,
        best_outcome: np.ndarray,
        outcome_vectors: np.ndarray,
        goal_vector: np.ndarray,
    ) -> tuple[tuple[OutcomeMatch, ...], tuple[str, ...], tuple[TargetSkill, ...]]:
        s = self.settings
        matches: list[OutcomeMatch] = []
        covers: list[str] = []
        uncovered: list[TargetSkill] = []
        outcomes = credential.learning_outcomes
        for g, target in enumerate(gap.gaps):
            score = float(per_gap[g]) if len(per_gap) else 0.0
            if score >= s.explain_threshold:
                o = int(best_outcome[g])
                via = "ESCO link" if target.uri in outcomes[o].skills else "meaning"
                matches.append(OutcomeMatch(outcomes[o].text, target.label, target.uri, round(score, 3), via))
                covers.append(target.uri)
            else:
                uncovered.append(target)
        if len(outcome_vectors):
            goal_sims = outcome_vectors @ goal_vector
            o = int(np.argmax(goal_sims))
            matches.append(OutcomeMatch(outcomes[o].text, "goal", None, round(float(goal_sims[o]), 3), "meaning"))
        matches.sort(key=lambda m: -m.score)
        return tuple(matches[:6]), tuple(covers), tuple(uncovered)


def _document(credential: Credential) -> str:
    return " ".join(
        [
            credential.title,
            credential.title,
            credential.description,
            *(o.text for o in credential.learning_outcomes),
        ]
    )


def ranked_ids(results: Sequence[RankedCredential]) -> list[str]:
    return [r.credential.id for r in results]
