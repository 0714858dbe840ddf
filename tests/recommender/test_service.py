from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.esco import EscoVocabulary
from knowledge.models import Catalog, Credential, Participation
from recommender.catalog_index import IndexStore
from recommender.ranking import RankingSettings
from recommender.reading import MessageReader
from recommender.request import Constraints, LearnerRequest, violations
from recommender.service import RecommenderService, ServiceSettings
from tests.fakes import UNFLOORED, HashingEncoder
from tests.recommender.conftest import TODAY

CLEANSING = "http://data.europa.eu/esco/skill/50b100ea-74fd-4706-99db-3e4ca55e51b8"


def test_recommendations_are_explained(service: RecommenderService) -> None:
    result = service.recommend(LearnerRequest("become a data analyst", ("Excel",), limit=3))
    assert result.analysis.occupations[0].label == "data analyst"
    top = result.results[0]
    assert top.credential.id in {"data-basics", "python-analysis", "sql-analysis"}
    assert top.matches and any(m.need != "goal" for m in top.matches)
    assert all(m.score > 0 for m in top.matches)
    ids = [r.credential.id for r in result.results]
    assert "green-farm-audit" not in ids[:2]


def test_explicit_esco_link_counts_as_full_coverage(service: RecommenderService) -> None:
    result = service.recommend(LearnerRequest("become a data analyst", limit=4))
    basics = next(r for r in result.results if r.credential.id == "data-basics")
    link = next(m for m in basics.matches if m.need_uri == CLEANSING)
    assert link.via == "ESCO link" and link.score == 1.0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    max_price=st.one_of(st.none(), st.sampled_from([0, 50, 100, 300, 1000])),
    currency=st.sampled_from(["EUR", "MYR", "USD"]),
    modes=st.lists(st.sampled_from(list(Participation)), max_size=2, unique=True),
    languages=st.lists(st.sampled_from(["en", "de", "ms", "fr"]), max_size=2, unique=True),
    hours=st.one_of(st.none(), st.integers(5, 25)),
    eqf_max=st.one_of(st.none(), st.integers(3, 7)),
    limit=st.integers(1, 5),
)
def test_filters_are_exact_and_fill_the_limit(
    service: RecommenderService,
    max_price: float | None,
    currency: str,
    modes: list[Participation],
    languages: list[str],
    hours: int | None,
    eqf_max: int | None,
    limit: int,
) -> None:
    constraints = Constraints(
        max_price=max_price,
        currency=currency,
        modes=tuple(modes),
        languages=tuple(languages),
        max_hours_per_week=hours,
        eqf_max=eqf_max,
    )
    result = service.recommend(LearnerRequest("data analysis with spreadsheets", constraints=constraints, limit=limit))
    eligible = [c for c in service.catalog if not violations(c, constraints, service.catalog, TODAY)]
    assert len(result.results) == min(limit, len(eligible))
    for r in result.results:
        assert not violations(r.credential, constraints, service.catalog, TODAY)
    # Held back: what would have made the list but breaks a limit, best first, each with the limits it breaks.
    for h in result.held_back:
        assert list(h.limits) == violations(h.credential, constraints, service.catalog, TODAY) != []
        assert h.reasons == tuple(v.text for v in h.limits)
    if not languages:  # a language limit switches the goal-language preference off, so scores differ then
        everything = service.recommend(LearnerRequest("data analysis with spreadsheets", limit=len(service.catalog)))
        order = [r.credential.id for r in everything.results]
        cut = order.index(result.results[-1].credential.id) if len(result.results) == limit else len(order)
        ineligible = [c for c in order[:cut] if c not in {e.id for e in eligible}]
        assert [h.credential.id for h in result.held_back] == ineligible[: service.settings.held_back]


def test_nothing_is_held_back_without_limits(service: RecommenderService) -> None:
    assert service.recommend(LearnerRequest("become a data analyst", limit=3)).held_back == ()


def test_pathway_respects_prerequisites_and_budget(service: RecommenderService) -> None:
    plan = service.pathway(LearnerRequest("become a data analyst using Python", constraints=Constraints(max_price=400)))
    ids = [s.credential.id for s in plan.pathway.steps]
    assert ids, plan.pathway.left_out
    for step in plan.pathway.steps:
        for pre in step.credential.prerequisites.credentials:
            assert pre in ids[: ids.index(step.credential.id)]
    assert plan.pathway.total_price <= 400


