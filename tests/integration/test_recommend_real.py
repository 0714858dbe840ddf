"""The recommender with the real model, the official ESCO files and the shipped catalog."""

from __future__ import annotations

from knowledge.models import Participation
from recommender.request import Constraints, LearnerRequest, price_in, violations
from recommender.service import RecommenderService

SUSTAINABILITY = "I want to move into sustainability consulting for oil palm smallholders"


def test_sustainability_consulting_online_under_500(real_service: RecommenderService) -> None:
    constraints = Constraints(max_price=500, currency="EUR", modes=(Participation.ONLINE,))
    result = real_service.recommend(LearnerRequest(SUSTAINABILITY, constraints=constraints, limit=10))
    assert len(result.results) >= 5
    assert result.analysis.gaps
    for r in result.results:
        assert r.credential.participation is Participation.ONLINE
        assert price_in(r.credential, "EUR") <= 500 + 1e-9  # converted prices are floats; the filter allows as much
        assert r.matches
    top_text = " ".join(r.credential.title + r.credential.description for r in result.results[:5]).lower()
    assert "palm" in top_text or "smallholder" in top_text


def test_excel_covers_spreadsheets(real_service: RecommenderService) -> None:
    assert real_service.match_skills("Excel", top=1)[0].label == "use spreadsheets software"
    goal = "work as an office administrator"  # its ESCO occupations need "use spreadsheets software"
    without, _ = real_service.analyse(LearnerRequest(goal))
    assert "use spreadsheets software" in {g.label for g in without.gaps}
    analysis, _ = real_service.analyse(LearnerRequest(goal, ("Excel",)))
    assert "use spreadsheets software" in {c.target.label for c in analysis.covered}
    assert "use spreadsheets software" not in {g.label for g in analysis.gaps}


def test_pathway_for_the_same_learner_respects_caps_and_order(real_service: RecommenderService) -> None:
    constraints = Constraints(max_price=500, currency="EUR", modes=(Participation.ONLINE,), max_hours_per_week=10)
    plan = real_service.pathway(LearnerRequest(SUSTAINABILITY, ("Excel",), constraints)).pathway
    assert plan.steps
    # The real model's vectors differ a little between CPUs, and so may the plan: check what holds for any plan.
    # The budget binds the converted prices; the total adds each step's price rounded to the cent.
    assert sum(price_in(s.credential, "EUR") for s in plan.steps) <= 500 + 1e-9
    assert plan.total_price <= 500 + 0.005 * len(plan.steps)
    seen: set[str] = set()
    for step in plan.steps:
        assert set(step.credential.prerequisites.credentials) <= seen | {s.credential.id for s in plan.steps} - {
            step.credential.id
        }
        assert all(p in seen for p in step.credential.prerequisites.credentials)
        assert not violations(
            step.credential,
            constraints,
            real_service.catalog,
            real_service.today(),
            per_credential_price=False,
        )
        seen.add(step.credential.id)


def test_skill_matching_finds_obvious_skills(real_service: RecommenderService) -> None:
    labels = [m.label for m in real_service.match_skills("I build pivot tables and charts in Excel", top=5)]
    assert any("spreadsheet" in label for label in labels), labels
    labels = [m.label for m in real_service.match_skills("programming in Python", top=3)]
    assert "Python (computer programming)" in labels
