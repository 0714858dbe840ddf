"""The one way the bot reaches Stackwise: HTTP to the API, with a timeout, never the recommender itself."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any

import aiohttp


class ApiUnavailable(Exception):
    """The API did not answer (down, timed out, 5xx): the bot apologises and asks to retry later."""


class ApiRejected(Exception):
    """The API answered 4xx: the request was wrong; `detail` is its problem document's explanation."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class ApiConfig:
    base_url: str = "http://127.0.0.1:8000"
    timeout_s: float = 8.0
    api_key: str | None = None

    @classmethod
    def from_env(cls) -> ApiConfig:
        return cls(
            base_url=os.environ.get("STACKWISE_API_URL", cls.base_url).rstrip("/"),
            timeout_s=float(os.environ.get("STACKWISE_API_TIMEOUT", cls.timeout_s)),
            api_key=os.environ.get("STACKWISE_BOT_API_KEY") or None,
        )


class ReaderMissing(ApiUnavailable):
    """This API has no POST /v1/read yet (404): the bot cannot read limits or the language from a message."""


class StackwiseApi:
    def __init__(self, config: ApiConfig | None = None) -> None:
        self.config = config or ApiConfig.from_env()

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Accept": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        timeout = aiohttp.ClientTimeout(total=self.config.timeout_s)
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.request(method, self.config.base_url + path, json=body, headers=headers) as r,
            ):
                if r.status >= 500:
                    raise ApiUnavailable(f"{method} {path}: HTTP {r.status}")
                try:
                    data = await r.json(content_type=None)
                except ValueError:  # not JSON: a proxy's or an old server's error page
                    data = {"detail": (await r.text())[:200]}
                if r.status >= 400:
                    detail = data.get("detail", "") if isinstance(data, dict) else str(data)
                    raise ApiRejected(r.status, str(detail))
                return data
        except (aiohttp.ClientError, asyncio.TimeoutError) as e:  # not TimeoutError's alias before 3.11
            raise ApiUnavailable(f"{method} {path}: {e!r}") from e

    async def read(self, text: str, language: str | None) -> dict[str, Any]:
        """What a message says about limits and which language it is written in (POST /v1/read): `language`,
        `budget` ({amount, currency} or null), `free_only`, `hours_per_week`, `max_weeks`, `modes` and the
        `default_currency` of the message's or the given language."""
        try:
            result: dict[str, Any] = await self._call("POST", "/v1/read", {"text": text, "language": language})
        except ApiRejected as e:
            if e.status in (404, 405):
                raise ReaderMissing(
                    f"POST /v1/read: HTTP {e.status}: the API at {self.config.base_url} has no message reader; "
                    "update the Stackwise API (limits and the learner's language are not read until then)"
                ) from e
            raise
        return result

    async def recommend(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("POST", "/v1/recommendations", body)
        return result

    async def pathway(self, body: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("POST", "/v1/pathways", body)
        return result

    async def match_skill(self, text: str, top: int = 1) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("POST", "/v1/skills/match", {"text": text, "top": top})
        return result

    async def credential(self, credential_id: str) -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", f"/v1/credentials/{credential_id}")
        return result

    async def save_pathway(self, name: str, profile: dict[str, Any], credential_ids: list[str]) -> str:
        """Stores the pathway under a pseudonymous learner and returns its read-only share link."""
        learner = await self._call("POST", "/v1/learners", {"name": name, **profile})
        steps = [{"credential_id": cid} for cid in credential_ids]
        saved = await self._call("POST", f"/v1/learners/{learner['id']}/pathways", {"steps": steps})
        shared = await self._call("POST", f"/v1/learners/{learner['id']}/pathways/{saved['id']}/share")
        url: str = shared["url"]
        return url
