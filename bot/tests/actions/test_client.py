"""The HTTP client against a real local server: timeouts and 5xx are 'unavailable', 4xx carry the API's detail."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web

from actions.client import ApiConfig, ApiRejected, ApiUnavailable, StackwiseApi


async def _with_server(handler, call):  # type: ignore[no-untyped-def]
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        return await call(StackwiseApi(ApiConfig(f"http://127.0.0.1:{port}", timeout_s=0.5, api_key="k")))
    finally:
        await runner.cleanup()


def test_success_sends_the_key_and_returns_json() -> None:
    seen = {}

    async def handler(request: web.Request) -> web.Response:
        seen["auth"] = request.headers.get("Authorization")
        seen["body"] = await request.json()
        return web.json_response([{"label": "use spreadsheets software"}])

    found = asyncio.run(_with_server(handler, lambda api: api.match_skill("Excel")))
    assert found == [{"label": "use spreadsheets software"}]
    assert seen == {"auth": "Bearer k", "body": {"text": "Excel", "top": 1}}


def test_timeout_is_unavailable() -> None:
    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(2)
        return web.json_response({})

    with pytest.raises(ApiUnavailable):
        asyncio.run(_with_server(slow, lambda api: api.recommend({"goal": "x"})))


def test_server_error_is_unavailable_and_client_error_is_rejected() -> None:
    async def broken(request: web.Request) -> web.Response:
        return web.json_response({"detail": "boom"}, status=503)

    async def invalid(request: web.Request) -> web.Response:
        return web.json_response({"title": "Invalid", "detail": "goal: too short"}, status=422)

    with pytest.raises(ApiUnavailable):
        asyncio.run(_with_server(broken, lambda api: api.recommend({})))
    with pytest.raises(ApiRejected) as info:
        asyncio.run(_with_server(invalid, lambda api: api.recommend({})))
    assert info.value.status == 422 and info.value.detail == "goal: too short"


def test_nothing_listening_is_unavailable() -> None:
    with socket.socket() as taken:  # a port of our own that never listens: connections to it are refused
        taken.bind(("127.0.0.1", 0))
        api = StackwiseApi(ApiConfig(f"http://127.0.0.1:{taken.getsockname()[1]}", timeout_s=0.5))
        with pytest.raises(ApiUnavailable):
            asyncio.run(api.credential("x"))
