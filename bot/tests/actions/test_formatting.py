from __future__ import annotations

import re

import pytest
from fakes import result

from actions import formatting
from actions.messages import Messages, spoken

MESSAGES = Messages.load()
EN = MESSAGES.voice("en")


def _items(n: int = 3) -> list[dict]:
    return [formatting.compact(result(i, price=50.0 * i)) for i in range(1, n + 1)]


def test_recommendations_name_title_provider_price_weeks_mode_and_reason() -> None:
    text = formatting.recommendations(EN, _items(), rich=False)[0]["text"]
    for item in _items():
        assert item["title"] in text and item["provider"] in text and formatting.reason(EN, item) in text
    assert "Why: Covers skills you still need: skill 1." in text
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
                "why": {"code": "covers", "values": {"skills": ["SQL"]}},
            }
        ],
        "totals": {
            "ects": 3.0,
            "price": 0.0,
            "currency": "EUR",
            "weeks": 0,
            "hours": 75,
            "price_not_stated": 1,
            "weeks_not_stated": 1,
            "hours_not_stated": 0,
            "notes": ["1 step: price not stated; the total counts the others"],
        },
        "stacks": [],
        "uncovered_skills": [],
    }
    text = formatting.pathway(EN, plan)[0]["text"]
    assert "1. Course 1 (Provider 1), duration not stated, price not stated. Covers SQL." in text
    assert "1 step has no stated price; the total counts the others." in text
    assert "1 step has no stated duration; the total counts the others." in text and "workload" not in text


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


def test_a_course_taught_only_in_a_language_the_learner_has_not_shown_says_so_in_theirs() -> None:
    item = formatting.compact({**result(1), "taught_only_in": ["nl"]})
    assert formatting.facts(EN, item).endswith("taught in Dutch")
    assert formatting.facts(MESSAGES.voice("th"), item).endswith("สอนเป็นภาษาดัตช์")
    assert formatting.facts(MESSAGES.voice("fi"), item).endswith("opetuskieli: hollanti")
    assert "Dutch" not in formatting.facts(EN, formatting.compact(result(1)))


def test_a_price_in_another_currency_shows_its_equivalent_in_the_learners_and_in_euros() -> None:
    idn = MESSAGES.voice("id")
    priced = result(1, price=55.0)
    item = formatting.compact({**priced, "price_learner": {"amount": 957000.0, "currency": "IDR"}})
    assert "€55 ≈ Rp957.000" in formatting.facts(idn, item)
    assert "≈" not in formatting.facts(idn, formatting.compact(priced))  # the learner's own currency: said once
    baht = {**formatting.compact(priced), "currency": "THB", "price": 5000.0, "price_eur": 130.0}
    assert "฿5.000 ≈ €130" in formatting.facts(idn, baht)  # a learner in euros: the euros once
    to_rupiah = {**baht, "price_learner": {"amount": 2320000.0, "currency": "IDR"}}
    assert "฿5.000 ≈ Rp2.320.000 ≈ €130" in formatting.facts(idn, to_rupiah)  # and the common currency too
    rupiah = {**formatting.compact(priced), "currency": "IDR", "price": 950000.0, "price_eur": 54.6}
    assert "Rp950.000 ≈ €55" in formatting.facts(idn, rupiah)  # an equivalent in whole units
    free = formatting.compact({**result(1, price=0.0), "price_learner": {"amount": 0.0, "currency": "SGD"}})
    assert "≈" not in formatting.facts(EN, free) and "free" in formatting.facts(EN, free)  # not "free ≈ SGD0"


# -- the API's reasons, worded by the bot: never its English sentences ------------------------------------------

# Words of the API's English reasons (explanation.summary, held-back `reasons`, step `reason`, totals `notes`,
# stack `summary`), which must not reach a learner in another language.
ENGLISH_WORDS = re.compile(
    r"\b(covers?|skills you still need|close to|your goal|related|needs|costs|more than|is onsite|onsite|taught|"
    r"price|stated|week|weeks|h a week|prerequisite|completes|stack|toward|step|steps|total|others|EUR)\b",
    re.IGNORECASE,
)
ONSITE_IN_TH = {
    "credential": {"title": "Course 7"},
    "reasons": ["needs 9 h a week", "is onsite", "is taught in th", "costs more than 300 EUR"],
    "limits": [
        {"code": "hours_per_week", "values": {"hours": 9.0}},
        {"code": "mode", "values": {"mode": "onsite"}},
        {"code": "language", "values": {"languages": ["th"]}},
        {"code": "over_price", "values": {"max": 300.0, "currency": "EUR"}},
    ],
}


