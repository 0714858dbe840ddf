"""The catalog file schema: pydantic models at the boundary, converted to and from the domain model.

One place for the per-record rules (types, ranges, codes). Rules that need the whole catalog (references,
cycles, ESCO vocabulary) live in `knowledge.validation`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from knowledge import currency, isced
from knowledge.models import (
    Catalog,
    CertificateType,
    Credential,
    ExternalAlignment,
    LearningOutcome,
    LocalText,
    Location,
    Participation,
    Prerequisites,
    Provider,
    ProviderType,
    Schedule,
    Stack,
    StackContribution,
)

SCHEMA_VERSION: Literal[1] = 1
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"
ESCO_OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$")
_UUID_TAIL = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(
            "must be 1-80 characters of letters, digits, '.', '_', ':' or '-', starting with a letter or digit"
        )
    return value


def _check_country(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError("must be a two-letter ISO 3166-1 country code such as MY, DE or FR")
    return code


def _check_language(value: str) -> str:
    code = value.strip().lower()
    if not re.fullmatch(r"[a-z]{2}", code):
        raise ValueError("must be a two-letter ISO 639-1 language code such as en, de or ms")
    return code


def _check_currency(value: str) -> str:
    code = value.strip().upper()
    if not currency.is_known(code):
        known = ", ".join(sorted(currency.EUR_RATES))
        raise ValueError(f"must be an ISO 4217 currency code Stackwise can convert: {known}")
    return code


def _check_field(value: str) -> str:
    code = value.strip()
    if isced.field_name(code) is None:
        raise ValueError("must be an ISCED-F 2013 field code such as 0613 (software) or 0811 (crops)")
    return code


def _esco_uri(prefix: str, kind: str) -> AfterValidator:
    def check(value: str) -> str:
        uri = value.strip()
        if not uri.startswith(prefix) or not _UUID_TAIL.match(uri[len(prefix) :]):
            raise ValueError(f"must be an ESCO {kind} URI like {prefix}<uuid>")
        return uri

    return AfterValidator(check)


def _check_url(value: str) -> str:
    url = value.strip()
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
        raise ValueError("must be an http(s) URL such as https://example.org/course")
    return url


Id = Annotated[str, AfterValidator(_check_id)]
Country = Annotated[str, AfterValidator(_check_country)]
Language = Annotated[str, AfterValidator(_check_language)]
Currency = Annotated[str, AfterValidator(_check_currency)]
FieldCode = Annotated[str, AfterValidator(_check_field)]
SkillUri = Annotated[str, _esco_uri(ESCO_SKILL_PREFIX, "skill")]
OccupationUri = Annotated[str, _esco_uri(ESCO_OCCUPATION_PREFIX, "occupation")]
Url = Annotated[str, AfterValidator(_check_url)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Ects = Annotated[float, Field(ge=0, le=120)]


class _Record(BaseModel):
    # Unknown keys are kept so that the validator can warn about them instead of failing.
    model_config = ConfigDict(extra="allow", str_strip_whitespace=True, populate_by_name=True)

    def unknown_keys(self) -> list[str]:
        return sorted(self.model_extra or {})

    @classmethod
    def from_domain(cls, value: Any) -> Self:
        return cls.model_validate(dataclasses.asdict(value))


class ProviderRecord(_Record):
    id: Id
    name: Text
    type: ProviderType | None = Field(default=None, description="Leave out when the source does not say.")
    country: Country | None = Field(default=None, description="Leave out when the source does not say.")
    city: str | None = None
    url: Url | None = None
    member_of: list[Id] = Field(default_factory=list, description="Alliances or networks it belongs to.")

    def to_domain(self) -> Provider:
        return Provider(
            id=self.id,
            name=self.name,
            type=self.type,
            country=self.country,
            city=self.city,
            url=self.url,
            member_of=tuple(self.member_of),
        )


class StackRecord(_Record):
    id: Id
    title: Text
    provider: Id
    award: Text = Field(description="Qualification awarded when the stack is complete.")
    eqf_level: int = Field(ge=1, le=8)
    ects: Ects = Field(description="Credits needed to complete the stack.")
    description: str | None = None

    def to_domain(self) -> Stack:
        return Stack(
            id=self.id,
            title=self.title,
            provider=self.provider,
            award=self.award,
            eqf_level=self.eqf_level,
            ects=self.ects,
            description=self.description,
        )


class OutcomeRecord(_Record):
    text: Annotated[str, Field(min_length=10, max_length=1000)]
    skills: list[SkillUri] = Field(default_factory=list)


class PrerequisitesRecord(_Record):
    text: str | None = None
    skills: list[SkillUri] = Field(default_factory=list)
    credentials: list[Id] = Field(default_factory=list)


class StackContributionRecord(_Record):
    stack: Id
    ects: Ects


class ScheduleRecord(_Record):
    self_paced: bool = False
    start_dates: list[dt.date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _has_a_schedule(self) -> ScheduleRecord:
        if not self.self_paced and not self.start_dates:
            raise ValueError("give start_dates or set self_paced: true")
        return self


class LocationRecord(_Record):
    country: Country | None = None
    city: str | None = None


class ExternalAlignmentRecord(_Record):
    name: Text
    framework: str | None = None
    url: Annotated[str, Field(max_length=2000)] | None = None
    code: Annotated[str, Field(max_length=300)] | None = None


class LocalTextRecord(_Record):
    language: Language
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    description: Annotated[str, Field(max_length=4000)] | None = None
    learning_outcomes: list[Annotated[str, Field(max_length=1000)]] = Field(
        default_factory=list,
        description='In the order of learning_outcomes; "" where an outcome has no text in this language.',
    )


class CredentialRecord(_Record):
    id: Id
    title: Annotated[str, Field(min_length=3, max_length=300)]
    provider: Id
    awarding_body: Id | None = None
    description: Text
    learning_outcomes: list[OutcomeRecord] = Field(min_length=1, max_length=40)
    ects: Ects | None = None
    hours: float | None = Field(default=None, ge=0, le=3000)
    # EU elements a source may leave out: absent or null means "not stated" (a warning, never a default).
    eqf_level: int | None = Field(default=None, ge=1, le=8)
    assessment: Text | None = None
    participation: Participation | None = None
    quality_assurance: Text | None = None
    prerequisites: PrerequisitesRecord | None = None
    stacks: list[StackContributionRecord] = Field(default_factory=list)
    languages: list[Language] = Field(default_factory=list)
    price: float | None = Field(default=None, ge=0, description="0 means free; leave out when not stated.")
    currency: Currency | None = Field(default=None, description="ISO 4217 code of the price; EUR when left out.")
    duration_weeks: float | None = Field(default=None, gt=0, le=260)
    hours_per_week: float | None = Field(default=None, gt=0, le=60)
    schedule: ScheduleRecord | None = None
    delivery: LocationRecord | None = None
    url: Url | None = None
    fields: list[FieldCode] = Field(default_factory=list, description="ISCED-F 2013 codes.")
    occupations: list[OccupationUri] = Field(default_factory=list)
    alliances: list[Id] = Field(default_factory=list)
    certificate: CertificateType
    external_alignments: list[ExternalAlignmentRecord] = Field(
        default_factory=list, description="Links to frameworks other than ESCO and the EQF (O*NET, CASE, ...)."
    )
    texts: list[LocalTextRecord] = Field(
        default_factory=list,
        description="The title, description and outcomes in other languages than the main ones, one entry a language.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> CredentialRecord:
        if self.participation in (Participation.ONSITE, Participation.BLENDED) and not (
            self.delivery and self.delivery.country
        ):
            raise ValueError(f"a {self.participation.value} credential needs delivery.country")
        languages = [t.language for t in self.texts]
        if len(set(languages)) != len(languages):
            raise ValueError("texts: give each language once")
        if any(len(t.learning_outcomes) > len(self.learning_outcomes) for t in self.texts):
            raise ValueError("texts: a language has more learning_outcomes than the credential")
        for contribution in self.stacks:
            if self.ects is not None and contribution.ects > self.ects:
                raise ValueError(
                    f"counts {contribution.ects:g} ECTS toward stack {contribution.stack!r} "
                    f"but is only worth {self.ects:g} ECTS"
                )
        return self

    @classmethod
    def from_domain(cls, value: Any) -> Self:
        """The record of a credential; an element its source does not state is left out, not filled in."""
        data = dataclasses.asdict(value)
        if data["price"] is None:
            data["currency"] = None  # a currency without a price states nothing
        if not value.schedule.stated:
            data.pop("schedule")
        return cls.model_validate(data)

    def to_domain(self) -> Credential:
        pre = self.prerequisites or PrerequisitesRecord()
        loc = self.delivery or LocationRecord()
        return Credential(
            id=self.id,
            title=self.title,
            provider=self.provider,
            awarding_body=self.awarding_body,
            description=self.description,
            learning_outcomes=tuple(LearningOutcome(o.text, tuple(o.skills)) for o in self.learning_outcomes),
            ects=self.ects,
            hours=self.hours,
            eqf_level=self.eqf_level,
            assessment=self.assessment,
            participation=self.participation,
            quality_assurance=self.quality_assurance,
            prerequisites=Prerequisites(pre.text or None, tuple(pre.skills), tuple(pre.credentials)),
            stacks=tuple(StackContribution(s.stack, s.ects) for s in self.stacks),
            languages=tuple(self.languages),
            price=self.price,
            currency=self.currency or "EUR",
            duration_weeks=self.duration_weeks,
            hours_per_week=self.hours_per_week,
            schedule=Schedule(self.schedule.self_paced, tuple(sorted(self.schedule.start_dates)))
            if self.schedule
            else Schedule(),
            delivery=Location(loc.country, loc.city),
            url=self.url,
            fields=tuple(self.fields),
            occupations=tuple(self.occupations),
            alliances=tuple(self.alliances),
            certificate=self.certificate,
            external_alignments=tuple(
                ExternalAlignment(a.name, a.framework, a.url, a.code) for a in self.external_alignments
            ),
            texts=tuple(LocalText(t.language, t.title, t.description, tuple(t.learning_outcomes)) for t in self.texts),
        )


class CatalogFile(BaseModel):
    """The native catalog document (JSON or YAML). Published as JSON Schema by `stackwise catalog schema`."""

    model_config = ConfigDict(extra="allow", title="Stackwise micro-credential catalog")

    schema_version: Literal[1] = SCHEMA_VERSION
    providers: list[ProviderRecord] = Field(default_factory=list)
    stacks: list[StackRecord] = Field(default_factory=list)
    credentials: list[CredentialRecord] = Field(default_factory=list)


RECORD_MODELS: dict[str, type[_Record]] = {
    "provider": ProviderRecord,
    "stack": StackRecord,
    "credential": CredentialRecord,
}


def catalog_to_document(catalog: Catalog) -> dict[str, Any]:
    """The native JSON-compatible document of a catalog, with empty and null values left out."""
    doc = CatalogFile(
        providers=[ProviderRecord.from_domain(p) for p in catalog.providers],
        stacks=[StackRecord.from_domain(s) for s in catalog.stacks],
        credentials=[CredentialRecord.from_domain(c) for c in catalog.credentials],
    )
    return _prune(doc.model_dump(mode="json", exclude_none=True))


def record_document(record: _Record) -> dict[str, Any]:
    return _prune(record.model_dump(mode="json", exclude_none=True))


def _prune(value: Any) -> Any:
    """Drop empty lists and mappings so documents stay short and exports are stable."""
    if isinstance(value, dict):
        pruned = {k: _prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in ([], {}) and not (k == "self_paced" and v is False)}
    if isinstance(value, list):
        return [_prune(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # "ects: 3", not "ects: 3.0"
    return value


def json_schema() -> dict[str, Any]:
    schema = CatalogFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://stackwise.example/schema/catalog-v1.json"
    return schema
