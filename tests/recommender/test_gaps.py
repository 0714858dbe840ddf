from __future__ import annotations

from knowledge.esco import EscoVocabulary
from recommender.gaps import GapAnalyser, GapSettings, split_skills
from recommender.skills import SkillMatcher, clauses
from tests.fakes import HashingEncoder

SPREADSHEETS = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be"


def _analyser(vocabulary: EscoVocabulary) -> GapAnalyser:
    return GapAnalyser(SkillMatcher(vocabulary, HashingEncoder()).load(), vocabulary)


def test_goal_brings_in_the_occupations_essential_skills_first(vocabulary: EscoVocabulary) -> None:
    analysis = _analyser(vocabulary).analyse("become a data analyst", ())
    assert analysis.occupations[0].label == "data analyst"
    essential = {u for u in vocabulary.essential[analysis.occupations[0].uri]}
    optional = {u for u in vocabulary.optional[analysis.occupations[0].uri]}
    weights = {t.uri: t.weight for t in analysis.targets}
    assert essential <= set(weights) and optional <= set(weights)
    assert min(weights[u] for u in essential) > max(weights[u] for u in optional)


def test_known_skills_cover_targets_and_leave_the_gap(vocabulary: EscoVocabulary) -> None:
    analysis = _analyser(vocabulary).analyse("become a data analyst", ("work with Excel",))
    assert SPREADSHEETS in {c.target.uri for c in analysis.covered}
    assert SPREADSHEETS not in {g.uri for g in analysis.gaps}
    assert analysis.gaps and all(g.uri != SPREADSHEETS for g in analysis.gaps)


def test_esco_uris_are_accepted_as_known_skills(vocabulary: EscoVocabulary) -> None:
    analysis = _analyser(vocabulary).analyse(
        "become a data analyst", (SPREADSHEETS, "http://data.europa.eu/esco/skill/nope")
    )
    assert analysis.known[0].uri == SPREADSHEETS
    assert analysis.unmatched_known == ("http://data.europa.eu/esco/skill/nope",)


def test_skill_lists_in_one_breath_are_split() -> None:
    assert split_skills(("Excel, some SQL and Python; R",)) == ["Excel", "some SQL", "Python", "R"]


class _Counting(HashingEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts, progress=None):  # type: ignore[no-untyped-def]
        self.seen.extend(texts)
        return super().encode(texts, progress)


GOAL = "I keep the books of a bakery and want to become a data analyst with Excel and SQL"


def test_a_goal_is_embedded_whole_unless_its_clauses_are_asked_for(vocabulary: EscoVocabulary) -> None:
    for with_clauses in (False, True):
        encoder = _Counting()
        matcher = SkillMatcher(vocabulary, encoder).load()
        encoder.seen.clear()
        analyser = GapAnalyser(matcher, vocabulary, GapSettings(goal_clauses=with_clauses))
        analysis = analyser.analyse(GOAL, ("Excel",))
        expected = {GOAL, "Excel", *(clauses(GOAL) if with_clauses else ())}
        assert set(analyser.texts(GOAL, ("Excel",))) == expected
        assert set(encoder.seen) == expected  # nothing else is embedded behind the caller's back
        assert analysis.occupations[0].label == "data analyst"
