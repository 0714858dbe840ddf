"""API keys and roles: public < adviser < admin. A presented key must be valid (else 401); a valid key with too
small a role gets 403. Public endpoints are open unless the settings say otherwise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.errors import Problem

RANK = {"anonymous": 0, "public": 1, "adviser": 2, "admin": 3}


@dataclass(frozen=True)
class Caller:
    role: str
    identity: str  # key id for keyed callers, client address otherwise (rate limiting)


def _presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None


def get_caller(request: Request) -> Caller:
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    key = _presented_key(request)
    if key is None:
        caller = Caller("anonymous", request.client.host if request.client else "unknown")
    else:
        role = request.app.state.api_store.role_of(key)
        if role is None:
            raise Problem(
                401, "Unauthorized", "The API key is unknown or revoked.", headers={"WWW-Authenticate": "Bearer"}
            )
        caller = Caller(role, f"key:{key[:12]}")
    request.state.caller = caller
    return caller


def require(role: str):  # type: ignore[no-untyped-def]
    def check(request: Request, caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        needed = role
        if role == "public" and not request.app.state.runtime.settings.public_requires_key:
            needed = "anonymous"
        if RANK[caller.role] >= RANK[needed]:
            return caller
        if caller.role == "anonymous":
            raise Problem(
                401,
                "Unauthorized",
                f"This needs an API key with the {role} role.",
                headers={"WWW-Authenticate": "Bearer"},
            )
        raise Problem(403, "Forbidden", f"This needs the {role} role; your key has {caller.role}.")

    return check


PublicCaller = Annotated[Caller, Depends(require("public"))]
AdviserCaller = Annotated[Caller, Depends(require("adviser"))]
AdminCaller = Annotated[Caller, Depends(require("admin"))]
