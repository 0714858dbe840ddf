"""Hard filters on one credential: what passes, what does not, and why."""

from __future__ import annotations

import dataclasses
import datetime as dt

from knowledge.models import Catalog, Provider, ProviderType, Schedule
from recommender.request import ENGLISH, Constraints, Violation, paced_weeks, violations
from tests.factories import domain_credential

TODAY = dt.date(2027, 1, 1)
COURSE = domain_credential(hours_per_week=10, duration_weeks=8, hours=80, schedule=Schedule(start_dates=(TODAY,)))
CATALOG = Catalog((Provider("p", "P", ProviderType.UNIVERSITY, "DE"),), (), (COURSE,))


def _words(found: list[Violation]) -> list[str]:
    return [v.text for v in found]


def test_a_scheduled_course_over_the_weekly_limit_is_filtered() -> None:
    (found,) = violations(COURSE, Constraints(max_hours_per_week=4), CATALOG, TODAY)
    assert found == Violation("hours_per_week", {"hours": 10.0}) and found.text == "needs 10 h a week"


def test_a_self_paced_course_fits_the_weekly_limit_by_taking_longer() -> None:
    paced = dataclasses.replace(COURSE, schedule=Schedule(self_paced=True))
    assert paced_weeks(paced, 4) == 20.0  # 80 hours at 4 a week
    assert paced_weeks(paced, None) == paced_weeks(paced, 12) == 8
    assert violations(paced, Constraints(max_hours_per_week=4), CATALOG, TODAY) == []
    assert violations(paced, Constraints(max_hours_per_week=4, max_weeks=12), CATALOG, TODAY) == [
        Violation("weeks", {"weeks": 20.0})
    ]
    (too_long,) = violations(paced, Constraints(max_hours_per_week=0.01), CATALOG, TODAY)
    assert too_long == Violation("paced_too_long", {"weeks": 520.0, "hours": 0.01})
    assert too_long.text == "would take over 520 weeks at 0.01 h a week"
    # At a pace too slow to finish, that is the one reason, whatever the weeks limit (the weeks may be infinite).
    assert violations(paced, Constraints(max_hours_per_week=5e-324, max_weeks=12), CATALOG, TODAY) == [
        Violation("paced_too_long", {"weeks": 520.0, "hours": 5e-324})
    ]


UNKNOWN = domain_credential(
    price=None, participation=None, eqf_level=None, hours_per_week=None, duration_weeks=None, languages=()
)


def test_without_limits_nothing_unstated_is_left_out() -> None:
    assert violations(UNKNOWN, Constraints(), CATALOG, TODAY) == []
    assert violations(UNKNOWN, Constraints(accept_unstated_price=True), CATALOG, TODAY) == []


def test_a_price_limit_leaves_out_an_unstated_price_unless_the_learner_accepts_it() -> None:
    for limit in (Constraints(max_price=500), Constraints(free_only=True)):
        assert _words(violations(UNKNOWN, limit, CATALOG, TODAY)) == ["price not stated"]
        assert violations(UNKNOWN, dataclasses.replace(limit, accept_unstated_price=True), CATALOG, TODAY) == []
    # For a pathway the budget is checked on the plan, but an unknown price is still held back per credential.
    assert violations(UNKNOWN, Constraints(max_price=500), CATALOG, TODAY, per_credential_price=False) == [
        Violation("price_not_stated")
    ]
    assert not domain_credential(price=None).is_free


def test_every_other_limit_on_an_unstated_element_says_which_is_not_stated() -> None:
    from knowledge.models import Participation

    cases = {
        "mode not stated": Constraints(modes=(Participation.ONLINE,)),
        "EQF level not stated": Constraints(eqf_min=3),
        "hours per week not stated": Constraints(max_hours_per_week=20),
        "duration not stated": Constraints(max_weeks=52),
        "language not stated": Constraints(languages=("en",)),
    }
    for reason, limit in cases.items():
        (found,) = violations(UNKNOWN, limit, CATALOG, TODAY)
        assert found.text == reason and found.unstated and found.code.endswith("_not_stated")
    assert _words(violations(UNKNOWN, Constraints(eqf_max=8), CATALOG, TODAY)) == ["EQF level not stated"]
    no_schedule = domain_credential(schedule=Schedule())
    assert violations(no_schedule, Constraints(start_before=TODAY), CATALOG, TODAY) == [
        Violation("schedule_not_stated")
    ]


def test_paced_weeks_and_hours_of_an_unstated_duration_are_unknown() -> None:
    from recommender.request import paced_hours

    assert paced_weeks(UNKNOWN, 4) is None and paced_hours(UNKNOWN, 4) is None
    self_paced_no_workload = domain_credential(ects=None, duration_weeks=4, hours_per_week=10)
    assert paced_weeks(self_paced_no_workload, 5) == 8  # 4 weeks at 10 h, stretched to 5 h a week


def test_every_broken_limit_is_a_code_with_the_values_its_wording_needs() -> None:
    from knowledge.models import Participation

    onsite = domain_credential(
        price=400,
        currency="EUR",
        participation=Participation.ONSITE,
        languages=("th", "en"),
        hours_per_week=9,
        duration_weeks=12,
        eqf_level=7,
        schedule=Schedule(start_dates=(dt.date(2027, 6, 1),)),
    )
    limits = Constraints(
        max_price=300,
        currency="EUR",
        modes=(Participation.ONLINE,),
        languages=("fi",),
        max_hours_per_week=4,
        max_weeks=8,
        eqf_max=5,
        countries=("FI",),
        providers=("other",),
        start_before=dt.date(2027, 3, 1),
    )
    found = violations(onsite, limits, CATALOG, TODAY)
    assert [(v.code, dict(v.values)) for v in found] == [
        ("over_price", {"max": 300.0, "currency": "EUR"}),
        ("mode", {"mode": "onsite"}),
        ("language", {"languages": ("th", "en")}),
        ("hours_per_week", {"hours": 9.0}),
        ("weeks", {"weeks": 12.0}),
        ("eqf", {"level": 7}),
        ("country", {"country": "DE"}),
        ("provider", {}),
        ("start", {"date": "2027-03-01"}),
    ]
    # The English, worded in one place (ENGLISH), for the CLI, the console and the API's `reasons`.
    assert _words(found) == [
        "costs more than 300 EUR",
        "is onsite",
        "is taught in th, en",
        "needs 9 h a week",
        "takes 12 weeks",
        "is at EQF level 7",
        "is delivered in DE",
        "is offered by another provider",
        "does not start by 2027-03-01",
    ]
    free = violations(onsite, Constraints(free_only=True), CATALOG, TODAY)
    assert free == [Violation("not_free")] and free[0].text == "not free"
    assert {v.code for v in found} | {"not_free", "paced_too_long"} <= set(ENGLISH)


def test_a_violation_is_read_only_data_and_its_code_must_be_known() -> None:
    import pytest

    v = Violation("mode", {"mode": "onsite"})
    assert v == Violation("mode", {"mode": "onsite"}) and hash(v) == hash(Violation("mode", {"mode": "onsite"}))
    with pytest.raises(TypeError):
        v.values["mode"] = "online"  # type: ignore[index]
    with pytest.raises(ValueError, match="unknown violation code"):
        Violation("too_expensive")
