"""transfers: cases, their steps and deadlines

Revision ID: b3c5d7e9f1a4
Revises: a2b4c6d8e0f3
Create Date: 2026-12-01 15:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b3c5d7e9f1a4'
down_revision = 'a2b4c6d8e0f3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'transfer_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('from_unit_id', sa.Integer(), nullable=True),
        sa.Column('to_unit_id', sa.Integer(), nullable=True),
        sa.Column('outside_body', sa.String(length=255), nullable=True),
        sa.Column('decision_number', sa.String(length=64), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=False),
        sa.Column('decided_by', sa.String(length=255), nullable=False),
        sa.Column('scan_sha256', sa.String(length=64), nullable=False),
        sa.Column('scan_content_type', sa.String(length=64), nullable=False),
        sa.Column('scan_filename', sa.String(length=255), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('applied_on', sa.Date(), nullable=True),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['created_by'], ['ab_user.id']),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.ForeignKeyConstraint(['from_unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['to_unit_id'], ['org_unit.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_transfer_case_from_unit', 'transfer_case', ['from_unit_id', 'state'])
    op.create_index('ix_transfer_case_to_unit', 'transfer_case', ['to_unit_id', 'state'])
    op.create_index('ix_transfer_case_employee', 'transfer_case', ['employee_id'])
    op.create_table(
        'transfer_step',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('side', sa.String(length=16), nullable=False),
        sa.Column('acting_unit_id', sa.Integer(), nullable=True),
        sa.Column('rule_key', sa.String(length=64), nullable=True),
        sa.Column('cite', sa.Text(), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=True),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('done_by', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['acting_unit_id'], ['org_unit.id']),
        sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id']),
        sa.ForeignKeyConstraint(['done_by'], ['ab_user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_transfer_step_case', 'transfer_step', ['case_id', 'position'],
                    unique=True)
    op.create_index('ix_transfer_step_due', 'transfer_step', ['due_on', 'done_at'])
    op.create_table(
        'transfer_sync_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('employee_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['transfer_case.id']),
        sa.ForeignKeyConstraint(['employee_id'], ['employee.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_transfer_sync_item_pending', 'transfer_sync_item', ['kind', 'done_at'])
    op.create_index('uq_transfer_sync_item', 'transfer_sync_item', ['case_id', 'kind'],
                    unique=True)


def downgrade():
    op.drop_index('uq_transfer_sync_item', table_name='transfer_sync_item')
    op.drop_index('ix_transfer_sync_item_pending', table_name='transfer_sync_item')
    op.drop_table('transfer_sync_item')
    op.drop_index('ix_transfer_step_due', table_name='transfer_step')
    op.drop_index('ix_transfer_step_case', table_name='transfer_step')
    op.drop_table('transfer_step')
    op.drop_index('ix_transfer_case_employee', table_name='transfer_case')
    op.drop_index('ix_transfer_case_to_unit', table_name='transfer_case')
    op.drop_index('ix_transfer_case_from_unit', table_name='transfer_case')
    op.drop_table('transfer_case')
