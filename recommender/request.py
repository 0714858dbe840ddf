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


@dataclass(frozen=True, slots=True)
class LearnerRequest:
    goal: str
    skills: tuple[str, ...] = ()  # free text ("Excel") or ESCO skill URIs
    constraints: Constraints = field(default_factory=Constraints)
    limit: int = 10


def price_in(credential: Credential, target_currency: str) -> float:
    return currency.convert(credential.price, credential.currency, target_currency)


# A self-paced credential stretched past ten years at the learner's weekly limit does not fit it at all.
MAX_PACED_WEEKS = 520.0


def paced_weeks(credential: Credential, max_hours_per_week: float | None) -> float:
    """Weeks the learner needs: a self-paced credential fits a weekly limit by taking longer."""
    if (
        credential.schedule.self_paced
        and max_hours_per_week is not None
        and credential.hours_per_week > max_hours_per_week
    ):
        weeks = credential.workload_hours / max_hours_per_week
        return max(credential.duration_weeks, math.ceil(weeks * 10) / 10 if weeks < MAX_PACED_WEEKS else weeks)
    return credential.duration_weeks


def paced_hours(credential: Credential, max_hours_per_week: float | None) -> float:
    """Hours a week the learner spends: a self-paced credential runs at their limit when it asks for more."""
    if credential.schedule.self_paced and max_hours_per_week is not None:
        return min(credential.hours_per_week, max_hours_per_week)
    return credential.hours_per_week


def violations(
    credential: Credential,
    c: Constraints,
    catalog: Catalog,
    today: dt.date,
    per_credential_price: bool = True,
) -> list[str]:
    """Every constraint the credential breaks, in words (empty when it passes)."""
    out: list[str] = []
    if c.free_only and credential.price > 0:
        out.append("not free")
    if per_credential_price and c.max_price is not None and price_in(credential, c.currency) > c.max_price + 1e-9:
        out.append(f"costs more than {c.max_price:g} {c.currency}")
    if c.modes and credential.participation not in c.modes:
        out.append(f"is {credential.participation.value}")
    if c.languages and not set(credential.languages) & set(c.languages):
        out.append(f"is taught in {', '.join(credential.languages)}")
    if (
        c.max_hours_per_week is not None
        and credential.hours_per_week > c.max_hours_per_week + 1e-9
        and not credential.schedule.self_paced
    ):
        out.append(f"needs {credential.hours_per_week:g} h a week")
    weeks = paced_weeks(credential, c.max_hours_per_week)
    if weeks > MAX_PACED_WEEKS:
        out.append(f"would take over {MAX_PACED_WEEKS:g} weeks at {c.max_hours_per_week:g} h a week")
    if per_credential_price and c.max_weeks is not None and weeks > c.max_weeks + 1e-9:
        out.append(f"takes {weeks:g} weeks")
    if c.eqf_min is not None and credential.eqf_level < c.eqf_min:
        out.append(f"is at EQF level {credential.eqf_level}")
    if c.eqf_max is not None and credential.eqf_level > c.eqf_max:
        out.append(f"is at EQF level {credential.eqf_level}")
    if c.countries:
        provider = catalog.provider_by_id.get(credential.provider)
        where = credential.delivery.country or (provider.country if provider else None)
        if where not in c.countries:
            out.append(f"is delivered in {where}")
    if (
        c.providers
        and credential.provider not in c.providers
        and not (catalog.alliances_of(credential) & set(c.providers))
    ):
        out.append("is offered by another provider")
    if c.start_before is not None and not credential.schedule.self_paced:
        upcoming = [d for d in credential.schedule.start_dates if today <= d <= c.start_before]
        if not upcoming:
            out.append(f"does not start by {c.start_before.isoformat()}")
    return out


def next_start(credential: Credential, today: dt.date) -> dt.date | None:
    if credential.schedule.self_paced:
        return today
    upcoming = [d for d in credential.schedule.start_dates if d >= today]
    return min(upcoming) if upcoming else None
