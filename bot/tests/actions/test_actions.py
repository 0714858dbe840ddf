"""Each custom action against a tracker and an in-memory API."""

from __future__ import annotations

import asyncio

from fakes import FakeApi, heard, result, run, slot_events, tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import actions, formatting

EN = actions.MESSAGES.voice("en")

PROFILE = {"goal": "move into health data analysis", "known_skills": ["Excel"], "budget": "300", "currency": "EUR"}


def _shown(n: int = 3) -> list[dict]:
    return [formatting.compact(result(i, price=100.0 * i)) for i in range(1, n + 1)]


def test_recommend_sends_the_profile_and_keeps_the_list() -> None:
    api = FakeApi()
    messages, events = run(actions.ActionRecommend(api), tracker(slots=PROFILE))
    ((name, body),) = api.requests
    assert name == "recommend" and body["constraints"] == {"max_price": 300.0, "currency": "EUR"}
    kept = slot_events(events)["last_results"]
    assert [i["price"] for i in kept] == [100.0, 200.0, 300.0]
    assert "Course 1" in messages[0]["text"] and messages[1]["attachment"]["type"] == "template"


def test_recommend_names_the_closer_matches_a_limit_leaves_out() -> None:
    api = FakeApi(results=[result(1, price=900.0), result(2, price=100.0), result(3, price=200.0)])
    messages, _ = run(actions.ActionRecommend(api), tracker(slots=PROFILE))
    assert "Closer matches your limits leave out: Course 1 (costs more than €300)." in messages[0]["text"]
    assert "Course 2" in messages[0]["text"]


def test_nothing_within_the_limits_names_the_closest_ones_and_why() -> None:
    api = FakeApi(results=[result(n, price=900.0 + n) for n in range(1, 4)])
    messages, _ = run(actions.ActionRecommend(api), tracker(slots=PROFILE))
    text = messages[0]["text"]
    assert text.startswith("I found nothing that fits all your limits")
    assert "The closest ones: Course 1 (costs more than €300); Course 2 (costs more than €300)." in text


def test_recommend_on_a_text_channel_sends_no_cards() -> None:
    messages, _ = run(actions.ActionRecommend(FakeApi()), tracker(slots=PROFILE, channel="telegram"))
    assert (len(messages) == 1 and "attachment" not in messages[0]) or messages[0].get("attachment") is None


def test_api_down_is_a_polite_message_and_no_state_change() -> None:
    messages, events = run(actions.ActionRecommend(FakeApi(down=True)), tracker(slots=PROFILE))
    assert events == [] and "try again" in messages[0]["text"]


def test_refine_cheaper_requeries_below_the_shown_prices() -> None:
    api = FakeApi()
    t = tracker("cheaper please", "refine", {"refinement": "cheaper"}, {**PROFILE, "last_results": _shown()})
    messages, events = run(actions.ActionRefine(api), t)
    cap = api.requests[0][1]["constraints"]["max_price"]
    assert cap < 200
    assert all(i["price"] <= cap for i in slot_events(events)["last_results"])
    assert messages[0]["text"].startswith("Okay, under")


def test_refine_only_online_takes_the_mode_from_the_message() -> None:
    api = FakeApi()
    t = tracker("only online", "refine", {"mode": "online"}, {**PROFILE, "last_results": _shown()})
    run(actions.ActionRefine(api), t)
    assert api.requests[0][1]["constraints"]["modes"] == ["online"]


def test_refine_that_empties_the_list_keeps_the_previous_limits() -> None:
    api = FakeApi(results=[result(1, price=500.0)])
    t = tracker("cheaper", "refine", {"refinement": "cheaper"}, {**PROFILE, "last_results": _shown(2)})
    messages, events = run(actions.ActionRefine(api), t)
    assert events == [] and "kept your previous limits" in messages[-1]["text"]


