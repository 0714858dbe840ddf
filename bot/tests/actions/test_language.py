"""The conversation's language: a request to switch beats the language the learner writes in, which beats the front
end's; the replies come from that language's catalog, and limits come from the API's reading."""

from __future__ import annotations

import asyncio

import pytest
from fakes import FakeApi, heard, result, run, slot_events, tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions, formatting

ID = actions.MESSAGES.voice("id")
PAGE_EN = {"language": "en"}


def test_an_indonesian_conversation_is_answered_from_the_id_catalog() -> None:
    api = FakeApi()
    t = heard(api, tracker("halo, aku mau belajar analisis data", "greet"))
    assert t.get_slot("conversation_language") == "id" and t.get_slot("conversation_language_from") == "detected"
    assert api.requests[0] == ("read", {"text": "halo, aku mau belajar analisis data", "language": None})
    messages, _ = run(actions.ActionGreet(), t)
    assert messages[0]["text"] == ID("greet") == "Halo! Kamu ingin belajar apa, atau ingin jadi apa?"
    assert [b["title"] for b in messages[0]["buttons"]] == [ID("button.find_courses"), ID("button.what_can_you_do")]
    profile = {"goal": "analis data", "known_skills": ["Excel"], "conversation_language": "id"}
    messages, _ = run(
        actions.ActionRecommend(api), tracker("mau jadi analis data", "request_recommendations", slots=profile)
    )
    assert (
        messages[0]["text"].startswith("Ini 5 pilihan untukmu:")
        and "Alasannya: Mencakup keterampilan yang masih kamu butuhkan: skill 1." in messages[0]["text"]
    )
    assert "€100" in messages[0]["text"] and "6 minggu" in messages[0]["text"]


def test_the_language_the_learner_writes_in_wins_over_the_pages_and_a_short_message_keeps_it() -> None:
    api = FakeApi()
    t = heard(api, tracker("halo, aku mau belajar analisis data", "greet", metadata=PAGE_EN))
    assert t.get_slot("conversation_language") == "id" and t.get_slot("conversation_language_from") == "detected"
    assert api.requests[0][1]["language"] == "en"  # the reader is told the page's language as a hint
    # A message too short to tell keeps the conversation's language, though the page says English.
    t = heard(api, tracker("ok", "affirm", slots=dict(t.slots), metadata=PAGE_EN))
    assert t.get_slot("conversation_language") == "id"
    # Until the learner writes something that tells, the page's language holds (rasa-webchat's customData too).
    t = heard(api, tracker("ok", "affirm", metadata={"customData": {"language": "fi-FI"}}))
    assert t.get_slot("conversation_language") == "fi" and t.get_slot("conversation_language_from") == "page"
    slots = {"conversation_language": "fi", "conversation_language_from": "page"}
    assert heard(api, tracker("ok", "affirm", slots=slots)).get_slot("conversation_language") == "fi"


def test_an_explicit_switch_wins_over_the_page_and_detection() -> None:
    api = FakeApi()
    page_id = {"language": "id"}
    t = heard(api, tracker("can we continue in English?", "nlu_fallback", slots={"language": None}, metadata=page_id))
    assert t.get_slot("conversation_language") == "en" and t.get_slot("conversation_language_from") == "switch"
    messages, _ = run(actions.ActionFallback(), t)
    assert messages[0]["text"] == "Sure, let's continue in English."
    # Later Indonesian messages on the Indonesian page do not switch back.
    t = heard(api, tracker("halo, aku mau belajar analisis data", "greet", slots=dict(t.slots), metadata=page_id))
    assert t.get_slot("conversation_language") == "en"
    # A Finnish request, written in Finnish, switches again; the courses' language is left alone.
    t = heard(api, tracker("voidaanko jatkaa suomeksi", "refine", {"language": "fi"}, dict(t.slots)))
    assert t.get_slot("conversation_language") == "fi" and t.get_slot("language") is None
    messages, events = run(actions.ActionRefine(api), t)
    assert events == [] and messages[0]["text"] == "Selvä, jatketaan suomeksi."


