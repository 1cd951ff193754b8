"""transfers: cases, their steps and deadlines

Revision ID: b3c5d7e9f1a4
Revises: a2b4c6d8e0f3
Create Date: 2026-12-01 15:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b3c5d7e9f1a4'
down_revision = 'a2b4c6d8e0f3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
