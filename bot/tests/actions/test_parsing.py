from __future__ import annotations

import pytest

from actions import parsing
from actions.languages import Words

WORDS = Words.load()


@pytest.mark.parametrize(
    ("text", "tagged", "claims", "claimed"),
    [
        ("I own a bakery and want to use social media", ["social media"], [], []),
        (
            "I run a smallholding and want to move into consulting; I know Excel",
            ["Excel", "consulting"],
            ["Excel"],
            ["Excel"],
        ),
        ("I know excell and want to become a data analyst", ["Excel", "data analyst"], ["excell"], ["Excel"]),
        ("sy bisa excel sama word, mau belajar analisis data", ["excel"], ["excel", "word"], ["excel", "word"]),
        ("ผมใช้ Excel เป็น อยากเรียนวิเคราะห์ข้อมูล", [], ["Excel"], ["Excel"]),
    ],
)
def test_claimed_skills_keep_nlu_values_inside_what_the_api_read_as_claimed(
    text: str, tagged: list, claims: list, claimed: list
) -> None:
    assert parsing.claimed_skills(text, tagged, claims) == claimed


def test_merge_keeps_order_and_ignores_case() -> None:
    assert parsing.merge(["Excel", "SQL"], ["sql", "Python"]) == ["Excel", "SQL", "Python"]


@pytest.mark.parametrize(
    ("value", "count", "index"),
    [
        ("1", 3, 0),
        ("second", 3, 1),
        ("last", 4, 3),
        ("#3", 3, 2),
        ("7", 3, None),
        ("zero", 3, None),
        (None, 3, None),
        ("kedua", 3, 1),
        ("terakhir", 4, 3),
        ("toinen", 3, 1),
        ("Zweite", 3, 1),
        ("tercera", 3, 2),
        ("dernière", 5, 4),
        ("thứ hai", 3, 1),
        ("ที่สาม", 3, 2),
    ],
)
def test_option_index_in_every_language(value: str | None, count: int, index: int | None) -> None:
    assert parsing.option_index(value, count, WORDS) == index


def test_says_none() -> None:
    for nothing in ("no limits", "Nope!", "tidak ada batasan", "ei rajoja", "keine Vorgaben", "sin límites", "ไม่มี"):
        assert parsing.says_none(nothing, WORDS), nothing
    assert not parsing.says_none("no more than 200 euros", WORDS)


def test_eqf_levels_are_read_with_their_word_in_any_language() -> None:
    assert parsing.eqf("data analysis at EQF level 5", WORDS) == 5
    assert parsing.eqf("kursus tingkat 6", WORDS) == 6
    assert parsing.eqf("EQF-taso 4", WORDS) == 4
    assert parsing.eqf("5 h a week", WORDS) is None
    assert parsing.eqf("level 9", WORDS) is None


def test_a_goal_is_no_list_of_limits_the_api_read() -> None:
    text = "I can do 5 hours a week, up to 300 euros, online"
    assert not parsing.reads_as_goal(text, {"budget": {"amount": 300, "currency": "EUR"}, "hours_per_week": 5})
    assert parsing.reads_as_goal("I own a bakery and want to use social media better", {"budget": None})
    assert parsing.reads_as_goal("I own a bakery and want to use social media better", None)
    skills_only = {"budget": None, "skills": ["Excel", "SQL", "Python"], "wants": []}
    assert not parsing.reads_as_goal("I know Excel, SQL and some Python", skills_only)
    assert parsing.reads_as_goal(
        "I know Excel and SQL and want to become a data analyst", {**skills_only, "wants": ["x"]}
    )
    limits = {"budget": {"amount": 400, "currency": "EUR"}, "hours_per_week": None}
    opener = (
        "Olá, sou enfermeira no Porto e quero atualizar-me no tratamento de feridas crónicas, online, até 400 euros"
    )
    assert parsing.reads_as_goal(opener, {**limits, "wants": ["atualizar-me no tratamento de feridas crónicas"]})
    assert not parsing.reads_as_goal(
        "up to 400 euros, online, 5 hours a week, I want something cheap", {**limits, "wants": ["cheap"]}
    )
