"""The web pages (landing page with the chat widget, adviser console, provider view, shared pathway) and their
static assets. The rasa-webchat bundle is fetched from npm at install time (Makefile) into the web vendor folder,
never committed."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel

from api.errors import Problem

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
router = APIRouter(include_in_schema=False)


class WidgetConfig(BaseModel):
    socketUrl: str  # rasa-webchat's own option name
    title: str
    subtitle: str
    language: str


def _page(name: str) -> FileResponse:
    return FileResponse(WEB_DIR / name, media_type="text/html")


@router.get("/", response_class=FileResponse)
def landing() -> FileResponse:
    return _page("index.html")


@router.get("/adviser", response_class=FileResponse)
def adviser_console() -> FileResponse:
    """The adviser console; it asks for an adviser key and sends it with every API call."""
    return _page("adviser.html")


@router.get("/provider", response_class=FileResponse)
def provider_view() -> FileResponse:
    """Catalog import, analytics and index status for a provider's admin (admin key)."""
    return _page("provider.html")


@router.get("/p/{token}", response_class=FileResponse)
def shared_page(token: str) -> FileResponse:
    """The learner's read-only view of a shared pathway; the page reads /v1/shared/{token}."""
    return _page("pathway.html")


@router.get("/widget-config.json", response_model=WidgetConfig)
def widget_config(request: Request) -> WidgetConfig:
    s = request.app.state.runtime.settings
    return WidgetConfig(
        socketUrl=s.bot_public_url, title="Stackwise", subtitle="Your micro-credential advisor", language="en"
    )


@router.get("/static/vendor/rasa-webchat.js", response_class=FileResponse)
def webchat_bundle(request: Request) -> FileResponse:
    bundle = request.app.state.runtime.settings.web_vendor_dir / "rasa-webchat.js"
    if not bundle.exists():
        raise Problem(
            404, "Not found", f"The chat widget bundle is missing ({bundle}); `make run` fetches it from npm."
        )
    return FileResponse(bundle, media_type="text/javascript")


@router.get("/static/i18n/{name}", response_class=FileResponse)
@router.get("/static/i18n/{group}/{name}", response_class=FileResponse)
def messages(name: str, group: str = "") -> FileResponse:
    """The pages' message files: web/i18n/<lang>.json (chat, share page), web/i18n/console/<lang>.json."""
    root = (WEB_DIR / "i18n").resolve()
    path = (root / group / name).resolve()
    if path.parent not in (root, root / "console") or path.suffix != ".json" or not path.is_file():
        raise Problem(404, "Not found", f"No message file {group + '/' if group else ''}{name}.")
    return FileResponse(path, media_type="application/json")


@router.get("/static/{name}", response_class=FileResponse)
def static(name: str) -> FileResponse:
    path = (WEB_DIR / "static" / name).resolve()
    if path.parent != (WEB_DIR / "static").resolve() or not path.is_file():
        raise Problem(404, "Not found", f"No static file {name!r}.")
    media = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}.get(path.suffix)
    return FileResponse(path, media_type=media)
