"""The shipped catalog: valid, broad enough, linked to real ESCO, and stable through every format."""

from __future__ import annotations

import re
from pathlib import Path

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


LOCAL_LANGUAGES = ("id", "ms", "th", "vi", "fi", "es", "de", "fr", "pt")


def test_local_providers_write_in_their_own_language(shipped: Catalog) -> None:
    """At least five credentials per language whose outcomes are written in it (told by detection, not by the
    `languages` field, which says what a course is taught in)."""
    from recommender.language import primary

    written: dict[str, int] = {}
    for c in shipped:
        text = " ".join(o.text for o in c.learning_outcomes)
        lang = primary(text)
        if lang is not None:
            written[lang] = written.get(lang, 0) + 1
    assert {lang: written.get(lang, 0) for lang in LOCAL_LANGUAGES if written.get(lang, 0) < 5} == {}


def test_the_judged_sets_grade_only_shipped_credentials(shipped: Catalog) -> None:
    import yaml

    benchmarks = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
    ids = {c.id for c in shipped}
    per_language: dict[str, int] = {}
    for name in ("judged_queries.yaml", "judged_queries_multilingual.yaml"):
        for q in yaml.safe_load((benchmarks / name).read_text(encoding="utf-8")):
            assert set(q["grades"]) <= ids, (name, q["id"], set(q["grades"]) - ids)
            assert max(q["grades"].values()) >= 2, (name, q["id"])
            per_language[q.get("language", "en")] = per_language.get(q.get("language", "en"), 0) + 1
    assert all(per_language.get(lang, 0) >= 15 for lang in (*LOCAL_LANGUAGES, "en")), per_language
