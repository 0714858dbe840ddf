from __future__ import annotations

import logging
import uuid

from fastapi import APIRouter, BackgroundTasks, Request
from sqlalchemy.exc import SQLAlchemyError

from api.auth import PublicCaller
from api.deps import ServiceDep
from api.limits import rate_limited
from api.schemas import LearnerRequestIn, PathwayOut, RecommendationsOut, pathway_out, recommendations_out
from api.store import ApiStore, DemandEvent, now
from recommender.gaps import GapAnalysis

router = APIRouter(prefix="/v1", tags=["recommendations"])
log = logging.getLogger(__name__)


def _names(service: ServiceDep) -> dict[str, str]:
    return {p.id: p.name for p in service.catalog.providers}


def _record_demand(store: ApiStore, analysis: GapAnalysis, best_coverage: float) -> None:
    """Anonymised: skill URIs and how well the catalog answered; no text, no learner, no address.

    Runs after the response is sent and never fails a request: the catalog and index are in memory, so a learner
    still gets recommendations while the database is down; only this statistic is lost."""
    event = DemandEvent(
        created_at=now(),
        target_skills=[t.uri for t in analysis.targets[:15]],
        gap_skills=[t.uri for t in analysis.gaps[:15]],
        best_coverage=best_coverage,
    )
    try:
        with store.session() as s:
            s.add(event)
    except SQLAlchemyError as exc:
        log.warning("demand event not recorded: %s", type(exc).__name__)


@router.post("/recommendations", response_model=RecommendationsOut, summary="Ranked, explained micro-credentials")
def recommend(
    body: LearnerRequestIn, request: Request, background: BackgroundTasks, service: ServiceDep, _: PublicCaller
) -> RecommendationsOut:
    rate_limited(request)
    result = service.recommend(body.to_domain())
    best = max((r.coverage for r in result.results), default=0.0)
    background.add_task(_record_demand, request.app.state.api_store, result.analysis, best)
    rid = f"rec_{uuid.uuid4().hex[:16]}"
    return recommendations_out(result, _names(service), service.today(), rid, body.currency and body.currency.value)


@router.post("/pathways", response_model=PathwayOut, summary="An ordered plan that covers the skill gap")
def plan(body: LearnerRequestIn, request: Request, service: ServiceDep, _: PublicCaller) -> PathwayOut:
    rate_limited(request)
    result = service.pathway(body.to_domain())
    return pathway_out(result, _names(service), service.today(), f"path_{uuid.uuid4().hex[:16]}")