def test_details_resolve_ordinals_and_reject_unknown_options() -> None:
    api = FakeApi()
    messages, _ = run(
        actions.ActionShowDetails(api),
        tracker("the second one", "ask_details", {"option": "2"}, {"last_results": _shown()}),
    )
    assert api.requests == [("credential", "cred-2")] and "Course 2" in messages[0]["text"]
    messages, _ = run(
        actions.ActionShowDetails(api), tracker("number 9", "ask_details", {"option": "9"}, {"last_results": _shown()})
    )
    assert "from 1 to 3" in messages[0]["text"]


def test_why_uses_the_explanation() -> None:
    messages, _ = run(
        actions.ActionExplain(), tracker("why the first?", "ask_why", {"option": "1"}, {"last_results": _shown()})
    )
    text = messages[0]["text"]
    assert "Covers skills you still need: skill 1." in text and "analyse data set 1" in text and "statistics" in text


def test_why_without_an_option_explains_each() -> None:
    messages, _ = run(actions.ActionExplain(), tracker("why these?", "ask_why", {}, {"last_results": _shown()}))
    assert len(messages) == 3


def test_questions_before_any_list_say_so() -> None:
    for action in (actions.ActionExplain(), actions.ActionShowDetails(FakeApi()), actions.ActionCompare()):
        messages, events = run(action, tracker("why?", "ask_why"))
        assert events == [] and "haven't suggested" in messages[0]["text"]


def test_compare_two_options() -> None:
    messages, _ = run(
        actions.ActionCompare(),
        tracker("1 vs 3", "compare_options", {"option": ["1", "3"]}, {"last_results": _shown()}),
    )
    assert (
        "1. Course 1" in messages[0]["text"]
        and "3. Course 3" in messages[0]["text"]
        and "Course 2" not in messages[0]["text"]
    )


def test_pathway_then_save_gives_a_link() -> None:
    api = FakeApi()
    messages, events = run(actions.ActionShowPathway(api), tracker("my pathway", "show_pathway", slots=PROFILE))
    text = messages[0]["text"]
    assert "1. Course 1 (Provider 1), weeks 0–6, €100. Needed before Course 2." in text
    assert "2. Course 2 (Provider 2), weeks 6–12, €100. Covers skill 2." in text
    assert "Total: €200, 12 weeks" in text and "Stack progress: 2 of 5 toward Data stack, 6 of 15 ECTS." in text
    ids = slot_events(events)["last_pathway"]
    messages, _ = run(
        actions.ActionSavePathway(api), tracker("save it", "save_pathway", slots={**PROFILE, "last_pathway": ids})
    )
    name, (pseudonym, learner, saved) = api.requests[-1]
    assert name == "save" and saved == ["cred-1", "cred-2"] and "learner-1" not in pseudonym
    assert learner["skills"] == ["Excel"] and "http://localhost:8000/p/" in messages[0]["text"]


