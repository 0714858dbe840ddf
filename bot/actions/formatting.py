"""Pure functions from API answers to chat messages, in the conversation's language (a `Voice`).

Every message is text first (with buttons) so text-only channels work; channels that render cards also get a
carousel attachment in rasa-webchat's generic-template shape. Button payloads stay under Telegram's 64 bytes.
The words are the catalogs' (bot/languages/<lang>/messages.po); course titles, providers' texts and ESCO skill
labels are shown as they come. The API's reasons arrive as data (a result's `explanation.kind`, a held-back
credential's `limits`, a pathway step's `why`, the totals' counts of unstated values) and are worded here, never
taken from its English sentences.
"""

from __future__ import annotations

from typing import Any

from actions.messages import Voice

Message = dict[str, Any]
# Channels whose widgets render a generic-template carousel; the rest get the same content as text.
RICH_CHANNELS = frozenset({"socketio", "rest", "facebook"})
SHOWN = 5
# Blank lines between items: the widget renders Markdown, where a single newline does not break a line.
PARAGRAPH = "\n\n"


# The API gives null for what a catalog does not state; the bot says so rather than guessing ("free", "0 weeks").
def money(v: Voice, price: float | None, currency: str | None) -> str:
    if price is None:
        return v("price.not_stated")
    return v("price.free") if price == 0 else v.money(price, currency or "EUR")


def weeks(v: Voice, value: float | None) -> str:
    if value is None:
        return v("duration.not_stated")
    return v("duration.self_paced") if value <= 0 else v.plural("weeks", value)


def _hours(v: Voice, hours: float | None) -> str:
    return v("hours.not_stated") if hours is None else v("hours.per_week", n=v.number(hours))


def _eqf(v: Voice, level: int | None) -> str:
    return v("eqf.not_stated") if level is None else v("eqf.level", level=level)


def _languages(v: Voice, codes: list[str]) -> str:
    return v.and_list(v.language_name(c) for c in codes) or "?"


def compact(result: dict[str, Any]) -> dict[str, Any]:
    """What the bot keeps of one recommendation for follow-up questions, small enough for every tracker post."""
    c = result["credential"]
    e = result["explanation"]
    paced = result.get("weeks", c["duration_weeks"])  # at the learner's pace (a self-paced course may take longer)
    return {
        "id": c["id"],
        "title": c["title"],
        "provider": c["provider_name"],
        "price": c["price"],
        "currency": c["currency"],
        "price_eur": c["price_eur"],
        "price_learner": result.get("price_learner"),  # in the learner's currency, when the provider's differs
        "weeks": paced,
        "hours_per_week": result.get("hours_per_week", c["hours_per_week"]),
        "paced": paced is not None and c["duration_weeks"] is not None and paced > c["duration_weeks"],
        "mode": c["participation"],
        "eqf": c["eqf_level"],
        "languages": c["languages"],
        "taught_only_in": result.get("taught_only_in") or [],  # none of them a language the learner has shown
        "ects": c["ects"],
        "next_start": c["next_start"],
        # Why it is listed, as data: worded when shown, in the conversation's language at that moment.
        "why": {
            "kind": e["kind"],
            "skills": e["covers"][:3],
            "outcome": next((m["outcome"] for m in e["matched_outcomes"] if m["need"] == "goal"), None),
        },
        "matched": [[m["outcome"], m["need"]] for m in e["matched_outcomes"][:3]],
        "covers": e["covers"][:5],
        "uncovered": [s["label"] for s in e["uncovered"][:4]],
    }


def reason(v: Voice, item: dict[str, Any]) -> str:
    """Why a result is listed: the gap skills it covers, the outcome closest to the goal, or that it is related."""
    why = item["why"]
    outcome = v("quoted", text=why["outcome"]) if why.get("outcome") else ""
    return v(f"reason.{why['kind']}", skills=v.and_list(why["skills"]), outcome=outcome)


def _limit_values(v: Voice, values: dict[str, Any]) -> dict[str, str]:
    """A broken limit's values in the conversation's locale: prices, mode words, language and country names."""
    words: dict[str, str] = {}
    for name, value in values.items():
        if name == "max":
            words["price"] = v.money(value, values.get("currency") or "EUR")
        elif name == "mode":
            words["mode"] = v.mode(value)
        elif name == "languages":
            words["languages"] = v.and_list(v.language_name(c) for c in value)
        elif name == "country":
            words["country"] = v.country_name(value)
        elif name == "weeks":
            words["weeks"] = v.plural("weeks", value)
        elif name == "date":
            words["date"] = v.date(value)
        elif isinstance(value, (int, float)):
            words[name] = v.number(value)
    return words


