"""The learner's profile as the bot holds it (slots) -> the API's request body, and refinements of it."""

from __future__ import annotations

import math
import re
from statistics import median
from typing import Any

from actions import formatting, parsing
from actions.messages import Voice

CONSTRAINT_SLOTS = ("budget", "hours_per_week", "duration", "eqf_level", "mode", "language", "country", "free_only")
# An ISO 4217 code; which ones the service converts is the API's to say (it answers 422 for one it does not know),
# so the bot keeps no copy of its currency table.
CURRENCY_CODE = re.compile(r"^[A-Z]{3}$")
MODES = frozenset({"online", "onsite", "blended"})


def unclear_budget(slots: dict[str, Any]) -> float | None:
    """A budget said without a currency the bot can tell ("20,000 pesos" on an English page): not applied, and
    said so, rather than read as euros."""
    budget = parsing.number(slots.get("budget"))
    currency = str(slots.get("currency") or "").strip().upper()
    return budget if budget is not None and budget >= 0 and not CURRENCY_CODE.match(currency) else None


def has_constraints(slots: dict[str, Any]) -> bool:
    return any(slots.get(name) not in (None, [], "", False) for name in CONSTRAINT_SLOTS)


def limits(slots: dict[str, Any]) -> dict[str, Any]:
    """The API's `constraints` object; values that cannot be read are left out rather than guessed."""
    out: dict[str, Any] = {}
    if slots.get("free_only"):
        out["free_only"] = True
    budget = parsing.number(slots.get("budget"))
    currency = str(slots.get("currency") or "").strip().upper()
    if budget is not None and budget >= 0 and CURRENCY_CODE.match(currency):
        out["max_price"] = budget
        out["currency"] = currency
    hours = parsing.number(slots.get("hours_per_week"))
    if hours is not None and 0 < hours <= 80:
        out["max_hours_per_week"] = hours
    duration = slots.get("duration")
    if duration:
        weeks = parsing.number(duration)  # "13 weeks", as from_reading writes it
        if weeks is not None and 0 < weeks <= 520:
            out["max_weeks"] = weeks
    modes = sorted({m for m in slots.get("mode") or [] if m in MODES})
    if modes:
        out["modes"] = modes
    languages = sorted({lang.lower() for lang in slots.get("language") or [] if len(lang) == 2})
    if languages:
        out["languages"] = languages
    countries = sorted({c.upper() for c in slots.get("country") or [] if len(c) == 2})
    if countries:
        out["countries"] = countries
    level = parsing.number(slots.get("eqf_level"))
    eqf_min, eqf_max = slots.get("eqf_min"), slots.get("eqf_max")
    if level is not None and 1 <= level <= 8 and eqf_min is None and eqf_max is None:
        eqf_min = eqf_max = level
    if eqf_min is not None:
        out["eqf_min"] = int(eqf_min)
    if eqf_max is not None:
        out["eqf_max"] = max(int(eqf_max), out.get("eqf_min", 1))
    return out


# Slots the API reads with their unit ("300 euros", "4 hours a week"): they beat a number NLU tagged.
UNIT_SLOTS = frozenset({"budget", "currency", "hours_per_week", "duration"})


def _plain(value: Any) -> str:
    """`3000000.0` -> "3000000" (never "3e+06", which no slot reader takes for three million)."""
    return f"{float(value):.4f}".rstrip("0").rstrip(".")


def from_reading(reading: dict[str, Any] | None) -> dict[str, Any]:
    """Slot values for the limits the API read in a message (POST /v1/read); empty when there are none. A budget
    without a currency is in the default currency of the message's language."""
    r = reading or {}
    found: dict[str, Any] = {}
    budget = r.get("budget") or {}
    if budget.get("amount") is not None:
        found["budget"] = _plain(budget["amount"])
        if currency := budget.get("currency") or r.get("default_currency"):
            found["currency"] = currency
    if r.get("free_only"):
        found["free_only"] = True
    if r.get("hours_per_week") is not None:
        found["hours_per_week"] = _plain(r["hours_per_week"])
    if r.get("max_weeks") is not None:
        found["duration"] = f"{_plain(r['max_weeks'])} weeks"
    if modes := sorted({m for m in r.get("modes") or [] if m in MODES}):
        found["mode"] = modes
    return found


