"""How complete a catalog is against the EU Recommendation's standard elements, per provider.

The Council Recommendation of 16 June 2022 (Annex I) lists the elements a micro-credential must describe; catalogs
imported from what institutions publish often leave some out. This report says which, and for how many
credentials, so providers know what to add. Its labels are also how "not stated" reads to learners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from knowledge.models import Catalog, Credential, Provider


@dataclass(frozen=True, slots=True)
class Element:
    name: str  # as in `Credential.unstated` where the element may be left out
    label: str  # how people read it: "price", "EQF level"
    mandatory: bool  # Annex I, part I (mandatory); otherwise an element learners filter on
    # For elements outside `Credential.unstated` only: how to tell it is missing.
    missing: Callable[[Credential, Provider | None], bool] | None = None


ELEMENTS: tuple[Element, ...] = (
    Element("title", "title", True, lambda c, p: not c.title),
    Element("provider", "provider (awarding body)", True, lambda c, p: p is None),
    Element("provider_country", "country of the provider", True, lambda c, p: p is None or p.country is None),
    Element("learning_outcomes", "learning outcomes", True, lambda c, p: not c.learning_outcomes),
    Element("workload", "notional workload (ECTS or hours)", True),
    Element("eqf_level", "EQF level", True),
    Element("assessment", "type of assessment", True),
    Element("participation", "form of participation", True),
    Element("quality_assurance", "type of quality assurance", True),
    Element("prerequisites", "prerequisites (none given)", False, lambda c, p: not c.prerequisites),
    Element("languages", "language", False),
    Element("price", "price", False),
    Element("schedule", "schedule", False),
    Element("duration_weeks", "duration", False),
    Element("hours_per_week", "hours per week", False),
)
LABELS: dict[str, str] = {e.name: e.label for e in ELEMENTS}


def not_stated(element: str) -> str:
    """How a left-out element reads to learners: "price not stated"."""
    label = LABELS.get(element, element.replace("_", " "))
    return f"{label.split(' (')[0]} not stated"


@dataclass(frozen=True, slots=True)
class ProviderCompleteness:
    provider: str
    name: str
    credentials: int
    complete: int  # credentials that state every mandatory element
    missing: dict[str, int]  # element name -> credentials lacking it (every element, 0 included)


def completeness(catalog: Catalog) -> tuple[ProviderCompleteness, ...]:
    """Per provider with credentials, how many lack each element; the providers missing most come first."""
    by_provider: dict[str, list[Credential]] = {}
    for credential in catalog:
        by_provider.setdefault(credential.provider, []).append(credential)
    out = []
    for provider_id, credentials in by_provider.items():
        provider = catalog.provider_by_id.get(provider_id)
        lacking = [_lacking(c, provider) for c in credentials]
        mandatory = {e.name for e in ELEMENTS if e.mandatory}
        out.append(
            ProviderCompleteness(
                provider=provider_id,
                name=provider.name if provider else provider_id,
                credentials=len(credentials),
                complete=sum(1 for names in lacking if not names & mandatory),
                missing={e.name: sum(1 for names in lacking if e.name in names) for e in ELEMENTS},
            )
        )
    return tuple(sorted(out, key=lambda r: (r.complete / r.credentials, r.provider)))


def _lacking(credential: Credential, provider: Provider | None) -> set[str]:
    """The elements a credential lacks: what it leaves unstated, and the few `Credential.unstated` does not cover."""
    own = set(credential.unstated)
    return {e.name for e in ELEMENTS if (e.missing(credential, provider) if e.missing else e.name in own)}
