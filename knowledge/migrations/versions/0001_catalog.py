"""Catalog tables: providers, stacks, credentials, catalog_meta.

Revision ID: 0001_catalog
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_catalog"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("country", sa.String(2), nullable=False, index=True),
        sa.Column("document", sa.JSON(), nullable=False),
    )
    op.create_table(
        "stacks",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("provider_id", sa.String(80), nullable=False, index=True),
        sa.Column("document", sa.JSON(), nullable=False),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("provider_id", sa.String(80), sa.ForeignKey("providers.id"), nullable=False, index=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("participation", sa.String(16), nullable=False, index=True),
        sa.Column("eqf_level", sa.Integer(), nullable=False, index=True),
        sa.Column("price", sa.Float(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("hours_per_week", sa.Float(), nullable=False),
        sa.Column("duration_weeks", sa.Float(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "catalog_meta",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("catalog_meta")
    op.drop_table("credentials")
    op.drop_table("stacks")
    op.drop_table("providers")