def test_similar_credentials_exclude_the_credential_itself(service: RecommenderService) -> None:
    similar = service.similar("sql-analysis", limit=2)
    assert similar and all(c.id != "sql-analysis" for c, _ in similar)


def test_rebuild_switches_the_live_index(service: RecommenderService) -> None:
    catalog = service.catalog
    smaller = dataclasses.replace(catalog, credentials=catalog.credentials[:2])
    service.rebuild(smaller)
    assert service.index.manifest.credentials == 2
    assert service.reload_if_changed() is False


def _topic(encoder: HashingEncoder, goal: str, credential: Credential, low: float, high: float) -> float:
    """How close in meaning the credential's closest text is to the goal, on the floor's 0-1 scale, recomputed
    here from the encoder (descriptions count 0.9, as in the ranker)."""
    texts = [(credential.title, 1.0), (credential.description, 0.9)]
    texts += [(o.text, 1.0) for o in credential.learning_outcomes]
    goal_vector = encoder.encode([goal])[0]
    best = max(float(encoder.encode([t])[0] @ goal_vector) * w for t, w in texts)
    return min(1.0, max(0.0, (best - low) / (high - low)))


def _service(
    catalog: Catalog, vocabulary: EscoVocabulary, encoder: HashingEncoder, tmp_path: Path, **options: Any
) -> RecommenderService:
    return RecommenderService(
        catalog=lambda: catalog,
        vocabulary=vocabulary,
        encoder=encoder,
        index_store=IndexStore(tmp_path / "index"),
        today=lambda: TODAY,
        **options,
    ).load()


def test_no_off_topic_credential_pads_a_short_list_and_the_answer_says_what_dropping_a_limit_brings(
    small_catalog: Catalog, vocabulary: EscoVocabulary, encoder: HashingEncoder, tmp_path: Path
) -> None:
    ranking = RankingSettings(relevance_floor=0.25, relative_floor=0.0)
    service = _service(small_catalog, vocabulary, encoder, tmp_path, settings=ServiceSettings(ranking=ranking))
    goal = "data analysis with spreadsheets"
    topics = {c.id: _topic(encoder, goal, c, *ranking.topic_minilm) for c in small_catalog}
    on_topic = {cid for cid, t in topics.items() if t >= ranking.relevance_floor}
    assert all(abs(t - ranking.relevance_floor) > 1e-4 for t in topics.values())  # no case rests on rounding
    assert 0 < len(on_topic) < len(small_catalog)  # the goal splits the catalog, else this test says nothing

    everything = service.recommend(LearnerRequest(goal, limit=50))
    assert {r.credential.id for r in everything.results} == on_topic
    assert everything.fitting == len(on_topic) and everything.loosen == ()

    onsite = Constraints(modes=(Participation.ONSITE,))
    fits = {
        cid for cid in on_topic if not violations(small_catalog.credential_by_id[cid], onsite, small_catalog, TODAY)
    }
    assert fits != on_topic
    short = service.recommend(LearnerRequest(goal, constraints=onsite, limit=len(on_topic)))
    assert {r.credential.id for r in short.results} == fits
    assert short.fitting == len(fits)
    assert [(x.limit, x.more) for x in short.loosen] == [("modes", len(on_topic) - len(fits))]
    assert {h.credential.id for h in short.held_back} <= on_topic - fits  # what a limit left out, never off-topic


def test_the_limits_a_goal_states_are_not_matched_as_its_topic(
    small_catalog: Catalog, vocabulary: EscoVocabulary, encoder: HashingEncoder, tmp_path: Path
) -> None:
    """ "..., online, max 300 euros" is a filter: with the message reader's topic, the goal is matched without it."""
    reader = MessageReader().load()
    service = _service(
        small_catalog, vocabulary, encoder, tmp_path, settings=UNFLOORED, without_limits=lambda g: reader.read(g).topic
    )
    goal = "I want to become a data analyst, online, max 300 euros"
    analysis = service.analyse(LearnerRequest(goal))[0]
    assert (analysis.goal, analysis.about) == (goal, "I want to become a data analyst")
    assert service.recommend(LearnerRequest(goal)).analysis.about == "I want to become a data analyst"