def test_asking_to_continue_in_another_language_sets_no_filter_on_the_courses_language() -> None:
    """NLU tags "English" in "can we continue in English?" as a language entity (Rasa fills the slot from it after
    the message is read); the global slot validation gives the slot back its earlier value."""
    api = FakeApi()
    domain = {"slots": {"language": {"type": "list", "mappings": [{"type": "from_entity", "entity": "language"}]}}}
    slots = {"conversation_language": "fi", "conversation_language_from": "message"}

    def validated(text: str, before: list[str] | None) -> list[object]:
        t = heard(api, tracker(text, "state_constraints", {"language": "en"}, slots))
        if before is not None:
            t.events.insert(0, {"event": "slot", "name": "language", "value": before})
        t.events.append({"event": "slot", "name": "language", "value": ["en"]})  # the from_entity mapping
        t.slots["language"] = ["en"]
        events = asyncio.run(actions.ActionValidateSlotMappings().run(CollectingDispatcher(), t, domain))
        return [e.get("value") for e in events if e.get("name") == "language"]

    # A form that starts on the same message reads it again, when the conversation is already in English.
    t = heard(api, tracker("can we continue in English?", "state_constraints", {"language": "en"}, slots))
    t.events.insert(0, {"event": "slot", "name": "language", "value": ["fi"]})
    t.events += [{"event": "slot", "name": k, "value": v} for k, v in t.slots.items() if k != "language"]
    again = heard(api, t)
    assert again.get_slot("language") == ["fi"]
    assert validated("can we continue in English?", ["fi"]) == [["fi"]]
    # The global validation after that second reading (switched_to set back to None by it) keeps it too.
    t = heard(api, tracker("can we continue in English?", "state_constraints", {"language": "en"}, slots))
    t.events.insert(0, {"event": "slot", "name": "language", "value": ["fi"]})
    t.events += [
        {"event": "slot", "name": "switched_to", "value": "en"},
        {"event": "slot", "name": "switched_to", "value": None},
    ]
    t.events.append({"event": "slot", "name": "language", "value": ["en"]})
    t.slots.update(switched_to=None, language=["en"])
    events = asyncio.run(actions.ActionValidateSlotMappings().run(CollectingDispatcher(), t, domain))
    assert [e.get("value") for e in events if e.get("name") == "language"] == [["fi"]]
    assert validated("can we continue in English?", None) == [None]
    assert validated("courses taught in English please", None) == [["en"]]  # a wish about the courses: kept


def test_a_form_starting_on_a_switch_takes_no_courses_language_from_it() -> None:
    """The form's validation of its pre-filled slots after "can we continue in English?" (read a second time, where it
    no longer reads as a switch) does not turn the named language into a limit."""
    api = FakeApi()
    slots = {"conversation_language": "en", "conversation_language_from": "switch", "skills_confirmed": True}
    t = heard(api, tracker("can we continue in English?", "state_constraints", {"language": "en"}, slots))
    t.events += [
        {"event": "slot", "name": "switched_to", "value": "en"},
        {"event": "slot", "name": "switched_to", "value": None},
    ]
    t.slots["switched_to"] = None
    out = asyncio.run(actions.ValidateProfileForm(api).validate_skills_confirmed(True, CollectingDispatcher(), t, {}))
    assert out["skills_confirmed"] is True and "language" not in out


def test_a_budget_in_rupiah_is_read_by_the_api() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    text = "saya perawat dan mau pindah ke analisis data kesehatan, budget 3 juta rupiah, 4 jam seminggu"
    t = heard(api, tracker(text, "state_goal", {"budget": "3"}, {"budget": "3"}))
    out = asyncio.run(form.validate_goal(text, CollectingDispatcher(), t, {}))
    assert out["budget"] == "3000000" and out["currency"] == "IDR" and out["hours_per_week"] == "4"
    messages, _ = run(actions.ActionRecommend(api), tracker(slots={**t.slots, **out}))
    assert (
        api.requests[-1][1]["constraints"]["max_price"] == 3_000_000
        and api.requests[-1][1]["constraints"]["currency"] == "IDR"
    )
    assert messages[0]["text"].startswith("Ini 5 pilihan untukmu (maksimal Rp3.000.000, paling banyak 4 jam seminggu):")


def test_a_budget_without_currency_is_in_the_languages_default_currency() -> None:
    api = FakeApi()
    text = "budget saya 3 juta, 4 jam seminggu"
    t = heard(api, tracker(text, "state_constraints", slots={"requested_slot": "constraints"}))
    dispatcher = CollectingDispatcher()
    out = asyncio.run(actions.ValidateProfileForm(api).validate_constraints(text, dispatcher, t, {}))
    assert out["budget"] == "3000000" and out["currency"] == "IDR"
    assert dispatcher.messages[0]["text"] == "Siap, aku catat: maksimal Rp3.000.000, paling banyak 4 jam seminggu."


def test_without_the_reader_the_bot_goes_on_with_what_nlu_found() -> None:
    api = FakeApi(reader=False)
    t = heard(api, tracker("under 200 euros and only online", "state_constraints", {"budget": "200"}))
    assert t.get_slot("reading") is None and t.get_slot("conversation_language") == "en"


def test_a_session_starts_in_the_pages_language() -> None:
    t = tracker(slots={"session_started_metadata": {"language": "th"}})
    messages, events = run(actions.ActionSessionStart(), t)
    assert messages[0]["text"] == actions.MESSAGES.voice("th")("intro")
    assert slot_events(events) == {"conversation_language": "th", "conversation_language_from": "page"}


def test_start_over_keeps_the_language() -> None:
    slots = {"conversation_language": "vi", "conversation_language_from": "switch", "goal": "x"}
    messages, events = run(actions.ActionStartOver(), tracker("bắt đầu lại", "start_over", slots=slots))
    assert messages[0]["text"].startswith("Được, mình bắt đầu lại")
    assert slot_events(events) == {"conversation_language": "vi", "conversation_language_from": "switch"}


