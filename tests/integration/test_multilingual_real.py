"""Cross-lingual retrieval with the real encoders (all-MiniLM-L6-v2 and multilingual-e5-small) over the shipped
catalog: a goal written in the learner's language finds the course that teaches it, in that language or another."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge.catalog import DEFAULT_CATALOG, validate_file
from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog
from recommender.catalog_index import IndexStore
from recommender.request import LearnerRequest
from recommender.service import RecommenderService
from stackwise.runtime import Runtime
from stackwise.settings import Settings
from tests.conftest import REPO
from tests.integration.conftest import TODAY


def _service(catalog: Catalog, vocabulary: EscoVocabulary, index_dir: Path) -> RecommenderService:
    """The service over `catalog` with the shipped encoders, as `stackwise up` builds them."""
    runtime = Runtime(Settings())
    assert runtime.multilingual is not None, "the shipped settings read learners' languages"
    return RecommenderService(
        catalog=lambda: catalog,
        vocabulary=vocabulary,
        encoder=runtime.query_encoder.load(),
        build_encoder=runtime.build_encoder,
        index_store=IndexStore(index_dir),
        cache_dir=runtime.settings.cache_dir,
        today=lambda: TODAY,
        multilingual=runtime.multilingual,
    ).load()


@pytest.fixture(scope="module")
def multilingual_service(real_vocabulary, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecommenderService]:  # type: ignore[no-untyped-def]
    yield _service(validate_file(DEFAULT_CATALOG, None).catalog, real_vocabulary, tmp_path_factory.mktemp("index"))


@pytest.mark.parametrize(
    ("goal", "language", "expected"),
    [
        ("Saya ingin menjadi analis data, saya bisa Excel", "id", "cendana-sql-analisis-bisnis"),
        ("อยากเรียนทำยางแผ่นรมควันให้ได้คุณภาพ", "th", "sahakorn-yang-south-rss-quality"),
        ("Olen sairaanhoitaja ja haluan oppia lääkelaskentaa", "fi", "itameri-turvallinen-laakehoito"),
        ("Tôi muốn học xuất nhập khẩu và thủ tục hải quan", "vi", "cuulong-tech-export-logistics"),
        ("Quiero trabajar de carretillero en un almacén de Madrid", "es", "henares-carretillas-elevadoras"),
    ],
)
def test_a_goal_in_the_learners_language_finds_the_course_that_teaches_it(
    multilingual_service: RecommenderService, goal: str, language: str, expected: str
) -> None:
    found = multilingual_service.recommend(LearnerRequest(goal, limit=5))
    assert found.analysis.language == language
    assert expected in [r.credential.id for r in found.results]


def test_english_goals_still_find_english_courses(multilingual_service: RecommenderService) -> None:
    found = multilingual_service.recommend(LearnerRequest("I want to analyse sales data with Python and pandas"))
    assert found.analysis.language == "en"
    best = found.results[0].credential
    assert "python" in best.title.lower() and "en" in best.languages
    assert sum("en" in r.credential.languages for r in found.results[:5]) >= 3  # the learner's language preferred


def test_courses_the_learner_can_follow_come_before_comparable_ones_in_other_languages(
    multilingual_service: RecommenderService,
) -> None:
    """The catalog has Indonesian and Malay data courses beside Portuguese- and Thai-only Excel courses that e5 finds
    a little closer: an Indonesian learner sees the ones they can follow first."""
    found = multilingual_service.recommend(LearnerRequest("Saya ingin menjadi analis data, saya bisa Excel", limit=5))
    readable = [r.taught_only_in == () for r in found.results]
    assert readable[:3] == [True, True, True], [(r.credential.id, r.taught_only_in) for r in found.results]


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ("safe medication administration and drug dosage calculation for nurses", "itameri-turvallinen-laakehoito"),
        (
            "warehouse worker, want to learn warehouse management systems and inventory control",
            "northlake-varastonhallinta-wms",
        ),
    ],
)
def test_an_english_goal_finds_a_course_written_only_in_finnish(
    multilingual_service: RecommenderService, goal: str, expected: str
) -> None:
    """MiniLM and BM25 read no Finnish; the course is read through the English labels of its outcomes' ESCO skills
    and listed with the language it is taught in."""
    found = multilingual_service.recommend(LearnerRequest(goal, limit=5))
    listed = {r.credential.id: r.taught_only_in for r in found.results}
    assert listed.get(expected) == ("fi",), listed


ELM_FILE = (
    REPO.parent / "shared" / "data" / "real-world" / "elm" / "ec-elm-official" / "EDC_DiplomaSupplement_AA.ELMv2.xml"
)


@pytest.mark.skipif(not ELM_FILE.is_file(), reason=f"the Commission's ELM sample is not at {ELM_FILE}")
def test_a_small_catalog_on_one_field_still_lists_the_course_a_goal_in_another_language_asks_for(
    real_vocabulary,  # type: ignore[no-untyped-def]
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A university that loads only its own few engineering credentials (the Commission's diploma-supplement sample:
    applied mathematics, concrete structures, a civil engineering master): their mean is their common topic, and
    taking it off a Spanish goal about applied mathematics for civil engineers left nothing above the floor."""
    report = validate_file(ELM_FILE, real_vocabulary)
    assert report.ok, report.errors
    service = _service(report.catalog, real_vocabulary, tmp_path_factory.mktemp("small"))
    found = service.recommend(LearnerRequest("Quiero aprender matemáticas aplicadas para ingeniería civil", limit=3))
    assert "Applied mathematics" in [r.credential.title for r in found.results]
