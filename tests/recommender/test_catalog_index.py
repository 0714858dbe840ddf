from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from knowledge.models import Catalog
from knowledge.store import content_hash
from recommender.catalog_index import CatalogIndex, IndexMismatch, IndexMissing, IndexStore
from tests.fakes import HashingEncoder


def test_build_indexes_every_outcome_title_and_description(small_catalog: Catalog, encoder: HashingEncoder) -> None:
    index = CatalogIndex.build(small_catalog, encoder)
    expected = sum(len(c.learning_outcomes) + 2 for c in small_catalog)
    assert len(index.entries) == expected == index.manifest.entries
    hits = index.search(encoder.encode(["Assess the environmental impact of a small mixed farm"])[0], 1)
    assert hits[0][1].credential_id == "green-farm-audit" and hits[0][1].kind == "outcome"


def test_rebuild_reembeds_only_changed_text(small_catalog: Catalog, encoder: HashingEncoder) -> None:
    first = CatalogIndex.build(small_catalog, encoder)
    changed = dataclasses.replace(small_catalog.credentials[0], title="A completely new title")
    catalog = Catalog(small_catalog.providers, small_catalog.stacks, (changed, *small_catalog.credentials[1:]))
    before = encoder.texts_encoded
    CatalogIndex.build(catalog, encoder, reuse=first)
    assert encoder.texts_encoded - before == 1


def test_publish_swaps_atomically_and_load_checks_the_manifest(
    small_catalog: Catalog, encoder: HashingEncoder, tmp_path: Path
) -> None:
    store = IndexStore(tmp_path / "index")
    with pytest.raises(IndexMissing):
        store.load()
    store.publish(CatalogIndex.build(small_catalog, encoder))
    v1 = store.version()
    store.publish(CatalogIndex.build(small_catalog, encoder))
    assert store.version() != v1 and os.path.islink(store.current)
    loaded = store.load(model=encoder.name, dimension=encoder.dimension, catalog_hash=content_hash(small_catalog))
    assert loaded.manifest.credentials == len(small_catalog)
    with pytest.raises(IndexMismatch, match="model"):
        store.load(model="another-model")
    with pytest.raises(IndexMismatch, match="different catalog"):
        store.load(catalog_hash="0" * 64)


def test_a_crashed_build_leaves_the_live_index_alone(
    small_catalog: Catalog, encoder: HashingEncoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = IndexStore(tmp_path / "index")
    store.publish(CatalogIndex.build(small_catalog, encoder))
    live = store.version()

    def explode(self: CatalogIndex, directory: Path) -> None:
        directory.mkdir(parents=True)
        (directory / "vectors.npy").write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(CatalogIndex, "save", explode)
    with pytest.raises(OSError):
        store.publish(CatalogIndex.build(small_catalog, encoder))
    monkeypatch.undo()
    assert store.version() == live
    assert store.load().manifest.entries > 0
