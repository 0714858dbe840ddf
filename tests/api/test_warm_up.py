from __future__ import annotations

import logging
from typing import Any, cast

import pytest

from api.main import _warm
from recommender.request import LearnerRequest
from recommender.service import RecommenderService


class _Service:
    def __init__(self, fail: bool = False) -> None:
        self.goals: list[str] = []
        self.fail = fail

    def recommend(self, request: LearnerRequest) -> Any:
        if self.fail:
            raise RuntimeError("no catalog")
        self.goals.append(request.goal)
        return None


def test_start_up_runs_a_recommendation_in_english_and_in_another_language() -> None:
    """The first recommendation creates the encoders' sessions: the API pays it before the first learner does."""
    service = _Service()
    _warm(cast(RecommenderService, service))
    assert len(service.goals) == 2 and service.goals[0] != service.goals[1]


def test_a_failing_warm_up_is_logged_and_does_not_stop_the_api(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="stackwise.api"):
        _warm(cast(RecommenderService, _Service(fail=True)))
    assert "warm-up recommendation failed" in caplog.text
