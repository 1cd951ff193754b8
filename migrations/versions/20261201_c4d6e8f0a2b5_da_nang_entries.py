"""entries that need no approval (the da_nang model)

Nothing to change in the schema: the officer's entry (records.services.record_entry)
makes the draft the approved version through records.services.mark_approved, which
stores who recorded it and when in record_version.decided_by and decided_at, and its
basis ("officer_entry") in the audit entry; the version's status is a String(16)
without a CHECK. The revision stays, empty, as the head of the lifecycle's chain.

Revision ID: c4d6e8f0a2b5
Revises: b3c5d7e9f1a4
Create Date: 2026-12-01 15:10:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'c4d6e8f0a2b5'
down_revision = 'b3c5d7e9f1a4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
