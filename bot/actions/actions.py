"""Custom actions: thin classes that read slots, call the API and hand its answer to the formatting functions."""

from __future__ import annotations

import hashlib
import logging
from typing import Any, ClassVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    EventType,
    FollowupAction,
    SessionStarted,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import formatting, parsing, profile
from actions.client import ApiRejected, ApiUnavailable, StackwiseApi

log = logging.getLogger(__name__)
NONE = "none"
# Below this match score the learner's own words are clearer than the nearest ESCO label ("Docker" is not
# "dock operations"); the API still matches the raw phrase when it recommends.
LABEL_SHOWN_FROM = 0.8
# Intents NLU gives learners' goals when it misreads them; state_goal is mapped in the domain.
GOAL_LIKE_INTENTS = frozenset({"nlu_fallback", "state_skills", "state_constraints", "refine", "out_of_scope"})
PROFILE_SLOTS = ("goal", "known_skills", "eqf_min", "eqf_max", *profile.CONSTRAINT_SLOTS, "currency")


def _say(dispatcher: CollectingDispatcher, messages: list[formatting.Message] | formatting.Message) -> None:
    for m in messages if isinstance(messages, list) else [messages]:
        dispatcher.utter_message(**m)


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


async def _recommend(
    api: StackwiseApi, slots: dict[str, Any], dispatcher: CollectingDispatcher, rich: bool, intro: str | None
) -> list[dict[str, Any]] | None:
    """Runs the query and shows it; None when nothing could be shown (API down or request refused)."""
    try:
        answer = await api.recommend(profile.request_body(slots))
    except ApiUnavailable as e:
        log.warning("recommendations failed: %s", e)
        _say(dispatcher, formatting.API_DOWN)
        return None
    except ApiRejected as e:
        _say(dispatcher, {"text": f"I couldn't search with that: {e.detail} Could you rephrase your goal?"})
        return None
    items = [formatting.compact(r) for r in answer["results"]]
    if intro is None and items:
        noted = ", ".join(formatting.limit_phrases(profile.limits(slots)))
        intro = f"Here are {len(items)} options" + (f" ({noted})" if noted else "") + ":"
    _say(dispatcher, formatting.recommendations(items, rich, intro, formatting.held_back(answer)))
    return items


class _UsesApi:
    """The API client, injectable for tests (a mixin: the SDK registers every Action subclass as an action)."""

    def __init__(self, api: StackwiseApi | None = None) -> None:
        self.api = api or StackwiseApi()


class ActionFallback(Action):
    """Low NLU confidence. Before any goal is known, a message that reads as a goal starts the profile with it
    (the form's extract_goal takes it); otherwise ask to rephrase."""

    def name(self) -> str:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if parsing.reads_as_goal(_text(tracker)):
            if tracker.active_loop_name is None and not tracker.get_slot("goal"):
                return [FollowupAction("profile_form")]
            if tracker.active_loop_name and tracker.get_slot("requested_slot") == "goal":
                return []  # the form takes it as the goal it asked for
        dispatcher.utter_message(response="utter_default")
        return []


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _say(dispatcher, formatting.INTRO)
        return [SessionStarted(), ActionExecuted("action_listen")]