def _spoken(text: str) -> str:
    """The text without what is shown as it comes: course titles and ESCO labels ("Course 7", "skill 1")."""
    return re.sub(r"Course \d+|skill \d+|Analyse data set \d+|Report on data set \d+|Data stack", "", text)


def test_held_back_limits_are_worded_in_finnish_and_thai() -> None:
    english = formatting.held_back(EN, {"held_back": [ONSITE_IN_TH]})
    assert english == "Course 7 (needs 9 h a week, is onsite, is taught in Thai, and costs more than €300)."
    assert ENGLISH_WORDS.search(_spoken(english))  # the check below would catch the English
    fi, th = MESSAGES.voice("fi"), MESSAGES.voice("th")
    said = formatting.held_back(fi, {"held_back": [ONSITE_IN_TH]})
    assert (
        said
        == "Course 7 (vaatii 9 h viikossa, toteutustapa: paikan päällä, opetuskielenä thai ja maksaa yli 300\xa0€)."
    )
    assert not ENGLISH_WORDS.search(_spoken(said))
    said = formatting.held_back(th, {"held_back": [ONSITE_IN_TH]})
    assert "ต้องเรียนสัปดาห์ละ 9 ชั่วโมง" in said and "เป็นคอร์สเรียนในสถานที่" in said
    assert "สอนเป็นภาษาไทย" in said and "ราคาเกิน €300" in said
    assert not ENGLISH_WORDS.search(_spoken(said))


def test_a_result_reason_is_worded_in_the_conversations_language() -> None:
    fi, th = MESSAGES.voice("fi"), MESSAGES.voice("th")
    covers = formatting.compact(result(1))
    goal = formatting.compact(result(2))
    goal["why"] = {**goal["why"], "kind": "goal", "skills": []}
    related = {**goal, "why": {"kind": "related", "skills": [], "outcome": None}}
    assert formatting.reason(fi, covers) == "Kattaa taitoja, joita vielä tarvitset: skill 1."
    assert formatting.reason(fi, goal) == "Lähellä tavoitettasi: ”Report on data set 2”"
    assert formatting.reason(fi, related) == "Liittyy tavoitteeseesi."
    assert formatting.reason(th, covers) == "ครอบคลุมทักษะที่คุณยังต้องการ: skill 1"
    assert formatting.reason(th, goal) == "ใกล้เคียงกับเป้าหมายของคุณ: “Report on data set 2”"
    for v in (fi, th):
        text = formatting.recommendations(v, [covers, goal, related], rich=True)
        for words in (text[0]["text"], *(e["subtitle"] for e in text[1]["attachment"]["payload"]["elements"])):
            assert not ENGLISH_WORDS.search(_spoken(words)), words
        assert not ENGLISH_WORDS.search(_spoken(formatting.explanation(v, 1, covers)["text"]))
        assert not ENGLISH_WORDS.search(_spoken(formatting.comparison(v, [(1, covers), (2, goal)])["text"]))


def test_a_list_kept_from_one_language_is_explained_in_the_next() -> None:
    """The reason is kept as data in the conversation's slots, so a learner who switches language gets it in the
    new one."""
    item = formatting.compact(result(1))
    assert "Covers skills you still need" in formatting.explanation_line(EN, 1, item)
    assert formatting.explanation_line(MESSAGES.voice("de"), 1, item) == (
        "1. Course 1: Deckt Fähigkeiten ab, die dir noch fehlen: skill 1."
    )


