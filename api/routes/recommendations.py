from __future__ import annotations

import uuid

from fastapi import APIRouter

from api.deps import ServiceDep
from api.schemas import LearnerRequestIn, PathwayOut, RecommendationsOut, pathway_out, recommendations_out

router = APIRouter(prefix="/v1", tags=["recommendations"])


def _names(service: ServiceDep) -> dict[str, str]:
    return {p.id: p.name for p in service.catalog.providers}


@router.post("/recommendations", response_model=RecommendationsOut, summary="Ranked, explained micro-credentials")
def recommend(body: LearnerRequestIn, service: ServiceDep) -> RecommendationsOut:
    result = service.recommend(body.to_domain())
    return recommendations_out(result, _names(service), service.today(), f"rec_{uuid.uuid4().hex[:16]}")


@router.post("/pathways", response_model=PathwayOut, summary="An ordered plan that covers the skill gap")
def plan(body: LearnerRequestIn, service: ServiceDep) -> PathwayOut:
    result = service.pathway(body.to_domain())
    return pathway_out(result, _names(service), service.today(), f"path_{uuid.uuid4().hex[:16]}")
