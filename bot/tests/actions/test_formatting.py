from __future__ import annotations

from fakes import result

from actions import formatting


def _items(n: int = 3) -> list[dict]:
    return [formatting.compact(result(i, price=50.0 * i)) for i in range(1, n + 1)]


def test_recommendations_name_title_provider_price_weeks_mode_and_reason() -> None:
    text = formatting.recommendations(_items(), rich=False)[0]["text"]
    for item in _items():
        assert item["title"] in text and item["provider"] in text and item["reason"] in text
    assert "100 EUR" in text and "6 weeks" in text and "online" in text


def test_a_stretched_self_paced_course_shows_the_learners_weeks() -> None:
    items = [formatting.compact(result(1, paced_weeks=17.0)), formatting.compact(result(2))]
    text = formatting.recommendations(items, rich=False)[0]["text"]
    assert "17 weeks at your pace" in text
    assert text.count("at your pace") == 1


def test_text_channels_get_no_cards_and_rich_ones_get_a_generic_template() -> None:
    assert all("attachment" not in m for m in formatting.recommendations(_items(), rich=False))
    rich = formatting.recommendations(_items(), rich=True)
    cards = rich[1]["attachment"]
    assert cards["type"] == "template" and cards["payload"]["template_type"] == "generic"
    assert len(cards["payload"]["elements"]) == 3
    assert all(e["buttons"] for e in cards["payload"]["elements"])


def test_every_button_payload_fits_telegram() -> None:
    messages = [
        *formatting.recommendations(_items(5), rich=True),
        formatting.explanation(1, _items()[0]),
        formatting.understood_skills(["x"]),
        formatting.ASK_CONSTRAINTS,
    ]
    payloads = [b["payload"] for m in messages for b in m.get("buttons", [])]
    payloads += [
        b["payload"]
        for m in messages
        if "attachment" in m
        for e in m["attachment"]["payload"]["elements"]
        for b in e["buttons"]
    ]
    assert payloads and all(len(p.encode()) <= 64 for p in payloads)


def test_empty_list_suggests_relaxing() -> None:
    assert "relax" in formatting.recommendations([], rich=True)[0]["text"]


def test_understood_limits() -> None:
    said = formatting.understood_limits(
        {"max_price": 300, "currency": "EUR", "max_hours_per_week": 4, "modes": ["online"]}
    )
    assert said == "Noted: up to 300 EUR, at most 4 hours a week, online."
    assert formatting.understood_limits({}) is None


def test_comparison_names_cheapest_and_shortest() -> None:
    a = formatting.compact(result(1, price=300.0, weeks=4.0))
    b = formatting.compact(result(2, price=100.0, weeks=8.0))
    text = formatting.comparison([(1, a), (2, b)])["text"]
    assert "Cheapest: 2. Shortest: 1." in text


def test_a_price_the_catalog_does_not_state_reads_price_not_stated() -> None:
    unknown = formatting.compact(result(1, price=None, weeks=None, eqf=None, mode=None))
    text = formatting.recommendations([unknown], rich=False)[0]["text"]
    assert "price not stated" in text and "duration not stated" in text and "mode not stated" in text
    assert "free" not in text and "None" not in text


def test_comparison_leaves_an_unknown_price_out_of_cheapest() -> None:
    a = formatting.compact(result(1, price=None, weeks=4.0))
    b = formatting.compact(result(2, price=300.0, weeks=8.0, eqf=None))
    text = formatting.comparison([(1, a), (2, b)])["text"]
    assert "Cheapest: 2. Shortest: 1." in text
    assert "1. Course 1: price not stated" in text and "EQF level not stated" in text


def test_pathway_steps_and_totals_say_what_is_not_stated() -> None:
    plan = {
        "steps": [
            {
                "position": 1,
                "credential": result(1)["credential"],
                "price": None,
                "start_week": 0,
                "end_week": None,
                "covers": [],
                "reason": "covers SQL",
            }
        ],
        "totals": {
            "ects": 3.0,
            "price": 0.0,
            "currency": "EUR",
            "weeks": 0,
            "hours": 75,
            "notes": ["1 step: price not stated; the total counts the others"],
        },
        "stacks": [],
        "uncovered_skills": [],
    }
    text = formatting.pathway(plan)[0]["text"]
    assert "1. Course 1 (Provider 1), duration not stated, price not stated." in text
    assert "1 step: price not stated; the total counts the others." in text


def test_details_of_a_record_without_price_do_not_call_it_free() -> None:
    detail = {"credential": {"title": "Open course", "description": "d", "learning_outcomes": []}, "provider": None}
    text = formatting.details(1, detail)["text"]
    assert "Price: not stated" in text and "EQF level not stated" in text and "Format: not stated" in text
