"""RFC 9457 problem details for every error, with field paths for validation errors and no stack traces."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM = "application/problem+json"
log = logging.getLogger("stackwise.api")


class ProblemDocument(BaseModel):
    """RFC 9457 problem details, as every error response carries them."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None


_PROBLEM_RESPONSE = {
    "model": ProblemDocument,
    "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/ProblemDocument"}}},
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {**_PROBLEM_RESPONSE, "description": text}
    for status, text in {
        400: "Bad request",
        401: "Missing or invalid API key",
        403: "The key's role is too small",
        404: "Not found",
        409: "Conflict",
        413: "Body too large",
        422: "Invalid request (field paths in errors)",
        429: "Rate limited (see Retry-After)",
        500: "Internal error",
        503: "Not ready",
    }.items()
}


class Problem(Exception):
    """Raise to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.headers = headers
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type_
        self.extra = extra
        super().__init__(detail or title)


def problem_response(
    request: Request,
    status: int,
    title: str,
    detail: str | None = None,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = str(request.url.path)
    request_id = getattr(request.state, "request_id", None)
    if request_id:
        body["request_id"] = request_id
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc.status, exc.title, exc.detail, exc.type, exc.headers, **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "pointer": "/" + "/".join(str(p) for p in err["loc"] if p != "body") if err["loc"] else "",
                "location": err["loc"][0] if err["loc"] else None,
                "field": ".".join(str(p) for p in err["loc"][1:]),
                "message": err["msg"],
            }
            for err in exc.errors()
        ]
        return problem_response(
            request,
            422,
            "Invalid request",
            f"{len(errors)} field(s) are invalid; see errors.",
            "https://stackwise.example/problems/validation",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {
            404: "Not found",
            405: "Method not allowed",
            401: "Unauthorized",
            403: "Forbidden",
            413: "Request too large",
        }
        return problem_response(
            request,
            exc.status_code,
            titles.get(exc.status_code, "Error"),
            str(exc.detail),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem_response(
            request,
            500,
            "Internal error",
            "Something went wrong on our side; the request id helps us find it.",
        )

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        """A lost or refused database connection is an outage, not a bug: 503 with Retry-After tells clients to
        come back; the pool reconnects by itself once the database is up again. Other driver errors stay 500s."""
        if not (isinstance(exc, OperationalError) or exc.connection_invalidated):
            raise exc
        log.warning("database unavailable on %s: %s", request.url.path, exc.orig.__class__.__name__)
        return problem_response(
            request,
            503,
            "Service unavailable",
            "The database cannot be reached right now; try again in a few seconds.",
            "https://stackwise.example/problems/database-unavailable",
            headers={"Retry-After": "5"},
        )
