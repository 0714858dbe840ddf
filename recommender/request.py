"""What a learner asks for, and the exact filters their constraints imply."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from knowledge import currency
from knowledge.models import Catalog, Credential, Participation


@dataclass(frozen=True, slots=True)
class Constraints:
    """Hard limits. A credential that breaks one never appears in results.

    For a pathway, `max_price` is the budget for the whole plan and `max_weeks` its total duration; for a list of
    recommendations they apply to each credential.
    """

    max_price: float | None = None
    currency: str = "EUR"
    free_only: bool = False
    modes: tuple[Participation, ...] = ()
    languages: tuple[str, ...] = ()
    max_hours_per_week: float | None = None
    max_weeks: float | None = None
    eqf_min: int | None = None
    eqf_max: int | None = None
    countries: tuple[str, ...] = ()  # where it is delivered (provider's country for online offerings)
    providers: tuple[str, ...] = ()  # provider ids or alliance/network ids
    start_before: dt.date | None = None
    # A price limit (max_price, free_only) leaves out a credential whose price is not stated unless this is set.
    accept_unstated_price: bool = False


@dataclass(frozen=True, slots=True)
class LearnerRequest:
    goal: str
    skills: tuple[str, ...] = ()  # free text ("Excel") or ESCO skill URIs
    constraints: Constraints = field(default_factory=Constraints)
    limit: int = 10
    # Languages the learner can study in besides the one the goal is written in (a front end's page language).
    languages: tuple[str, ...] = ()


def price_in(credential: Credential, target_currency: str) -> float | None:
    """The price in another currency; None when the source does not state it."""
    if credential.price is None:
        return None
    return currency.convert(credential.price, credential.currency, target_currency)


# A self-paced credential stretched past ten years at the learner's weekly limit does not fit it at all.
MAX_PACED_WEEKS = 520.0


def paced_weeks(credential: Credential, max_hours_per_week: float | None) -> float | None:
    """Weeks the learner needs: a self-paced credential fits a weekly limit by taking longer. None: not stated."""
    duration = credential.duration_weeks
    if (
        duration is None
        or not credential.schedule.self_paced
        or max_hours_per_week is None
        or credential.hours_per_week is None
        or credential.hours_per_week <= max_hours_per_week
    ):
        return duration
    workload = credential.workload_hours
    weeks = (workload if workload is not None else duration * credential.hours_per_week) / max_hours_per_week
    return max(duration, math.ceil(weeks * 10) / 10 if weeks < MAX_PACED_WEEKS else weeks)


def paced_hours(credential: Credential, max_hours_per_week: float | None) -> float | None:
    """Hours a week the learner spends: a self-paced credential runs at their limit when it asks for more."""
    hours = credential.hours_per_week
    if hours is not None and credential.schedule.self_paced and max_hours_per_week is not None:
        return min(hours, max_hours_per_week)
    return hours


def violations(
    credential: Credential,
    c: Constraints,
    catalog: Catalog,
    today: dt.date,
    per_credential_price: bool = True,
) -> list[str]:
    """Every constraint the credential breaks, in words (empty when it passes).

    A limit on an element the source does not state is broken ("price not stated"): the learner's limit cannot be
    shown to hold. Only the price has a way out, `accept_unstated_price`. Without the limit, nothing is left out.
    """
    out: list[str] = []
    price = price_in(credential, c.currency)
    if price is None:
        if (c.free_only or c.max_price is not None) and not c.accept_unstated_price:
            out.append("price not stated")
    else:
        if c.free_only and price > 0:
            out.append("not free")
        if per_credential_price and c.max_price is not None and price > c.max_price + 1e-9:
            out.append(f"costs more than {c.max_price:g} {c.currency}")
    if c.modes:
        if credential.participation is None:
            out.append("mode not stated")
        elif credential.participation not in c.modes:
            out.append(f"is {credential.participation.value}")
    if c.languages:
        if not credential.languages:
            out.append("language not stated")
        elif not set(credential.languages) & set(c.languages):
            out.append(f"is taught in {', '.join(credential.languages)}")
    if c.max_hours_per_week is not None:
        if credential.hours_per_week is None:
            out.append("hours per week not stated")
        elif credential.hours_per_week > c.max_hours_per_week + 1e-9 and not credential.schedule.self_paced:
            out.append(f"needs {credential.hours_per_week:g} h a week")
    weeks = paced_weeks(credential, c.max_hours_per_week)
    if weeks is None:
        if c.max_weeks is not None:
            out.append("duration not stated")
    else:
        if weeks > MAX_PACED_WEEKS and c.max_hours_per_week is not None:
            out.append(f"would take over {MAX_PACED_WEEKS:g} weeks at {c.max_hours_per_week:g} h a week")
        if per_credential_price and c.max_weeks is not None and weeks > c.max_weeks + 1e-9:
            out.append(f"takes {weeks:g} weeks")
    if c.eqf_min is not None or c.eqf_max is not None:
        level = credential.eqf_level
        if level is None:
            out.append("EQF level not stated")
        elif (c.eqf_min is not None and level < c.eqf_min) or (c.eqf_max is not None and level > c.eqf_max):
            out.append(f"is at EQF level {level}")
    if c.countries:
        provider = catalog.provider_by_id.get(credential.provider)
        where = credential.delivery.country or (provider.country if provider else None)
        if where is None:
            out.append("country not stated")
        elif where not in c.countries:
            out.append(f"is delivered in {where}")
    if (
        c.providers
        and credential.provider not in c.providers
        and not (catalog.alliances_of(credential) & set(c.providers))
    ):
        out.append("is offered by another provider")
    if c.start_before is not None and not credential.schedule.self_paced:
        upcoming = [d for d in credential.schedule.start_dates if today <= d <= c.start_before]
        if not credential.schedule.stated:
            out.append("schedule not stated")
        elif not upcoming:
            out.append(f"does not start by {c.start_before.isoformat()}")
    return out


def next_start(credential: Credential, today: dt.date) -> dt.date | None:
    if credential.schedule.self_paced:
        return today
    upcoming = [d for d in credential.schedule.start_dates if d >= today]
    return min(upcoming) if upcoming else None
