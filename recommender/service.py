"""RecommenderService: the one facade the CLI and the API use.

Cheap constructor; `load()` reads (or builds and publishes) the outcome index and the ESCO vectors. After that,
`recommend()` and `pathway()` are read-only and safe to call from several threads.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog, Credential
from knowledge.store import content_hash
from recommender import language, lexical
from recommender.catalog_index import CatalogIndex, IndexMismatch, IndexMissing, IndexStore, entry_texts
from recommender.encoder import Encoder, Progress, text_key
from recommender.gaps import GapAnalyser, GapAnalysis, GapSettings
from recommender.index import DEFAULT_EXACT_LIMIT
from recommender.pathways import Pathway, PathwayPlanner, PlannerSettings
from recommender.ranking import HeldBack, Loosening, Multilingual, RankedCredential, Ranker, RankingSettings
from recommender.request import LearnerRequest
from recommender.skills import ConceptMatch, SkillMatcher


@dataclass(frozen=True)
class Recommendations:
    request: LearnerRequest
    analysis: GapAnalysis
    results: tuple[RankedCredential, ...]
    index_version: str = ""
    held_back: tuple[HeldBack, ...] = ()
    fitting: int = 0  # on-topic credentials that pass every limit
    loosen: tuple[Loosening, ...] = ()  # when the list is short: what dropping each limit would add


@dataclass(frozen=True)
class PathwayPlan:
    request: LearnerRequest
    analysis: GapAnalysis
    pathway: Pathway
    considered: int = 0


@dataclass
class _State:
    catalog: Catalog
    index: CatalogIndex
    ranker: Ranker
    planner: PathwayPlanner
    version: str = ""


@dataclass(frozen=True)
class ServiceSettings:
    gaps: GapSettings = field(default_factory=GapSettings)
    ranking: RankingSettings = field(default_factory=RankingSettings)
    planner: PlannerSettings = field(default_factory=PlannerSettings)
    exact_limit: int = DEFAULT_EXACT_LIMIT
    candidates_for_pathway: int = 40
    held_back: int = 3  # closer matches the learner's limits leave out, reported beside the results


class RecommenderService:
    def __init__(
        self,
        catalog: Callable[[], Catalog],
        vocabulary: EscoVocabulary,
        encoder: Encoder,
        index_store: IndexStore,
        cache_dir: Path | None = None,
        settings: ServiceSettings = ServiceSettings(),
        today: Callable[[], dt.date] = dt.date.today,
        build_encoder: Encoder | None = None,
        multilingual: tuple[Encoder, Encoder] | None = None,
        without_limits: Callable[[str], str] | None = None,
    ) -> None:
        """`multilingual`: a second encoder that reads the learners' languages, as (passages, queries); catalog
        text is embedded by it when an index is installed (cached like the index's own vectors).
        `without_limits`: a goal less the limits it states (budget, hours, mode), matched instead of the whole goal."""
        self._catalog_source = catalog
        self.vocabulary = vocabulary
        self.encoder = encoder
        self.build_encoder = build_encoder or encoder
        self.multilingual = multilingual
        self.index_store = index_store
        self.settings = settings
        self.today = today
        self.matcher = SkillMatcher(
            vocabulary, encoder, cache_dir, build_encoder=self.build_encoder, multilingual=multilingual
        )
        self.gaps = GapAnalyser(self.matcher, vocabulary, settings.gaps, without_limits)
        self._state: _State | None = None
        self._lock = threading.Lock()
        self._swap = threading.Lock()  # one publish-or-reload at a time, so an older build never wins a race

    # -- lifecycle -------------------------------------------------------------------------------------------

    def load(self, progress: Progress | None = None, build_if_needed: bool = True) -> RecommenderService:
        language.prepare()
        lexical.prepare()
        self.matcher.load(progress)
        catalog = self._catalog_source()
        try:
            version, index = self.index_store.load_live(
                model=self.encoder.name, dimension=self.encoder.dimension, catalog_hash=content_hash(catalog)
            )
        except (IndexMissing, IndexMismatch):
            if not build_if_needed:
                raise
            self.rebuild(catalog, progress)
            return self
        self._install(catalog, index, version)
        return self

    def rebuild(self, catalog: Catalog | None = None, progress: Progress | None = None) -> CatalogIndex:
        """Build aside, reusing unchanged vectors, then publish atomically and switch to it."""
        catalog = catalog if catalog is not None else self._catalog_source()
        previous = self._state.index if self._state else None
        if previous is None and self.index_store.exists():
            try:
                previous = self.index_store.load()
            except (IndexMismatch, OSError, ValueError):
                previous = None
        index = CatalogIndex.build(catalog, self.build_encoder, self.settings.exact_limit, progress, reuse=previous)
        with self._swap:
            build = self.index_store.publish(index)
            self._install(catalog, index, self.index_store.version_of(build))
        return index

    def reload_if_changed(self) -> bool:
        """Pick up a build another process published (API replicas share one index directory).

        The new state is built beside the live one and swapped in by one assignment: requests in flight finish
        on the state they started with. Raises IndexMismatch when the published build does not fit the store's
        catalog (it changed again; the next publish will fit) and keeps serving the old state."""
        with self._swap:
            if self._state is not None and self.index_store.version() == self._state.version:
                return False
            catalog = self._catalog_source()
            version, index = self.index_store.load_live(
                model=self.encoder.name, dimension=self.encoder.dimension, catalog_hash=content_hash(catalog)
            )
            self._install(catalog, index, version)
            return True

    def _install(self, catalog: Catalog, index: CatalogIndex, version: str) -> None:
        second = None
        if self.multilingual is not None:
            passages, queries = self.multilingual
            texts = {text_key(text): text for c in catalog for _, _, text in entry_texts(c)}
            rows = [texts[e.key] for e in index.entries]
            second = Multilingual(passages.encode(rows), queries)
        ranker = Ranker(
            catalog, index, self.matcher.skill_vector, self.settings.ranking, second, self.matcher.skill_label
        )
        state = _State(catalog, index, ranker, PathwayPlanner(catalog, self.settings.planner), version)
        with self._lock:
            self._state = state

    @property
    def version(self) -> str:
        """The build this service answers from (a path under the index directory)."""
        return self.state.version

    @property
    def loaded(self) -> bool:
        return self._state is not None

    def source_catalog(self) -> Catalog:
        """The catalog as the source has it now (the store), which may be newer than the loaded one."""
        return self._catalog_source()

    @property
    def state(self) -> _State:
        if self._state is None:
            raise RuntimeError("RecommenderService.load() has not been called")
        return self._state

    @property
    def catalog(self) -> Catalog:
        return self.state.catalog

    @property
    def index(self) -> CatalogIndex:
        return self.state.index

    # -- queries ---------------------------------------------------------------------------------------------

    def analyse(self, request: LearnerRequest) -> tuple[GapAnalysis, np.ndarray]:
        texts = self.gaps.texts(request.goal, request.skills)  # one encoder call for goal, clauses and skills
        vectors = dict(zip(texts, self.encoder.encode(texts), strict=True))
        analysis = self.gaps.analyse(request.goal, request.skills, vectors)
        return analysis, vectors[analysis.about]

    def recommend(self, request: LearnerRequest, mode: str | None = None) -> Recommendations:
        state = self.state
        analysis, goal_vector = self.analyse(request)
        ranking = state.ranker.rank(
            analysis,
            goal_vector,
            request.constraints,
            request.limit,
            self.today(),
            mode,
            held_back=self.settings.held_back,
            study_languages=frozenset(request.languages),
        )
        return Recommendations(
            request,
            analysis,
            tuple(ranking.results),
            state.version,
            tuple(ranking.held_back),
            ranking.fitting,
            ranking.loosen,
        )

    def pathway(self, request: LearnerRequest) -> PathwayPlan:
        state = self.state
        analysis, goal_vector = self.analyse(request)
        ranked = state.ranker.rank(
            analysis,
            goal_vector,
            request.constraints,
            self.settings.candidates_for_pathway,
            self.today(),
            per_credential_price=False,
            study_languages=frozenset(request.languages),
        ).results
        pathway = state.planner.plan(ranked, analysis, request.constraints, self.today())
        return PathwayPlan(request, analysis, pathway, len(ranked))

    def match_skills(self, text: str, top: int = 5) -> list[ConceptMatch]:
        return self.matcher.match_skills(text, top=top)

    def match_occupations(self, text: str, top: int = 5) -> list[ConceptMatch]:
        return self.matcher.match_occupations(text, top=top)

    def similar(self, credential_id: str, limit: int = 5) -> list[tuple[Credential, float]]:
        """Credentials whose outcomes are closest to this one's (mean of outcome vectors)."""
        state = self.state
        rows = state.index.rows_of.get(credential_id)
        if not rows:
            raise KeyError(credential_id)
        centre = state.index.vectors[rows].mean(axis=0)
        centre /= np.linalg.norm(centre) or 1.0
        hits = state.index.search(centre, limit * 12 + len(rows))
        best: dict[str, float] = {}
        for score, entry in hits:
            if entry.credential_id and entry.credential_id != credential_id:
                best[entry.credential_id] = max(best.get(entry.credential_id, -1.0), score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [
            (state.catalog.credential_by_id[cid], score)
            for cid, score in ranked
            if cid in state.catalog.credential_by_id
        ]
