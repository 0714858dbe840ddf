from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.esco import EscoVocabulary
from recommender.catalog_index import IndexStore
from recommender.language import detect, fold
from recommender.lexical import LexicalIndex, tokens
from recommender.request import Constraints, LearnerRequest
from recommender.service import RecommenderService
from tests.factories import credential, document, validate_document
from tests.fakes import HashingEncoder
from tests.recommender.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quiero aprender a analizar los datos de mi empresa con Python", {"es"}),
        ("Ich möchte lernen, wie ich mit Python die Daten meiner Firma auswerte", {"de"}),
        ("saya mau belajar python untuk olah data di kantor", {"id"}),
        ("I want to learn how to analyse the data of my company with Python", {"en"}),
        ("Python", set()),  # too little to tell
    ],
)
def test_the_language_of_a_goal_is_told_by_its_function_words(text: str, expected: set[str]) -> None:
    assert detect(text) == expected


def test_lexical_matching_ignores_accents_and_other_languages_function_words() -> None:
    assert fold("Publicación Ökonomie") == "publicacion okonomie"
    assert tokens("la publicación de los datos") == tokens("publicacion datos")
    index = LexicalIndex(["gestión de la calidad en la empresa", "publicación de datos abiertos"])
    scores = index.scores("quiero publicar los datos de la publicacion")
    assert scores[1] > 0 and scores[0] == 0  # "de la" alone matches nothing


def test_courses_taught_in_the_learners_language_come_first_unless_a_language_is_asked_for(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    outcomes = [{"text": "Analyse data with Python and pandas."}, {"text": "Report results in a clear chart."}]
    same = {"title": "Python for data analysis", "learning_outcomes": outcomes}
    report = validate_document(
        document(
            credential(id="taught-in-english", languages=["en"], **same),
            credential(id="taught-in-spanish", languages=["es"], **same),
        ),
        vocabulary,
    )
    assert report.ok, report.errors
    service = RecommenderService(
        catalog=lambda: report.catalog,
        vocabulary=vocabulary,
        encoder=HashingEncoder(),
        index_store=IndexStore(tmp_path / "index"),
        today=lambda: TODAY,
    ).load()

    def ranked(goal: str, languages: tuple[str, ...] = ()) -> list[str]:
        request = LearnerRequest(goal, constraints=Constraints(languages=languages), limit=2)
        return [r.credential.id for r in service.recommend(request).results]

    assert ranked("quiero analizar datos con Python para mi trabajo") == ["taught-in-spanish", "taught-in-english"]
    assert ranked("I want to analyse data with Python for my job") == ["taught-in-english", "taught-in-spanish"]
    assert ranked("quiero analizar datos con Python para mi trabajo", ("en",)) == ["taught-in-english"]
