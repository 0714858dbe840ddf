"""Incomplete catalogs: an EU element a record leaves out is a warning and stays "not stated", never a default."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from sqlalchemy import select

from knowledge.catalog import export, import_report, validate_text
from knowledge.completeness import completeness, not_stated
from knowledge.models import Catalog
from knowledge.store import CatalogStore, CredentialRow
from tests.factories import PROVIDER, credential, document, validate_document

# Every element a source may leave out, and the record keys that state it.
LEFT_OUT = {
    "price": ("price", "currency"),
    "eqf_level": ("eqf_level",),
    "participation": ("participation",),
    "assessment": ("assessment",),
    "quality_assurance": ("quality_assurance",),
    "languages": ("languages",),
    "schedule": ("schedule",),
    "duration_weeks": ("duration_weeks",),
    "hours_per_week": ("hours_per_week",),
    "workload": ("ects", "hours"),
}


def _bare(**keep: Any) -> dict[str, Any]:
    """The factory credential without any of the elements that may be left out."""
    return credential(**{key: ... for keys in LEFT_OUT.values() for key in keys} | keep)


def test_a_record_lacking_every_element_imports_with_one_warning_each() -> None:
    report = validate_document(document(_bare()))
    assert report.ok, [str(i) for i in report.errors]
    (cred,) = report.catalog.credentials
    assert set(cred.unstated) == set(LEFT_OUT)
    assert (cred.price, cred.eqf_level, cred.participation, cred.duration_weeks, cred.hours_per_week) == (None,) * 5
    assert cred.assessment is None and cred.quality_assurance is None and cred.workload_hours is None
    assert not cred.is_free and not cred.schedule.stated and cred.languages == ()
    warned = [w for w in report.warnings if w.message.startswith("not stated;")]
    assert len(warned) == len(LEFT_OUT)
    price = next(w for w in warned if w.field == "credentials[0].price")
    assert price.pointer == "/credentials/0/price"
    assert "only if they accept 'price not stated'" in price.message and "0 if free" in price.message
    assert str(price).startswith("catalog.json#/credentials/0/price: credentials[0].price: not stated;")


def test_null_is_the_same_as_leaving_the_key_out() -> None:
    nulls = credential(price=None, eqf_level=None, participation=None, hours_per_week=None, schedule=None)
    report = validate_document(document(nulls))
    assert report.ok, [str(i) for i in report.errors]
    (cred,) = report.catalog.credentials
    assert {"price", "eqf_level", "participation", "hours_per_week", "schedule"} == set(cred.unstated)


def test_a_stated_record_gets_no_not_stated_warning() -> None:
    report = validate_document(document(credential()))
    assert report.ok and not [w for w in report.warnings if "not stated" in w.message]
    assert report.catalog.credentials[0].unstated == ()


def test_a_stated_free_price_stays_free_and_zero() -> None:
    (cred,) = validate_document(document(credential(price=0))).catalog.credentials
    assert cred.is_free and cred.price == 0 and "price" not in cred.unstated


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "ob3"])
def test_exports_write_nothing_for_an_unstated_element_and_import_back_the_same(fmt: str) -> None:
    original = validate_document(document(_bare(ects=2), credential(id="full"))).catalog
    text = export(original, fmt)  # type: ignore[arg-type]
    context = Catalog(providers=original.providers) if fmt in ("csv", "ob3") else None
    report = validate_text(text, fmt, f"export.{fmt}", None, context)  # type: ignore[arg-type]
    assert report.ok, [str(i) for i in report.errors]
    assert report.catalog.credentials == original.credentials
    assert export(report.catalog, fmt) == text  # type: ignore[arg-type]
    if fmt == "json":
        bare = next(c for c in json.loads(text)["credentials"] if c["id"] == "cred")
        assert not {"price", "currency", "eqf_level", "participation", "schedule", "hours_per_week"} & set(bare)
    if fmt == "ob3":
        bare = next(a for a in json.loads(text) if a["stackwiseOffering"]["id"] == "cred")
        assert "price" not in bare["stackwiseOffering"] and "unstated" not in bare["stackwiseOffering"]
        assert not any(a.get("targetFramework") == "European Qualifications Framework" for a in bare["alignment"])


def test_csv_empty_cells_are_not_stated_and_export_as_empty_cells() -> None:
    original = validate_document(document(_bare(ects=2))).catalog
    (row,) = csv.DictReader(io.StringIO(export(original, "csv")))
    assert "unstated" not in row
    for column in ("price", "currency", "eqf_level", "participation", "self_paced", "start_dates", "hours_per_week"):
        assert row[column] == "", column
    report = validate_text(export(original, "csv"), "csv", "cat.csv", None)
    warned = {w.field for w in report.warnings if w.message.startswith("not stated;")}
    assert {"price", "eqf_level", "participation", "hours_per_week", "duration_weeks"} <= warned
    assert all(w.line == 2 for w in report.warnings if w.message.startswith("not stated;"))


def test_csv_self_paced_false_without_start_dates_is_still_an_error() -> None:
    text = export(validate_document(document(credential(schedule={"start_dates": ["2027-02-01"]}))).catalog, "csv")
    text = text.replace("2027-02-01", "")
    report = validate_text(text, "csv", "cat.csv", None)
    assert any("start_dates or set self_paced" in e.message for e in report.errors)


def test_the_store_keeps_null_for_unstated_elements(store: CatalogStore) -> None:
    report = validate_document(document(_bare(ects=2), credential(id="full")))
    assert import_report(store, report, replace=True).written
    assert store.load().credentials == report.catalog.credentials
    with store.session() as s:
        row = s.get(CredentialRow, "cred")
        assert row is not None
        assert (row.price, row.eqf_level, row.participation, row.hours_per_week, row.duration_weeks) == (None,) * 5
        assert "price" not in row.document and "unstated" not in row.document
        assert s.scalars(select(CredentialRow.id).where(CredentialRow.price.is_(None))).all() == ["cred"]


def test_completeness_counts_each_element_per_provider() -> None:
    other = {**PROVIDER, "id": "other", "name": "Other"}
    del other["country"]
    doc = document(
        _bare(ects=2),
        credential(id="no-price", price=...),
        credential(id="full"),
        credential(id="elsewhere", provider="other", eqf_level=...),
        providers=[dict(PROVIDER), other],
    )
    report = validate_document(doc)
    assert report.ok, [str(i) for i in report.errors]
    rows = {r.provider: r for r in completeness(report.catalog)}
    prov, oth = rows["prov"], rows["other"]
    assert (prov.credentials, prov.complete) == (3, 2)  # the bare one lacks mandatory elements
    assert prov.missing["price"] == 2 and prov.missing["eqf_level"] == 1 and prov.missing["assessment"] == 1
    assert prov.missing["workload"] == 0 and prov.missing["title"] == 0 and prov.missing["provider_country"] == 0
    assert (oth.credentials, oth.complete, oth.missing["provider_country"], oth.missing["eqf_level"]) == (1, 0, 1, 1)
    assert list(rows) == ["other", "prov"]  # least complete first


def test_not_stated_reads_as_words() -> None:
    assert not_stated("price") == "price not stated"
    assert not_stated("eqf_level") == "EQF level not stated"
    assert not_stated("workload") == "notional workload not stated"


def test_a_store_from_before_unstated_elements_migrates_with_its_rows(database_url: str) -> None:
    """0001 made these columns NOT NULL; the migration keeps every row, and SQLite's table rebuild keeps its keys."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy.orm import Session

    from knowledge.schema import ProviderRecord, record_document
    from knowledge.store import MIGRATIONS, VERSION_TABLE, ProviderRow, _credential_row, make_engine

    stated = validate_document(document(credential())).catalog
    engine = make_engine(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["version_table"] = VERSION_TABLE
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001_catalog")
    with Session(engine) as s, s.begin():
        (p,) = stated.providers
        s.add(
            ProviderRow(
                id=p.id, name=p.name, country=p.country, document=record_document(ProviderRecord.from_domain(p))
            )
        )
        s.flush()
        s.add(_credential_row(stated.credentials[0], dt.datetime.now(dt.UTC)))
    engine.dispose()
    store = CatalogStore(database_url).open()
    try:
        assert store.load().credentials == stated.credentials
        report = validate_document(document(_bare(id="bare", ects=2)))
        assert import_report(store, report, replace=False).written
        assert store.load().credential_by_id["bare"] == report.catalog.credentials[0]
    finally:
        store.close()
