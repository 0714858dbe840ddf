"""Custom actions: thin classes that read slots, call the API and hand its answer to the formatting functions."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker, ValidationAction
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import formatting, languages, parsing, profile
from actions.client import ApiRejected, ApiUnavailable, StackwiseApi
from actions.messages import Messages, Voice

log = logging.getLogger(__name__)
NONE = "none"
# Below this match score the learner's own words are clearer than the nearest ESCO label ("Docker" is not
# "dock operations"); the API still matches the raw phrase when it recommends.
LABEL_SHOWN_FROM = 0.8
# Intents NLU gives learners' goals when it misreads them; state_goal is mapped in the domain.
GOAL_LIKE_INTENTS = frozenset({"nlu_fallback", "state_skills", "state_constraints", "refine", "out_of_scope"})
PROFILE_SLOTS = ("goal", "known_skills", "eqf_min", "eqf_max", *profile.CONSTRAINT_SLOTS, "currency")
# Read once when the action server imports the actions.
MESSAGES = Messages.load()
WORDS = languages.Words.load()


def _say(dispatcher: CollectingDispatcher, messages: list[formatting.Message] | formatting.Message) -> None:
    for m in messages if isinstance(messages, list) else [messages]:
        dispatcher.utter_message(**m)


def _voice(tracker: Tracker) -> Voice:
    return MESSAGES.voice(tracker.get_slot("conversation_language"))


def _reading(tracker: Tracker) -> dict[str, Any]:
    """The API's reading of the latest message (action_read_message); empty when there is none."""
    reading = tracker.get_slot("reading")
    return reading if isinstance(reading, dict) else {}


def _switched(tracker: Tracker) -> str | None:
    """The language the latest message asked to continue in, if it asked for another than the conversation's
    (action_read_message decides, before the form's validation runs)."""
    value = tracker.get_slot("switched_to")
    return value if isinstance(value, str) else None


def _switch_asked(tracker: Tracker) -> str | None:
    """The latest message asked to continue in another language, by this reading or the first: a language it names
    is then no limit on the courses."""
    return _switched(tracker) or _switched_on_this_message(tracker)