def request_body(slots: dict[str, Any], limit: int = 5, currency: str | None = None) -> dict[str, Any]:
    """`currency`: the learner's (their budget's, else their language's default), in which the API also prices
    each result."""
    skills = [s for s in slots.get("known_skills") or [] if s][:50]
    body = {"goal": slots.get("goal") or "", "skills": skills, "constraints": limits(slots), "limit": limit}
    if currency := slots.get("currency") or currency:
        body["currency"] = currency
    return body


def _below(values: list[float | None], step: float = 0.1) -> float | None:
    """A cap under the middle of what was shown, so a refinement visibly changes the list; rounded down to `step`
    so the learner hears "under 130 EUR", not "under 130.24 EUR"."""
    values = [v for v in values if v is not None and v > 0]  # None: not stated, no basis for a cap
    if not values:
        return None
    return round(math.floor(median(values) * 0.8 / step) * step, 1)


def _prices_in(shown: list[dict[str, Any]], currency: str) -> list[float | None] | None:
    """The listed prices in the learner's currency (the provider's own, or the API's conversion); None when one
    stated price cannot be given in it."""
    out: list[float | None] = []
    for item in shown:
        local = item.get("price_learner") or {}
        if item["price_eur"] is None:
            out.append(None)  # not stated
        elif item["currency"] == currency:
            out.append(item["price"])
        elif local.get("currency") == currency:
            out.append(local["amount"])
        else:
            return None
    return out


def _round_down(amount: float) -> float:
    """Two significant digits, rounded down: a cap a learner reads at a glance (760,000, not 763,412)."""
    if amount < 100:
        return float(math.floor(amount))
    scale = 10 ** (int(math.log10(amount)) - 1)
    return float(math.floor(amount / scale) * scale)


def refine(
    v: Voice,
    refinements: list[str],
    shown: list[dict[str, Any]],
    mentioned: dict[str, Any],
    currency: str | None = None,
) -> tuple[dict[str, Any], str]:
    """Slot changes for `cheaper`, `shorter`, `more_advanced`... judged against the list on screen. `currency`:
    the learner's, in which a new price cap is set when every listed price can be given in it (else euros).

    Returns the changes and a phrase in the conversation's language saying what changed (empty when nothing
    could be changed)."""
    changes: dict[str, Any] = {}
    said: list[str] = []
    for r in dict.fromkeys(refinements):  # "free courses only" may arrive both tagged and read
        if r == "cheaper":
            euros = _below([i["price_eur"] for i in shown], step=1)  # one currency to compare in
            local = _prices_in(shown, currency) if currency and currency != "EUR" else None
            cap, code = (_below(local, step=1), currency) if local is not None and currency else (euros, "EUR")
            if euros is None or cap is None:
                said.append(v("refine.already_free"))
            elif euros < 1:
                changes["free_only"] = True
                said.append(v("refine.free_only"))
            else:
                cap = _round_down(cap)
                changes["budget"], changes["currency"] = f"{cap:g}", code
                said.append(v("refine.under", price=v.money(cap, code)))
        elif r == "free":
            changes["free_only"] = True
            said.append(v("refine.free_only"))
        elif r == "shorter":
            cap = _below([i["weeks"] for i in shown])
            if cap is not None:
                changes["duration"] = f"{max(cap, 1):g} weeks"
                said.append(v("limits.max_weeks", weeks=v.number(max(cap, 1))))
        elif r == "fewer_hours":
            cap = _below([i["hours_per_week"] for i in shown])
            if cap is not None:
                changes["hours_per_week"] = f"{max(cap, 1):g}"
                said.append(v("limits.max_hours", hours=v.number(max(cap, 1))))
        elif r in {"more_advanced", "easier"} and shown:
            levels = [i["eqf"] for i in shown if i["eqf"] is not None]
            if not levels:
                continue
            level = int(median(levels))
            if r == "more_advanced" and level < 8:
                changes["eqf_min"], changes["eqf_max"], changes["eqf_level"] = float(level + 1), None, None
                said.append(v("refine.more_advanced", level=level + 1))
            elif r == "easier" and level > 1:
                changes["eqf_max"], changes["eqf_min"], changes["eqf_level"] = float(level - 1), None, None
                said.append(v("refine.easier", level=level - 1))
    said.extend(formatting.limit_phrases(v, limits(mentioned)))
    return changes, ", ".join(said)
