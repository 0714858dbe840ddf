"""Alembic environment for the API tables; run through `migrate` in knowledge.store."""

from __future__ import annotations

from api.store import Base
from knowledge.store import run_migrations

run_migrations(Base.metadata)