def _latest_message_at(tracker: Tracker) -> int:
    return max((i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=len(tracker.events))


def _before_this_message(tracker: Tracker, name: str) -> Any:
    """A slot's value before the latest message was read."""
    for event in reversed(tracker.events[: _latest_message_at(tracker)]):
        if event.get("event") == "slot" and event.get("name") == name:
            return event.get("value")
    return None


def _switched_on_this_message(tracker: Tracker) -> str | None:
    """The language the latest message asked to continue in, as its first reading found it: a form that starts on
    the message reads it again, in the new language, where it no longer reads as a switch."""
    for event in tracker.events[_latest_message_at(tracker) :]:
        if event.get("event") == "slot" and event.get("name") == "switched_to" and event.get("value"):
            return str(event["value"])
    return None


def _slots(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in PROFILE_SLOTS}


def _rich(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() in formatting.RICH_CHANNELS


def _entities(tracker: Tracker, name: str) -> list[str]:
    return [str(v) for v in tracker.get_latest_entity_values(name)]


def _text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "")


def _shown(tracker: Tracker) -> list[dict[str, Any]]:
    return list(tracker.get_slot("last_results") or [])


def _intro_pending(tracker: Tracker) -> bool:
    """Whether this session has not introduced the advisor yet: it started without the page's language, so the
    intro waits until the learner's first message tells it."""
    # Rasa logs a new session as action_session_start, then what it said (the intro, when the page gave the
    # language), then session_started: a bot utterance since action_session_start means the intro was said.
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return False
        if event.get("event") == "action" and event.get("name") == "action_session_start":
            return True
    return False


def _metadata(tracker: Tracker) -> list[Any]:
    """The front end's metadata: the latest message's, then the session's first."""
    latest = next((e.get("metadata") for e in reversed(tracker.events) if e.get("event") == "user"), None)
    return [latest, tracker.get_slot("session_started_metadata")]


async def _recommend(
    api: StackwiseApi,
    v: Voice,
    slots: dict[str, Any],
    dispatcher: CollectingDispatcher,
    rich: bool,
    intro: str | None,
    currency: str | None = None,
) -> list[dict[str, Any]] | None:
    """Runs the query and shows it; None when nothing could be shown (API down or request refused). `currency`:
    the learner's language's default, when they named none."""
    try:
        answer = await api.recommend(profile.request_body(slots, currency=currency))
    except ApiUnavailable as e:
        log.warning("recommendations failed: %s", e)
        _say(dispatcher, formatting.say(v, "api_down"))
        return None
    except ApiRejected as e:
        _say(dispatcher, formatting.say(v, "rejected.search", detail=e.detail))
        return None
    items = [formatting.compact(r) for r in answer["results"]]
    if intro is None and items:
        noted = ", ".join(formatting.limit_phrases(v, profile.limits(slots), profile.unclear_budget(slots)))
        intro = (
            v.counted("results.intro_limits", len(items), limits=noted)
            if noted
            else v.counted("results.intro", len(items))
        )
    _say(dispatcher, formatting.recommendations(v, items, rich, intro, formatting.held_back(v, answer)))
    return items


class _UsesApi:
    """The API client, injectable for tests (a mixin: the SDK registers every Action subclass as an action)."""

    def __init__(self, api: StackwiseApi | None = None) -> None:
        self.api = api or StackwiseApi()


class ActionReadMessage(_UsesApi, Action):
    """Runs after every user message, before the bot answers: the custom slot mapping of `reading`,
    `conversation_language` and `conversation_language_from` (domain.yml), which Rasa's action_extract_slots runs.

    The API reads the message (POST /v1/read: limits, and the language it is written in), and the conversation's
    language is chosen: a request to switch, else the one the message is written in, else the front end's
    (languages.choose)."""

    def name(self) -> str:
        return "action_read_message"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        text = _text(tracker).strip()
        current = languages.supported(tracker.get_slot("conversation_language"))
        source = tracker.get_slot("conversation_language_from")
        switch = WORDS.requested(text) if text else None
        page = languages.page_language(*_metadata(tracker))
        reading = None
        if text and not text.startswith("/"):  # "/greet", button payloads: nothing to read
            known = switch or page or (current if source not in (None, languages.DEFAULT) else None)
            try:
                reading = await self.api.read(text, known)
            except (ApiUnavailable, ApiRejected) as e:
                log.warning("reading the message failed, limits come from NLU alone: %s", e)
        detected = languages.supported((reading or {}).get("language"))
        established = current and source not in (None, languages.DEFAULT)
        if not languages.tells_language(text):
            # "Google Classroom, Word", "Hei": too little to move an established conversation; a first message that
            # only greets ("hola!", "Hei", "สวัสดีครับ") says its language by the greetings each language lists.
            detected = None if established else WORDS.greeted_in(text) or detected
        elif established and tracker.get_slot("requested_slot") == "skills":
            detected = None  # tools and skills are named in English whatever the conversation's language
        language, source = languages.choose(current, source, switch, page, detected)
        again = switch is not None and _switched_on_this_message(tracker) == switch
        events: list[EventType] = [
            SlotSet("reading", reading),
            SlotSet("conversation_language", language),
            SlotSet("conversation_language_from", source),
            # Asking for the language already spoken keeps it, but moves nothing: "ขอเป็นภาษาไทย" in a Thai
            # conversation names the courses' language.
            SlotSet("switched_to", switch if switch != current else None),
        ]
        # "can we continue in English?" names the conversation's language, not the courses'. A form that starts on
        # this message reads it again (the conversation already in English): the courses' language stays too.
        if switch and (switch != current or again):
            events.append(SlotSet("language", _before_this_message(tracker, "language")))
        return events


def _answering_skills(tracker: Tracker) -> bool:
    """The profile form asked for skills and the message reads as them (parsing.answers_skills)."""
    asked = tracker.active_loop_name == "profile_form" and tracker.get_slot("requested_slot") == "skills"
    return asked and parsing.answers_skills(_text(tracker), _reading(tracker))


class _Say:
    """One fixed message in the conversation's language (a mixin: the SDK registers every Action subclass)."""

    key = ""

    def name(self) -> str:
        return f"action_{self.key}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        if self.key == "out_of_scope" and _switched(tracker):
            _say(dispatcher, formatting.say(v, "language.switched"))  # NLU's guess for "continue in English?"
            return []
        if self.key == "out_of_scope" and _answering_skills(tracker):
            return []  # experience in few words NLU took for off topic: the form reads it as the answer
        _say(dispatcher, formatting.say(v, self.key))
        return []


class ActionGreet(_Say, Action):
    key = "greet"


class ActionGoodbye(_Say, Action):
    key = "goodbye"


class ActionWelcome(_Say, Action):
    key = "welcome"


class ActionIAmABot(_Say, Action):
    key = "iamabot"


class ActionHelp(_Say, Action):
    key = "help"


class ActionOutOfScope(_Say, Action):
    key = "out_of_scope"


class ActionGoalExamples(_Say, Action):
    key = "goal_examples"


class ActionDefaultFallback(Action):
    """Rasa's core fallback (config.yml's core_fallback_action_name), in the conversation's language."""

    def name(self) -> str:
        return "action_default_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _say(dispatcher, formatting.say(_voice(tracker), "default"))
        return [UserUtteranceReverted()]


class ActionFallback(Action):
    """Low NLU confidence. Before any goal is known, a message that reads as a goal starts the profile with it
    (the form's extract_goal takes it); a request to change language is answered in that language; otherwise ask
    to rephrase."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        if _switched(tracker):
            _say(dispatcher, formatting.say(v, "language.switched"))
            return []
        if parsing.reads_as_goal(_text(tracker), _reading(tracker)):
            if tracker.active_loop_name is None and not tracker.get_slot("goal"):
                return [FollowupAction("profile_form")]
            if tracker.active_loop_name and tracker.get_slot("requested_slot") == "goal":
                return []  # the form takes it as the goal it asked for
        _say(dispatcher, formatting.say(v, "default"))
        return []


class ActionSessionStart(Action):
    """A new session starts in the front end's language, when it sent one, and introduces the advisor in it;
    without one, the introduction waits for the first message (ActionValidateSlotMappings)."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        page = languages.page_language(tracker.get_slot("session_started_metadata"))
        events: list[EventType] = [SessionStarted()]
        if page:  # the page says the language: introduce the advisor in it now
            _say(dispatcher, formatting.say(MESSAGES.voice(page), "intro"))
            events += [SlotSet("conversation_language", page), SlotSet("conversation_language_from", languages.PAGE)]
        # Otherwise the first message tells it: action_validate_slot_mappings introduces the advisor then.
        return [*events, ActionExecuted("action_listen")]


class ActionValidateSlotMappings(ValidationAction):
    """Rasa runs it after every message's slots are read (action_read_message included), before answering: a
    session that started without the page's language introduces the advisor here, in the language the first message
    was read in. (What a custom slot mapping says itself is dropped by Rasa 3.6; this action's words are sent.)"""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if _intro_pending(tracker):
            _say(dispatcher, formatting.say(_voice(tracker), "intro"))
        return await super().run(dispatcher, tracker, domain)

    async def validate_language(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """ "can we continue in English?" names the conversation's language: NLU's entity must not become a filter on
        the courses' language (it listed English-taught courses only), so the filter stays what it was."""
        if _switch_asked(tracker):
            return {"language": _before_this_message(tracker, "language")}
        return {"language": value}


class ValidateProfileForm(_UsesApi, FormValidationAction):
    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """Skip what the learner already answered in passing: no confirmation without skills, no limits question
        when a limit was already given. The answer to the limits question itself stays the answer, though it fills
        a limit by an entity first ("online saja, maksimal 1,5 juta rupiah" tags the mode): its validation reads
        the rest of it (the budget, the hours)."""
        slots = list(domain_slots)
        if not tracker.get_slot("skill_labels"):
            slots.remove("skills_confirmed")
        answering = tracker.get_slot("requested_slot") == "constraints"
        known = _slots(tracker)
        if profile.has_constraints(known) and not answering and profile.unclear_budget(known) is None:
            slots.remove("constraints")  # a budget without a currency it can tell is asked about, not dropped
        return slots

    def _limits_said(self, tracker: Tracker) -> dict[str, Any]:
        """Limits said in passing. Amounts the API read with their unit ("300 euros", "3 juta rupiah", "4 hours a
        week") beat a tagged bare number, which NLU may have put in the wrong slot; other limits only fill what NLU
        left empty."""
        text = _text(tracker)
        found = profile.from_reading(_reading(tracker))
        if (level := parsing.eqf(text, WORDS)) is not None:
            found["eqf_level"] = str(level)
        if (langs := list(_reading(tracker).get("languages_named") or [])) and not _switch_asked(tracker):
            found["language"] = langs
        kept = {k: v for k, v in found.items() if k in profile.UNIT_SLOTS or not tracker.get_slot(k)}
        reading = _reading(tracker)
        if "modes" in reading and not reading["modes"] and _entities(tracker, "mode"):
            kept["mode"] = None  # a mode word NLU tagged that the reader knows says something else ("jualan online")
        if "eqf_level" in tracker.slots_to_validate() and level is None:
            kept["eqf_level"] = None  # a bare number tagged as a level ("5 h a week") is not one
        return kept

    async def extract_goal(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The message that opened the profile is the goal when it reads as one, whatever intent NLU gave it: a
        learner's situation ("PhD student. My R scripts are a mess ...") often scores as skills, limits or
        nothing. Only while no goal is known and the form has asked for nothing else."""
        if tracker.get_slot("goal") or tracker.get_slot("requested_slot") not in (None, "goal"):
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        text = _text(tracker).strip()
        if intent == "out_of_scope" and parsing.asks(text) and not _reading(tracker).get("wants"):
            return {}  # a question about something else ("what's the weather in Medan tomorrow?") wants no course
        if intent in GOAL_LIKE_INTENTS and parsing.reads_as_goal(text, _reading(tracker)) and not _switched(tracker):
            return {"goal": text}
        return {}

    async def validate_goal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        goal = str(value or "").strip()
        if _switched(tracker) and tracker.get_slot("requested_slot") == "goal":
            return {"goal": None}  # "can we continue in Thai?" is no goal: the form asks again, in Thai
        if len(goal) < 3 or parsing.says_none(goal, WORDS):
            _say(dispatcher, formatting.say(_voice(tracker), "goal_examples"))
            return {"goal": None}
        return {"goal": goal, **self._limits_said(tracker), **self._background(tracker)}

    def _background(self, tracker: Tracker) -> dict[str, Any]:
        """Places and languages a goal names are the learner's situation, not limits ("Just arrived in Germany
        ... I need German for everyday things" wants German courses taught in any language, delivered anywhere);
        NLU tags them either way. A language is a limit only when named as the course's ("courses in German")."""
        out: dict[str, Any] = {}
        if _entities(tracker, "country"):
            out["country"] = None
        if _reading(tracker).get("languages_named") or _entities(tracker, "language"):
            out["language"] = list(_reading(tracker).get("taught_in") or []) or None
        return out

    async def validate_skills(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        known = list(tracker.get_slot("known_skills") or [])
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if _switched(tracker) and tracker.get_slot("requested_slot") == "skills":
            return {"skills": None}  # a request to change language is no skill: asked again in that language
        if value == NONE or value == [NONE] or intent in {"dont_know", "deny"}:
            said = []  # "no idea", "nothing really": no skills to add
        elif tracker.get_slot("requested_slot") == "skills":
            # The answer is a list (limits said with it are no skills); without the API's reading, one phrase.
            reading = _reading(tracker)
            if intent == "out_of_scope" and not parsing.answers_skills(_text(tracker), reading):
                return {"skills": None}  # off topic: action_out_of_scope said so, the form asks again
            said = list(reading["listed"]) if "listed" in reading else [_text(tracker).strip()]
            if not said and not parsing.says_none(_text(tracker), WORDS):
                return {"skills": None, **self._limits_said(tracker)}  # only limits: kept, and the form asks again
        else:
            said = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
            text = _text(tracker)
            if len(text.split()) >= parsing.GOAL_MIN_WORDS:
                said = parsing.claimed_skills(text, said, list(_reading(tracker).get("skills") or []))
                if not said and not known:
                    return {"skills": None, **self._limits_said(tracker)}  # words of a goal: the form still asks
        said = [s for s in said if s.lower() != NONE and not parsing.says_none(s, WORDS)]
        new = [s for s in said if s.lower() not in {k.lower() for k in known}]
        events: dict[str, Any] = {"skills": parsing.merge(known, said) or [NONE], **self._limits_said(tracker)}
        if not new:
            return events
        labels = list(tracker.get_slot("skill_labels") or [])
        try:
            for phrase in new:
                best = await self.api.match_skill(phrase, top=1)
                strong = best and best[0]["score"] >= LABEL_SHOWN_FROM
                labels.append(best[0]["label"] if strong else phrase)
        except (ApiUnavailable, ApiRejected) as e:
            log.warning("skill normalisation skipped: %s", e)  # the recommender matches the raw phrases itself
            labels = []
        return {
            **events,
            "known_skills": parsing.merge(known, new),
            "skill_labels": parsing.merge(labels, []),
            "skills_confirmed": None,
        }

    async def validate_skills_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _switched(tracker):
            return {"skills_confirmed": None}  # asked again, in the new language
        if value is False:
            _say(dispatcher, formatting.say(_voice(tracker), "skills.again"))
            return {"skills_confirmed": None, "skills": None, "known_skills": [], "skill_labels": []}
        return {"skills_confirmed": True, **self._limits_said(tracker)}

    async def validate_constraints(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if _switched(tracker):
            return {"constraints": None}  # asked again, in the new language
        text = str(value or "")
        found = {} if text == NONE else self._limits_said(tracker)
        now = {**_slots(tracker), **found}
        said = formatting.understood_limits(_voice(tracker), profile.limits(now), profile.unclear_budget(now))
        if said:
            dispatcher.utter_message(text=said)
        return {"constraints": text or NONE, **found}


class _Ask:
    """The form's question for one slot (a mixin: the SDK registers every Action subclass, this one must not be)."""

    slot = ""
    key = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _say(dispatcher, formatting.say(_voice(tracker), self.key))
        return []


class ActionAskGoal(_Ask, Action):
    slot, key = "goal", "ask.goal"


class ActionAskSkills(_Ask, Action):
    slot, key = "skills", "ask.skills"


class ActionAskConstraints(_Ask, Action):
    slot, key = "constraints", "ask.constraints"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Limits said in passing with a budget whose currency is unclear ("20,000 pesos"): what was understood
        first, so the learner sees why the question comes and can name the currency."""
        now = _slots(tracker)
        if (unclear := profile.unclear_budget(now)) is not None:
            said = formatting.understood_limits(_voice(tracker), profile.limits(now), unclear)
            if said:
                dispatcher.utter_message(text=said)
        return await super().run(dispatcher, tracker, domain)


class ActionAskSkillsConfirmed(_Ask, Action):
    slot = "skills_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        labels = list(tracker.get_slot("skill_labels") or [])
        _say(dispatcher, formatting.understood_skills(_voice(tracker), labels))
        return []


class ActionRecommend(_UsesApi, Action):
    def name(self) -> str:
        return "action_recommend"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        slots = _slots(tracker)
        if not slots.get("goal"):
            _say(dispatcher, formatting.say(v, "ask.goal"))
            return []
        default = _reading(tracker).get("default_currency")
        items = await _recommend(self.api, v, slots, dispatcher, _rich(tracker), None, default)
        return [] if items is None else [SlotSet("last_results", items)]


class ActionRefine(_UsesApi, Action):
    def name(self) -> str:
        return "action_refine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        if _switched(tracker):  # "in English please?" asked for the conversation, not the courses
            _say(dispatcher, formatting.say(v, "language.switched"))
            return []
        slots = _slots(tracker)
        if not slots.get("goal"):
            _say(dispatcher, formatting.say(v, "ask.goal"))
            return []
        read = profile.from_reading(_reading(tracker))
        mentioned = {
            "mode": _entities(tracker, "mode") or read.get("mode", []),
            "language": _entities(tracker, "language") or list(_reading(tracker).get("languages_named") or []),
            "budget": read.get("budget") or next(iter(_entities(tracker, "budget")), None),
            "currency": read.get("currency") or next(iter(_entities(tracker, "currency")), None),
        }
        refinements = _entities(tracker, "refinement") + (["free"] if read.get("free_only") else [])
        # The learner's currency: their budget's, their language's, or the one the list was priced in for them.
        priced = [(i.get("price_learner") or {}).get("currency") for i in _shown(tracker)]
        learner = slots.get("currency") or _reading(tracker).get("default_currency") or next(filter(None, priced), None)
        changes, said = profile.refine(v, refinements, _shown(tracker), mentioned, learner)
        changes.update({k: val for k, val in read.items() if k not in changes and k != "free_only"})
        changes.update({k: val for k, val in mentioned.items() if val})
        if not changes:
            _say(dispatcher, {"text": f"{said[:1].upper()}{said[1:]}." if said else v("refine.ask")})
            return []
        intro = v("refine.intro", changes=said) if said else v("refine.intro_plain")
        previous = list(_shown(tracker))
        default = _reading(tracker).get("default_currency")
        items = await _recommend(self.api, v, {**slots, **changes}, dispatcher, _rich(tracker), intro, default)
        if items is None:
            return []
        if not items and previous:
            _say(dispatcher, formatting.say(v, "refine.kept"))
            return []
        return [*(SlotSet(k, val) for k, val in changes.items()), SlotSet("last_results", items)]


def _option(tracker: Tracker, count: int, default: int | None = 0) -> int | None:
    values = _entities(tracker, "option")
    if not values:
        for skill in _entities(tracker, "skill"):  # "what's in the SQL course?"
            for n, item in enumerate(_shown(tracker)):
                if skill.lower() in item["title"].lower():
                    return n
        return default if count else None
    return parsing.option_index(values[0], count, WORDS)


class ActionShowDetails(_UsesApi, Action):
    def name(self) -> str:
        return "action_show_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        shown = _shown(tracker)
        if not shown:
            _say(dispatcher, formatting.say(v, "no_results_yet"))
            return []
        n = _option(tracker, len(shown))
        if n is None:
            _say(dispatcher, formatting.unknown_option(v, len(shown)))
            return []
        try:
            detail = await self.api.credential(shown[n]["id"])
        except ApiUnavailable:
            _say(dispatcher, formatting.say(v, "api_down"))
            return []
        except ApiRejected:
            _say(dispatcher, formatting.say(v, "details.gone"))
            return []
        _say(dispatcher, formatting.details(v, n + 1, detail))
        return []


class ActionExplain(Action):
    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        shown = _shown(tracker)
        if not shown:
            _say(dispatcher, formatting.say(v, "no_results_yet"))
            return []
        n = _option(tracker, len(shown), default=None)
        if n is None and _entities(tracker, "option"):
            _say(dispatcher, formatting.unknown_option(v, len(shown)))
        elif n is None:
            for i, item in enumerate(shown, start=1):
                dispatcher.utter_message(text=formatting.explanation_line(v, i, item))
        else:
            _say(dispatcher, formatting.explanation(v, n + 1, shown[n]))
        return []


class ActionCompare(Action):
    def name(self) -> str:
        return "action_compare"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        shown = _shown(tracker)
        if len(shown) < 2:
            _say(dispatcher, formatting.say(v, "no_results_yet" if not shown else "compare.only_one"))
            return []
        picked = [parsing.option_index(o, len(shown), WORDS) for o in _entities(tracker, "option")]
        if any(p is None for p in picked):
            _say(dispatcher, formatting.unknown_option(v, len(shown)))
            return []
        indexes = sorted({p for p in picked if p is not None}) if len(picked) >= 2 else list(range(len(shown)))
        _say(dispatcher, formatting.comparison(v, [(i + 1, shown[i]) for i in indexes]))
        return []


class ActionShowPathway(_UsesApi, Action):
    def name(self) -> str:
        return "action_show_pathway"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        slots = _slots(tracker)
        if not slots.get("goal"):
            _say(dispatcher, formatting.say(v, "ask.goal"))
            return []
        try:
            plan = await self.api.pathway(profile.request_body(slots, limit=10))
        except ApiUnavailable:
            _say(dispatcher, formatting.say(v, "api_down"))
            return []
        except ApiRejected as e:
            _say(dispatcher, formatting.say(v, "pathway.rejected", detail=e.detail))
            return []
        _say(dispatcher, formatting.pathway(v, plan))
        return [SlotSet("last_pathway", [s["credential"]["id"] for s in plan["steps"]])]


class ActionSavePathway(_UsesApi, Action):
    def name(self) -> str:
        return "action_save_pathway"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        v = _voice(tracker)
        ids = list(tracker.get_slot("last_pathway") or []) or [i["id"] for i in _shown(tracker)[:3]]
        if not ids:
            _say(dispatcher, formatting.say(v, "save.nothing"))
            return []
        slots = _slots(tracker)
        pseudonym = "Chat " + hashlib.sha256(tracker.sender_id.encode()).hexdigest()[:10]
        learner = {"goal": slots.get("goal") or "", "skills": slots.get("known_skills") or []}
        try:
            url = await self.api.save_pathway(pseudonym, learner, ids)
        except ApiUnavailable:
            _say(dispatcher, formatting.say(v, "api_down"))
            return []
        except ApiRejected as e:
            log.warning("saving a pathway was refused: %s", e)
            _say(dispatcher, formatting.say(v, "save.refused", ids=", ".join(ids)))
            return []
        _say(dispatcher, formatting.say(v, "save.done", url=url))
        return []


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Forgets the profile, not the language the conversation is in."""
        v = _voice(tracker)
        _say(dispatcher, [formatting.say(v, "start_over"), formatting.say(v, "ask.goal")])
        kept = ("conversation_language", "conversation_language_from")
        return [ActiveLoop(None), AllSlotsReset(), *(SlotSet(k, tracker.get_slot(k)) for k in kept)]
