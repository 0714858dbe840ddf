from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from api.deps import RuntimeDep

router = APIRouter(tags=["ops"])


class Health(BaseModel):
    status: str
    checks: dict[str, str] = {}


@router.get("/healthz", response_model=Health, summary="The process is up")
def healthz() -> Health:
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Health,
    summary="Index loaded and database reachable",
    responses={503: {"model": Health}},
)
def readyz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    checks = {"index": "ok" if getattr(request.app.state, "service", None) is not None else "loading"}
    try:
        with runtime.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means not ready
        checks["database"] = f"unreachable: {exc.__class__.__name__}"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        Health(status="ok" if ready else "unavailable", checks=checks).model_dump(),
        status_code=200 if ready else 503,
    )
