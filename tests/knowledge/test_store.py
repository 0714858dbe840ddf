from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from knowledge.catalog import export, import_report, validate_file, validate_text
from knowledge.esco import EscoVocabulary
from knowledge.store import CatalogStore, content_hash

pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")


def _import(store: CatalogStore, path: Path, vocabulary: EscoVocabulary, replace: bool = False):  # type: ignore[no-untyped-def]
    context = None if replace else store.load()
    return import_report(store, validate_file(path, vocabulary, context), replace)


def test_import_then_load_gives_the_file_catalog(
    store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary
) -> None:
    result = _import(store, small_catalog_path, vocabulary)
    assert result.written and result.revision == 1
    loaded = store.load()
    assert loaded.credentials == result.report.catalog.credentials
    assert content_hash(loaded) == content_hash(result.report.catalog)


def test_import_is_all_or_nothing_on_a_bad_file(
    store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    _import(store, small_catalog_path, vocabulary)
    before = export(store.load(), "json")
    doc = yaml.safe_load(small_catalog_path.read_text())
    good = copy.deepcopy(doc["credentials"][0])
    good["id"], good["title"] = "new-good-one", "A new and valid credential"
    doc["credentials"].append(good)
    doc["credentials"][1]["price"] = -5
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, sort_keys=False))
    result = _import(store, bad, vocabulary)
    assert not result.written and len(result.report.errors) == 1
    assert export(store.load(), "json") == before
    assert "new-good-one" not in store.load().credential_by_id
    assert store.revision()[0] == 1


def test_merge_import_updates_and_keeps_the_rest(
    store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    _import(store, small_catalog_path, vocabulary)
    doc = yaml.safe_load(small_catalog_path.read_text())
    update = {"credentials": [dict(doc["credentials"][0], price=99)]}
    path = tmp_path / "update.yaml"
    path.write_text(yaml.safe_dump(update, sort_keys=False))
    result = _import(store, path, vocabulary)
    assert result.written and result.revision == 2
    loaded = store.load()
    assert len(loaded) == 4 and loaded.credential_by_id["data-basics"].price == 99


def test_replace_import_makes_the_store_exactly_the_file(
    store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    _import(store, small_catalog_path, vocabulary)
    doc = yaml.safe_load(small_catalog_path.read_text())
    doc["credentials"] = [c for c in doc["credentials"] if c["id"] == "green-farm-audit"]
    doc["stacks"] = []
    path = tmp_path / "small.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    assert _import(store, path, vocabulary, replace=True).written
    assert [c.id for c in store.load()] == ["green-farm-audit"]


def test_reimporting_the_same_file_keeps_the_revision(
    store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary
) -> None:
    _import(store, small_catalog_path, vocabulary)
    _import(store, small_catalog_path, vocabulary)
    assert store.revision()[0] == 1


def test_delete_credential(store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary) -> None:
    _import(store, small_catalog_path, vocabulary)
    assert store.delete_credential("green-farm-audit")
    assert not store.delete_credential("green-farm-audit")
    assert "green-farm-audit" not in store.load().credential_by_id


def test_csv_with_three_broken_rows_changes_nothing(
    store: CatalogStore, small_catalog_path: Path, vocabulary: EscoVocabulary
) -> None:
    _import(store, small_catalog_path, vocabulary)
    before = export(store.load(), "csv")
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(before)))
    template = rows[0]
    good = [dict(template, id=f"extra-{i}", title=f"Extra credential {i}") for i in range(20)]
    good[3]["eqf_level"] = "nine"
    good[9]["currency"] = "EURO"
    good[15]["provider_id"] = "no-such-provider"
    good[15]["provider_name"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(template), lineterminator="\n")
    writer.writeheader()
    writer.writerows(good)
    report = validate_text(out.getvalue(), "csv", "catalog.csv", vocabulary, store.load())
    result = import_report(store, report, replace=False)
    assert not result.written
    assert len(report.errors) == 3
    assert [e.line for e in report.errors] == [5, 11, 17]
    assert export(store.load(), "csv") == before
