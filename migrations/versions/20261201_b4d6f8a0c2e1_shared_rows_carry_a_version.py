"""shared rows carry a version (optimistic locking)

Revision ID: b4d6f8a0c2e1
Revises: a7c9e1f3b5d2
Create Date: 2026-12-01 09:45:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


revision = 'b4d6f8a0c2e1'
down_revision = 'a7c9e1f3b5d2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