def limit(v: Voice, broken: dict[str, Any]) -> str | None:
    """One limit a held-back credential breaks ({"code": "mode", "values": {"mode": "onsite"}}), in words; None
    for a code this bot does not know (an API newer than it)."""
    key = f"limit.{broken['code']}"
    return v(key, **_limit_values(v, broken.get("values") or {})) if v.has(key) else None


def facts(v: Voice, item: dict[str, Any]) -> str:
    duration = weeks(v, item["weeks"])
    if item.get("paced"):
        duration = v("duration.at_your_pace", weeks=duration)
    price = money(v, item["price"], item["currency"])
    if item["price"]:  # a free course is free in any currency
        # Equivalents at the service's rates are approximate: in whole units. The learner's currency first, then
        # euros, the catalog's common currency (a network spanning Europe and South-East Asia compares in it),
        # unless the price or its equivalent already says it.
        local = item.get("price_learner")
        if local:
            price = v("price.about", price=price, local=v.money(round(local["amount"]), local["currency"]))
        learners = local["currency"] if local else item["currency"]
        if item.get("price_eur") is not None and "EUR" not in (item["currency"], learners):
            price = v("price.about", price=price, local=v.money(round(item["price_eur"]), "EUR"))
    parts = [item["provider"], price, duration, v.mode(item["mode"])]
    if item.get("taught_only_in"):
        parts.append(v("facts.taught_in", languages=_languages(v, item["taught_only_in"])))
    return " · ".join(parts)


def _payload(intent: str, option: int | None = None) -> str:
    return f'/{intent}{{"option":"{option}"}}' if option is not None else f"/{intent}"


def held_back(v: Voice, answer: dict[str, Any], shown: int = 2) -> str | None:
    """The closer matches the learner's limits leave out, with the limit each breaks: the trade-off an adviser
    would point out ("needs 9 h a week"), so the learner can decide whether to loosen it."""
    held = (answer.get("held_back") or [])[:shown]
    if not held:
        return None
    items = []
    for h in held:
        said = [words for broken in h.get("limits") or [] if (words := limit(v, broken))]
        title = h["credential"]["title"]
        items.append(v("held.item", title=title, reasons=v.and_list(said)) if said else title)
    return v("held.list", items="; ".join(items))


def recommendations(
    v: Voice, items: list[dict[str, Any]], rich: bool, intro: str | None = None, left_out: str | None = None
) -> list[Message]:
    if not items:
        text = v("results.none")
        return [{"text": text + (PARAGRAPH + v("results.closest", items=left_out) if left_out else "")}]
    lines = [intro or v.counted("results.intro_default", len(items))]
    for n, item in enumerate(items, start=1):
        lines.append(v("results.item", n=n, title=item["title"], facts=facts(v, item), reason=reason(v, item)))
    if left_out:
        lines.append(v("results.left_out", items=left_out))
    lines.append(v("results.hint"))
    text_message: Message = {
        "text": PARAGRAPH.join(lines),
        "buttons": [
            {"title": v("button.why_first"), "payload": _payload("ask_why", 1)},
            {"title": v("button.show_pathway"), "payload": _payload("show_pathway")},
            {"title": v("button.cheaper"), "payload": '/refine{"refinement":"cheaper"}'},
            {"title": v("button.only_online"), "payload": '/refine{"mode":"online"}'},
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
                    "subtitle": f"{facts(v, item)}\n{reason(v, item)}",
                    "buttons": [
                        {"title": v("button.details"), "type": "postback", "payload": _payload("ask_details", n)},
                        {"title": v("button.why_this"), "type": "postback", "payload": _payload("ask_why", n)},
                    ],
                }
                for n, item in enumerate(items, start=1)
            ],
        },
    }
    return [text_message, {"attachment": cards}]


