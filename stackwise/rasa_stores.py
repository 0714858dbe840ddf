"""Rasa's tracker store and lock store from one URL each.

Rasa's endpoints file wants host, port, database, user and password as separate keys; a deployment has them as
one connection URL in its secrets. These pure functions turn the URL into Rasa's keys (and say what is wrong
with it), so the settings can check it at start-up and `stackwise up` can write the endpoints file from it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

# Rasa's own environment has psycopg2 (a Rasa dependency), not psycopg 3, which the API uses.
_SQL_DIALECTS = {"postgresql": "postgresql", "postgres": "postgresql", "postgresql+psycopg2": "postgresql+psycopg2"}


def tracker_store(url: str, login_db: str | None = None) -> dict[str, Any]:
    """Rasa's `tracker_store` section (SQLTrackerStore) for a postgresql:// or sqlite:/// URL."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        path = unquote(url.split(":///", 1)[1]) if ":///" in url else ""
        if not path:
            raise ValueError(f"{url!r}: a SQLite tracker store needs a file, e.g. sqlite:////srv/rasa/trackers.db")
        return {"type": "SQL", "dialect": "sqlite", "db": path}
    if scheme not in _SQL_DIALECTS:
        raise ValueError(
            f"{_redacted(url)!r}: Rasa's tracker store must be postgresql://user:password@host:5432/database "
            f"(or sqlite:///file), not {scheme or 'a URL without a scheme'!r}; Rasa's environment has only the "
            "psycopg2 driver, so write postgresql:// even where the API's URL says postgresql+psycopg://"
        )
    database = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not database:
        raise ValueError(f"{_redacted(url)!r}: give the host and the database, e.g. postgresql://rasa@db:5432/rasa")
    config: dict[str, Any] = {
        "type": "SQL",
        "dialect": _SQL_DIALECTS[scheme],
        "url": parts.hostname,
        "port": _port(parts, 5432, url),
        "db": database,
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if login_db:
        config["login_db"] = login_db
    if parts.query:
        config["query"] = dict(parse_qsl(parts.query))
    return config


def lock_store(url: str) -> dict[str, Any]:
    """Rasa's `lock_store` section (RedisLockStore) for a redis:// or rediss:// URL; the path is the database."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("redis", "rediss") or not parts.hostname:
        raise ValueError(
            f"{_redacted(url)!r}: Rasa's lock store must be redis://[:password@]host:6379/1 (rediss:// for TLS)"
        )
    db = parts.path.strip("/") or "1"
    if not db.isdigit():
        raise ValueError(f"{_redacted(url)!r}: the path names the Redis database by number, e.g. /1, not {db!r}")
    config: dict[str, Any] = {"type": "redis", "url": parts.hostname, "port": _port(parts, 6379, url), "db": int(db)}
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if scheme == "rediss":
        config["use_ssl"] = True
    return config


def _port(parts: Any, default: int, url: str) -> int:
    try:
        return int(parts.port or default)
    except ValueError:
        raise ValueError(f"{_redacted(url)!r}: the port is not a number") from None


def _redacted(url: str) -> str:
    """The URL without its password, for error messages."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return url.replace(f":{parts.password}@", ":***@", 1)
