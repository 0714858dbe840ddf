from __future__ import annotations

from fakes import result

from actions import formatting
from actions.messages import Messages

MESSAGES = Messages.load()
EN = MESSAGES.voice("en")


def _items(n: int = 3) -> list[dict]:
    return [formatting.compact(result(i, price=50.0 * i)) for i in range(1, n + 1)]


def test_recommendations_name_title_provider_price_weeks_mode_and_reason() -> None:
    text = formatting.recommendations(EN, _items(), rich=False)[0]["text"]
    for item in _items():
        assert item["title"] in text and item["provider"] in text and item["reason"] in text
    assert "€100" in text and "6 weeks" in text and "online" in text


def test_a_stretched_self_paced_course_shows_the_learners_weeks() -> None:
    items = [formatting.compact(result(1, paced_weeks=17.0)), formatting.compact(result(2))]
    text = formatting.recommendations(EN, items, rich=False)[0]["text"]
    assert "17 weeks at your pace" in text
    assert text.count("at your pace") == 1


def test_text_channels_get_no_cards_and_rich_ones_get_a_generic_template() -> None:
    assert all("attachment" not in m for m in formatting.recommendations(EN, _items(), rich=False))
    rich = formatting.recommendations(EN, _items(), rich=True)
    cards = rich[1]["attachment"]
    assert cards["type"] == "template" and cards["payload"]["template_type"] == "generic"
    assert len(cards["payload"]["elements"]) == 3
    assert all(e["buttons"] for e in cards["payload"]["elements"])


def test_every_button_payload_fits_telegram() -> None:
    messages = [
        *formatting.recommendations(EN, _items(5), rich=True),
        formatting.explanation(EN, 1, _items()[0]),
        formatting.understood_skills(EN, ["x"]),
        formatting.say(EN, "ask.constraints"),
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
    assert "relax" in formatting.recommendations(EN, [], rich=True)[0]["text"]


def test_understood_limits() -> None:
    said = formatting.understood_limits(
        EN, {"max_price": 300, "currency": "EUR", "max_hours_per_week": 4, "modes": ["online"]}
    )
    assert said == "Noted: up to €300, at most 4 hours a week, online."
    assert formatting.understood_limits(EN, {}) is None


def test_comparison_names_cheapest_and_shortest() -> None:
    a = formatting.compact(result(1, price=300.0, weeks=4.0))
    b = formatting.compact(result(2, price=100.0, weeks=8.0))
    text = formatting.comparison(EN, [(1, a), (2, b)])["text"]
    assert "Cheapest: 2. Shortest: 1." in text


def test_a_price_the_catalog_does_not_state_reads_price_not_stated() -> None:
    unknown = formatting.compact(result(1, price=None, weeks=None, eqf=None, mode=None))
    text = formatting.recommendations(EN, [unknown], rich=False)[0]["text"]
    assert "price not stated" in text and "duration not stated" in text and "mode not stated" in text
    assert "free" not in text and "None" not in text


def test_comparison_leaves_an_unknown_price_out_of_cheapest() -> None:
    a = formatting.compact(result(1, price=None, weeks=4.0))
    b = formatting.compact(result(2, price=300.0, weeks=8.0, eqf=None))
    text = formatting.comparison(EN, [(1, a), (2, b)])["text"]
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
    text = formatting.pathway(EN, plan)[0]["text"]
    assert "1. Course 1 (Provider 1), duration not stated, price not stated." in text
    assert "1 step: price not stated; the total counts the others." in text


def test_details_of_a_record_without_price_do_not_call_it_free() -> None:
    detail = {"credential": {"title": "Open course", "description": "d", "learning_outcomes": []}, "provider": None}
    text = formatting.details(EN, 1, detail)["text"]
    assert "Price: not stated" in text and "EQF level not stated" in text and "Format: not stated" in text


def test_numbers_prices_and_names_follow_the_conversations_locale() -> None:
    de, idn = MESSAGES.voice("de"), MESSAGES.voice("id")
    item = formatting.compact(result(1, price=1250.5, weeks=1.5))
    assert "1.250,50\xa0€" in formatting.facts(de, item) and "1,5 Wochen" in formatting.facts(de, item)
    limits = {"max_price": 3_000_000, "currency": "IDR", "languages": ["en", "id"], "modes": ["online", "onsite"]}
    said = formatting.understood_limits(idn, limits)
    assert said == "Siap, aku catat: maksimal Rp3.000.000, online atau tatap muka, dalam bahasa Inggris atau Indonesia."
    assert formatting.weeks(de, 1) == "1 Woche" and formatting.weeks(idn, 1) == "1 minggu"


def test_a_price_in_another_currency_shows_its_equivalent_in_the_learners() -> None:
    idn = MESSAGES.voice("id")
    priced = result(1, price=55.0)
    item = formatting.compact({**priced, "price_learner": {"amount": 957000.0, "currency": "IDR"}})
    assert "€55 ≈ Rp957.000" in formatting.facts(idn, item)
    assert "≈" not in formatting.facts(idn, formatting.compact(priced))  # the learner's own currency: said once
