"""Builds the long-lived parts (store, ESCO vocabulary) from the settings, each once and only when asked."""

from __future__ import annotations

from functools import cached_property

from knowledge.catalog import DEFAULT_CATALOG
from knowledge.esco import EscoUnavailable, EscoVocabulary, load_vocabulary
from knowledge.models import Catalog
from knowledge.store import CatalogStore
from stackwise.settings import Settings


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

    @property
    def seed_catalog_path(self):  # type: ignore[no-untyped-def]
        return self.settings.catalog_path or DEFAULT_CATALOG

    def catalog(self) -> Catalog:
        return self.store.load()
