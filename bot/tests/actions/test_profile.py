from __future__ import annotations

from fakes import reading, result

from actions import formatting, profile
from actions.messages import Messages

EN = Messages.load().voice("en")


def test_limits_from_slots() -> None:
    slots = {
        "budget": "300",
        "currency": "eur",
        "hours_per_week": "4",
        "duration": "13 weeks",
        "mode": ["online", "nonsense"],
        "language": ["es"],
        "country": ["my"],
        "eqf_level": "5",
    }
    assert profile.limits(slots) == {
        "max_price": 300.0,
        "currency": "EUR",
        "max_hours_per_week": 4.0,
        "max_weeks": 13.0,
        "modes": ["online"],
        "languages": ["es"],
        "countries": ["MY"],
        "eqf_min": 5,
        "eqf_max": 5,
    }
    assert profile.limits({"budget": "lots"}) == {}


def test_request_body_sends_the_learners_own_phrases() -> None:
    slots = {"goal": "become a data analyst", "known_skills": ["Excel"], "budget": "100", "currency": "GBP"}
    body = profile.request_body(slots)
    assert body["goal"] == "become a data analyst" and body["skills"] == ["Excel"]
    assert (body["constraints"]["max_price"], body["constraints"]["currency"]) == (100.0, "GBP")


def test_a_budget_whose_currency_is_not_known_is_said_and_not_read_as_euros() -> None:
    """ "Budget 20,000 pesos" on an English page: which peso is not said, so no limit is applied in a guessed one."""
    slots = {"goal": "health data analyst", "budget": "20000", "modes": ["online"]}
    assert "max_price" not in profile.limits(slots) and profile.unclear_budget(slots) == 20000
    said = formatting.understood_limits(EN, profile.limits(slots), profile.unclear_budget(slots))
    assert said is not None and "20,000 in a currency I could not tell" in said and "€" not in said
    assert profile.unclear_budget({**slots, "currency": "PHP"}) is None


def test_cheaper_and_shorter_cut_below_what_was_shown() -> None:
    shown = [formatting.compact(result(i, price=100.0 * i, weeks=2.0 * i)) for i in range(1, 4)]
    changes, said = profile.refine(EN, ["cheaper", "shorter"], shown, {})
    assert float(changes["budget"]) < 200 and changes["currency"] == "EUR"
    assert changes["duration"] == "3.2 weeks"
    assert "under €160" in said


def test_more_advanced_raises_the_floor() -> None:
    shown = [formatting.compact(result(i, eqf=4)) for i in range(1, 4)]
    changes, _ = profile.refine(EN, ["more_advanced"], shown, {})
    assert changes["eqf_min"] == 5.0 and changes["eqf_max"] is None
    assert profile.limits({**changes})["eqf_min"] == 5


def test_has_constraints() -> None:
    assert not profile.has_constraints({"goal": "x"})
    assert profile.has_constraints({"mode": ["online"]})


def test_cheaper_compares_prices_in_one_currency() -> None:
    shown = [formatting.compact(result(i)) for i in range(1, 4)]
    for item, (price, currency, eur) in zip(
        shown, [(250.0, "EUR", 250.0), (950000.0, "IDR", 54.6), (700.0, "PLN", 162.8)], strict=True
    ):
        item.update(price=price, currency=currency, price_eur=eur)
    changes, said = profile.refine(EN, ["cheaper"], shown, {})
    assert changes["currency"] == "EUR" and float(changes["budget"]) == 130  # 162.8 * 0.8, to the whole euro
    assert said == "under €130"


def test_cheaper_than_a_euro_or_two_means_free() -> None:
    shown = [formatting.compact(result(i, price=1.0)) for i in range(1, 4)]
    changes, said = profile.refine(EN, ["cheaper"], shown, {})
    assert changes == {"free_only": True} and said == "free only"


def test_a_refinement_said_twice_is_applied_and_echoed_once() -> None:
    changes, said = profile.refine(EN, ["free", "free"], [formatting.compact(result(1))], {})
    assert changes == {"free_only": True} and said == "free only"


def test_refinements_judge_only_what_the_catalog_states() -> None:
    shown = [formatting.compact(result(i, price=100.0 * i, eqf=4)) for i in range(1, 4)]
    shown.append(formatting.compact(result(4, price=None, weeks=None, eqf=None)))
    changes, said = profile.refine(EN, ["cheaper", "shorter", "more_advanced"], shown, {})
    assert "under €160" in said  # the same cap as without the course of unknown price
    assert changes["duration"] == "4.8 weeks" and changes["eqf_min"] == 5.0


def test_limits_the_api_read_become_slot_values() -> None:
    assert profile.from_reading(reading("id", 3_000_000, "IDR", hours=4, modes=("online", "x"))) == {
        "budget": "3000000",
        "currency": "IDR",
        "hours_per_week": "4",
        "mode": ["online"],
    }
    # A budget without a currency is in the language's default currency; no reading, nothing found.
    assert profile.from_reading(reading("id", 500_000, None, default_currency="IDR"))["currency"] == "IDR"
    assert profile.from_reading(reading(weeks=13, free_only=True)) == {"free_only": True, "duration": "13 weeks"}
    assert profile.from_reading(None) == {}


def test_cheaper_sets_the_cap_in_the_learners_currency_when_every_price_can_be_given_in_it() -> None:
    shown = [formatting.compact(result(i)) for i in range(1, 4)]
    for item, (price, currency, eur, local) in zip(
        shown,
        [(950000.0, "IDR", 54.6, None), (250.0, "EUR", 250.0, 4_350_000.0), (1_500_000.0, "IDR", 86.2, None)],
        strict=True,
    ):
        item.update(price=price, currency=currency, price_eur=eur)
        item["price_learner"] = {"amount": local, "currency": "IDR"} if local else None
    changes, _ = profile.refine(EN, ["cheaper"], shown, {}, "IDR")
    assert changes["currency"] == "IDR" and float(changes["budget"]) == 1_200_000  # 1.5 million * 0.8, rounded down
    shown[1]["price_learner"] = None  # one price the API could not convert: the cap stays in euros
    changes, _ = profile.refine(EN, ["cheaper"], shown, {}, "IDR")
    assert changes["currency"] == "EUR"
