from __future__ import annotations

from pathlib import Path

from knowledge.esco import EscoVocabulary
from recommender.skills import SkillMatcher
from tests.fakes import HashingEncoder

SPREADSHEETS = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"
CLEANSING = "http://data.europa.eu/esco/skill/50b100ea-74fd-4706-99db-3e4ca55e51b8"


def test_free_text_ranks_the_skill_it_names(vocabulary: EscoVocabulary) -> None:
    matcher = SkillMatcher(vocabulary, HashingEncoder()).load()
    assert matcher.match_skills("I do data cleaning every week", top=3)[0].uri == CLEANSING
    best = matcher.match_skills("work with Excel", top=1)[0]
    assert best.uri == SPREADSHEETS and best.matched == "work with Excel"  # the alt label that matched


def test_occupations_are_matched_too(vocabulary: EscoVocabulary) -> None:
    matcher = SkillMatcher(vocabulary, HashingEncoder()).load()
    assert matcher.match_occupations("become a data analyst", top=1)[0].label == "data analyst"


def test_vocabulary_vectors_are_cached_per_model_and_vocabulary(vocabulary: EscoVocabulary, tmp_path: Path) -> None:
    encoder = HashingEncoder()
    first = SkillMatcher(vocabulary, encoder, tmp_path)
    assert first.pending_texts() > 0
    first.load()
    used = encoder.texts_encoded
    second = SkillMatcher(vocabulary, encoder, tmp_path)
    assert second.pending_texts() == 0
    second.load()
    assert encoder.texts_encoded == used
    assert second.match_skills("SQL", top=1)[0].label == "SQL"


def test_scores_are_sorted_and_floor_applies(vocabulary: EscoVocabulary) -> None:
    matcher = SkillMatcher(vocabulary, HashingEncoder()).load()
    ranked = matcher.match_skills("statistics and data analysis", top=10)
    scores = [m.score for m in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(m.score >= 0.5 for m in matcher.match_skills("statistics", top=10, min_score=0.5))
