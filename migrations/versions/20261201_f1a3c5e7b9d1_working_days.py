"""the working-day calendar: days off and make-up working days the government announces

Revision ID: f1a3c5e7b9d1
Revises: e7a9c1d3f5b7
Create Date: 2026-12-01 15:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'f1a3c5e7b9d1'
down_revision = 'e7a9c1d3f5b7'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
