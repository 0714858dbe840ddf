"""Adviser endpoints: learner profiles, saved pathways with a status per step, exports, sharing and GDPR."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from api.auth import AdviserCaller, PublicCaller
from api.deps import ServiceDep
from api.errors import Problem
from api.exports import pathway_pdf
from api.schemas import ConstraintsIn, CredentialSummary, StackProgressOut, summary, totals_notes
from api.store import Learner, SavedPathway, new_id, now
from knowledge.formats import elm_export
from knowledge.formats.openbadges import achievements

router = APIRouter(prefix="/v1", tags=["advisers"])
shared = APIRouter(prefix="/v1", tags=["sharing"])

StepStatus = Literal["planned", "enrolled", "in_progress", "completed", "dropped"]


class LearnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, description="Name or pseudonym.")
    goal: str = Field(default="", max_length=2000)
    skills: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(default_factory=list, max_length=50)
    constraints: ConstraintsIn = Field(default_factory=ConstraintsIn)
    notes: str = Field(default="", max_length=20000)


class LearnerOut(LearnerIn):
    id: str
    created_at: dt.datetime
    updated_at: dt.datetime


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    credential_id: str = Field(min_length=1, max_length=80)
    status: StepStatus = "planned"


class PathwayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(default="Learning pathway", min_length=1, max_length=300)
    steps: list[StepIn] = Field(default_factory=list, max_length=30)
    notes: str = Field(default="", max_length=20000)


class StepOut(StepIn):
    credential: CredentialSummary | None


class Totals(BaseModel):
    """Sums of what the catalog states; the *_not_stated counts say how many steps each sum leaves out."""

    ects: float
    price_eur: float
    weeks: float
    hours: float
    price_not_stated: int = 0
    weeks_not_stated: int = 0
    hours_not_stated: int = 0
    notes: list[str] = Field(default_factory=list, description="What the totals leave out, in words.")


class Warning_(BaseModel):
    step: int
    message: str


class PathwayReviewOut(BaseModel):
    """A list of steps as the adviser sees it: live credential data, totals, warnings and stack progress."""

    steps: list[StepOut]
    totals: Totals
    warnings: list[Warning_]
    stacks: list[StackProgressOut]


class SavedPathwayOut(PathwayReviewOut):
    id: str
    learner_id: str
    title: str
    notes: str
    share_url: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class ShareOut(BaseModel):
    token: str
    url: str


def _learner_out(row: Learner) -> LearnerOut:
    return LearnerOut(
        id=row.id, name=row.name, notes=row.notes, created_at=row.created_at, updated_at=row.updated_at, **row.profile
    )


def _store(request: Request):  # type: ignore[no-untyped-def]
    return request.app.state.api_store


def _get_learner(request: Request, learner_id: str) -> Learner:
    with _store(request).session() as s:
        row = s.get(Learner, learner_id)
        if row is None:
            raise Problem(404, "Not found", f"No learner with id {learner_id!r}.")
        return row


def review(steps: list[StepIn], service: ServiceDep) -> PathwayReviewOut:
    """Totals of the steps not dropped, and what an adviser must fix: missing credentials, prerequisite order."""
    from recommender.pathways import stack_progress
    from recommender.request import price_in

    catalog = service.catalog
    names = {p.id: p.name for p in catalog.providers}
    today = service.today()
    out: list[StepOut] = []
    warnings: list[Warning_] = []
    seen: set[str] = set()
    ids = [s.credential_id for s in steps]
    counted = []
    for n, step in enumerate(steps, start=1):
        c = catalog.credential_by_id.get(step.credential_id)
        if c is None:
            warnings.append(Warning_(step=n, message=f"{step.credential_id} is no longer in the catalog"))
        else:
            for pre in c.prerequisites.credentials:
                if pre in ids and pre not in seen:
                    warnings.append(Warning_(step=n, message=f"{c.title} needs {pre} first; move it earlier"))
                elif pre not in ids:
                    title = catalog.credential_by_id[pre].title if pre in catalog.credential_by_id else pre
                    warnings.append(Warning_(step=n, message=f"{c.title} needs {title}, which is not in the pathway"))
            if step.status != "dropped":
                counted.append(c)
        if step.credential_id in seen:
            warnings.append(
                Warning_(step=n, message=f"{step.credential_id} is already step {ids.index(step.credential_id) + 1}")
            )
        seen.add(step.credential_id)
        out.append(
            StepOut(
                credential_id=step.credential_id,
                status=step.status,
                credential=summary(c, names.get(c.provider, c.provider), today) if c else None,
            )
        )
    prices = [price_in(c, "EUR") for c in counted]
    weeks = [c.duration_weeks for c in counted]
    hours = [c.workload_hours for c in counted]
    unknown = (prices.count(None), weeks.count(None), hours.count(None))
    totals = Totals(
        ects=sum(c.ects or 0 for c in counted),
        price_eur=round(sum(p for p in prices if p is not None), 2),
        weeks=sum(w for w in weeks if w is not None),
        hours=sum(h for h in hours if h is not None),
        price_not_stated=unknown[0],
        weeks_not_stated=unknown[1],
        hours_not_stated=unknown[2],
        notes=totals_notes(*unknown),
    )
    stacks = [StackProgressOut.model_validate(p, from_attributes=True) for p in stack_progress(catalog, counted)]
    return PathwayReviewOut(steps=out, totals=totals, warnings=warnings, stacks=stacks)


def pathway_view(row: SavedPathway, service: ServiceDep, base_url: str) -> SavedPathwayOut:
    checked = review([StepIn.model_validate(s) for s in row.steps], service)
    return SavedPathwayOut(
        **dict(checked),
        id=row.id,
        learner_id=row.learner_id,
        title=row.title,
        notes=row.notes,
        share_url=f"{base_url}/p/{row.share_token}" if row.share_token else None,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


# -- learners -------------------------------------------------------------------------------------------------


@router.get("/learners", response_model=list[LearnerOut], summary="All learners")
def list_learners(
    request: Request, _: AdviserCaller, q: Annotated[str | None, Query(max_length=100)] = None
) -> list[LearnerOut]:
    with _store(request).session() as s:
        rows = list(s.scalars(select(Learner).order_by(Learner.updated_at.desc())))
    if q:
        rows = [r for r in rows if q.lower() in r.name.lower() or q.lower() in str(r.profile.get("goal", "")).lower()]
    return [_learner_out(r) for r in rows]


@router.post("/learners", response_model=LearnerOut, status_code=201, summary="Create a learner profile")
def create_learner(body: LearnerIn, request: Request, _: AdviserCaller) -> LearnerOut:
    stamp = now()
    row = Learner(
        id=new_id("lrn"),
        name=body.name,
        notes=body.notes,
        created_at=stamp,
        updated_at=stamp,
        profile=body.model_dump(mode="json", include={"goal", "skills", "constraints"}),
    )
    with _store(request).session() as s:
        s.add(row)
    return _learner_out(row)


@router.get("/learners/{learner_id}", response_model=LearnerOut, summary="One learner")
def get_learner(learner_id: str, request: Request, _: AdviserCaller) -> LearnerOut:
    return _learner_out(_get_learner(request, learner_id))


@router.put("/learners/{learner_id}", response_model=LearnerOut, summary="Replace a learner profile")
def update_learner(learner_id: str, body: LearnerIn, request: Request, _: AdviserCaller) -> LearnerOut:
    with _store(request).session() as s:
        row = s.get(Learner, learner_id)
        if row is None:
            raise Problem(404, "Not found", f"No learner with id {learner_id!r}.")
        row.name, row.notes, row.updated_at = body.name, body.notes, now()
        row.profile = body.model_dump(mode="json", include={"goal", "skills", "constraints"})
        return _learner_out(row)


@router.delete("/learners/{learner_id}", status_code=204, summary="Erase the learner and everything about them (GDPR)")
def erase_learner(learner_id: str, request: Request, _: AdviserCaller) -> Response:
    if not _store(request).erase_learner(learner_id):
        raise Problem(404, "Not found", f"No learner with id {learner_id!r}.")
    return Response(status_code=204)


@router.get(
    "/learners/{learner_id}/export", response_model=dict[str, Any], summary="Everything stored about a learner (GDPR)"
)
def export_learner(learner_id: str, request: Request, service: ServiceDep, _: AdviserCaller) -> dict[str, Any]:
    learner = _learner_out(_get_learner(request, learner_id))
    with _store(request).session() as s:
        rows = list(s.scalars(select(SavedPathway).where(SavedPathway.learner_id == learner_id)))
    base = request.app.state.runtime.settings.public_base_url
    return {
        "learner": learner.model_dump(mode="json"),
        "pathways": [pathway_view(r, service, base).model_dump(mode="json") for r in rows],
        "exported_at": now().isoformat(),
    }


# -- saved pathways -------------------------------------------------------------------------------------------


def _get_pathway(request: Request, learner_id: str, pathway_id: str) -> SavedPathway:
    with _store(request).session() as s:
        row = s.get(SavedPathway, pathway_id)
        if row is None or row.learner_id != learner_id:
            raise Problem(404, "Not found", f"No pathway {pathway_id!r} for learner {learner_id!r}.")
        return row


def _check_credentials(service: ServiceDep, body: PathwayIn) -> None:
    unknown = [s.credential_id for s in body.steps if s.credential_id not in service.catalog.credential_by_id]
    if unknown:
        raise Problem(
            422,
            "Invalid request",
            f"Unknown credential id(s): {', '.join(unknown)}.",
            errors=[{"field": "steps", "message": f"unknown credential {u}"} for u in unknown],
        )


@router.post(
    "/pathway-reviews",
    response_model=PathwayReviewOut,
    summary="Totals, warnings and stack progress of a draft pathway, before it is saved",
)
def review_draft(body: PathwayIn, service: ServiceDep, _: AdviserCaller) -> PathwayReviewOut:
    return review(body.steps, service)


@router.get(
    "/learners/{learner_id}/pathways", response_model=list[SavedPathwayOut], summary="A learner's saved pathways"
)
def list_pathways(learner_id: str, request: Request, service: ServiceDep, _: AdviserCaller) -> list[SavedPathwayOut]:
    _get_learner(request, learner_id)
    with _store(request).session() as s:
        rows = list(
            s.scalars(
                select(SavedPathway).where(SavedPathway.learner_id == learner_id).order_by(SavedPathway.created_at)
            )
        )
    base = request.app.state.runtime.settings.public_base_url
    return [pathway_view(r, service, base) for r in rows]


@router.post(
    "/learners/{learner_id}/pathways", response_model=SavedPathwayOut, status_code=201, summary="Save a pathway"
)
def save_pathway(
    learner_id: str, body: PathwayIn, request: Request, service: ServiceDep, _: AdviserCaller
) -> SavedPathwayOut:
    _get_learner(request, learner_id)
    _check_credentials(service, body)
    stamp = now()
    row = SavedPathway(
        id=new_id("pw"),
        learner_id=learner_id,
        title=body.title,
        notes=body.notes,
        steps=[s.model_dump() for s in body.steps],
        created_at=stamp,
        updated_at=stamp,
    )
    with _store(request).session() as s:
        s.add(row)
    return pathway_view(row, service, request.app.state.runtime.settings.public_base_url)


@router.get("/learners/{learner_id}/pathways/{pathway_id}", response_model=SavedPathwayOut, summary="One saved pathway")
def get_pathway(
    learner_id: str, pathway_id: str, request: Request, service: ServiceDep, _: AdviserCaller
) -> SavedPathwayOut:
    return pathway_view(
        _get_pathway(request, learner_id, pathway_id), service, request.app.state.runtime.settings.public_base_url
    )


@router.put(
    "/learners/{learner_id}/pathways/{pathway_id}", response_model=SavedPathwayOut, summary="Replace a saved pathway"
)
def update_pathway(
    learner_id: str, pathway_id: str, body: PathwayIn, request: Request, service: ServiceDep, _: AdviserCaller
) -> SavedPathwayOut:
    _check_credentials(service, body)
    _get_pathway(request, learner_id, pathway_id)
    with _store(request).session() as s:
        row = s.get(SavedPathway, pathway_id)
        assert row is not None
        row.title, row.notes, row.updated_at = body.title, body.notes, now()
        row.steps = [st.model_dump() for st in body.steps]
    return pathway_view(row, service, request.app.state.runtime.settings.public_base_url)


@router.delete("/learners/{learner_id}/pathways/{pathway_id}", status_code=204, summary="Delete a saved pathway")
def delete_pathway(learner_id: str, pathway_id: str, request: Request, _: AdviserCaller) -> Response:
    _get_pathway(request, learner_id, pathway_id)
    with _store(request).session() as s:
        row = s.get(SavedPathway, pathway_id)
        s.delete(row)
    return Response(status_code=204)


@router.post(
    "/learners/{learner_id}/pathways/{pathway_id}/share",
    response_model=ShareOut,
    summary="A read-only link for the learner",
)
def share_pathway(learner_id: str, pathway_id: str, request: Request, _: AdviserCaller) -> ShareOut:
    _get_pathway(request, learner_id, pathway_id)
    with _store(request).session() as s:
        row = s.get(SavedPathway, pathway_id)
        assert row is not None
        if not row.share_token:
            row.share_token = secrets.token_urlsafe(18)
        token = row.share_token
    base = request.app.state.runtime.settings.public_base_url
    return ShareOut(token=token, url=f"{base}/p/{token}")


@router.get(
    "/learners/{learner_id}/pathways/{pathway_id}/export",
    summary="Export as JSON, PDF, Open Badges 3.0 achievements or ELM v3 learning opportunities (JSON-LD)",
    responses={200: {"content": {"application/json": {}, "application/pdf": {}, "application/ld+json": {}}}},
)
def export_pathway(
    learner_id: str,
    pathway_id: str,
    request: Request,
    service: ServiceDep,
    _: AdviserCaller,
    format: Annotated[Literal["json", "pdf", "ob3", "europass", "elm"], Query()] = "json",
) -> Response:
    row = _get_pathway(request, learner_id, pathway_id)
    learner = _get_learner(request, learner_id)
    return _export(row, learner.name, format, service, request.app.state.runtime.settings.public_base_url)


def _export(row: SavedPathway, learner_name: str, format: str, service: ServiceDep, base: str) -> Response:
    view = pathway_view(row, service, base)
    if format == "pdf":
        return Response(
            pathway_pdf(view, learner_name),
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{row.id}.pdf"'},
        )
    if format in ("ob3", "europass"):
        creds = [service.catalog.credential_by_id[s.credential_id] for s in view.steps if s.credential is not None]
        body: Any = {
            "type": "StackwisePlannedCredentials",
            "pathway": view.title,
            "note": "Planned micro-credentials described as Open Badges 3.0 Achievements (not awarded credentials).",
            "achievements": achievements(service.catalog, creds),
        }
        return Response(json.dumps(body, ensure_ascii=False, indent=2), media_type="application/json")
    if format == "elm":
        return _elm(row, view, service, base)
    return Response(view.model_dump_json(indent=2), media_type="application/json")


def _elm(row: SavedPathway, view: SavedPathwayOut, service: ServiceDep, base: str) -> Response:
    """The pathway as an ELM learning opportunity made of its steps'; its home page is the shared link, if any."""
    catalog = service.catalog
    steps = [catalog.credential_by_id[s.credential_id] for s in view.steps if s.credential is not None]
    homepage = (
        f"{base}/p/{row.share_token}" if row.share_token else f"{base}/v1/learners/{row.learner_id}/pathways/{row.id}"
    )
    info = elm_export.PathwayInfo(id=row.id, title=view.title, homepage=homepage)
    return Response(
        json.dumps(elm_export.pathway_document(catalog, info, steps), ensure_ascii=False, indent=2),
        media_type="application/ld+json",
        headers={"Content-Disposition": f'attachment; filename="{row.id}.elm.jsonld"'},
    )


@shared.get("/shared/{token}", response_model=SavedPathwayOut, summary="A shared pathway, read-only, no key needed")
def shared_pathway(token: str, request: Request, service: ServiceDep, _: PublicCaller) -> SavedPathwayOut:
    if len(token) > 64:
        raise Problem(404, "Not found", "No pathway is shared under this link.")
    with _store(request).session() as s:
        row = s.scalar(select(SavedPathway).where(SavedPathway.share_token == token))
    if row is None:
        raise Problem(404, "Not found", "No pathway is shared under this link.")
    return pathway_view(row, service, request.app.state.runtime.settings.public_base_url)


@shared.get(
    "/shared/{token}/pdf", summary="The shared pathway as PDF", responses={200: {"content": {"application/pdf": {}}}}
)
def shared_pdf(token: str, request: Request, service: ServiceDep, _: PublicCaller) -> Response:
    with _store(request).session() as s:
        row = s.scalar(select(SavedPathway).where(SavedPathway.share_token == token)) if len(token) <= 64 else None
    if row is None:
        raise Problem(404, "Not found", "No pathway is shared under this link.")
    return _export(row, "", "pdf", service, request.app.state.runtime.settings.public_base_url)
