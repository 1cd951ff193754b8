"""sessions end on logout, password change, lock and role change

Automatic lockouts end by themselves (locked_until), longer each time (lockout_count).

Revision ID: c5e7a9b1d3f2
Revises: b4d6f8a0c2e1
Create Date: 2026-12-01 09:46:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'c5e7a9b1d3f2'
down_revision = 'b4d6f8a0c2e1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                      server_default='0'))
        # automatic lockouts end by themselves, each one longer than the one before
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('lockout_count', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('lockout_count')
        batch_op.drop_column('locked_until')
        batch_op.drop_column('session_generation')
