from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import RuntimeDep, ServiceDep
from api.schemas import MatchOut, match_out

router = APIRouter(prefix="/v1", tags=["skills"])


class ConceptOut(BaseModel):
    uri: str
    label: str
    description: str


class MatchIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    top: int = Field(default=5, ge=1, le=50)


@router.get("/skills", response_model=list[ConceptOut], summary="ESCO skill autocomplete")
def skills(
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[ConceptOut]:
    return [
        ConceptOut(uri=s.uri, label=s.label, description=s.description)
        for s in runtime.vocabulary.search_skills(q, limit)
    ]


@router.get("/occupations", response_model=list[ConceptOut], summary="ESCO occupation autocomplete")
def occupations(
    runtime: RuntimeDep,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[ConceptOut]:
    return [
        ConceptOut(uri=o.uri, label=o.label, description=o.description)
        for o in runtime.vocabulary.search_occupations(q, limit)
    ]


@router.post("/skills/match", response_model=list[MatchOut], summary="Free text to ranked ESCO skills")
def match(body: MatchIn, service: ServiceDep) -> list[MatchOut]:
    return [match_out(m) for m in service.match_skills(body.text, body.top)]