def explanation(v: Voice, n: int, item: dict[str, Any]) -> Message:
    lines = [v("explain.head", n=n, title=item["title"], reason=reason(v, item))]
    for outcome, need in item["matched"]:
        target = v("explain.your_goal") if need == "goal" else v("quoted", text=need)
        lines.append(v("explain.outcome", outcome=f"{outcome[0].lower()}{outcome[1:]}", target=target))
    if item["uncovered"]:
        lines.append(v("explain.uncovered", skills=", ".join(item["uncovered"])))
    return {
        "text": PARAGRAPH.join(lines),
        "buttons": [{"title": v("button.details"), "payload": _payload("ask_details", n)}],
    }


def explanation_line(v: Voice, n: int, item: dict[str, Any]) -> str:
    return v("explain.item", n=n, title=item["title"], reason=reason(v, item))


def details(v: Voice, n: int, detail: dict[str, Any]) -> Message:
    c = detail["credential"]
    provider = (detail.get("provider") or {}).get("name", c.get("provider", ""))
    # The catalog document leaves out what its source does not state.
    price = money(v, c["price"], c.get("currency")) if c.get("price") is not None else v("details.not_stated")
    hours = v.number(c["hours"]) if c.get("hours") else "?"
    workload = (
        v("details.workload_ects", hours=hours, ects=v.number(c["ects"]))
        if c.get("ects")
        else v("details.workload", hours=hours)
    )
    mode = v.mode(c["participation"]) if c.get("participation") else v("details.not_stated")
    lines = [
        v("details.head", n=n, title=c["title"], provider=provider),
        c.get("description", "").strip(),
        " ".join([v("details.price", price=price), v("details.level", level=_eqf(v, c.get("eqf_level"))), workload]),
        v("details.format", mode=mode, languages=_languages(v, c.get("languages", []))),
    ]
    outcomes = [o["text"] if isinstance(o, dict) else str(o) for o in c.get("learning_outcomes", [])][:5]
    if outcomes:
        lines.append(v("details.outcomes") + PARAGRAPH + PARAGRAPH.join(f"• {o}" for o in outcomes))
    if c.get("url"):
        lines.append(v("details.more", url=c["url"]))
    return {"text": PARAGRAPH.join(line for line in lines if line)}


def comparison(v: Voice, pairs: list[tuple[int, dict[str, Any]]]) -> Message:
    rows = [
        v(
            "compare.row",
            n=n,
            title=item["title"],
            price=money(v, item["price"], item["currency"]),
            weeks=weeks(v, item["weeks"]),
            hours=_hours(v, item["hours_per_week"]),
            mode=v.mode(item["mode"]),
            eqf=_eqf(v, item["eqf"]),
            reason=reason(v, item),
        )
        for n, item in pairs
    ]
    # Only stated prices and durations take part: an unknown one is neither cheapest nor shortest.
    priced = [p for p in pairs if p[1]["price_eur"] is not None]
    timed = [p for p in pairs if p[1]["weeks"] is not None]
    verdict = []
    if priced:
        verdict.append(v("compare.cheapest", n=min(priced, key=lambda p: p[1]["price_eur"])[0]))
    if timed:
        verdict.append(v("compare.shortest", n=min(timed, key=lambda p: p[1]["weeks"])[0]))
    if verdict:
        rows.append(" ".join(verdict))
    return {"text": PARAGRAPH.join(rows)}


def pathway(v: Voice, plan: dict[str, Any]) -> list[Message]:
    steps = plan["steps"]
    if not steps:
        return [{"text": v("pathway.none")}]
    currency = plan["totals"]["currency"]
    lines = [v("pathway.head")]
    for s in steps:
        c = s["credential"]
        when = (
            v("pathway.weeks", start=v.number(s["start_week"]), end=v.number(s["end_week"]))
            if s.get("start_week") is not None and s.get("end_week") is not None
            else v("duration.not_stated")
        )
        step = {"n": s["position"], "title": c["title"], "provider": c["provider_name"], "when": when}
        step["price"] = money(v, s["price"], currency)
        why = step_reason(v, s.get("why"))
        lines.append(v("pathway.step", reason=why, **step) if why else v("pathway.step_plain", **step))
    t = plan["totals"]
    total = {"price": money(v, t["price"], t["currency"]), "weeks": v.plural("weeks", t["weeks"])}
    total["hours"] = v.plural("hours", t["hours"])
    line = v("pathway.total_ects", ects=v.number(t["ects"]), **total) if t["ects"] else v("pathway.total", **total)
    # Steps whose price, duration or workload the catalog does not state: the totals leave them out.
    unstated = [v.plural(key, n) for count, key in UNSTATED if (n := t.get(count))]
    lines.append(" ".join([line, *unstated]))
    for stack in plan["stacks"][:2]:
        progress = {"count": v.number(stack["components_in_plan"]), "total": v.number(stack["components_total"])}
        progress |= {"ects": v.number(stack["ects_in_plan"]), "required": v.number(stack["ects_required"])}
        lines.append(v("pathway.stack", title=stack["title"], **progress))
    if plan["uncovered_skills"]:
        lines.append(v("pathway.uncovered", skills=", ".join(s["label"] for s in plan["uncovered_skills"][:5])))
    return [
        {
            "text": PARAGRAPH.join(lines),
            "buttons": [{"title": v("button.save"), "payload": _payload("save_pathway")}],
        }
    ]


