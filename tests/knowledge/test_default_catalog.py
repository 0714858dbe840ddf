"""The shipped catalog: valid, broad enough, linked to real ESCO, and stable through every format."""

from __future__ import annotations

import re

import pytest

from knowledge.catalog import DEFAULT_CATALOG, export, validate_file, validate_text
from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog
from knowledge.validation import catalog_counts


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    report = validate_file(DEFAULT_CATALOG, None)
    assert report.ok, [str(i) for i in report.errors[:10]]
    return report.catalog


def test_shipped_catalog_is_broad_enough(shipped: Catalog) -> None:
    counts = catalog_counts(shipped)
    assert counts["credentials"] >= 300
    assert counts["providers"] >= 30
    assert counts["narrow_fields"] >= 12
    assert counts["stacks"] >= 8
    assert counts["min_outcomes_per_credential"] >= 3
    assert all(len(c.learning_outcomes) <= 8 for c in shipped)


def test_every_esco_uri_exists_in_esco_1_1_1(real_vocabulary: EscoVocabulary) -> None:
    report = validate_file(DEFAULT_CATALOG, real_vocabulary)
    assert report.ok, [str(i) for i in report.errors[:10]]
    assert not report.warnings


def test_stacks_can_be_completed(shipped: Catalog) -> None:
    for stack in shipped.stacks:
        components = shipped.stack_components(stack.id)
        credits = sum(s.ects for c in components for s in c.stacks if s.stack == stack.id)
        assert len(components) >= 2 and credits >= stack.ects, stack.id


@pytest.mark.parametrize(
    "topic",
    [
        r"smallholder",
        r"oil[- ]palm",
        r"plantation|land (tenure|policy)",
        r"\bFDM\b|3D print",
        r"digital marketing|SEO",
        r"data analy",
        r"machine learning|\bAI\b",
        r"entrepreneur",
        r"German|Spanish|French|Bahasa|Mandarin",
        r"vocational|VET",
        r"micro-credential",
        r"cloud",
        r"cyber|security",
        r"project management|scrum|agile",
        r"nurs|health",
        r"solar|heat pump|energy",
        r"logistic|supply chain|warehouse",
        r"financ|accounting",
        r"recruit|HR\b|people analytics",
        r"teach",
    ],
)
def test_covers_what_professionals_ask_for(shipped: Catalog, topic: str) -> None:
    hits = [c for c in shipped if re.search(topic, f"{c.title} {c.description}", re.IGNORECASE)]
    assert len(hits) >= 3, topic


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "ob3"])
def test_shipped_catalog_round_trips(shipped: Catalog, fmt: str) -> None:
    text = export(shipped, fmt)
    context = Catalog(providers=shipped.providers, stacks=shipped.stacks) if fmt in ("csv", "ob3") else None
    report = validate_text(text, fmt, f"export.{fmt}", None, context)  # type: ignore[arg-type]
    assert report.ok, [str(i) for i in report.errors[:5]]
    again = report.catalog if context is None else context.merged(report.catalog)
    assert again.credentials == shipped.credentials
    assert export(again, fmt) == text
