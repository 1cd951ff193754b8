"""the national sync's outbox and what the receiver acknowledged (issue 20)

``sync_message``: one message to the national database (M0001–M0006 and its action),
written in the transaction of the approval, move or status change that makes it due;
blocked with its reasons, pending, sent or failed (the dead letters). ``sync_record``: per
person, the key the receiver holds, the version it acknowledged and its content's digest.
``sync_reconciliation``: each comparison of the two, with its counts and differences.

Revision ID: a8c0e2f4b6d8
Revises: f7b9d1e3a5c7
Create Date: 2026-12-02 01:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a8c0e2f4b6d8'
down_revision = 'f7b9d1e3a5c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sync_message',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('employee_id', sa.Integer(), sa.ForeignKey('employee.id'), nullable=False),
        sa.Column('unit_id', sa.Integer(), sa.ForeignKey('org_unit.id'), nullable=False),
        sa.Column('version_id', sa.Integer(), sa.ForeignKey('record_version.id'),
                  nullable=False),
        sa.Column('reason', sa.String(16), nullable=False),
        sa.Column('message', sa.String(8), nullable=False),
        sa.Column('action', sa.String(8), nullable=False),
        sa.Column('org_code', sa.String(64), nullable=True),
        sa.Column('section_digests', sa.JSON(), nullable=True),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=True),
        sa.Column('idempotency_key', sa.String(64), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('timed_out', sa.SmallInteger(), nullable=False),
        sa.Column('last_error', sa.String(1000), nullable=True),
        sa.Column('transaction_id', sa.String(64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('requeued_by', sa.Integer(), sa.ForeignKey('ab_user.id'), nullable=True),
        sa.Column('requeued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
    )
    op.create_index('ix_sync_message_due', 'sync_message', ['status', 'next_attempt_at'])
    op.create_index('ix_sync_message_employee', 'sync_message', ['employee_id', 'id'])
    op.create_index('ix_sync_message_unit', 'sync_message', ['unit_id', 'status'])
    op.create_index('uq_sync_message_idempotency', 'sync_message', ['idempotency_key'],
                    unique=True)
    op.create_table(
        'sync_record',
        sa.Column('employee_id', sa.Integer(), sa.ForeignKey('employee.id'),
                  primary_key=True),
        sa.Column('org_code', sa.String(64), nullable=False),
        sa.Column('record_key_hash', sa.String(64), nullable=False),
        sa.Column('record_key_enc', sa.Text(), nullable=False),
        sa.Column('unit_code', sa.String(64), nullable=True),
        sa.Column('version_id', sa.Integer(), sa.ForeignKey('record_version.id'),
                  nullable=False),
        sa.Column('digest', sa.String(64), nullable=False),
        sa.Column('section_digests', sa.JSON(), nullable=False),
        sa.Column('transaction_id', sa.String(64), nullable=True),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index('uq_sync_record_key', 'sync_record', ['org_code', 'record_key_hash'],
                    unique=True)
    op.create_table(
        'sync_reconciliation',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('run_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('run_by', sa.Integer(), sa.ForeignKey('ab_user.id'), nullable=True),
        sa.Column('unit_id', sa.Integer(), sa.ForeignKey('org_unit.id'), nullable=True),
        sa.Column('differences', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('rows', sa.Text(), nullable=False),
        sa.Column('problem', sa.String(1000), nullable=True),
    )
    op.create_index('ix_sync_reconciliation_run', 'sync_reconciliation', ['run_at'])


def downgrade():
    op.drop_index('ix_sync_reconciliation_run', table_name='sync_reconciliation')
    op.drop_table('sync_reconciliation')
    op.drop_index('uq_sync_record_key', table_name='sync_record')
    op.drop_table('sync_record')
    for name in ('uq_sync_message_idempotency', 'ix_sync_message_unit',
                 'ix_sync_message_employee', 'ix_sync_message_due'):
        op.drop_index(name, table_name='sync_message')
    op.drop_table('sync_message')
