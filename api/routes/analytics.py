"""Provider analytics: what learners ask for and the catalog lacks, and where offerings overlap."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Annotated

import numpy as np
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from sqlalchemy import select

from api.auth import AdminCaller
from api.deps import ServiceDep
from api.store import DemandEvent

router = APIRouter(prefix="/v1/analytics", tags=["analytics"])


class SkillDemand(BaseModel):
    uri: str
    label: str
    requests: int


class DemandOut(BaseModel):
    since: dt.datetime | None
    until: dt.datetime | None
    requests: int
    without_good_match: int
    good_match_threshold: float
    top_targets: list[SkillDemand]
    top_gaps: list[SkillDemand]


class OverlapPair(BaseModel):
    a: str
    a_title: str
    b: str
    b_title: str
    overlap: float


@router.get("/demand", response_model=DemandOut, summary="Most requested target and gap skills over a period")
def demand(
    request: Request,
    service: ServiceDep,
    _: AdminCaller,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    threshold: Annotated[float, Query(ge=0, le=1)] = 0.35,
) -> DemandOut:
    query = select(DemandEvent)
    if since:
        query = query.where(DemandEvent.created_at >= since)
    if until:
        query = query.where(DemandEvent.created_at <= until)
    with request.app.state.api_store.session() as s:
        events = list(s.scalars(query))
    targets = Counter(u for e in events for u in e.target_skills)
    gaps = Counter(u for e in events for u in e.gap_skills)
    label = service.vocabulary.skill_label
    return DemandOut(
        since=since,
        until=until,
        requests=len(events),
        without_good_match=sum(1 for e in events if e.best_coverage < threshold),
        good_match_threshold=threshold,
        top_targets=[SkillDemand(uri=u, label=label(u), requests=n) for u, n in targets.most_common(limit)],
        top_gaps=[SkillDemand(uri=u, label=label(u), requests=n) for u, n in gaps.most_common(limit)],
    )


@router.get(
    "/overlap", response_model=list[OverlapPair], summary="Pairs of credentials whose outcomes overlap strongly"
)
def overlap(
    service: ServiceDep,
    _: AdminCaller,
    threshold: Annotated[float, Query(ge=0, le=1)] = 0.7,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> list[OverlapPair]:
    """Overlap of A and B: mean over both directions of each outcome's best cosine in the other credential."""
    index = service.index
    catalog = service.catalog
    rows = {
        cid: [r for r in rs if index.entries[r].kind == "outcome"]
        for cid, rs in index.rows_of.items()
        if cid in catalog.credential_by_id
    }
    ids = [cid for cid, rs in rows.items() if rs]
    owner = np.concatenate([[i] * len(rows[cid]) for i, cid in enumerate(ids)]) if ids else np.zeros(0, dtype=int)
    vectors = index.vectors[np.concatenate([rows[cid] for cid in ids])] if ids else np.zeros((0, 1))
    sims = vectors @ vectors.T
    starts = np.searchsorted(owner, np.arange(len(ids)))
    best = np.maximum.reduceat(sims, starts, axis=1)  # outcome x credential: best match in that credential
    per_pair = np.add.reduceat(best, starts, axis=0) / np.bincount(owner)[:, None]  # credential x credential
    score = (per_pair + per_pair.T) / 2
    pairs = [
        (float(score[i, j]), i, j) for i in range(len(ids)) for j in range(i + 1, len(ids)) if score[i, j] >= threshold
    ]
    pairs.sort(reverse=True)
    by_id = catalog.credential_by_id
    return [
        OverlapPair(a=ids[i], a_title=by_id[ids[i]].title, b=ids[j], b_title=by_id[ids[j]].title, overlap=round(s, 4))
        for s, i, j in pairs[:limit]
    ]
