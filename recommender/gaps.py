"""From a goal and what a learner knows to the skills they still need (the gap), weighted.

Goal -> closest ESCO occupations -> their essential (then optional) skills, plus skills named in the goal
itself. Known skills are matched to ESCO too; a target counts as covered when a known skill is the same or
close enough in meaning ("Excel" covers "use spreadsheets software").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from knowledge.esco import EscoVocabulary
from knowledge.schema import ESCO_SKILL_PREFIX
from recommender.language import TeachingWish, primary, teaching_wish
from recommender.skills import ConceptMatch, SkillMatcher, clauses


@dataclass(frozen=True, slots=True)
class GapSettings:
    occupations: int = 3  # at most this many occupations explain a goal
    occupation_margin: float = 0.08  # ... within this score of the best one
    occupation_floor: float = 0.35
    essential_weight: float = 1.0
    optional_weight: float = 0.35
    goal_skills: int = 6
    goal_skill_floor: float = 0.45
    max_targets: int = 30
    known_per_item: int = 2
    known_floor: float = 0.45
    cover_similarity: float = 0.80  # known skill vs target skill (label vectors)
    cover_text_similarity: float = 0.62  # learner's own words vs target skill label
    # Embedding each clause of the goal on its own doubles the encoder's work per request for half a point of
    # nDCG@10 on the judged set (benchmarks/ranking_quality.py reports both); off, recommend() fits its 30 ms.
    goal_clauses: bool = False


@dataclass(frozen=True, slots=True)
class TargetSkill:
    uri: str
    label: str
    weight: float
    relation: Literal["essential", "optional", "goal"]
    via: str  # the occupation or the goal phrase that brought it in


@dataclass(frozen=True, slots=True)
class KnownSkill:
    text: str  # in the learner's words
    uri: str
    label: str
    score: float


@dataclass(frozen=True, slots=True)
class CoveredTarget:
    target: TargetSkill
    by: str  # the known skill's label or the learner's words
    similarity: float


@dataclass(frozen=True)
class GapAnalysis:
    goal: str
    occupations: tuple[ConceptMatch, ...]
    targets: tuple[TargetSkill, ...]
    known: tuple[KnownSkill, ...]
    covered: tuple[CoveredTarget, ...]
    gaps: tuple[TargetSkill, ...]
    unmatched_known: tuple[str, ...] = field(default=())
    topic: str = ""  # the goal without the language it asks to be taught in (see language.teaching_wish)
    taught_in: tuple[str, ...] = field(default=())  # the languages the goal asks its courses to be taught in
    language: str | None = None  # the language the goal is written in (None when too short to tell)

    @property
    def about(self) -> str:
        """The words to match credentials against."""
        return self.topic or self.goal

    @property
    def gap_weight(self) -> float:
        return sum(g.weight for g in self.gaps)


_SPLIT = re.compile(r"\s*(?:[,;\n|]|\band\b)\s*")


def split_skills(items: tuple[str, ...]) -> list[str]:
    """Learners list skills in one breath ("Excel, some SQL and Python"); treat each part on its own."""
    out: list[str] = []
    for item in items:
        if item.startswith(ESCO_SKILL_PREFIX):
            out.append(item)
        else:
            out.extend(p.strip() for p in _SPLIT.split(item) if p.strip())
    return list(dict.fromkeys(out))


class GapAnalyser:
    def __init__(
        self,
        matcher: SkillMatcher,
        vocabulary: EscoVocabulary,
        settings: GapSettings = GapSettings(),
        without_limits: Callable[[str], str] | None = None,
    ) -> None:
        """`without_limits`: the goal less the limits it states ("..., online, anggaran 3 juta rupiah"), which are
        filters, not the topic (the API passes its message reader's `topic`)."""
        self.matcher = matcher
        self.vocabulary = vocabulary
        self.settings = settings
        self.without_limits = without_limits

    def _wish(self, goal: str) -> TeachingWish:
        return teaching_wish(self.without_limits(goal) if self.without_limits is not None else goal)

    def texts(self, goal: str, skills: tuple[str, ...]) -> list[str]:
        """Every text an analysis embeds, so the caller can encode them in one batch."""
        phrases = [p for p in split_skills(skills) if not p.startswith(ESCO_SKILL_PREFIX)]
        topic = self._wish(goal).topic
        out = [topic, *(clauses(topic) if self.settings.goal_clauses else ())]
        for phrase in phrases:
            out += [phrase, *clauses(phrase)]
        return list(dict.fromkeys(out))

    def targets(
        self, goal: str, vectors: Mapping[str, np.ndarray]
    ) -> tuple[tuple[ConceptMatch, ...], list[TargetSkill]]:
        goal_vector = vectors[goal]
        s = self.settings
        weights: dict[str, TargetSkill] = {}

        def add(uri: str, weight: float, relation: Literal["essential", "optional", "goal"], via: str) -> None:
            current = weights.get(uri)
            if current is None:
                weights[uri] = TargetSkill(uri, self.vocabulary.skill_label(uri), weight, relation, via)
            else:  # several occupations needing one skill make it weigh more, up to twice
                weights[uri] = TargetSkill(
                    uri, current.label, min(current.weight + weight * 0.5, 2.0), current.relation, current.via
                )

        occupations: tuple[ConceptMatch, ...] = ()
        if self.vocabulary.has_relations:
            ranked = self.matcher.match_occupations(goal, top=s.occupations, vector=goal_vector)
            if ranked:
                best = ranked[0].score
                occupations = tuple(o for o in ranked if o.score >= max(best - s.occupation_margin, s.occupation_floor))
            for occ in occupations:
                strength = occ.score / occupations[0].score
                for uri in self.vocabulary.essential.get(occ.uri, ()):
                    add(uri, s.essential_weight * strength, "essential", occ.label)
                for uri in self.vocabulary.optional.get(occ.uri, ()):
                    add(uri, s.optional_weight * strength, "optional", occ.label)
        goal_skills = self.matcher.match_skills(
            goal, top=s.goal_skills, min_score=s.goal_skill_floor, known=vectors, split=s.goal_clauses
        )
        for match in goal_skills:
            add(match.uri, 1.2, "goal", goal)
        ranked_targets = sorted(weights.values(), key=lambda t: (-t.weight, t.label))[: s.max_targets]
        return occupations, ranked_targets

    def known(self, items: tuple[str, ...], vectors: Mapping[str, np.ndarray]) -> tuple[list[KnownSkill], list[str]]:
        """ESCO skills behind the learner's words, and the words that matched nothing."""
        s = self.settings
        known: list[KnownSkill] = []
        unmatched: list[str] = []
        for phrase in split_skills(items):
            if phrase.startswith(ESCO_SKILL_PREFIX):
                if self.vocabulary.has_skill(phrase):
                    known.append(KnownSkill(phrase, phrase, self.vocabulary.skill_label(phrase), 1.0))
                else:
                    unmatched.append(phrase)
                continue
            matches = self.matcher.match_skills(phrase, top=s.known_per_item, min_score=s.known_floor, known=vectors)
            if not matches:
                unmatched.append(phrase)
            known.extend(KnownSkill(phrase, m.uri, m.label, m.score) for m in matches)
        return known, unmatched

    def analyse(
        self, goal: str, skills: tuple[str, ...], vectors: Mapping[str, np.ndarray] | None = None
    ) -> GapAnalysis:
        """`vectors` may hold the embeddings of `texts(goal, skills)`; whatever is missing is encoded here."""
        s = self.settings
        texts = self.texts(goal, skills)
        given = dict(vectors or {})
        missing = [t for t in texts if t not in given]
        if missing:
            given.update(zip(missing, self.matcher.encoder.encode(missing), strict=True))
        wish = self._wish(goal)
        occupations, targets = self.targets(wish.topic, given)
        known, unmatched = self.known(skills, given)
        phrase_vectors = {p: given[p] for p in split_skills(skills) if p in given}
        covered: list[CoveredTarget] = []
        gaps: list[TargetSkill] = []
        known_vectors = np.vstack([self.matcher.skill_vector(k.uri) for k in known]) if known else None
        phrases = list(phrase_vectors)
        phrase_matrix = np.vstack([phrase_vectors[p] for p in phrases]) if phrases else None
        known_uris = {k.uri: k for k in known}
        for target in targets:
            if target.uri in known_uris:
                covered.append(CoveredTarget(target, known_uris[target.uri].label, 1.0))
                continue
            vector = self.matcher.skill_vector(target.uri)
            hit: CoveredTarget | None = None
            if known_vectors is not None:
                sims = known_vectors @ vector
                i = int(np.argmax(sims))
                if sims[i] >= s.cover_similarity:
                    hit = CoveredTarget(target, known[i].label, float(sims[i]))
            if hit is None and phrase_matrix is not None:
                sims = phrase_matrix @ vector
                i = int(np.argmax(sims))
                if sims[i] >= s.cover_text_similarity:
                    hit = CoveredTarget(target, phrases[i], float(sims[i]))
            if hit is not None:
                covered.append(hit)
            else:
                gaps.append(target)
        return GapAnalysis(
            goal,
            occupations,
            tuple(targets),
            tuple(known),
            tuple(covered),
            tuple(gaps),
            tuple(unmatched),
            wish.topic,
            wish.languages,
            primary(goal),
        )