class ValidateProfileForm(_UsesApi, FormValidationAction):
    def name(self) -> str:
        return "validate_profile_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """Skip what the learner already answered in passing: no confirmation without skills, no limits question
        when a limit was already given."""
        slots = list(domain_slots)
        if not tracker.get_slot("skill_labels"):
            slots.remove("skills_confirmed")
        if profile.has_constraints(_slots(tracker)):
            slots.remove("constraints")
        return slots

    def _limits_from_text(self, tracker: Tracker) -> dict[str, Any]:
        """Limits said in passing. Amounts read with their unit ("300 euros", "4 hours a week") beat a tagged bare
        number, which NLU may have put in the wrong slot; other limits only fill what NLU left empty."""
        text = _text(tracker)
        found = parsing.constraints_from_text(text)
        kept = {k: v for k, v in found.items() if k in parsing.UNIT_SLOTS or not tracker.get_slot(k)}
        if "eqf_level" in tracker.slots_to_validate() and parsing.eqf(text) is None:
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
        if intent in GOAL_LIKE_INTENTS and parsing.reads_as_goal(text):
            return {"goal": text}
        return {}

    async def validate_goal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        goal = str(value or "").strip()
        if len(goal) < 3 or parsing.says_none(goal):
            dispatcher.utter_message(response="utter_goal_examples")
            return {"goal": None}
        return {"goal": goal, **self._limits_from_text(tracker), **self._background(tracker)}

    def _background(self, tracker: Tracker) -> dict[str, Any]:
        """Places and languages a goal names are the learner's situation, not limits ("Just arrived in Germany
        ... I need German for everyday things" wants German courses taught in any language, delivered anywhere);
        NLU tags them either way. A language is a limit only when named as the course's ("courses in German")."""
        text = _text(tracker)
        out: dict[str, Any] = {}
        if _entities(tracker, "country"):
            out["country"] = None
        if parsing.languages(text) or _entities(tracker, "language"):
            out["language"] = parsing.course_languages(text) or None
        return out

    async def validate_skills(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        known = list(tracker.get_slot("known_skills") or [])
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if value == NONE or value == [NONE] or intent in {"dont_know", "deny"}:
            said = []  # "no idea", "nothing really": no skills to add
        elif tracker.get_slot("requested_slot") == "skills":
            said = parsing.skill_phrases(_text(tracker))
        else:
            said = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
            text = _text(tracker)
            if len(text.split()) >= parsing.GOAL_MIN_WORDS:
                said = parsing.claimed_skills(text, said)
                if not said and not known:
                    return {"skills": None, **self._limits_from_text(tracker)}  # words of a goal: the form still asks
        said = [s for s in said if s.lower() != NONE and not parsing.says_none(s)]
        new = [s for s in said if s.lower() not in {k.lower() for k in known}]
        events: dict[str, Any] = {"skills": parsing.merge(known, said) or [NONE], **self._limits_from_text(tracker)}
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
        if value is False:
            _say(dispatcher, formatting.SKILLS_AGAIN)
            return {"skills_confirmed": None, "skills": None, "known_skills": [], "skill_labels": []}
        return {"skills_confirmed": True, **self._limits_from_text(tracker)}

    async def validate_constraints(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "")
        found = {} if text == NONE else self._limits_from_text(tracker)
        said = formatting.understood_limits(profile.limits({**_slots(tracker), **found}))
        if said:
            dispatcher.utter_message(text=said)
        return {"constraints": text or NONE, **found}


class _Ask:
    """The form's question for one slot (a mixin: the SDK registers every Action subclass, this one must not be)."""

    slot = ""
    message: ClassVar[formatting.Message] = {}

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _say(dispatcher, self.message)
        return []


class ActionAskGoal(_Ask, Action):
    slot, message = "goal", formatting.ASK_GOAL


class ActionAskSkills(_Ask, Action):
    slot, message = "skills", formatting.ASK_SKILLS


class ActionAskConstraints(_Ask, Action):
    slot, message = "constraints", formatting.ASK_CONSTRAINTS


class ActionAskSkillsConfirmed(_Ask, Action):
    slot = "skills_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _say(dispatcher, formatting.understood_skills(list(tracker.get_slot("skill_labels") or [])))
        return []


class ActionRecommend(_UsesApi, Action):
    def name(self) -> str:
        return "action_recommend"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = _slots(tracker)
        if not slots.get("goal"):
            _say(dispatcher, formatting.ASK_GOAL)
            return []
        items = await _recommend(self.api, slots, dispatcher, _rich(tracker), None)
        return [] if items is None else [SlotSet("last_results", items)]


class ActionRefine(_UsesApi, Action):
    def name(self) -> str:
        return "action_refine"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = _slots(tracker)
        if not slots.get("goal"):
            _say(dispatcher, formatting.ASK_GOAL)
            return []
        parsed = parsing.constraints_from_text(_text(tracker))
        mentioned = {
            "mode": _entities(tracker, "mode") or parsed.get("mode", []),
            "language": _entities(tracker, "language") or parsed.get("language", []),
            "budget": parsed.get("budget") or next(iter(_entities(tracker, "budget")), None),
            "currency": parsed.get("currency") or next(iter(_entities(tracker, "currency")), None),
        }
        refinements = _entities(tracker, "refinement") + (["free"] if parsed.get("free_only") else [])
        changes, said = profile.refine(refinements, _shown(tracker), mentioned)
        changes.update({k: v for k, v in parsed.items() if k not in changes and k != "free_only"})
        changes.update({k: v for k, v in mentioned.items() if v})
        if not changes:
            dispatcher.utter_message(
                text=f"{said[:1].upper()}{said[1:]}."
                if said
                else 'How should I change the list? For example "cheaper", "shorter" or "only online".'
            )
            return []
        intro = f"Okay, {said}. Here is the new list:" if said else "Okay, here is the new list:"
        previous = list(_shown(tracker))
        items = await _recommend(self.api, {**slots, **changes}, dispatcher, _rich(tracker), intro)
        if items is None:
            return []
        if not items and previous:
            dispatcher.utter_message(text="I kept your previous limits, so the earlier list still stands.")
            return []
        return [*(SlotSet(k, v) for k, v in changes.items()), SlotSet("last_results", items)]


def _option(tracker: Tracker, count: int, default: int | None = 0) -> int | None:
    values = _entities(tracker, "option")
    if not values:
        for skill in _entities(tracker, "skill"):  # "what's in the SQL course?"
            for n, item in enumerate(_shown(tracker)):
                if skill.lower() in item["title"].lower():
                    return n
        return default if count else None
    return parsing.option_index(values[0], count)


class ActionShowDetails(_UsesApi, Action):
    def name(self) -> str:
        return "action_show_details"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        shown = _shown(tracker)
        if not shown:
            _say(dispatcher, formatting.NO_RESULTS_YET)
            return []
        n = _option(tracker, len(shown))
        if n is None:
            _say(dispatcher, formatting.unknown_option(len(shown)))
            return []
        try:
            detail = await self.api.credential(shown[n]["id"])
        except ApiUnavailable:
            _say(dispatcher, formatting.API_DOWN)
            return []
        except ApiRejected:
            dispatcher.utter_message(text="That course is no longer in the catalog. Ask me for a new list.")
            return []
        _say(dispatcher, formatting.details(n + 1, detail))
        return []


class ActionExplain(Action):
    def name(self) -> str:
        return "action_explain"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        shown = _shown(tracker)
        if not shown:
            _say(dispatcher, formatting.NO_RESULTS_YET)
            return []
        n = _option(tracker, len(shown), default=None)
        if n is None and _entities(tracker, "option"):
            _say(dispatcher, formatting.unknown_option(len(shown)))
        elif n is None:
            for i, item in enumerate(shown, start=1):
                dispatcher.utter_message(text=f"{i}. {item['title']}: {item['reason']}")
        else:
            _say(dispatcher, formatting.explanation(n + 1, shown[n]))
        return []


class ActionCompare(Action):
    def name(self) -> str:
        return "action_compare"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        shown = _shown(tracker)
        if len(shown) < 2:
            _say(
                dispatcher, formatting.NO_RESULTS_YET if not shown else {"text": "There is only one option to compare."}
            )
            return []
        picked = [parsing.option_index(v, len(shown)) for v in _entities(tracker, "option")]
        if any(p is None for p in picked):
            _say(dispatcher, formatting.unknown_option(len(shown)))
            return []
        indexes = sorted({p for p in picked if p is not None}) if len(picked) >= 2 else list(range(len(shown)))
        _say(dispatcher, formatting.comparison([(i + 1, shown[i]) for i in indexes]))
        return []


class ActionShowPathway(_UsesApi, Action):
    def name(self) -> str:
        return "action_show_pathway"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        slots = _slots(tracker)
        if not slots.get("goal"):
            _say(dispatcher, formatting.ASK_GOAL)
            return []
        try:
            plan = await self.api.pathway(profile.request_body(slots, limit=10))
        except ApiUnavailable:
            _say(dispatcher, formatting.API_DOWN)
            return []
        except ApiRejected as e:
            dispatcher.utter_message(text=f"I couldn't plan that: {e.detail}")
            return []
        _say(dispatcher, formatting.pathway(plan))
        return [SlotSet("last_pathway", [s["credential"]["id"] for s in plan["steps"]])]


class ActionSavePathway(_UsesApi, Action):
    def name(self) -> str:
        return "action_save_pathway"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ids = list(tracker.get_slot("last_pathway") or []) or [i["id"] for i in _shown(tracker)[:3]]
        if not ids:
            dispatcher.utter_message(
                text='There is nothing to save yet. Ask me for recommendations or "show my pathway".'
            )
            return []
        slots = _slots(tracker)
        pseudonym = "Chat " + hashlib.sha256(tracker.sender_id.encode()).hexdigest()[:10]
        learner = {"goal": slots.get("goal") or "", "skills": slots.get("known_skills") or []}
        try:
            url = await self.api.save_pathway(pseudonym, learner, ids)
        except ApiUnavailable:
            _say(dispatcher, formatting.API_DOWN)
            return []
        except ApiRejected as e:
            log.warning("saving a pathway was refused: %s", e)
            dispatcher.utter_message(
                text="I can't save pathways on this site yet. Note these course ids to show an adviser: "
                + ", ".join(ids)
            )
            return []
        dispatcher.utter_message(text=f"Saved. Your read-only link: {url}\nAnyone with the link can see the plan.")
        return []


class ActionStartOver(Action):
    def name(self) -> str:
        return "action_start_over"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        _say(dispatcher, [formatting.START_OVER, formatting.ASK_GOAL])
        return [ActiveLoop(None), AllSlotsReset()]
