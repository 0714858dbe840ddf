from __future__ import annotations

import pytest

from actions import parsing


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("max 300 euros", 300, "EUR"),
        ("I can pay €250 at most", 250, "EUR"),
        ("budget is 1.5k USD", 1500, "USD"),
        ("under RM 800 please", 800, "MYR"),
        ("my budget is 400", 400, None),
        ("up to 1,200 pounds", 1200, "GBP"),
    ],
)
def test_money_in_free_text(text: str, amount: float, currency: str | None) -> None:
    assert parsing.money(text) == (amount, currency)


def test_hours_are_not_money_and_weeks_are_not_rates() -> None:
    text = "I can spend 4 hours a week and max 300 euros, for 3 months"
    assert parsing.money(text) == (300, "EUR")
    assert parsing.hours_per_week(text) == 4
    assert parsing.weeks(text) == pytest.approx(13.0, abs=0.1)
    assert parsing.weeks("2 hours per week") is None
    assert parsing.money("at most 5 hours a week") == (None, None)


def test_constraints_from_a_messy_sentence() -> None:
    found = parsing.constraints_from_text("hi, nurse here, 4h per week, max 300 euro, only remote, in spanish pls")
    assert found["budget"] == "300" and found["currency"] == "EUR"
    assert found["hours_per_week"] == "4"
    assert found["mode"] == ["online"]
    assert found["language"] == ["es"]
    assert parsing.constraints_from_text("I want to become a data analyst") == {}


def test_skill_phrases_drop_lead_ins_and_split_lists() -> None:
    assert parsing.skill_phrases("I know basic Excel, some SQL and project management") == [
        "Excel",
        "SQL",
        "project management",
    ]
    assert parsing.skill_phrases("actually I already know Python") == ["Python"]
    assert parsing.skill_phrases("nothing") == []


@pytest.mark.parametrize(
    ("text", "tagged", "claimed"),
    [
        ("I own a bakery and want to use social media better for my local business", ["social media"], []),
        ("I run a smallholding and want to move into consulting; I know Excel", ["Excel", "consulting"], ["Excel"]),
        ("I'm a nurse who knows Excel and SQL and want to move into data analysis", ["SQL", "data analysis"], ["SQL"]),
        ("I know Excel, SQL and some Python and want to become a data analyst", ["Python", "data analyst"], ["Python"]),
        ("With good Excel skills, I want to become a data analyst", ["Excel", "data analyst"], ["Excel"]),
        ("I want to improve my social media skills for my shop", ["social media"], []),
        ("Saya PNS di Sumatra, bisa Excel, mau belajar analisis data", ["Sumatra", "Excel"], ["Excel"]),
    ],
)
def test_claimed_skills_are_those_a_message_says_the_learner_has(text: str, tagged: list, claimed: list) -> None:
    assert parsing.claimed_skills(text, tagged) == claimed


def test_merge_keeps_order_and_ignores_case() -> None:
    assert parsing.merge(["Excel", "SQL"], ["sql", "Python"]) == ["Excel", "SQL", "Python"]


@pytest.mark.parametrize(
    ("value", "count", "index"),
    [("1", 3, 0), ("second", 3, 1), ("last", 4, 3), ("#3", 3, 2), ("7", 3, None), ("zero", 3, None), (None, 3, None)],
)
def test_option_index(value: str | None, count: int, index: int | None) -> None:
    assert parsing.option_index(value, count) == index


def test_says_none() -> None:
    assert parsing.says_none("no limits")
    assert parsing.says_none("Nope!")
    assert not parsing.says_none("no more than 200 euros")


@pytest.mark.parametrize(
    "text", ["max 5 hours weekly", "at most 6 h a week", "max 3 months", "up to 10 ECTS", "under 4 weeks"]
)
def test_time_and_credit_amounts_are_never_a_budget(text: str) -> None:
    assert parsing.money(text) == (None, None)


def test_weekly_hours_phrasings() -> None:
    assert parsing.hours_per_week("max 5 hours weekly") == 5
    assert parsing.hours_per_week("2-3 hrs per wk") == 3


def test_a_language_is_the_courses_only_when_named_as_such() -> None:
    assert parsing.course_languages("courses in German please") == ["de"]
    assert parsing.course_languages("lebih nyaman kalau kursusnya pakai bahasa Indonesia") == ["id"]
    assert parsing.course_languages("i prefer Bahasa") == ["ms"]
    for own in ("I am fluent in English and want to move into data", "I teach my classes in English", "learn Spanish"):
        assert parsing.course_languages(own) == [], own
