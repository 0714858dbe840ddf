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
