"""shared rows carry a version (optimistic locking)

Units, catalog entries and delegations get a ``version`` that every UPDATE
names and bumps (SQLAlchemy's ``version_id_col``), so that of two people who
changed the same row from the same screen the second is refused instead of
silently writing over the first. Existing rows start at 1. A record version's
``lock`` already is such a counter.

Revision ID: b4d6f8a0c2e1
Revises: a7c9e1f3b5d2
Create Date: 2026-12-01 09:45:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'b4d6f8a0c2e1'
down_revision = 'a7c9e1f3b5d2'
branch_labels = None
depends_on = None

TABLES = ('org_unit', 'catalog_entry', 'approval_delegation')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                          server_default='1'))


def downgrade():
    # ALTER TABLE … DROP COLUMN on SQLite too (3.35 and later): a batch would copy
    # org_unit to a new table, which the triggers on employee refuse
    for table in reversed(TABLES):
        op.drop_column(table, 'version')
