from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.auth import require
from api.deps import RuntimeDep, ServiceDep
from api.limits import rate_limited
from api.schemas import MatchOut, match_out
from knowledge.esco import EscoOccupation, EscoSkill

router = APIRouter(prefix="/v1", tags=["skills"], dependencies=[Depends(require("public")), Depends(rate_limited)])


class ConceptOut(BaseModel):
    uri: str
    label: str
    description: str


class MatchIn(BaseModel):
    text: str = Field(min_length=1, max_length=2000)
    top: int = Field(default=5, ge=1, le=50)


Query_ = Annotated[str, Query(min_length=1, max_length=100)]
Limit = Annotated[int, Query(ge=1, le=50)]


def _concepts(found: list[EscoSkill] | list[EscoOccupation]) -> list[ConceptOut]:
    return [ConceptOut(uri=c.uri, label=c.label, description=c.description) for c in found]


@router.get("/skills", response_model=list[ConceptOut], summary="ESCO skill autocomplete")
def skills(runtime: RuntimeDep, q: Query_, limit: Limit = 10) -> list[ConceptOut]:
    return _concepts(runtime.vocabulary.search_skills(q, limit))


@router.get("/occupations", response_model=list[ConceptOut], summary="ESCO occupation autocomplete")
def occupations(runtime: RuntimeDep, q: Query_, limit: Limit = 10) -> list[ConceptOut]:
    return _concepts(runtime.vocabulary.search_occupations(q, limit))


@router.post("/skills/match", response_model=list[MatchOut], summary="Free text to ranked ESCO skills")
def match(body: MatchIn, service: ServiceDep) -> list[MatchOut]:
    return [match_out(m) for m in service.match_skills(body.text, body.top)]
