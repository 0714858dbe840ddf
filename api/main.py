"""The FastAPI application: `create_app()` wires settings, the store and the recommender (loaded once)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from api import errors
from api.limits import BodyLimit, TokenBuckets
from api.routes import (
    admin,
    analytics,
    credentials,
    feedback,
    health,
    learners,
    metrics,
    reading,
    recommendations,
    skills,
    web,
)
from api.store import ApiStore
from recommender.request import LearnerRequest
from recommender.service import RecommenderService
from recommender.watch import IndexWatcher
from stackwise.runtime import Runtime
from stackwise.settings import Settings

log = logging.getLogger("stackwise.api")


def _warm(service: RecommenderService) -> None:
    """The first recommendations create the encoders' ONNX sessions and load what is read lazily (1.4-1.9 s on two
    cores, measured): paid at start-up, not by the first learner. A failure here is logged; requests still run."""
    started = time.perf_counter()
    try:
        for goal in ("I want to learn data analysis", "Haluan oppia data-analytiikkaa"):
            service.recommend(LearnerRequest(goal))
    except Exception:
        log.warning("warm-up recommendation failed; the first request will pay the set-up", exc_info=True)
        return
    log.info("warm-up recommendations took %.0f ms", (time.perf_counter() - started) * 1000)


def create_app(settings: Settings | None = None, service: RecommenderService | None = None) -> FastAPI:
    """The app. Pass a loaded `service` (tests) or let the lifespan build one from the settings."""
    runtime = Runtime(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.api_store = ApiStore(runtime.store.engine).open()
        if service is not None:
            app.state.service = service
        else:
            runtime.seed()
            app.state.service = runtime.recommender.load()
            _warm(app.state.service)
        app.state.reader = runtime.reader.load()
        poll = runtime.settings.index_poll_seconds
        watcher = IndexWatcher(app.state.service, poll).start() if poll > 0 else None
        app.state.index_watcher = watcher
        yield
        if watcher is not None:
            watcher.stop()
        runtime.store.close()

    app = FastAPI(
        responses=errors.ERROR_RESPONSES,  # every route may answer with a problem document
        title="Stackwise API",
        version="1.0.0",
        summary="Micro-credential recommendations, pathways, catalog and ESCO skills.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.state.runtime = runtime
    s = runtime.settings
    app.state.metrics = metrics.Metrics()
    app.state.rebuilder = admin.Rebuilder()
    app.state.buckets = TokenBuckets(s.rate_limit_per_minute) if s.rate_limit_per_minute else None
    imports = ("/v1/catalog/import", "/v1/catalog/import-mapped")
    app.add_middleware(BodyLimit, limit=s.max_body_bytes, large_paths=dict.fromkeys(imports, s.import_max_bytes))
    app.add_middleware(
        CORSMiddleware,
        allow_origins=runtime.settings.cors_origins,
        allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Request-ID"],
    )

    @app.middleware("http")
    async def request_id(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex
        request.state.request_id = rid[:64]
        started = time.perf_counter()
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        route = request.scope.get("route")
        template = getattr(route, "path", "unmatched")
        app.state.metrics.requests.labels(request.method, template, str(response.status_code)).inc()
        app.state.metrics.latency.labels(template).observe(time.perf_counter() - started)
        log.info(
            "%s %s %s %.1fms rid=%s",
            request.method,
            request.url.path,
            response.status_code,
            (time.perf_counter() - started) * 1000,
            request.state.request_id,
        )
        return response

    for module in (
        recommendations,
        reading,
        credentials,
        skills,
        learners,
        feedback,
        admin,
        analytics,
        health,
        metrics,
        web,
    ):
        app.include_router(module.router)
    app.include_router(learners.shared)
    return app
