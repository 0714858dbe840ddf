"""Alembic environment for the API tables; run through `api.store.ApiStore.open`."""

from __future__ import annotations

from alembic import context

from api.store import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=config.attributes.get("version_table", "alembic_version"),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
