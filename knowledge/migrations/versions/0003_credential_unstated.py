"""Credentials may leave EU elements unstated: participation, EQF level, price, hours a week and weeks may be NULL.

Revision ID: 0003_credential_unstated
Revises: 0002_provider_country_optional
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_credential_unstated"
down_revision = "0002_provider_country_optional"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("participation", sa.String(16)),
    ("eqf_level", sa.Integer()),
    ("price", sa.Float()),
    ("hours_per_week", sa.Float()),
    ("duration_weeks", sa.Float()),
)


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        for name, kind in _COLUMNS:
            batch.alter_column(name, existing_type=kind, nullable=True)


def downgrade() -> None:
    # Refuses (NOT NULL violation) while a credential leaves one of them unstated: there is no honest default.
    with op.batch_alter_table("credentials") as batch:
        for name, kind in _COLUMNS:
            batch.alter_column(name, existing_type=kind, nullable=False)
