from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import RuntimeDep
from api.errors import PROBLEM, ProblemDocument, problem_response

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}


class NotReady(ProblemDocument):
    """503 from /readyz: which check failed and why, so a probe log or an operator sees the cause at once."""

    failed: list[str]
    checks: dict[str, str]


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Index loaded and database reachable",
    responses={
        503: {
            "model": NotReady,
            "description": "Not ready: a check failed (problem document naming it)",
            "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/NotReady"}}},
        }
    },
)
def readyz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    """Asks the database on every call: the pool checks a connection before lending it (pool_pre_ping), so after
    a database restart the first probe reconnects and readiness turns green again without restarting the API."""
    checks = {"index": "ok" if getattr(request.app.state, "service", None) is not None else "loading"}
    try:
        with runtime.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means not ready
        checks["database"] = f"unreachable: {exc.__class__.__name__}"
    failed = {name: state for name, state in checks.items() if state != "ok"}
    if not failed:
        return JSONResponse(Health(status="ok", checks=checks).model_dump())
    return problem_response(
        request,
        503,
        "Not ready",
        "; ".join(f"{name} {state}" for name, state in failed.items()),
        "https://stackwise.example/problems/not-ready",
        failed=sorted(failed),
        checks=checks,
    )