PLAN = {
    "steps": [
        {
            "position": 1,
            "credential": result(1)["credential"],
            "price": 120.0,
            "start_week": 0,
            "end_week": 6,
            "reason": "prerequisite for Course 2",
            "why": {"code": "prerequisite", "values": {"credential": "cred-2", "title": "Course 2"}},
        },
        {
            "position": 2,
            "credential": result(2)["credential"],
            "price": None,
            "start_week": 6,
            "end_week": None,
            "reason": "completes a stack",
            "why": {"code": "stack", "values": {}},
        },
    ],
    "totals": {
        "ects": 6.0,
        "price": 120.0,
        "currency": "EUR",
        "weeks": 6,
        "hours": 150,
        "price_not_stated": 1,
        "weeks_not_stated": 1,
        "hours_not_stated": 0,
        "notes": ["1 step: price not stated; the total counts the others"],
    },
    "stacks": [
        {
            "title": "Data stack",
            "components_in_plan": 2,
            "components_total": 5,
            "ects_in_plan": 6.0,
            "ects_required": 15.0,
            "summary": "2 of 5 toward Data stack, 6 of 15 ECTS",
        }
    ],
    "uncovered_skills": [],
}


def test_pathway_reasons_totals_and_stack_progress_are_worded_in_finnish_and_thai() -> None:
    fi = formatting.pathway(MESSAGES.voice("fi"), PLAN)[0]["text"]
    assert "1. Course 1 (Provider 1), viikot 0–6, 120\xa0€. Tarvitaan ennen kurssia Course 2." in fi
    assert "hintaa ei ilmoitettu. Vie kohti laajempaa tutkintoa." in fi
    assert "1 vaiheen hintaa ei ole ilmoitettu" in fi and "1 vaiheen kestoa ei ole ilmoitettu" in fi
    assert "Eteneminen kohti tutkintoa Data stack: 2/5 osaa, 6/15 op (ECTS)." in fi
    th = formatting.pathway(MESSAGES.voice("th"), PLAN)[0]["text"]
    assert "ต้องเรียนก่อน Course 2" in th and "มี 1 ขั้นที่ไม่ระบุราคา" in th
    assert "ความคืบหน้าสู่คุณวุฒิ Data stack: 2 จาก 5 รายวิชา (6 จาก 15 ECTS)" in th
    for text in (fi, th):
        assert not ENGLISH_WORDS.search(_spoken(text)), text


# Every limit code the API gives (recommender/request.py, `ENGLISH`), with values of the shape it sends.
EVERY_LIMIT = [
    {"code": "price_not_stated", "values": {}},
    {"code": "not_free", "values": {}},
    {"code": "over_price", "values": {"max": 300.0, "currency": "EUR"}},
    {"code": "mode_not_stated", "values": {}},
    {"code": "mode", "values": {"mode": "blended"}},
    {"code": "language_not_stated", "values": {}},
    {"code": "language", "values": {"languages": ["th", "en"]}},
    {"code": "hours_not_stated", "values": {}},
    {"code": "hours_per_week", "values": {"hours": 9.5}},
    {"code": "paced_too_long", "values": {"weeks": 520.0, "hours": 0.5}},
    {"code": "duration_not_stated", "values": {}},
    {"code": "weeks", "values": {"weeks": 12.0}},
    {"code": "eqf_not_stated", "values": {}},
    {"code": "eqf", "values": {"level": 7}},
    {"code": "country_not_stated", "values": {}},
    {"code": "country", "values": {"country": "DE"}},
    {"code": "provider", "values": {}},
    {"code": "schedule_not_stated", "values": {}},
    {"code": "start", "values": {"date": "2027-03-01"}},
]


@pytest.mark.parametrize("lang", [lang for lang in spoken() if lang != "en"])
def test_every_limit_code_is_worded_with_its_values_in_every_language(lang: str) -> None:
    v = MESSAGES.voice(lang)
    said = {b["code"]: formatting.limit(v, b) for b in EVERY_LIMIT}
    assert all(said.values()), said
    for text in said.values():
        assert "{" not in text and not ENGLISH_WORDS.search(text), (lang, text)
    assert v.money(300, "EUR") in said["over_price"] and v.language_name("th") in said["language"]
    assert v.country_name("DE") in said["country"] and v.number(9.5) in said["hours_per_week"]
    assert v.plural("weeks", 12) in said["weeks"] and v.date("2027-03-01") in said["start"]
    assert v.mode("blended") in said["mode"]


def test_a_limit_code_the_bot_does_not_know_is_left_out_not_guessed() -> None:
    newer = {"credential": {"title": "Course 8"}, "limits": [{"code": "accessibility", "values": {}}]}
    assert formatting.limit(EN, newer["limits"][0]) is None
    assert formatting.held_back(EN, {"held_back": [newer]}) == "Course 8."
    assert formatting.step_reason(EN, {"code": "mentoring", "values": {}}) is None
