"""Domain model of a micro-credential catalog (EU Council Recommendation 2022 standard elements).

Immutable values: everything downstream (index, ranking, planning) may share them freely.
Validation of raw input happens in `knowledge.schema`; these types assume valid data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import TypeVar


class Participation(StrEnum):
    ONLINE = "online"
    ONSITE = "onsite"
    BLENDED = "blended"


class CertificateType(StrEnum):
    OPEN_BADGE = "open_badge"
    CERTIFICATE = "certificate"
    EUROPASS_EDC = "europass_edc"


class ProviderType(StrEnum):
    UNIVERSITY = "university"
    ALLIANCE = "alliance"
    NETWORK = "network"
    VET_PROVIDER = "vet_provider"
    PROFESSIONAL_BODY = "professional_body"
    COMPANY = "company"


@dataclass(frozen=True, slots=True)
class Provider:
    id: str
    name: str
    type: ProviderType | None  # None: the source did not say (issued badges rarely do)
    country: str | None
    city: str | None = None
    url: str | None = None
    member_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Stack:
    """A larger credential that several micro-credentials add up to."""

    id: str
    title: str
    provider: str
    award: str
    eqf_level: int
    ects: float
    description: str | None = None


@dataclass(frozen=True, slots=True)
class LearningOutcome:
    text: str
    skills: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Prerequisites:
    text: str | None = None
    skills: tuple[str, ...] = ()
    credentials: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.text or self.skills or self.credentials)


@dataclass(frozen=True, slots=True)
class StackContribution:
    stack: str
    ects: float


@dataclass(frozen=True, slots=True)
class Schedule:
    """When it runs; neither self-paced nor any start date means the source does not say."""

    self_paced: bool = False
    start_dates: tuple[dt.date, ...] = ()

    @property
    def stated(self) -> bool:
        return self.self_paced or bool(self.start_dates)


@dataclass(frozen=True, slots=True)
class Location:
    country: str | None = None
    city: str | None = None


@dataclass(frozen=True, slots=True)
class ExternalAlignment:
    """A link to a framework other than ESCO and the EQF (O*NET, CASE, CTDL, ...), kept as published."""

    name: str
    framework: str | None = None
    url: str | None = None
    code: str | None = None


@dataclass(frozen=True, slots=True)
class LocalText:
    """The credential's texts in one more language, kept as published so multilingual readers need no translation.

    `learning_outcomes` follows the order of the credential's outcomes; "" where one has no text in this language.
    """

    language: str  # ISO 639-1
    title: str | None = None
    description: str | None = None
    learning_outcomes: tuple[str, ...] = ()


# EU standard elements a catalog may leave out, in the order reports list them. A credential holds None (or
# nothing) for each one its source does not state: never a made-up default that a filter or a total would read.
MAY_BE_NOT_STATED: tuple[str, ...] = (
    "price",
    "eqf_level",
    "participation",
    "assessment",
    "quality_assurance",
    "languages",
    "schedule",
    "duration_weeks",
    "hours_per_week",
    "workload",
)


@dataclass(frozen=True, slots=True)
class Credential:
    id: str
    title: str
    provider: str
    description: str
    learning_outcomes: tuple[LearningOutcome, ...]
    # None (or empty) wherever the source does not state the element: see MAY_BE_NOT_STATED.
    eqf_level: int | None
    assessment: str | None
    participation: Participation | None
    quality_assurance: str | None
    languages: tuple[str, ...]
    price: float | None  # 0 = free
    currency: str
    duration_weeks: float | None
    hours_per_week: float | None
    schedule: Schedule
    certificate: CertificateType
    ects: float | None = None
    hours: float | None = None
    awarding_body: str | None = None
    prerequisites: Prerequisites = field(default_factory=Prerequisites)
    stacks: tuple[StackContribution, ...] = ()
    delivery: Location = field(default_factory=Location)
    url: str | None = None
    fields: tuple[str, ...] = ()
    occupations: tuple[str, ...] = ()
    alliances: tuple[str, ...] = ()
    external_alignments: tuple[ExternalAlignment, ...] = ()
    texts: tuple[LocalText, ...] = ()  # the other languages' title, description and outcomes (ELM language maps)

    @property
    def unstated(self) -> tuple[str, ...]:
        """The EU elements its source does not state (names from MAY_BE_NOT_STATED), derived from the values."""
        missing = {
            "price": self.price is None,
            "eqf_level": self.eqf_level is None,
            "participation": self.participation is None,
            "assessment": self.assessment is None,
            "quality_assurance": self.quality_assurance is None,
            "languages": not self.languages,
            "schedule": not self.schedule.stated,
            "duration_weeks": self.duration_weeks is None,
            "hours_per_week": self.hours_per_week is None,
            "workload": self.ects is None and self.hours is None,
        }
        return tuple(name for name in MAY_BE_NOT_STATED if missing[name])

    @property
    def is_free(self) -> bool:
        return self.price == 0  # a price that is not stated is not "free"

    @property
    def workload_hours(self) -> float | None:
        """Notional hours: stated hours, else 25 per ECTS (the ECTS users' guide midpoint); None if neither."""
        if self.hours is not None:
            return self.hours
        return self.ects * 25.0 if self.ects is not None else None

    @property
    def skill_uris(self) -> frozenset[str]:
        return frozenset(uri for outcome in self.learning_outcomes for uri in outcome.skills)


@dataclass(frozen=True)
class Catalog:
    """A whole catalog; lookups by id are built lazily once."""

    providers: tuple[Provider, ...] = ()
    stacks: tuple[Stack, ...] = ()
    credentials: tuple[Credential, ...] = ()

    @cached_property
    def credential_by_id(self) -> dict[str, Credential]:
        return {c.id: c for c in self.credentials}

    @cached_property
    def provider_by_id(self) -> dict[str, Provider]:
        return {p.id: p for p in self.providers}

    @cached_property
    def stack_by_id(self) -> dict[str, Stack]:
        return {s.id: s for s in self.stacks}

    def __len__(self) -> int:
        return len(self.credentials)

    def __iter__(self) -> Iterator[Credential]:
        return iter(self.credentials)

    def alliances_of(self, credential: Credential) -> frozenset[str]:
        """Alliance/network membership: the credential's own plus its provider's."""
        provider = self.provider_by_id.get(credential.provider)
        inherited = provider.member_of if provider else ()
        return frozenset((*credential.alliances, *inherited))

    def stack_components(self, stack_id: str) -> tuple[Credential, ...]:
        return tuple(c for c in self.credentials if any(s.stack == stack_id for s in c.stacks))

    def merged(self, other: Catalog) -> Catalog:
        """This catalog with every record of `other` added or replacing the one with the same id."""
        return Catalog(
            providers=_merge(self.providers, other.providers),
            stacks=_merge(self.stacks, other.stacks),
            credentials=_merge(self.credentials, other.credentials),
        )


_Record = TypeVar("_Record", Provider, Stack, Credential)


def _merge(base: Iterable[_Record], updates: Iterable[_Record]) -> tuple[_Record, ...]:
    by_id = {item.id: item for item in base}
    by_id.update((item.id, item) for item in updates)
    return tuple(sorted(by_id.values(), key=lambda item: item.id))
