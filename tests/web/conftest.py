"""Debian's Chromium driven by Playwright (it cannot download a browser here), and a page that records every
console error, every request and every failed load, so each test can assert there were none."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"]


LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
LOCAL = frozenset({"data", "blob", "about"})  # schemes that never reach a network


@dataclass
class WatchedPage:
    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def outside(self, *origins: str) -> list[str]:
        """Requests to any host and port but the given origins' (http and ws alike: socket.io upgrades)."""
        allowed = {_host_port(o) for o in origins}
        return [u for u in self.requests if _host_port(u) not in allowed]

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing; `make test` installs Debian's chromium")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[WatchedPage]:
    # A fixed browser language: the pages pick theirs from navigator.languages when the URL names none.
    context = browser.new_context(accept_downloads=True, locale="en-US")
    page = context.new_page()
    watched = WatchedPage(page)
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))
    page.on("request", lambda r: watched.requests.append(r.url) if urlsplit(r.url).scheme not in LOCAL else None)
    page.on("requestfailed", lambda r: _record_failure(watched, r))
    yield watched
    context.close()
    # Every page must work offline and on an intranet: nothing fetched from another host, nothing failing to load.
    assert [u for u in watched.requests if urlsplit(u).hostname not in LOOPBACK] == []
    assert watched.failed == []


def _host_port(url: str) -> tuple[str | None, int | None]:
    parts = urlsplit(url)
    return parts.hostname, parts.port or {"https": 443, "wss": 443}.get(parts.scheme, 80)


def _record_failure(watched: WatchedPage, request: Any) -> None:
    reason = request.failure or ""
    if "ERR_ABORTED" not in reason:  # a load the page itself cancelled (a reload, a closed socket), not a failure
        watched.failed.append(f"{request.url}: {reason}")
