"""Request body size limit (413) and a per-caller rate limit for public endpoints (429 with Retry-After)."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from fastapi import Request

from api.auth import Caller, get_caller
from api.errors import Problem


class TokenBuckets:
    """In-process token buckets; with several replicas each keeps its own (the limit is per replica)."""

    def __init__(self, per_minute: int, burst: int | None = None) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst or per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, who: str) -> float:
        """0 when allowed, else the seconds until a token is free."""
        now = time.monotonic()
        with self._lock:
            tokens, stamp = self._buckets.get(who, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - stamp) * self.rate)
            if tokens >= 1:
                self._buckets[who] = (tokens - 1, now)
                return 0.0
            self._buckets[who] = (tokens, now)
            return (1 - tokens) / self.rate if self.rate > 0 else 60.0


def rate_limited(request: Request) -> None:
    buckets: TokenBuckets | None = getattr(request.app.state, "buckets", None)
    if buckets is None:
        return
    caller: Caller = get_caller(request)
    if caller.role in ("adviser", "admin"):
        return
    wait = buckets.take(caller.identity)
    if wait > 0:
        raise Problem(
            429,
            "Too many requests",
            "Slow down and retry after the given seconds.",
            headers={"Retry-After": str(max(1, math.ceil(wait)))},
        )


class BodyLimit:
    """ASGI middleware: refuse bodies over `limit` bytes, by Content-Length or while streaming."""

    def __init__(self, app: Any, limit: int, large_paths: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.large_paths = large_paths or {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.large_paths.get(scope["path"], self.limit)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await _too_large(send, limit)
                return
        seen = 0

        async def counted() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _too_large(send, limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Any, limit: int) -> None:
    import json

    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Request too large",
            "status": 413,
            "detail": f"The body is over {limit} bytes.",
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
