"""Alembic environment for the catalog tables; run through `migrate` in knowledge.store."""

from __future__ import annotations

from knowledge.store import Base, run_migrations

run_migrations(Base.metadata)