# The totals' counts of steps without a stated value, and the (plural) message that says so.
UNSTATED = (
    ("price_not_stated", "pathway.unstated_price"),
    ("weeks_not_stated", "pathway.unstated_weeks"),
    ("hours_not_stated", "pathway.unstated_hours"),
)


def step_reason(v: Voice, why: dict[str, Any] | None) -> str | None:
    """Why a pathway step is there ({"code": "covers", "values": {"skills": [...]}}), in words; None when the API
    gave none or a code this bot does not know."""
    if not why or not v.has(key := f"step.{why['code']}"):
        return None
    values = why.get("values") or {}
    return v(key, skills=v.and_list(values.get("skills") or []), title=values.get("title", ""))


def understood_skills(v: Voice, labels: list[str]) -> Message:
    return {
        "text": v("skills.understood", skills=", ".join(labels)),
        "buttons": [{"title": v("button.yes"), "payload": "/affirm"}, {"title": v("button.no"), "payload": "/deny"}],
    }


def limit_phrases(v: Voice, limits: dict[str, Any], unclear_budget: float | None = None) -> list[str]:
    """The API's constraints in words: "up to €300", "online", "in Spanish"; and a budget left out because its
    currency could not be told."""
    parts = []
    if unclear_budget is not None:
        parts.append(v("limits.no_currency", amount=v.number(unclear_budget)))
    if limits.get("free_only"):
        parts.append(v("limits.free_only"))
    elif limits.get("max_price") is not None:
        parts.append(v("limits.max_price", price=v.money(limits["max_price"], limits.get("currency", "EUR"))))
    if limits.get("max_hours_per_week"):
        parts.append(v("limits.max_hours", hours=v.number(limits["max_hours_per_week"])))
    if limits.get("max_weeks"):
        parts.append(v("limits.max_weeks", weeks=v.number(limits["max_weeks"])))
    if limits.get("modes"):
        parts.append(v.or_list(v.mode(m) for m in limits["modes"]))
    if limits.get("languages"):
        parts.append(v("limits.languages", languages=v.or_list(v.language_name(c) for c in limits["languages"])))
    if limits.get("countries"):
        parts.append(v("limits.countries", countries=v.or_list(v.country_name(c) for c in limits["countries"])))
    if limits.get("eqf_min") or limits.get("eqf_max"):
        parts.append(v("limits.eqf", low=limits.get("eqf_min") or 1, high=limits.get("eqf_max") or 8))
    return parts


def understood_limits(v: Voice, limits: dict[str, Any], unclear_budget: float | None = None) -> str | None:
    parts = limit_phrases(v, limits, unclear_budget)
    return v("limits.noted", limits=", ".join(parts)) if parts else None


def unknown_option(v: Voice, count: int) -> Message:
    return {"text": v("unknown_option", count=count)}


def say(v: Voice, key: str, **values: Any) -> Message:
    """A fixed message with the buttons it always has."""
    message: Message = {"text": v(key, **values)}
    if buttons := BUTTONS.get(key):
        message["buttons"] = [{"title": v(title), "payload": payload} for title, payload in buttons]
    return message


BUTTONS: dict[str, list[tuple[str, str]]] = {
    "greet": [("button.find_courses", "/request_recommendations"), ("button.what_can_you_do", "/help")],
    "ask.constraints": [
        ("button.only_online", '/state_constraints{"mode":"online"}'),
        ("button.no_limits", "/deny"),
    ],
}
