"""Hard filters on one credential: what passes, what does not, and why."""

from __future__ import annotations

import dataclasses
import datetime as dt

from knowledge.models import Catalog, Provider, ProviderType, Schedule
from recommender.request import Constraints, paced_weeks, violations
from tests.factories import domain_credential

TODAY = dt.date(2027, 1, 1)
COURSE = domain_credential(hours_per_week=10, duration_weeks=8, hours=80, schedule=Schedule(start_dates=(TODAY,)))
CATALOG = Catalog((Provider("p", "P", ProviderType.UNIVERSITY, "DE"),), (), (COURSE,))


def test_a_scheduled_course_over_the_weekly_limit_is_filtered() -> None:
    assert violations(COURSE, Constraints(max_hours_per_week=4), CATALOG, TODAY) == ["needs 10 h a week"]


def test_a_self_paced_course_fits_the_weekly_limit_by_taking_longer() -> None:
    paced = dataclasses.replace(COURSE, schedule=Schedule(self_paced=True))
    assert paced_weeks(paced, 4) == 20.0  # 80 hours at 4 a week
    assert paced_weeks(paced, None) == paced_weeks(paced, 12) == 8
    assert violations(paced, Constraints(max_hours_per_week=4), CATALOG, TODAY) == []
    assert violations(paced, Constraints(max_hours_per_week=4, max_weeks=12), CATALOG, TODAY) == ["takes 20 weeks"]
    assert violations(paced, Constraints(max_hours_per_week=0.01), CATALOG, TODAY) == [
        "would take over 520 weeks at 0.01 h a week"
    ]


UNKNOWN = domain_credential(
    price=None, participation=None, eqf_level=None, hours_per_week=None, duration_weeks=None, languages=()
)


def test_without_limits_nothing_unstated_is_left_out() -> None:
    assert violations(UNKNOWN, Constraints(), CATALOG, TODAY) == []
    assert violations(UNKNOWN, Constraints(accept_unstated_price=True), CATALOG, TODAY) == []


def test_a_price_limit_leaves_out_an_unstated_price_unless_the_learner_accepts_it() -> None:
    for limit in (Constraints(max_price=500), Constraints(free_only=True)):
        assert violations(UNKNOWN, limit, CATALOG, TODAY) == ["price not stated"]
        assert violations(UNKNOWN, dataclasses.replace(limit, accept_unstated_price=True), CATALOG, TODAY) == []
    # For a pathway the budget is checked on the plan, but an unknown price is still held back per credential.
    assert violations(UNKNOWN, Constraints(max_price=500), CATALOG, TODAY, per_credential_price=False) == [
        "price not stated"
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
        assert violations(UNKNOWN, limit, CATALOG, TODAY) == [reason]
    assert violations(UNKNOWN, Constraints(eqf_max=8), CATALOG, TODAY) == ["EQF level not stated"]
    no_schedule = domain_credential(schedule=Schedule())
    assert violations(no_schedule, Constraints(start_before=TODAY), CATALOG, TODAY) == ["schedule not stated"]


def test_paced_weeks_and_hours_of_an_unstated_duration_are_unknown() -> None:
    from recommender.request import paced_hours

    assert paced_weeks(UNKNOWN, 4) is None and paced_hours(UNKNOWN, 4) is None
    self_paced_no_workload = domain_credential(ects=None, duration_weeks=4, hours_per_week=10)
    assert paced_weeks(self_paced_no_workload, 5) == 8  # 4 weeks at 10 h, stretched to 5 h a week
