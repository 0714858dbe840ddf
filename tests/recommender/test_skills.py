from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.esco import EscoVocabulary
from recommender.skills import ConceptMatch, SkillMatcher, clauses
from tests.fakes import HashingEncoder, TranslatingEncoder

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


def test_a_goal_in_another_language_meets_the_english_occupation_labels_through_the_multilingual_encoder(
    vocabulary: EscoVocabulary, tmp_path: Path
) -> None:
    goal = "Haluan vaihtaa alaa ja ryhtyä tietoanalyytikoksi"
    translating = TranslatingEncoder({goal: "data analyst"})
    matcher = SkillMatcher(vocabulary, HashingEncoder(), tmp_path, multilingual=(translating, translating)).load()
    best = matcher.match_occupations(goal, top=3)[0]
    assert best.label == "data analyst" and best.score == pytest.approx((1.0 - 0.67) / (1.04 - 0.67), rel=1e-4)
    # English goals keep the English matcher (its own scale); the label vectors are cached beside the others.
    english = matcher.match_occupations("become a data analyst", top=1)[0]
    assert english.label == "data analyst" and english.score < 1.0
    assert list(tmp_path.glob("esco-occupation-labels-translating-test-encoder-*.npy"))


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


def _large_vocabulary(n: int = 1500) -> EscoVocabulary:
    """Generated skills made of overlapping words, so many labels are near each other, as in ESCO."""
    import random

    from knowledge.esco import EscoSkill

    rng = random.Random(7)
    verbs = ["manage", "analyse", "design", "audit", "teach", "operate", "plan", "maintain", "evaluate", "sell"]
    nouns = [
        f"{a} {b}"
        for a in ("water", "data", "soil", "budget", "crop", "energy", "fleet", "patient", "code")
        for b in ("systems", "records", "quality", "risks", "teams", "reports", "tools", "safety")
    ]
    skills = {}
    for i in range(n):
        verb, noun = rng.choice(verbs), rng.choice(nouns)
        uri = f"http://data.europa.eu/esco/skill/generated-{i}"
        skills[uri] = EscoSkill(
            uri,
            f"{verb} {noun} {i}",
            (f"{rng.choice(verbs)} {noun}",),
            f"Ability to {verb} {noun} in context {i % 37}.",
        )
    return EscoVocabulary("generated", skills, {})


def test_searching_labels_through_an_index_finds_what_scoring_every_label_finds() -> None:
    vocabulary = _large_vocabulary()
    whole = SkillMatcher(vocabulary, HashingEncoder()).load()
    indexed = SkillMatcher(vocabulary, HashingEncoder(), label_exact_limit=100).load()
    assert whole.skills.search_index is None and indexed.skills.search_index is not None
    assert indexed.skills.search_index.kind == "ivf"
    queries = [
        "I manage water systems and audit data quality",
        "teaching patient safety",
        "plan energy budget reports, evaluate fleet risks",
        "crop records",
        "soil",
    ]
    for text in queries:
        _assert_head_of(indexed.match_skills(text, top=5), whole.match_skills(text, top=10), text)


def _tied(a: float, b: float) -> bool:
    return a == pytest.approx(b, rel=1e-5, abs=1e-6)


def _assert_head_of(got: list[ConceptMatch], want: list[ConceptMatch], text: str) -> None:
    """`got` is the head of the longer list `want`, scored along another numeric path.

    The indexed path scores its candidates' label rows in a smaller matrix product than the whole label matrix, so
    the same score can differ in the last float32 bits (BLAS kernels differ by shape and machine). Scores are
    compared within a tolerance; concepts are compared place by place wherever a score stands clear of its
    neighbours, while concepts that tie (generated labels repeat, e.g. two "... soil quality" skills) may come in
    either order. The label that matched is exact: a concept's two labels differ by words, never by rounding.
    """
    n = len(got)
    assert len(want) > n and not _tied(want[-1].score, want[n - 1].score), "ties reach past `want`: ask for more"
    assert [m.score for m in got] == pytest.approx([m.score for m in want[:n]], rel=1e-5, abs=1e-6), text
    wanted = {m.uri: m for m in want}
    for m in got:
        assert m.uri in wanted, (text, m)
        assert _tied(m.score, wanted[m.uri].score) and m.matched == wanted[m.uri].matched, (text, m)
    for i in range(n):
        clear = not any(_tied(want[i].score, want[j].score) for j in (i - 1, i + 1) if j >= 0)
        if clear:
            assert got[i].uri == want[i].uri, (text, i)


def test_the_label_index_is_built_once_and_reused(tmp_path: Path) -> None:
    vocabulary = _large_vocabulary(400)
    first = SkillMatcher(vocabulary, HashingEncoder(), tmp_path, label_exact_limit=100).load()
    folders = sorted(tmp_path.glob("*.ivf"))
    assert len(folders) == 1 and not list(tmp_path.glob("*.tmp"))
    built = (folders[0] / "vectors.faiss").stat().st_mtime_ns
    second = SkillMatcher(vocabulary, HashingEncoder(), tmp_path, label_exact_limit=100).load()
    assert (folders[0] / "vectors.faiss").stat().st_mtime_ns == built
    assert second.match_skills("audit water quality", top=3) == first.match_skills("audit water quality", top=3)


def test_a_text_is_queried_whole_or_clause_by_clause(vocabulary: EscoVocabulary) -> None:
    matcher = SkillMatcher(vocabulary, HashingEncoder()).load()
    text = "I do data cleaning every week and report with Excel"
    assert matcher.query_vectors(text, split=False).shape[0] == 1
    assert matcher.query_vectors(text).shape[0] == 1 + len(clauses(text)) > 2
    whole = matcher.match_skills(text, top=3, split=False)
    assert whole and whole[0].uri == CLEANSING
