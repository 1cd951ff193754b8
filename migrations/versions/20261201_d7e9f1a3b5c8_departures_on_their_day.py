"""departures on their day: leaver_status_change.applied_on

A departure recorded ahead of its effective date (a retirement decision issued months
before) waits, the person still working, until app/leavers/services.apply_due applies
it on that day; ``applied_on`` is the day a change took effect in the system (None
while it waits). Every existing row was applied when it was recorded: backfilled with
its effective date, or the day it was recorded (Vietnam time) when that is later.

Revision ID: d7e9f1a3b5c8
Revises: c4d6e8f0a2b5
Create Date: 2026-12-01 17:40:00

"""
import datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = 'd7e9f1a3b5c8'
down_revision = 'c4d6e8f0a2b5'
branch_labels = None
depends_on = None

PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PENDING_DEPARTURE = ("kind = 'departure' AND reinstated_by_id IS NULL "
                     "AND applied_on IS NULL")

changes = sa.table(
    'leaver_status_change',
    sa.column('id', sa.Integer), sa.column('effective_date', sa.Date),
    sa.column('recorded_at', sa.DateTime(timezone=True)),
    sa.column('applied_on', sa.Date))


def _recorded_day(moment):
    if isinstance(moment, str):          # SQLite without type conversion
        moment = datetime.datetime.fromisoformat(moment)
    if moment.tzinfo is None:            # SQLite returns what it stored, naive UTC
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.astimezone(PROVINCE_TZ).date()


def upgrade():
    op.add_column('leaver_status_change', sa.Column('applied_on', sa.Date(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(changes.c.id, changes.c.effective_date,
                                        changes.c.recorded_at)).all()
    for row_id, effective, recorded_at in rows:
        if isinstance(effective, str):
            effective = datetime.date.fromisoformat(effective)
        connection.execute(changes.update().where(changes.c.id == row_id).values(
            applied_on=max(effective, _recorded_day(recorded_at))))
    op.create_index('ix_leaver_status_change_pending', 'leaver_status_change',
                    ['effective_date'], postgresql_where=sa.text(PENDING_DEPARTURE),
                    sqlite_where=sa.text(PENDING_DEPARTURE))


def downgrade():
    op.drop_index('ix_leaver_status_change_pending', table_name='leaver_status_change')
    # a plain ALTER TABLE DROP COLUMN (SQLite 3.35+ too): a batch copy would lose the
    # partial unique index of the open departures on SQLite
    op.drop_column('leaver_status_change', 'applied_on')
