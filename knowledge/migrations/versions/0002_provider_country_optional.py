"""Providers may have no country: issued Open Badges often do not state one.

Revision ID: 0002_provider_country_optional
Revises: 0001_catalog
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_provider_country_optional"
down_revision = "0001_catalog"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.alter_column("country", existing_type=sa.String(2), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("providers") as batch:
        batch.alter_column("country", existing_type=sa.String(2), nullable=False)
