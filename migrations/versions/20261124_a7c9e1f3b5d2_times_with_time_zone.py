"""moments with their time zone

The moments written so far were Vietnam-time values stored without a zone: PostgreSQL
kept them in the session's time zone (UTC on a default server) and screens showed that
as if it were Vietnam time. As timestamptz they read back as the instant they were, and
the screens show them in the province's time zone. Existing rows are read in the
session's time zone, the one they were written in.

Revision ID: a7c9e1f3b5d2
Revises: e62c0d103e84
Create Date: 2026-11-24 03:30:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'a7c9e1f3b5d2'
down_revision = 'e62c0d103e84'
branch_labels = None
depends_on = None

COLUMNS = {
    'record_version': [('created_at', False), ('updated_at', False), ('submitted_at', True),
                       ('decided_at', True)],
    'record_attachment': [('uploaded_at', False)],
    'record_self_service': [('opened_at', False)],
    'org_restructuring': [('created_at', False)],
    'ab_user': [('password_changed_at', True), ('locked_at', True)],
    'system_flag': [('set_at', False)],
}


def _alter(with_zone):
    postgresql = op.get_bind().dialect.name == 'postgresql'
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, nullable in columns:
                using = {}
                if postgresql:
                    using['postgresql_using'] = '%s::%s' % (
                        column, 'timestamptz' if with_zone else 'timestamp')
                batch_op.alter_column(column, type_=sa.DateTime(timezone=with_zone),
                                      existing_type=sa.DateTime(timezone=not with_zone),
                                      existing_nullable=nullable, **using)


def upgrade():
    _alter(True)


def downgrade():
    _alter(False)
