"""a departure recorded ahead of its day can be cancelled before it applies

A retirement decision is issued months before its day, and can be revoked or put off
(the working time extended): ``leaver_status_change`` gets who cancelled the waiting
departure, when and why. A cancelled departure stays in the person's history but is no
longer open: the two partial indexes over the open departures (one per person; the ones
waiting for their day) leave it out.

Revision ID: d1f3b5c7e9a2
Revises: c0e2a4b6d8f1
Create Date: 2026-12-02 17:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd1f3b5c7e9a2'
down_revision = 'c0e2a4b6d8f1'
branch_labels = None
depends_on = None

OPEN_BEFORE = "kind = 'departure' AND reinstated_by_id IS NULL"
OPEN_NOW = OPEN_BEFORE + " AND cancelled_at IS NULL"


def _indexes(open_departure):
    where = sa.text(open_departure)
    op.create_index('uq_leaver_status_change_open', 'leaver_status_change', ['employee_id'],
                    unique=True, postgresql_where=where, sqlite_where=where)
    pending = sa.text(open_departure + " AND applied_on IS NULL")
    op.create_index('ix_leaver_status_change_pending', 'leaver_status_change',
                    ['effective_date'], postgresql_where=pending, sqlite_where=pending)


def _drop_indexes():
    op.drop_index('ix_leaver_status_change_pending', table_name='leaver_status_change')
    op.drop_index('uq_leaver_status_change_open', table_name='leaver_status_change')


def upgrade():
    # the partial indexes first: a batch copy (SQLite, for the foreign key) would keep
    # them without their WHERE
    _drop_indexes()
    with op.batch_alter_table('leaver_status_change') as batch:
        batch.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('cancelled_by', sa.Integer(),
                                   sa.ForeignKey('ab_user.id',
                                                 name='fk_leaver_status_change_cancelled_by'),
                                   nullable=True))
        batch.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))
    _indexes(OPEN_NOW)


def downgrade():
    # without the column a cancelled departure would be open again (and applied on its
    # day): refused rather than lose or revive them
    cancelled = op.get_bind().execute(sa.text(
        "SELECT count(*) FROM leaver_status_change WHERE cancelled_at IS NOT NULL")).scalar()
    if cancelled:
        raise RuntimeError("%d cancelled departures would become open again: this revision "
                           "cannot be downgraded while they exist" % cancelled)
    _drop_indexes()
    with op.batch_alter_table('leaver_status_change') as batch:
        batch.drop_constraint('fk_leaver_status_change_cancelled_by', type_='foreignkey')
        for name in ('cancel_reason', 'cancelled_by', 'cancelled_at'):
            batch.drop_column(name)
    _indexes(OPEN_BEFORE)
