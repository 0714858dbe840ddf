"""Pure functions from API answers to chat messages.

Every message is text first (with buttons) so text-only channels work; channels that render cards also get a
carousel attachment in rasa-webchat's generic-template shape. Button payloads stay under Telegram's 64 bytes.
"""

from __future__ import annotations

from typing import Any

Message = dict[str, Any]
# Channels whose widgets render a generic-template carousel; the rest get the same content as text.
RICH_CHANNELS = frozenset({"socketio", "rest", "facebook"})
SHOWN = 5
# Blank lines between items: the widget renders Markdown, where a single newline does not break a line.
PARAGRAPH = "\n\n"


# The API gives null for what a catalog does not state; the bot says so rather than guessing ("free", "0 weeks").
def _money(price: float | None, currency: str) -> str:
    if price is None:
        return "price not stated"
    return "free" if price == 0 else f"{price:,.0f} {currency}"


def _weeks(weeks: float | None) -> str:
    if weeks is None:
        return "duration not stated"
    return "self-paced" if weeks <= 0 else f"{weeks:g} week{'s' if weeks != 1 else ''}"


def _hours(hours: float | None) -> str:
    return "hours a week not stated" if hours is None else f"{hours:g} h/week"


def _eqf(level: int | None) -> str:
    return "EQF level not stated" if level is None else f"EQF {level}"


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """What the bot keeps of one recommendation for follow-up questions, small enough for every tracker post."""
    c = result["credential"]
    e = result["explanation"]
    weeks = result.get("weeks", c["duration_weeks"])  # at the learner's pace (a self-paced course may take longer)
    return {
        "id": c["id"],
        "title": c["title"],
        "provider": c["provider_name"],
        "price": c["price"],
        "currency": c["currency"],
        "price_eur": c["price_eur"],
        "weeks": weeks,
        "hours_per_week": result.get("hours_per_week", c["hours_per_week"]),
        "paced": weeks is not None and c["duration_weeks"] is not None and weeks > c["duration_weeks"],
        "mode": c["participation"],
        "eqf": c["eqf_level"],
        "languages": c["languages"],
        "ects": c["ects"],
        "next_start": c["next_start"],
        "reason": e["summary"],
        "matched": [[m["outcome"], m["need"]] for m in e["matched_outcomes"][:3]],
        "covers": e["covers"][:5],
        "uncovered": [s["label"] for s in e["uncovered"][:4]],
    }


def facts(item: dict[str, Any]) -> str:
    weeks = _weeks(item["weeks"]) + (" at your pace" if item.get("paced") else "")
    mode = item["mode"] or "mode not stated"
    return " · ".join([item["provider"], _money(item["price"], item["currency"]), weeks, mode])


def _payload(intent: str, option: int | None = None) -> str:
    return f'/{intent}{{"option":"{option}"}}' if option is not None else f"/{intent}"


def held_back(answer: dict[str, Any], shown: int = 2) -> str | None:
    """The closer matches the learner's limits leave out, with the limit each breaks: the trade-off an adviser
    would point out ("needs 9 h a week"), so the learner can decide whether to loosen it."""
    held = (answer.get("held_back") or [])[:shown]
    if not held:
        return None
    return "; ".join(f"{h['credential']['title']} ({' and '.join(h['reasons'])})" for h in held) + "."


