"""the working-day calendar: days off and make-up working days the government announces

Revision ID: f1a3c5e7b9d1
Revises: e7a9c1d3f5b7
Create Date: 2026-12-01 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f1a3c5e7b9d1'
down_revision = 'e7a9c1d3f5b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'announced_day',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('entered_by', sa.Integer(), nullable=True),
        sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.CheckConstraint("kind IN ('day_off', 'working_day')", name='ck_announced_day_kind'),
        sa.ForeignKeyConstraint(['entered_by'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('day'),
    )


def downgrade():
    op.drop_table('announced_day')
