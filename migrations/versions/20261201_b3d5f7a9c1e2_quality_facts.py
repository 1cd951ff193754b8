"""data quality facts: Đúng, Đủ, Sạch, Sống per person (issue 18.5)

Counts and labels of what fails validation, what required items are missing and what
codes no catalog holds; a digest of name, birth date and sex and the keyed hashes of the
identity numbers (duplicates); the moment of the last approval and the open version's
day. Written by the application with the other facts (app/reports/services.py). The facts
are derived data: the rows written before this revision, which lack these columns' values,
are removed, and `flask deploy` (or `flask reports rebuild --if-empty`, run by `make run`)
writes them all again from the records, quality included.

Revision ID: b3d5f7a9c1e2
Revises: c4e6a8b0d2f3
Create Date: 2026-12-01 21:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3d5f7a9c1e2'
down_revision = 'c4e6a8b0d2f3'
branch_labels = None
depends_on = None

COUNTS = ('invalid_values', 'missing_required', 'orphan_codes')
ITEMS = ('invalid_items', 'missing_items', 'orphan_items')
HASHES = ('match_key', 'id_hash', 'cccd_hash')
FLAGS = ('duplicate_person', 'duplicate_id')


def upgrade():
    with op.batch_alter_table('report_fact') as batch:
        for name in COUNTS:
            batch.add_column(sa.Column(name, sa.SmallInteger(), nullable=False,
                                       server_default='0'))
        for name in ITEMS:
            batch.add_column(sa.Column(name, sa.String(length=500), nullable=True))
        for name in HASHES:
            batch.add_column(sa.Column(name, sa.String(length=64), nullable=True))
        for name in FLAGS:
            batch.add_column(sa.Column(name, sa.Boolean(), nullable=False,
                                       server_default=sa.false()))
        batch.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('submitted_on', sa.Date(), nullable=True))
        batch.add_column(sa.Column('change_opened_on', sa.Date(), nullable=True))
    for name in HASHES:
        op.create_index('ix_report_fact_%s' % name, 'report_fact', [name])
    # the facts written before are rebuilt from the records (services.needs_rebuild)
    op.execute('DELETE FROM report_fact')


def downgrade():
    for name in HASHES:
        op.drop_index('ix_report_fact_%s' % name, table_name='report_fact')
    with op.batch_alter_table('report_fact') as batch:
        for name in ('change_opened_on', 'submitted_on', 'approved_at') + FLAGS + HASHES \
                + ITEMS + COUNTS:
            batch.drop_column(name)
