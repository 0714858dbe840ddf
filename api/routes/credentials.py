from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.auth import require
from api.deps import ServiceDep
from api.errors import Problem
from api.limits import rate_limited
from api.schemas import CredentialSummary, summary
from knowledge import currency as fx
from knowledge.models import Credential, Participation
from knowledge.schema import CredentialRecord, ProviderRecord, StackRecord, record_document
from recommender.request import Constraints, violations

router = APIRouter(prefix="/v1", tags=["catalog"], dependencies=[Depends(require("public")), Depends(rate_limited)])


class CredentialPage(BaseModel):
    items: list[CredentialSummary]
    next_cursor: str | None
    total: int


class SimilarOut(BaseModel):
    credential: CredentialSummary
    similarity: float


class CredentialDetail(BaseModel):
    credential: dict[str, Any]
    provider: dict[str, Any] | None
    stacks: list[dict[str, Any]]


def _matches_text(c: Credential, words: list[str]) -> bool:
    text = " ".join([c.title, c.description, *(o.text for o in c.learning_outcomes)]).lower()
    return all(w in text for w in words)


@router.get("/credentials", response_model=CredentialPage, summary="Browse and filter the catalog")
def list_credentials(
    service: ServiceDep,
    q: Annotated[str | None, Query(max_length=200, description="Words that must all appear")] = None,
    mode: Annotated[list[Participation] | None, Query()] = None,
    language: Annotated[list[str] | None, Query(max_length=10)] = None,
    max_price: Annotated[float | None, Query(ge=0)] = None,
    currency: Annotated[fx.CurrencyCode, Query()] = fx.CurrencyCode("EUR"),
    accept_unstated_price: Annotated[
        bool, Query(description="With max_price: also list credentials whose price the catalog does not state.")
    ] = False,
    eqf_min: Annotated[int | None, Query(ge=1, le=8)] = None,
    eqf_max: Annotated[int | None, Query(ge=1, le=8)] = None,
    provider: Annotated[list[str] | None, Query(max_length=20)] = None,
    country: Annotated[list[str] | None, Query(max_length=20)] = None,
    field: Annotated[str | None, Query(pattern=r"^\d{2,4}$", description="ISCED-F code or prefix")] = None,
    skill: Annotated[str | None, Query(max_length=200, description="ESCO skill URI linked to an outcome")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="next_cursor of the previous page (the last id it listed)")
    ] = None,
) -> CredentialPage:
    catalog = service.catalog
    constraints = Constraints(
        max_price=max_price,
        currency=str(currency.value),
        modes=tuple(mode or ()),
        languages=tuple(language or ()),
        eqf_min=eqf_min,
        eqf_max=eqf_max,
        providers=tuple(provider or ()),
        countries=tuple(c.upper() for c in country or ()),
        accept_unstated_price=accept_unstated_price,
    )
    words = [w for w in (q or "").lower().split() if w]
    today = service.today()
    hits = [
        c
        for c in catalog
        if not violations(c, constraints, catalog, today)
        and (not words or _matches_text(c, words))
        and (field is None or any(f.startswith(field) for f in c.fields))
        and (skill is None or skill in c.skill_uris)
    ]
    start = 0
    if cursor:  # items are in id order; a page starts after the id the previous one ended with
        start = next((i for i, c in enumerate(hits) if c.id > cursor), len(hits))
    page = hits[start : start + limit]
    names = {p.id: p.name for p in catalog.providers}
    more = start + limit < len(hits)
    return CredentialPage(
        items=[summary(c, names.get(c.provider, c.provider), today) for c in page],
        next_cursor=page[-1].id if more and page else None,
        total=len(hits),
    )


@router.get("/credentials/{credential_id}", response_model=CredentialDetail, summary="One credential, every field")
def get_credential(credential_id: str, service: ServiceDep) -> CredentialDetail:
    catalog = service.catalog
    c = catalog.credential_by_id.get(credential_id)
    if c is None:
        raise Problem(404, "Not found", f"No credential with id {credential_id!r}.")
    provider = catalog.provider_by_id.get(c.provider)
    return CredentialDetail(
        credential=record_document(CredentialRecord.from_domain(c)),
        provider=record_document(ProviderRecord.from_domain(provider)) if provider else None,
        stacks=[
            record_document(StackRecord.from_domain(catalog.stack_by_id[s.stack]))
            for s in c.stacks
            if s.stack in catalog.stack_by_id
        ],
    )


@router.get(
    "/credentials/{credential_id}/similar",
    response_model=list[SimilarOut],
    summary="Credentials with close outcomes",
)
def similar(credential_id: str, service: ServiceDep, limit: Annotated[int, Query(ge=1, le=20)] = 5) -> list[SimilarOut]:
    try:
        found = service.similar(credential_id, limit)
    except KeyError:
        raise Problem(404, "Not found", f"No credential with id {credential_id!r}.") from None
    names = {p.id: p.name for p in service.catalog.providers}
    today = service.today()
    return [
        SimilarOut(credential=summary(c, names.get(c.provider, c.provider), today), similarity=round(s, 4))
        for c, s in found
    ]


@router.get("/stacks", response_model=list[dict[str, Any]], summary="Stacks (larger credentials) and their components")
def stacks(service: ServiceDep) -> list[dict[str, Any]]:
    catalog = service.catalog
    return [
        {
            **record_document(StackRecord.from_domain(s)),
            "components": [c.id for c in catalog.stack_components(s.id)],
        }
        for s in catalog.stacks
    ]


@router.get("/providers", response_model=list[dict[str, Any]], summary="Providers, alliances and networks")
def providers(service: ServiceDep) -> list[dict[str, Any]]:
    return [record_document(ProviderRecord.from_domain(p)) for p in service.catalog.providers]
