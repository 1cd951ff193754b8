"""leavers: status changes from decisions, the archive, reinstatement

Revision ID: a2b4c6d8e0f3
Revises: f1a3c5e7b9d1
Create Date: 2026-12-01 15:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'a2b4c6d8e0f3'
down_revision = 'f1a3c5e7b9d1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