def test_start_over_forgets_everything_and_leaves_the_form() -> None:
    _, events = run(
        actions.ActionStartOver(), tracker("start over", "start_over", slots=PROFILE, active_loop="profile_form")
    )
    kinds = [e["event"] for e in events]
    assert "reset_slots" in kinds and {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def _validate(form: actions.ValidateProfileForm, slot: str, value, t) -> tuple[dict, list[dict]]:
    dispatcher = CollectingDispatcher()
    out = asyncio.run(getattr(form, f"validate_{slot}")(value, dispatcher, t, {}))
    return out, dispatcher.messages


def test_form_normalises_skills_and_asks_to_confirm() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    t = tracker("I know basic Excel and some SQL", "state_skills", slots={"requested_slot": "skills"})
    out, _ = _validate(form, "skills", "I know basic Excel and some SQL", heard(api, t))
    assert out["known_skills"] == ["Excel", "SQL"] and out["skill_labels"] == ["use excel", "use sql"]
    assert out["skills_confirmed"] is None
    messages, _ = run(actions.ActionAskSkillsConfirmed(), tracker(slots=out))
    assert messages[0]["text"] == "I understood that you already know: use excel, use sql. Right?"


def test_a_correction_adds_to_known_skills() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    slots = {
        "known_skills": ["Excel"],
        "skill_labels": ["use excel"],
        "skills_confirmed": True,
        "requested_slot": "constraints",
    }
    t = tracker("actually I already know Python", "state_skills", {"skill": "Python"}, slots)
    out, _ = _validate(form, "skills", ["Python"], t)
    assert out["known_skills"] == ["Excel", "Python"] and out["skill_labels"] == ["use excel", "use python"]


def test_words_of_a_goal_tagged_as_skills_are_not_taken_as_known() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    text = "I own a bakery and want to use social media and google maps for my local business"
    tagged = ["social media", "google maps", "local business"]
    out, _ = _validate(form, "skills", tagged, heard(api, tracker(text, "state_goal", {"skill": tagged})))
    assert out["skills"] is None and "known_skills" not in out  # so the form asks what they know
    text = "I own a bakery, I know Excel and want to use social media for my local business"
    t = heard(api, tracker(text, "state_goal", {"skill": tagged}))
    out, _ = _validate(form, "skills", ["Excel", "social media"], t)
    assert out["known_skills"] == ["Excel"]


def test_skills_nlu_missed_come_from_the_api_reading() -> None:
    api = FakeApi()
    text = "sy bisa excel sama word, mau belajar analisis data"
    t = heard(api, tracker(text, "state_goal", {"skill": ["excel"]}))
    out, _ = _validate(actions.ValidateProfileForm(api), "skills", ["excel"], t)
    assert out["known_skills"] == ["excel", "word"]


def test_limits_said_with_the_skills_answer_are_no_skills() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    text = "Excel and SQL, 5 hours a week"
    t = heard(api, tracker(text, "state_skills", slots={"requested_slot": "skills"}))
    out, _ = _validate(form, "skills", text, t)
    assert out["known_skills"] == ["Excel", "SQL"] and out["hours_per_week"] == "5"
    text = "5 hours a week, online"
    t = heard(api, tracker(text, "state_constraints", slots={"requested_slot": "skills"}))
    out, _ = _validate(form, "skills", text, t)
    assert out["skills"] is None and out["hours_per_week"] == "5"  # kept; the form asks for skills again
    assert "known_skills" not in out
    out, _ = _validate(form, "skills", ["SQL"], tracker("SQL too", "state_skills", {"skill": "SQL"}))
    assert out["known_skills"] == ["SQL"]  # a short answer is taken as NLU read it


def test_skipping_skills_needs_no_confirmation() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    t = tracker("skip", "dont_know", slots={"requested_slot": "skills"})
    out, _ = _validate(form, "skills", "none", t)
    assert out["skills"] == ["none"] and "known_skills" not in out
    required = asyncio.run(
        form.required_slots(
            ["goal", "skills", "skills_confirmed", "constraints"], CollectingDispatcher(), tracker(slots=out), {}
        )
    )
    assert required == ["goal", "skills", "constraints"]


def test_limits_given_in_passing_skip_the_limits_question() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    text = "I'm a nurse and want to move into health data analysis, 4 hours a week and max 300 euros"
    out, _ = _validate(form, "goal", text, heard(FakeApi(), tracker(text, "state_goal")))
    assert out["budget"] == "300" and out["hours_per_week"] == "4"
    required = asyncio.run(
        form.required_slots(
            ["goal", "skills", "skills_confirmed", "constraints"], CollectingDispatcher(), tracker(slots=out), {}
        )
    )
    assert "constraints" not in required


def test_a_budget_in_passing_whose_currency_is_unclear_keeps_the_limits_question() -> None:
    """ "Budget 20,000 pesos": which peso is not said. The limits question still comes, after what was understood,
    so no list is shown under a budget that is not applied."""
    form = actions.ValidateProfileForm(FakeApi())
    slots = {"goal": "move into health data", "skills": ["Excel"], "budget": "20000", "mode": ["online"]}
    form_slots = ["goal", "skills", "skills_confirmed", "constraints"]
    required = asyncio.run(form.required_slots(form_slots, CollectingDispatcher(), tracker(slots=slots), {}))
    assert required == ["goal", "skills", "constraints"]  # no skills to confirm, the limits still asked
    said, _ = run(actions.ActionAskConstraints(), tracker(slots=slots))
    assert "20,000 in a currency I could not tell" in said[0]["text"]
    assert said[-1]["text"] == formatting.say(EN, "ask.constraints")["text"]
    told = {**slots, "currency": "PHP"}
    required = asyncio.run(form.required_slots(form_slots, CollectingDispatcher(), tracker(slots=told), {}))
    assert required == ["goal", "skills"]
    said, _ = run(actions.ActionAskConstraints(), tracker(slots={"goal": "move into health data"}))
    assert [m["text"] for m in said] == [formatting.say(EN, "ask.constraints")["text"]]


def test_limits_instead_of_a_yes_confirm_the_skills_and_count() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    text = "6 hours a week, max 800 euros, online please"
    slots = {"known_skills": ["Excel"], "skill_labels": ["use excel"], "requested_slot": "skills_confirmed"}
    out, _ = _validate(
        form, "skills_confirmed", True, heard(FakeApi(), tracker(text, "state_constraints", slots=slots))
    )
    assert out["skills_confirmed"] is True
    assert out["budget"] == "800" and out["hours_per_week"] == "6" and out["mode"] == ["online"]
    required = asyncio.run(
        form.required_slots(
            ["goal", "skills", "skills_confirmed", "constraints"],
            CollectingDispatcher(),
            tracker(slots={**slots, **out}),
            {},
        )
    )
    assert "constraints" not in required


def test_denied_skills_are_asked_again() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    out, messages = _validate(form, "skills_confirmed", False, tracker("no", "deny"))
    assert out["skills"] is None and out["known_skills"] == [] and "again" in messages[0]["text"]


def test_skills_still_count_when_the_api_is_down() -> None:
    form = actions.ValidateProfileForm(FakeApi(down=True))
    t = tracker("Excel", "state_skills", slots={"requested_slot": "skills"})
    out, _ = _validate(form, "skills", "Excel", t)
    assert out["known_skills"] == ["Excel"] and out["skill_labels"] == []


def test_goal_i_dont_know_gets_examples() -> None:
    out, messages = _validate(actions.ValidateProfileForm(FakeApi()), "goal", "no", tracker("no", "deny"))
    assert out == {"goal": None} and messages[0]["text"] == EN("goal_examples")


def test_constraints_answer_is_understood_and_confirmed() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    text = "under 200 euros and only online"
    t = heard(FakeApi(), tracker(text, "state_constraints", slots={"requested_slot": "constraints"}))
    out, messages = _validate(form, "constraints", text, t)
    assert out["budget"] == "200" and out["mode"] == ["online"]
    assert messages[0]["text"] == "Noted: up to €200, online."


def test_i_dont_know_at_the_skills_question_adds_no_skill() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    for text, intent in (("no idea honestly", "dont_know"), ("nah, none", "deny")):
        t = tracker(text, intent, slots={"requested_slot": "skills"})
        out, _ = _validate(form, "skills", text, t)
        assert out["skills"] == ["none"] and "known_skills" not in out


def test_a_mistagged_number_gives_way_to_the_amount_in_the_text() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    text = "nurse here, want health data analysis, I can spend 4 hours a week and max 300 euros"
    t = tracker(text, "state_goal", {"budget": "4", "hours_per_week": "4"}, {"budget": "4", "hours_per_week": "4"})
    out, _ = _validate(form, "goal", text, heard(FakeApi(), t))
    assert out["budget"] == "300" and out["currency"] == "EUR" and out["hours_per_week"] == "4"


def test_cheaper_than_free_says_so_without_a_new_query() -> None:
    api = FakeApi()
    shown = [formatting.compact(result(i, price=0.0)) for i in range(1, 3)]
    messages, events = run(
        actions.ActionRefine(api),
        tracker("cheaper", "refine", {"refinement": "cheaper"}, {**PROFILE, "last_results": shown}),
    )
    assert api.requests == [] and events == [] and messages[0]["text"] == "These are already free."


def test_weak_matches_are_confirmed_in_the_learners_words() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    t = heard(api, tracker("Excel and Docker", "state_skills", slots={"requested_slot": "skills"}))
    out, _ = _validate(form, "skills", "Excel and Docker", t)
    assert out["skill_labels"] == ["use excel", "Docker"]


def test_the_list_says_which_limits_it_respects() -> None:
    messages, _ = run(actions.ActionRecommend(FakeApi()), tracker(slots={**PROFILE, "mode": ["online"]}))
    assert messages[0]["text"].startswith("Here are 3 options (up to €300, online):")


def test_refine_with_a_new_budget_in_words() -> None:
    api = FakeApi()
    t = tracker("under 250 euros please", "refine", {"budget": "250"}, {**PROFILE, "last_results": _shown()})
    messages, events = run(actions.ActionRefine(api), heard(api, t))
    assert api.requests[1][1]["constraints"]["max_price"] == 250.0
    assert messages[0]["text"].startswith("Okay, up to €250.")
    assert slot_events(events)["budget"] == "250"


def test_a_number_tagged_as_a_level_without_saying_level_is_dropped() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    text = "sustainability consulting; I know Excel; 5 h a week; under 500 EUR"
    t = heard(FakeApi(), tracker(text, "state_goal", {"eqf_level": "5"}, {"eqf_level": "5"}))
    t.events.append({"event": "slot", "name": "eqf_level", "value": "5"})
    out, _ = _validate(form, "goal", text, t)
    assert out["eqf_level"] is None and out["hours_per_week"] == "5" and out["budget"] == "500"
    said = "data analysis at EQF level 5"
    t = tracker(said, "state_goal", {"eqf_level": "5"}, {"eqf_level": "5"})
    t.events.append({"event": "slot", "name": "eqf_level", "value": "5"})
    out, _ = _validate(form, "goal", said, t)
    assert out.get("eqf_level", "5") == "5"


def test_a_language_the_goal_is_about_is_no_limit_but_a_course_language_is() -> None:
    api = FakeApi()
    form = actions.ValidateProfileForm(api)
    cases = {
        "I just moved to Berlin and need German for everyday things": None,  # German courses, taught in any
        "saya mau belajar bahasa Inggris untuk kerja": None,
        "I want to move into data analysis, courses in German please": ["de"],
        "mau belajar python, lebih nyaman kalau kursusnya pakai bahasa Indonesia": ["id"],
    }
    for text, expected in cases.items():
        tagged = {"language": "de"} if "German" in text else {}  # NLU tags a language name wherever it stands
        t = heard(api, tracker(text, "state_goal", tagged, {"language": list(tagged.values()) or None}))
        out, _ = _validate(form, "goal", text, t)
        assert out["goal"] == text and out["language"] == expected, text


def _extract_goal(text: str, intent: str, slots: dict | None = None) -> dict:
    t = heard(FakeApi(), tracker(text, intent, slots=slots or {}))
    return asyncio.run(actions.ValidateProfileForm(FakeApi()).extract_goal(CollectingDispatcher(), t, {}))


def test_an_opening_message_that_reads_as_a_goal_is_the_goal_whatever_its_intent() -> None:
    situation = "PhD student. My R scripts are a mess and I couldn't regenerate my own figures for the revision"
    for intent in ("nlu_fallback", "state_skills", "state_constraints", "out_of_scope"):
        assert _extract_goal(situation, intent) == {"goal": situation}, intent
    assert _extract_goal(situation, "greet") == {}
    assert _extract_goal(situation, "nlu_fallback", {"goal": "become a data analyst"}) == {}  # one goal at a time
    assert _extract_goal(situation, "nlu_fallback", {"requested_slot": "skills"}) == {}  # an answer to that
    assert _extract_goal("I know Excel, SQL and some Python and Tableau", "state_skills") == {}  # skills, not a goal
    assert _extract_goal("I can do 5 hours a week, up to 300 euros, online", "state_constraints") == {}
    assert _extract_goal("data stuff maybe", "nlu_fallback") == {}  # too short to tell
    assert _extract_goal("what will the weather be like in Medan tomorrow?", "out_of_scope") == {}
    asked = "can you tell me how I become a data analyst with no degree?"  # a question that wants something
    assert _extract_goal(asked, "out_of_scope") == {"goal": asked}


def test_low_confidence_before_any_goal_starts_the_profile_with_that_message() -> None:
    situation = "I own a bakery and want to use social media better for my local business"
    messages, events = run(actions.ActionFallback(), tracker(situation, "nlu_fallback"))
    assert messages == [] and events == [{"event": "followup", "name": "profile_form", "timestamp": None}]
    messages, events = run(actions.ActionFallback(), tracker("hmm okay whatever", "nlu_fallback"))
    assert events == [] and messages[0]["text"] == EN("default")
    later = tracker(situation, "nlu_fallback", slots={"goal": "become a baker"})
    messages, events = run(actions.ActionFallback(), later)
    assert events == [] and messages[0]["text"] == EN("default")


def test_places_named_in_a_goal_are_background_not_limits() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    text = "Just arrived in Germany from Syria for a postdoc, I need German for everyday things"
    entities = {"country": ["DE"], "language": ["de"]}
    t = tracker(text, "state_constraints", entities, {"country": ["DE"], "language": ["de"]})
    out, _ = _validate(form, "goal", text, t)
    assert out["goal"] == text and out["country"] is None and out["language"] is None


def test_the_answer_to_the_limits_question_is_read_whole_when_an_entity_filled_a_limit_first() -> None:
    form = actions.ValidateProfileForm(FakeApi())
    asked = {"requested_slot": "constraints", "mode": ["online"], "goal": "analis data", "skills": ["none"]}
    required = asyncio.run(
        form.required_slots(
            ["goal", "skills", "skills_confirmed", "constraints"], CollectingDispatcher(), tracker(slots=asked), {}
        )
    )
    assert "constraints" in required  # so validate_constraints reads the budget said with the mode
    text = "budget saya 3 juta, 4 jam seminggu"
    out, _ = _validate(form, "constraints", text, heard(FakeApi(), tracker(text, "state_constraints", slots=asked)))
    assert out["budget"] == "3000000" and out["currency"] == "IDR" and out["hours_per_week"] == "4"


def test_experience_nlu_took_for_off_topic_answers_the_skills_question() -> None:
    api = FakeApi()
    asked = {"requested_slot": "skills", "goal": "thích ứng biến đổi khí hậu"}
    t = heard(api, tracker("trồng cà phê 20 năm", "out_of_scope", slots=asked, active_loop="profile_form"))
    messages, _ = run(actions.ActionOutOfScope(), t)
    assert messages == []  # no "I only help with courses": the form takes it as the answer
    out, _ = _validate(actions.ValidateProfileForm(api), "skills", "trồng cà phê 20 năm", t)
    assert out["known_skills"] == ["trồng cà phê"]
    question = "what will the weather be like tomorrow?"
    t = heard(api, tracker(question, "out_of_scope", slots=asked, active_loop="profile_form"))
    messages, _ = run(actions.ActionOutOfScope(), t)
    assert messages  # off topic, said so
    out, _ = _validate(actions.ValidateProfileForm(api), "skills", question, t)
    assert out == {"skills": None}  # and the form asks again


def test_a_mode_word_the_reader_knows_says_something_else_is_no_limit() -> None:
    api = FakeApi()
    text = "Saya punya usaha keripik pisang, ingin belajar pemasaran digital supaya jualan online lebih laku"
    t = heard(api, tracker(text, "state_goal", {"mode": "online"}, {"mode": ["online"]}))
    out, _ = _validate(actions.ValidateProfileForm(api), "goal", text, t)
    assert out["goal"] == text and out["mode"] is None  # so the form still asks for the learner's limits