def recommendations(
    items: list[dict[str, Any]], rich: bool, intro: str | None = None, left_out: str | None = None
) -> list[Message]:
    if not items:
        text = (
            "I found nothing that fits all your limits. Try relaxing one of them, "
            'for example a higher budget or more weeks, or say "start over".'
        )
        return [{"text": text + (f"{PARAGRAPH}The closest ones: {left_out}" if left_out else "")}]
    lines = [intro or f"Here are {len(items)} options that fit what you told me:"]
    for n, item in enumerate(items, start=1):
        lines.append(f"{n}. {item['title']} ({facts(item)})\n   Why: {item['reason']}")
    if left_out:
        lines.append(f"Closer matches your limits leave out: {left_out}")
    lines.append('Ask "why the first one?", "details on 2", "compare 1 and 2", "cheaper", or "show my pathway".')
    text_message: Message = {
        "text": PARAGRAPH.join(lines),
        "buttons": [
            {"title": "Why #1?", "payload": _payload("ask_why", 1)},
            {"title": "Show my pathway", "payload": _payload("show_pathway")},
            {"title": "Cheaper", "payload": '/refine{"refinement":"cheaper"}'},
            {"title": "Only online", "payload": '/refine{"mode":"online"}'},
        ],
    }
    if not rich:
        return [text_message]
    cards = {
        "type": "template",
        "payload": {
            "template_type": "generic",
            "elements": [
                {
                    "title": f"{n}. {item['title']}",
                    "subtitle": f"{facts(item)}\n{item['reason']}",
                    "buttons": [
                        {"title": "Details", "type": "postback", "payload": _payload("ask_details", n)},
                        {"title": "Why this?", "type": "postback", "payload": _payload("ask_why", n)},
                    ],
                }
                for n, item in enumerate(items, start=1)
            ],
        },
    }
    return [text_message, {"attachment": cards}]


def explanation(n: int, item: dict[str, Any]) -> Message:
    lines = [f"Why {n}. {item['title']}: {item['reason']}"]
    for outcome, need in item["matched"]:
        target = "your goal" if need == "goal" else f"“{need}”"
        lines.append(f"• You will be able to {outcome[0].lower()}{outcome[1:]} → {target}")
    if item["uncovered"]:
        lines.append("Still not covered by it: " + ", ".join(item["uncovered"]) + ".")
    return {"text": PARAGRAPH.join(lines), "buttons": [{"title": "Details", "payload": _payload("ask_details", n)}]}


def details(n: int, detail: dict[str, Any]) -> Message:
    c = detail["credential"]
    provider = (detail.get("provider") or {}).get("name", c.get("provider", ""))
    lines = [
        f"{n}. {c['title']} by {provider}",
        c.get("description", "").strip(),
        # The catalog document leaves out what its source does not state.
        f"Price: {_money(c['price'], c.get('currency', 'EUR')) if c.get('price') is not None else 'not stated'}. "
        f"Level: {_eqf(c.get('eqf_level'))}. "
        f"Workload: {c.get('hours') or '?'} hours" + (f", {c['ects']:g} ECTS" if c.get("ects") else "") + ".",
        f"Format: {c.get('participation') or 'not stated'}, in {', '.join(c.get('languages', [])) or '?'}.",
    ]
    outcomes = [o["text"] if isinstance(o, dict) else str(o) for o in c.get("learning_outcomes", [])][:5]
    if outcomes:
        lines.append("You will be able to:" + PARAGRAPH + PARAGRAPH.join(f"• {o}" for o in outcomes))
    if c.get("url"):
        lines.append(f"More: {c['url']}")
    return {"text": PARAGRAPH.join(line for line in lines if line)}


def comparison(pairs: list[tuple[int, dict[str, Any]]]) -> Message:
    rows = []
    for n, item in pairs:
        rows.append(
            f"{n}. {item['title']}: {_money(item['price'], item['currency'])}, {_weeks(item['weeks'])} "
            f"at {_hours(item['hours_per_week'])}, {item['mode'] or 'mode not stated'}, {_eqf(item['eqf'])}. "
            f"{item['reason']}"
        )
    # Only stated prices and durations take part: an unknown one is neither cheapest nor shortest.
    priced = [p for p in pairs if p[1]["price_eur"] is not None]
    timed = [p for p in pairs if p[1]["weeks"] is not None]
    verdict = []
    if priced:
        verdict.append(f"Cheapest: {min(priced, key=lambda p: p[1]['price_eur'])[0]}.")
    if timed:
        verdict.append(f"Shortest: {min(timed, key=lambda p: p[1]['weeks'])[0]}.")
    if verdict:
        rows.append(" ".join(verdict))
    return {"text": PARAGRAPH.join(rows)}


