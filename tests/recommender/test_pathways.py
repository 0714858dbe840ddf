"""Pathway invariants on many generated catalogs: prerequisites first, caps respected, unknowns never counted as 0."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.models import (
    Catalog,
    CertificateType,
    Credential,
    LearningOutcome,
    Participation,
    Prerequisites,
    Provider,
    ProviderType,
    Schedule,
    Stack,
    StackContribution,
)
from recommender.gaps import GapAnalysis, TargetSkill
from recommender.pathways import PathwayPlanner, StepReason
from recommender.ranking import RankedCredential
from recommender.request import Constraints, paced_weeks, price_in
from tests.factories import domain_credential

TODAY = dt.date(2027, 1, 1)
SKILLS = [f"http://data.europa.eu/esco/skill/{i:08d}-0000-0000-0000-000000000000" for i in range(12)]


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Catalog, list[RankedCredential], GapAnalysis, Constraints]:
    n = draw(st.integers(2, 14))
    credentials = []
    for i in range(n):
        prereqs = draw(st.lists(st.integers(0, i - 1), max_size=2, unique=True)) if i else []
        credentials.append(
            Credential(
                id=f"c{i}",
                title=f"Credential {i}",
                provider="p",
                description="d",
                learning_outcomes=(LearningOutcome("Do a thing well enough"),),
                eqf_level=draw(st.one_of(st.none(), st.integers(3, 7))),
                assessment="a",
                participation=draw(st.one_of(st.none(), st.sampled_from(list(Participation)))),
                quality_assurance="q",
                languages=("en",),
                price=draw(st.sampled_from([None, 0, 50, 120, 300, 800])),
                currency=draw(st.sampled_from(["EUR", "USD", "MYR"])),
                duration_weeks=draw(st.one_of(st.none(), st.integers(1, 12))),
                hours_per_week=draw(st.one_of(st.none(), st.integers(2, 15))),
                schedule=Schedule(self_paced=True) if draw(st.booleans()) else Schedule(start_dates=(TODAY,)),
                certificate=CertificateType.CERTIFICATE,
                ects=draw(st.sampled_from([1, 2, 3, 5])),
                prerequisites=Prerequisites(credentials=tuple(f"c{j}" for j in prereqs)),
                stacks=(StackContribution("s", 1),) if draw(st.booleans()) else (),
            )
        )
    catalog = Catalog(
        (Provider("p", "P", ProviderType.UNIVERSITY, "DE"),),
        (Stack("s", "Stack", "p", "Cert", 5, 4),),
        tuple(credentials),
    )
    gaps = tuple(
        TargetSkill(u, f"skill {k}", draw(st.floats(0.2, 1.5)), "essential", "occ") for k, u in enumerate(SKILLS)
    )
    ranked = [
        RankedCredential(
            c,
            1.0 - i / 100,
            0.5,
            0.5,
            0.0,
            covers=tuple(draw(st.lists(st.sampled_from(SKILLS), max_size=4, unique=True))),
        )
        for i, c in enumerate(draw(st.permutations(credentials)))
    ]
    analysis = GapAnalysis("goal", (), gaps, (), (), gaps)
    constraints = Constraints(
        max_price=draw(st.one_of(st.none(), st.sampled_from([0, 100, 300, 1000]))),
        max_weeks=draw(st.one_of(st.none(), st.integers(1, 30))),
        max_hours_per_week=draw(st.one_of(st.none(), st.integers(3, 15))),
        modes=tuple(draw(st.lists(st.sampled_from(list(Participation)), max_size=2, unique=True))),
        accept_unstated_price=draw(st.booleans()),
    )
    return catalog, ranked, analysis, constraints


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_plan_order_satisfies_every_prerequisite_and_caps(
    scenario: tuple[Catalog, list[RankedCredential], GapAnalysis, Constraints],
) -> None:
    catalog, ranked, analysis, constraints = scenario
    plan = PathwayPlanner(catalog).plan(ranked, analysis, constraints, TODAY)
    seen: set[str] = set()
    for step in plan.steps:
        for pre in step.credential.prerequisites.credentials:
            assert pre in seen, f"{step.credential.id} before its prerequisite {pre}"
        seen.add(step.credential.id)
        c = step.credential
        if constraints.max_hours_per_week is not None:
            assert c.hours_per_week is not None  # an unknown weekly load never passes a weekly limit
            if step.end_week is not None and step.start_week is not None:
                # over the limit only when self-paced, and then spread over enough weeks to stay within it
                load = (c.workload_hours or 0) / (step.end_week - step.start_week)
                assert c.hours_per_week <= constraints.max_hours_per_week or (
                    c.schedule.self_paced and load <= constraints.max_hours_per_week + 1e-9
                )
        if constraints.modes:
            assert c.participation in constraints.modes
        if constraints.max_price is not None and not constraints.accept_unstated_price:
            assert step.price is not None
        if constraints.max_weeks is not None:
            assert c.duration_weeks is not None
    prices = [price_in(s.credential, constraints.currency) for s in plan.steps]
    weeks = [paced_weeks(s.credential, constraints.max_hours_per_week) for s in plan.steps]
    if constraints.max_price is not None:
        assert plan.total_price <= constraints.max_price + 0.01
    assert plan.total_price == round(sum(round(p, 2) for p in prices if p is not None), 2)
    assert plan.price_not_stated == prices.count(None)
    if constraints.max_weeks is not None:
        assert plan.total_weeks <= constraints.max_weeks
    assert plan.total_weeks == sum(w for w in weeks if w is not None)
    assert plan.weeks_not_stated == weeks.count(None)
    assert len({s.credential.id for s in plan.steps}) == len(plan.steps)
    covered = {u for s in plan.steps for r in ranked if r.credential.id == s.credential.id for u in r.covers}
    assert {t.uri for t in plan.uncovered} == {t.uri for t in analysis.gaps} - covered


def test_missing_prerequisite_is_pulled_in_before_the_credential() -> None:
    basic = domain_credential(id="basic", title="Basics")
    advanced = domain_credential(id="adv", title="Advanced", prerequisites=Prerequisites(credentials=("basic",)))
    catalog = Catalog((Provider("p", "P", ProviderType.UNIVERSITY, "DE"),), (), (basic, advanced))
    gap = TargetSkill(SKILLS[0], "skill", 1.0, "essential", "occ")
    analysis = GapAnalysis("goal", (), (gap,), (), (), (gap,))
    ranked = [RankedCredential(advanced, 1.0, 1.0, 1.0, 0.0, covers=(SKILLS[0],))]
    plan = PathwayPlanner(catalog).plan(ranked, analysis, Constraints(), TODAY)
    assert [s.credential.id for s in plan.steps] == ["basic", "adv"]
    assert plan.steps[0].prerequisite_for == "adv"
    # Why each step is there, as data (front ends word it) and in English (the CLI, the API's `reason`).
    assert plan.steps[0].why == StepReason("prerequisite", {"credential": "adv", "title": "Advanced"})
    assert plan.steps[0].reason == "prerequisite for Advanced"
    assert plan.steps[1].why == StepReason("covers", {"skills": ("skill",)})
    assert plan.steps[1].reason == "covers skill"
    too_poor = PathwayPlanner(catalog).plan(ranked, analysis, Constraints(max_price=150), TODAY)
    assert not too_poor.steps and "budget" in dict(too_poor.left_out)["adv"]


def _one_step(**changes: object) -> tuple[Catalog, list[RankedCredential], GapAnalysis]:
    course = domain_credential(id="course", **changes)
    catalog = Catalog((Provider("p", "P", ProviderType.UNIVERSITY, "DE"),), (), (course,))
    gap = TargetSkill(SKILLS[0], "skill", 1.0, "essential", "occ")
    return (
        catalog,
        [RankedCredential(course, 1.0, 1.0, 1.0, 0.0, covers=(SKILLS[0],))],
        GapAnalysis("goal", (), (gap,), (), (), (gap,)),
    )


def test_a_budget_leaves_out_an_unstated_price_unless_the_learner_accepts_it() -> None:
    catalog, ranked, analysis = _one_step(price=None)
    planner = PathwayPlanner(catalog)
    capped = planner.plan(ranked, analysis, Constraints(max_price=500), TODAY)
    assert not capped.steps and dict(capped.left_out)["course"] == "price not stated"
    accepted = planner.plan(ranked, analysis, Constraints(max_price=500, accept_unstated_price=True), TODAY)
    assert [s.price for s in accepted.steps] == [None]
    assert (accepted.total_price, accepted.price_not_stated) == (0, 1)
    free = planner.plan(ranked, analysis, Constraints(), TODAY)  # no price limit: nothing to leave out
    assert [s.credential.id for s in free.steps] == ["course"]


def test_totals_add_known_weeks_only_and_count_the_unknown() -> None:
    known = domain_credential(id="known", duration_weeks=4, hours=20)
    unknown = domain_credential(
        id="unknown", duration_weeks=None, ects=None, prerequisites=Prerequisites(credentials=("known",))
    )
    catalog = Catalog((Provider("p", "P", ProviderType.UNIVERSITY, "DE"),), (), (known, unknown))
    gap = TargetSkill(SKILLS[0], "skill", 1.0, "essential", "occ")
    analysis = GapAnalysis("goal", (), (gap,), (), (), (gap,))
    ranked = [RankedCredential(unknown, 1.0, 1.0, 1.0, 0.0, covers=(SKILLS[0],))]
    plan = PathwayPlanner(catalog).plan(ranked, analysis, Constraints(), TODAY)
    assert [(s.credential.id, s.start_week, s.end_week) for s in plan.steps] == [
        ("known", 0, 4),
        ("unknown", 4, None),
    ]
    assert (plan.total_weeks, plan.weeks_not_stated, plan.total_hours, plan.hours_not_stated) == (4, 1, 20, 1)
    limited = PathwayPlanner(catalog).plan(ranked, analysis, Constraints(max_weeks=30), TODAY)
    assert not limited.steps and dict(limited.left_out)["unknown"] == "duration not stated"
