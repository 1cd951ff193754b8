"""leavers: status changes from decisions, the archive, reinstatement

Revision ID: a2b4c6d8e0f3
Revises: f1a3c5e7b9d1
Create Date: 2026-12-01 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a2b4c6d8e0f3'
down_revision = 'f1a3c5e7b9d1'
branch_labels = None
depends_on = None

OPEN_DEPARTURE = "kind = 'departure' AND reinstated_by_id IS NULL"


def upgrade():
    op.create_table(
        'leaver_status_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('status_from', sa.String(length=32), nullable=False),
        sa.Column('status_to', sa.String(length=32), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('effective_date', sa.Date(), nullable=False),
        sa.Column('decision_number', sa.String(length=64), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=False),
        sa.Column('decided_by', sa.String(length=255), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('scan_sha256', sa.String(length=64), nullable=False),
        sa.Column('scan_content_type', sa.String(length=64), nullable=False),
        sa.Column('scan_filename', sa.String(length=255), nullable=False),
        sa.Column('scan_size', sa.Integer(), nullable=False),
        sa.Column('term_rule', sa.String(length=64), nullable=True),
        sa.Column('term_days', sa.Integer(), nullable=True),
        sa.Column('term_counted_in', sa.String(length=16), nullable=True),
        sa.Column('term_cite', sa.Text(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('reinstated_by_id', sa.Integer(), nullable=True),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.ForeignKeyConstraint(['unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['reinstated_by_id'], ['leaver_status_change.id']),
        sa.ForeignKeyConstraint(['account_id'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['recorded_by'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_leaver_status_change_employee', 'leaver_status_change',
                    ['employee_id', 'id'])
    op.create_index('ix_leaver_status_change_unit', 'leaver_status_change',
                    ['unit_id', 'effective_date'])
    op.create_index('uq_leaver_status_change_open', 'leaver_status_change', ['employee_id'],
                    unique=True, postgresql_where=sa.text(OPEN_DEPARTURE),
                    sqlite_where=sa.text(OPEN_DEPARTURE))


def downgrade():
    op.drop_index('uq_leaver_status_change_open', table_name='leaver_status_change')
    op.drop_index('ix_leaver_status_change_unit', table_name='leaver_status_change')
    op.drop_index('ix_leaver_status_change_employee', table_name='leaver_status_change')
    op.drop_table('leaver_status_change')