def pathway(plan: dict[str, Any]) -> list[Message]:
    steps = plan["steps"]
    if not steps:
        return [{"text": "I couldn't build a pathway within your limits. Try a higher budget or more weeks."}]
    lines = ["Your pathway, in order:"]
    for s in steps:
        c = s["credential"]
        when = (
            f"weeks {s['start_week']:g}–{s['end_week']:g}"
            if s.get("start_week") is not None and s.get("end_week") is not None
            else "duration not stated"
        )
        lines.append(
            f"{s['position']}. {c['title']} ({c['provider_name']}), {when}, "
            f"{_money(s['price'], plan['totals']['currency'])}. {s['reason'][:1].upper()}{s['reason'][1:]}."
        )
    t = plan["totals"]
    lines.append(
        f"Total: {_money(t['price'], t['currency'])}, {t['weeks']:g} weeks, {t['hours']:g} hours"
        + (f", {t['ects']:g} ECTS" if t["ects"] else "")
        + "."
        + "".join(f" {note[:1].upper()}{note[1:]}." for note in t.get("notes", []))
    )
    for stack in plan["stacks"][:2]:
        lines.append(f"Stack progress: {stack['summary']}.")
    if plan["uncovered_skills"]:
        lines.append("Not covered yet: " + ", ".join(s["label"] for s in plan["uncovered_skills"][:5]) + ".")
    return [
        {
            "text": PARAGRAPH.join(lines),
            "buttons": [{"title": "Save and share it", "payload": _payload("save_pathway")}],
        }
    ]


def understood_skills(labels: list[str]) -> Message:
    return {
        "text": f"I understood that you already know: {', '.join(labels)}. Right?",
        "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
    }


def limit_phrases(limits: dict[str, Any]) -> list[str]:
    """The API's constraints in words: "up to 300 EUR", "online", "in es"."""
    parts = []
    if limits.get("free_only"):
        parts.append("free courses only")
    elif limits.get("max_price") is not None:
        parts.append(f"up to {limits['max_price']:g} {limits.get('currency', 'EUR')}")
    if limits.get("max_hours_per_week"):
        parts.append(f"at most {limits['max_hours_per_week']:g} hours a week")
    if limits.get("max_weeks"):
        parts.append(f"at most {limits['max_weeks']:g} weeks")
    if limits.get("modes"):
        parts.append(" or ".join(limits["modes"]))
    if limits.get("languages"):
        parts.append("in " + " or ".join(limits["languages"]))
    if limits.get("countries"):
        parts.append("in " + ", ".join(limits["countries"]))
    if limits.get("eqf_min") or limits.get("eqf_max"):
        parts.append(f"EQF {limits.get('eqf_min') or 1}–{limits.get('eqf_max') or 8}")
    return parts


def understood_limits(limits: dict[str, Any]) -> str | None:
    parts = limit_phrases(limits)
    return "Noted: " + ", ".join(parts) + "." if parts else None


API_DOWN: Message = {
    "text": "Sorry, I can't reach the course catalog right now. Please try again in a minute; "
    "I'll remember what you told me."
}
NO_RESULTS_YET: Message = {"text": "I haven't suggested anything yet. Tell me your goal and I'll look."}


def unknown_option(count: int) -> Message:
    return {"text": f"Which one? I showed {count} options; say a number from 1 to {count}."}


# Texts the actions and the form say. Fixed replies without logic live in domain.yml.
INTRO: Message = {
    "text": "Hi, I'm Stackwise 👋 I suggest short certified courses (micro-credentials) that close the gap between "
    "what you know and where you want to go. Tell me your goal, what you already know, and any limits on budget, "
    "time or format, in one message or step by step."
}
ASK_GOAL: Message = {"text": "What is your goal? A job you want, or a field you want to move into."}
ASK_SKILLS: Message = {
    "text": "What do you already know or do at work? Tools, skills, experience: a few words are enough. "
    '(Say "skip" if you\'d rather not.)'
}
ASK_CONSTRAINTS: Message = {
    "text": "Any limits I should respect? Budget, hours per week, how many weeks, online or on-site, language. "
    'Or say "no limits".',
    "buttons": [
        {"title": "Only online", "payload": '/state_constraints{"mode":"online"}'},
        {"title": "No limits", "payload": "/deny"},
    ],
}
SKILLS_AGAIN: Message = {"text": "Sorry about that. Tell me again what you already know, in your own words."}
START_OVER: Message = {"text": "Okay, let's start over. Everything you told me is forgotten."}