def test_details_in_german_name_languages_and_format_numbers() -> None:
    de = actions.MESSAGES.voice("de")
    detail = {
        "credential": {**result(1)["credential"], "languages": ["en", "de"], "description": "d"},
        "provider": None,
    }
    text = formatting.details(de, 1, detail)["text"]
    assert "Format: online, auf Englisch und Deutsch." in text and "Aufwand: 75 Stunden, 3 ECTS." in text


def test_results_are_asked_for_in_the_learners_currency() -> None:
    api = FakeApi()
    t = heard(api, tracker("mau jadi analis data", "request_recommendations", slots={"goal": "analis data"}))
    run(actions.ActionRecommend(api), t)
    assert next(body for kind, body in api.requests if kind == "recommend")["currency"] == "IDR"


def test_a_short_answer_in_what_reads_as_another_language_keeps_the_conversations() -> None:
    api = FakeApi()
    slots = {"conversation_language": "id", "conversation_language_from": "detected"}
    short = heard(api, tracker("Google Classroom, Word", "state_skills", slots=slots))
    assert short.get_slot("conversation_language") == "id"  # read as English, but too short to move it
    long = heard(api, tracker("hello, I want to learn data analysis", "greet", slots=slots))
    assert long.get_slot("conversation_language") == "en"


def test_a_session_without_the_pages_language_introduces_itself_in_the_first_messages() -> None:
    """Over REST or a messaging channel no page says the language: the intro waits for the first message and is
    said, once, in the language it is read in."""
    messages, events = run(actions.ActionSessionStart(), tracker())
    assert messages == [] and slot_events(events) == {}
    started = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]
    api = FakeApi()
    opener = heard(api, tracker("halo, aku mau belajar analisis data", "greet"))
    opener.events[:0] = started  # as Rasa logs a new session before the first message
    validate = actions.ActionValidateSlotMappings()
    messages, _ = run(validate, opener)
    assert [m["text"] for m in messages] == [ID("intro")]
    opener.events.append({"event": "bot", "text": ID("intro")})  # said: not again on the next message
    assert run(validate, opener)[0] == []
    # Said at the session's start (Rasa logs it before session_started): not said again.
    opener.events[:] = [started[0], {"event": "bot", "text": "intro"}, *started[1:], opener.events[3]]
    assert run(validate, opener)[0] == []
    # With the page's language the intro is said at once, in it.
    page = tracker(slots={"session_started_metadata": {"customData": {"language": "fi"}}})
    messages, _ = run(actions.ActionSessionStart(), page)
    assert [m["text"] for m in messages] == [actions.MESSAGES.voice("fi")("intro")]


@pytest.mark.parametrize(
    ("opener", "language"),
    [("hola!", "es"), ("Hei", "fi"), ("Olá, tudo bem?", "pt"), ("Hai, apa khabar?", "ms"), ("สวัสดีครับ", "th")],
)
def test_a_first_message_that_only_greets_starts_the_conversation_in_its_language(opener: str, language: str) -> None:
    """Too short for a detector (which reads "Hei" as German), but each language lists how it greets."""
    started = heard(FakeApi(), tracker(opener, "greet"))
    assert (started.get_slot("conversation_language"), started.get_slot("conversation_language_from")) == (
        language,
        "detected",
    )
    slots = {"conversation_language": "de", "conversation_language_from": "detected"}
    assert heard(FakeApi(), tracker(opener, "greet", slots=slots)).get_slot("conversation_language") == "de"


def test_an_answer_to_the_skills_question_never_moves_the_conversations_language() -> None:
    """Tools and skills are English words in every language: "Google Classroom, PowerPoint, Excel macros"."""
    api = FakeApi()
    slots = {"conversation_language": "es", "conversation_language_from": "detected", "requested_slot": "skills"}
    answer = heard(api, tracker("hello, I want to learn data analysis", "state_skills", slots=slots))
    assert answer.get_slot("conversation_language") == "es"


def test_asking_for_the_language_already_spoken_names_the_courses_language() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    thai = {"conversation_language": "th", "conversation_language_from": "detected", "requested_slot": "constraints"}
    t = heard(api, tracker("ขอเป็นภาษาไทย", "state_constraints", slots=thai))
    assert t.get_slot("switched_to") is None and t.get_slot("conversation_language") == "th"
    out = asyncio.run(form.validate_constraints("ขอเป็นภาษาไทย", CollectingDispatcher(), t, {}))
    assert out["language"] == ["th"]
    english = {**thai, "conversation_language": "en"}
    t = heard(api, tracker("ขอเป็นภาษาไทย", "state_constraints", slots=english))
    assert t.get_slot("switched_to") == "th" and t.get_slot("conversation_language") == "th"
