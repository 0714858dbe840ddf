"""What a learner asks for, and the exact filters their constraints imply."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

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


# A violation's values: numbers, codes (ISO 639-1, ISO 3166-1, ISO 4217, participation), ISO dates, code lists.
Value = int | float | str | tuple[str, ...]

# The English of every violation code, the one place it is worded (CLI, console, the API's `reasons`). Front ends
# that speak other languages word the code and values themselves (the bot's message catalogs).
ENGLISH: Mapping[str, str] = MappingProxyType(
    {
        "price_not_stated": "price not stated",
        "not_free": "not free",
        "over_price": "costs more than {max} {currency}",
        "mode_not_stated": "mode not stated",
        "mode": "is {mode}",
        "language_not_stated": "language not stated",
        "language": "is taught in {languages}",
        "hours_not_stated": "hours per week not stated",
        "hours_per_week": "needs {hours} h a week",
        "paced_too_long": "would take over {weeks} weeks at {hours} h a week",
        "duration_not_stated": "duration not stated",
        "weeks": "takes {weeks} weeks",
        "eqf_not_stated": "EQF level not stated",
        "eqf": "is at EQF level {level}",
        "country_not_stated": "country not stated",
        "country": "is delivered in {country}",
        "provider": "is offered by another provider",
        "schedule_not_stated": "schedule not stated",
        "start": "does not start by {date}",
    }
)


def _english_value(value: Value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Coded:
    """A reason as data: a `code` of the class's `ENGLISH` table and the values its wording needs, so that each front
    end words it in its learner's language; `text` is the English (CLI, console, the API's English fields)."""

    ENGLISH: ClassVar[Mapping[str, str]] = MappingProxyType({})
    WHAT: ClassVar[str] = "reason"  # what a code names, for the error on an unknown one
    code: str
    values: Mapping[str, Value] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        if self.code not in self.ENGLISH:
            raise ValueError(f"unknown {self.WHAT} {self.code!r}")
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @property
    def text(self) -> str:
        return self.ENGLISH[self.code].format(**{k: _english_value(v) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.text

    def __hash__(self) -> int:
        return hash((self.code, tuple(sorted(self.values.items()))))


@dataclass(frozen=True)
class Violation(Coded):
    """One limit a credential breaks: `over_price` {max, currency}, `mode` {mode}, `language` {languages},
    `hours_per_week` {hours}, ...; codes ending in `_not_stated` mean the catalog is silent on what the limit is
    about."""

    ENGLISH: ClassVar[Mapping[str, str]] = ENGLISH
    WHAT: ClassVar[str] = "violation code"

    @property
    def unstated(self) -> bool:
        return self.code.endswith("_not_stated")

    __hash__ = Coded.__hash__


def violations(
    credential: Credential,
    c: Constraints,
    catalog: Catalog,
    today: dt.date,
    per_credential_price: bool = True,
) -> list[Violation]:
    """Every constraint the credential breaks (empty when it passes).

    A limit on an element the source does not state is broken (`price_not_stated`): the learner's limit cannot be
    shown to hold. Only the price has a way out, `accept_unstated_price`. Without the limit, nothing is left out.
    """
    out: list[Violation] = []
    price = price_in(credential, c.currency)
    if price is None:
        if (c.free_only or c.max_price is not None) and not c.accept_unstated_price:
            out.append(Violation("price_not_stated"))
    else:
        if c.free_only and price > 0:
            out.append(Violation("not_free"))
        if per_credential_price and c.max_price is not None and price > c.max_price + 1e-9:
            out.append(Violation("over_price", {"max": float(c.max_price), "currency": c.currency}))
    if c.modes:
        if credential.participation is None:
            out.append(Violation("mode_not_stated"))
        elif credential.participation not in c.modes:
            out.append(Violation("mode", {"mode": credential.participation.value}))
    if c.languages:
        if not credential.languages:
            out.append(Violation("language_not_stated"))
        elif not set(credential.languages) & set(c.languages):
            out.append(taught_in(credential))
    if c.max_hours_per_week is not None:
        if credential.hours_per_week is None:
            out.append(Violation("hours_not_stated"))
        elif credential.hours_per_week > c.max_hours_per_week + 1e-9 and not credential.schedule.self_paced:
            out.append(Violation("hours_per_week", {"hours": float(credential.hours_per_week)}))
    weeks = paced_weeks(credential, c.max_hours_per_week)
    if weeks is None:
        if c.max_weeks is not None:
            out.append(Violation("duration_not_stated"))
    else:
        if weeks > MAX_PACED_WEEKS and c.max_hours_per_week is not None:
            # Says all there is to say (no weeks limit reaches it), and the weeks may be infinite at a tiny pace.
            out.append(Violation("paced_too_long", {"weeks": MAX_PACED_WEEKS, "hours": float(c.max_hours_per_week)}))
        elif per_credential_price and c.max_weeks is not None and weeks > c.max_weeks + 1e-9:
            out.append(Violation("weeks", {"weeks": float(weeks)}))
    if c.eqf_min is not None or c.eqf_max is not None:
        level = credential.eqf_level
        if level is None:
            out.append(Violation("eqf_not_stated"))
        elif (c.eqf_min is not None and level < c.eqf_min) or (c.eqf_max is not None and level > c.eqf_max):
            out.append(Violation("eqf", {"level": int(level)}))
    if c.countries:
        provider = catalog.provider_by_id.get(credential.provider)
        where = credential.delivery.country or (provider.country if provider else None)
        if where is None:
            out.append(Violation("country_not_stated"))
        elif where not in c.countries:
            out.append(Violation("country", {"country": where}))
    if (
        c.providers
        and credential.provider not in c.providers
        and not (catalog.alliances_of(credential) & set(c.providers))
    ):
        out.append(Violation("provider"))
    if c.start_before is not None and not credential.schedule.self_paced:
        upcoming = [d for d in credential.schedule.start_dates if today <= d <= c.start_before]
        if not credential.schedule.stated:
            out.append(Violation("schedule_not_stated"))
        elif not upcoming:
            out.append(Violation("start", {"date": c.start_before.isoformat()}))
    return out


def taught_in(credential: Credential) -> Violation:
    """The languages a credential is taught in, as the reason it is not for this learner."""
    if not credential.languages:
        return Violation("language_not_stated")
    return Violation("language", {"languages": tuple(credential.languages)})


def next_start(credential: Credential, today: dt.date) -> dt.date | None:
    if credential.schedule.self_paced:
        return today
    upcoming = [d for d in credential.schedule.start_dates if d >= today]
    return min(upcoming) if upcoming else None
