"""sessions end on logout, password change, lock and role change

Revision ID: c5e7a9b1d3f2
Revises: b4d6f8a0c2e1
Create Date: 2026-12-01 09:46:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


revision = 'c5e7a9b1d3f2'
down_revision = 'b4d6f8a0c2e1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
