"""Dependencies shared by the routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import Problem
from recommender.reading import MessageReader
from recommender.service import RecommenderService
from stackwise.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def get_service(request: Request) -> RecommenderService:
    service: RecommenderService | None = getattr(request.app.state, "service", None)
    if service is None:
        raise Problem(503, "Not ready", "The recommender is still loading; try again in a minute.")
    return service


def get_reader(request: Request) -> MessageReader:
    reader: MessageReader | None = getattr(request.app.state, "reader", None)
    if reader is None:
        raise Problem(503, "Not ready", "The message reader is still loading; try again in a minute.")
    return reader


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
ServiceDep = Annotated[RecommenderService, Depends(get_service)]
ReaderDep = Annotated[MessageReader, Depends(get_reader)]
